//! Request extractors that answer in the API's error format.
//!
//! `ApiJson` rejects unknown fields and names the offending field (by its
//! path) in the message. It accepts `text/plain` bodies too, because
//! `navigator.sendBeacon` cannot send `application/json` across origins.
//!
//! No string of a JSON body (a value or an object's key) may be longer than
//! [`MAX_TEXT`] characters, whatever the field: a client cannot have parrain
//! store or keep megabytes in a name, an email, a person field or an event
//! property. Offer settings, written with a secret key and holding email
//! templates and images, have their own larger [`MAX_SETTINGS_TEXT`].

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts, HeaderMap};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The longest string a JSON body may carry, in characters.
pub const MAX_TEXT: usize = 2_048;
/// The longest string of an offer's settings (templates, data: images).
pub const MAX_SETTINGS_TEXT: usize = 256 * 1024;

/// A JSON body whose strings are at most `MAX` characters long.
pub struct ApiJson<T, const MAX: usize = MAX_TEXT>(pub T);

impl<S: Send + Sync, T: DeserializeOwned, const MAX: usize> FromRequest<S> for ApiJson<T, MAX> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let JsonBytes(bytes) = JsonBytes::from_request(req, state).await?;
        parse_json_within(&bytes, MAX).map(ApiJson)
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
        let bytes = Bytes::from_request(req, state).await.map_err(unreadable)?;
        Ok(Self(bytes))
    }
}

/// A JSON body, or the same fields sent as a form
/// (`application/x-www-form-urlencoded`): Marketo's Call Webhook step sends
/// a form unless told otherwise. A form's value is a string and an empty one
/// counts as absent (a Marketo token the lead has no value for); a field
/// given twice is refused. A JSON object sent under the form's content type
/// (a Call Webhook step with a JSON template but no `Content-Type` header of
/// its own) is read as JSON. Either way the fields are read, and named when
/// wrong, as `ApiJson` reads them.
pub struct JsonOrForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonOrForm<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            });
        if !form {
            let ApiJson(value) = ApiJson::<T>::from_request(req, state).await?;
            return Ok(Self(value));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(unreadable)?;
        if bytes.trim_ascii_start().starts_with(b"{") {
            return parse_json(&bytes).map(Self);
        }
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).map_err(|e| ApiError::BadRequest {
                code: "malformed_form",
                message: format!("the body is not a valid form: {e}"),
                field: None,
            })?;
        let mut fields = serde_json::Map::new();
        for (name, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            if fields.insert(name.clone(), value.into()).is_some() {
                return Err(ApiError::bad_field(
                    &name,
                    format!("{name} is given more than once"),
                ));
            }
        }
        let json = serde_json::to_vec(&fields).unwrap_or_default();
        parse_json(&json).map(Self)
    }
}

/// A body that could not be read: too long (413), or cut short.
fn unreadable(e: BytesRejection) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::BadRequest {
            code: "unreadable_body",
            message: e.body_text(),
            field: None,
        }
    }
}

/// What an upload of text lines (promo codes, a CSV file) may be sent as,
/// and what to tell a client that sends something else or nothing.
pub struct Upload {
    /// The accepted content types (a missing `Content-Type` is accepted).
    pub types: &'static [&'static str],
    /// The message of a 400 `unsupported_media_type`.
    pub wrong_type: &'static str,
    /// The message of a 400 when the body is not UTF-8 text.
    pub not_text: &'static str,
    /// The message of a 400 when the body holds blank lines only.
    pub empty: &'static str,
}

impl Upload {
    /// The body as text, or the error that says what is wrong with it.
    pub fn read(
        &self,
        headers: &HeaderMap,
        body: Result<Bytes, BytesRejection>,
    ) -> Result<String, ApiError> {
        let accepted = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| self.types.iter().any(|t| v.starts_with(t)));
        if !accepted {
            return Err(ApiError::BadRequest {
                code: "unsupported_media_type",
                message: self.wrong_type.into(),
                field: None,
            });
        }
        let text = String::from_utf8(body.map_err(unreadable)?.into())
            .map_err(|_| ApiError::bad_field("body", self.not_text))?;
        if text.lines().all(|line| line.trim().is_empty()) {
            return Err(ApiError::bad_field("body", self.empty));
        }
        Ok(text)
    }
}

/// Parses JSON, naming the field at fault; no string may be longer than
/// [`MAX_TEXT`].
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    parse_json_within(bytes, MAX_TEXT)
}

fn parse_json_within<T: DeserializeOwned>(bytes: &[u8], max: usize) -> Result<T, ApiError> {
    if may_hold_longer(bytes, max) {
        if let Some(field) = longer_string(bytes, max) {
            return Err(ApiError::BadRequest {
                code: "too_long",
                message: format!("{field} is longer than {max} characters"),
                field: Some(field),
            });
        }
    }
    // A body that parses is parsed at full speed; only one that fails is
    // parsed again, tracking the path, to name the field at fault.
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Ok(value);
    }
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

/// Whether the raw body has a string literal spanning more than `max`
/// characters as written (escapes counted as written, so this may say yes
/// for a string that is short once decoded, never no for a long one). One
/// pass over the bytes: the precise check runs only when this says yes.
fn may_hold_longer(bytes: &[u8], max: usize) -> bool {
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = 0usize;
    for &b in bytes {
        if !in_string {
            if b == b'"' {
                in_string = true;
                chars = 0;
            }
            continue;
        }
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            in_string = false;
            continue;
        }
        // UTF-8 continuation bytes are not characters of their own.
        if b & 0xC0 != 0x80 {
            chars += 1;
            if chars > max {
                return true;
            }
        }
    }
    false
}

/// The path (`fields.company`, `emails[3]`) of the first string of the body,
/// key or value, longer than `max` characters once decoded; `None` when
/// there is none (or the body is not JSON: parsing it says why).
fn longer_string(bytes: &[u8], max: usize) -> Option<String> {
    fn walk(value: &serde_json::Value, path: &str, max: usize) -> Option<String> {
        let too_long = |s: &str| s.chars().count() > max;
        match value {
            serde_json::Value::String(s) if too_long(s) => Some(path.to_owned()),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, item)| walk(item, &format!("{path}[{i}]"), max)),
            serde_json::Value::Object(map) => map.iter().find_map(|(key, item)| {
                let inner = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if too_long(key) {
                    // The key itself is the fault; name its object.
                    let at = if path.is_empty() { "body" } else { path };
                    return Some(at.to_owned());
                }
                walk(item, &inner, max)
            }),
            _ => None,
        }
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    walk(&value, "", max).map(|path| {
        if path.is_empty() {
            "body".to_owned()
        } else {
            path
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_strings_are_found_by_path_and_short_ones_pass() {
        let long = "é".repeat(11);
        let body = serde_json::json!({"a": "short", "fields": {"company": long}}).to_string();
        assert!(may_hold_longer(body.as_bytes(), 10));
        assert_eq!(
            longer_string(body.as_bytes(), 10).as_deref(),
            Some("fields.company")
        );
        assert!(!may_hold_longer(body.as_bytes(), 11));

        let body = serde_json::json!({"emails": ["a@b.c", "x".repeat(11)]}).to_string();
        assert_eq!(
            longer_string(body.as_bytes(), 10).as_deref(),
            Some("emails[1]")
        );

        // Escapes look longer as written; decoded, the string fits.
        let body = r#"{"name": "\u00e9\u00e9\u00e9"}"#;
        assert!(may_hold_longer(body.as_bytes(), 10));
        assert_eq!(longer_string(body.as_bytes(), 10), None);
        // An escaped quote does not end the string.
        let body = r#"{"n": "aaaaa\"bbbbbb"}"#;
        assert!(may_hold_longer(body.as_bytes(), 10));
    }
}
