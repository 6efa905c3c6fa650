//! Triggers: signed webhook deliveries to a real HTTP receiver, verified
//! with the Standard Webhooks reference crate.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_code, expect, spawn_app, spawn_app_with, TestApp};
use crate::receiver::Receiver;

async fn create_webhook(app: &TestApp, body: Value) -> Value {
    app.post_ok("/v1/webhooks", &body, StatusCode::CREATED)
        .await
}

fn verify(secret: &str, request: &crate::receiver::Request) -> Value {
    let wh = standardwebhooks::Webhook::new(secret).unwrap();
    wh.verify(&request.body, &request.headers)
        .expect("the signature verifies");
    serde_json::from_slice(&request.body).unwrap()
}

#[tokio::test]
async fn deliveries_are_signed_retried_after_a_500_logged_and_replayable() {
    // Arrange
    let app = spawn_app_with(|c| {
        c.allow_private_webhooks = true;
        c.outbound.webhook_retry_schedule = vec![Duration::from_millis(200); 3];
    })
    .await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await;
    let other_offer = app
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await;
    let receiver = Receiver::start(&[500]).await;
    let hook = create_webhook(
        &app,
        json!({"url": receiver.url, "events": ["signs_up_for_referral_offer"]}),
    )
    .await;
    let secret = hook["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));
    // Two endpoints whose filters exclude this sign-up: another event, another offer.
    let wrong_event = Receiver::start(&[]).await;
    create_webhook(
        &app,
        json!({"url": wrong_event.url, "events": ["offer_fulfilled"]}),
    )
    .await;
    let wrong_offer = Receiver::start(&[]).await;
    create_webhook(
        &app,
        json!({"url": wrong_offer.url, "events": ["signs_up_for_referral_offer"], "offer_id": other_offer}),
    )
    .await;

    // Act
    let alice = app.participant(&offer, "alice@example.com").await;
    let requests = receiver.wait_for(2).await;

    // Assert: a 500, then the same message again, both correctly signed.
    assert_eq!(requests.len(), 2);
    let first = verify(secret, &requests[0]);
    verify(secret, &requests[1]);
    assert_eq!(
        requests[0].headers["webhook-id"],
        requests[1].headers["webhook-id"]
    );
    assert_eq!(first["type"], "signs_up_for_referral_offer");
    assert_eq!(first["data"]["participant_id"], alice["id"]);
    assert_eq!(first["data"]["offer_id"], offer.as_str());
    app.drain().await;
    assert!(wrong_event.requests().is_empty());
    assert!(wrong_offer.requests().is_empty());

    // The delivery log shows both attempts.
    let id = hook["id"].as_str().unwrap();
    let log = app.get_ok(&format!("/v1/webhooks/{id}/deliveries")).await;
    let deliveries = log["data"].as_array().unwrap();
    assert_eq!(deliveries.len(), 1);
    let delivery = &deliveries[0];
    assert_eq!(delivery["state"], "succeeded");
    assert_eq!(
        delivery["id"],
        requests[0].headers["webhook-id"].to_str().unwrap()
    );
    let statuses: Vec<_> = delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].clone())
        .collect();
    assert_eq!(statuses, [json!(500), json!(200)]);
    assert!(delivery["attempts"][0]["latency_ms"].is_number());

    // Replay sends the same message once more.
    let message = delivery["id"].as_str().unwrap();
    let replay = app
        .post(
            &format!("/v1/webhooks/{id}/deliveries/{message}/replay"),
            &app.sk,
            &json!({}),
        )
        .await;
    expect(replay, StatusCode::ACCEPTED).await;
    let requests = receiver.wait_for(3).await;
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[2].headers["webhook-id"], message);
    verify(secret, &requests[2]);
}

#[tokio::test]
async fn an_endpoint_answering_410_gone_is_disabled() {
    let app = spawn_app_with(|c| c.allow_private_webhooks = true).await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await;
    let receiver = Receiver::start(&[410]).await;
    let hook = create_webhook(
        &app,
        json!({"url": receiver.url, "events": ["signs_up_for_referral_offer"]}),
    )
    .await;
    let id = hook["id"].as_str().unwrap();

    app.participant(&offer, "alice@example.com").await;
    app.drain().await;
    assert_eq!(receiver.requests().len(), 1);
    app.participant(&offer, "bob@example.com").await;
    app.drain().await;

    let endpoint = app.get_ok(&format!("/v1/webhooks/{id}")).await;
    assert_eq!(endpoint["enabled"], false);
    assert!(endpoint["disabled_reason"]
        .as_str()
        .unwrap()
        .contains("410"));
    assert_eq!(receiver.requests().len(), 1);
}

/// Addresses that reach inside by another road: IPv4-compatible and
/// IPv4-mapped IPv6, NAT64, 6to4 around a private address, the old
/// site-local block, IETF's 192.0.0.0/24. Each is refused when saved, and
/// nothing is written; a 6to4 address around a public one is accepted.
#[tokio::test]
async fn webhooks_to_internal_addresses_in_disguise_are_refused_at_save_time() {
    let app = spawn_app().await;
    for url in [
        "http://[::127.0.0.1]:9/hooks",
        "http://[::ffff:127.0.0.1]:9/hooks",
        "http://[64:ff9b::7f00:1]/hooks",
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
        "http://[2002:7f00:1::1]/hooks",
        "http://[2002:c0a8:101::]/hooks",
        "http://[fec0::1]/hooks",
        "http://192.0.0.170/hooks",
        "http://[2001::1]/hooks",
        "http://100.100.100.200/latest",
    ] {
        let saved = app
            .post(
                "/v1/webhooks",
                &app.sk,
                &json!({"url": url, "events": ["offer_fulfilled"]}),
            )
            .await;
        let body = expect(saved, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["error"]["details"]["field"], "url", "{url}: {body}");
    }
    assert_eq!(app.get_ok("/v1/webhooks").await["data"], json!([]));
    let public = json!({"url": "https://[2002:5db8:d70e::1]/hooks", "events": ["offer_fulfilled"]});
    app.post_ok("/v1/webhooks", &public, StatusCode::CREATED)
        .await;
}

#[tokio::test]
async fn webhooks_are_refused_for_private_addresses_and_unknown_events() {
    let app = spawn_app().await;

    let private = app
        .post(
            "/v1/webhooks",
            &app.sk,
            &json!({"url": "http://127.0.0.1:9/hooks", "events": ["offer_fulfilled"]}),
        )
        .await;
    let body = expect(private, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"]["details"]["field"], "url");

    let unknown = app
        .post(
            "/v1/webhooks",
            &app.sk,
            &json!({"url": "https://93.184.215.14/hooks", "events": ["bought_a_boat"]}),
        )
        .await;
    let body = expect(unknown, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_code(&body), "invalid_field");
    assert_eq!(body["error"]["details"]["field"], "events[0]");
}

#[tokio::test]
async fn endpoints_can_be_listed_updated_rotated_and_deleted() {
    let app = spawn_app_with(|c| c.allow_private_webhooks = true).await;
    let hook = create_webhook(
        &app,
        json!({"url": "http://127.0.0.1:9/a", "events": ["offer_fulfilled"]}),
    )
    .await;
    let id = hook["id"].as_str().unwrap();

    let list = app.get_ok("/v1/webhooks").await;
    assert_eq!(list["data"][0]["id"], id);
    assert!(list["data"][0].get("secret").is_none());
    let patched = app
        .patch(
            &format!("/v1/webhooks/{id}"),
            &json!({"events": ["email.sent"], "enabled": false}),
        )
        .await;
    let patched = expect(patched, StatusCode::OK).await;
    assert_eq!(patched["events"], json!(["email.sent"]));
    assert_eq!(patched["enabled"], false);
    let rotated = app
        .post_ok(
            &format!("/v1/webhooks/{id}/rotate-secret"),
            &json!({}),
            StatusCode::OK,
        )
        .await;
    assert_ne!(rotated["secret"], hook["secret"]);
    expect(
        app.delete(&format!("/v1/webhooks/{id}")).await,
        StatusCode::NO_CONTENT,
    )
    .await;
    expect(
        app.get(&format!("/v1/webhooks/{id}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn each_change_to_an_endpoint_applies_from_the_next_activity() {
    let app = spawn_app_with(|c| c.allow_private_webhooks = true).await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await;
    let other = app
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await;
    let receiver = Receiver::start(&[200]).await;
    let hook = create_webhook(
        &app,
        json!({"url": receiver.url, "events": ["signs_up_for_referral_offer"]}),
    )
    .await;
    let path = format!("/v1/webhooks/{}", hook["id"].as_str().unwrap());
    let patch = |body: Value| {
        let (app, path) = (&app, &path);
        async move { expect(app.patch(path, &body).await, StatusCode::OK).await }
    };

    let ana = app.participant(&offer, "ana@example.com").await;
    receiver.wait_for(1).await;
    patch(json!({"events": ["offer_fulfilled"]})).await;
    app.participant(&offer, "bob@example.com").await;
    patch(json!({"events": ["signs_up_for_referral_offer"], "offer_id": other})).await;
    app.participant(&offer, "cid@example.com").await;
    let dee = app.participant(&other, "dee@example.com").await;
    receiver.wait_for(2).await;
    patch(json!({"enabled": false})).await;
    app.participant(&other, "eve@example.com").await;
    expect(app.delete(&path).await, StatusCode::NO_CONTENT).await;
    // An activity after the delete is still recorded, with nowhere to go.
    app.participant(&other, "fay@example.com").await;
    app.drain().await;

    let delivered: Vec<Value> = receiver
        .requests()
        .iter()
        .map(|r| verify(hook["secret"].as_str().unwrap(), r)["data"]["participant_id"].clone())
        .collect();
    assert_eq!(delivered, vec![ana["id"].clone(), dee["id"].clone()]);
}
