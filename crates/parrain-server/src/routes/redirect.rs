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
//!
//! A share link's `GET` does not even pass through the router: [`App`], the
//! service `lib.rs::serve` serves, answers it before routing, and hands
//! every other request to the router. The router's `/r/{code}` route
//! answers the share links [`App`] leaves to it (`HEAD`, a code with
//! percent-escapes) with the same handler.

use std::cell::RefCell;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};
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
struct ShareLinks {
    state: AppState,
    limit: Option<IpLimit>,
}

/// The whole app, as served: a share link's `GET` is answered before the
/// router, which matches every other request. Routing it cost about 7,000
/// instructions a redirect: the match, the route's boxed service and
/// future, the path's parameters and the matched path (BENCHMARKS.md,
/// "Nineteenth round").
#[derive(Clone)]
pub struct App {
    links: Arc<ShareLinks>,
    router: axum::Router,
}

/// `rest` (every route but the share link's, with their layers) behind the
/// share link: its route with its own stack (see the module's comment),
/// merged outside the layers of `rest`, and answered first by [`App`].
pub fn app(state: AppState, limit: Option<IpLimit>, rest: axum::Router) -> App {
    let links = Arc::new(ShareLinks { state, limit });
    let route = axum::Router::new()
        .route(
            "/r/{code}",
            axum::routing::get(
                |State(links): State<Arc<ShareLinks>>,
                 code: Result<Path<String>, PathRejection>,
                 request: Request| async move {
                    follow(&links, code.map(|Path(code)| code), request).await
                },
            ),
        )
        .with_state(links.clone());
    App {
        links,
        router: route.merge(rest),
    }
}

/// The code of a share link `App` answers itself: a `GET` of `/r/` and one
/// segment with no percent-escape (the router's route decodes those).
fn plain_code(request: &Request) -> Option<&str> {
    if request.method() != axum::http::Method::GET {
        return None;
    }
    let code = request.uri().path().strip_prefix("/r/")?;
    (!code.is_empty() && !code.contains(['/', '%'])).then_some(code)
}

impl tower::Service<Request> for App {
    type Response = Response;
    type Error = Infallible;
    type Future = futures_util::future::BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // The router is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match plain_code(&request).map(str::to_owned) {
            Some(code) => {
                let links = self.links.clone();
                Box::pin(async move { Ok(follow(&links, Ok(code), request).await) })
            }
            None => Box::pin(self.router.call(request)),
        }
    }
}

pub const VISITOR_COOKIE: &str = "parrain_vid";
/// The visitor cookie's attributes after its value: a year, the whole
/// site, sent on a top-level navigation from another site.
const COOKIE_TAIL: &str = "; Max-Age=31536000; Path=/; SameSite=Lax; HttpOnly";
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

/// A share target cut where a redirect's parameters go: the address up to
/// the end of its query, with the separator the next parameter needs, and
/// its fragment (with its `#`, or empty).
struct Split {
    head: String,
    fragment: String,
}

impl Split {
    /// `None` if `target` is not an address.
    fn of(target: &str) -> Option<Self> {
        let url = url::Url::parse(target).ok()?;
        let all = url.as_str();
        let end = url[..url::Position::AfterQuery].len();
        let mut head = all[..end].to_owned();
        // As `Url::query_pairs_mut` does: a `?` for a target without a
        // query, an `&` after a query that holds something.
        match url.query() {
            None => head.push('?'),
            Some("") => {}
            Some(_) => head.push('&'),
        }
        Some(Self {
            head,
            fragment: all[end..].to_owned(),
        })
    }
}

/// The most share targets a worker keeps split; past it, it starts again.
const MAX_SPLITS: usize = 1024;

thread_local! {
    /// Share targets already split, by target (`None`: not an address).
    /// Parsing the target on every redirect was about a tenth of the
    /// share link's work on the HTTP side (BENCHMARKS.md, "Fifteenth
    /// round"), and an offer's target rarely changes.
    static SPLITS: RefCell<HashMap<String, Option<Split>>> = RefCell::new(HashMap::new());
}

/// Where a click on a link to `target` goes: `target` with `parrain_ref`
/// and `parrain_vid` added to its query, encoded and placed as
/// `Url::query_pairs_mut` would; `None` if `target` is not an address.
fn location(target: &str, code: &str, visitor: &str) -> Option<String> {
    SPLITS.with_borrow_mut(|splits| {
        if !splits.contains_key(target) {
            if splits.len() >= MAX_SPLITS {
                splits.clear();
            }
            splits.insert(target.to_owned(), Split::of(target));
        }
        let split = splits.get(target)?.as_ref()?;
        let mut to = String::with_capacity(split.head.len() + split.fragment.len() + 64);
        to.push_str(&split.head);
        to.push_str("parrain_ref=");
        to.extend(url::form_urlencoded::byte_serialize(code.as_bytes()));
        to.push_str("&parrain_vid=");
        to.extend(url::form_urlencoded::byte_serialize(visitor.as_bytes()));
        to.push_str(&split.fragment);
        Some(to)
    })
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
    links: &ShareLinks,
    code: Result<String, PathRejection>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let (parts, _) = request.into_parts();
    let answered = match code {
        Ok(code) => answer(links, code, &parts).await,
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
    let Some(location) = clicked
        .target
        .as_deref()
        .and_then(|t| location(t, &clicked.code, clicked.visitor_id.as_str()))
    else {
        return Ok(fallback(state));
    };
    crate::metrics::redirected(true);
    let mut response = redirect(&location);
    if known.as_ref() != Some(&clicked.visitor_id) {
        let secure = if state.config.public_url.starts_with("https://") {
            "; Secure"
        } else {
            ""
        };
        // Pieced together: `format!` took about 950 instructions a new
        // browser, most of them in the formatter.
        let mut cookie = String::with_capacity(COOKIE_TAIL.len() + 48);
        cookie.push_str(VISITOR_COOKIE);
        cookie.push('=');
        cookie.push_str(clicked.visitor_id.as_str());
        cookie.push_str(COOKIE_TAIL);
        cookie.push_str(secure);
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::location;

    /// What the redirect's address was before targets were kept split.
    fn parsed(target: &str, code: &str, visitor: &str) -> Option<String> {
        let mut url = url::Url::parse(target).ok()?;
        url.query_pairs_mut()
            .append_pair("parrain_ref", code)
            .append_pair("parrain_vid", visitor);
        Some(url.into())
    }

    #[test]
    fn a_location_is_the_target_with_the_code_and_browser_added_to_its_query() {
        let cases = [
            (
                "https://shop.example.com/refer",
                "https://shop.example.com/refer?parrain_ref=ana-42&parrain_vid=vis_1",
            ),
            (
                "https://shop.example.com/refer?utm=x",
                "https://shop.example.com/refer?utm=x&parrain_ref=ana-42&parrain_vid=vis_1",
            ),
            (
                "https://shop.example.com/refer?",
                "https://shop.example.com/refer?parrain_ref=ana-42&parrain_vid=vis_1",
            ),
            (
                "https://shop.example.com/refer#join",
                "https://shop.example.com/refer?parrain_ref=ana-42&parrain_vid=vis_1#join",
            ),
            (
                "https://shop.example.com/r?a=1#j",
                "https://shop.example.com/r?a=1&parrain_ref=ana-42&parrain_vid=vis_1#j",
            ),
            (
                "HTTPS://Shop.Example.com",
                "https://shop.example.com/?parrain_ref=ana-42&parrain_vid=vis_1",
            ),
        ];
        for (target, expected) in cases {
            // Twice: the second answer comes from the split kept.
            for _ in 0..2 {
                assert_eq!(
                    location(target, "ana-42", "vis_1").as_deref(),
                    Some(expected),
                    "{target}"
                );
            }
        }
        assert_eq!(location("not an address", "ana-42", "vis_1"), None);
    }

    proptest! {
        /// Whatever the target and values, the address is the one parsing
        /// the target and appending the two parameters gives.
        #[test]
        fn a_location_is_what_parsing_the_target_gives(
            path in "[a-zA-Z0-9/._~%-]{0,20}",
            query in proptest::option::of("[ -~]{0,20}"),
            fragment in proptest::option::of("[ -~]{0,10}"),
            code in "[ -~]{0,12}",
            visitor in "[a-z0-9_]{0,24}",
        ) {
            let mut target = format!("https://shop.example.com/{path}");
            if let Some(q) = &query {
                target.push('?');
                target.push_str(q);
            }
            if let Some(f) = &fragment {
                target.push('#');
                target.push_str(f);
            }
            prop_assert_eq!(location(&target, &code, &visitor), parsed(&target, &code, &visitor));
        }
    }
}
