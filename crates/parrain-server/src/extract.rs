//! Request extractors that answer in the API's error format.
//!
//! `ApiJson` rejects unknown fields and names the offending field (by its
//! path) in the message. It accepts `text/plain` bodies too, because
//! `navigator.sendBeacon` cannot send `application/json` across origins.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let JsonBytes(bytes) = JsonBytes::from_request(req, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// A JSON body not parsed yet, for handlers that choose the shape first.
pub struct JsonBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/json")
            .to_ascii_lowercase();
        if !(content_type.starts_with("application/json") || content_type.starts_with("text/plain"))
        {
            return Err(ApiError::BadRequest {
                code: "unsupported_media_type",
                message: "send the body as application/json".into(),
                field: None,
            });
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest {
                    code: "unreadable_body",
                    message: e.body_text(),
                    field: None,
                }
            }
        })?;
        Ok(Self(bytes))
    }
}

/// Parses JSON, naming the field at fault.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let syntax = inner.is_syntax() || inner.is_eof();
        if syntax {
            ApiError::BadRequest {
                code: "malformed_json",
                message: format!("the body is not valid JSON: {inner}"),
                field: None,
            }
        } else {
            let field = if path == "." { "body".to_owned() } else { path };
            ApiError::BadRequest {
                code: "invalid_field",
                message: format!("{field}: {inner}"),
                field: Some(field),
            }
        }
    })
}

/// Query strings, with unknown parameters refused like unknown JSON fields.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let field = e.path().to_string();
                ApiError::BadRequest {
                    code: "invalid_query",
                    message: format!("{field}: {}", e.into_inner()),
                    field: Some(field),
                }
            })
    }
}
