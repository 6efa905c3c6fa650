//! Sign-up and fulfillment emails, sent over SMTP to a real mail server.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect, spawn_app, spawn_app_with, TestApp};
use crate::mailbox::{free_port, smtp_url, MailServer};

fn offer_with_emails() -> Value {
    json!({
        "name": "Spring referral",
        "goal": {"type": "referred_signups", "count": 1},
        "offer_page_url": "https://shop.example.com/refer",
        "emails": {
            "sign_up": {
                "subject": "Welcome {{ first_name }} to {{ offer.name }}",
                "text": "Hi {{ first_name }}, share {{ share_url }} with {{ goal.count }} friend.",
                "html": "<p>Hi {{ first_name }}, share <a href=\"{{ share_url }}\">your link</a> with {{ goal.count }} friend.</p>"
            },
            "fulfillment": {
                "subject": "Your reward",
                "text": "Thanks {{ first_name }}: your code is {{ promo_code }} ({{ credit }} credit).",
                "html": "<p>Your code: <b>{{ promo_code }}</b></p>"
            }
        }
    })
}

async fn sign_up(app: &TestApp, offer: &str, body: Value) -> Value {
    let response = app.sign_up(offer, body).await;
    expect(response, StatusCode::CREATED).await
}

#[tokio::test]
async fn sign_up_and_fulfillment_emails_arrive_with_their_tokens_in_text_and_html() {
    // Arrange
    let mail = MailServer::start();
    let app = spawn_app_with(|c| {
        c.outbound.smtp_url = Some(mail.url());
        c.outbound.smtp_from = "Rewards <rewards@shop.example.com>".into();
    })
    .await;
    let offer = app.live_offer_with(offer_with_emails()).await;
    expect(
        app.put_promo_codes(&offer, "SPRING-001\n").await,
        StatusCode::OK,
    )
    .await;

    // Act: Alice signs up; Bob signs up with her code, which fulfils her.
    let alice = sign_up(
        &app,
        &offer,
        json!({"email": "alice@example.com", "first_name": "Alice"}),
    )
    .await;
    sign_up(
        &app,
        &offer,
        json!({"email": "bob@example.com", "first_name": "Bob", "referral_code": alice["code"]}),
    )
    .await;
    let messages = mail.wait_for(3).await;

    // Assert
    assert_eq!(messages.len(), 3, "{messages:#?}");
    let share_url = alice["share_url"].as_str().unwrap();
    let to_alice: Vec<_> = messages
        .iter()
        .filter(|m| m.to == ["alice@example.com"])
        .collect();
    assert_eq!(to_alice.len(), 2);
    let welcome = to_alice
        .iter()
        .find(|m| m.header("Subject").unwrap().starts_with("Welcome"))
        .unwrap();
    assert_eq!(
        welcome.header("Subject").unwrap(),
        "Welcome Alice to Spring referral"
    );
    assert!(welcome
        .header("From")
        .unwrap()
        .contains("rewards@shop.example.com"));
    assert!(welcome.raw.contains("multipart/alternative"));
    assert!(welcome
        .part("text/plain")
        .contains(&format!("Hi Alice, share {share_url} with 1 friend.")));
    let html = welcome.html();
    assert!(
        html.contains(&format!("<a href=\"{share_url}\">your link</a>")),
        "{html}"
    );
    let reward = to_alice
        .iter()
        .find(|m| m.header("Subject").unwrap() == "Your reward")
        .unwrap();
    assert!(reward
        .part("text/plain")
        .contains("your code is SPRING-001 (1 credit)"));
    assert!(reward.html().contains("<b>SPRING-001</b>"));
    assert!(messages.iter().any(|m| m.to == ["bob@example.com"]));
    app.drain().await;
    let sent = app.activities("type=email.sent").await;
    assert_eq!(sent.len(), 3);
}

#[tokio::test]
async fn mail_queued_while_the_smtp_server_is_down_is_delivered_once_when_it_is_back() {
    // Arrange: parrain points at a port where no mail server runs (yet).
    let port = free_port();
    let app = spawn_app_with(|c| {
        c.outbound.smtp_url = Some(smtp_url(port));
        c.outbound.email_retry_schedule = vec![Duration::from_secs(60)];
    })
    .await;
    let offer = app.live_offer_with(offer_with_emails()).await;
    for name in ["ana", "ben", "cy"] {
        sign_up(
            &app,
            &offer,
            json!({"email": format!("{name}@example.com")}),
        )
        .await;
    }
    // Every email has failed at least once, and waits.
    app.drain().await;
    let failed = app.activities("type=email.failed").await;
    assert!(failed.len() >= 3);
    assert_eq!(failed[0]["details"]["will_retry"], true);
    let health = app.get_ok("/healthz").await;
    assert_eq!(health["outbound"]["email"]["waiting"], 3);

    // Act: the mail server comes up, and the retries come due.
    let mail = MailServer::start_on(port);
    app.clock.advance(61_000);
    app.drain().await;

    // Assert: each email exactly once.
    let mut to: Vec<String> = mail.messages().into_iter().flat_map(|m| m.to).collect();
    to.sort();
    assert_eq!(to, ["ana@example.com", "ben@example.com", "cy@example.com"]);
    let health = app.get_ok("/healthz").await;
    assert_eq!(health["outbound"]["email"]["waiting"], 0);
}

#[tokio::test]
async fn without_smtp_mail_waits_in_the_queue_and_healthz_says_how_much() {
    let app = spawn_app().await;
    let offer = app.live_offer_with(offer_with_emails()).await;
    for name in ["ana", "ben"] {
        sign_up(
            &app,
            &offer,
            json!({"email": format!("{name}@example.com")}),
        )
        .await;
    }
    app.drain().await;

    let health = app.get_ok("/healthz").await;

    assert_eq!(health["status"], "ok");
    assert_eq!(
        health["outbound"]["email"],
        json!({"smtp_configured": false, "waiting": 2, "failed": 0})
    );
    assert!(app.activities("type=email.sent").await.is_empty());
}

/// A template that would loop ten billion times is refused when it is
/// saved, at once and naming its field, rather than stalling the mail
/// worker when its mail is due; the offer keeps its emails.
#[tokio::test]
async fn an_email_template_with_a_huge_loop_is_refused_at_save_time() {
    let app = spawn_app().await;
    let offer = app.live_offer_with(offer_with_emails()).await;
    let before = app.get_ok(&format!("/v1/offers/{offer}")).await;
    let huge = "{% set n = 'x' * 100000 %}{% for i in n %}{% for j in n %}{{ first_name }}{% endfor %}{% endfor %}";
    let started = Instant::now();
    let patch = json!({"emails": {
        "sign_up": {"subject": "Welcome", "text": huge},
        "invitation": {"subject": "Hi", "text": "{{ share_url }}", "html": huge},
    }});
    let refused = expect(
        app.patch(&format!("/v1/offers/{offer}"), &patch).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;

    assert!(started.elapsed() < Duration::from_secs(5));
    let problems: Vec<(Value, Value)> = refused["error"]["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["field"].clone(), p["code"].clone()))
        .collect();
    assert_eq!(
        problems,
        [
            (json!("emails.sign_up.text"), json!("template_too_costly")),
            (
                json!("emails.invitation.html"),
                json!("template_too_costly")
            ),
        ],
        "{refused}"
    );
    let after = app.get_ok(&format!("/v1/offers/{offer}")).await;
    assert!(before["live"]["emails"].is_object(), "{before}");
    assert_eq!(
        (&after["live"], &after["draft"]),
        (&before["live"], &before["draft"])
    );
}
