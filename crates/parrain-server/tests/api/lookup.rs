//! "Track your progress" (`POST /v1/offers/{id}/participants/lookup`): with
//! the publishable key, which anyone has, it answers the same for any email
//! and emails a one-time sign-in link to a participant's address instead of
//! disclosing anything (SPEC §12); the site's server, with the secret key,
//! still reads the participant. Never a sign-up.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_code, expect, spawn_app, spawn_app_with, TestApp};
use crate::mailbox::{MailServer, Received};

async fn app_with_mail() -> (TestApp, MailServer) {
    let mail = MailServer::start();
    let url = mail.url();
    let app = spawn_app_with(|c| c.outbound.smtp_url = Some(url)).await;
    (app, mail)
}

/// The `/p/…` link of a sign-in email.
pub fn sign_in_link(app: &TestApp, email: &Received) -> String {
    let text = email.part("text/plain");
    let start = text
        .find(&format!("{}/p/", app.base))
        .unwrap_or_else(|| panic!("no sign-in link in:\n{text}"));
    text[start..].split_whitespace().next().unwrap().to_owned()
}

#[tokio::test]
async fn a_known_and_an_unknown_email_get_the_same_answer_and_only_the_participant_gets_mail() {
    let (app, mail) = app_with_mail().await;
    let offer = app.live_offer(json!({"count": 3})).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let path = format!("/v1/offers/{offer}/participants/lookup");

    let unknown = app
        .post(&path, &app.pk, &json!({"email": "bob@example.com"}))
        .await;
    let known = app
        .post(&path, &app.pk, &json!({"email": " Ana@Example.com "}))
        .await;

    assert_eq!(unknown.status(), StatusCode::ACCEPTED);
    assert_eq!(known.status(), StatusCode::ACCEPTED);
    let (unknown, known) = (unknown.text().await.unwrap(), known.text().await.unwrap());
    assert_eq!(known, unknown, "the answer tells nothing about the email");
    for secret in ["id", "code", "share_url", "progress"] {
        assert!(!known.contains(&format!("\"{secret}\"")), "{known}");
    }
    let code = ana["code"].as_str().unwrap();
    assert!(!known.contains(code), "{known}");
    let messages = mail.wait_for(1).await;
    assert_eq!(messages.len(), 1, "bob, unknown, got nothing");
    assert_eq!(messages[0].to, ["ana@example.com"]);
    let link = sign_in_link(&app, &messages[0]);
    assert!(link.contains("/p/pt_"), "{link}");
    // Bob was not signed up.
    let list = app
        .get_ok(&format!("/v1/offers/{offer}/participants"))
        .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);

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
async fn the_site_s_server_finds_a_participant_with_progress_and_shares() {
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
        app.post(&path, &app.sk, &json!({"email": " Ana@Example.com "}))
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

    let missing = expect(
        app.post(&path, &app.sk, &json!({"email": "bob@example.com"}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(error_code(&missing), "not_found");
    let list = app
        .get_ok(&format!("/v1/offers/{offer}/participants"))
        .await;
    assert_eq!(
        list["data"].as_array().unwrap().len(),
        1,
        "bob was not signed up"
    );

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
