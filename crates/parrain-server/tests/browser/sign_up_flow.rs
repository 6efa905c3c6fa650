//! The sign-up flow order: with `share_then_capture`, a person must share
//! the offer before the widget lets them sign up.

use std::time::Duration;

use serde_json::json;

use crate::app::{offer_settings, spawn_app};
use crate::chrome::scenario;

#[tokio::test]
async fn share_then_capture_refuses_sign_up_until_the_person_has_shared() {
    let app = spawn_app().await;
    let page = format!("{}/refer", app.site.base);
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 2}), &page);
    settings["sign_up_flow"] = json!("share_then_capture");
    let offer = app.live_offer(settings).await;
    app.site.serve("/refer", app.host_page(&offer, "", ""));

    scenario("share_then_capture", move |chrome| async move {
        let person = chrome.open("person").await;
        person.goto(&page).await;
        let widget = person.widget(&offer);
        widget.wait_ready().await;
        widget
            .wait_for_text("Share the offer first to sign up.")
            .await;
        assert!(
            !widget.part("submit").await.is_enabled().await.unwrap(),
            "sign-up waits for a share"
        );

        // Pressing Enter in the email box does not sign up either.
        widget.type_into("email", "ada@example.com\n").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(
            app.participants(&offer).await.is_empty(),
            "nobody signed up before sharing"
        );
        assert!(widget.has_part("submit").await, "the form is still there");

        // Sharing (copying the link) opens the way.
        widget.click("copy").await;
        widget.wait_for_text("Copied!").await;
        assert!(widget.part("submit").await.is_enabled().await.unwrap());
        widget.click("submit").await;
        let link = widget.share_link().await;
        assert!(link.starts_with(&app.url("/r/")), "{link}");

        let participants = app.participants(&offer).await;
        assert_eq!(participants.len(), 1);
        assert_eq!(participants[0]["email"], "ada@example.com");
        // The share made before sign-up is recorded against the new participant.
        let id = participants[0]["id"].as_str().unwrap();
        let shares = app
            .activities_until(&format!("participant_id={id}&type=shares_content"), 1)
            .await;
        assert_eq!(shares[0]["details"]["channel"], "link", "{shares:?}");
    })
    .await;
}
