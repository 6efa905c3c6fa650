//! The conversion script: a custom-event offer credits the referrer when the
//! friend's page calls `parrain.conversion()`, here on a "Buy now" click.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::app::{offer_settings, spawn_app};
use crate::chrome::{scenario, WAIT};

#[tokio::test]
async fn a_purchase_on_the_friends_page_credits_the_referrer_once() {
    let app = spawn_app().await;
    let page = format!("{}/shop", app.site.base);
    let offer = app
        .live_offer(offer_settings(
            json!({"type": "custom_event", "count": 1, "event": "purchase"}),
            &page,
        ))
        .await;
    // A call made before embed.js has loaded waits in the stub's queue.
    let queued = "<script>window.parrain = { q: [['track', 'shop_viewed']] };</script>";
    let buy = r#"<button id="buy" onclick="parrain.conversion(); document.getElementById('thanks').hidden = false">Buy now</button>
<p id="thanks" hidden>Thanks for your order!</p>"#;
    app.site.serve("/shop", app.host_page(&offer, queued, buy));
    let referrer = app
        .post(
            &format!("/v1/offers/{offer}/participants"),
            json!({"email": "ada@example.com"}),
        )
        .await;
    let link = referrer["share_url"].as_str().unwrap().to_owned();
    let referrer_id = referrer["id"].as_str().unwrap().to_owned();

    scenario("conversion", move |chrome| async move {
        let friend = chrome.open("friend").await;
        friend.goto(&link).await;
        assert_eq!(friend.url().await.path(), "/shop");
        friend.widget(&offer).wait_ready().await;

        friend.click("#buy").await;
        friend.click("#buy").await; // a double click buys twice but credits once
        friend
            .wait_until(
                "the thank-you note",
                "return !document.getElementById('thanks').hidden",
            )
            .await;

        let started = Instant::now();
        let detail = loop {
            let detail = app.get(&format!("/v1/participants/{referrer_id}")).await;
            if detail["credit"] == 1 || started.elapsed() > WAIT {
                break detail;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(detail["credit"], 1, "the referrer is credited: {detail}");
        assert_eq!(detail["progress"]["achieved"], true);

        let events = app
            .activities_until(&format!("offer_id={offer}&type=custom_event"), 3)
            .await;
        let names: Vec<&str> = events
            .iter()
            .filter_map(|a| a["details"]["name"].as_str())
            .collect();
        assert!(
            names.contains(&"shop_viewed"),
            "the queued call was sent: {events:?}"
        );
        assert_eq!(
            names.iter().filter(|n| **n == "purchase").count(),
            2,
            "{events:?}"
        );
        let later = app.get(&format!("/v1/participants/{referrer_id}")).await;
        assert_eq!(
            later["credit"], 1,
            "two purchases by one friend are one credit"
        );
    })
    .await;
}
