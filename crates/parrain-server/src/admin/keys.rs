//! `/admin/keys`: the API keys, made and revoked by hand.
//!
//! A new key is shown once, on the page that answers its creation, and never
//! again: the store keeps only its hash (`crate::auth::create_key`, the same
//! path as `parrain keys create`). Revoking takes effect on the next request.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use minijinja::context;
use parrain_core::ids::KeyId;
use parrain_store::{ApiKey, Audit, AuditEntry, KeyKind};
use serde::{Deserialize, Serialize};

use super::activities::when;
use super::render;
use super::session::{NoFields, Operator, OwnerForm};
use super::PageError;
use crate::auth::create_key;
use crate::AppState;

pub const TEMPLATES: [(&str, &str); 1] =
    [("keys.html", include_str!("../../templates/admin/keys.html"))];

/// The longest name a key may have.
const MAX_NAME: usize = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/keys", get(list).post(create))
        .route("/admin/keys/{id}/revoke", post(revoke))
}

#[derive(Serialize)]
struct Row {
    id: String,
    kind: &'static str,
    name: String,
    /// The key's prefix and last characters: `sk_…a1B2`.
    shape: String,
    created: String,
    last_used: Option<String>,
    revoked: Option<String>,
}

impl From<ApiKey> for Row {
    fn from(k: ApiKey) -> Self {
        Self {
            id: k.id.to_string(),
            kind: k.kind.as_str(),
            shape: format!("{}…{}", k.kind.prefix(), k.hint),
            name: k.name,
            created: when(k.created_at),
            last_used: k.last_used_at.map(when),
            revoked: k.revoked_at.map(when),
        }
    }
}

/// A key just made: the only time its secret is shown.
#[derive(Serialize)]
struct Created {
    kind: &'static str,
    name: String,
    secret: String,
}

async fn draw(
    state: &AppState,
    operator: Operator,
    created: Option<Created>,
    error: Option<&str>,
) -> Response {
    let keys = match state.store.list_keys().await {
        Ok(keys) => keys,
        Err(e) => return PageError::from(e).into_response(),
    };
    // Live keys first, newest first; revoked ones after.
    let mut keys: Vec<ApiKey> = keys;
    keys.sort_by_key(|k| (k.revoked_at.is_some(), std::cmp::Reverse(k.created_at)));
    let keys: Vec<Row> = keys.into_iter().map(Row::from).collect();
    render(
        "keys.html",
        context! {
            title => "API keys",
            may => operator.rights(),
            operator => operator.0.email,
            csrf => operator.0.csrf_token,
            keys,
            created,
            error,
        },
    )
}

async fn list(State(state): State<AppState>, operator: Operator) -> Response {
    draw(&state, operator, None, None).await
}

#[derive(Deserialize)]
pub struct KeyIn {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
}

async fn create(
    State(state): State<AppState>,
    OwnerForm(operator, form): OwnerForm<KeyIn>,
) -> Response {
    let kind = match form.kind.as_str() {
        "secret" => KeyKind::Secret,
        "publishable" => KeyKind::Publishable,
        _ => return draw(&state, operator, None, Some("Choose a kind of key.")).await,
    };
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        let error = "Give the key a name of 1 to 100 characters, e.g. where it is used.";
        return draw(&state, operator, None, Some(error)).await;
    }
    let entry = super::audit::entry(&state, operator.email(), "key.create", "", "");
    let audit = Audit::of(move |key: &ApiKey| {
        let target = key.id.to_string();
        let detail = format!("{} key “{}”", key.kind.as_str(), key.name);
        Some(AuditEntry {
            target,
            detail,
            ..entry.clone()
        })
    });
    match create_key(state.store.as_ref(), kind, name, state.clock.now(), audit).await {
        Ok((key, secret)) => {
            let created = Created {
                kind: key.kind.as_str(),
                name: key.name,
                secret,
            };
            let mut page = draw(&state, operator, Some(created), None).await;
            page.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            page
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OwnerForm(operator, NoFields {}): OwnerForm<NoFields>,
) -> Response {
    let Ok(id) = KeyId::parse(&id) else {
        return PageError::not_found("key").into_response();
    };
    let audit = super::audit::by(&state, &operator, "key.revoke", id.as_str(), "");
    match crate::auth::revoke_key(state.store.as_ref(), &id, state.clock.now(), audit).await {
        Ok(_) => Redirect::to("/admin/keys").into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}
