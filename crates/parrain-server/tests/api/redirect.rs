//! `/r/{code}`: the share link.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{expect, spawn_app, spawn_app_with, visitor_of};

#[tokio::test]
async fn a_share_link_records_the_click_sets_the_cookie_and_redirects_with_attribution() {
    let app = spawn_app().await;
    let offer = app.live_offer(json!({"count": 3})).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();

    let response = app.follow(&code.to_uppercase(), None).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let visitor = visitor_of(&response);
    let location = response.headers()["location"].to_str().unwrap();
    assert_eq!(
        location,
        format!("https://shop.example.com/refer?parrain_ref={code}&parrain_vid={visitor}")
    );
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with(&format!("parrain_vid={visitor};")),
        "{cookie}"
    );
    assert!(
        cookie.contains("Max-Age=31536000") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    // The same browser again keeps its id and gets no new cookie.
    let again = app
        .follow(&format!("{code}?ch=linkedin"), Some(&visitor))
        .await;
    assert_eq!(visitor_of(&again), visitor);
    assert!(again.headers().get("set-cookie").is_none());

    app.drain().await;
    let clicks = app.activities("type=clicks_shared_link").await;
    assert_eq!(clicks.len(), 2);
    assert_eq!(clicks[0]["details"]["channel"], "linkedin");
    assert_eq!(clicks[0]["visitor_id"], visitor);
}

#[tokio::test]
async fn a_share_link_answers_with_the_security_headers_and_the_callers_request_id() {
    let app = spawn_app().await;
    let offer = app.live_offer(json!({"count": 3})).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();
    for path in [format!("/r/{code}"), "/r/zzzzzzzzzz".to_owned()] {
        let response = app
            .client
            .get(app.url(&path))
            .header("x-request-id", "req-42")
            .send()
            .await
            .unwrap();
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(
            headers["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        assert_eq!(headers["x-request-id"], "req-42", "{path}");
    }
}

/// Most share links are answered before the router; the few it leaves to
/// the router (`HEAD`, a code with percent-escapes) get the same answer,
/// and a path that only starts like a share link is no share link.
#[tokio::test]
async fn a_share_link_is_answered_alike_however_it_is_asked() {
    let app = spawn_app().await;
    let offer = app.live_offer(json!({"count": 3})).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();
    let expected = |visitor: &str| {
        format!("https://shop.example.com/refer?parrain_ref={code}&parrain_vid={visitor}")
    };

    let plain = app.follow(code, None).await;
    assert_eq!(plain.status(), StatusCode::FOUND);
    let first = visitor_of(&plain);
    assert_eq!(plain.headers()["location"], expected(&first).as_str());

    // Every character of the code escaped, as some mail clients rewrite links.
    let escaped: String = code.bytes().map(|b| format!("%{b:02X}")).collect();
    let response = app.follow(&escaped, None).await;
    assert_eq!(response.status(), StatusCode::FOUND, "/r/{escaped}");
    let second = visitor_of(&response);
    assert_ne!(second, first);
    assert_eq!(response.headers()["location"], expected(&second).as_str());
    assert!(response.headers().get("set-cookie").is_some());
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");

    // A `HEAD` (some link checkers) is answered as a `GET` is.
    let response = app
        .client
        .head(app.url(&format!("/r/{code}")))
        .header("cookie", format!("parrain_vid={first}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], expected(&first).as_str());

    for path in ["/r/".to_owned(), format!("/r/{code}/more")] {
        let response = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(response.headers().get("location").is_none(), "{path}");
    }

    app.drain().await;
    let clicks = app.activities("type=clicks_shared_link").await;
    let mut browsers: Vec<_> = clicks
        .iter()
        .map(|c| c["visitor_id"].as_str().unwrap())
        .collect();
    browsers.sort_unstable();
    let mut both = [first.as_str(), first.as_str(), second.as_str()];
    both.sort_unstable();
    assert_eq!(browsers, both, "{clicks:?}");
}

#[tokio::test]
async fn a_landing_page_share_url_keeps_its_own_query() {
    let app = spawn_app().await;
    let mut settings = crate::helpers::offer_settings(json!({"count": 3}));
    settings["share_url"] =
        json!({"kind": "landing_page", "url": "https://lp.example.com/join?utm_source=referral"});
    let offer = app.live_offer_with(settings).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let response = app.follow(ana["code"].as_str().unwrap(), None).await;
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("https://lp.example.com/join?utm_source=referral&parrain_ref="),
        "{location}"
    );
}

#[tokio::test]
async fn unknown_codes_get_the_fallback_and_record_nothing() {
    let app = spawn_app().await;
    let response = app.follow("zzzzzzzzzz", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("does not lead anywhere"));

    let app = spawn_app_with(|c| c.fallback_url = Some("https://www.example.com/".into())).await;
    let response = app.follow("not-a-code!", None).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "https://www.example.com/");
    assert!(response.headers().get("set-cookie").is_none());
    app.drain().await;
    assert_eq!(app.activities("").await.len(), 0);
}

/// A redirect is answered once its click is durable; reads (the activity
/// log, reports, the participant's page) see it once it is recorded, which
/// the embedded store does within 50 ms when nothing else is written. The
/// test allows a loaded machine ten times that.
#[tokio::test]
async fn a_click_is_seen_by_reads_soon_after_its_redirect_without_any_other_write() {
    let app = spawn_app().await;
    let offer = app.live_offer(json!({"count": 3})).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();
    app.drain().await;

    let answered = std::time::Instant::now();
    let visitor = app.friend_arrives(code).await;
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(5));
    let clicks = loop {
        let clicks = app.activities("type=clicks_shared_link").await;
        if !clicks.is_empty() || answered.elapsed().as_millis() > 500 {
            break clicks;
        }
        tick.tick().await;
    };
    assert_eq!(clicks.len(), 1, "not seen {:?} after", answered.elapsed());
    assert_eq!(clicks[0]["visitor_id"], visitor);
}

/// Clicks that arrive together are written together (on PostgreSQL, the
/// rows of a group's clicks by one statement before it commits): each
/// answered redirect is one click in the log, its browser is attributed
/// to the link, and a webhook that listens to clicks gets each one, naming
/// the activity the log shows.
#[tokio::test]
async fn a_burst_of_clicks_from_new_browsers_records_and_attributes_each_once() {
    let app = spawn_app_with(|c| c.allow_private_webhooks = true).await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 100}))
        .await;
    let receiver = crate::receiver::Receiver::start(&[]).await;
    app.post_ok(
        "/v1/webhooks",
        &json!({"url": receiver.url, "events": ["clicks_shared_link"], "offer_id": offer}),
        StatusCode::CREATED,
    )
    .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();

    const CLICKS: usize = 40;
    let redirects = (0..CLICKS).map(|_| app.follow(code, None));
    let mut visitors = Vec::new();
    for response in futures_util::future::join_all(redirects).await {
        assert_eq!(response.status(), StatusCode::FOUND);
        visitors.push(visitor_of(&response));
    }
    visitors.sort();
    visitors.dedup();
    assert_eq!(
        visitors.len(),
        CLICKS,
        "each redirect names a browser of its own"
    );

    let deliveries = receiver.wait_for(CLICKS).await;
    app.drain().await;
    let clicks = app.activities("type=clicks_shared_link").await;
    let mut logged: Vec<(String, String)> = clicks
        .iter()
        .map(|c| {
            assert_eq!(c["participant_id"], ana["id"]);
            (
                c["id"].as_str().unwrap().to_owned(),
                c["visitor_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    logged.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        logged.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>(),
        visitors
    );
    let mut delivered: Vec<(String, String)> = deliveries
        .iter()
        .map(|r| {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            let data = &body["data"];
            (
                data["id"].as_str().unwrap().to_owned(),
                data["visitor_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    delivered.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        delivered, logged,
        "a delivery per click, naming its activity"
    );

    // Each browser signs up without the code: its click's attribution finds ana.
    let path = format!("/v1/offers/{offer}/participants");
    let sign_ups = visitors.iter().enumerate().map(|(n, visitor)| {
        let (app, path) = (&app, &path);
        async move {
            let body = json!({"email": format!("friend{n}@example.com"), "visitor_id": visitor});
            app.post_ok(path, &body, StatusCode::CREATED).await
        }
    });
    for friend in futures_util::future::join_all(sign_ups).await {
        assert_eq!(friend["referred_by"], ana["id"], "{friend}");
    }
    let ana = app
        .get_ok(&format!("/v1/participants/{}", ana["id"].as_str().unwrap()))
        .await;
    assert_eq!(ana["credit"], CLICKS);
}

/// The click log follows share links with a cache of its own: once an
/// offer's new share address is approved, the next click goes there.
#[tokio::test]
async fn a_click_after_a_new_share_address_is_approved_goes_to_it() {
    let app = spawn_app().await;
    let mut settings = crate::helpers::offer_settings(json!({"count": 3}));
    settings["share_url"] = json!({"kind": "landing_page", "url": "https://one.example.com/"});
    let offer = app.live_offer_with(settings).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();
    let goes_to = |response: reqwest::Response| {
        let location = response.headers()["location"].to_str().unwrap();
        location.split('?').next().unwrap().to_owned()
    };
    assert_eq!(
        goes_to(app.follow(code, None).await),
        "https://one.example.com/"
    );

    let moved = json!({"share_url": {"kind": "landing_page", "url": "https://two.example.com/"}});
    expect(
        app.patch(&format!("/v1/offers/{offer}"), &moved).await,
        StatusCode::OK,
    )
    .await;
    expect(app.approve(&offer).await, StatusCode::OK).await;
    assert_eq!(
        goes_to(app.follow(code, None).await),
        "https://two.example.com/"
    );
}
