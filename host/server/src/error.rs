//! The one error type services return; the API maps it to GraphQL `extensions.code`.

use stride_domain::validation::ValidationError;
use stride_store::StoreError;

/// Why a request could not be served. Every variant but `Internal` carries a message meant
/// for the person who made the request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid session.
    #[error("{0}")]
    Unauthenticated(String),
    /// Authenticated, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// Nothing there (or nothing the requester may see).
    #[error("{0}")]
    NotFound(String),
    /// The input is impossible or malformed; names each field and why.
    #[error("{0}")]
    BadInput(#[from] ValidationError),
    /// The request contradicts current state (duplicate, stale version, used invite).
    #[error("{0}")]
    Conflict(String),
    /// Too many requests; retry after the given number of seconds.
    #[error("{message}")]
    RateLimited {
        /// What was limited.
        message: String,
        /// Seconds until a retry can succeed.
        retry_after_s: u64,
    },
    /// Anything else. Logged in full; the requester sees only that it happened.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    /// A `BadInput` about one field.
    pub fn bad_input(field: &str, reason: impl Into<String>) -> Self {
        AppError::BadInput(ValidationError::single(field, reason))
    }

    /// The GraphQL `extensions.code` for this error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::BadInput(_) => "BAD_INPUT",
            AppError::Conflict(_) => "CONFLICT",
            AppError::RateLimited { .. } => "RATE_LIMITED",
            AppError::Internal(_) => "INTERNAL",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound("not found".to_owned()),
            StoreError::Conflict(what) => {
                AppError::Conflict(format!("that conflicts with existing data ({what})"))
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        AppError::Internal(error)
    }
}

/// The longest free-text reason accepted (a rejection, a brake, a role change).
pub const MAX_REASON_CHARS: usize = 500;

/// Checks a free-text reason given for `field`: trimmed, at most [`MAX_REASON_CHARS`].
pub fn reason_text(field: &str, text: &str) -> AppResult<String> {
    let text = text.trim();
    let length = text.chars().count();
    if length > MAX_REASON_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("is {length} characters; at most {MAX_REASON_CHARS} are kept"),
        ));
    }
    Ok(text.to_owned())
}

/// Service results.
pub type AppResult<T> = Result<T, AppError>;
