//! Invitations by email: a participant gives friends' addresses, parrain
//! queues an invitation email to each (the offer's `emails.invitation`), and
//! each email carries an unsubscribe link at `/u/{token}`.
//!
//! Every address gets its own answer: invited, or refused with a code
//! (`invalid_email`, `own_address`, `already_invited`, `unsubscribed`,
//! `limit_reached`). When none was invited the whole request is an error
//! with the first refusal's code, so a form can show one clear message.
//! The unsubscribe page answers GET with a button and unsubscribes only on
//! POST: mail scanners fetch links, and must not unsubscribe anyone.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::sharing::MAX_MESSAGE;
use parrain_store::{Invite, Refusal};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::path_id;
use crate::auth::AnyKey;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::AppState;

/// Invitations, sent from a web page with the publishable key.
pub fn public() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(invite))
}

/// The unsubscribe page of invitation emails (not part of the API).
pub fn pages() -> axum::Router<AppState> {
    axum::Router::new().route(
        "/u/{token}",
        axum::routing::get(unsubscribe_page).post(unsubscribe),
    )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct InvitationsIn {
    /// Friends' addresses (at most the offer's `invitations.max_recipients_per_request`).
    emails: Vec<String>,
    /// A personal note, added to each email as text.
    message: Option<String>,
    /// Needed with a publishable key: the participant's token (returned by
    /// its sign-up, or held by its page). A participant id is public.
    participant_token: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
struct RefusedOut {
    email: String,
    /// `emails[i]`: which address of the request.
    field: String,
    code: &'static str,
    message: String,
}

#[derive(Debug, Serialize, ToSchema)]
struct InvitationsOut {
    /// The addresses an invitation was queued for, normalised.
    invited: Vec<String>,
    refused: Vec<RefusedOut>,
}

/// Invites friends by email: 202 when at least one invitation was queued;
/// otherwise an error with the first refusal's code (`limit_reached` is
/// 429, `invalid_email` 400, the others 409) naming the field (`emails[0]`),
/// and every refusal under `details.refused`. With a publishable key the
/// body carries the participant's `participant_token` (403 without it).
#[utoipa::path(post, path = "/v1/offers/{offer_id}/participants/{participant_id}/invitations",
    tag = "participants", request_body = InvitationsIn,
    responses((status = 202, body = InvitationsOut), (status = 400), (status = 403),
        (status = 404), (status = 409), (status = 429)))]
async fn invite(
    State(state): State<AppState>,
    key: AnyKey,
    Path((offer_id, participant_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<InvitationsIn>,
) -> ApiResult<Response> {
    let offer_id = path_id!(OfferId, offer_id, "offer");
    let participant_id = path_id!(ParticipantId, participant_id, "participant");
    if !key.is_secret() {
        crate::participant_token::require(
            &state,
            input.participant_token.as_deref(),
            &participant_id,
        )
        .await?;
    }
    if input.emails.is_empty() {
        return Err(ApiError::bad_field(
            "emails",
            "emails must list at least one address",
        ));
    }
    let message = input
        .message
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty());
    if message
        .as_ref()
        .is_some_and(|m| m.chars().count() > MAX_MESSAGE)
    {
        return Err(ApiError::bad_field(
            "message",
            format!("message is longer than {MAX_MESSAGE} characters"),
        ));
    }
    let mut refused = Vec::new();
    let mut valid = Vec::new();
    for (i, raw) in input.emails.iter().enumerate() {
        match Email::parse(raw) {
            Ok(email) => valid.push((i, email)),
            Err(e) => refused.push((
                i,
                RefusedOut {
                    email: raw.clone(),
                    field: format!("emails[{i}]"),
                    code: "invalid_email",
                    message: e.to_string(),
                },
            )),
        }
    }
    let mut invited = Vec::new();
    if !valid.is_empty() {
        let indexes: Vec<usize> = valid.iter().map(|(i, _)| *i).collect();
        let outcome = state
            .store
            .invite(
                Invite {
                    offer_id,
                    participant_id,
                    emails: valid.into_iter().map(|(_, e)| e).collect(),
                    message,
                },
                state.clock.now(),
            )
            .await?;
        for (i, (email, refusal)) in indexes.into_iter().zip(outcome.outcomes) {
            match refusal {
                None => invited.push(email.to_string()),
                Some(r) => refused.push((
                    i,
                    RefusedOut {
                        email: email.to_string(),
                        field: format!("emails[{i}]"),
                        code: r.code(),
                        message: r.message(outcome.limit),
                    },
                )),
            }
        }
    }
    refused.sort_by_key(|(i, _)| *i);
    let refused: Vec<RefusedOut> = refused.into_iter().map(|(_, r)| r).collect();
    if invited.is_empty() {
        return Ok(refusal_error(refused));
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(InvitationsOut { invited, refused }),
    )
        .into_response())
}

/// The standard error body for a request of which no address was invited.
fn refusal_error(refused: Vec<RefusedOut>) -> Response {
    let first = &refused[0];
    let status = match first.code {
        "invalid_email" => StatusCode::BAD_REQUEST,
        code if code == Refusal::LimitReached.code() => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::CONFLICT,
    };
    let message = if refused.len() == 1 {
        format!("{}: {}", first.field, first.message)
    } else {
        format!(
            "{}: {} (and {} other address(es) refused)",
            first.field,
            first.message,
            refused.len() - 1
        )
    };
    let body = json!({"error": {
        "code": first.code,
        "message": message,
        "details": {"field": first.field, "refused": refused},
    }});
    (status, Json(body)).into_response()
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\">\
         <meta name=robots content=noindex><title>{title}</title>\
         <body style=\"font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem\">\
         <h1>{title}</h1>{body}"
    );
    (status, Html(html)).into_response()
}

fn unknown_link() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "This link does not lead anywhere",
        "<p>The unsubscribe link may be mistyped.</p>",
    )
}

/// Asks before unsubscribing: a GET never changes anything.
async fn unsubscribe_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<Response> {
    Ok(match state.store.unsubscribe_state(&token).await? {
        None => unknown_link(),
        Some(true) => page(
            StatusCode::OK,
            "You are unsubscribed",
            "<p>This address receives no more invitations.</p>",
        ),
        Some(false) => page(
            StatusCode::OK,
            "Stop invitations to this address?",
            "<p>A friend invited you by entering your address. You can receive no more \
             invitations, from anyone.</p>\
             <form method=post><button type=submit>Unsubscribe</button></form>",
        ),
    })
}

/// Unsubscribes: the page's button, or a mail client's one-click request
/// (RFC 8058 `List-Unsubscribe-Post`), whatever the body.
async fn unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<Response> {
    if !state.store.unsubscribe(&token, state.clock.now()).await? {
        return Ok(unknown_link());
    }
    Ok(page(
        StatusCode::OK,
        "You are unsubscribed",
        "<p>This address receives no more invitations.</p>",
    ))
}
