//! Promo-code uploads from the offer page: a textarea (a file picked beside
//! it is read into the textarea by the page's script, so what goes up is
//! what the operator sees). The store parses the upload exactly as
//! `PUT /v1/offers/{id}/promo-codes` does; a refused upload keeps its text
//! and lists the bad lines by number.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use parrain_store::StoreError;
use serde::Deserialize;

use super::super::forbidden;
use super::super::session::Operator;
use super::page::{not_found, parse_id, show, to_offer, Notice};
use crate::error::ApiError;
use crate::AppState;

#[derive(Deserialize)]
pub struct UploadIn {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    codes: String,
}

pub async fn upload(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
    Form(form): Form<UploadIn>,
) -> Response {
    if !operator.csrf_ok(&form.csrf) {
        return forbidden();
    }
    let Some(id) = parse_id(&id) else {
        return not_found();
    };
    // Browsers send a textarea's line breaks as CRLF; the upload format is
    // one code per line either way.
    let text = form.codes.replace("\r\n", "\n");
    let notice = match state.store.put_promo_codes(&id, text.clone()).await {
        Ok(_) => return to_offer(&id, "codes"),
        Err(StoreError::PromoLines(lines)) => Notice {
            promo_text: text,
            promo_lines: lines,
            ..Notice::default()
        },
        Err(e) => return ApiError::from(e).into_response(),
    };
    show(
        &state,
        &operator,
        &id,
        notice,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
