//! Tracking: what web pages report (`/v1/track/*`, any key) and what servers
//! report (Give Credit to Referrer, `/v1/events`, secret key).

use axum::extract::{Path, State};
use axum::Json;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, PersonId, VisitorId};
use parrain_core::offer::{valid_event_name, Network};
use parrain_store::{EventCredit, EventOutcome, FriendRef, PageEvent, ServerEvent, Tracked, Visit};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::path_id;
use crate::auth::{AnyKey, SecretKey};
use crate::client_ip::{self, ClientIp};
use crate::error::{ApiError, ApiResult};
use crate::extract::{parse_json, ApiJson, JsonBytes, JsonOrForm};
use crate::views::parse_ts;
use crate::AppState;

/// What a server reports with its secret key.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(give_credit))
        .routes(routes!(events))
}

/// What browsers report with the publishable key.
pub fn public() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(track_visit))
        .routes(routes!(track_share))
        .routes(routes!(track_event))
        .routes(routes!(identify))
}

/// What a tracking call did. Participant ids are shown to secret keys only.
#[derive(Serialize, ToSchema)]
struct TrackedOut {
    recorded: bool,
    credited: bool,
    /// Why no credit was given, when none was.
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    participant_id: Option<String>,
}

impl TrackedOut {
    fn new(tracked: Tracked, secret: bool) -> Self {
        Self {
            recorded: true,
            credited: tracked.credited,
            reason: tracked.reason,
            participant_id: tracked.participant_id.filter(|_| secret).map(Into::into),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct VisitIn {
    #[schema(value_type = String)]
    offer_id: OfferId,
    #[schema(value_type = String)]
    visitor_id: VisitorId,
    url: Option<String>,
    referral_code: Option<String>,
    /// The browser's client address, when your server reports the visit
    /// with a secret key (a browser's is read from its request).
    ip: Option<String>,
}

/// A browser visited the offer page.
#[utoipa::path(post, path = "/v1/track/visit", tag = "tracking", request_body = VisitIn,
    responses((status = 200, body = TrackedOut), (status = 400), (status = 404)))]
async fn track_visit(
    State(state): State<AppState>,
    key: AnyKey,
    client: ClientIp,
    ApiJson(input): ApiJson<VisitIn>,
) -> ApiResult<Json<TrackedOut>> {
    if input.url.as_ref().is_some_and(|u| u.len() > 2048) {
        return Err(ApiError::bad_field(
            "url",
            "url is longer than 2048 characters",
        ));
    }
    let visit = Visit {
        ip: client_ip::of_person(&key, client, input.ip)?,
        offer_id: input.offer_id,
        visitor_id: input.visitor_id,
        url: input.url,
        referral_code: input.referral_code,
    };
    let tracked = state.store.track_visit(visit, state.clock.now()).await?;
    Ok(Json(TrackedOut::new(tracked, key.is_secret())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ShareIn {
    code: String,
    /// `email`, `x`, `linkedin`, `facebook`, or `link` (copied link).
    channel: String,
}

/// A participant shared its link.
#[utoipa::path(post, path = "/v1/track/share", tag = "tracking", request_body = ShareIn,
    responses((status = 200, body = TrackedOut), (status = 400), (status = 404), (status = 409)))]
async fn track_share(
    State(state): State<AppState>,
    key: AnyKey,
    ApiJson(input): ApiJson<ShareIn>,
) -> ApiResult<Json<TrackedOut>> {
    if Network::parse(&input.channel).is_none() && input.channel != "link" {
        return Err(ApiError::bad_field(
            "channel",
            "channel must be one of email, x, linkedin, facebook, link",
        ));
    }
    let tracked = state
        .store
        .track_share(input.code, input.channel, state.clock.now())
        .await?;
    Ok(Json(TrackedOut::new(tracked, key.is_secret())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct EventIn {
    #[schema(value_type = String)]
    offer_id: OfferId,
    #[schema(value_type = String)]
    visitor_id: VisitorId,
    name: String,
    /// The browser's client address, when your server reports the event
    /// with a secret key (a browser's is read from its request).
    ip: Option<String>,
    /// The event's own id (an order number), secret key only: under
    /// `goal.credit_per: "event"` each distinct id is a credit, so two
    /// purchases by one friend are two. Without it, the friend's one credit.
    event_id: Option<String>,
}

/// A page fired a custom event (`parrain.conversion()` / `parrain.track(name)`).
#[utoipa::path(post, path = "/v1/track/event", tag = "tracking", request_body = EventIn,
    responses((status = 200, body = TrackedOut), (status = 400), (status = 404)))]
async fn track_event(
    State(state): State<AppState>,
    key: AnyKey,
    client: ClientIp,
    ApiJson(input): ApiJson<EventIn>,
) -> ApiResult<Json<TrackedOut>> {
    if !valid_event_name(&input.name) {
        return Err(ApiError::bad_field(
            "name",
            "name must be 1 to 100 characters without spaces",
        ));
    }
    let event_id = event_id(input.event_id, "event_id")?;
    if event_id.is_some() && !key.is_secret() {
        return Err(ApiError::bad_field(
            "event_id",
            "event_id is taken with a secret key only: a page could make up ids and credits",
        ));
    }
    let event = PageEvent {
        event_id,
        ip: client_ip::of_person(&key, client, input.ip)?,
        offer_id: input.offer_id,
        visitor_id: input.visitor_id,
        name: input.name,
    };
    let tracked = state.store.track_event(event, state.clock.now()).await?;
    Ok(Json(TrackedOut::new(tracked, key.is_secret())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct IdentifyIn {
    #[schema(value_type = String)]
    visitor_id: VisitorId,
    #[schema(value_type = String, format = "email")]
    email: Email,
    /// Needed with a publishable key: `hex(HMAC-SHA256(identity_secret,
    /// email))`, computed by the site's server (docs/identity.md).
    identity_token: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct IdentifiedOut {
    identified: bool,
}

/// Ties a browser to a person, so what it did counts for that person. With
/// a publishable key it needs the email's `identity_token`: the key is
/// public, and tying a browser someone followed a share link with to another
/// person's email would hand that person's referral to whoever shared it.
#[utoipa::path(post, path = "/v1/track/identify", tag = "tracking", request_body = IdentifyIn,
    responses((status = 200, body = IdentifiedOut), (status = 400), (status = 403)))]
async fn identify(
    State(state): State<AppState>,
    key: AnyKey,
    ApiJson(input): ApiJson<IdentifyIn>,
) -> ApiResult<Json<IdentifiedOut>> {
    if !key.is_secret() {
        vouched(&state, &input.email, input.identity_token.as_deref())?;
    }
    state
        .store
        .identify(input.visitor_id, input.email, state.clock.now())
        .await?;
    Ok(Json(IdentifiedOut { identified: true }))
}

/// Checks that the site's server vouched for `email` with its identity
/// token; the error says what is missing.
pub(crate) fn vouched(state: &AppState, email: &Email, token: Option<&str>) -> ApiResult<()> {
    let Some(secret) = state.config.identity_secret.as_deref() else {
        return Err(ApiError::Forbidden(
            "tying a browser to an email with a publishable key needs identity tokens, \
             and this server has no identity_secret; call it with a secret key from your server",
        ));
    };
    let Some(token) = token else {
        return Err(ApiError::Forbidden(
            "identity_token is required with a publishable key: \
             hex(HMAC-SHA256(identity_secret, email)) from your server",
        ));
    };
    if !crate::identity::verify(secret, email, token) {
        return Err(ApiError::Forbidden(
            "identity_token is not this email's token under the identity secret",
        ));
    }
    Ok(())
}

/// A friend, named by exactly one of these.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct FriendIn {
    #[schema(value_type = Option<String>, format = "email")]
    email: Option<Email>,
    #[schema(value_type = Option<String>)]
    person_id: Option<PersonId>,
    #[schema(value_type = Option<String>)]
    visitor_id: Option<VisitorId>,
}

impl FriendIn {
    /// `field` names it in the error (made only when there is one: a batch
    /// of events names each event's).
    pub(super) fn into_ref(self, field: impl FnOnce() -> String) -> ApiResult<FriendRef> {
        match (self.email, self.person_id, self.visitor_id) {
            (Some(e), None, None) => Ok(FriendRef::Email(e)),
            (None, Some(p), None) => Ok(FriendRef::Person(p)),
            (None, None, Some(v)) => Ok(FriendRef::Visitor(v)),
            _ => {
                let field = field();
                let message = format!("{field} needs exactly one of email, person_id, visitor_id");
                Err(ApiError::bad_field(field, message))
            }
        }
    }
}

/// The friend to credit, named by exactly one of `email`, `person_id`,
/// `visitor_id`, and the share code it used as a coupon at checkout, if any.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct GiveCreditIn {
    #[schema(value_type = Option<String>, format = "email")]
    email: Option<Email>,
    #[schema(value_type = Option<String>)]
    person_id: Option<PersonId>,
    #[schema(value_type = Option<String>)]
    visitor_id: Option<VisitorId>,
    /// A participant's share code used as a coupon (any case): attributes
    /// the friend to its owner when the offer's methods include `coupon`.
    coupon: Option<String>,
    /// This call's own id (an order number): under `goal.credit_per:
    /// "event"` each distinct id is a credit, so two purchases by one
    /// friend are two; the same id again changes nothing.
    event_id: Option<String>,
}

/// An event id: 1 to 200 characters.
fn event_id(value: Option<String>, field: &str) -> ApiResult<Option<String>> {
    match value {
        Some(id) if id.is_empty() || id.chars().count() > 200 => Err(ApiError::bad_field(
            field,
            format!("{field} must be 1 to 200 characters"),
        )),
        other => Ok(other),
    }
}

/// Give Credit to Referrer: credits the referrer of this friend
/// (offers whose goal is `smart_list_trigger` only). The body is JSON, or
/// the same fields as a form (`application/x-www-form-urlencoded`, what
/// Marketo's Call Webhook step sends by default; an empty value is absent).
#[utoipa::path(post, path = "/v1/offers/{id}/give-credit", tag = "tracking",
    request_body(content(
        (GiveCreditIn = "application/json"),
        (GiveCreditIn = "application/x-www-form-urlencoded")
    )),
    responses((status = 200, body = TrackedOut), (status = 400), (status = 404), (status = 409)))]
async fn give_credit(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
    JsonOrForm(input): JsonOrForm<GiveCreditIn>,
) -> ApiResult<Json<TrackedOut>> {
    let id = path_id!(OfferId, id, "offer");
    if input
        .coupon
        .as_ref()
        .is_some_and(|c| c.is_empty() || c.len() > 64)
    {
        return Err(ApiError::bad_field(
            "coupon",
            "coupon must be 1 to 64 characters",
        ));
    }
    let friend = FriendIn {
        email: input.email,
        person_id: input.person_id,
        visitor_id: input.visitor_id,
    }
    .into_ref(|| "body".into())?;
    let event_id = event_id(input.event_id, "event_id")?;
    let tracked = state
        .store
        .give_credit(&id, friend, input.coupon, event_id, state.clock.now())
        .await?;
    Ok(Json(TrackedOut::new(tracked, true)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ServerEventIn {
    /// Makes the event idempotent: the same id is applied once.
    id: Option<String>,
    person: FriendIn,
    name: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    properties: Value,
    occurred_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct EventResultOut {
    id: Option<String>,
    applied: bool,
    /// One entry per offer whose trigger rule matched.
    #[schema(value_type = Vec<Object>)]
    credits: Vec<EventCredit>,
}

impl From<EventOutcome> for EventResultOut {
    fn from(o: EventOutcome) -> Self {
        Self {
            id: o.id,
            applied: o.applied,
            credits: o.credits,
        }
    }
}

#[derive(Serialize, ToSchema)]
struct EventBatchOut {
    results: Vec<EventResultOut>,
}

/// The result of one event, or `results` for a batch.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
enum EventsOut {
    One(EventResultOut),
    Batch(EventBatchOut),
}

pub const MAX_EVENTS: usize = 1000;

fn to_server_event(index: Option<usize>, e: ServerEventIn) -> ApiResult<ServerEvent> {
    let at = |field: &str| match index {
        Some(i) => format!("[{i}].{field}"),
        None => field.to_owned(),
    };
    if !valid_event_name(&e.name) {
        return Err(ApiError::bad_field(
            at("name"),
            "name must be 1 to 100 characters without spaces",
        ));
    }
    if e.id
        .as_ref()
        .is_some_and(|id| id.is_empty() || id.len() > 200)
    {
        return Err(ApiError::bad_field(
            at("id"),
            "id must be 1 to 200 characters",
        ));
    }
    if !(e.properties.is_object() || e.properties.is_null()) {
        return Err(ApiError::bad_field(
            at("properties"),
            "properties must be an object",
        ));
    }
    let occurred_at = e
        .occurred_at
        .as_deref()
        .map(|t| parse_ts(&at("occurred_at"), t))
        .transpose()?;
    Ok(ServerEvent {
        id: e.id,
        person: e.person.into_ref(|| at("person"))?,
        name: e.name,
        properties: e.properties,
        occurred_at,
    })
}

/// Facts from other systems ("opportunity.created", "purchase", …): one
/// object, or an array of up to 1,000. Each credits the referrer in every
/// live offer whose smart-list trigger rule it matches.
#[utoipa::path(post, path = "/v1/events", tag = "tracking", request_body = ServerEventIn,
    responses((status = 200, body = EventsOut), (status = 400)))]
async fn events(
    State(state): State<AppState>,
    _: SecretKey,
    JsonBytes(body): JsonBytes,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let now = state.clock.now();
    let is_batch = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    if is_batch {
        let items: Vec<ServerEventIn> = parse_json(&body)?;
        if items.len() > MAX_EVENTS {
            return Err(ApiError::bad_field(
                "body",
                format!("send at most {MAX_EVENTS} events at once"),
            ));
        }
        let events = items
            .into_iter()
            .enumerate()
            .map(|(i, e)| to_server_event(Some(i), e))
            .collect::<ApiResult<Vec<_>>>()?;
        let outcomes = state.store.ingest_events(events, now).await?;
        let results = outcomes.into_iter().map(Into::into).collect();
        Ok(Json(EventsOut::Batch(EventBatchOut { results })).into_response())
    } else {
        let item: ServerEventIn = parse_json(&body)?;
        let event = to_server_event(None, item)?;
        let mut outcomes = state.store.ingest_events(vec![event], now).await?;
        let outcome = outcomes
            .pop()
            .ok_or_else(|| ApiError::Internal("no event outcome".into()))?;
        Ok(Json(EventsOut::One(EventResultOut::from(outcome))).into_response())
    }
}
