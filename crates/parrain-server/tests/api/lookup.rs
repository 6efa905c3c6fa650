//! Finding a participant by email (the widget's "track your progress"):
//! read-only, so an unknown email is refused and nobody is signed up.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_code, expect, spawn_app};

#[tokio::test]
async fn a_known_email_finds_its_participant_with_progress_and_shares() {
    let app = spawn_app().await;
    let offer = app.live_offer(json!({"count": 3})).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();
    app.track("share", json!({"code": code, "channel": "x"}))
        .await;
    app.track("share", json!({"code": code, "channel": "email"}))
        .await;

    let path = format!("/v1/offers/{offer}/participants/lookup");
    let found = expect(
        app.post(&path, &app.pk, &json!({"email": " Ana@Example.com "}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["id"], ana["id"]);
    assert_eq!(found["code"], ana["code"]);
    assert_eq!(found["share_url"], ana["share_url"]);
    assert_eq!(found["shares"], 2);
    assert_eq!(
        found["progress"],
        json!({"credit": 0, "goal_count": 3, "achieved": false, "fulfilled": false})
    );
    assert!(
        found.get("email").is_none(),
        "a publishable key never reads the email back"
    );

    // Web pages of any origin may call it, like sign-up.
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url(&path))
        .header("origin", "https://shop.example.com")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(
        preflight
            .headers()
            .contains_key("access-control-allow-origin"),
        "{:?}",
        preflight.headers()
    );
}

#[tokio::test]
async fn an_unknown_email_is_not_found_and_signs_nobody_up() {
    let app = spawn_app().await;
    let offer = app.live_offer(json!({"count": 3})).await;
    app.participant(&offer, "ana@example.com").await;

    let path = format!("/v1/offers/{offer}/participants/lookup");
    let missing = expect(
        app.post(&path, &app.pk, &json!({"email": "bob@example.com"}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(error_code(&missing), "not_found");
    assert!(
        missing["error"]["message"]
            .as_str()
            .unwrap()
            .contains("participant"),
        "{missing}"
    );
    let list = app
        .get_ok(&format!("/v1/offers/{offer}/participants"))
        .await;
    let emails: Vec<_> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["ana@example.com"], "bob was not signed up");

    let bad = expect(
        app.post(&path, &app.pk, &json!({"email": "not an email"}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(
        bad["error"]["message"].as_str().unwrap().contains("email"),
        "{bad}"
    );
}

#[tokio::test]
async fn a_draft_offer_is_not_looked_into() {
    let app = spawn_app().await;
    let draft = app
        .create_offer(&crate::helpers::offer_settings(json!({"count": 3})))
        .await;
    let path = format!(
        "/v1/offers/{}/participants/lookup",
        draft["id"].as_str().unwrap()
    );
    let response = app
        .post(&path, &app.pk, &json!({"email": "ana@example.com"}))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
