//! Who is signed in to `/admin`, and the CSRF rule every form obeys.
//!
//! The session cookie (`parrain_admin`) is a random token, HttpOnly and
//! SameSite=Lax, and Secure when the public URL is https (so a browser
//! never sends it over plain HTTP); the store keeps only its SHA-256. Each session has its own
//! CSRF token, which every POST must echo in a `csrf` field. Before sign-in
//! there is no session, so the login form uses a double-submit cookie
//! (`parrain_csrf`) instead.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use parrain_store::OperatorSession;
use rand::distr::{Alphanumeric, SampleString};

use crate::auth::hash_key;
use crate::AppState;

pub const SESSION_COOKIE: &str = "parrain_admin";
pub const CSRF_COOKIE: &str = "parrain_csrf";
/// How long a sign-in lasts.
pub const SESSION_MILLIS: i64 = 12 * 60 * 60 * 1000;

/// A random token for a cookie or a form.
pub fn token() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 43)
}

/// A cookie value by name.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value for an `/admin` cookie (`max_age` 0 removes it),
/// `Secure` when the server is reached over https.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/admin; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

/// Whether the public URL is https, so cookies must be `Secure`.
pub fn is_https(state: &AppState) -> bool {
    let url = &state.config.public_url;
    url.get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
}

/// Constant-time equality, so a CSRF check does not leak by timing.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0, |d, (x, y)| d | (x ^ y)) == 0
}

/// The signed-in operator; extracting it from a request without a live
/// session redirects to the login page.
pub struct Operator(pub OperatorSession);

impl Operator {
    /// Whether a form's `csrf` field is this session's token.
    pub fn csrf_ok(&self, field: &str) -> bool {
        same(field, &self.0.csrf_token)
    }
}

impl FromRequestParts<AppState> for Operator {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let login = || Redirect::to("/admin/login").into_response();
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(login());
        };
        match state
            .store
            .session(&hash_key(&token), state.clock.now())
            .await
        {
            Ok(Some(session)) => {
                super::notice::count(state).await;
                Ok(Operator(session))
            }
            Ok(None) => Err(login()),
            Err(e) => Err(crate::error::ApiError::from(e).into_response()),
        }
    }
}
