//! The sign-up flow order: with `share_then_capture`, a person must share
//! the offer before the widget lets them sign up; the link shared then
//! already carries the browser's (pending) code, so a friend who opens it
//! earns the person a credit once they sign up.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::app::{offer_settings, spawn_app};
use crate::chrome::{scenario, WAIT};

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

        // Sharing (copying the link) opens the way; the link already
        // carries a code, which the sign-up keeps.
        let shared = widget.share_link().await;
        assert!(shared.starts_with(&app.url("/r/")), "{shared}");
        widget.click("copy").await;
        widget.wait_for_text("Copied!").await;
        assert!(widget.part("submit").await.is_enabled().await.unwrap());
        widget.click("submit").await;
        widget.wait_for_text("You're in!").await;
        assert_eq!(widget.share_link().await, shared);

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

#[tokio::test]
async fn a_friend_of_a_link_shared_before_sign_up_earns_the_person_a_credit() {
    let app = spawn_app().await;
    let page = format!("{}/refer", app.site.base);
    let mut settings = offer_settings(json!({"type": "referred_visits", "count": 2}), &page);
    settings["sign_up_flow"] = json!("share_then_capture");
    let offer = app.live_offer(settings).await;
    app.site.serve("/refer", app.host_page(&offer, "", ""));

    scenario("share_before_sign_up", move |chrome| async move {
        // The person shares before giving an email: the link has a code.
        let person = chrome.open("person").await;
        person.goto(&page).await;
        let widget = person.widget(&offer);
        widget.wait_ready().await;
        let link = widget.share_link().await;
        let code = link
            .strip_prefix(&app.url("/r/"))
            .unwrap_or_else(|| panic!("the link shared carries a code: {link}"))
            .to_owned();
        widget.click("copy").await;
        widget.wait_for_text("Copied!").await;

        // A friend, on another computer, opens it and lands on the page.
        let friend = chrome.open("friend").await;
        friend.goto(&link).await;
        assert_eq!(friend.url().await.path(), "/refer");
        friend.widget(&offer).wait_ready().await;
        let visits = app
            .activities_until(&format!("offer_id={offer}&type=visits_offer_page"), 2)
            .await;
        assert!(
            visits
                .iter()
                .any(|v| v["details"]["referral_code"] == code.as_str()),
            "the friend's visit carried the code: {visits:?}"
        );
        assert!(
            app.participants(&offer).await.is_empty(),
            "nobody has signed up yet"
        );

        // Then the person signs up: the code is theirs, and so is the credit.
        widget.type_into("email", "ada@example.com").await;
        widget.click("submit").await;
        widget.wait_for_text("You're in!").await;
        assert_eq!(widget.share_link().await, link);
        let started = Instant::now();
        let ada = loop {
            let list = app.participants(&offer).await;
            if list.first().is_some_and(|p| p["credit"] == 1) || started.elapsed() > WAIT {
                break list[0].clone();
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(ada["email"], "ada@example.com");
        assert_eq!(ada["code"], code.as_str());
        assert_eq!(ada["credit"], 1, "the friend's visit is credited: {ada}");
    })
    .await;
}
