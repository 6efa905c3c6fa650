//! parrain's HTTP side: the `/v1` API, `/r/{code}` share links, the browser
//! script, health and the OpenAPI document.
//!
//! Handlers parse requests into domain types at the edge, call the store, and
//! shape the answer. They hold no business rules.

pub mod admin;
pub mod auth;
pub mod chart;
pub mod client_ip;
pub mod demo;
mod error;
mod extract;
pub mod holds;
pub mod idempotency;
pub mod identity;
pub mod limit;
pub mod metrics;
mod openapi;
pub mod outbound;
pub mod participant_token;
pub mod password;
pub mod retention;
mod routes;
pub mod social;
mod views;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{header, HeaderValue};
use parrain_core::Millis;
use parrain_store::Store;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use routes::App;

/// What the server needs to know about where it runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The base URL the public reaches this server at (share links start with it).
    pub public_url: String,
    /// Where unknown share codes go; a plain 404 page when unset.
    pub fallback_url: Option<String>,
    /// The demo offer and publishable key served at `/demo`, when enabled.
    pub demo: Option<Demo>,
    /// SMTP, retry schedules and worker timing.
    pub outbound: outbound::OutboundConfig,
    /// Lets webhooks go to loopback and private addresses (tests, local development).
    pub allow_private_webhooks: bool,
    /// Requests per client IP on the public endpoints; `None` turns the limit off.
    pub rate_limit: Option<limit::RateLimit>,
    /// Requests per API key, on every call made with one; `None` turns it off.
    pub key_rate_limit: Option<limit::RateLimit>,
    /// The Redis that keeps the rate limits and the sign-in limiter for
    /// every node; `None` keeps them in this process.
    pub redis: Option<limit::RedisConfig>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The bearer token `/metrics` asks for; `None` hides it (404).
    pub metrics_token: Option<String>,
    /// The key of identity tokens ([`identity`]): with it a web page may tie
    /// a browser to an email using the publishable key. `None`: only a
    /// secret key may.
    pub identity_secret: Option<String>,
    /// The OpenID Connect providers offers may sign people up with (SPEC §14).
    pub social: social::Providers,
}

#[derive(Debug, Clone)]
pub struct Demo {
    pub offer_id: String,
    pub publishable_key: String,
}

/// The time source. Real time plus an offset that tests may move forward.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> Millis {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        real as Millis + self.offset.load(Ordering::Relaxed)
    }

    /// Moves this clock forward (tests of time windows).
    pub fn advance(&self, by: Millis) {
        self.offset.fetch_add(by, Ordering::Relaxed);
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<ServerConfig>,
    pub clock: Clock,
}

/// The largest request body accepted (a 1,000-event batch fits with room).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// The app: every route, the share link's answered first (`routes/redirect.rs`).
pub fn router(state: AppState) -> App {
    let shared = state.config.redis.as_ref().and_then(|redis| {
        limit::Shared::connect(redis)
            .inspect_err(|e| tracing::error!(error = %e, "the Redis URL is unusable: limits stay in this process"))
            .ok()
    });
    let limiter = (state.config.rate_limit)
        .and_then(limit::Limiter::new)
        .map(|l| l.shared(shared.as_ref(), "ip"));
    let key_limiter = (state.config.key_rate_limit)
        .and_then(limit::KeyLimiter::new)
        .map(|l| l.shared(shared.as_ref(), "key"));
    let trusted_proxies = Arc::new(state.config.trusted_proxies.clone());
    let ip_limit = limiter.map(|limiter| limit::IpLimit {
        limiter,
        trusted_proxies,
    });
    metrics::install();
    let share_state = state.clone();
    let share_limit = ip_limit.clone();
    let mut app = routes::router(&state)
        .merge(admin::router())
        .route("/metrics", axum::routing::get(metrics::scrape))
        .with_state(state);
    app = app.layer(axum::Extension(admin::SignInLimits::new(shared.as_ref())));
    app = app.layer(axum::Extension(routes::referrers::NameSearchLimit::new(
        shared.as_ref(),
    )));
    password::prepare();
    if let Some(limiter) = key_limiter {
        app = app.layer(axum::Extension(limiter));
    }
    if let Some(ip_limit) = ip_limit {
        // Read by the public routes' limit layer (routes::router).
        app = app.layer(axum::Extension(ip_limit));
    }
    let app = app
        // One limit for every body: the extractors' own (2 MB by default)
        // raised to it, and the layer that refuses a longer body outright.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(axum::middleware::map_response(too_large_as_json))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        // Outside the limits, so refused requests (413, 429) are counted too.
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid));
    // Share links are put in front after the layers, which they do not
    // pass through: `routes/redirect.rs` does for a redirect what they do.
    routes::share_links(share_state, share_limit, app)
}

/// The body limit refuses an over-long `Content-Length` in plain text before
/// any handler runs; the client gets it in the JSON shape of every error.
async fn too_large_as_json(response: axum::response::Response) -> axum::response::Response {
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    if response.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE && !json {
        return axum::response::IntoResponse::into_response(error::ApiError::PayloadTooLarge);
    }
    response
}

/// Each request's span carries its id (`x-request-id`, given by the client
/// or a proxy, else made here), so every log line of it can be found.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id
    )
}

/// Serves until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
        std::net::SocketAddr,
    >(router(state));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
