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
//! key) may do in all.
//!
//! Each limiter keeps a token bucket per address or key. With Redis
//! configured ([`RedisConfig`]) the buckets live there, shared by every node
//! (a generic cell rate algorithm in one Lua script, timed by Redis's own
//! clock, so the nodes' clocks do not matter); otherwise in this process's
//! memory. When Redis cannot answer within [`REDIS_TIMEOUT`], a limiter
//! falls back to its own in-process buckets, and leaves Redis alone for
//! [`REDIS_PAUSE`] before trying again: a Redis outage costs neither the
//! API (fail-closed would refuse every public call) nor the limits
//! altogether (fail-open would let a flood through), only their sharing,
//! so each node limits on its own until Redis is back.

use std::fmt::Display;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// Where the limits of several nodes are kept together.
#[derive(Debug, Clone)]
pub struct RedisConfig {
    /// `redis://host:6379/0` (or `rediss://` for TLS).
    pub url: String,
    /// Put before every key, so several deployments (or tests) can share
    /// one Redis without sharing counters.
    pub prefix: String,
}

impl RedisConfig {
    /// Whether the URL is one a Redis client can use (nothing is connected).
    pub fn check(&self) -> Result<(), String> {
        redis::Client::open(self.url.as_str())
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

/// How long a limiter waits for Redis before counting in-process instead.
pub const REDIS_TIMEOUT: Duration = Duration::from_millis(250);
/// How long Redis is left alone after it failed to answer.
pub const REDIS_PAUSE: Duration = Duration::from_secs(1);

/// Takes one request from a bucket: `KEYS[1]` holds the bucket's
/// theoretical arrival time in microseconds; `ARGV[1]` is the interval
/// between requests and `ARGV[2]` how far ahead of now the arrival time may
/// run (the burst), both in microseconds. Answers 0 when the request may
/// go, otherwise the microseconds to wait. The key expires once the bucket
/// is full again.
const TAKE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local wait = tat - now - tolerance
if wait > 0 then return math.ceil(wait) end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1)
return 0
";

/// The Redis shared by a process's limiters.
#[derive(Clone)]
pub struct Shared(Arc<SharedInner>);

struct SharedInner {
    connection: redis::aio::ConnectionManager,
    prefix: String,
    take: redis::Script,
    paused_until: Mutex<Option<Instant>>,
}

impl Shared {
    /// Prepares the connection; it is made at the first use, so a Redis that
    /// is down at start does not stop the server.
    pub fn connect(config: &RedisConfig) -> Result<Self, String> {
        let client = redis::Client::open(config.url.as_str()).map_err(|e| e.to_string())?;
        let settings = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(REDIS_TIMEOUT);
        let connection = redis::aio::ConnectionManager::new_lazy_with_config(client, settings)
            .map_err(|e| e.to_string())?;
        Ok(Self(Arc::new(SharedInner {
            connection,
            prefix: config.prefix.clone(),
            take: redis::Script::new(TAKE),
            paused_until: Mutex::new(None),
        })))
    }

    fn key(&self, parts: &[&str]) -> String {
        let mut key = self.0.prefix.clone();
        for part in parts {
            key.push(':');
            key.push_str(part);
        }
        key
    }

    /// Runs one exchange with Redis; `None` when Redis did not answer in
    /// time or is paused after such a failure (the caller counts in-process).
    async fn run<T, F>(&self, exchange: F) -> Option<T>
    where
        F: std::future::Future<Output = redis::RedisResult<T>>,
    {
        let paused = |until: &mut Option<Instant>| until.is_some_and(|u| Instant::now() < u);
        if paused(
            &mut self
                .0
                .paused_until
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        ) {
            return None;
        }
        let failure = match tokio::time::timeout(REDIS_TIMEOUT, exchange).await {
            Ok(Ok(answer)) => return Some(answer),
            Ok(Err(e)) => e.to_string(),
            Err(_) => "no answer in time".to_owned(),
        };
        let mut until = self
            .0
            .paused_until
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if !paused(&mut until) {
            tracing::warn!(error = %failure, "Redis is unreachable: rate limits count on this node alone for now");
            *until = Some(Instant::now() + REDIS_PAUSE);
        }
        None
    }

    /// Takes one request from the shared bucket `name:key`: `Ok` to go on,
    /// `Err(wait)` when it is empty; `None` when Redis cannot say.
    async fn take(
        &self,
        name: &str,
        key: &str,
        period: Duration,
        burst: u32,
    ) -> Option<Result<(), Duration>> {
        let interval = period.as_micros().max(1) as u64;
        let tolerance = interval * u64::from(burst.max(1) - 1);
        let mut connection = self.0.connection.clone();
        let key = self.key(&["rate", name, key]);
        let mut invocation = self.0.take.key(key);
        invocation.arg(interval).arg(tolerance);
        let wait: u64 = self.run(invocation.invoke_async(&mut connection)).await?;
        Some(if wait == 0 {
            Ok(())
        } else {
            Err(Duration::from_micros(wait))
        })
    }

    /// The failures counted under `key` in its current window.
    pub(crate) async fn failures(&self, key: &str) -> Option<u32> {
        let mut connection = self.0.connection.clone();
        let key = self.key(&["failures", key]);
        let count: Option<u32> = self
            .run(redis::cmd("GET").arg(key).query_async(&mut connection))
            .await?;
        Some(count.unwrap_or(0))
    }

    /// Counts a failure under `key`; the first opens a window of `window`,
    /// at whose end the count is forgotten.
    pub(crate) async fn count_failure(&self, key: &str, window: Duration) -> Option<()> {
        let mut connection = self.0.connection.clone();
        let key = self.key(&["failures", key]);
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("SET")
            .arg(&key)
            .arg(0)
            .arg("NX")
            .arg("PX")
            .arg(window.as_millis() as u64)
            .ignore()
            .cmd("INCR")
            .arg(&key)
            .ignore();
        self.run(pipe.query_async::<()>(&mut connection)).await
    }

    /// Forgets the failures under `key`.
    pub(crate) async fn forget(&self, key: &str) -> Option<()> {
        let mut connection = self.0.connection.clone();
        let key = self.key(&["failures", key]);
        self.run(
            redis::cmd("DEL")
                .arg(key)
                .query_async::<()>(&mut connection),
        )
        .await
    }
}

/// Token buckets per key (a client address, an API key's id): in Redis
/// when the limiter is shared, in this process otherwise or while Redis
/// does not answer.
#[derive(Clone)]
pub struct Limiter<K: Hash + Eq + Clone = IpAddr> {
    local: Arc<DefaultKeyedRateLimiter<K>>,
    shared: Option<(Shared, &'static str)>,
    period: Duration,
    burst: u32,
}

impl<K: Hash + Eq + Clone + Display> Limiter<K> {
    pub fn new(limit: RateLimit) -> Option<Self> {
        let rate = NonZeroU32::new(limit.per_second)?;
        let burst = limit.burst.max(limit.per_second);
        Some(Self::with_period(
            Duration::from_secs(1) / rate.get(),
            burst,
        ))
    }

    /// `burst` requests at once, then one each `period`.
    pub fn with_period(period: Duration, burst: u32) -> Self {
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
        Self {
            local: Arc::new(RateLimiter::keyed(quota)),
            shared: None,
            period,
            burst: burst.max(1),
        }
    }

    /// Keeps the buckets in Redis, under `name`, when there is one.
    pub fn shared(mut self, shared: Option<&Shared>, name: &'static str) -> Self {
        self.shared = shared.map(|s| (s.clone(), name));
        self
    }

    /// Forgets keys whose bucket is full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.local.retain_recent();
    }

    /// Takes one request from `key`'s bucket, or says how long to wait.
    pub async fn check(&self, key: &K) -> Result<(), ApiError> {
        let too_many = |wait: Duration| {
            let retry_after = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            ApiError::TooManyRequests {
                retry_after: retry_after.max(1),
            }
        };
        if let Some((shared, name)) = &self.shared {
            let taken = shared
                .take(name, &key.to_string(), self.period, self.burst)
                .await;
            if let Some(taken) = taken {
                return taken.map_err(too_many);
            }
        }
        if self.local.len() > 100_000 {
            self.forget_idle();
        }
        self.local
            .check_key(key)
            .map_err(|not_until| too_many(not_until.wait_time_from(DefaultClock::default().now())))
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
            if let Err(refused) = limit.limiter.check(&bucket(ip)).await {
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
