//! The offer editor: create an offer, edit its draft (every setting of
//! SPEC §2), and run it from its own page (see `page`, `promo`).
//!
//! Saving writes the draft with the store's `patch_draft`, as
//! `PATCH /v1/offers/{id}` does, so the rules are the API's. A refused save
//! draws the form again as it was typed, each problem beside its setting.

mod form;
mod page;
mod promo;
mod rewards;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use minijinja::context;
use parrain_core::ids::OfferId;
use parrain_core::offer::{OfferSettings, Problem};
use parrain_store::{Audit, AuditEntry, Offer, StoreError};
use serde::Serialize;
use serde_json::{json, Map, Value};

use self::form::OfferForm;
use self::page::{not_found, parse_id};
use super::render;
use super::session::{CsrfForm, Operator};
use super::PageError;
use crate::AppState;

/// The editor's templates, registered with the other admin templates.
pub const TEMPLATES: [(&str, &str); 9] = [
    (
        "offer_new.html",
        include_str!("../../templates/admin/offer_new.html"),
    ),
    (
        "offer_edit.html",
        include_str!("../../templates/admin/offer_edit.html"),
    ),
    (
        "offer_page.html",
        include_str!("../../templates/admin/offer_page.html"),
    ),
    (
        "offer_section_widget.html",
        include_str!("../../templates/admin/offer_section_widget.html"),
    ),
    (
        "offer_section_share_preview.html",
        include_str!("../../templates/admin/offer_section_share_preview.html"),
    ),
    (
        "offer_section_invitations.html",
        include_str!("../../templates/admin/offer_section_invitations.html"),
    ),
    (
        "offer_section_social.html",
        include_str!("../../templates/admin/offer_section_social.html"),
    ),
    (
        "offer_section_rewards.html",
        include_str!("../../templates/admin/offer_section_rewards.html"),
    ),
    (
        "offer_section_leaderboard.html",
        include_str!("../../templates/admin/offer_section_leaderboard.html"),
    ),
];

const SCRIPT: &str = include_str!("../../templates/admin/offer_edit.js");

/// A settings section with a form of its own, beside those `form` draws.
///
/// The editor includes `template` inside its form (with `value`, the
/// section's current or posted JSON, and `errors`), and writes `read` of
/// the posted fields as the section's part of the patch. A section that is
/// not listed here is never touched by a save.
pub struct Section {
    /// The settings key the section owns (`widget`).
    pub key: &'static str,
    /// Its template, registered in `TEMPLATES`.
    pub template: &'static str,
    /// The section's value from the posted `(name, value)` pairs.
    pub read: fn(&[(String, String)]) -> Value,
}

/// The sections drawn by templates of their own, in page order.
pub const SECTIONS: &[Section] = &[
    Section {
        key: "rewards",
        template: "offer_section_rewards.html",
        read: rewards::read_rewards,
    },
    Section {
        key: "leaderboard",
        template: "offer_section_leaderboard.html",
        read: rewards::read_leaderboard,
    },
    Section {
        key: "widget",
        template: "offer_section_widget.html",
        read: super::preview::read_widget,
    },
    Section {
        key: "share_preview",
        template: "offer_section_share_preview.html",
        read: super::preview::read_share_preview,
    },
    Section {
        key: "invitations",
        template: "offer_section_invitations.html",
        read: super::preview::read_invitations,
    },
    Section {
        key: "social_sign_up",
        template: "offer_section_social.html",
        read: read_social_sign_up,
    },
];

/// The providers ticked, in the order the page lists them.
fn read_social_sign_up(pairs: &[(String, String)]) -> Value {
    (pairs.iter())
        .filter(|(k, _)| k == "social_sign_up")
        .map(|(_, v)| Value::String(v.clone()))
        .collect()
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/offers/new", get(new).post(create))
        .route("/admin/offers/{id}", get(page::page))
        .route("/admin/offers/{id}/edit", get(edit).post(save))
        .route("/admin/offers/{id}/approve", post(page::approve))
        .route("/admin/offers/{id}/unapprove", post(page::unapprove))
        .route("/admin/offers/{id}/clone", post(page::clone))
        .route("/admin/offers/{id}/archive", post(page::archive))
        .route("/admin/offers/{id}/delete", post(page::delete))
        .route("/admin/offers/{id}/promo-codes", post(promo::upload))
        .route(
            "/admin/offers/{id}/promo-codes/low-stock",
            post(promo::low_stock),
        )
        .route("/admin/offer_edit.js", get(script))
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, super::STATIC_CACHE),
        ],
        SCRIPT,
    )
        .into_response()
}

/// Problems keyed by setting (`goal.count`), for the template to put
/// beside each input; several for one setting are joined.
fn by_field(problems: &[Problem]) -> Map<String, Value> {
    let mut out = Map::new();
    for p in problems {
        let message = match out.get(&p.field).and_then(Value::as_str) {
            Some(before) => format!("{before}; {}", p.message),
            None => p.message.clone(),
        };
        out.insert(p.field.clone(), Value::String(message));
    }
    out
}

fn new_page(operator: &Operator, name: &str, error: Option<String>) -> Response {
    render(
        "offer_new.html",
        context! {
            title => "New offer",
            may => operator.rights(),
            operator => operator.0.email.clone(),
            csrf => operator.0.csrf_token.clone(),
            name,
            error,
        },
    )
}

/// `/admin/offers/new`: name the offer; the editor opens on its draft.
async fn new(operator: Operator) -> Response {
    new_page(&operator, "", None)
}

#[derive(serde::Deserialize)]
struct NewIn {
    #[serde(default)]
    name: String,
}

async fn create(
    State(state): State<AppState>,
    CsrfForm(operator, form): CsrfForm<NewIn>,
) -> Response {
    let refused = |message: String| {
        let page = new_page(&operator, &form.name, Some(message));
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    };
    let settings: OfferSettings = match serde_json::from_value(json!({ "name": form.name.trim() }))
    {
        Ok(settings) => settings,
        Err(e) => return refused(e.to_string()),
    };
    let name = form.name.trim().to_owned();
    let entry = super::audit::entry(&state, operator.email(), "offer.create", "", &name);
    let audit = Audit::of(move |offer: &Offer| {
        let target = offer.id.to_string();
        Some(AuditEntry {
            target,
            ..entry.clone()
        })
    });
    match state
        .store
        .create_offer(settings, state.clock.now(), audit)
        .await
    {
        Ok(offer) => Redirect::to(&format!("/admin/offers/{}/edit", offer.id)).into_response(),
        Err(StoreError::Invalid(problems)) => refused(
            problems
                .into_iter()
                .map(|p| p.message)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Err(e) => PageError::from(e).into_response(),
    }
}

/// What the editor page needs besides the form.
#[derive(Serialize)]
struct SectionView {
    template: &'static str,
    value: Value,
}

/// The offer's promo-code pools with their counts, for the rewards section.
async fn pools(state: &AppState, id: &OfferId) -> Result<Vec<Value>, Response> {
    match state.store.promo_counts(id).await {
        Ok(pools) => Ok(pools
            .into_iter()
            .map(|p| json!({"pool": p.pool, "available": p.available, "assigned": p.assigned, "total": p.total, "low_stock": p.low_stock, "low": p.is_low()}))
            .collect()),
        Err(e) => Err(PageError::from(e).into_response()),
    }
}

#[allow(clippy::too_many_arguments)]
fn editor(
    state: &AppState,
    operator: &Operator,
    id: &str,
    status: &str,
    form: &OfferForm,
    sections: Vec<SectionView>,
    pools: Vec<Value>,
    problems: &[Problem],
) -> Response {
    render(
        "offer_edit.html",
        context! {
            title => format!("Edit {}", form.name),
            may => operator.rights(),
            operator => operator.0.email.clone(),
            csrf => operator.0.csrf_token.clone(),
            id,
            status,
            form,
            sections,
            providers => state.config.social.all()
                .map(|p| json!({"id": p.id, "name": p.name}))
                .collect::<Vec<_>>(),
            errors => by_field(problems),
            pools,
            problems,
        },
    )
}

/// `/admin/offers/{id}/edit`: the draft (or the live settings, which the
/// first save turns into a draft) in the form.
async fn edit(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return not_found();
    };
    let offer = match state.store.offer(&id).await {
        Ok(offer) => offer,
        Err(e) => return PageError::from(e).into_response(),
    };
    let settings = offer.editable();
    let doc = serde_json::to_value(settings).unwrap_or_default();
    let sections = SECTIONS
        .iter()
        .map(|s| SectionView {
            template: s.template,
            value: doc.get(s.key).cloned().unwrap_or_default(),
        })
        .collect();
    let form = OfferForm::from_settings(settings);
    let pools = match pools(&state, &id).await {
        Ok(pools) => pools,
        Err(page) => return page,
    };
    editor(
        &state,
        &operator,
        id.as_str(),
        offer.status.as_str(),
        &form,
        sections,
        pools,
        &[],
    )
}

async fn save(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(operator, pairs): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return not_found();
    };
    let form = OfferForm::from_posted(&pairs);
    let sections: Vec<SectionView> = SECTIONS
        .iter()
        .map(|s| SectionView {
            template: s.template,
            value: (s.read)(&pairs),
        })
        .collect();
    let patch = form.patch().map(|mut patch| {
        for (s, view) in SECTIONS.iter().zip(&sections) {
            patch[s.key] = view.value.clone();
        }
        patch
    });
    let edit = super::audit::by(&state, &operator, "offer.edit", id.as_str(), "");
    let result = match patch {
        Ok(patch) => state
            .store
            .patch_draft(&id, patch, state.clock.now(), edit)
            .await
            .map_err(|e| match e {
                StoreError::Invalid(problems) => Ok(problems),
                other => Err(other),
            }),
        Err(problems) => Err(Ok(problems)),
    };
    match result {
        Ok(_) => page::to_offer(&id, "saved"),
        Err(Ok(problems)) => {
            let status = match state.store.offer(&id).await {
                Ok(offer) => offer.status.as_str(),
                Err(e) => return PageError::from(e).into_response(),
            };
            let pools = match pools(&state, &id).await {
                Ok(pools) => pools,
                Err(page) => return page,
            };
            let page = editor(
                &state,
                &operator,
                id.as_str(),
                status,
                &form,
                sections,
                pools,
                &problems,
            );
            (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        }
        Err(Err(e)) => PageError::from(e).into_response(),
    }
}
