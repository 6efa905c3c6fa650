//! Rate limits on the public endpoints (share links, tracking, sign-up),
//! per client IP, answered with 429 and `Retry-After`.
//!
//! These are the endpoints anyone on the internet can call with a key that
//! sits in a web page, so a client address is the only thing to count by.
//! The limiter keeps a token bucket per address in memory, per process.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// A sustained rate with a burst on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_second: u32,
    pub burst: u32,
}

impl Default for RateLimit {
    /// Far above what a person's browser does, low enough to blunt a script.
    fn default() -> Self {
        Self {
            per_second: 20,
            burst: 200,
        }
    }
}

/// Whether a request is one of the public calls that are limited per IP.
fn is_limited(method: &Method, path: &str) -> bool {
    path.starts_with("/r/")
        || path.starts_with("/v1/track/")
        || (method == Method::POST
            && path.starts_with("/v1/offers/")
            && path.ends_with("/participants"))
}

#[derive(Clone)]
pub struct Limiter(Arc<DefaultKeyedRateLimiter<IpAddr>>);

impl Limiter {
    pub fn new(limit: RateLimit) -> Option<Self> {
        let rate = NonZeroU32::new(limit.per_second)?;
        let burst = NonZeroU32::new(limit.burst.max(limit.per_second))?;
        Some(Self(Arc::new(RateLimiter::keyed(
            Quota::per_second(rate).allow_burst(burst),
        ))))
    }

    /// Forgets addresses whose bucket is full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.0.retain_recent();
    }
}

pub async fn middleware(State(limiter): State<Limiter>, request: Request, next: Next) -> Response {
    if is_limited(request.method(), request.uri().path()) {
        let ip = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        if let Some(ip) = ip {
            if limiter.0.len() > 100_000 {
                limiter.forget_idle();
            }
            if let Err(not_until) = limiter.0.check_key(&ip) {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                let retry_after = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                return ApiError::TooManyRequests {
                    retry_after: retry_after.max(1),
                }
                .into_response();
            }
        }
    }
    next.run(request).await
}
