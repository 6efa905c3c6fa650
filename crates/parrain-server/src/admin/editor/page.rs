//! `/admin/offers/{id}`: one offer as its operator runs it. Its headline
//! figures with their 30-day sparklines (`headline`), what it does in a
//! sentence per part and what the draft would change, in words
//! (`summary`), the lifecycle buttons (approve, unapprove, clone, archive,
//! delete) and the promo codes, with a notice for a pool running low.
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
use parrain_store::{Audit, AuditEntry, Offer, StoreError};
use serde::{Deserialize, Serialize};

use super::super::audit;
use super::super::render;
use super::super::session::{CsrfForm, NoFields, Operator};
use super::super::summary;
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

/// A problem of a refused approval, with its setting named in words.
#[derive(Serialize)]
struct LabelledProblem {
    field: String,
    label: String,
    message: String,
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
    // A pool below its low-stock warning is said at the top of the page
    // until an upload brings it back (SPEC §15).
    let low_pools: Vec<_> = pools.iter().filter(|p| p.is_low()).cloned().collect();
    let now = state.clock.now();
    let (figures, codes_left, _) = match super::super::headline::read(state, id).await {
        Ok(read) => read,
        Err(e) => return e.into_response(),
    };
    let today = now.div_euclid(86_400_000);
    let figures = super::super::headline::figures(&figures, codes_left, today);
    let summary = summary::parts(offer.live.as_ref().unwrap_or(offer.editable()));
    let changes = match (&offer.live, &offer.draft) {
        (Some(live), Some(draft)) => summary::changes(live, draft),
        _ => Vec::new(),
    };
    let problems: Vec<LabelledProblem> = (notice.problems.iter())
        .map(|p| LabelledProblem {
            field: p.field.clone(),
            label: summary::field_label(&p.field),
            message: p.message.clone(),
        })
        .collect();
    let html = render(
        "offer_page.html",
        context! {
            title => offer.editable().name.clone(),
            may => operator.rights(),
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
            summary,
            changes,
            figures,
            problems,
            codes,
            pools,
            low_pools,
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
        "low_stock" => "Low-stock warning saved.",
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
    let by = |action: &str| audit::by(&state, &operator, action, id.as_str(), "");
    let result = match action {
        Action::Approve => store
            .approve(&id, now, by("offer.approve"))
            .await
            .map(|_| "approved"),
        Action::Unapprove => {
            (store.unapprove(&id, now, by("offer.unapprove")).await).map(|_| "unapproved")
        }
        Action::Archive => store
            .archive(&id, now, by("offer.archive"))
            .await
            .map(|_| "archived"),
        Action::Clone => {
            let entry = audit::entry(&state, operator.email(), "offer.clone", id.as_str(), "");
            let audit = Audit::of(move |copy: &Offer| {
                let detail = format!("copy {}", copy.id);
                Some(AuditEntry {
                    detail,
                    ..entry.clone()
                })
            });
            match store.clone_offer(&id, now, audit).await {
                Ok(copy) => return to_offer(&copy.id, "cloned"),
                Err(e) => Err(e),
            }
        }
        Action::Delete => match store
            .delete_offer(
                &id,
                audit::by(&state, &operator, "offer.delete", id.as_str(), ""),
            )
            .await
        {
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
