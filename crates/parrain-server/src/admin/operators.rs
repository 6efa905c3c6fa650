//! `/admin/operators`: who may sign in and with which role. Everyone sees
//! the list; only an owner adds an operator or changes a role (as
//! `parrain admin` does on the command line), and each change is in the
//! audit log.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use minijinja::context;
use parrain_core::email::Email;
use parrain_store::{Role, StoreError};
use serde::{Deserialize, Serialize};

use super::activities::when;
use super::audit;
use super::render;
use super::session::{Operator, OwnerForm};
use super::PageError;
use crate::password;
use crate::AppState;

pub const TEMPLATES: [(&str, &str); 1] = [(
    "operators.html",
    include_str!("../../templates/admin/operators.html"),
)];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/operators", get(list).post(create))
        .route("/admin/operators/role", post(set_role))
}

#[derive(Serialize)]
struct Row {
    email: String,
    role: &'static str,
    since: String,
    me: bool,
}

#[derive(Serialize)]
struct RoleOption {
    value: &'static str,
    label: &'static str,
}

const ROLES: [RoleOption; 3] = [
    RoleOption {
        value: "owner",
        label: "Owner: everything, including keys, webhooks and operators",
    },
    RoleOption {
        value: "editor",
        label: "Editor: offers, promo codes, reviews and fulfilment",
    },
    RoleOption {
        value: "viewer",
        label: "Viewer: reads everything, changes nothing",
    },
];

async fn draw(
    state: &AppState,
    operator: &Operator,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let operators = match state.store.operators().await {
        Ok(list) => list,
        Err(e) => return PageError::from(e).into_response(),
    };
    let rows: Vec<Row> = operators
        .into_iter()
        .map(|o| Row {
            me: o.email == operator.email(),
            role: o.role.as_str(),
            since: when(o.created_at),
            email: o.email,
        })
        .collect();
    let page = render(
        "operators.html",
        context! {
            title => "Operators",
            may => operator.rights(),
            operator => operator.email(),
            role => operator.role().as_str(),
            csrf => operator.0.csrf_token,
            rows,
            roles => ROLES,
            min_len => password::MIN_LEN,
            error,
        },
    );
    (status, page).into_response()
}

async fn list(State(state): State<AppState>, operator: Operator) -> Response {
    draw(&state, &operator, None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct NewOperator {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
}

async fn create(
    State(state): State<AppState>,
    OwnerForm(operator, form): OwnerForm<NewOperator>,
) -> Response {
    let refuse = |message: String| {
        draw(
            &state,
            &operator,
            Some(message),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let Ok(email) = Email::parse(form.email.trim()) else {
        return refuse("Enter the new operator's email address.".into()).await;
    };
    let Some(role) = Role::parse(&form.role) else {
        return refuse("Choose a role.".into()).await;
    };
    if state
        .store
        .operator(email.as_str())
        .await
        .ok()
        .flatten()
        .is_some()
    {
        return refuse(format!(
            "{} is an operator already: change the role in the list.",
            email.as_str()
        ))
        .await;
    }
    let secret = form.password;
    let hash = match tokio::task::spawn_blocking(move || password::hash(&secret)).await {
        Ok(Ok(hash)) => hash,
        Ok(Err(e)) => return refuse(e.to_string()).await,
        Err(e) => return PageError(crate::ApiError::Internal(e.to_string())).into_response(),
    };
    let now = state.clock.now();
    if let Err(e) = state.store.set_operator(&email, hash, now).await {
        return PageError::from(e).into_response();
    }
    let entry = audit::entry(
        &state,
        operator.email(),
        "operator.create",
        email.as_str(),
        role.as_str(),
    );
    if let Err(e) = state.store.set_role(email.as_str(), role, entry).await {
        return PageError::from(e).into_response();
    }
    Redirect::to("/admin/operators").into_response()
}

#[derive(Deserialize)]
pub struct RoleIn {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn set_role(
    State(state): State<AppState>,
    OwnerForm(operator, form): OwnerForm<RoleIn>,
) -> Response {
    let Some(role) = Role::parse(&form.role) else {
        let error = Some("Choose a role.".into());
        return draw(&state, &operator, error, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let had = match state.store.operator(&form.email).await {
        Ok(Some(had)) => had.role,
        Ok(None) => return PageError::not_found("operator").into_response(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let detail = format!("{} → {}", had.as_str(), role.as_str());
    let entry = audit::entry(
        &state,
        operator.email(),
        "operator.role",
        &form.email,
        &detail,
    );
    match state.store.set_role(&form.email, role, entry).await {
        Ok(_) => Redirect::to("/admin/operators").into_response(),
        Err(StoreError::Conflict { message, .. }) => {
            draw(&state, &operator, Some(message), StatusCode::CONFLICT).await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}
