//! The whole referral loop, on the demo page of `parrain serve --demo`:
//! a referrer and a friend, each in their own browser.

use parrain_server::Clock;

use crate::app::spawn_app_with;
use crate::chrome::scenario;

#[tokio::test]
async fn a_friend_who_follows_the_share_link_and_signs_up_earns_the_referrer_a_credit() {
    let app = spawn_app_with(async |store, config, dir| {
        let demo = parrain_server::demo::ensure(
            store.as_ref(),
            &config.public_url,
            dir,
            Clock::default().now(),
        )
        .await
        .unwrap();
        config.demo = Some(demo);
    })
    .await;
    let offer = app.demo.as_ref().unwrap().offer_id.clone();

    scenario("referral_loop", move |chrome| async move {
        // The referrer signs up through the widget and reads its link.
        let referrer = chrome.open("referrer").await;
        referrer.goto(&app.url("/demo")).await;
        let widget = referrer.widget(&offer);
        widget.wait_ready().await;
        assert!(
            widget.text().await.contains("Refer 3 friends"),
            "the offer's name is shown"
        );
        widget.type_into("field-first_name", "Ada").await;
        widget.sign_up("ada@example.com").await;
        let link = widget.share_link().await;
        assert!(
            link.starts_with(&app.url("/r/")),
            "a share link of this server: {link}"
        );
        widget.wait_for_text("0 of 3 credits").await;

        // A friend, in another browser, follows it and lands on the offer page.
        let friend = chrome.open("friend").await;
        friend.goto(&link).await;
        let landed = friend.url().await;
        assert_eq!(landed.path(), "/demo");
        let code = link.rsplit('/').next().unwrap();
        assert!(
            landed
                .query_pairs()
                .any(|(k, v)| k == "parrain_ref" && v == code),
            "the landing page carries the referral: {landed}"
        );
        let theirs = friend.widget(&offer);
        theirs.wait_ready().await;
        theirs.type_into("field-first_name", "Grace").await;
        theirs.sign_up("grace@example.com").await;
        let friends_link = theirs.share_link().await;
        assert_ne!(friends_link, link, "the friend gets a link of its own");

        // Back on the referrer's page (fresh from the server), the credit shows.
        referrer.client.refresh().await.unwrap();
        let widget = referrer.widget(&offer);
        widget.wait_ready().await;
        widget.wait_for_text("1 of 3 credits").await;

        // The operator sees the same story.
        let participants = app.participants(&offer).await;
        let ada = participants
            .iter()
            .find(|p| p["email"] == "ada@example.com")
            .unwrap();
        let grace = participants
            .iter()
            .find(|p| p["email"] == "grace@example.com")
            .unwrap();
        assert_eq!(ada["credit"], 1);
        assert_eq!(grace["referred_by"], ada["id"]);
        let visits = app
            .activities(&format!("offer_id={offer}&type=visits_offer_page"))
            .await;
        assert!(
            visits.len() >= 2,
            "both browsers' visits are recorded: {visits:?}"
        );
    })
    .await;
}
