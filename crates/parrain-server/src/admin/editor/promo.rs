//! Promo-code uploads from the offer page: a textarea (a file picked beside
//! it is read into the textarea by the page's script, so what goes up is
//! what the operator sees). The store parses the upload exactly as
//! `PUT /v1/offers/{id}/promo-codes` does; a refused upload keeps its text
//! and lists the bad lines by number. Beside it, a pool's low-stock
//! warning is set as `PATCH /v1/offers/{id}/promo-codes` sets it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use parrain_store::{Audit, AuditEntry, PromoCounts, StoreError};
use serde::Deserialize;

use super::super::audit;
use super::super::session::CsrfForm;
use super::super::PageError;
use super::page::{not_found, parse_id, show, to_offer, Notice};
use crate::AppState;

#[derive(Deserialize)]
pub struct UploadIn {
    #[serde(default)]
    codes: String,
    /// The pool the codes go to; v1's `default` when blank.
    #[serde(default)]
    pool: String,
}

pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(operator, form): CsrfForm<UploadIn>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return not_found();
    };
    // Browsers send a textarea's line breaks as CRLF; the upload format is
    // one code per line either way.
    let text = form.codes.replace("\r\n", "\n");
    let pool = match pool_of(&form.pool) {
        Ok(pool) => pool,
        Err(refused) => return refused.into_response(),
    };
    let now = state.clock.now();
    let entry = audit::entry(
        &state,
        operator.email(),
        "promo_codes.upload",
        id.as_str(),
        "",
    );
    let audit = Audit::of(move |added: &PromoCounts| {
        let detail = format!("pool {}: {} codes available", added.pool, added.available);
        Some(AuditEntry {
            detail,
            ..entry.clone()
        })
    });
    let notice = match state
        .store
        .put_promo_codes(&id, pool, text.clone(), now, audit)
        .await
    {
        Ok(_) => return to_offer(&id, "codes"),
        Err(StoreError::PromoLines(lines)) => Notice {
            promo_text: text,
            promo_lines: lines,
            ..Notice::default()
        },
        Err(e) => return PageError::from(e).into_response(),
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

/// The pool a form names; v1's `default` when blank.
fn pool_of(field: &str) -> Result<String, PageError> {
    let pool = match field.trim() {
        "" => parrain_core::reward::DEFAULT_POOL.to_owned(),
        pool => pool.to_owned(),
    };
    if !parrain_core::reward::valid_pool(&pool) {
        return Err(PageError(crate::error::ApiError::bad_field(
            "pool",
            "pool names are 1 to 64 characters of a-z, 0-9, - and _",
        )));
    }
    Ok(pool)
}

#[derive(Deserialize)]
pub struct LowStockIn {
    #[serde(default)]
    pool: String,
    /// Blank removes the warning.
    #[serde(default)]
    low_stock: String,
}

pub async fn low_stock(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(operator, form): CsrfForm<LowStockIn>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return not_found();
    };
    let pool = match pool_of(&form.pool) {
        Ok(pool) => pool,
        Err(refused) => return refused.into_response(),
    };
    let low_stock = match form.low_stock.trim() {
        "" => None,
        text => match text.parse::<i64>().map_err(|_| {
            format!(
                "low_stock is a count of codes from 1 to {} (blank for no warning)",
                parrain_core::promo::MAX_LOW_STOCK
            )
        }) {
            Ok(n) => match parrain_core::promo::check_low_stock(n) {
                Ok(n) => Some(n),
                Err(message) => return bad_low_stock(message),
            },
            Err(message) => return bad_low_stock(message),
        },
    };
    let now = state.clock.now();
    let entry = audit::entry(
        &state,
        operator.email(),
        "promo_codes.low_stock",
        id.as_str(),
        "",
    );
    let audit = Audit::of(move |counts: &PromoCounts| {
        Some(AuditEntry {
            detail: crate::routes::offers::low_stock_detail(counts),
            ..entry.clone()
        })
    });
    match state
        .store
        .set_low_stock(&id, pool, low_stock, now, audit)
        .await
    {
        Ok(_) => to_offer(&id, "low_stock"),
        Err(e) => PageError::from(e).into_response(),
    }
}

fn bad_low_stock(message: String) -> Response {
    PageError(crate::error::ApiError::bad_field("low_stock", message)).into_response()
}
