//! The weekly digest's unsubscribe link: `GET` shows a page with a button (mail scanners that
//! follow links change nothing), `POST` turns the email off — also what mail clients send for
//! one-click unsubscribe (RFC 8058, `List-Unsubscribe-Post`).

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::ApiState;

/// The link's query.
#[derive(Debug, Deserialize)]
pub struct UnsubscribeQuery {
    /// The secret the link carries.
    #[serde(default)]
    token: String,
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Stride</title></head>\
         <body style=\"font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5\">\
         <h1 style=\"font-size: 1.4rem\">{title}</h1>{body}</body></html>"
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response()
}

fn token_ok(token: &str) -> bool {
    !token.is_empty() && token.len() <= 128 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `GET /digest/unsubscribe?token=…`: asks to confirm.
pub async fn confirm(Query(query): Query<UnsubscribeQuery>) -> Response {
    if !token_ok(&query.token) {
        return page(
            StatusCode::BAD_REQUEST,
            "This link is not complete",
            "<p>The unsubscribe link is missing its token. Open it from the email again, or turn the \
             weekly email off in Stride under Settings.</p>",
        );
    }
    page(
        StatusCode::OK,
        "Stop the weekly email?",
        &format!(
            "<p>You will no longer get Stride's weekly summary by email. It stays in the app, and \
             you can turn the email on again in Settings.</p>\
             <form method=\"post\" action=\"/digest/unsubscribe?token={}\">\
             <button type=\"submit\" style=\"font-size: 1rem; padding: .5rem 1rem\">Unsubscribe</button></form>",
            query.token
        ),
    )
}

/// `POST /digest/unsubscribe?token=…`: turns the weekly email off.
pub async fn unsubscribe(
    State(state): State<ApiState>,
    Query(query): Query<UnsubscribeQuery>,
) -> Response {
    if !token_ok(&query.token) {
        return page(
            StatusCode::BAD_REQUEST,
            "This link is not complete",
            "<p>The unsubscribe link is missing its token.</p>",
        );
    }
    match state.app.digests.unsubscribe(&query.token).await {
        Ok(true) => page(
            StatusCode::OK,
            "You are unsubscribed",
            "<p>Stride will not email you the weekly summary any more. It stays in the app.</p>",
        ),
        Ok(false) => page(
            StatusCode::NOT_FOUND,
            "This link is no longer valid",
            "<p>It may be from an older email. Turn the weekly email off in Stride under Settings.</p>",
        ),
        Err(error) => {
            tracing::error!(%error, "unsubscribing from the digest failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "<p>Please try again in a minute.</p>",
            )
        }
    }
}
