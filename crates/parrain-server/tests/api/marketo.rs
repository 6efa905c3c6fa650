//! What people moving from Marketo's Referral Offers find as they left it
//! (SPEC §13): Marketo's email tokens, as written in Marketo.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_code, expect, spawn_app_with};
use crate::mailbox::MailServer;

#[tokio::test]
async fn emails_written_with_marketo_tokens_pass_approval_and_arrive_filled_in() {
    let mail = MailServer::start();
    let app = spawn_app_with(|c| c.outbound.smtp_url = Some(mail.url())).await;
    // Marketo's bodies, pasted as they were.
    let offer = app
        .live_offer_with(json!({
            "name": "Spring referral",
            "goal": {"type": "referred_signups", "count": 1},
            "offer_page_url": "https://shop.example.com/refer",
            "emails": {
                "sign_up": {
                    "subject": "Welcome {{lead.First Name:default=friend}}",
                    "text": "Hi {{lead.First Name}} {{lead.Last Name}} ({{lead.Email Address}}), share {{social.Share Url}}",
                    "html": "<p>Hi {{lead.First Name}}, share <a href=\"{{social.Share Url}}\">your link</a></p>"
                },
                "fulfillment": {
                    "subject": "Your reward, {{lead.First Name}}",
                    "text": "Your code: {{social.Promo Code}}"
                }
            }
        }))
        .await;
    expect(
        app.put_promo_codes(&offer, "SPRING-001\n").await,
        StatusCode::OK,
    )
    .await;

    let ana = expect(
        app.sign_up(
            &offer,
            json!({"email": "ana@example.com", "first_name": "Ana", "last_name": "Lima"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let share_url = ana["share_url"].as_str().unwrap();
    // A friend with no name signs up with Ana's code: Ana is fulfilled.
    expect(
        app.sign_up(
            &offer,
            json!({"email": "bob@example.com", "referral_code": ana["code"]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let messages = mail.wait_for(3).await;

    let to = |who: &'static str| messages.iter().filter(move |m| m.to == [who]);
    let welcome = to("ana@example.com")
        .find(|m| m.header("Subject").unwrap() == "Welcome Ana")
        .expect("Ana's welcome");
    assert!(
        welcome
            .part("text/plain")
            .contains(&format!("Hi Ana Lima (ana@example.com), share {share_url}")),
        "{}",
        welcome.raw
    );
    assert!(welcome
        .html()
        .contains(&format!("<a href=\"{share_url}\">your link</a>")));
    let reward = to("ana@example.com")
        .find(|m| m.header("Subject").unwrap() == "Your reward, Ana")
        .expect("Ana's reward");
    assert!(reward.part("text/plain").contains("Your code: SPRING-001"));
    let bob = to("bob@example.com").next().expect("Bob's welcome");
    assert_eq!(bob.header("Subject").unwrap(), "Welcome friend");
}

#[tokio::test]
async fn a_marketo_token_parrain_does_not_know_fails_approval_by_name() {
    let app = spawn_app_with(|_| {}).await;
    let refused = app
        .post(
            "/v1/offers",
            &app.sk,
            &json!({
                "name": "Spring referral",
                "goal": {"type": "referred_signups", "count": 1},
                "offer_page_url": "https://shop.example.com/refer",
                "emails": {"sign_up": {"subject": "Hi", "text": "From {{company.Company Name}}"}}
            }),
        )
        .await;
    let body = expect(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_code(&body), "invalid_settings");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("company.Company Name"), "{message}");
}
