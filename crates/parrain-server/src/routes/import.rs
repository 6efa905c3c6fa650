//! `POST /v1/offers/{id}/participants/import`: participants brought from
//! another program as a CSV file (SPEC §13), the API side of `parrain
//! import`. All or nothing; a bad line is reported by number.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use parrain_core::ids::OfferId;
use parrain_store::{import_csv, Imported};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::path_id;
use crate::auth::SecretKey;
use crate::error::ApiResult;
use crate::extract::{ApiQuery, Upload};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import))
}

/// The file: CSV (or a file), UTF-8, with a header line.
const PARTICIPANTS: Upload = Upload {
    types: &["text/csv", "text/plain", "application/octet-stream"],
    wrong_type: "send the participants as text/csv (or a file, application/octet-stream)",
    not_text: "the file must be UTF-8 text",
    empty: "the file is empty: send a header line (with `email`) and one line per participant",
};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ImportQuery {
    /// Check the file and say what it would do; write nothing.
    #[serde(default)]
    dry_run: bool,
}

/// What an import did, or with `dry_run` would do.
#[derive(Serialize, ToSchema)]
pub struct ImportedOut {
    /// Lines read, without the header.
    pub rows: u64,
    /// Participants created.
    pub created: u64,
    /// Lines whose person already takes part in the offer, left as they were
    /// (importing the same file again gives only these).
    pub unchanged: u64,
    /// People new to parrain among those created.
    pub new_people: u64,
    /// True when nothing was written.
    pub dry_run: bool,
}

impl From<Imported> for ImportedOut {
    fn from(i: Imported) -> Self {
        Self {
            rows: i.rows,
            created: i.created,
            unchanged: i.unchanged,
            new_people: i.new_people,
            dry_run: i.dry_run,
        }
    }
}

/// Imports participants from a CSV file (`text/csv`), with a header line.
/// Columns: `email` (required), `first_name`, `last_name`, `code` (a share
/// code to keep, so links already shared keep working), `referred_by` (the
/// referrer's email, in the file or already in the offer), `credit`,
/// `fulfilled` (true/false), `promo_code` (handed out already; never handed
/// out again), `created_at` (RFC 3339, or `YYYY-MM-DD[ HH:MM:SS]` in UTC),
/// and the offer's person fields. Everything or nothing is imported: any bad
/// line, a share code another participant has, or a promo code already
/// handed out refuses the whole file (422, `details.lines` lists each line
/// with its number, column and reason). A person already in the offer is
/// left as is, so the same file imported again changes nothing. No email or
/// webhook goes out for imported participants. Bodies are limited to 4 MiB
/// (about 50,000 lines); `parrain import` takes files of any size.
#[utoipa::path(post, path = "/v1/offers/{id}/participants/import", tag = "participants",
    params(ImportQuery),
    request_body(description = "The participants, one per line after a header (UTF-8 CSV)",
        content((String = "text/csv", example = "email,first_name,code,referred_by,credit,fulfilled,promo_code\nana@example.com,Ana,ana-2019,,2,true,SPRING-001\nbob@example.com,Bob,,ana@example.com,0,false,\n"),
            (String = "application/octet-stream"))),
    responses((status = 200, body = ImportedOut), (status = 400), (status = 404),
        (status = 409, description = "The offer is archived"),
        (status = 422, description = "Lines refused, in `details.lines`")))]
async fn import(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ImportQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<ImportedOut>)> {
    let id = path_id!(OfferId, id, "offer");
    let body = PARTICIPANTS.read(&headers, body)?;
    let now = state.clock.now();
    let done = import_csv(
        state.store.as_ref(),
        &id,
        body.as_bytes(),
        query.dry_run,
        Arc::new(|_| {}),
        now,
    )
    .await?;
    Ok((StatusCode::OK, Json(done.into())))
}
