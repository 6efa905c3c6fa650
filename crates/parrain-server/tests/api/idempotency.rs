//! `Idempotency-Key` (SPEC §5.4, Stripe's semantics): replay, reuse on
//! another request, a retry while the first runs, scope per API key, and
//! the 24-hour window.

use parrain_server::{auth, idempotency};
use parrain_store::{Audit, IdempotencyClaim, KeyKind};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{error_code, expect, offer_settings, spawn_app, TestApp};

const HOUR: i64 = 60 * 60 * 1000;

async fn post_with_key(
    app: &TestApp,
    api_key: &str,
    path: &str,
    key: &str,
    body: &Value,
) -> Response {
    app.client
        .post(app.url(path))
        .bearer_auth(api_key)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn settings(name: &str) -> Value {
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 3}));
    settings["name"] = json!(name);
    settings
}

async fn offer_count(app: &TestApp) -> usize {
    app.get_ok("/v1/offers").await["data"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn the_same_key_and_body_replay_the_first_response() {
    let app = spawn_app().await;
    let first = post_with_key(&app, &app.sk, "/v1/offers", "k-1", &settings("A")).await;
    assert!(first.headers().get(idempotency::REPLAYED).is_none());
    let first = expect(first, StatusCode::CREATED).await;

    let again = post_with_key(&app, &app.sk, "/v1/offers", "k-1", &settings("A")).await;
    assert_eq!(again.headers()[idempotency::REPLAYED], "true");
    assert_eq!(again.headers()["content-type"], "application/json");
    assert_eq!(expect(again, StatusCode::CREATED).await, first);
    assert_eq!(offer_count(&app).await, 1, "the retry created nothing");
}

#[tokio::test]
async fn a_refused_request_is_replayed_as_refused() {
    let app = spawn_app().await;
    let bad = json!({"name": "A", "colour": "red"});
    let first = post_with_key(&app, &app.sk, "/v1/offers", "k-bad", &bad).await;
    let status = first.status();
    assert!(status.is_client_error());
    let first = first.json::<Value>().await.unwrap();
    let again = post_with_key(&app, &app.sk, "/v1/offers", "k-bad", &bad).await;
    assert_eq!(again.status(), status);
    assert_eq!(again.headers()[idempotency::REPLAYED], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);
}

#[tokio::test]
async fn the_same_key_with_another_body_or_path_is_422_reused() {
    let app = spawn_app().await;
    let first = post_with_key(&app, &app.sk, "/v1/offers", "k-2", &settings("A")).await;
    let offer = expect(first, StatusCode::CREATED).await;

    let other_body = post_with_key(&app, &app.sk, "/v1/offers", "k-2", &settings("B")).await;
    let body = expect(other_body, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_code(&body), "idempotency_key_reused");
    assert_eq!(body["error"]["details"]["field"], "Idempotency-Key");

    let path = format!("/v1/offers/{}/approve", offer["id"].as_str().unwrap());
    let other_path = post_with_key(&app, &app.sk, &path, "k-2", &json!({})).await;
    let body = expect(other_path, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_code(&body), "idempotency_key_reused");
    assert_eq!(offer_count(&app).await, 1);
}

#[tokio::test]
async fn a_retry_while_the_first_runs_is_409_until_the_claim_goes_stale() {
    let app = spawn_app().await;
    let caller = app
        .store
        .key_by_hash(&auth::hash_key(&app.sk))
        .await
        .unwrap()
        .unwrap();
    // Another request with this key is running: it holds the claim.
    let now = app.clock.now();
    let body = serde_json::to_vec(&settings("A")).unwrap();
    let claim = IdempotencyClaim {
        scope: caller.id.as_str().to_owned(),
        key: "k-3".into(),
        fingerprint: sha2_hex(&[b"POST\n/v1/offers\n", body.as_slice()].concat()),
        now,
        expired_before: now - idempotency::KEEP_FOR,
        stale_before: now - idempotency::STALE_AFTER,
    };
    app.store.claim_idempotency_key(claim).await.unwrap();

    let retry = post_with_key(&app, &app.sk, "/v1/offers", "k-3", &settings("A")).await;
    let error = expect(retry, StatusCode::CONFLICT).await;
    assert_eq!(error_code(&error), "idempotency_key_in_use");
    assert_eq!(offer_count(&app).await, 0);

    // The process holding it died: after a minute the claim is taken over.
    app.clock.advance(idempotency::STALE_AFTER + 1);
    let retry = post_with_key(&app, &app.sk, "/v1/offers", "k-3", &settings("A")).await;
    expect(retry, StatusCode::CREATED).await;
    assert_eq!(offer_count(&app).await, 1);
}

fn sha2_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[tokio::test]
async fn concurrent_retries_with_one_key_run_the_request_once() {
    let app = std::sync::Arc::new(spawn_app().await);
    let tries = (0..12).map(|_| {
        let app = app.clone();
        tokio::spawn(async move {
            let r = post_with_key(&app, &app.sk, "/v1/offers", "k-burst", &settings("A")).await;
            (r.status(), r.json::<Value>().await.unwrap())
        })
    });
    let mut ids = std::collections::HashSet::new();
    for answer in futures_util::future::join_all(tries).await {
        let (status, body) = answer.unwrap();
        match status {
            StatusCode::CREATED => ids.insert(body["id"].as_str().unwrap().to_owned()),
            StatusCode::CONFLICT => error_code(&body) == "idempotency_key_in_use",
            other => panic!("unexpected {other}: {body}"),
        };
    }
    assert_eq!(ids.len(), 1, "every 201 names the same offer");
    assert_eq!(offer_count(&app).await, 1);
}

#[tokio::test]
async fn keys_are_scoped_by_api_key() {
    let app = spawn_app().await;
    let (_, other) = auth::create_key(
        app.store.as_ref(),
        KeyKind::Secret,
        "other",
        app.clock.now(),
        Audit::none(),
    )
    .await
    .unwrap();
    let mine = post_with_key(&app, &app.sk, "/v1/offers", "shared", &settings("A")).await;
    let mine = expect(mine, StatusCode::CREATED).await;
    let theirs = post_with_key(&app, &other, "/v1/offers", "shared", &settings("A")).await;
    assert!(theirs.headers().get(idempotency::REPLAYED).is_none());
    let theirs = expect(theirs, StatusCode::CREATED).await;
    assert_ne!(mine["id"], theirs["id"]);
    assert_eq!(offer_count(&app).await, 2);
}

#[tokio::test]
async fn keys_are_kept_for_24_hours_then_forgotten() {
    let app = spawn_app().await;
    let first = post_with_key(&app, &app.sk, "/v1/offers", "k-day", &settings("A")).await;
    let first = expect(first, StatusCode::CREATED).await;

    app.clock.advance(23 * HOUR);
    let again = post_with_key(&app, &app.sk, "/v1/offers", "k-day", &settings("A")).await;
    assert_eq!(expect(again, StatusCode::CREATED).await, first);

    app.clock.advance(HOUR + 1);
    let later = post_with_key(&app, &app.sk, "/v1/offers", "k-day", &settings("B")).await;
    let later = expect(later, StatusCode::CREATED).await;
    assert_ne!(later["id"], first["id"]);
}

#[tokio::test]
async fn a_malformed_key_is_400_naming_the_header() {
    let app = spawn_app().await;
    let long = "k".repeat(256);
    let response = post_with_key(&app, &app.sk, "/v1/offers", &long, &settings("A")).await;
    let body = expect(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"]["details"]["field"], "Idempotency-Key");
    assert_eq!(offer_count(&app).await, 0);
}

/// A publishable key is in every page of the site: a key scoped by it
/// would hand one browser's answer to any other browser sending the same
/// Idempotency-Key. Such calls are never remembered.
#[tokio::test]
async fn a_publishable_key_s_answers_are_never_replayed_to_another_browser() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "smart_list_trigger", "count": 2}))
        .await;
    let path = format!("/v1/offers/{offer}/participants");
    let body = json!({"email": "ada@example.com"});
    let first = post_with_key(&app, &app.pk, &path, "signup-1", &body).await;
    expect(first, StatusCode::CREATED).await;

    // Another browser sends the same key: its own request runs.
    let again = post_with_key(&app, &app.pk, &path, "signup-1", &body).await;
    assert!(again.headers().get(idempotency::REPLAYED).is_none());
    expect(again, StatusCode::OK).await;
    let other = json!({"email": "bob@example.com"});
    let other = post_with_key(&app, &app.pk, &path, "signup-1", &other).await;
    assert!(other.headers().get(idempotency::REPLAYED).is_none());
    let other = expect(other, StatusCode::CREATED).await;
    assert!(other["code"].is_string(), "{other}");

    // The secret key's calls are still replayed.
    let with_sk = post_with_key(&app, &app.sk, &path, "signup-1", &body).await;
    expect(with_sk, StatusCode::OK).await;
    let replayed = post_with_key(&app, &app.sk, &path, "signup-1", &body).await;
    assert_eq!(replayed.headers()[idempotency::REPLAYED], "true");
}
