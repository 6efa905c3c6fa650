//! `/admin`: the offers list, each offer with its headline figures and a
//! 30-day sparkline of its referred sign-ups; filtered by status
//! (`?status=`) and searched by name or id (`?q=`).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use parrain_core::offer::OfferStatus;
use parrain_store::PageRequest;
use serde::{Deserialize, Serialize};

use super::headline::{self, Figure};
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
    figures: Vec<Figure>,
    /// The referred sign-ups' sparkline.
    spark: Option<String>,
    /// Pools below their low-stock warning.
    low_pools: Vec<String>,
}

#[derive(Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
}

#[derive(Serialize)]
struct StatusTab {
    href: String,
    label: &'static str,
    current: bool,
}

/// `/admin`: the offers, newest first (the first 500 of the status).
pub async fn offers(
    State(state): State<AppState>,
    operator: Operator,
    Query(query): Query<ListQuery>,
) -> Response {
    let status = OfferStatus::parse(&query.status);
    let page = PageRequest {
        cursor: None,
        limit: 500,
    };
    let list = match state.store.list_offers(status, page).await {
        Ok(list) => list,
        Err(e) => return PageError::from(e).into_response(),
    };
    let needle = query.q.trim().to_lowercase();
    let today = state.clock.now().div_euclid(86_400_000);
    let mut offers = Vec::new();
    for o in list.items {
        let name = o.editable().name.clone();
        let id = o.id.to_string();
        if !needle.is_empty() && !name.to_lowercase().contains(&needle) && !id.contains(&needle) {
            continue;
        }
        let (figures, left, low_pools) = match headline::read(&state, &o.id).await {
            Ok(read) => read,
            Err(e) => return e.into_response(),
        };
        let mut figures = headline::figures(&figures, left, today);
        let spark = figures
            .iter_mut()
            .find(|f| f.key == "referred_sign_ups")
            .and_then(|f| f.spark.take());
        for f in &mut figures {
            f.spark = None;
        }
        offers.push(OfferRow {
            name,
            id,
            status: o.status.as_str(),
            participants: o.participants,
            created: ts(o.created_at).chars().take(10).collect(),
            figures,
            spark,
            low_pools,
        });
    }
    let query_text = query.q.trim();
    let tabs: Vec<StatusTab> = [
        ("", "All"),
        ("approved", "Live"),
        ("draft", "Draft"),
        ("unapproved", "Offline"),
        ("archived", "Archived"),
    ]
    .into_iter()
    .map(|(value, label)| StatusTab {
        href: {
            let mut query = form_urlencoded::Serializer::new(String::new());
            if !value.is_empty() {
                query.append_pair("status", value);
            }
            if !query_text.is_empty() {
                query.append_pair("q", query_text);
            }
            match query.finish() {
                q if q.is_empty() => "/admin".to_owned(),
                q => format!("/admin?{q}"),
            }
        },
        label,
        current: status.map_or("", OfferStatus::as_str) == value,
    })
    .collect();
    render(
        "offers.html",
        context! {
            title => "Offers",
            may => operator.rights(),
            operator => operator.0.email,
            csrf => operator.0.csrf_token,
            offers,
            tabs,
            status => status.map_or("", OfferStatus::as_str),
            q => query.q,
        },
    )
}
