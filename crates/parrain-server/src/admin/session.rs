//! Who is signed in to `/admin`, and the CSRF rule every form obeys.
//!
//! The session cookie (`parrain_admin`) is a random token, HttpOnly and
//! SameSite=Lax, and Secure when the public URL is https (so a browser
//! never sends it over plain HTTP); the store keeps only its SHA-256. Each session has its own
//! CSRF token, which every POST must echo in a `csrf` field. Before sign-in
//! there is no session, so the login form uses a double-submit cookie
//! (`parrain_csrf`) instead.
//!
//! Roles are enforced by the form extractors, so no handler that changes
//! anything can be written without saying who may: `CsrfForm` is an
//! editor's (offers, promo codes, reviews, fulfilment), `OwnerForm` an
//! owner's (API keys, webhooks, operators), and `ReadForm` anyone's
//! (logging out, a preview that changes nothing). A viewer is refused
//! every change with 403 before the handler runs.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use parrain_store::{OperatorSession, Role};
use rand::distr::{Alphanumeric, SampleString};

use serde::de::DeserializeOwned;

use super::error::{forbidden, PageError};
use crate::auth::hash_key;
use crate::error::ApiError;
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
            Err(e) => Err(PageError::from(e).into_response()),
        }
    }
}

impl Operator {
    pub fn email(&self) -> &str {
        &self.0.email
    }

    pub fn role(&self) -> Role {
        self.0.role
    }

    /// Whether this operator's role may change what `needs` guards.
    pub fn may(&self, needs: Role) -> bool {
        self.0.role >= needs
    }

    /// What the pages draw for this operator (`may` in every template): a
    /// control its role may not use is left out, and the forms still check.
    pub fn rights(&self) -> Rights {
        Rights {
            edit: self.may(Role::Editor),
            own: self.may(Role::Owner),
        }
    }
}

/// The changes an operator's role allows, as the templates read them.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Rights {
    /// Offers, promo codes, reviews and fulfilment (an editor or an owner).
    pub edit: bool,
    /// API keys, webhooks and the operators (an owner).
    pub own: bool,
}

/// A form posted by the signed-in operator, whose `csrf` field is the
/// session's token; `T` is read from the same fields (a
/// `Vec<(String, String)>` keeps repeated ones). Without a session: the
/// login page; with a wrong or missing token: 403, and the handler does
/// not run. An editor's or an owner's: a viewer is refused with 403.
pub struct CsrfForm<T>(pub Operator, pub T);

/// Like `CsrfForm`, for an owner only.
pub struct OwnerForm<T>(pub Operator, pub T);

/// Like `CsrfForm`, for any role: what it does changes nothing an
/// operator manages (logging out, a preview).
pub struct ReadForm<T>(pub Operator, pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (operator, form) = checked_form(request, state, Role::Editor).await?;
        Ok(Self(operator, form))
    }
}

impl<T: DeserializeOwned> FromRequest<AppState> for OwnerForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (operator, form) = checked_form(request, state, Role::Owner).await?;
        Ok(Self(operator, form))
    }
}

impl<T: DeserializeOwned> FromRequest<AppState> for ReadForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (operator, form) = checked_form(request, state, Role::Viewer).await?;
        Ok(Self(operator, form))
    }
}

async fn checked_form<T: DeserializeOwned>(
    request: Request,
    state: &AppState,
    needs: Role,
) -> Result<(Operator, T), Response> {
    let (mut parts, body) = request.into_parts();
    let operator = Operator::from_request_parts(&mut parts, state).await?;
    let body = read_body(Request::from_parts(parts, body), state).await?;
    if !same(&csrf_field(&body), &operator.0.csrf_token) {
        return Err(forbidden());
    }
    if !operator.may(needs) {
        return Err(not_allowed(operator.role(), needs));
    }
    let form = parse_form(&body).map_err(IntoResponse::into_response)?;
    Ok((operator, form))
}

/// The answer to a change the operator's role does not allow.
pub fn not_allowed(has: Role, needs: Role) -> Response {
    let message = format!(
        "Your role is {has}: only {who} can make this change. An owner can change your role on the Operators page.",
        has = has.as_str(),
        who = match needs {
            Role::Owner => "an owner",
            _ => "an editor or an owner",
        }
    );
    let page = super::render(
        "error.html",
        minijinja::context! { title => "Not allowed", message },
    );
    (axum::http::StatusCode::FORBIDDEN, page).into_response()
}

/// A form with no field but its `csrf` (a button).
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// The login form, posted before any session: its `csrf` field must match
/// the double-submit cookie the form was served with.
pub struct SignInForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for SignInForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let expected = cookie(request.headers(), CSRF_COOKIE).unwrap_or_default();
        let body = read_body(request, state).await?;
        if expected.is_empty() || !same(&csrf_field(&body), &expected) {
            return Err(forbidden());
        }
        let form = parse_form(&body).map_err(IntoResponse::into_response)?;
        Ok(Self(form))
    }
}

async fn read_body(request: Request, state: &AppState) -> Result<Bytes, Response> {
    Bytes::from_request(request, state)
        .await
        .map_err(IntoResponse::into_response)
}

fn csrf_field(body: &[u8]) -> String {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn parse_form<T: DeserializeOwned>(body: &[u8]) -> Result<T, PageError> {
    serde_urlencoded::from_bytes(body).map_err(|e| {
        PageError(ApiError::Unprocessable {
            code: "invalid_form",
            message: format!("the form could not be read: {e}"),
            details: serde_json::Value::Null,
        })
    })
}
