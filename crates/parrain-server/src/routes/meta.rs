//! Health, the OpenAPI document, the browser script and the demo page.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz))
}

pub fn static_router(api: Arc<serde_json::Value>) -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/openapi.json",
            get(move || async move { Json(api.as_ref().clone()) }),
        )
        .route("/embed.js", get(embed_js))
        .route("/demo", get(demo))
}

#[derive(Serialize, ToSchema)]
struct Health {
    status: &'static str,
    version: &'static str,
    /// What waits in the delivery queue.
    outbound: super::outbound::OutboundHealth,
}

/// Liveness and readiness: answers once the store is open, and says how
/// much mail and how many webhooks wait (mail waits while no SMTP is set).
#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, body = Health)))]
async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, crate::ApiError> {
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        outbound: super::outbound::outbound_health(&state).await?,
    }))
}

const EMBED_JS: &str = include_str!("../../assets/embed.js");
const DEMO_HTML: &str = include_str!("../../assets/demo.html");

/// The widget script as served: the source without its line comments and
/// indentation, which every host page would otherwise download (SPEC §8's
/// 15 KB budget). Only whole-line `//` comments go, and the script's one
/// multi-line literal (its CSS) has neither, so the code is unchanged; the
/// leading `/*! … */` usage note stays.
fn served_embed_js() -> &'static str {
    static SERVED: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SERVED.get_or_init(|| {
        EMBED_JS
            .lines()
            .map(str::trim_start)
            .filter(|line| !line.starts_with("//") && !line.is_empty())
            .fold(String::with_capacity(EMBED_JS.len()), |mut out, line| {
                out.push_str(line);
                out.push('\n');
                out
            })
    })
}

fn embed_etag() -> &'static str {
    static ETAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ETAG.get_or_init(|| {
        format!(
            "\"{}\"",
            &hex::encode(Sha256::digest(served_embed_js()))[..16]
        )
    })
}

/// The widget script. Revalidated by ETag, so a new release reaches pages within minutes.
async fn embed_js(headers: HeaderMap) -> Response {
    let etag = embed_etag();
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let common = [
        (header::ETAG, HeaderValue::from_static(etag)),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300, stale-while-revalidate=86400"),
        ),
        (
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ),
    ];
    if fresh {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let content_type = (
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    (common, [content_type], served_embed_js()).into_response()
}

/// The demo landing page (`parrain serve --demo`).
async fn demo(State(state): State<AppState>) -> Response {
    let Some(demo) = &state.config.demo else {
        return (
            StatusCode::NOT_FOUND,
            Html("<h1>The demo is off</h1><p>Start parrain with <code>--demo</code>.</p>"),
        )
            .into_response();
    };
    let page = DEMO_HTML
        .replace("{{PK}}", &demo.publishable_key)
        .replace("{{OFFER_ID}}", &demo.offer_id)
        .replace("{{BASE}}", state.config.public_url.trim_end_matches('/'));
    Html(page).into_response()
}
