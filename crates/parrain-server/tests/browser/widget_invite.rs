//! Invitations from the widget: a participant types a friend's address, the
//! invitation reaches a real SMTP server with the share URL, and inviting
//! the same friend again is refused with a message the person can read.

use std::sync::Arc;

use parrain_server::{AppState, Clock};
use serde_json::json;

use crate::app::{offer_settings, spawn_app_with};
use crate::chrome::scenario;
use crate::mailbox::MailServer;

#[tokio::test]
async fn an_invitation_sent_from_the_widget_arrives_and_a_second_one_is_refused() {
    let mail = MailServer::start();
    let smtp = mail.url();
    let app = spawn_app_with(async move |store, config, _| {
        config.outbound.smtp_url = Some(smtp);
        config.outbound.smtp_from = "Rewards <rewards@shop.example.com>".into();
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
    let offer = app.live_offer(settings).await;
    app.site.serve("/shop", app.host_page(&offer, "", ""));

    scenario("widget_invite", move |chrome| async move {
        let browser = chrome.open("referrer").await;
        browser.goto(&page).await;
        let widget = browser.widget(&offer);
        widget.wait_ready().await;
        widget.type_into("field-first_name", "Ana").await;
        widget.sign_up("ana@example.com").await;
        let link = widget.share_link().await;

        widget.wait_for_text("Invite friends by email").await;
        widget.type_into("invite-emails", "bea@example.com").await;
        widget.click("invite-send").await;
        widget
            .wait_for_text("Invitation sent to bea@example.com.")
            .await;
        let messages = mail.wait_for(1).await;
        let invitation = messages
            .iter()
            .find(|m| m.to.iter().any(|to| to.contains("bea@example.com")))
            .expect("the invitation reached the SMTP server");
        assert!(
            invitation.part("text/plain").contains(&link),
            "the share URL is in the email: {}",
            invitation.raw
        );

        widget.type_into("invite-emails", "bea@example.com").await;
        widget.click("invite-send").await;
        widget
            .wait_for_text("bea@example.com has already been invited.")
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert_eq!(mail.messages().len(), 1, "no second invitation was sent");
    })
    .await;
}
