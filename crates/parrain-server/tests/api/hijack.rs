//! Attribution hijack (SPEC §12): the publishable key is public, so with it
//! alone nobody may tie a browser (and the referrer it followed) to another
//! person's email. Each test performs the attack against a running server.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect, identity_token, spawn_app, TestApp};

fn code(participant: &Value) -> &str {
    participant["code"].as_str().unwrap()
}

async fn identify_with_pk(app: &TestApp, body: Value) -> reqwest::Response {
    app.post("/v1/track/identify", &app.pk, &body).await
}

async fn credit_of(app: &TestApp, participant: &Value) -> i64 {
    let id = participant["id"].as_str().unwrap();
    app.participant_detail(id).await["credit"].as_i64().unwrap()
}

#[tokio::test]
async fn identify_with_the_publishable_key_alone_cannot_claim_a_future_sign_up() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    // The attacker signs up and follows its own share link in a new browser.
    let attacker = app.participant(&offer, "mallory@example.com").await;
    let browser = app.friend_arrives(code(&attacker)).await;

    // It ties that browser to someone who has not signed up yet: refused
    // without a token, with a made-up one, and with the token of its own email.
    for token in [
        None,
        Some("00".repeat(32)),
        Some(identity_token("mallory@example.com")),
    ] {
        let mut body = json!({"visitor_id": browser, "email": "victim@example.com"});
        if let Some(token) = token {
            body["identity_token"] = json!(token);
        }
        let refused = expect(identify_with_pk(&app, body).await, StatusCode::FORBIDDEN).await;
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("identity_token"),
            "{refused}"
        );
    }

    // The victim later signs up on their own, from the site's server.
    let victim = app.participant(&offer, "victim@example.com").await;
    assert_eq!(victim["referred_by"], Value::Null);
    assert_eq!(credit_of(&app, &attacker).await, 0);
}

#[tokio::test]
async fn identify_with_the_site_s_token_or_a_secret_key_still_ties_the_browser() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let bob_browser = app.friend_arrives(code(&ana)).await;
    let cid_browser = app.friend_arrives(code(&ana)).await;
    let tied = app.identify(&bob_browser, "Bob@Example.com ").await;
    assert_eq!(tied["identified"], true);
    let by_server = json!({"visitor_id": cid_browser, "email": "cid@example.com"});
    app.post_ok("/v1/track/identify", &by_server, StatusCode::OK)
        .await;

    // Both friends sign up from the site's server, without code or browser.
    for friend in ["bob@example.com", "cid@example.com"] {
        let p = app.participant(&offer, friend).await;
        assert_eq!(p["referred_by"], ana["id"], "{friend}");
    }
    assert_eq!(credit_of(&app, &ana).await, 2);
}

#[tokio::test]
async fn a_publishable_sign_up_with_an_existing_email_does_not_carry_the_browser_to_it() {
    let app = spawn_app().await;
    let first = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    let second = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    app.participant(&first, "victim@example.com").await;
    // The attacker's browser is attributed to it in the second offer…
    let attacker = app.participant(&second, "mallory@example.com").await;
    let browser = app.friend_arrives(code(&attacker)).await;
    // …and signs up to the first offer with the victim's email and that browser.
    let sign_up = json!({"email": "victim@example.com", "visitor_id": browser});
    let path = format!("/v1/offers/{first}/participants");
    expect(app.post(&path, &app.pk, &sign_up).await, StatusCode::OK).await;

    // The victim joins the second offer on their own: not the attacker's referral.
    let victim = app.participant(&second, "victim@example.com").await;
    assert_eq!(victim["referred_by"], Value::Null);
    assert_eq!(credit_of(&app, &attacker).await, 0);
}

#[tokio::test]
async fn a_publishable_sign_up_with_a_wrong_identity_token_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    let sign_up =
        json!({"email": "ana@example.com", "identity_token": identity_token("bob@example.com")});
    let path = format!("/v1/offers/{offer}/participants");
    expect(
        app.post(&path, &app.pk, &sign_up).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let list = app
        .get_ok(&format!("/v1/offers/{offer}/participants"))
        .await;
    assert_eq!(list["data"], json!([]));
}
