//! The `name` attribution method (SPEC §15): a friend finds its referrer
//! by name and claims it, from a web page with the publishable key.
//!
//! Both calls answer only for a live offer whose `attribution.methods`
//! names `name`, show a match as a display name and a masked email (never an
//! id, a share code or an address), and count against a limit of their own,
//! tighter than the public group's: searching names is how someone would
//! walk through a program's people.

use std::net::IpAddr;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::{Extension, Json};
use parrain_core::attribution::Method;
use parrain_core::ids::{OfferId, VisitorId};
use parrain_core::named;
use parrain_core::reward::display_name;
use parrain_store::NamedReferrer;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::path_id;
use crate::auth::AnyKey;
use crate::client_ip::ClientIp;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::limit::{bucket, Limiter, Shared};
use crate::AppState;

/// Searches and claims a client may make at once…
pub const NAME_SEARCH_BURST: u32 = 10;
/// …and then one each this long.
pub const NAME_SEARCH_PERIOD: Duration = Duration::from_secs(6);

/// What a web page may call with the publishable key.
pub fn public() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_referrers))
        .routes(routes!(claim_referrer))
}

/// The per-client limit of name searches and claims, in Redis when the
/// server has one (shared by every node), in this process otherwise.
#[derive(Clone)]
pub struct NameSearchLimit(Limiter<IpAddr>);

impl NameSearchLimit {
    pub fn new(shared: Option<&Shared>) -> Self {
        Self(
            Limiter::with_period(NAME_SEARCH_PERIOD, NAME_SEARCH_BURST)
                .shared(shared, "name-search"),
        )
    }

    async fn check(&self, client: &ClientIp) -> ApiResult<()> {
        match client.0 {
            Some(ip) => self.0.check(&bucket(ip)).await,
            None => Ok(()),
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    /// The referrer's name as the friend types it, 2 to 100 characters: the
    /// start of its first name, last name or full name, in any case.
    name: Option<String>,
}

/// A referrer a search found: enough to tell namesakes apart, nothing more.
#[derive(Serialize, ToSchema)]
struct ReferrerMatchOut {
    /// First name and last initial ("Ana B."), or the first name alone.
    display_name: String,
    /// The first character of the email and its domain (`a***@example.com`).
    masked_email: String,
    /// What a claim names this match by (16 hex digits).
    #[serde(rename = "ref")]
    reference: String,
}

#[derive(Serialize, ToSchema)]
struct ReferrersOut {
    /// At most 5, the earliest participants first.
    data: Vec<ReferrerMatchOut>,
}

/// The live offer, if it lets friends name their referrer.
async fn named_offer(state: &AppState, id: &OfferId) -> ApiResult<()> {
    let offer = state.store.offer(id).await?;
    match offer.live_at(state.clock.now()) {
        Some(live) if live.attribution.methods.contains(&Method::Name) => Ok(()),
        Some(_) => Err(ApiError::NotFound(
            "referrer search (the offer's attribution methods do not include name)".into(),
        )),
        None => Err(ApiError::NotFound("offer".into())),
    }
}

fn query_of(name: Option<&str>) -> ApiResult<String> {
    name.and_then(named::query).ok_or_else(|| {
        ApiError::bad_field(
            "name",
            "name must be 2 to 100 characters (the start of the referrer's name)",
        )
    })
}

async fn search(
    state: &AppState,
    id: &OfferId,
    name: Option<&str>,
) -> ApiResult<Vec<NamedReferrer>> {
    let query = query_of(name)?;
    Ok(state.store.search_referrers(id, query).await?)
}

/// The offer's referrers whose name starts with `name`, for a friend
/// naming who referred it (any key; the offer must list `name` among its
/// attribution methods). At most 5, each a display name, a masked email and
/// the reference a claim names it by. Limited per client (10 at once, then
/// one each 6 seconds, searches and claims together).
#[utoipa::path(get, path = "/v1/offers/{id}/referrers", tag = "tracking", params(SearchQuery),
    responses((status = 200, body = ReferrersOut), (status = 400), (status = 404), (status = 429)))]
async fn search_referrers(
    State(state): State<AppState>,
    _: AnyKey,
    Extension(limit): Extension<NameSearchLimit>,
    client: ClientIp,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Json<ReferrersOut>> {
    let id = path_id!(OfferId, id, "offer");
    limit.check(&client).await?;
    named_offer(&state, &id).await?;
    let found = search(&state, &id, q.name.as_deref()).await?;
    let data = found
        .iter()
        .enumerate()
        .map(|(i, r)| ReferrerMatchOut {
            display_name: display_name(r.first_name.as_deref(), r.last_name.as_deref(), i + 1),
            masked_email: named::mask_email(&r.email),
            reference: named::reference(r.participant_id.as_str()),
        })
        .collect();
    Ok(Json(ReferrersOut { data }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ClaimIn {
    /// The friend's browser (the widget's visitor id).
    #[schema(value_type = String)]
    visitor_id: VisitorId,
    /// The name the friend searched.
    name: String,
    /// The `ref` of the match the friend chose in that search.
    #[serde(rename = "ref")]
    reference: String,
}

/// What a claim did.
#[derive(Serialize, ToSchema)]
struct ClaimOut {
    /// Whether the friend now counts for the referrer it chose.
    claimed: bool,
    /// How the friend's referrer was found: `name` when the claim took; the
    /// earlier method when the friend had been attributed before.
    method: Option<Method>,
    /// Why the claim did not take: `already_referred` (the friend keeps
    /// the referrer found first), `self_referral`.
    reason: Option<&'static str>,
}

/// A friend claims the referrer it found by name (any key): the browser is
/// attributed to it with method `name`, unless the friend was attributed
/// before (one referrer per friend per offer, the first found stays) or an
/// earlier method in the offer's order finds a referrer first. Limited with
/// the search.
#[utoipa::path(post, path = "/v1/offers/{id}/referrers/claim", tag = "tracking",
    request_body = ClaimIn,
    responses((status = 200, body = ClaimOut), (status = 400), (status = 404), (status = 409),
              (status = 429)))]
async fn claim_referrer(
    State(state): State<AppState>,
    _: AnyKey,
    Extension(limit): Extension<NameSearchLimit>,
    client: ClientIp,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ClaimIn>,
) -> ApiResult<Json<ClaimOut>> {
    let id = path_id!(OfferId, id, "offer");
    limit.check(&client).await?;
    named_offer(&state, &id).await?;
    let found = search(&state, &id, Some(&input.name)).await?;
    let Some(chosen) = found
        .into_iter()
        .find(|r| named::reference(r.participant_id.as_str()) == input.reference)
    else {
        return Err(ApiError::bad_field(
            "ref",
            "ref names none of the referrers this name finds",
        ));
    };
    let claimed = state
        .store
        .claim_referrer(
            &id,
            input.visitor_id,
            chosen.participant_id,
            client.0,
            state.clock.now(),
        )
        .await?;
    Ok(Json(ClaimOut {
        claimed: claimed.claimed,
        method: claimed.method,
        reason: claimed.reason,
    }))
}
