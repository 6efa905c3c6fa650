//! The routes, one module per feature, gathered with their OpenAPI paths.

mod activities;
mod invitations;
mod meta;
mod offers;
mod outbound;
mod page;
mod participants;
mod people;
mod previews;
mod privacy;
mod redirect;
pub(crate) mod reports;
mod reviews;
mod tracking;
pub(crate) mod webhooks;

use axum::Router;
use parrain_store::PageRequest;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;
use crate::AppState;

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

/// Every route; those anyone can call (with the publishable key that sits
/// in a web page, or with no key at all) are under the per-IP limit.
pub fn router() -> Router<AppState> {
    let public = OpenApiRouter::new()
        .merge(offers::public())
        .merge(participants::public())
        .merge(invitations::public())
        .merge(tracking::public())
        .route_layer(axum::middleware::from_fn(crate::limit::per_ip));
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(public)
        .merge(offers::router())
        .merge(participants::router())
        .merge(tracking::router())
        .merge(activities::router())
        .merge(webhooks::router())
        .merge(people::router())
        .merge(privacy::router())
        .merge(reviews::router())
        .merge(reports::router())
        .merge(meta::router())
        .split_for_parts();
    let api = std::sync::Arc::new(crate::openapi::document(api));
    let pages = redirect::router()
        .merge(invitations::pages())
        .merge(page::pages())
        .route_layer(axum::middleware::from_fn(crate::limit::per_ip));
    router.merge(pages).merge(meta::static_router(api))
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
