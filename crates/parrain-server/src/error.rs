//! The one error type of the HTTP layer, and the JSON body of SPEC §5:
//! `{"error": {"code", "message", "details"}}`. Store errors map to statuses
//! here and nowhere else; 5xx are logged with their cause and never leak it.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use parrain_store::StoreError;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

#[derive(Debug)]
pub enum ApiError {
    BadRequest {
        code: &'static str,
        message: String,
        field: Option<String>,
    },
    Unauthorized(&'static str),
    Forbidden(&'static str),
    NotFound(String),
    Conflict {
        code: &'static str,
        message: String,
    },
    Unprocessable {
        code: &'static str,
        message: String,
        details: Value,
    },
    TooManyRequests {
        retry_after: u64,
    },
    PayloadTooLarge,
    Internal(String),
}

impl ApiError {
    pub fn bad_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        Self::BadRequest {
            code: "invalid_field",
            message: message.into(),
            field: Some(field),
        }
    }

    /// What the error says to a person (the JSON body's `message`).
    pub fn message(&self) -> String {
        self.parts().2
    }

    /// The HTTP status it answers with.
    pub fn status(&self) -> StatusCode {
        self.parts().0
    }

    fn parts(&self) -> (StatusCode, &str, String, Value) {
        match self {
            Self::BadRequest {
                code,
                message,
                field,
            } => (
                StatusCode::BAD_REQUEST,
                code,
                message.clone(),
                json!({ "field": field }),
            ),
            Self::Unauthorized(message) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                (*message).into(),
                Value::Null,
            ),
            Self::Forbidden(message) => (
                StatusCode::FORBIDDEN,
                "forbidden",
                (*message).into(),
                Value::Null,
            ),
            Self::NotFound(what) => (
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{what} not found"),
                Value::Null,
            ),
            Self::Conflict { code, message } => {
                (StatusCode::CONFLICT, code, message.clone(), Value::Null)
            }
            Self::Unprocessable {
                code,
                message,
                details,
            } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                code,
                message.clone(),
                details.clone(),
            ),
            Self::TooManyRequests { retry_after } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many requests; retry in {retry_after} s"),
                Value::Null,
            ),
            Self::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!(
                    "the request body is larger than the {} MiB limit",
                    crate::MAX_BODY / (1024 * 1024)
                ),
                Value::Null,
            ),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "something went wrong on our side; it has been logged".into(),
                Value::Null,
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let (status, code, message, details) = self.parts();
        let body = ErrorOut {
            error: ErrorDetailOut {
                code: code.to_owned(),
                message,
                details,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Self::TooManyRequests { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after.into());
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what } => Self::NotFound(what.into()),
            StoreError::Conflict { code, message } => Self::Conflict { code, message },
            StoreError::Invalid(problems) => Self::Unprocessable {
                code: "invalid_settings",
                message: problems
                    .iter()
                    .map(|p| format!("{}: {}", p.field, p.message))
                    .collect::<Vec<_>>()
                    .join("; "),
                details: json!({ "problems": problems }),
            },
            StoreError::PromoLines(lines) => Self::Unprocessable {
                code: "invalid_promo_codes",
                message: format!(
                    "{} line(s) refused (first: line {}); nothing was stored",
                    lines.len(),
                    lines.first().map_or(0, |l| l.line)
                ),
                details: json!({ "lines": lines }),
            },
            StoreError::ImportLines(lines) => Self::Unprocessable {
                code: "invalid_import",
                message: format!(
                    "{} line(s) refused (first: line {}: {}); nothing was imported",
                    lines.len(),
                    lines.first().map_or(0, |l| l.line),
                    lines.first().map_or("", |l| l.message.as_str())
                ),
                details: json!({ "lines": lines }),
            },
            StoreError::CustomerLines(lines) => Self::Unprocessable {
                code: "invalid_existing_customers",
                message: format!(
                    "{} line(s) are neither an email nor a SHA-256 hash (first: line {}); nothing was stored",
                    lines.len(),
                    lines.first().map_or(0, |l| l.line)
                ),
                details: json!({ "lines": lines }),
            },
            StoreError::BadInput { field, message } => Self::bad_field(field, message),
            StoreError::KeyRefused => Self::Unauthorized(crate::auth::KEY_REFUSED),
            StoreError::Database(cause) => Self::Internal(cause.to_string()),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The JSON body of every error.
#[derive(Serialize, ToSchema)]
pub struct ErrorOut {
    pub error: ErrorDetailOut,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetailOut {
    /// Stable and machine-readable: `invalid_field`, `not_found`, `rate_limited`, …
    pub code: String,
    /// For a person; a bad field is named in it.
    pub message: String,
    /// `{field}` for a 400, `{problems}` or `{lines}` for a 422, else null.
    #[schema(value_type = Option<Object>)]
    pub details: Value,
}
