//! Signing in and out of `/admin`.
//!
//! A wrong email and a wrong password get the same answer. Attempts are
//! limited per email (5 at once, then one every 12 seconds) in this
//! process's memory, which blunts password guessing without locking the
//! real operator out for long.

use std::num::NonZeroU32;
use std::sync::OnceLock;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use minijinja::context;
use parrain_store::OperatorSession;
use serde::Deserialize;

use super::session::{self, cookie, same, set_cookie, Operator, CSRF_COOKIE, SESSION_COOKIE};
use super::{forbidden, render};
use crate::auth::hash_key;
use crate::{password, AppState};

fn limiter() -> &'static DefaultKeyedRateLimiter<String> {
    static LIMITER: OnceLock<DefaultKeyedRateLimiter<String>> = OnceLock::new();
    LIMITER.get_or_init(|| {
        let per_minute = NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN);
        RateLimiter::keyed(Quota::per_minute(per_minute))
    })
}

/// The login form, with a fresh double-submit CSRF cookie.
pub async fn form() -> Response {
    page(&session::token(), "", None, StatusCode::OK)
}

fn page(csrf: &str, email: &str, error: Option<&str>, status: StatusCode) -> Response {
    let html = render(
        "login.html",
        context! { title => "Sign in", csrf, email, error },
    );
    (
        status,
        [(header::SET_COOKIE, set_cookie(CSRF_COOKIE, csrf, 3600))],
        html,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct LoginIn {
    #[serde(default)]
    csrf: String,
    email: String,
    password: String,
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginIn>,
) -> Response {
    let expected = cookie(&headers, CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same(&form.csrf, &expected) {
        return forbidden();
    }
    let email = form.email.trim().to_lowercase();
    if limiter().check_key(&email).is_err() {
        let error = "Too many attempts. Wait a minute and try again.";
        return page(
            &session::token(),
            &email,
            Some(error),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let operator = match state.store.operator(&email).await {
        Ok(operator) => operator,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let valid = operator
        .as_ref()
        .is_some_and(|o| password::verify(&form.password, &o.password_hash));
    if !valid {
        let error = "That email and password do not match an operator.";
        return page(
            &session::token(),
            &email,
            Some(error),
            StatusCode::UNAUTHORIZED,
        );
    }
    let token = session::token();
    let now = state.clock.now();
    let record = OperatorSession {
        token_hash: hash_key(&token),
        email,
        csrf_token: session::token(),
        created_at: now,
        expires_at: now + session::SESSION_MILLIS,
    };
    if let Err(e) = state.store.insert_session(record).await {
        return crate::error::ApiError::from(e).into_response();
    }
    let max_age = session::SESSION_MILLIS / 1000;
    let mut response = Redirect::to("/admin").into_response();
    let cookies = response.headers_mut();
    for value in [
        set_cookie(SESSION_COOKIE, &token, max_age),
        set_cookie(CSRF_COOKIE, "", 0),
    ] {
        if let Ok(v) = value.parse() {
            cookies.append(header::SET_COOKIE, v);
        }
    }
    response
}

#[derive(Deserialize)]
pub struct CsrfIn {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    operator: Operator,
    Form(form): Form<CsrfIn>,
) -> Response {
    if !operator.csrf_ok(&form.csrf) {
        return forbidden();
    }
    if let Err(e) = state.store.delete_session(&operator.0.token_hash).await {
        return crate::error::ApiError::from(e).into_response();
    }
    (
        [(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0))],
        Redirect::to("/admin/login"),
    )
        .into_response()
}
