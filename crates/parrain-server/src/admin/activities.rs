//! The activity feed: everything that happened, newest first, for every
//! offer (`/admin/activities`) or one (`/admin/offers/{id}/activities`),
//! filtered by type, a page at a time. It reads the same log as
//! `GET /v1/activities`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use minijinja::context;
use parrain_core::activity::ActivityType;
use parrain_core::ids::OfferId;
use parrain_core::Millis;
use parrain_store::{Activity, ActivityFilter, PageRequest};
use serde::{Deserialize, Serialize};

use super::render;
use super::session::Operator;
use super::PageError;
use crate::views::ts;
use crate::AppState;

pub const TEMPLATES: [(&str, &str); 2] = [
    (
        "activities.html",
        include_str!("../../templates/admin/activities.html"),
    ),
    ("tabs.html", include_str!("../../templates/admin/tabs.html")),
];

/// Activities shown per page.
const PAGE: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/activities", get(global))
        .route("/admin/offers/{id}/activities", get(of_offer))
}

/// A time as people read it: `2026-11-29 20:14 UTC`.
pub fn when(millis: Millis) -> String {
    let iso = ts(millis);
    match (iso.get(..10), iso.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => iso,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FeedQuery {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    cursor: String,
}

#[derive(Serialize)]
struct Row {
    when: String,
    kind: &'static str,
    offer_id: Option<String>,
    offer_name: Option<String>,
    participant_id: Option<String>,
    who: Option<String>,
    details: String,
}

/// The details as a short line of `key: value` pairs.
fn summary(details: &serde_json::Value) -> String {
    let Some(map) = details.as_object() else {
        return String::new();
    };
    let line = map
        .iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => format!("{k}: {s}"),
            other => format!("{k}: {other}"),
        })
        .collect::<Vec<_>>()
        .join(" · ");
    if line.chars().count() > 160 {
        format!("{}…", line.chars().take(160).collect::<String>())
    } else {
        line
    }
}

async fn global(
    State(state): State<AppState>,
    operator: Operator,
    Query(q): Query<FeedQuery>,
) -> Response {
    feed(&state, operator, None, q).await
}

async fn of_offer(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
    Query(q): Query<FeedQuery>,
) -> Response {
    match OfferId::parse(&id) {
        Ok(id) => feed(&state, operator, Some(id), q).await,
        Err(_) => PageError::not_found("offer").into_response(),
    }
}

async fn feed(
    state: &AppState,
    operator: Operator,
    offer: Option<OfferId>,
    q: FeedQuery,
) -> Response {
    let kind = ActivityType::parse(&q.kind);
    let error = (kind.is_none() && !q.kind.is_empty())
        .then(|| format!("There is no activity type “{}”.", q.kind));
    // Offer names, to say which offer each activity belongs to.
    let names: HashMap<String, String> = match state
        .store
        .list_offers(
            None,
            PageRequest {
                cursor: None,
                limit: 500,
            },
        )
        .await
    {
        Ok(list) => list
            .items
            .iter()
            .map(|o| (o.id.to_string(), o.editable().name.clone()))
            .collect(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let offer_name = match &offer {
        Some(id) => match state.store.offer(id).await {
            Ok(o) => Some(o.editable().name.clone()),
            Err(e) => return PageError::from(e).into_response(),
        },
        None => None,
    };
    let cursor = Some(q.cursor.clone()).filter(|c| !c.is_empty());
    let filter = ActivityFilter {
        offer_id: offer.clone(),
        kind,
        ..ActivityFilter::default()
    };
    let page = PageRequest {
        cursor: cursor.clone(),
        limit: PAGE,
    };
    let list = match state.store.list_activities(filter, page).await {
        Ok(list) => list,
        Err(e) => return PageError::from(e).into_response(),
    };
    let rows: Vec<Row> = list
        .items
        .into_iter()
        .map(|a: Activity| Row {
            when: when(a.occurred_at),
            kind: a.kind.as_str(),
            offer_name: a
                .offer_id
                .as_ref()
                .and_then(|o| names.get(o.as_str()).cloned()),
            offer_id: a.offer_id.map(|o| o.to_string()),
            participant_id: a.participant_id.map(|p| p.to_string()),
            who: a.details["email"].as_str().map(str::to_owned),
            details: summary(&a.details),
        })
        .collect();
    let link = |cursor: Option<&str>| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(kind) = kind {
            query.append_pair("type", kind.as_str());
        }
        if let Some(cursor) = cursor {
            query.append_pair("cursor", cursor);
        }
        query.finish()
    };
    let types: Vec<&str> = ActivityType::ALL.iter().map(|t| t.as_str()).collect();
    let action = match &offer {
        Some(id) => format!("/admin/offers/{id}/activities"),
        None => "/admin/activities".into(),
    };
    render(
        "activities.html",
        context! {
            title => "Activities",
            may => operator.rights(),
            operator => operator.0.email,
            csrf => operator.0.csrf_token,
            offer_id => offer.map(|o| o.to_string()),
            offer_name,
            action,
            types,
            kind => kind.map(|k| k.as_str()),
            rows,
            next => list.next_cursor.as_deref().map(|c| link(Some(c))),
            first => cursor.is_some().then(|| link(None)),
            error,
        },
    )
}
