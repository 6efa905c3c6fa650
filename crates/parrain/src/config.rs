//! Configuration, in layers: defaults, then a TOML file (`--config`), then
//! `PARRAIN_*` environment variables, then command-line flags. Every key is
//! documented here once; unknown keys in the file are refused by name.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use parrain_server::limit::RateLimit;
use parrain_server::outbound::{parse_schedule, OutboundConfig};
use parrain_server::retention::RetentionConfig;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// Where the embedded database lives.
    pub data_dir: PathBuf,
    /// `postgres://user:pass@host/db`: use PostgreSQL instead of the embedded
    /// database, so several parrain processes can share it. Never printed.
    pub database_url: Option<String>,
    /// The URL the public reaches parrain at; share links start with it.
    /// Defaults to `http://{listen}`.
    pub public_url: Option<String>,
    /// Where share links with an unknown code go (a 404 page when unset).
    pub fallback_url: Option<String>,
    /// Log format: `text` or `json`.
    pub log_format: LogFormat,
    /// The SMTP server emails go through: `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS), `smtps://…:465` (TLS) or `smtp://host:25` (plain). Mail
    /// waits in the queue while it is unset.
    pub smtp_url: Option<String>,
    /// The From of every email, e.g. `Rewards <rewards@example.com>`.
    pub smtp_from: String,
    /// Let webhooks go to loopback and private addresses (local development).
    pub allow_private_webhooks: bool,
    /// Seconds between webhook attempts, comma-separated; then the delivery fails.
    #[serde(deserialize_with = "seconds_list")]
    pub webhook_retry_schedule: String,
    /// Seconds between email attempts, comma-separated; the last repeats.
    #[serde(deserialize_with = "seconds_list")]
    pub email_retry_schedule: String,
    /// Run the delivery workers (email, webhooks) in this process.
    pub workers: bool,
    /// How often idle workers look for due jobs, in milliseconds. A job
    /// queued by this process (on PostgreSQL, by any process on the
    /// database) wakes them at once; the poll finds retries coming due.
    pub worker_poll_ms: u64,
    /// Days finished email and webhook jobs, webhook deliveries and their
    /// attempts (the receivers' answers), and share links' daily click
    /// counts (from the end of their day) are kept; then the retention
    /// sweep deletes them. Expired operator sessions and spent or expired
    /// sign-in and confirmation links go at once; the activity log is kept.
    pub retention_jobs_days: u64,
    /// Hours an idempotency record (the saved response replayed to a retry
    /// with the same Idempotency-Key) is kept.
    pub retention_idempotency_hours: u64,
    /// Days client IP addresses are kept (a browser's from when it was last
    /// seen, a participant's from its sign-up); then they are cleared. Keep
    /// it longer than any offer's same_ip window, which compares them.
    pub retention_ip_days: u64,
    /// Days a pending code (a share code handed to a browser that shares
    /// before signing up) is kept if that browser never signs up; then it
    /// goes, with its friends' attribution to it.
    pub retention_pending_days: u64,
    /// How often each node runs the retention sweep, in seconds (also once
    /// at start; on PostgreSQL one node sweeps at a time).
    pub retention_sweep_seconds: u64,
    /// Requests per second each client IP may make to share links, tracking
    /// and sign-up (0 turns the limit off); answered with 429 beyond it.
    pub rate_limit_per_ip: u32,
    /// How many requests above that rate a client IP may make in a burst.
    pub rate_limit_burst: u32,
    /// Requests per second each API key may make, over every call made with
    /// it (0, the default, turns the limit off: the per-IP limit already
    /// guards the public endpoints); answered with 429 beyond it.
    pub rate_limit_per_key: u32,
    /// How many requests above that rate an API key may make in a burst.
    pub rate_limit_key_burst: u32,
    /// `redis://host:6379` (or `rediss://` for TLS): keep the per-IP and
    /// per-key rate limits and the admin sign-in limiter in this Redis, so
    /// every node pointed at it shares them. Unset, each process keeps its
    /// own. While Redis does not answer, each node limits on its own.
    /// Never printed.
    pub redis_url: Option<String>,
    /// Put before every key parrain writes in Redis, so several deployments
    /// can share one Redis without sharing counters.
    pub redis_key_prefix: String,
    /// The reverse proxies in front of parrain, comma-separated addresses or
    /// networks (`127.0.0.1, 10.0.0.0/8`): from them, the client's address is
    /// read from `X-Forwarded-For`. Leave empty when clients connect directly.
    pub trusted_proxies: String,
    /// The bearer token Prometheus sends to read `/metrics`
    /// (`Authorization: Bearer …`); `/metrics` answers 404 while it is unset.
    /// Never printed.
    pub metrics_token: Option<String>,
    /// The site's identity secret (at least 32 characters): the key of the
    /// identity tokens with which a web page may tie a browser to an email
    /// using the publishable key (`track/identify`, a sign-up's
    /// `identity_token`); docs/identity.md shows how a site computes them.
    /// While unset, only a secret key may. Rotate it by setting a new value
    /// here and on the site's server. Never printed.
    pub identity_secret: Option<String>,
    /// The OpenID Connect providers offers may sign people up with (their
    /// `social_sign_up`), as a JSON array: `[{"id": "google", "name":
    /// "Google", "issuer": "https://accounts.google.com", "client_id": "…",
    /// "client_secret": "…"}]`. Register `{public_url}/social/callback` as
    /// the redirect URL with each provider (README). Never printed.
    pub social_providers: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./parrain-data"),
            database_url: None,
            public_url: None,
            fallback_url: None,
            log_format: LogFormat::Text,
            smtp_url: None,
            smtp_from: "parrain <parrain@localhost>".into(),
            allow_private_webhooks: false,
            webhook_retry_schedule: DEFAULT_SCHEDULE.into(),
            email_retry_schedule: DEFAULT_SCHEDULE.into(),
            workers: true,
            worker_poll_ms: 1000,
            retention_jobs_days: 30,
            retention_idempotency_hours: 24,
            retention_ip_days: 90,
            retention_pending_days: 30,
            retention_sweep_seconds: 3600,
            rate_limit_per_ip: RateLimit::default().per_second,
            rate_limit_burst: RateLimit::default().burst,
            rate_limit_per_key: 0,
            rate_limit_key_burst: 1000,
            redis_url: None,
            redis_key_prefix: "parrain".into(),
            trusted_proxies: String::new(),
            metrics_token: None,
            identity_secret: None,
            social_providers: None,
        }
    }
}

/// A schedule as text; a lone number (`PARRAIN_EMAIL_RETRY_SCHEDULE=5`) is one too.
fn seconds_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        Text(String),
        Number(u64),
    }
    Ok(match Text::deserialize(d)? {
        Text::Text(t) => t,
        Text::Number(n) => n.to_string(),
    })
}

const DEFAULT_SCHEDULE: &str = "5,300,1800,7200,18000,36000,36000";

/// The keys that `PARRAIN_*` variables may set.
pub(crate) const ENV_KEYS: [&str; 28] = [
    "listen",
    "data_dir",
    "database_url",
    "public_url",
    "fallback_url",
    "log_format",
    "smtp_url",
    "smtp_from",
    "allow_private_webhooks",
    "webhook_retry_schedule",
    "email_retry_schedule",
    "workers",
    "worker_poll_ms",
    "retention_jobs_days",
    "retention_idempotency_hours",
    "retention_ip_days",
    "retention_pending_days",
    "retention_sweep_seconds",
    "rate_limit_per_ip",
    "rate_limit_burst",
    "rate_limit_per_key",
    "rate_limit_key_burst",
    "redis_url",
    "redis_key_prefix",
    "trusted_proxies",
    "metrics_token",
    "identity_secret",
    "social_providers",
];

/// Flags set on the command line; unset ones leave lower layers alone.
/// They are global: every subcommand takes them, before or after its name
/// (`parrain keys create --database-url …`).
#[derive(Debug, Default, Serialize, clap::Args)]
pub struct Overrides {
    /// Address and port to listen on [default: 127.0.0.1:8080]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    /// Directory of the embedded database [default: ./parrain-data]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…) instead of the embedded database
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// Public base URL of share links [default: http://LISTEN]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// Where unknown share codes redirect
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_url: Option<String>,
    /// Log format
    #[arg(long, value_enum, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,
    /// SMTP server URL (smtp://, smtps://; user:pass@ for auth)
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp_url: Option<String>,
    /// The From address of emails
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp_from: Option<String>,
    /// Allow webhooks to loopback and private addresses
    #[arg(long, num_args = 0..=1, default_missing_value = "true", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_private_webhooks: Option<bool>,
    /// Seconds between webhook attempts, comma-separated
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_retry_schedule: Option<String>,
    /// Seconds between email attempts, comma-separated
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_retry_schedule: Option<String>,
    /// How often idle workers look for due jobs, in milliseconds [default: 1000]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_poll_ms: Option<u64>,
    /// Days finished jobs and webhook deliveries are kept [default: 30]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_jobs_days: Option<u64>,
    /// Hours idempotency records are kept [default: 24]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_idempotency_hours: Option<u64>,
    /// Days client IP addresses are kept [default: 90]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_ip_days: Option<u64>,
    /// Days a pending code never signed up is kept [default: 30]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_pending_days: Option<u64>,
    /// Seconds between retention sweeps [default: 3600]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_sweep_seconds: Option<u64>,
    /// Requests per second per client IP on public endpoints; 0 turns the limit off
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_ip: Option<u32>,
    /// Requests above that rate a client IP may burst
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_burst: Option<u32>,
    /// Requests per second per API key; 0 turns the limit off [default: 0]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_key: Option<u32>,
    /// Requests above that rate an API key may burst [default: 1000]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_key_burst: Option<u32>,
    /// Redis URL (redis://host:6379) where every node keeps the rate limits together
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis_url: Option<String>,
    /// Put before every key written in Redis [default: parrain]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis_key_prefix: Option<String>,
    /// Reverse proxies whose X-Forwarded-For names the client, comma-separated (e.g. 127.0.0.1,10.0.0.0/8)
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted_proxies: Option<String>,
    /// Bearer token that unlocks /metrics (404 while unset)
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_token: Option<String>,
    /// Key of the identity tokens web pages send with the publishable key (at least 32 characters)
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_secret: Option<String>,
    /// OpenID Connect providers for social sign-up, as a JSON array (see docs/configuration.md)
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub social_providers: Option<String>,
    /// Do not run the delivery workers in this process (API only)
    #[arg(long, global = true)]
    #[serde(skip)]
    pub no_workers: bool,
    /// A TOML configuration file
    #[arg(long, env = "PARRAIN_CONFIG", global = true)]
    #[serde(skip)]
    pub config: Option<PathBuf>,
}

impl Config {
    pub fn load(overrides: &Overrides) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = &overrides.config {
            if !file.exists() {
                anyhow::bail!("the configuration file {} does not exist", file.display());
            }
            figment = figment.merge(Toml::file_exact(file));
        }
        let config: Config = figment
            .merge(Env::prefixed("PARRAIN_").only(&ENV_KEYS))
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        let mut config = config;
        if overrides.no_workers {
            config.workers = false;
        }
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        for (name, url) in [
            ("public_url", &self.public_url),
            ("fallback_url", &self.fallback_url),
        ] {
            if let Some(url) = url {
                if !parrain_core::offer::valid_web_url(url) {
                    anyhow::bail!("{name} must be an absolute http(s) URL, not `{url}`");
                }
            }
        }
        for (name, schedule) in [
            ("webhook_retry_schedule", &self.webhook_retry_schedule),
            ("email_retry_schedule", &self.email_retry_schedule),
        ] {
            parse_schedule(schedule).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        }
        if let Some(url) = &self.database_url {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                anyhow::bail!("database_url must start with postgres:// or postgresql://");
            }
        }
        if let Some(url) = &self.smtp_url {
            parrain_server::outbound::Mailer::new(url, &self.smtp_from)?;
        }
        if self
            .identity_secret
            .as_ref()
            .is_some_and(|s| s.chars().count() < 32)
        {
            anyhow::bail!(
                "identity_secret must be at least 32 characters (e.g. openssl rand -hex 32)"
            );
        }
        self.social_providers()?;
        if let Some(url) = &self.redis_url {
            let redis = parrain_server::limit::RedisConfig {
                url: url.clone(),
                prefix: self.redis_key_prefix.clone(),
            };
            redis
                .check()
                .map_err(|e| anyhow::anyhow!("redis_url: {e}"))?;
        }
        Ok(())
    }

    /// What the delivery workers need.
    pub fn outbound(&self) -> OutboundConfig {
        OutboundConfig {
            smtp_url: self.smtp_url.clone(),
            smtp_from: self.smtp_from.clone(),
            email_retry_schedule: parse_schedule(&self.email_retry_schedule).unwrap_or_default(),
            webhook_retry_schedule: parse_schedule(&self.webhook_retry_schedule)
                .unwrap_or_default(),
            poll_interval: std::time::Duration::from_millis(self.worker_poll_ms.max(10)),
            retention: RetentionConfig {
                finished_jobs: Duration::from_secs(self.retention_jobs_days.saturating_mul(86_400)),
                idempotency: Duration::from_secs(
                    self.retention_idempotency_hours.saturating_mul(3_600),
                ),
                client_ips: Duration::from_secs(self.retention_ip_days.saturating_mul(86_400)),
                pending_codes: Duration::from_secs(
                    self.retention_pending_days.saturating_mul(86_400),
                ),
                every: Duration::from_secs(self.retention_sweep_seconds.max(1)),
            },
        }
    }

    /// The per-IP limit of the public endpoints, unless turned off.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        (self.rate_limit_per_ip > 0).then_some(RateLimit {
            per_second: self.rate_limit_per_ip,
            burst: self.rate_limit_burst,
        })
    }

    pub fn key_rate_limit(&self) -> Option<RateLimit> {
        (self.rate_limit_per_key > 0).then_some(RateLimit {
            per_second: self.rate_limit_per_key,
            burst: self.rate_limit_key_burst,
        })
    }

    /// Where the limits are shared, when a Redis is configured.
    pub fn redis(&self) -> Option<parrain_server::limit::RedisConfig> {
        self.redis_url
            .as_ref()
            .map(|url| parrain_server::limit::RedisConfig {
                url: url.clone(),
                prefix: self.redis_key_prefix.clone(),
            })
    }

    /// The trusted proxies as networks; a lone address is a network of one.
    pub fn trusted_proxies(&self) -> anyhow::Result<Vec<ipnet::IpNet>> {
        self.trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<ipnet::IpNet>()
                    .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        anyhow::anyhow!(
                            "trusted_proxies: {s:?} is not an address or a network like 10.0.0.0/8"
                        )
                    })
            })
            .collect()
    }

    /// The social sign-up providers, checked: ids unique, each complete,
    /// issuers https (http only on this machine).
    pub fn social_providers(&self) -> anyhow::Result<Vec<parrain_server::social::ProviderConfig>> {
        let Some(text) = self.social_providers.as_deref() else {
            return Ok(Vec::new());
        };
        let providers: Vec<parrain_server::social::ProviderConfig> = serde_json::from_str(text)
            .map_err(|e| {
                anyhow::anyhow!("social_providers is not a JSON array of providers: {e}")
            })?;
        for (i, p) in providers.iter().enumerate() {
            if let Some(problem) = p.problem() {
                anyhow::bail!("social_providers: {problem}");
            }
            if providers[..i].iter().any(|q| q.id == p.id) {
                anyhow::bail!("social_providers: provider {} is listed twice", p.id);
            }
        }
        Ok(providers)
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_owned()
    }
}
