//! `/admin/offers/{id}`: one offer as its operator runs it. What is live,
//! what the draft would change, the lifecycle buttons (approve, unapprove,
//! clone, archive, delete) and the promo codes.
//!
//! Each button is a POST form with the session's CSRF token and calls the
//! same store operation as the `/v1` API; a refusal comes back on this page
//! (an approval refused lists every problem, each naming its setting).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use parrain_core::ids::OfferId;
use parrain_core::offer::{OfferStatus, Problem};
use parrain_core::promo::LineProblem;
use parrain_store::{Offer, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::super::render;
use super::super::session::{CsrfForm, NoFields, Operator};
use super::super::PageError;
use crate::AppState;

/// What to say on the page besides the offer itself.
#[derive(Default, Serialize)]
pub struct Notice {
    pub done: Option<&'static str>,
    pub error: Option<String>,
    pub problems: Vec<Problem>,
    pub promo_text: String,
    pub promo_lines: Vec<LineProblem>,
}

/// One setting in the live-vs-draft table.
#[derive(Serialize)]
struct Row {
    setting: String,
    live: Option<String>,
    draft: Option<String>,
    changed: bool,
}

/// Settings as `dotted.path → value` lines, for a side-by-side view.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&path, v, out);
            }
        }
        Value::Array(items) if items.iter().any(Value::is_object) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        Value::Null => {}
        Value::String(s) => out.push((prefix.to_owned(), s.clone())),
        Value::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect();
            out.push((prefix.to_owned(), items.join(", ")));
        }
        other => out.push((prefix.to_owned(), other.to_string())),
    }
}

fn rows(offer: &Offer) -> Vec<Row> {
    let lines = |s: Option<&parrain_core::offer::OfferSettings>| {
        let mut out = Vec::new();
        if let Some(v) = s.and_then(|s| serde_json::to_value(s).ok()) {
            flatten("", &v, &mut out);
        }
        out
    };
    let live = lines(offer.live.as_ref());
    let draft = lines(offer.draft.as_ref());
    let mut settings: Vec<&String> = live.iter().chain(&draft).map(|(k, _)| k).collect();
    settings.sort();
    settings.dedup();
    let find = |list: &[(String, String)], k: &str| {
        list.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    settings
        .into_iter()
        .map(|k| {
            let (l, d) = (find(&live, k), find(&draft, k));
            Row {
                changed: offer.live.is_some() && offer.draft.is_some() && l != d,
                setting: k.clone(),
                live: l,
                draft: d,
            }
        })
        .collect()
}

/// The offer id of a path, if it reads as one.
pub(super) fn parse_id(id: &str) -> Option<OfferId> {
    OfferId::parse(id).ok()
}

pub(super) fn not_found() -> Response {
    PageError::not_found("offer").into_response()
}

/// Draws the offer page with `notice`, answering with `status`.
pub async fn show(
    state: &AppState,
    operator: &Operator,
    id: &OfferId,
    notice: Notice,
    status: StatusCode,
) -> Response {
    let offer = match state.store.offer(id).await {
        Ok(offer) => offer,
        Err(e) => return PageError::from(e).into_response(),
    };
    let pools = match state.store.promo_counts(id).await {
        Ok(pools) => pools,
        Err(e) => return PageError::from(e).into_response(),
    };
    let default_pool = parrain_core::reward::DEFAULT_POOL;
    let codes = pools
        .iter()
        .find(|c| c.pool == default_pool)
        .cloned()
        .unwrap_or_else(|| parrain_store::PromoCounts::empty(default_pool));
    let now = state.clock.now();
    let html = render(
        "offer_page.html",
        context! {
            title => offer.editable().name.clone(),
            operator => operator.0.email.clone(),
            csrf => operator.0.csrf_token.clone(),
            id => offer.id.to_string(),
            name => offer.editable().name.clone(),
            status => offer.status.as_str(),
            not_live_reason => offer.not_live_reason(now),
            has_live => offer.live.is_some(),
            has_draft => offer.draft.is_some(),
            participants => offer.participants,
            can_approve => offer.status != OfferStatus::Archived
                && (offer.draft.is_some() || offer.status != OfferStatus::Approved),
            can_unapprove => offer.status == OfferStatus::Approved,
            can_archive => offer.status != OfferStatus::Archived,
            can_delete => offer.participants == 0,
            rows => rows(&offer),
            codes,
            pools,
            notice,
        },
    );
    (status, html).into_response()
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// What a `?done=` after a redirect says.
fn done_message(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "created" => "Offer created.",
        "saved" => "Draft saved. Approve it to make it live.",
        "approved" => "Approved: the offer is live.",
        "unapproved" => "Unapproved: the offer is offline; share links still redirect.",
        "archived" => "Archived.",
        "cloned" => "This is a copy: a new draft.",
        "codes" => "Promo codes uploaded.",
        _ => return None,
    })
}

pub async fn page(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return not_found();
    };
    let notice = Notice {
        done: done_message(q.done.as_deref()),
        ..Notice::default()
    };
    show(&state, &operator, &id, notice, StatusCode::OK).await
}

/// A lifecycle button of the offer page.
#[derive(Clone, Copy)]
pub enum Action {
    Approve,
    Unapprove,
    Clone,
    Archive,
    Delete,
}

async fn act(state: AppState, operator: Operator, id: String, action: Action) -> Response {
    let Some(id) = parse_id(&id) else {
        return not_found();
    };
    let now = state.clock.now();
    let store = &state.store;
    let result = match action {
        Action::Approve => store.approve(&id, now).await.map(|_| "approved"),
        Action::Unapprove => store.unapprove(&id, now).await.map(|_| "unapproved"),
        Action::Archive => store.archive(&id, now).await.map(|_| "archived"),
        Action::Clone => match store.clone_offer(&id, now).await {
            Ok(copy) => return to_offer(&copy.id, "cloned"),
            Err(e) => Err(e),
        },
        Action::Delete => match store.delete_offer(&id).await {
            Ok(()) => return Redirect::to("/admin").into_response(),
            Err(e) => Err(e),
        },
    };
    let (notice, status) = match result {
        Ok(done) => return to_offer(&id, done),
        Err(StoreError::Invalid(problems)) => (
            Notice {
                problems,
                ..Notice::default()
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(StoreError::Conflict { message, .. }) => (
            Notice {
                error: Some(message),
                ..Notice::default()
            },
            StatusCode::CONFLICT,
        ),
        Err(e) => return PageError::from(e).into_response(),
    };
    show(&state, &operator, &id, notice, status).await
}

/// Back to the offer page after a change (303, so a reload does not post again).
pub fn to_offer(id: &OfferId, done: &str) -> Response {
    Redirect::to(&format!("/admin/offers/{id}?done={done}")).into_response()
}

macro_rules! action_handler {
    ($name:ident, $action:expr) => {
        pub async fn $name(
            State(state): State<AppState>,
            Path(id): Path<String>,
            CsrfForm(operator, NoFields {}): CsrfForm<NoFields>,
        ) -> Response {
            act(state, operator, id, $action).await
        }
    };
}

action_handler!(approve, Action::Approve);
action_handler!(unapprove, Action::Unapprove);
action_handler!(clone, Action::Clone);
action_handler!(archive, Action::Archive);
action_handler!(delete, Action::Delete);
