//! `GET /r/{code}`: the share link. Records the click, gives the browser a
//! visitor id, attributes it, and sends it on to the offer's share URL with
//! `parrain_ref` and `parrain_vid` added. Unknown codes go to the fallback.
//! Share links never break: an offer taken offline still redirects.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use parrain_core::ids::VisitorId;
use parrain_core::offer::Network;
use parrain_store::Click;
use serde::Deserialize;

use crate::client_ip::ClientIp;
use crate::error::ApiResult;
use crate::AppState;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/r/{code}", axum::routing::get(follow))
}

pub const VISITOR_COOKIE: &str = "parrain_vid";
const ONE_YEAR: u32 = 365 * 24 * 3600;

#[derive(Deserialize)]
struct FollowQuery {
    ch: Option<String>,
}

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
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<FollowQuery>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> ApiResult<Response> {
    // A link-preview crawler drawing a card is not a friend clicking.
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    if user_agent.is_some_and(parrain_core::sharing::is_preview_crawler) {
        return super::previews::answer(&state, &code).await;
    }
    let known = visitor_cookie(&headers);
    // An unknown channel is kept out of the log rather than refusing the click.
    let channel = query
        .ch
        .filter(|c| Network::parse(c).is_some() || c == "link");
    let click = Click {
        code,
        channel,
        visitor_id: known.clone(),
        ip,
    };
    let Some(clicked) = state.store.click(click, state.clock.now()).await? else {
        metrics::counter!("parrain_redirects_total", "code" => "unknown").increment(1);
        return Ok(fallback(&state));
    };
    let Some(mut target) = clicked
        .target
        .as_deref()
        .and_then(|t| url::Url::parse(t).ok())
    else {
        return Ok(fallback(&state));
    };
    target
        .query_pairs_mut()
        .append_pair("parrain_ref", &clicked.code)
        .append_pair("parrain_vid", clicked.visitor_id.as_str());
    metrics::counter!("parrain_redirects_total", "code" => "known").increment(1);
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
