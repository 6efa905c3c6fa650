//! The offer page of the demo offer in real Chromium: it says what the
//! offer does in sentences, shows the headline figures with their 30-day
//! sparklines, and shows no setting's key anywhere.

use parrain_server::Clock;
use serde_json::{json, Value};

use crate::admin_pages::{add_operator, signed_in_as, texts, OPERATOR};
use crate::app::spawn_app_with;
use crate::chrome::scenario;

/// Every dotted path of a JSON document (`goal.count`, `fraud.same_ip`).
fn paths(prefix: &str, v: &Value, out: &mut Vec<String>) {
    if let Value::Object(map) = v {
        for (k, v) in map {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            if !prefix.is_empty() {
                out.push(path.clone());
            }
            paths(&path, v, out);
        }
    }
}

#[tokio::test]
async fn the_demo_offer_page_reads_as_sentences_and_figures_without_setting_keys() {
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
        add_operator(store, config, dir).await;
    })
    .await;
    let offer = app.demo.as_ref().unwrap().offer_id.clone();

    scenario("admin_summary", move |chrome| async move {
        let path = format!("/v1/offers/{offer}/participants");
        let ada = app.post(&path, json!({"email": "ada@example.com", "first_name": "Ada"})).await;
        app.post(
            &path,
            json!({"email": "grace@example.com", "first_name": "Grace", "referral_code": ada["code"]}),
        )
        .await;

        let browser = signed_in_as(&chrome, &app, OPERATOR).await;
        browser.goto(&app.url(&format!("/admin/offers/{offer}"))).await;
        let goal = texts(&browser, "dd[data-part='Goal']").await;
        assert_eq!(
            goal,
            ["Friends who sign up through a participant's link earn them one credit; at 3 credits they get a promo code by email, automatically."]
        );
        let parts = texts(&browser, "dl.summary dt").await;
        for part in ["Goal", "Sharing", "Sign-up form", "Emails", "Schedule and attribution", "Fraud rules"] {
            assert!(parts.iter().any(|p| p == part), "{part} in {parts:?}");
        }

        let figure = |key: &'static str| {
            let browser = &browser;
            async move {
                let css = format!("[data-figure='{key}'] .figure-value");
                texts(browser, &css).await.pop().unwrap_or_default()
            }
        };
        assert_eq!(figure("participants").await, "2");
        assert_eq!(figure("referred_sign_ups").await, "1");
        assert_eq!(figure("achieved").await, "0");
        assert_eq!(figure("fulfilled").await, "0");
        assert_eq!(figure("waiting_review").await, "0");
        assert_eq!(figure("clicks").await, "0");
        let labels = texts(&browser, ".figure-label").await;
        assert_eq!(
            labels,
            ["Participants", "Clicks", "Referred sign-ups", "Achieved", "Fulfilled", "Waiting for review", "Promo codes left"]
        );
        let sparks = browser
            .js("return document.querySelectorAll('.figure svg.spark').length", vec![])
            .await;
        assert_eq!(sparks, json!(5));
        let today = browser
            .js(
                "return [...document.querySelectorAll(\"[data-figure='participants'] svg.spark title\")].pop().textContent",
                vec![],
            )
            .await;
        assert!(today.as_str().unwrap().ends_with(": 2"), "today's point: {today}");

        // No setting's key, dotted or in capitals, anywhere on the page.
        let shown = browser.js("return document.body.innerText", vec![]).await;
        let shown = shown.as_str().unwrap().to_lowercase();
        let settings = app.get(&format!("/v1/offers/{offer}")).await;
        let mut keys = Vec::new();
        paths("", &settings["live"], &mut keys);
        assert!(keys.len() > 20, "{keys:?}");
        for key in &keys {
            assert!(!shown.contains(key.as_str()), "{key} is shown:\n{shown}");
        }
        for key in settings["live"].as_object().unwrap().keys() {
            if key.contains('_') {
                assert!(!shown.contains(key.as_str()), "{key} is shown:\n{shown}");
            }
        }
    })
    .await;
}
