//! Signing in and out of `/admin`.
//!
//! A wrong email and a wrong password get the same answer. Failed attempts
//! are limited per email (after 5 within a minute, attempts are refused
//! until the oldest is a minute old) in this process's memory, which blunts
//! password guessing without locking the real operator out for long; a
//! successful sign-in clears the email's failures.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use minijinja::context;
use parrain_store::OperatorSession;
use serde::Deserialize;

use super::session::{self, cookie, same, set_cookie, Operator, CSRF_COOKIE, SESSION_COOKIE};
use super::{forbidden, render};
use crate::auth::hash_key;
use crate::{password, AppState};

/// Failed attempts allowed per email within [`FAILURE_WINDOW`].
const MAX_FAILURES: usize = 5;
const FAILURE_WINDOW: Duration = Duration::from_secs(60);

/// Recent failed sign-ins, by email.
#[derive(Default)]
struct Failures(Mutex<HashMap<String, Vec<Instant>>>);

impl Failures {
    fn get() -> &'static Self {
        static FAILURES: OnceLock<Failures> = OnceLock::new();
        FAILURES.get_or_init(Self::default)
    }

    fn recent(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Instant>>> {
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if all.len() > 10_000 {
            all.retain(|_, times| times.iter().any(|t| t.elapsed() < FAILURE_WINDOW));
        }
        all
    }

    /// Whether the email has used up its failed attempts for now.
    fn exhausted(&self, email: &str) -> bool {
        let mut all = self.recent();
        let Some(times) = all.get_mut(email) else {
            return false;
        };
        times.retain(|t| t.elapsed() < FAILURE_WINDOW);
        times.len() >= MAX_FAILURES
    }

    fn failed(&self, email: &str) {
        self.recent()
            .entry(email.to_owned())
            .or_default()
            .push(Instant::now());
    }

    fn succeeded(&self, email: &str) {
        self.recent().remove(email);
    }
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
    if Failures::get().exhausted(&email) {
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
        Failures::get().failed(&email);
        let error = "That email and password do not match an operator.";
        return page(
            &session::token(),
            &email,
            Some(error),
            StatusCode::UNAUTHORIZED,
        );
    }
    Failures::get().succeeded(&email);
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
