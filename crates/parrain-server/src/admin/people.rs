//! `/admin/people`: builds a people filter from every filter of
//! `GET /v1/people` (each optional, all combined), shows how many people
//! match (one `COUNT` in the store over the list's own conditions, so
//! exact at any size) and the newest of them, and downloads them all as
//! CSV — the same filter, checks and export as the API.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use minijinja::context;
use parrain_core::attribution::Method;
use parrain_store::{PageRequest, PeopleFilter};
use serde::Serialize;

use super::activities::when;
use super::render;
use super::session::Operator;
use super::PageError;
use crate::error::ApiError;
use crate::routes::people::{csv_export, filter_of, PeopleQuery, CHANNELS};
use crate::AppState;

pub const TEMPLATES: [(&str, &str); 1] = [(
    "people.html",
    include_str!("../../templates/admin/people.html"),
)];

/// People listed on the page; the CSV has them all.
const SHOWN: u32 = 50;

/// The filters of `GET /v1/people`, in the form's order.
const FIELDS: [&str; 12] = [
    "signed_up_for",
    "achieved_goal_in",
    "fulfilled_in",
    "was_referred_in",
    "shared_in",
    "channel",
    "clicked_shared_link_in",
    "referred_by",
    "attributed_by",
    "since",
    "until",
    "min_count",
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/people", get(page))
        .route("/admin/people.csv", get(csv))
}

/// The query's filled-in filters, and the filter they make.
async fn read(
    state: &AppState,
    raw: Option<String>,
) -> (
    Vec<(String, String)>,
    Result<Option<PeopleFilter>, ApiError>,
) {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .filter(|(k, v)| FIELDS.contains(&k.as_ref()) && !v.trim().is_empty())
        .map(|(k, v)| (k.into_owned(), v.trim().to_owned()))
        .collect();
    if pairs.is_empty() {
        return (pairs, Ok(None));
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let filter = match serde_urlencoded::from_str::<PeopleQuery>(&query) {
        Ok(q) => filter_of(state, &q).await.map(Some),
        Err(e) => Err(ApiError::BadRequest {
            code: "invalid_field",
            message: e.to_string(),
            field: None,
        }),
    };
    (pairs, filter)
}

#[derive(Serialize)]
struct Row {
    id: String,
    email: String,
    name: String,
    since: String,
}

#[derive(Serialize)]
struct OfferOption {
    id: String,
    name: String,
}

async fn page(
    State(state): State<AppState>,
    operator: Operator,
    RawQuery(raw): RawQuery,
) -> Response {
    let (pairs, filter) = read(&state, raw).await;
    let offers = match state
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
        Ok(list) => list.items,
        Err(e) => return PageError::from(e).into_response(),
    };
    let offers: Vec<OfferOption> = offers
        .into_iter()
        .map(|o| OfferOption {
            name: o.editable().name.clone(),
            id: o.id.to_string(),
        })
        .collect();
    let chosen: std::collections::BTreeMap<String, String> = pairs.iter().cloned().collect();
    let (mut error, mut count, mut rows) = (None, 0u64, Vec::new());
    match filter {
        Err(e) => error = Some(e.message()),
        Ok(None) => {}
        Ok(Some(filter)) => {
            let newest = PageRequest {
                cursor: None,
                limit: SHOWN,
            };
            let found = tokio::try_join!(
                state.store.count_people(filter.clone()),
                state.store.list_people(filter, newest),
            );
            let (matching, newest) = match found {
                Ok(found) => found,
                Err(e) => return PageError::from(e).into_response(),
            };
            count = matching;
            rows = (newest.items.iter())
                .map(|p| Row {
                    id: p.id.to_string(),
                    email: p.email.clone(),
                    name: [p.first_name.as_deref(), p.last_name.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" "),
                    since: when(p.created_at),
                })
                .collect();
        }
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let methods: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
    render(
        "people.html",
        context! {
            title => "People",
            may => operator.rights(),
            operator => operator.email(),
            csrf => operator.0.csrf_token,
            offers,
            chosen,
            channels => CHANNELS,
            methods,
            filtered => !pairs.is_empty(),
            error,
            count,
            rows,
            query,
        },
    )
}

async fn csv(State(state): State<AppState>, _: Operator, RawQuery(raw): RawQuery) -> Response {
    match read(&state, raw).await.1 {
        Ok(Some(filter)) => match csv_export(&state, filter).await {
            Ok(response) => response,
            Err(e) => PageError(e).into_response(),
        },
        Ok(None) => PageError(ApiError::bad_field(
            "signed_up_for",
            "choose at least one filter before downloading",
        ))
        .into_response(),
        Err(e) => PageError(e).into_response(),
    }
}
