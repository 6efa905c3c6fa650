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

fn visitor() -> String {
    parrain_core::ids::VisitorId::generate().to_string()
}

#[tokio::test]
async fn links_shared_from_another_program_attribute_through_ref_or_the_offers_own_parameter() {
    let app = spawn_app_with(|_| {}).await;
    let offer = app
        .live_offer(json!({"type": "referred_visits", "count": 5}))
        .await;
    // Ana came from Marketo with her code; her old links land with ?ref=.
    let imported = app
        .client
        .post(app.url(&format!("/v1/offers/{offer}/participants/import")))
        .bearer_auth(&app.sk)
        .header("content-type", "text/csv")
        .body("email,code\nana@example.com,MKTO-Ana\n")
        .send()
        .await
        .unwrap();
    expect(imported, StatusCode::OK).await;
    let page = "https://shop.example.com/refer";

    let friend = visitor();
    let visit = app
        .track(
            "visit",
            json!({"offer_id": offer, "visitor_id": friend, "url": format!("{page}?utm_source=mkto&ref=MKTO-ANA")}),
        )
        .await;
    assert_eq!(visit["credited"], true, "{visit}");
    // A page that names the code itself is taken at its word.
    let own = app
        .track(
            "visit",
            json!({"offer_id": offer, "visitor_id": visitor(), "url": format!("{page}?ref=mkto-ana"), "referral_code": "nobody-known"}),
        )
        .await;
    assert_eq!(own["credited"], false, "{own}");
    let ana = app.participant(&offer, "ana@example.com").await;
    assert_eq!(ana["credit"], 1);

    // An offer whose old links used ?rid= reads that instead of ref=.
    expect(
        app.patch(
            &format!("/v1/offers/{offer}"),
            &json!({"referral_param": "rid"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect(app.approve(&offer).await, StatusCode::OK).await;
    let by_ref = app
        .track(
            "visit",
            json!({"offer_id": offer, "visitor_id": visitor(), "url": format!("{page}?ref=mkto-ana")}),
        )
        .await;
    assert_eq!(by_ref["credited"], false, "{by_ref}");
    let by_rid = app
        .track(
            "visit",
            json!({"offer_id": offer, "visitor_id": visitor(), "url": format!("{page}?rid=mkto-ana")}),
        )
        .await;
    assert_eq!(by_rid["credited"], true, "{by_rid}");
    let public = app.get_ok(&format!("/v1/offers/{offer}/public")).await;
    assert_eq!(public["referral_param"], "rid");

    let bad = app
        .patch(
            &format!("/v1/offers/{offer}"),
            &json!({"referral_param": "parrain_ref"}),
        )
        .await;
    let body = expect(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("referral_param"));
}
