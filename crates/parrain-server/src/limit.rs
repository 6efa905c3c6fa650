//! Rate limits, answered with 429 and `Retry-After`: per client IP on every
//! public route (share links, the unsubscribe page, and every call a
//! publishable key may make: tracking, sign-up, lookup, invitations, the
//! offer's public view), and, when configured, per API key on every call
//! made with one.
//!
//! The public routes are the ones anyone on the internet can call with a
//! key that sits in a web page, so a client address is what to count by;
//! they are one router group carrying [`per_ip`] (a route added to the group
//! is limited, whatever its path). An IPv6 client is counted by its /64, the
//! block one subscriber usually gets, so walking through its own addresses
//! gains nothing. A limit per key caps what one integration (or one page's
//! key) may do in all. The limiters keep a token bucket per address or key
//! in memory, per process.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::Request;
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

    /// `burst` requests at once, then one each `period`.
    pub fn with_period(period: std::time::Duration, burst: u32) -> Self {
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
        Self(Arc::new(RateLimiter::keyed(quota)))
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

/// The bucket a client address counts in: an IPv4 address, or an IPv6
/// address's /64 (an IPv4-mapped IPv6 address is its IPv4 address).
pub fn bucket(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(prefix.into())
        }
        v4 => v4,
    }
}

/// The route layer of the public group: counts the request against its
/// client's bucket when the server has a per-IP limit (an [`IpLimit`]
/// extension), and answers 429 once the bucket is empty.
pub async fn per_ip(request: Request, next: Next) -> Response {
    if let Some(limit) = request.extensions().get::<IpLimit>() {
        let ip = crate::client_ip::resolve(
            request.headers(),
            request.extensions(),
            &limit.trusted_proxies,
        );
        if let Some(ip) = ip {
            if let Err(refused) = limit.limiter.check(&bucket(ip)) {
                return refused.into_response();
            }
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::bucket;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ipv6_clients_count_by_their_64_and_ipv4_by_address() {
        assert_eq!(bucket(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_eq!(
            bucket(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")),
            ip("2001:db8:1:2::")
        );
        assert_ne!(bucket(ip("2001:db8:1:3::1")), ip("2001:db8:1:2::"));
        assert_eq!(bucket(ip("203.0.113.7")), ip("203.0.113.7"));
        assert_eq!(bucket(ip("::ffff:203.0.113.7")), ip("203.0.113.7"));
    }
}
