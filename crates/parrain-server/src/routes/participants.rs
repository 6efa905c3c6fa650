//! Participants: sign-up (also from web pages), progress, fulfilment by hand.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId, VisitorId};
use parrain_store::{Audit, AuditEntry, FulfillOutcome, Participant, ParticipantFilter, SignUp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::path_id;
use crate::auth::{AnyKey, SecretKey};
use crate::client_ip::{self, ClientIp};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::views::{List, MyRewardOut, ParticipantDetailOut, ParticipantOut, PublicParticipantOut};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_participants))
        .routes(routes!(get_participant))
        .routes(routes!(fulfill))
        .routes(routes!(fulfill_many))
}

/// What a web page may do with the publishable key.
pub fn public() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_up))
        .routes(routes!(lookup))
        .routes(routes!(my_progress))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SignUpIn {
    #[schema(value_type = String, format = "email")]
    email: Email,
    first_name: Option<String>,
    last_name: Option<String>,
    /// The offer's other person fields, by name.
    #[serde(default)]
    #[schema(value_type = Object)]
    fields: serde_json::Map<String, serde_json::Value>,
    marketing_consent: Option<bool>,
    visitor_id: Option<VisitorId>,
    /// The share code the person arrived with, if any.
    referral_code: Option<String>,
    /// The person's client address, for the fraud rules, when your server
    /// signs them up with a secret key (a browser's is read from its request).
    ip: Option<String>,
    /// With a publishable key, lets `visitor_id` be tied to an email that is
    /// already known: `hex(HMAC-SHA256(identity_secret, email))` from the
    /// site's server (docs/identity.md).
    identity_token: Option<String>,
    /// The ticket a "Continue with …" sign-in gave the widget: the provider
    /// verified `email`, which must be the one it vouched for. The
    /// `signs_up` activity records the provider.
    social_ticket: Option<String>,
}

/// The longest name or other person field, in characters.
const MAX_FIELD: usize = 200;

fn clean(value: Option<String>, field: &str) -> ApiResult<Option<String>> {
    match value.map(|v| v.trim().to_owned()) {
        Some(v) if v.chars().count() > MAX_FIELD => Err(ApiError::bad_field(
            field,
            format!("{field} is longer than {MAX_FIELD} characters"),
        )),
        Some(v) if v.is_empty() => Ok(None),
        other => Ok(other),
    }
}

/// Person fields are details like a name: each at most [`MAX_FIELD`]
/// characters (a value that is not a string, as JSON).
fn check_fields(fields: &serde_json::Map<String, serde_json::Value>) -> ApiResult<()> {
    for (name, value) in fields {
        let length = match value {
            serde_json::Value::String(s) => s.chars().count(),
            other => other.to_string().chars().count(),
        };
        if length > MAX_FIELD {
            let field = format!("fields.{name}");
            let message = format!("{field} is longer than {MAX_FIELD} characters");
            return Err(ApiError::bad_field(field, message));
        }
    }
    Ok(())
}

/// A new participant, with the token that opens its page and acts for it.
#[derive(Serialize, ToSchema)]
struct NewParticipantOut {
    #[serde(flatten)]
    participant: ParticipantOut,
    /// Opens `/p/{participant_token}` and authorises the participant's own
    /// calls from a web page (progress, invitations). Shown once.
    participant_token: String,
}

/// What a publishable key sees of the participant it just created.
#[derive(Serialize, ToSchema)]
struct NewPublicParticipantOut {
    #[serde(flatten)]
    participant: PublicParticipantOut,
    /// Keep it in the browser: it opens the participant's page and shows
    /// its progress; the email and the share code do not.
    participant_token: String,
}

/// A new participant: all of it for a secret key, its public part for a
/// publishable key; each with the token.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
enum SignedUpOut {
    Full(Box<NewParticipantOut>),
    Public(NewPublicParticipantOut),
}

/// An email already signed up: the participant for a secret key, only
/// `check_email` for a publishable key.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
enum ExistingOut {
    Full(Box<ParticipantOut>),
    CheckEmail(SignInSentOut),
}

/// The answer to a publishable-key request about an email: the same whether
/// or not the email is known, so it discloses nothing.
#[derive(Serialize, ToSchema)]
struct SignInSentOut {
    /// Always true: if the email belongs to a participant of the offer, a
    /// link to its page was emailed to it.
    check_email: bool,
    message: &'static str,
}

impl SignInSentOut {
    fn new() -> Self {
        Self {
            check_email: true,
            message: "if this email has signed up for this offer, a link to its page is on \
                      its way (it works once, within 24 hours)",
        }
    }
}

/// Signs a person up: 201 with a new participant and its `participant_token`.
/// An email already signed up is 200: with a secret key, the existing
/// participant; with a publishable key, only `check_email` (that
/// participant is emailed a sign-in link to its page), since anyone can
/// type an email. A publishable key sees only the share code, share URL
/// and progress of the participant it created.
#[utoipa::path(post, path = "/v1/offers/{id}/participants", tag = "participants",
    request_body(content = SignUpIn, example = json!({"email": "ana@example.com", "first_name": "Ana"})),
    responses((status = 201, body = SignedUpOut), (status = 200, body = ExistingOut),
        (status = 400), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn sign_up(
    State(state): State<AppState>,
    key: AnyKey,
    client: ClientIp,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<SignUpIn>,
) -> ApiResult<Response> {
    let id = path_id!(OfferId, id, "offer");
    let ip = client_ip::of_person(&key, client, input.ip)?;
    check_fields(&input.fields)?;
    let social = match input.social_ticket.as_deref() {
        Some(ticket) => Some(social_identity(&state, &id, &input.email, ticket).await?),
        None => None,
    };
    let vouched = key.is_secret()
        || social.is_some()
        || match input.identity_token.as_deref() {
            Some(token) => {
                super::tracking::vouched(&state, &input.email, Some(token))?;
                true
            }
            None => false,
        };
    // The browser the sign-in started from, if the page no longer says.
    let (mut visitor_id, mut referral_code) = (input.visitor_id, input.referral_code);
    if let Some(verified) = &social {
        visitor_id = visitor_id
            .or_else(|| (verified.visitor_id.as_deref()).and_then(|v| VisitorId::parse(v).ok()));
        referral_code = referral_code.or_else(|| verified.referral_code.clone());
    }
    // Drawn now, kept by the sign-up's own transaction if it creates the participant.
    let token = crate::participant_token::draw();
    let sign_up = SignUp {
        email: input.email,
        first_name: clean(input.first_name, "first_name")?,
        last_name: clean(input.last_name, "last_name")?,
        fields: input.fields,
        marketing_consent: input.marketing_consent,
        visitor_id,
        referral_code,
        ip,
        vouched,
        social_provider: social.map(|v| v.provider),
        access_token: Some(crate::participant_token::hash(&token)),
    };
    let email = sign_up.email.clone();
    let signed = state.store.sign_up(&id, sign_up, state.clock.now()).await?;
    let public_url = &state.config.public_url;
    if !signed.created {
        let out = if key.is_secret() {
            let participant = ParticipantOut::new(signed.participant, public_url);
            ExistingOut::Full(Box::new(participant))
        } else {
            state
                .store
                .request_sign_in(&id, &email, state.clock.now())
                .await?;
            ExistingOut::CheckEmail(SignInSentOut::new())
        };
        return Ok((StatusCode::OK, Json(out)).into_response());
    }
    let out = if key.is_secret() {
        SignedUpOut::Full(Box::new(NewParticipantOut {
            participant: ParticipantOut::new(signed.participant, public_url),
            participant_token: token,
        }))
    } else {
        let rewards = my_rewards(&state, &signed.participant).await?;
        SignedUpOut::Public(NewPublicParticipantOut {
            participant: PublicParticipantOut::new(&signed.participant, rewards, public_url),
            participant_token: token,
        })
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// A participant's own rewards with their labels: what the widget shows
/// the browser holding its token. One read of the offer, and one of the
/// participant's rewards when the offer has any.
async fn my_rewards(state: &AppState, participant: &Participant) -> ApiResult<Vec<MyRewardOut>> {
    let offer = state.store.offer(&participant.offer_id).await?;
    let settings = offer.live.as_ref();
    if settings.is_none_or(|s| s.rewards.is_empty()) {
        return Ok(Vec::new());
    }
    let detail = state.store.participant(&participant.id).await?;
    Ok(MyRewardOut::list(&detail.rewards, settings))
}

/// The identity a social sign-in verified, for a sign-up of `email` to `offer`.
async fn social_identity(
    state: &AppState,
    offer: &OfferId,
    email: &Email,
    ticket: &str,
) -> ApiResult<crate::social::Verified> {
    let expired = || ApiError::BadRequest {
        code: "social_ticket_expired",
        message: "the sign-in with the provider has expired: choose its button again".into(),
        field: Some("social_ticket".into()),
    };
    let verified = crate::social::verified(state, ticket)
        .await?
        .filter(|v| v.offer_id == offer.as_str())
        .ok_or_else(expired)?;
    if !Email::parse(&verified.email).is_ok_and(|e| &e == email) {
        return Err(ApiError::bad_field(
            "email",
            "email must be the address the provider verified",
        ));
    }
    Ok(verified)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct LookupIn {
    #[schema(value_type = String, format = "email")]
    email: Email,
}

#[derive(Serialize, ToSchema)]
struct FoundParticipantOut {
    #[serde(flatten)]
    participant: PublicParticipantOut,
    /// Shares the participant recorded (`shares_content` activities).
    shares: i64,
}

/// "Track my progress" for a person who comes back. With a publishable key
/// the answer is always 202 `check_email`, whether or not the email signed
/// up; a participant's email gets a one-time sign-in link to its page
/// (valid 24 hours). With a secret key, from the site's server: the
/// participant (404 for an unknown email). Never a sign-up.
#[utoipa::path(post, path = "/v1/offers/{id}/participants/lookup", tag = "participants",
    request_body = LookupIn,
    responses((status = 202, body = SignInSentOut), (status = 200, body = FoundParticipantOut),
        (status = 400), (status = 404)))]
async fn lookup(
    State(state): State<AppState>,
    key: AnyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<LookupIn>,
) -> ApiResult<Response> {
    let id = path_id!(OfferId, id, "offer");
    if state.store.offer(&id).await?.live.is_none() {
        return Err(ApiError::NotFound("offer".into()));
    }
    if !key.is_secret() {
        state
            .store
            .request_sign_in(&id, &input.email, state.clock.now())
            .await?;
        return Ok((StatusCode::ACCEPTED, Json(SignInSentOut::new())).into_response());
    }
    let (participant, shares) = state
        .store
        .find_participant(&id, &input.email)
        .await?
        .ok_or_else(|| ApiError::NotFound("participant".into()))?;
    let rewards = my_rewards(&state, &participant).await?;
    Ok(Json(FoundParticipantOut {
        participant: PublicParticipantOut::new(&participant, rewards, &state.config.public_url),
        shares,
    })
    .into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct MeIn {
    /// The token the sign-up returned, or the one of the participant's page.
    participant_token: String,
}

/// The participant a token acts for: its share link and progress, for the
/// widget of the browser that signed up (any key). 404 for a token that
/// acts for nobody in this offer.
#[utoipa::path(post, path = "/v1/offers/{id}/participants/me", tag = "participants",
    request_body = MeIn,
    responses((status = 200, body = FoundParticipantOut), (status = 400), (status = 404)))]
async fn my_progress(
    State(state): State<AppState>,
    _: AnyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MeIn>,
) -> ApiResult<Json<FoundParticipantOut>> {
    let id = path_id!(OfferId, id, "offer");
    let unknown = || ApiError::NotFound("participant".into());
    let participant = crate::participant_token::participant(&state, &input.participant_token)
        .await?
        .ok_or_else(unknown)?;
    let detail = state.store.participant(&participant).await?.participant;
    if detail.offer_id != id {
        return Err(unknown());
    }
    let email = Email::from_trusted(detail.email.clone());
    let (participant, shares) = state
        .store
        .find_participant(&id, &email)
        .await?
        .ok_or_else(unknown)?;
    let rewards = my_rewards(&state, &participant).await?;
    Ok(Json(FoundParticipantOut {
        participant: PublicParticipantOut::new(&participant, rewards, &state.config.public_url),
        shares,
    }))
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum GoalFilter {
    Achieved,
    NotAchieved,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListParticipants {
    #[param(inline)]
    goal: Option<GoalFilter>,
    fulfilled: Option<bool>,
    cursor: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// An offer's participants, newest first, filtered by goal and fulfilment.
#[utoipa::path(get, path = "/v1/offers/{id}/participants", tag = "participants",
    params(ListParticipants), responses((status = 200, body = List<ParticipantOut>), (status = 404)))]
async fn list_participants(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ListParticipants>,
) -> ApiResult<Json<List<ParticipantOut>>> {
    let id = path_id!(OfferId, id, "offer");
    let page = super::page_request(q.cursor, q.limit)?;
    let filter = ParticipantFilter {
        achieved: q.goal.map(|g| matches!(g, GoalFilter::Achieved)),
        fulfilled: q.fulfilled,
        ..ParticipantFilter::default()
    };
    let list = state.store.list_participants(&id, filter, page).await?;
    let public_url = &state.config.public_url;
    Ok(Json(List::of(list, |p| ParticipantOut::new(p, public_url))))
}

/// A participant: credit, goal progress, referred friends, promo code, and
/// the rewards it earned with their state, code and dates.
#[utoipa::path(get, path = "/v1/participants/{id}", tag = "participants",
    responses((status = 200, body = ParticipantDetailOut), (status = 404)))]
async fn get_participant(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<Json<ParticipantDetailOut>> {
    let id = path_id!(ParticipantId, id, "participant");
    let detail = state.store.participant(&id).await?;
    let offer = state.store.offer(&detail.participant.offer_id).await?;
    let settings = Some(offer.live.as_ref().unwrap_or_else(|| offer.editable()));
    Ok(Json(ParticipantDetailOut::new(
        detail,
        &state.config.public_url,
        settings,
    )))
}

/// Fulfils a participant who achieved the goal (manual delivery).
#[utoipa::path(post, path = "/v1/participants/{id}/fulfill", tag = "participants",
    responses((status = 200, body = ParticipantOut), (status = 404), (status = 409)))]
async fn fulfill(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<Json<ParticipantOut>> {
    let id = path_id!(ParticipantId, id, "participant");
    let now = state.clock.now();
    let entry = key.entry(now, "participants.fulfil", "", id.as_str());
    let audit = Audit::of(move |p: &Participant| {
        let target = p.offer_id.to_string();
        Some(AuditEntry {
            target,
            ..entry.clone()
        })
    });
    let participant = state.store.fulfill(&id, now, audit).await?;
    Ok(Json(ParticipantOut::new(
        participant,
        &state.config.public_url,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct FulfillManyIn {
    #[schema(value_type = Vec<String>)]
    participant_ids: Vec<ParticipantId>,
}

#[derive(Serialize, ToSchema)]
struct FulfillResultOut {
    participant_id: String,
    fulfilled: bool,
    promo_code: Option<String>,
    #[schema(value_type = Object)]
    error: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
struct FulfillManyOut {
    results: Vec<FulfillResultOut>,
}

/// Fulfils many participants of an offer; each gets its own result.
#[utoipa::path(post, path = "/v1/offers/{id}/fulfill", tag = "participants",
    request_body = FulfillManyIn, responses((status = 200, body = FulfillManyOut), (status = 404)))]
async fn fulfill_many(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<FulfillManyIn>,
) -> ApiResult<Json<FulfillManyOut>> {
    let id = path_id!(OfferId, id, "offer");
    if input.participant_ids.is_empty() || input.participant_ids.len() > 500 {
        return Err(ApiError::bad_field(
            "participant_ids",
            "give between 1 and 500 participant ids",
        ));
    }
    let now = state.clock.now();
    let entry = key.entry(now, "participants.fulfil", id.as_str(), "");
    let audit = Audit::of(move |outcomes: &Vec<FulfillOutcome>| {
        let fulfilled: Vec<&str> = (outcomes.iter())
            .filter(|o| o.fulfilled)
            .map(|o| o.participant_id.as_str())
            .collect();
        let detail = fulfilled.join(", ");
        (!fulfilled.is_empty()).then(|| AuditEntry {
            detail,
            ..entry.clone()
        })
    });
    let outcomes = state
        .store
        .fulfill_many(&id, input.participant_ids, now, audit)
        .await?;
    let results = outcomes
        .into_iter()
        .map(|o: FulfillOutcome| FulfillResultOut {
            participant_id: o.participant_id.into(),
            fulfilled: o.fulfilled,
            promo_code: o.promo_code,
            error: o
                .error
                .map(|(code, message)| serde_json::json!({"code": code, "message": message})),
        })
        .collect();
    Ok(Json(FulfillManyOut { results }))
}
