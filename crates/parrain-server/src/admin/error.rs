//! What an admin page answers when it fails: a page in the admin's look,
//! with the status and the message the API would give, never the API's
//! JSON (an operator's browser shows it as it is). 5xx are logged with
//! their cause, which the page does not show.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use minijinja::context;
use parrain_store::StoreError;

use crate::error::ApiError;

/// The error of an admin handler; `?` turns store and API errors into it.
#[derive(Debug)]
pub struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        Self(e)
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        Self(e.into())
    }
}

impl PageError {
    /// The page or the thing it names is not there.
    pub fn not_found(what: &str) -> Self {
        Self(ApiError::NotFound(what.into()))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self.0 {
            tracing::error!(%cause, "admin page failed");
        }
        let status = self.0.status();
        let title = status.canonical_reason().unwrap_or("Error");
        let page = super::render(
            "error.html",
            context! { title, message => self.0.message() },
        );
        let mut response = (status, page).into_response();
        if let ApiError::TooManyRequests { retry_after } = self.0 {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after.into());
        }
        response
    }
}

/// The answer to a form without its CSRF token.
pub fn forbidden() -> Response {
    let message =
        "This form has expired or did not come from parrain. Reload the page and try again.";
    PageError(ApiError::Forbidden(message)).into_response()
}
