//! The routes, one module per feature, gathered with their OpenAPI paths.

mod activities;
mod customers;
mod import;
mod invitations;
mod meta;
pub(crate) mod offers;
mod outbound;
mod page;
mod participants;
mod pending;
pub(crate) mod people;
mod previews;
mod privacy;
mod redirect;
pub(crate) mod referrers;
pub(crate) mod reports;
mod reviews;
mod rewards;
mod tracking;
pub(crate) mod webhooks;

pub use redirect::App;

use axum::http::{header, Method};
use axum::Router;
use parrain_store::PageRequest;
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;
use crate::{idempotency, AppState};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "parrain",
        description = "A self-hosted referral-offer engine. Secret keys (`sk_…`) go in `Authorization: Bearer`; publishable keys (`pk_…`) reach only tracking, sign-up and the public view of an offer."
    ),
    tags(
        (name = "offers", description = "Referral offers: settings, lifecycle, promo codes"),
        (name = "participants", description = "Sign-up, progress and fulfilment"),
        (name = "tracking", description = "What browsers and servers report"),
        (name = "activities", description = "The activity log"),
        (name = "webhooks", description = "Triggers: signed deliveries of activities"),
        (name = "people", description = "Filters (smart lists) of people, as JSON or CSV"),
        (name = "reviews", description = "Credits held by fraud rules, approved or rejected by hand"),
        (name = "meta", description = "Health and this document")
    ),
    components(schemas(
        crate::error::ErrorOut,
        crate::error::ErrorDetailOut,
        crate::openapi::WebhookEventOut
    ))
)]
struct ApiDoc;

/// Every route, grouped by who may call it; each group carries its policy
/// as layers, so a route gets a policy by the group it is added to, never by
/// its path:
///
/// - **public** (`public()` of a feature module): what a web page calls
///   with the publishable key (or no key): open to every origin (CORS) and
///   under the per-IP limit;
/// - **secret-key API** (`router()` of a feature module): the rest of
///   `/v1`. Both `/v1` groups take an `Idempotency-Key` on their writes (a
///   public route called with a secret key replays like any other), and
///   both confirm a key their store let them in on (`auth::confirm_trusted`);
/// - **pages** (`pages()` here, `admin::router` for the operator): HTML
///   pages, under the per-IP limit here; the admin's forms check their CSRF
///   token by extractor (`admin::session::CsrfForm`) and fail with HTML
///   pages (`admin::PageError`);
/// - **share links** ([`share_links`]): `/r/{code}` alone, outside every
///   layer above and the app's own (`lib.rs::router`), its handler doing
///   what it needs of them.
pub fn router(state: &AppState) -> Router<AppState> {
    let idempotent = axum::middleware::from_fn_with_state(state.clone(), idempotency::middleware);
    let trusted = axum::middleware::from_fn_with_state(state.clone(), crate::auth::confirm_trusted);
    let secret = OpenApiRouter::new()
        .merge(offers::router())
        .merge(customers::router())
        .merge(participants::router())
        .merge(import::router())
        .merge(tracking::router())
        .merge(activities::router())
        .merge(webhooks::router())
        .merge(people::router())
        .merge(privacy::router())
        .merge(reviews::router())
        .merge(reports::router())
        .merge(rewards::router())
        .route_layer(idempotent.clone())
        .route_layer(trusted.clone());
    let public = OpenApiRouter::new()
        .merge(offers::public())
        .merge(participants::public())
        .merge(pending::public())
        .merge(invitations::public())
        .merge(tracking::public())
        .merge(rewards::public())
        .merge(referrers::public())
        .route_layer(axum::middleware::from_fn(crate::limit::per_ip))
        .route_layer(idempotent)
        .route_layer(trusted)
        // `layer`, not `route_layer`: the preflight (OPTIONS) of a public
        // route reaches its 405 fallback, which the CORS layer answers.
        .layer(cors());
    // The public group is merged after the secret one: where both have a
    // route on one path (`/v1/offers/{id}/participants`: the list, and the
    // sign-up), the path's 405 fallback, which answers the preflight, is
    // the last merged, so the public one.
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(secret)
        .merge(public)
        .merge(meta::router())
        .split_for_parts();
    let api = std::sync::Arc::new(crate::openapi::document(api));
    router
        .merge(pages())
        .merge(meta::static_router(api))
        // A path nothing serves is a plain 404, outside every group's
        // layers (the last merged group's fallback would carry its CORS).
        .fallback(|| async { axum::http::StatusCode::NOT_FOUND })
}

/// The unsubscribe page, the participant's page and the social sign-in's
/// pages: anyone may open them, so they are under the per-IP limit. Share
/// links are too, in a stack of their own ([`share_links`]).
fn pages() -> Router<AppState> {
    invitations::pages()
        .merge(page::pages())
        .merge(crate::social::router())
        .route_layer(axum::middleware::from_fn(crate::limit::per_ip))
}

/// `GET /r/{code}`, with its own lean stack and the per-IP limit
/// (`routes/redirect.rs`), in front of `rest`: every other route, with
/// the layers share links do not pass through.
pub(crate) fn share_links(
    state: AppState,
    limit: Option<crate::limit::IpLimit>,
    rest: axum::Router,
) -> App {
    redirect::app(state, limit, rest)
}

/// Web pages of any origin may call the public routes with the publishable
/// key; the browser asks first (preflight) and is told so for an hour.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::HeaderName::from_static(idempotency::HEADER),
        ])
        .max_age(std::time::Duration::from_secs(3600))
}

/// A 302 to `to` (a 404 page if it cannot be a header).
pub(crate) fn redirect_to(to: &str) -> axum::response::Response {
    redirect::redirect(to)
}

/// The page a list asked for with `?cursor=&limit=` (at most 500; 50 when unset).
pub fn page_request(cursor: Option<String>, limit: Option<u32>) -> Result<PageRequest, ApiError> {
    match limit.unwrap_or(50) {
        limit @ 1..=500 => Ok(PageRequest { cursor, limit }),
        _ => Err(ApiError::bad_field(
            "limit",
            "limit must be between 1 and 500",
        )),
    }
}

/// Parses a path id into its type, or 404s (an id of the wrong shape names nothing).
macro_rules! path_id {
    ($ty:ty, $raw:expr, $what:literal) => {
        <$ty>::parse(&$raw).map_err(|_| crate::error::ApiError::NotFound($what.into()))?
    };
}
pub(crate) use path_id;
