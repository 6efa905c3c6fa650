//! Signing in and out of `/admin`.
//!
//! A wrong email and a wrong password get the same answer, and cost the
//! same time: an unknown email is checked against a dummy argon2 hash, so
//! timing does not tell which operators exist. Sign-in is limited twice:
//! per client IP ([`PER_IP_BURST`], whatever the emails tried) and per email
//! (after [`MAX_FAILURES`] failures within [`FAILURE_WINDOW`] of the first,
//! attempts are refused until the window ends), which blunts password
//! guessing without locking the real operator out for long; a successful
//! sign-in clears the email's failures. The limiter's memory is bounded:
//! an email is kept as its SHA-256, with a count and a time, forgotten once
//! its window is over, and at most [`MAX_TRACKED`] are kept at once.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use minijinja::context;
use parrain_store::OperatorSession;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::render;
use super::session::{
    self, is_https, set_cookie, NoFields, ReadForm, SignInForm, CSRF_COOKIE, SESSION_COOKIE,
};
use super::PageError;
use crate::auth::hash_key;
use crate::client_ip::ClientIp;
use crate::limit::{Limiter, Shared};
use crate::{password, AppState};

/// Failed attempts allowed per email within [`FAILURE_WINDOW`].
pub const MAX_FAILURES: u32 = 5;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);
/// Emails whose failures are kept at once; past that (after forgetting the
/// ended windows), attempts with an email not kept are refused until room
/// is made: being unable to count must not mean not counting.
pub const MAX_TRACKED: usize = 10_000;
/// Sign-in attempts per client IP (an IPv6 client's /64): a burst of
/// [`PER_IP_BURST`], then one each [`PER_IP_PERIOD`].
pub const PER_IP_BURST: u32 = 20;
pub const PER_IP_PERIOD: Duration = Duration::from_secs(3);

/// The emails an email's failures are kept by: fixed size, whatever was typed.
fn email_key(email: &str) -> [u8; 32] {
    Sha256::digest(email.as_bytes()).into()
}

/// Recent failed sign-ins, by email.
#[derive(Default)]
struct Failures(Mutex<HashMap<[u8; 32], (u32, Instant)>>);

impl Failures {
    fn recent(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], (u32, Instant)>> {
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if all.len() >= MAX_TRACKED {
            all.retain(|_, (_, first)| first.elapsed() < FAILURE_WINDOW);
        }
        all
    }

    /// Whether the email has used up its failed attempts for now.
    fn exhausted(&self, email: &str) -> bool {
        let key = email_key(email);
        let mut all = self.recent();
        match all.get(&key) {
            Some((_, first)) if first.elapsed() >= FAILURE_WINDOW => {
                all.remove(&key);
                false
            }
            Some((count, _)) => *count >= MAX_FAILURES,
            None => all.len() >= MAX_TRACKED,
        }
    }

    fn failed(&self, email: &str) {
        let mut all = self.recent();
        if all.len() >= MAX_TRACKED {
            return;
        }
        let (count, first) = all.entry(email_key(email)).or_insert((0, Instant::now()));
        if first.elapsed() >= FAILURE_WINDOW {
            (*count, *first) = (0, Instant::now());
        }
        *count += 1;
    }

    fn succeeded(&self, email: &str) {
        self.recent().remove(&email_key(email));
    }

    #[cfg(test)]
    fn kept(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

/// The sign-in limits of one server: per client IP and per email, in
/// Redis for every node when it is configured (and answers), in this
/// process otherwise.
#[derive(Clone)]
pub struct SignInLimits {
    per_ip: Limiter<IpAddr>,
    failures: Arc<Failures>,
    shared: Option<Shared>,
}

impl SignInLimits {
    pub fn new(shared: Option<&Shared>) -> Self {
        Self {
            per_ip: Limiter::with_period(PER_IP_PERIOD, PER_IP_BURST).shared(shared, "sign-in"),
            failures: Arc::default(),
            shared: shared.cloned(),
        }
    }

    async fn exhausted(&self, email: &str) -> bool {
        if let Some(shared) = &self.shared {
            if let Some(count) = shared.failures(&shared_key(email)).await {
                return count >= MAX_FAILURES;
            }
        }
        self.failures.exhausted(email)
    }

    async fn failed(&self, email: &str) {
        if let Some(shared) = &self.shared {
            if shared
                .count_failure(&shared_key(email), FAILURE_WINDOW)
                .await
                .is_some()
            {
                return;
            }
        }
        self.failures.failed(email);
    }

    async fn succeeded(&self, email: &str) {
        if let Some(shared) = &self.shared {
            shared.forget(&shared_key(email)).await;
        }
        self.failures.succeeded(email);
    }
}

/// An email's key in Redis: its SHA-256, so no address is stored there.
fn shared_key(email: &str) -> String {
    format!("sign-in:{}", hex::encode(email_key(email)))
}

fn too_many(secure: bool) -> Response {
    let error = "Too many attempts. Wait a minute and try again.";
    page(
        secure,
        &session::token(),
        "",
        Some(error),
        StatusCode::TOO_MANY_REQUESTS,
    )
}

/// The login form, with a fresh double-submit CSRF cookie.
pub async fn form(State(state): State<AppState>) -> Response {
    page(
        is_https(&state),
        &session::token(),
        "",
        None,
        StatusCode::OK,
    )
}

fn page(
    secure: bool,
    csrf: &str,
    email: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let html = render(
        "login.html",
        context! { title => "Sign in", csrf, email, error },
    );
    (
        status,
        [(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, csrf, 3600, secure),
        )],
        html,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct LoginIn {
    email: String,
    password: String,
}

/// The longest email an operator can have (RFC 5321's path limit).
const MAX_EMAIL: usize = 254;

pub async fn submit(
    State(state): State<AppState>,
    Extension(limits): Extension<SignInLimits>,
    client: ClientIp,
    SignInForm(form): SignInForm<LoginIn>,
) -> Response {
    let secure = is_https(&state);
    if let Some(ip) = client.0 {
        if limits
            .per_ip
            .check(&crate::limit::bucket(ip))
            .await
            .is_err()
        {
            return too_many(secure);
        }
    }
    let email = form.email.trim().to_lowercase();
    if email.len() > MAX_EMAIL {
        // No operator has such an email; nothing of it is kept.
        let error = "That email and password do not match an operator.";
        return page(
            secure,
            &session::token(),
            "",
            Some(error),
            StatusCode::UNAUTHORIZED,
        );
    }
    if limits.exhausted(&email).await {
        return too_many(secure);
    }
    let operator = match state.store.operator(&email).await {
        Ok(operator) => operator,
        Err(e) => return PageError::from(e).into_response(),
    };
    let stored = operator.map(|o| o.password_hash);
    let valid = password::verify_as_operator(form.password, stored).await;
    if !valid {
        limits.failed(&email).await;
        let error = "That email and password do not match an operator.";
        return page(
            secure,
            &session::token(),
            &email,
            Some(error),
            StatusCode::UNAUTHORIZED,
        );
    }
    limits.succeeded(&email).await;
    let token = session::token();
    let now = state.clock.now();
    let record = OperatorSession {
        token_hash: hash_key(&token),
        email,
        csrf_token: session::token(),
        created_at: now,
        expires_at: now + session::SESSION_MILLIS,
        // Read from the operator with the session, never stored with it.
        role: parrain_store::Role::Viewer,
    };
    if let Err(e) = state.store.insert_session(record).await {
        return PageError::from(e).into_response();
    }
    let max_age = session::SESSION_MILLIS / 1000;
    let mut response = Redirect::to("/admin").into_response();
    let cookies = response.headers_mut();
    for value in [
        set_cookie(SESSION_COOKIE, &token, max_age, secure),
        set_cookie(CSRF_COOKIE, "", 0, secure),
    ] {
        if let Ok(v) = value.parse() {
            cookies.append(header::SET_COOKIE, v);
        }
    }
    response
}

pub async fn logout(
    State(state): State<AppState>,
    ReadForm(operator, NoFields {}): ReadForm<NoFields>,
) -> Response {
    if let Err(e) = state.store.delete_session(&operator.0.token_hash).await {
        return PageError::from(e).into_response();
    }
    (
        [(
            header::SET_COOKIE,
            set_cookie(SESSION_COOKIE, "", 0, is_https(&state)),
        )],
        Redirect::to("/admin/login"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failures_kept_are_bounded_and_fixed_size() {
        let failures = Failures::default();
        let long = "x".repeat(3_000_000);
        for _ in 0..MAX_FAILURES {
            assert!(!failures.exhausted(&long));
            failures.failed(&long);
        }
        assert!(failures.exhausted(&long));
        assert_eq!(failures.kept(), 1);
        for i in 0..MAX_TRACKED + 10 {
            failures.failed(&format!("{i}@example.com"));
        }
        assert_eq!(failures.kept(), MAX_TRACKED);
        // Full of live windows: an email not kept cannot be counted, so is refused.
        assert!(failures.exhausted("new@example.com"));
        failures.succeeded("0@example.com");
        assert!(!failures.exhausted("new@example.com"));
    }
}
