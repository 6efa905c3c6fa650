//! Share links seen by link-preview crawlers: a static preview answers with
//! its tags and no redirect, and no crawler fetch is ever a click.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{offer_settings, spawn_app};

const FACEBOOK: &str = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)";

#[tokio::test]
async fn a_crawler_gets_the_static_tags_and_no_click_while_a_browser_is_redirected() {
    // Arrange
    let app = spawn_app().await;
    let mut settings = offer_settings(json!({"type": "referred_visits", "count": 2}));
    settings["share_preview"] = json!({"kind": "static", "title": "Spring <sale>",
        "description": "20% off", "image_url": "https://cdn.example.com/card.png"});
    let offer = app.live_offer_with(settings).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();

    // Act
    let crawler = app
        .client
        .get(app.url(&format!("/r/{code}")))
        .header("user-agent", FACEBOOK)
        .send()
        .await
        .unwrap();
    let crawler_status = crawler.status();
    let cookie = crawler.headers().get("set-cookie").cloned();
    let page = crawler.text().await.unwrap();
    app.drain().await;
    let clicks_after_crawler = app.activities("type=clicks_shared_link").await.len();
    let browser = app.follow(code, None).await;

    // Assert
    assert_eq!(crawler_status, StatusCode::OK);
    assert!(cookie.is_none());
    assert!(
        page.contains("<meta property=\"og:title\" content=\"Spring &lt;sale&gt;\">"),
        "{page}"
    );
    assert!(
        page.contains("og:image\" content=\"https://cdn.example.com/card.png\""),
        "{page}"
    );
    assert!(page.contains("summary_large_image"), "{page}");
    assert!(
        page.contains(&format!("og:url\" content=\"{}/r/{code}\"", app.base)),
        "{page}"
    );
    assert_eq!(clicks_after_crawler, 0);
    assert_eq!(browser.status(), StatusCode::FOUND);
    app.drain().await;
    assert_eq!(app.activities("type=clicks_shared_link").await.len(), 1);
}

#[tokio::test]
async fn with_a_dynamic_preview_a_crawler_is_redirected_but_not_counted() {
    // Arrange
    let app = spawn_app().await;
    let offer = app
        .live_offer_with(offer_settings(
            json!({"type": "referred_visits", "count": 2}),
        ))
        .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();

    // Act
    let crawler = app
        .client
        .get(app.url(&format!("/r/{code}")))
        .header(
            "user-agent",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        )
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(crawler.status(), StatusCode::FOUND);
    assert!(crawler.headers().get("set-cookie").is_none());
    app.drain().await;
    assert!(app.activities("type=clicks_shared_link").await.is_empty());
}
