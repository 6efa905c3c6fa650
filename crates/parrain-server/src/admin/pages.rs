//! The pages behind sign-in. For now: the offers list with each status.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use minijinja::context;
use parrain_store::PageRequest;
use serde::Serialize;

use super::render;
use super::session::Operator;
use super::PageError;
use crate::views::ts;
use crate::AppState;

#[derive(Serialize)]
struct OfferRow {
    id: String,
    name: String,
    status: &'static str,
    participants: i64,
    created: String,
}

/// `/admin`: every offer, newest first (the first 500).
pub async fn offers(State(state): State<AppState>, operator: Operator) -> Response {
    let page = PageRequest {
        cursor: None,
        limit: 500,
    };
    let list = match state.store.list_offers(None, page).await {
        Ok(list) => list,
        Err(e) => return PageError::from(e).into_response(),
    };
    let offers: Vec<OfferRow> = list
        .items
        .into_iter()
        .map(|o| OfferRow {
            name: o.editable().name.clone(),
            id: o.id.to_string(),
            status: o.status.as_str(),
            participants: o.participants,
            created: ts(o.created_at).chars().take(10).collect(),
        })
        .collect();
    render(
        "offers.html",
        context! {
            title => "Offers",
            operator => operator.0.email,
            csrf => operator.0.csrf_token,
            offers,
        },
    )
}
