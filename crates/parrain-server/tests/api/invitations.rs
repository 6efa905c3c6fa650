//! Invitations by email (`POST /v1/offers/{id}/participants/{id}/invitations`):
//! the email reaches a real SMTP server with the share URL and an
//! unsubscribe link; no address is invited twice; the daily limit, the
//! participant's own address and unsubscribes are refused with clear codes.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_code, expect, offer_settings, spawn_app_with, TestApp};
use crate::mailbox::MailServer;

fn settings(per_day: i64) -> Value {
    let mut s = offer_settings(json!({"type": "referred_signups", "count": 3}));
    s["invitations"] = json!({"enabled": true, "max_per_participant_per_day": per_day});
    s
}

async fn app_with_mail() -> (TestApp, MailServer) {
    let mail = MailServer::start();
    let url = mail.url();
    let app = spawn_app_with(|c| {
        c.outbound.smtp_url = Some(url);
        c.outbound.smtp_from = "Rewards <rewards@shop.example.com>".into();
    })
    .await;
    (app, mail)
}

/// Signs Ana up and returns (participant id, share URL).
async fn ana(app: &TestApp, offer: &str) -> (String, String) {
    let body = json!({"email": "ana@example.com", "first_name": "Ana", "last_name": "Lima"});
    let response = app.sign_up(offer, body).await;
    let p = expect(response, StatusCode::CREATED).await;
    (
        p["id"].as_str().unwrap().to_owned(),
        p["share_url"].as_str().unwrap().to_owned(),
    )
}

fn path(offer: &str, participant: &str) -> String {
    format!("/v1/offers/{offer}/participants/{participant}/invitations")
}

/// Invites from the site's server (secret key); a web page's invitations,
/// with the participant's token, are in participant_page.rs.
async fn invite(app: &TestApp, offer: &str, participant: &str, body: Value) -> reqwest::Response {
    app.post(&path(offer, participant), &app.sk, &body).await
}

#[tokio::test]
async fn an_invitation_arrives_with_the_share_url_and_an_unsubscribe_link_and_is_sent_once() {
    // Arrange
    let (app, mail) = app_with_mail().await;
    let offer = app.live_offer_with(settings(20)).await;
    let (ana, share_url) = ana(&app, &offer).await;

    // Act
    let body = json!({"emails": ["Bea@Example.com"], "message": "You'll love it <3"});
    let answer = expect(invite(&app, &offer, &ana, body).await, StatusCode::ACCEPTED).await;
    let again = invite(&app, &offer, &ana, json!({"emails": ["bea@example.com"]})).await;

    // Assert
    assert_eq!(answer["invited"], json!(["bea@example.com"]));
    assert_eq!(answer["refused"], json!([]));
    let again = expect(again, StatusCode::CONFLICT).await;
    assert_eq!(error_code(&again), "already_invited");
    assert!(
        again["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("emails[0]: "),
        "{again}"
    );
    let messages = mail.wait_for(1).await;
    let email = &messages[0];
    assert_eq!(email.to, ["bea@example.com"]);
    let text = email.part("text/plain");
    assert!(text.contains("Ana Lima"), "{text}");
    assert!(text.contains("You'll love it <3"), "{text}");
    assert!(text.contains(&format!("{share_url}?ch=email")), "{text}");
    assert!(
        email.html().contains("You'll love it &lt;3"),
        "{}",
        email.html()
    );
    let unsubscribe = email.header("List-Unsubscribe").expect("List-Unsubscribe");
    let link = unsubscribe.trim_matches(['<', '>']).to_owned();
    assert!(link.starts_with(&format!("{}/u/", app.base)), "{link}");
    assert!(text.contains(&link), "{text}");
    assert_eq!(
        email.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    // The share counts: one email share reaching one friend.
    let shares = app
        .activities(&format!("type=shares_content&offer_id={offer}"))
        .await;
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0]["details"]["channel"], "email");
    assert_eq!(shares[0]["details"]["recipients"], 1);
    app.drain().await;
    assert_eq!(mail.messages().len(), 1, "the refused address got mail");
}

#[tokio::test]
async fn the_daily_limit_own_address_and_bad_addresses_are_refused_per_address() {
    // Arrange
    let (app, mail) = app_with_mail().await;
    let offer = app.live_offer_with(settings(2)).await;
    let (ana, _) = ana(&app, &offer).await;

    // Act
    let body = json!({"emails": ["ana@example.com", "not an address", "c@example.com",
                                 "d@example.com", "e@example.com"]});
    let first = expect(invite(&app, &offer, &ana, body).await, StatusCode::ACCEPTED).await;
    let over = invite(&app, &offer, &ana, json!({"emails": ["f@example.com"]})).await;
    let over = expect(over, StatusCode::TOO_MANY_REQUESTS).await;
    app.clock.advance(24 * 3600 * 1000 + 1000);
    let next_day = invite(&app, &offer, &ana, json!({"emails": ["f@example.com"]})).await;

    // Assert
    assert_eq!(first["invited"], json!(["c@example.com", "d@example.com"]));
    let refused: Vec<(&str, &str)> = first["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["field"].as_str().unwrap(), r["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        refused,
        [
            ("emails[0]", "own_address"),
            ("emails[1]", "invalid_email"),
            ("emails[4]", "limit_reached")
        ]
    );
    assert_eq!(error_code(&over), "limit_reached");
    assert_eq!(over["error"]["details"]["field"], "emails[0]");
    expect(next_day, StatusCode::ACCEPTED).await;
    assert_eq!(mail.wait_for(3).await.len(), 3);
}

#[tokio::test]
async fn an_unsubscribed_address_is_never_invited_again_and_a_get_does_not_unsubscribe() {
    // Arrange
    let (app, mail) = app_with_mail().await;
    let offer = app.live_offer_with(settings(20)).await;
    let (ana, _) = ana(&app, &offer).await;
    let other_offer = app.live_offer_with(settings(20)).await;
    let bob = app.participant(&other_offer, "bob@example.com").await;
    let bob = bob["id"].as_str().unwrap();
    expect(
        invite(&app, &offer, &ana, json!({"emails": ["bea@example.com"]})).await,
        StatusCode::ACCEPTED,
    )
    .await;
    let email = mail.wait_for(1).await.remove(0);
    let link = email
        .header("List-Unsubscribe")
        .unwrap()
        .trim_matches(['<', '>'])
        .to_owned();

    // Act: a mail scanner's GET, then the person's click on the button.
    let page = app.client.get(&link).send().await.unwrap();
    let page_status = page.status();
    let page = page.text().await.unwrap();
    let still_open = invite(
        &app,
        &other_offer,
        bob,
        json!({"emails": ["bea@example.com"]}),
    )
    .await;
    let clicked = app.client.post(&link).send().await.unwrap();
    let clicked_status = clicked.status();
    let clicked = clicked.text().await.unwrap();
    let refused = invite(
        &app,
        &other_offer,
        bob,
        json!({"emails": ["BEA@example.com"]}),
    )
    .await;
    let unknown = app.client.get(app.url("/u/nope")).send().await.unwrap();

    // Assert
    assert_eq!(page_status, StatusCode::OK);
    assert!(page.contains("<form method=post>"), "{page}");
    expect(still_open, StatusCode::ACCEPTED).await;
    assert_eq!(clicked_status, StatusCode::OK);
    assert!(clicked.contains("You are unsubscribed"), "{clicked}");
    let refused = expect(refused, StatusCode::CONFLICT).await;
    assert_eq!(error_code(&refused), "unsubscribed");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn invitations_need_an_offer_that_sends_them_and_is_live() {
    // Arrange
    let (app, _mail) = app_with_mail().await;
    let closed = app
        .live_offer_with(offer_settings(
            json!({"type": "referred_signups", "count": 3}),
        ))
        .await;
    let (ana_closed, _) = ana(&app, &closed).await;
    let offer = app.live_offer_with(settings(20)).await;
    let (ana, _) = ana(&app, &offer).await;
    let eleven: Vec<String> = (0..11).map(|i| format!("f{i}@example.com")).collect();

    // Act
    let disabled = invite(
        &app,
        &closed,
        &ana_closed,
        json!({"emails": ["b@example.com"]}),
    )
    .await;
    let too_many = invite(&app, &offer, &ana, json!({"emails": eleven})).await;
    let empty = invite(&app, &offer, &ana, json!({"emails": []})).await;
    let wrong_offer = invite(&app, &closed, &ana, json!({"emails": ["b@example.com"]})).await;
    let unapproved = app
        .post(
            &format!("/v1/offers/{offer}/unapprove"),
            &app.sk,
            &json!({}),
        )
        .await;
    expect(unapproved, StatusCode::OK).await;
    let offline = invite(&app, &offer, &ana, json!({"emails": ["b@example.com"]})).await;

    // Assert
    let disabled = expect(disabled, StatusCode::CONFLICT).await;
    assert_eq!(error_code(&disabled), "invitations_disabled");
    let too_many = expect(too_many, StatusCode::BAD_REQUEST).await;
    assert_eq!(too_many["error"]["details"]["field"], "emails");
    let empty = expect(empty, StatusCode::BAD_REQUEST).await;
    assert_eq!(empty["error"]["details"]["field"], "emails");
    expect(wrong_offer, StatusCode::NOT_FOUND).await;
    let offline = expect(offline, StatusCode::CONFLICT).await;
    assert_eq!(error_code(&offline), "offer_not_live");
}

#[tokio::test]
async fn a_retried_request_with_the_same_idempotency_key_invites_once() {
    // Arrange
    let (app, mail) = app_with_mail().await;
    let offer = app.live_offer_with(settings(20)).await;
    let (ana, _) = ana(&app, &offer).await;
    // From the site's server: a publishable key's calls are never replayed.
    let send = || {
        app.client
            .post(app.url(&path(&offer, &ana)))
            .bearer_auth(&app.sk)
            .header("idempotency-key", "invite-1")
            .json(&json!({"emails": ["bea@example.com"]}))
            .send()
    };

    // Act
    let first = expect(send().await.unwrap(), StatusCode::ACCEPTED).await;
    let retry = send().await.unwrap();

    // Assert
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(expect(retry, StatusCode::ACCEPTED).await, first);
    app.drain().await;
    assert_eq!(mail.messages().len(), 1);
}

#[tokio::test]
async fn erasing_the_sender_removes_the_invitations_personal_data_and_export_lists_them() {
    // Arrange
    let (app, _mail) = app_with_mail().await;
    let offer = app.live_offer_with(settings(20)).await;
    let (ana, _) = ana(&app, &offer).await;
    let person = app.participant_detail(&ana).await["person_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({"emails": ["bea@example.com"], "message": "From Ana, Rua das Flores 12"});
    expect(invite(&app, &offer, &ana, body).await, StatusCode::ACCEPTED).await;

    // Act
    let before = app.get_ok(&format!("/v1/people/{person}/export")).await;
    expect(
        app.delete(&format!("/v1/people/{person}")).await,
        StatusCode::OK,
    )
    .await;
    let after = app.get_ok(&format!("/v1/people/{person}/export")).await;

    // Assert
    let sent = before["invitations_sent"].as_array().unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["message"], "From Ana, Rua das Flores 12");
    assert_eq!(sent[0]["offer_id"], offer.as_str());
    let after_text = after.to_string();
    assert!(!after_text.contains("Rua das Flores"), "{after_text}");
    assert!(!after_text.contains("bea@example.com"), "{after_text}");
    assert_eq!(after["invitations_sent"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_report_counts_the_friends_reached_by_email() {
    let app = crate::helpers::spawn_app().await;
    let offer = app.live_offer_with(settings(20)).await;
    let (ana, _) = ana(&app, &offer).await;
    let body = json!({"emails": ["bea@example.com", "cy@example.com", "ana@example.com"]});
    let answer = expect(invite(&app, &offer, &ana, body).await, StatusCode::ACCEPTED).await;
    assert_eq!(answer["invited"].as_array().unwrap().len(), 2);
    let body = json!({"emails": ["dee@example.com"]});
    expect(invite(&app, &offer, &ana, body).await, StatusCode::ACCEPTED).await;

    let report = app.get_ok(&format!("/v1/offers/{offer}/report")).await;
    assert_eq!(report["audience"]["email_reach"], 3, "{report}");
    assert_eq!(
        report["funnel"]["shares"], 2,
        "one share per invitation request"
    );
    let before = app
        .get_ok(&format!(
            "/v1/offers/{offer}/report?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z"
        ))
        .await;
    assert_eq!(before["audience"]["email_reach"], 0, "outside the window");
}
