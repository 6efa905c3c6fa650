//! The participant's own page in Chromium (SPEC §12): a participant asks the
//! widget for their page, opens the link from the email a real SMTP server
//! received, sees their progress, friends and place on the leaderboard on
//! a phone-sized window, and invites a friend from the page.

use std::sync::Arc;

use fantoccini::Locator;
use parrain_server::{AppState, Clock};
use serde_json::json;

use crate::app::{offer_settings, spawn_app_with};
use crate::chrome::scenario;
use crate::mailbox::MailServer;

#[tokio::test]
async fn a_participant_opens_their_page_from_the_emailed_link_and_invites_a_friend() {
    let mail = MailServer::start();
    let smtp = mail.url();
    let app = spawn_app_with(async move |store, config, _| {
        config.outbound.smtp_url = Some(smtp);
        let state = AppState {
            store: store.clone(),
            config: Arc::new(config.clone()),
            clock: Clock::default(),
        };
        std::mem::forget(parrain_server::outbound::spawn(state).unwrap());
    })
    .await;
    let page = format!("{}/shop", app.site.base);
    let mut settings = offer_settings(json!({"count": 3}), &page);
    settings["invitations"] = json!({"enabled": true});
    settings["leaderboard"] = json!({"enabled": true});
    settings["widget"] = json!({"language": "fr", "colours": {"primary": "#0a7d32"}});
    let offer = app.live_offer(settings).await;
    app.site.serve("/shop", app.host_page(&offer, "", ""));
    let ana = json!({"email": "ana@example.com", "first_name": "Ana"});
    let ana = app
        .post(&format!("/v1/offers/{offer}/participants"), ana)
        .await;
    let bob =
        json!({"email": "bob@example.com", "first_name": "Bob", "referral_code": ana["code"]});
    app.post(&format!("/v1/offers/{offer}/participants"), bob)
        .await;
    let base = app.base.clone();

    scenario("participant_page", move |chrome| async move {
        // On another computer, Ana asks the widget for her page.
        let browser = chrome.open("ana").await;
        browser
            .client
            .set_window_size(390, 844)
            .await
            .expect("a phone-sized window");
        browser.goto(&page).await;
        let widget = browser.widget(&offer);
        widget.wait_ready().await;
        widget.click("track-progress").await;
        widget.type_into("email", "ana@example.com").await;
        widget.click("submit").await;
        widget
            .wait_for_text("un lien vers votre page est en route")
            .await;

        // The link from the email opens her page.
        let messages = mail.wait_for(1).await;
        assert_eq!(messages[0].to, ["ana@example.com"]);
        let text = messages[0].part("text/plain");
        let start = text.find(&format!("{base}/p/")).expect("a link to the page");
        let link = text[start..].split_whitespace().next().unwrap().to_owned();
        browser.goto(&link).await;
        browser.click("[data-part=open-page]").await;
        browser
            .wait_until(
                "the participant's page",
                "return document.querySelector('[data-part=share-link]')",
            )
            .await;
        let shown = browser
            .js("return document.body.innerText", vec![])
            .await;
        let shown = shown.as_str().unwrap();
        assert!(shown.contains("1 crédits sur 3"), "{shown}");
        assert!(shown.contains("Bob"), "{shown}");
        assert!(shown.contains("compté") && !shown.contains("non compté"), "{shown}");
        assert!(!shown.contains("bob@example.com"), "{shown}");
        let share_link = browser
            .js("return document.querySelector('[data-part=share-link]').value", vec![])
            .await;
        assert_eq!(share_link, ana["share_url"]);
        let lang = browser
            .js("return document.documentElement.lang", vec![])
            .await;
        assert_eq!(lang, "fr");
        let button = browser
            .js(
                "return getComputedStyle(document.querySelector('[data-part=share-x]')).backgroundColor",
                vec![],
            )
            .await;
        assert_eq!(button, "rgb(10, 125, 50)", "the widget's colours");
        // The leaderboard: Ana first, her own row marked, no email.
        let board = browser
            .js(
                "return [...document.querySelectorAll('[data-part=leaderboard] li')] \
                 .map(li => [li.querySelector('span').textContent, li.querySelector('b').textContent, \
                             li.getAttribute('aria-current')])",
                vec![],
            )
            .await;
        assert_eq!(board, json!([["1. Ana", "1", "true"]]));
        assert!(shown.contains("Meilleurs parrains"), "{shown}");
        let fits = browser
            .js(
                "return document.documentElement.scrollWidth <= window.innerWidth",
                vec![],
            )
            .await;
        assert_eq!(fits, true, "nothing wider than the phone's screen");

        // She invites a friend from the page.
        let emails = browser
            .client
            .find(Locator::Css("[data-part=invite-emails]"))
            .await
            .unwrap();
        emails.send_keys("cy@example.com").await.unwrap();
        browser.click("[data-part=invite-send]").await;
        browser
            .wait_until(
                "the invitation's result",
                "return document.querySelector('[data-part=invite-results]')",
            )
            .await;
        let messages = mail.wait_for(2).await;
        assert!(
            messages.iter().any(|m| m.to == ["cy@example.com"]),
            "the invitation reached the SMTP server"
        );
    })
    .await;
}
