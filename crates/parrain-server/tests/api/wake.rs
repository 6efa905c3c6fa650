//! Workers wake when a job is queued. The poll interval here is a minute,
//! so a sign-up's email and webhook arriving within seconds can only be the
//! workers being woken by the commit that queued them.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect, spawn_app_with, TestApp};
use crate::mailbox::MailServer;
use crate::receiver::Receiver;

/// Far longer than the waits below (20 s at most).
pub const SLOW_POLL: Duration = Duration::from_secs(60);

pub fn offer_with_welcome() -> Value {
    json!({
        "name": "Spring referral",
        "goal": {"type": "referred_signups", "count": 3},
        "offer_page_url": "https://shop.example.com/refer",
        "emails": {
            "sign_up": {"subject": "Welcome", "text": "Share {{ share_url }}"},
            "fulfillment": {"subject": "Your reward", "text": "Here is {{ promo_code }}"}
        }
    })
}

/// Signs up `email` and waits (20 s at most) for the `n`th message.
pub async fn sign_up_and_wait(app: &TestApp, mail: &MailServer, offer: &str, n: usize) {
    let email = format!("friend{n}@example.com");
    let body = json!({"email": email});
    expect(app.sign_up(offer, body).await, StatusCode::CREATED).await;
    let messages = mail.wait_for(n).await;
    assert_eq!(
        messages.len(),
        n,
        "the welcome email to {email} arrived before the next poll"
    );
    assert_eq!(messages[n - 1].to, [email]);
}

#[tokio::test]
async fn a_sign_up_s_email_and_webhook_leave_at_once_not_at_the_next_poll() {
    let mail = MailServer::start();
    let url = mail.url();
    let app = spawn_app_with(|c| {
        c.outbound.smtp_url = Some(url);
        c.outbound.poll_interval = SLOW_POLL;
        c.allow_private_webhooks = true;
    })
    .await;
    let offer = app.live_offer_with(offer_with_welcome()).await;
    let receiver = Receiver::start(&[200, 200, 200]).await;
    app.post_ok(
        "/v1/webhooks",
        &json!({"url": receiver.url, "events": ["signs_up_for_referral_offer"]}),
        StatusCode::CREATED,
    )
    .await;

    // One after the other: each finds the workers idle, waiting for a poll
    // a minute away.
    for n in 1..=3 {
        sign_up_and_wait(&app, &mail, &offer, n).await;
        let hooks = receiver.wait_for(n).await;
        assert_eq!(hooks.len(), n, "webhook {n} arrived before the next poll");
    }
}
