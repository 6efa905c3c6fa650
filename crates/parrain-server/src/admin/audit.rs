//! The audit log: every change an operator makes (approve, edit, delete,
//! fulfil, key, webhook and role changes), with who and when, shown at
//! `/admin/audit` and downloaded whole as CSV. Any role may read it.
//!
//! A handler gives the store operation that makes a change its entry
//! (`by`); the store writes both in one transaction, so the log holds an
//! entry exactly when the change was made. Changes made through the API
//! with a secret key are recorded too, by the key (`auth::SecretKey::audit`).

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use minijinja::context;
use parrain_store::{Audit, AuditEntry};
use serde::{Deserialize, Serialize};

use super::activities::when;
use super::render;
use super::session::Operator;
use super::PageError;
use crate::error::ApiError;
use crate::views::ts;
use crate::AppState;

pub const TEMPLATES: [(&str, &str); 1] = [(
    "audit.html",
    include_str!("../../templates/admin/audit.html"),
)];

/// Entries on one page of the log.
const PAGE: u32 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(page))
        .route("/admin/audit.csv", get(csv))
}

/// The entry of a change `operator` makes, for the store to write in the
/// change's own transaction.
pub fn by<T>(
    state: &AppState,
    operator: &Operator,
    action: &str,
    target: &str,
    detail: &str,
) -> Audit<T> {
    Audit::entry(entry(state, operator.email(), action, target, detail))
}

/// An entry by `who` at the clock's now.
pub fn entry(state: &AppState, who: &str, action: &str, target: &str, detail: &str) -> AuditEntry {
    AuditEntry {
        seq: 0,
        at: state.clock.now(),
        operator: who.to_owned(),
        action: action.to_owned(),
        target: target.to_owned(),
        detail: detail.to_owned(),
    }
}

/// What an action is called on the page.
fn described(action: &str) -> &str {
    match action {
        "offer.create" => "Created an offer",
        "offer.edit" => "Edited an offer's draft",
        "offer.approve" => "Approved an offer",
        "offer.unapprove" => "Took an offer back to draft",
        "offer.clone" => "Cloned an offer",
        "offer.archive" => "Archived an offer",
        "offer.delete" => "Deleted an offer",
        "promo_codes.upload" => "Uploaded promo codes",
        "promo_codes.low_stock" => "Set a promo-code pool's low-stock warning",
        "participants.fulfil" => "Fulfilled rewards by hand",
        "participants.reward_give" => "Gave a reward by hand",
        "participants.reward_cancel" => "Cancelled a held reward by hand",
        "review.approve" => "Approved a held sign-up",
        "review.reject" => "Rejected a held sign-up",
        "key.create" => "Created an API key",
        "key.revoke" => "Revoked an API key",
        "webhook.create" => "Added a webhook endpoint",
        "webhook.edit" => "Edited a webhook endpoint",
        "webhook.delete" => "Deleted a webhook endpoint",
        "webhook.rotate" => "Rotated a webhook secret",
        "webhook.replay" => "Replayed a webhook delivery",
        "operator.create" => "Added an operator",
        "operator.password" => "Set an operator's password",
        "operator.role" => "Changed an operator's role",
        other => other,
    }
}

#[derive(Serialize)]
struct Row {
    when: String,
    iso: String,
    operator: String,
    action: String,
    what: String,
    target: String,
    detail: String,
}

#[derive(Deserialize)]
struct PageQuery {
    before: Option<i64>,
}

async fn page(
    State(state): State<AppState>,
    operator: Operator,
    Query(q): Query<PageQuery>,
) -> Response {
    let entries = match state.store.audit_log(q.before, PAGE).await {
        Ok(entries) => entries,
        Err(e) => return PageError::from(e).into_response(),
    };
    let older = (entries.len() == PAGE as usize)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    let rows: Vec<Row> = entries
        .into_iter()
        .map(|e| Row {
            when: when(e.at),
            iso: ts(e.at),
            what: described(&e.action).to_owned(),
            operator: e.operator,
            action: e.action,
            target: e.target,
            detail: e.detail,
        })
        .collect();
    render(
        "audit.html",
        context! {
            title => "Audit log",
            may => operator.rights(),
            operator => operator.email(),
            role => operator.role().as_str(),
            csrf => operator.0.csrf_token,
            rows,
            older,
        },
    )
}

/// The whole log as CSV, newest first.
async fn csv(State(state): State<AppState>, _: Operator) -> Response {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut before = None;
    let written = async {
        out.write_record(["at", "operator", "action", "target", "detail"])?;
        loop {
            let entries = state.store.audit_log(before, 1000).await?;
            for e in &entries {
                out.write_record([&ts(e.at), &e.operator, &e.action, &e.target, &e.detail])?;
            }
            match entries.last() {
                Some(last) if entries.len() == 1000 => before = Some(last.seq),
                _ => break,
            }
        }
        out.into_inner()
            .map_err(|e| ApiError::Internal(e.to_string()))
    }
    .await;
    match written {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"audit-log.csv\"",
                ),
            ],
            body,
        )
            .into_response(),
        Err(e) => PageError(e).into_response(),
    }
}

impl From<csv::Error> for ApiError {
    fn from(e: csv::Error) -> Self {
        ApiError::Internal(format!("writing CSV: {e}"))
    }
}
