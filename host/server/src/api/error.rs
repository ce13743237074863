//! Turning service errors into GraphQL errors with `extensions.code`.

use async_graphql::ErrorExtensions;

use crate::error::AppError;

impl From<AppError> for async_graphql::Error {
    fn from(error: AppError) -> Self {
        let code = error.code();
        match &error {
            AppError::Internal(source) => {
                // The detail is for operators; the client only learns that it happened.
                let reference = uuid::Uuid::new_v4();
                tracing::error!(error = ?source, %reference, "request failed");
                async_graphql::Error::new(format!("internal error (reference {reference})"))
                    .extend_with(|_, e| e.set("code", code))
            }
            AppError::BadInput(validation) => {
                let fields = async_graphql::to_value(&validation.errors).unwrap_or_default();
                async_graphql::Error::new(error.to_string()).extend_with(|_, e| {
                    e.set("code", code);
                    e.set("fields", fields.clone());
                })
            }
            AppError::RateLimited { retry_after_s, .. } => {
                let retry = *retry_after_s;
                async_graphql::Error::new(error.to_string()).extend_with(|_, e| {
                    e.set("code", code);
                    e.set("retryAfterSeconds", retry);
                })
            }
            _ => {
                async_graphql::Error::new(error.to_string()).extend_with(|_, e| e.set("code", code))
            }
        }
    }
}
