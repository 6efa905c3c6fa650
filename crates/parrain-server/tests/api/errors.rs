//! Every error status of SPEC §5, in the documented JSON shape.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_code, expect, offer_settings, spawn_app};

#[tokio::test]
async fn malformed_bodies_and_unknown_fields_are_400_naming_the_field() {
    let app = spawn_app().await;
    let raw = app
        .client
        .post(app.url("/v1/offers"))
        .bearer_auth(&app.sk)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let body = expect(raw, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_code(&body), "malformed_json");

    let mut unknown = offer_settings(json!({"count": 1}));
    unknown["goal"]["cout"] = json!(3);
    let body = expect(
        app.post("/v1/offers", &app.sk, &unknown).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body["error"]["details"]["field"], "goal.cout");
    assert!(body["error"]["message"].as_str().unwrap().contains("cout"));

    let offer = app.live_offer(json!({"count": 1})).await;
    let body = expect(
        app.sign_up(&offer, json!({"email": "not-an-email"})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body["error"]["details"]["field"], "email");
    let body = expect(
        app.sign_up(&offer, json!({"email": "a@example.com", "referer": "x"}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("referer"));
    let body = expect(
        app.get("/v1/offers?limit=501").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body["error"]["details"]["field"], "limit");
    let body = expect(
        app.get("/v1/offers?colour=red").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("colour"));
    let body = expect(
        app.get("/v1/activities?cursor=garbage").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body["error"]["details"]["field"], "cursor");
}

#[tokio::test]
async fn keys_are_required_checked_and_scoped() {
    let app = spawn_app().await;
    let none = app.client.get(app.url("/v1/offers")).send().await.unwrap();
    assert_eq!(
        error_code(&expect(none, StatusCode::UNAUTHORIZED).await),
        "unauthorized"
    );
    let wrong = app
        .client
        .get(app.url("/v1/offers"))
        .bearer_auth("sk_nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let publishable = app
        .client
        .get(app.url("/v1/offers"))
        .bearer_auth(&app.pk)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(&expect(publishable, StatusCode::FORBIDDEN).await),
        "forbidden"
    );
    // A publishable key in the query string works for tracking only.
    let offer = app
        .live_offer(json!({"type": "referred_visits", "count": 1}))
        .await;
    let beacon = app
        .client
        .post(app.url(&format!("/v1/track/visit?key={}", app.pk)))
        .header("content-type", "text/plain;charset=UTF-8")
        .body(json!({"offer_id": offer, "visitor_id": "vis_0000000000000000beac"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(beacon.status(), StatusCode::OK);
    let sneaky = app
        .client
        .get(app.url(&format!("/v1/offers?key={}", app.sk)))
        .send()
        .await
        .unwrap();
    assert_eq!(sneaky.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_ids_are_404_and_state_conflicts_409_and_invalid_settings_422() {
    let app = spawn_app().await;
    let missing = expect(
        app.get("/v1/offers/off_00000000000000000000").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(error_code(&missing), "not_found");
    assert_eq!(
        app.get("/v1/participants/nonsense").await.status(),
        StatusCode::NOT_FOUND
    );
    let share = app
        .post(
            "/v1/track/share",
            &app.pk,
            &json!({"code": "zzzzzzzzzz", "channel": "x"}),
        )
        .await;
    assert_eq!(share.status(), StatusCode::NOT_FOUND);

    let draft = app.create_offer(&json!({"name": "Draft"})).await;
    let id = draft["id"].as_str().unwrap();
    let conflict = expect(
        app.post(&format!("/v1/offers/{id}/unapprove"), &app.sk, &json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(error_code(&conflict), "not_approved");
    let invalid = expect(app.approve(id).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_code(&invalid), "invalid_settings");
}

#[tokio::test]
async fn cors_is_open_only_where_web_pages_call() {
    let app = spawn_app().await;
    let preflight = |path: &str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url(path))
            .header("origin", "https://shop.example.com")
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
    };
    // The sign-up shares its path with the secret-key list of participants.
    for path in ["/v1/track/visit", "/v1/offers/off_any/participants"] {
        let open = preflight(path).await.unwrap();
        let allowed = open.headers().get("access-control-allow-origin");
        assert_eq!(allowed.unwrap(), "https://shop.example.com", "{path}");
    }
    for path in ["/v1/offers", "/v1/webhooks", "/no/such/path"] {
        let closed = preflight(path).await.unwrap();
        let allowed = closed.headers().get("access-control-allow-origin");
        assert!(allowed.is_none(), "{path}");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/v1/offers",
        "/v1/offers/{id}/approve",
        "/v1/offers/{id}/participants",
        "/v1/track/visit",
        "/v1/events",
        "/v1/activities",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    let health: serde_json::Value = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
}

#[tokio::test]
async fn public_endpoints_are_rate_limited_per_client_ip() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.rate_limit = Some(parrain_server::limit::RateLimit {
            per_second: 1,
            burst: 3,
        })
    })
    .await;
    let offer = app
        .live_offer(json!({"type": "referred_visits", "count": 1}))
        .await;
    let visit = json!({"offer_id": offer, "visitor_id": "vis_00000000000000000001"});
    for _ in 0..3 {
        assert_eq!(
            app.post("/v1/track/visit", &app.pk, &visit).await.status(),
            StatusCode::OK
        );
    }
    let limited = app.post("/v1/track/visit", &app.pk, &visit).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    assert_eq!(
        error_code(&expect(limited, StatusCode::TOO_MANY_REQUESTS).await),
        "rate_limited"
    );
    // Operators' calls with a secret key are not counted against the page's visitors.
    assert_eq!(
        app.get(&format!("/v1/offers/{offer}")).await.status(),
        StatusCode::OK
    );
    // Security headers come with every answer.
    let page = app.follow("zzzzzzzzzz", None).await;
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_and_changes_nothing() {
    let app = spawn_app().await;
    let mut settings = offer_settings(json!({"count": 1}));
    settings["name"] = json!("x".repeat(parrain_server::MAX_BODY));
    let response = app.post("/v1/offers", &app.sk, &settings).await;
    let body = expect(response, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(error_code(&body), "payload_too_large");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("4 MiB"),
        "{body}"
    );
    let offers = app
        .get("/v1/offers")
        .await
        .json::<serde_json::Value>()
        .await;
    assert_eq!(offers.unwrap()["data"], json!([]));
    // Under the limit the body is read, and its over-long name refused by field.
    settings["name"] = json!("x".repeat(3 * 1024 * 1024));
    let response = app.post("/v1/offers", &app.sk, &settings).await;
    let body = expect(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"]["details"]["field"], "name", "{body}");
}
