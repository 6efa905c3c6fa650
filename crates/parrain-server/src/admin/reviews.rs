//! `/admin/reviews`: the fraud review queue. Credits a fraud rule held wait
//! here, oldest first, for an operator to approve (the credit counts and may
//! reach the goal) or reject (it never counts) — the store's decision flow,
//! the same as `POST /v1/reviews/{id}/approve|reject`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use minijinja::context;
use parrain_store::{PageRequest, Review};
use serde::{Deserialize, Serialize};

use super::activities::when;
use super::render;
use super::session::{CsrfForm, NoFields, Operator};
use super::PageError;
use crate::error::ApiError;
use crate::AppState;

pub const TEMPLATES: [(&str, &str); 1] = [(
    "reviews.html",
    include_str!("../../templates/admin/reviews.html"),
)];

/// Reviews shown per page.
const PAGE: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/reviews", get(list))
        .route("/admin/reviews/{id}/{decision}", post(decide))
}

#[derive(Serialize)]
struct Row {
    id: String,
    offer_id: String,
    offer_name: Option<String>,
    referrer: String,
    friend: String,
    reasons: Vec<String>,
    created: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    cursor: String,
    #[serde(default)]
    decided: String,
}

async fn draw(
    state: &AppState,
    operator: Operator,
    cursor: Option<String>,
    decided: Option<&str>,
    error: Option<String>,
) -> Response {
    let page = PageRequest {
        cursor: cursor.clone(),
        limit: PAGE,
    };
    let list = match state.store.list_reviews(None, page).await {
        Ok(list) => list,
        Err(e) => return PageError::from(e).into_response(),
    };
    let offers = PageRequest {
        cursor: None,
        limit: 500,
    };
    let names: HashMap<String, String> = match state.store.list_offers(None, offers).await {
        Ok(list) => list
            .items
            .iter()
            .map(|o| (o.id.to_string(), o.editable().name.clone()))
            .collect(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let mut rows = Vec::with_capacity(list.items.len());
    for r in list.items {
        rows.push(row(state, r, &names).await);
    }
    let next = list.next_cursor.map(|c| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("cursor", &c).finish()
    });
    render(
        "reviews.html",
        context! {
            title => "Review queue",
            may => operator.rights(),
            operator => operator.0.email,
            csrf => operator.0.csrf_token,
            rows,
            next,
            first => cursor.is_some(),
            decided,
            error,
        },
    )
}

async fn row(state: &AppState, r: Review, names: &HashMap<String, String>) -> Row {
    let referrer = match state.store.participant(&r.participant_id).await {
        Ok(detail) => detail.participant.email,
        Err(_) => r.participant_id.to_string(),
    };
    let reasons = r
        .reasons
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Row {
        offer_name: names.get(r.offer_id.as_str()).cloned(),
        offer_id: r.offer_id.to_string(),
        referrer,
        friend: r
            .friend_person_id
            .or(r.friend_visitor_id)
            .unwrap_or_else(|| "—".into()),
        reasons,
        created: when(r.created_at),
        id: r.id,
    }
}

async fn list(
    State(state): State<AppState>,
    operator: Operator,
    Query(q): Query<ListQuery>,
) -> Response {
    let cursor = Some(q.cursor).filter(|c| !c.is_empty());
    let decided = match q.decided.as_str() {
        "approved" => Some("approved"),
        "rejected" => Some("rejected"),
        _ => None,
    };
    draw(&state, operator, cursor, decided, None).await
}

async fn decide(
    State(state): State<AppState>,
    Path((id, decision)): Path<(String, String)>,
    CsrfForm(operator, NoFields {}): CsrfForm<NoFields>,
) -> Response {
    let approve = match decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return PageError::not_found("decision").into_response(),
    };
    let action = if approve {
        "review.approve"
    } else {
        "review.reject"
    };
    let audit = super::audit::by(&state, &operator, action, &id, "");
    match state
        .store
        .decide_review(&id, approve, state.clock.now(), audit)
        .await
    {
        Ok(review) => {
            Redirect::to(&format!("/admin/reviews?decided={}", review.state)).into_response()
        }
        Err(e) => {
            let message = ApiError::from(e).message();
            draw(&state, operator, None, None, Some(message)).await
        }
    }
}
