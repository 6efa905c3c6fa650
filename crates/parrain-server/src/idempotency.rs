//! `Idempotency-Key` on every state-changing `/v1` request (the layer of
//! the two `/v1` route groups, `routes::router`), with Stripe's
//! semantics (SPEC §5.4): a retry with the same key and the same request gets
//! the first response again (status and body, with `Idempotent-Replayed:
//! true`); the same key on another request is 422 `idempotency_key_reused`;
//! a retry while the first still runs is 409 `idempotency_key_in_use`.
//!
//! Keys are scoped by API key and kept [`KEEP_FOR`]. Only secret keys get
//! this: a publishable key is shared by every browser of a site, so a key
//! scoped by it would replay one visitor's answer (a participant's share
//! link, its token) to any other visitor who sends the same key. Calls with
//! a publishable key run as if they carried no key; the endpoints a page
//! calls are safe to retry as they are (a second sign-up finds the first). A response is saved
//! unless it is a 5xx: those changed nothing (each write is one
//! transaction), so the key is let go and a retry runs again. The request
//! runs in a task of its own, so a client hanging up does not leave its key
//! claimed; a claim left by a process that died is taken over after
//! [`STALE_AFTER`].

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use parrain_core::Millis;
use parrain_store::{ClaimOutcome, IdempotencyClaim, KeyKind, SavedResponse};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::{auth, AppState, MAX_BODY};

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// Set on a replayed response.
pub const REPLAYED: &str = "idempotent-replayed";
/// How long a key and its response are kept: a day, as Stripe does.
pub const KEEP_FOR: Millis = 24 * 60 * 60 * 1000;
/// After this, an unfinished claim is taken to belong to a process that died.
pub const STALE_AFTER: Millis = 60 * 1000;
/// Longest accepted key (Stripe's limit).
const MAX_KEY_LEN: usize = 255;

/// Only writes take a key: a read changes nothing, so has nothing to replay.
fn is_write(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

fn parse_key(value: &HeaderValue) -> Result<String, ApiError> {
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        return Err(ApiError::bad_field(
            "Idempotency-Key",
            format!("Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
        ));
    }
    Ok(key.to_owned())
}

fn fingerprint(method: &Method, uri: &axum::http::Uri, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_str());
    hash.update(b"\n");
    hash.update(uri.path_and_query().map_or("", |p| p.as_str()));
    hash.update(b"\n");
    hash.update(body);
    hex::encode(hash.finalize())
}

pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !is_write(request.method()) {
        return next.run(request).await;
    }
    let Some(value) = request.headers().get(HEADER) else {
        return next.run(request).await;
    };
    let key = match parse_key(value) {
        Ok(key) => key,
        Err(e) => return e.into_response(),
    };
    let (parts, body) = request.into_parts();
    let caller = match auth::authenticate(&parts, &state).await {
        Ok(caller) if caller.kind == KeyKind::Secret => caller,
        // No valid key: the handler gives its 401. A publishable key: see above.
        // Either way nothing is remembered.
        _ => return next.run(Request::from_parts(parts, body)).await,
    };
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return ApiError::PayloadTooLarge.into_response();
    };
    let now = state.clock.now();
    let claim = IdempotencyClaim {
        scope: caller.id.as_str().to_owned(),
        key,
        fingerprint: fingerprint(&parts.method, &parts.uri, &bytes),
        now,
        expired_before: now - KEEP_FOR,
        stale_before: now - STALE_AFTER,
    };
    let (scope, key) = (claim.scope.clone(), claim.key.clone());
    match state.store.claim_idempotency_key(claim).await {
        Err(e) => ApiError::from(e).into_response(),
        Ok(ClaimOutcome::Mismatch) => ApiError::Unprocessable {
            code: "idempotency_key_reused",
            message: "this Idempotency-Key was used for another request; use a new key".into(),
            details: json!({ "field": "Idempotency-Key" }),
        }
        .into_response(),
        Ok(ClaimOutcome::Running) => ApiError::Conflict {
            code: "idempotency_key_in_use",
            message: "a request with this Idempotency-Key is still running; retry later".into(),
        }
        .into_response(),
        Ok(ClaimOutcome::Replay(saved)) => replay(saved),
        Ok(ClaimOutcome::Claimed) => {
            let request = Request::from_parts(parts, Body::from(bytes));
            let run = tokio::spawn(run_claimed(state, scope, key, request, next));
            run.await.unwrap_or_else(|e| {
                ApiError::Internal(format!("idempotent request failed: {e}")).into_response()
            })
        }
    }
}

/// Runs the request that holds the key, then saves its answer or lets the key go.
async fn run_claimed(
    state: AppState,
    scope: String,
    key: String,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    let (parts, body) = response.into_parts();
    let bytes = match to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => {
            let _ = state.store.release_idempotency_key(scope, key).await;
            return ApiError::Internal(format!("response body failed: {e}")).into_response();
        }
    };
    let result = if parts.status.is_server_error() {
        state.store.release_idempotency_key(scope, key).await
    } else {
        let saved = SavedResponse {
            status: parts.status.as_u16(),
            content_type: parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body: bytes.to_vec(),
        };
        state
            .store
            .complete_idempotency_key(scope, key, saved)
            .await
    };
    if let Err(e) = result {
        // The change itself is committed; only its replay could not be kept.
        tracing::error!(error = %e, "could not save the idempotent response");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn replay(saved: SavedResponse) -> Response {
    let status = StatusCode::from_u16(saved.status).unwrap_or(StatusCode::OK);
    let mut response = (status, saved.body).into_response();
    let headers = response.headers_mut();
    headers.remove(header::CONTENT_TYPE);
    if let Some(value) = saved
        .content_type
        .and_then(|t| HeaderValue::from_str(&t).ok())
    {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}
