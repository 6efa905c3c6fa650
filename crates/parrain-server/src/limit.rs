//! Rate limits, answered with 429 and `Retry-After`: per client IP on the
//! public endpoints (share links, tracking, sign-up), and, when configured,
//! per API key on every call made with one.
//!
//! The public endpoints are the ones anyone on the internet can call with a
//! key that sits in a web page, so a client address is what to count by;
//! a limit per key caps what one integration (or one page's key) may do in
//! all. The limiters keep a token bucket per address or key in memory, per
//! process.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{Request, State};
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

/// Token buckets per key (a client address, an API key's id).
#[derive(Clone)]
pub struct Limiter<K: Hash + Eq + Clone = IpAddr>(Arc<DefaultKeyedRateLimiter<K>>);

impl<K: Hash + Eq + Clone> Limiter<K> {
    pub fn new(limit: RateLimit) -> Option<Self> {
        let rate = NonZeroU32::new(limit.per_second)?;
        let burst = NonZeroU32::new(limit.burst.max(limit.per_second))?;
        Some(Self(Arc::new(RateLimiter::keyed(
            Quota::per_second(rate).allow_burst(burst),
        ))))
    }

    /// Forgets keys whose bucket is full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.0.retain_recent();
    }

    /// Takes one request from `key`'s bucket, or says how long to wait.
    pub fn check(&self, key: &K) -> Result<(), ApiError> {
        if self.0.len() > 100_000 {
            self.forget_idle();
        }
        self.0.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let retry_after = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            ApiError::TooManyRequests {
                retry_after: retry_after.max(1),
            }
        })
    }
}

/// The limit per API key, carried to the key check as a request extension.
pub type KeyLimiter = Limiter<parrain_core::ids::KeyId>;

/// The per-IP limiter with the proxies whose `X-Forwarded-For` is believed.
#[derive(Clone)]
pub struct IpLimit {
    pub limiter: Limiter,
    pub trusted_proxies: Arc<Vec<ipnet::IpNet>>,
}

pub async fn middleware(State(limit): State<IpLimit>, request: Request, next: Next) -> Response {
    if is_limited(request.method(), request.uri().path()) {
        let ip = crate::client_ip::resolve(
            request.headers(),
            request.extensions(),
            &limit.trusted_proxies,
        );
        if let Some(ip) = ip {
            if let Err(refused) = limit.limiter.check(&ip) {
                return refused.into_response();
            }
        }
    }
    next.run(request).await
}
