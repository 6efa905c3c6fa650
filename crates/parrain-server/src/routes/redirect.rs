//! `GET /r/{code}`: the share link. Records the click, gives the browser a
//! visitor id, attributes it, and sends it on to the offer's share URL with
//! `parrain_ref` and `parrain_vid` added. Unknown codes go to the fallback.
//! Share links never break: an offer taken offline still redirects.
//!
//! The share link is the hottest route, so it has a stack of its own
//! ([`router`], merged by `lib.rs::router` outside the layers every other
//! route passes through). What those layers do that a redirect needs is
//! done here, at a fraction of their cost: the per-IP limit, the security
//! headers, the request counted and timed by route
//! ([`crate::metrics::share_link`], handles taken once), and the client's
//! or proxy's `x-request-id` echoed (none is made up, and no span is
//! opened: a failure is logged with its code and request id instead).

use std::time::Instant;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use parrain_core::ids::VisitorId;
use parrain_core::offer::Network;
use parrain_store::Click;

use crate::error::{ApiError, ApiResult};
use crate::limit::IpLimit;
use crate::AppState;

/// What the share link's handler is given: the app's state and the
/// per-IP limit (`None`: turned off).
#[derive(Clone)]
struct ShareLinks {
    state: AppState,
    limit: Option<IpLimit>,
}

/// The share link's route with its own stack (see the module's comment).
pub fn router(state: AppState, limit: Option<IpLimit>) -> axum::Router {
    axum::Router::new()
        .route("/r/{code}", axum::routing::get(follow))
        .with_state(ShareLinks { state, limit })
}

pub const VISITOR_COOKIE: &str = "parrain_vid";
const ONE_YEAR: u32 = 365 * 24 * 3600;
const REQUEST_ID: &str = "x-request-id";

fn visitor_cookie(headers: &HeaderMap) -> Option<VisitorId> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == VISITOR_COOKIE)
        .and_then(|(_, value)| VisitorId::parse(value).ok())
}

/// The link's `ch` (the network it was shared on), if it names one.
fn channel(parts: &Parts) -> Option<String> {
    let query = parts.uri.query()?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "ch")
        .map(|(_, value)| value.into_owned())
        // An unknown channel is kept out of the log rather than refusing the click.
        .filter(|c| Network::parse(c).is_some() || c == "link")
}

pub(super) fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        Err(_) => not_found(),
    }
}

fn not_found() -> Response {
    let page = "<!doctype html><meta charset=utf-8><title>Link not found</title>\
        <body style=\"font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem\">\
        <h1>This link does not lead anywhere</h1>\
        <p>The share link may be mistyped or no longer exist.</p>";
    (StatusCode::NOT_FOUND, Html(page)).into_response()
}

pub(super) fn fallback(state: &AppState) -> Response {
    match &state.config.fallback_url {
        Some(url) => redirect(url),
        None => not_found(),
    }
}

async fn follow(
    State(links): State<ShareLinks>,
    code: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let (parts, _) = request.into_parts();
    let answered = match code {
        Ok(Path(code)) => answer(&links, code, &parts).await,
        Err(rejected) => Ok(rejected.into_response()),
    };
    let mut response = match answered {
        Ok(response) => response,
        Err(e) => {
            if matches!(e, ApiError::Internal(_)) {
                let id = parts.headers.get(REQUEST_ID).and_then(|v| v.to_str().ok());
                tracing::error!(path = %parts.uri.path(), request_id = id.unwrap_or_default(), "share link failed");
            }
            e.into_response()
        }
    };
    let headers = response.headers_mut();
    headers
        .entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    if let Some(id) = parts.headers.get(REQUEST_ID) {
        headers.insert(REQUEST_ID, id.clone());
    }
    crate::metrics::share_link(&parts.method, response.status(), started.elapsed());
    response
}

async fn answer(links: &ShareLinks, code: String, parts: &Parts) -> ApiResult<Response> {
    let state = &links.state;
    let ip = crate::client_ip::resolve(
        &parts.headers,
        &parts.extensions,
        &state.config.trusted_proxies,
    );
    // The same client address the limit of the other pages counts (both
    // believe the configured proxies).
    if let (Some(limit), Some(ip)) = (&links.limit, ip) {
        limit.limiter.check(&crate::limit::bucket(ip)).await?;
    }
    // A link-preview crawler drawing a card is not a friend clicking.
    let user_agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    if user_agent.is_some_and(parrain_core::sharing::is_preview_crawler) {
        return super::previews::answer(state, &code).await;
    }
    let known = visitor_cookie(&parts.headers);
    let click = Click {
        code,
        channel: channel(parts),
        visitor_id: known.clone(),
        ip,
    };
    let Some(clicked) = state.store.click(click, state.clock.now()).await? else {
        crate::metrics::redirected(false);
        return Ok(fallback(state));
    };
    let Some(mut target) = clicked
        .target
        .as_deref()
        .and_then(|t| url::Url::parse(t).ok())
    else {
        return Ok(fallback(state));
    };
    target
        .query_pairs_mut()
        .append_pair("parrain_ref", &clicked.code)
        .append_pair("parrain_vid", clicked.visitor_id.as_str());
    crate::metrics::redirected(true);
    let mut response = redirect(target.as_str());
    if known.as_ref() != Some(&clicked.visitor_id) {
        let secure = if state.config.public_url.starts_with("https://") {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!(
            "{VISITOR_COOKIE}={}; Max-Age={ONE_YEAR}; Path=/; SameSite=Lax; HttpOnly{secure}",
            clicked.visitor_id
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
