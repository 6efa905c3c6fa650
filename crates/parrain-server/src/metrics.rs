//! `/metrics` in the Prometheus text format, and the request middleware
//! that feeds it.
//!
//! Counters and histograms go through the `metrics` facade, so the store can
//! record its own (group-commit batch sizes, commit time, activities) without
//! knowing about HTTP. One Prometheus recorder serves the whole process.
//! Requests are labelled by their route template (`/v1/offers/{id}`), never
//! the raw path, so the number of series stays bounded. Queue depth and age
//! are read from the store at each scrape.
//!
//! The endpoint answers only with `Authorization: Bearer {metrics_token}`;
//! without a configured token it does not exist (404), so nothing about the
//! install leaks by default.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics::{Counter, Histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use subtle::ConstantTimeEq;

use crate::AppState;
use parrain_store::JobKind;

/// Latency buckets, in seconds: from a cached redirect to a slow fsync.
const SECONDS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Writes per group commit (the writer takes at most 512).
const BATCH: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

/// The process's recorder, installed on first use. `None` if another
/// recorder was installed first (then `/metrics` reports nothing).
fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS)
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("parrain_store_commit_batch_size".into()),
                        BATCH,
                    )
                })
                .and_then(|b| b.install_recorder())
                .map_err(|e| tracing::warn!(error = %e, "metrics are off"))
                .ok()?;
            // Histograms keep samples until drained; drain them even when
            // nobody scrapes.
            let upkeep = handle.clone();
            let _ = std::thread::Builder::new()
                .name("parrain-metrics".into())
                .spawn(move || loop {
                    std::thread::sleep(Duration::from_secs(5));
                    upkeep.run_upkeep();
                });
            Some(handle)
        })
        .as_ref()
}

/// Installs the recorder, so that the store's metrics are kept from the start.
pub fn install() {
    handle();
}

/// Counts every request by method, route template and status, and times it.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!(
        "parrain_http_request_duration_seconds",
        "method" => method.clone(),
        "route" => route.clone()
    )
    .record(started.elapsed());
    metrics::counter!(
        "parrain_http_requests_total",
        "method" => method,
        "route" => route,
        "status" => status
    )
    .increment(1);
    response
}

/// The share link's request, counted and timed like [`track`] counts every
/// other route's (the same series, route `/r/{code}`), with the handles of
/// its usual answers taken once instead of looked up by label each time.
pub(crate) fn share_link(method: &Method, status: StatusCode, took: Duration) {
    struct Handles {
        latency: Histogram,
        found: Counter,
    }
    static HANDLES: OnceLock<Handles> = OnceLock::new();
    const ROUTE: &str = "/r/{code}";
    if method != Method::GET {
        let method = method.as_str().to_owned();
        metrics::histogram!("parrain_http_request_duration_seconds", "method" => method.clone(), "route" => ROUTE)
            .record(took);
        metrics::counter!("parrain_http_requests_total", "method" => method, "route" => ROUTE, "status" => status.as_u16().to_string())
            .increment(1);
        return;
    }
    let handles = HANDLES.get_or_init(|| Handles {
        latency: metrics::histogram!("parrain_http_request_duration_seconds", "method" => "GET", "route" => ROUTE),
        found: metrics::counter!("parrain_http_requests_total", "method" => "GET", "route" => ROUTE, "status" => "302"),
    });
    handles.latency.record(took);
    if status == StatusCode::FOUND {
        handles.found.increment(1);
    } else {
        metrics::counter!("parrain_http_requests_total", "method" => "GET", "route" => ROUTE, "status" => status.as_u16().to_string())
            .increment(1);
    }
}

/// A share link's click: its code was `known` (a redirect to the offer) or not.
pub(crate) fn redirected(known: bool) {
    static KNOWN: OnceLock<Counter> = OnceLock::new();
    if known {
        KNOWN
            .get_or_init(|| metrics::counter!("parrain_redirects_total", "code" => "known"))
            .increment(1);
    } else {
        metrics::counter!("parrain_redirects_total", "code" => "unknown").increment(1);
    }
}

/// One delivery attempt of `queue` (`email`, `webhook`) and how it ended:
/// `sent`, `retry` or `failed` (given up).
pub(crate) fn delivery(queue: JobKind, outcome: &parrain_store::JobOutcome) {
    let queue = queue.as_str();
    let outcome = match outcome {
        parrain_store::JobOutcome::Done => "sent",
        parrain_store::JobOutcome::Retry { .. } => "retry",
        parrain_store::JobOutcome::Failed { .. } => "failed",
    };
    metrics::counter!("parrain_deliveries_total", "queue" => queue, "outcome" => outcome)
        .increment(1);
}

/// `GET /metrics`.
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.config.metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !bool::from(given.as_bytes().ct_eq(token.as_bytes())) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    let Some(handle) = handle() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    queue_gauges(&state).await;
    let content_type = HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8");
    ([(header::CONTENT_TYPE, content_type)], handle.render()).into_response()
}

/// Reads the delivery queues into gauges; a store error leaves them as they were.
async fn queue_gauges(state: &AppState) {
    let now = state.clock.now();
    for kind in JobKind::ALL {
        let queue = kind.as_str();
        match state.store.queue_counts(kind).await {
            Ok(counts) => {
                metrics::gauge!("parrain_queue_waiting", "queue" => queue)
                    .set(counts.waiting as f64);
                metrics::gauge!("parrain_queue_failed", "queue" => queue).set(counts.failed as f64);
            }
            Err(e) => tracing::warn!(queue, error = %e, "reading the queue for metrics"),
        }
        if let Ok(oldest) = state.store.oldest_waiting(kind).await {
            let age = oldest.map_or(0, |at| (now - at).max(0));
            metrics::gauge!("parrain_queue_oldest_age_seconds", "queue" => queue)
                .set(age as f64 / 1000.0);
        }
    }
}
