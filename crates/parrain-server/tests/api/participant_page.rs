//! The participant's token and page (SPEC §12): a new sign-up's token shows
//! its progress and sends its invitations; the publishable key with a
//! participant id or an email does neither; an emailed sign-in link opens
//! the participant's page once, within 24 hours.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect, offer_settings, spawn_app_with, TestApp};
use crate::lookup::sign_in_link;
use crate::mailbox::MailServer;

const DAY: i64 = 24 * 60 * 60 * 1000;

async fn app_with_mail() -> (TestApp, MailServer) {
    let mail = MailServer::start();
    let url = mail.url();
    let app = spawn_app_with(|c| c.outbound.smtp_url = Some(url)).await;
    (app, mail)
}

fn settings() -> Value {
    let mut s = offer_settings(json!({"type": "referred_signups", "count": 3}));
    s["networks"] = json!(["email", "x"]);
    s["invitations"] = json!({"enabled": true});
    s
}

/// Signs up from a web page (publishable key); returns the answer.
async fn sign_up_pk(app: &TestApp, offer: &str, body: Value) -> reqwest::Response {
    app.post(&format!("/v1/offers/{offer}/participants"), &app.pk, &body)
        .await
}

async fn me(app: &TestApp, offer: &str, token: &str) -> reqwest::Response {
    let body = json!({"participant_token": token});
    app.post(
        &format!("/v1/offers/{offer}/participants/me"),
        &app.pk,
        &body,
    )
    .await
}

#[tokio::test]
async fn a_new_sign_up_s_token_shows_its_own_progress_and_nothing_else() {
    let (app, _mail) = app_with_mail().await;
    let offer = app.live_offer_with(settings()).await;
    let other_offer = app.live_offer_with(settings()).await;
    let ana = expect(
        sign_up_pk(&app, &offer, json!({"email": "ana@example.com"})).await,
        StatusCode::CREATED,
    )
    .await;
    let token = ana["participant_token"].as_str().unwrap();
    assert!(token.starts_with("pt_"), "{ana}");
    // A friend joins through Ana's link.
    let bob = json!({"email": "bob@example.com", "referral_code": ana["code"]});
    expect(sign_up_pk(&app, &offer, bob).await, StatusCode::CREATED).await;

    let mine = expect(me(&app, &offer, token).await, StatusCode::OK).await;
    assert_eq!(mine["share_url"], ana["share_url"]);
    assert_eq!(mine["progress"]["credit"], 1);
    assert!(mine.get("email").is_none(), "{mine}");
    expect(me(&app, &other_offer, token).await, StatusCode::NOT_FOUND).await;
    expect(me(&app, &offer, "pt_made-up").await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_publishable_sign_up_with_a_known_email_discloses_nothing_and_emails_a_link() {
    let (app, mail) = app_with_mail().await;
    let offer = app.live_offer_with(settings()).await;
    let ana = app.participant(&offer, "ana@example.com").await;

    let again = sign_up_pk(&app, &offer, json!({"email": "ANA@example.com"})).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["check_email"], true, "{again}");
    for secret in ["id", "code", "share_url", "progress", "participant_token"] {
        assert!(again.get(secret).is_none(), "{again}");
    }
    let text = again.to_string();
    assert!(!text.contains(ana["code"].as_str().unwrap()), "{text}");
    let messages = mail.wait_for(1).await;
    assert_eq!(messages[0].to, ["ana@example.com"]);
    // The site's server still reads the participant.
    let by_server = expect(
        app.sign_up(&offer, json!({"email": "ana@example.com"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_server["code"], ana["code"]);
}

#[tokio::test]
async fn invitations_with_the_publishable_key_need_the_participant_s_own_token() {
    let (app, mail) = app_with_mail().await;
    let offer = app.live_offer_with(settings()).await;
    let ana = expect(
        sign_up_pk(&app, &offer, json!({"email": "ana@example.com"})).await,
        StatusCode::CREATED,
    )
    .await;
    let eve = expect(
        sign_up_pk(&app, &offer, json!({"email": "eve@example.com"})).await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!(
        "/v1/offers/{offer}/participants/{}/invitations",
        ana["id"].as_str().unwrap()
    );
    let body = |token: Option<&Value>| {
        let mut b = json!({"emails": ["victim@example.com"], "message": "Click here"});
        if let Some(t) = token {
            b["participant_token"] = t.clone();
        }
        b
    };

    // Eve, with the public key and Ana's id: without a token, with her own.
    let bare = app.post(&path, &app.pk, &body(None)).await;
    let borrowed = app
        .post(&path, &app.pk, &body(Some(&eve["participant_token"])))
        .await;
    expect(bare, StatusCode::FORBIDDEN).await;
    expect(borrowed, StatusCode::FORBIDDEN).await;
    let shares = app
        .activities(&format!("type=shares_content&offer_id={offer}"))
        .await;
    assert!(shares.is_empty(), "nothing was queued: {shares:?}");

    // Ana's own browser, with her token, invites.
    let own = app
        .post(&path, &app.pk, &body(Some(&ana["participant_token"])))
        .await;
    expect(own, StatusCode::ACCEPTED).await;
    let messages = mail.wait_for(1).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].to, ["victim@example.com"]);
}

#[tokio::test]
async fn a_sign_in_link_opens_the_page_once_within_a_day() {
    let (app, mail) = app_with_mail().await;
    let offer = app.live_offer_with(settings()).await;
    let ana = json!({"email": "ana@example.com", "first_name": "Ana"});
    let ana = expect(app.sign_up(&offer, ana).await, StatusCode::CREATED).await;
    let bob =
        json!({"email": "bob@example.com", "first_name": "Bob", "referral_code": ana["code"]});
    expect(app.sign_up(&offer, bob).await, StatusCode::CREATED).await;
    let lookup = format!("/v1/offers/{offer}/participants/lookup");
    let ana_email = json!({"email": "ana@example.com"});
    let ask = || app.post(&lookup, &app.pk, &ana_email);
    expect(ask().await, StatusCode::ACCEPTED).await;
    let link = sign_in_link(&app, &mail.wait_for(1).await[0]);

    // A mail scanner's GET spends nothing; the button does.
    let button = app.client.get(&link).send().await.unwrap();
    assert_eq!(button.status(), StatusCode::OK);
    assert!(button.text().await.unwrap().contains("method=post"));
    let opened = app.client.post(&link).send().await.unwrap();
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    let page_path = opened.headers()["location"].to_str().unwrap().to_owned();
    assert!(page_path.starts_with("/p/pt_"), "{page_path}");
    let page = app.client.get(app.url(&page_path)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(html.contains(ana["share_url"].as_str().unwrap()), "{html}");
    assert!(html.contains("1 of 3 credits"), "{html}");
    assert!(html.contains("Bob"), "{html}");
    assert!(
        !html.contains("bob@example.com"),
        "friends by first name only"
    );

    // Spent: the link opens nothing again.
    let again = app.client.post(&link).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    // A new link, a day and a second later, has expired.
    expect(ask().await, StatusCode::ACCEPTED).await;
    let late = sign_in_link(&app, &mail.wait_for(2).await[1]);
    app.clock.advance(DAY + 1000);
    let expired = app.client.post(&late).send().await.unwrap();
    assert_eq!(expired.status(), StatusCode::NOT_FOUND);
    // The page itself still opens with its access token.
    let page = app.client.get(app.url(&page_path)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_page_s_form_invites_friends_and_its_buttons_record_shares() {
    let (app, mail) = app_with_mail().await;
    let offer = app.live_offer_with(settings()).await;
    let ana = expect(
        sign_up_pk(&app, &offer, json!({"email": "ana@example.com"})).await,
        StatusCode::CREATED,
    )
    .await;
    let token = ana["participant_token"].as_str().unwrap();

    let sent = app
        .client
        .post(app.url(&format!("/p/{token}/invite")))
        .form(&[("emails", "cy@example.com, not-an-address")])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::OK);
    let html = sent.text().await.unwrap();
    assert!(html.contains("cy@example.com"), "{html}");
    assert!(
        html.contains("class=no"),
        "the bad address is refused: {html}"
    );
    assert_eq!(mail.wait_for(1).await[0].to, ["cy@example.com"]);

    let shared = app
        .client
        .get(app.url(&format!("/p/{token}/share/x")))
        .send()
        .await
        .unwrap();
    assert_eq!(shared.status(), StatusCode::SEE_OTHER);
    let to = shared.headers()["location"].to_str().unwrap();
    assert!(to.starts_with("https://twitter.com/intent/tweet?"), "{to}");
    let shares = app
        .activities(&format!("type=shares_content&offer_id={offer}"))
        .await;
    let channels: Vec<_> = shares
        .iter()
        .map(|a| a["details"]["channel"].clone())
        .collect();
    assert!(channels.contains(&json!("x")), "{channels:?}");

    let unknown = app
        .client
        .get(app.url("/p/pt_nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}
