//! A promo-code pool's low-stock warning (SPEC §15): `promo_codes.low` once
//! per fall below the pool's `low_stock`, in the activity log and at a real
//! webhook receiver; again only after a refill and a new fall; once under
//! concurrent fulfilments; a bad threshold refused by name; the admin's
//! notice until a refill.

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::admin::{csrf_field, signed_in};
use crate::helpers::{expect, offer_settings, spawn_app, spawn_app_with, TestApp};
use crate::receiver::Receiver;

async fn set_low_stock(app: &TestApp, offer: &str, query: &str, body: Value) -> reqwest::Response {
    app.patch(&format!("/v1/offers/{offer}/promo-codes{query}"), &body)
        .await
}

async fn put_pool(app: &TestApp, offer: &str, pool: &str, codes: &str) -> Value {
    let response = app
        .client
        .put(app.url(&format!("/v1/offers/{offer}/promo-codes?pool={pool}")))
        .bearer_auth(&app.sk)
        .header("content-type", "text/plain")
        .body(codes.to_owned())
        .send()
        .await
        .unwrap();
    expect(response, StatusCode::OK).await
}

async fn lows(app: &TestApp, offer: &str) -> Vec<Value> {
    app.activities(&format!("offer_id={offer}&type=promo_codes.low"))
        .await
}

/// A referrer signs up and one friend through its code: on a one-sign-up
/// goal with automatic delivery, the referrer is given a code.
async fn one_code_given(app: &TestApp, offer: &str, n: usize) -> String {
    let referrer = app
        .participant(offer, &format!("referrer{n}@example.com"))
        .await;
    let friend =
        json!({"email": format!("friend{n}@example.com"), "referral_code": referrer["code"]});
    expect(app.sign_up(offer, friend).await, StatusCode::CREATED).await;
    let detail = app
        .participant_detail(referrer["id"].as_str().unwrap())
        .await;
    detail["promo_code"].as_str().expect("a code").to_owned()
}

#[tokio::test]
async fn promo_codes_low_is_recorded_once_per_fall_and_again_after_a_refill() {
    // Arrange: five codes, a warning below three, an endpoint for the event.
    let app = spawn_app_with(|c| c.allow_private_webhooks = true).await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    expect(
        app.put_promo_codes(&offer, "C1\nC2\nC3\nC4\nC5\n").await,
        StatusCode::OK,
    )
    .await;
    let counts = expect(
        set_low_stock(&app, &offer, "", json!({"low_stock": 3})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        counts,
        json!({"total": 5, "assigned": 0, "available": 5, "low_stock": 3, "low": false})
    );
    let receiver = Receiver::start(&[]).await;
    app.post_ok(
        "/v1/webhooks",
        &json!({"url": receiver.url, "events": ["promo_codes.low"]}),
        StatusCode::CREATED,
    )
    .await;

    // Act + Assert: 4 and 3 left is not below three; 2 left is.
    for n in 0..2 {
        one_code_given(&app, &offer, n).await;
    }
    assert!(lows(&app, &offer).await.is_empty());
    one_code_given(&app, &offer, 2).await;
    let recorded = lows(&app, &offer).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        recorded[0]["details"],
        json!({"pool": "default", "available": 2, "low_stock": 3})
    );
    let counts = app.get_ok(&format!("/v1/offers/{offer}/promo-codes")).await;
    assert_eq!(
        (counts["available"].clone(), counts["low"].clone()),
        (json!(2), json!(true))
    );

    // A further drop is the same fall: nothing new.
    one_code_given(&app, &offer, 3).await;
    assert_eq!(lows(&app, &offer).await.len(), 1);

    // A refill to four (at or above three) ends the fall; four and three
    // left again say nothing, two left is a new fall.
    let refilled = put_pool(&app, &offer, "default", "R1\nR2\nR3\nR4\n").await;
    assert_eq!(
        (refilled["available"].clone(), refilled["low"].clone()),
        (json!(4), json!(false))
    );
    one_code_given(&app, &offer, 4).await;
    assert_eq!(lows(&app, &offer).await.len(), 1);
    one_code_given(&app, &offer, 5).await;
    let recorded = lows(&app, &offer).await;
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0]["details"]["available"], 2);

    // The endpoint got both, naming the offer, the pool, what is left and the threshold.
    app.drain().await;
    let bodies: Vec<Value> = receiver
        .requests()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies.len(), 2);
    for body in &bodies {
        assert_eq!(body["type"], "promo_codes.low");
        assert_eq!(body["data"]["offer_id"], offer.as_str());
        assert_eq!(
            body["data"]["details"],
            json!({"pool": "default", "available": 2, "low_stock": 3})
        );
    }
}

#[tokio::test]
async fn a_named_pool_warns_by_its_own_threshold_and_the_default_pool_is_apart() {
    // Arrange: the friend's reward draws from `welcome`; its threshold is
    // set before the pool's first upload.
    let app = spawn_app().await;
    let settings = json!({
        "name": "Give 10, get 10",
        "goal": {"type": "referred_signups", "count": 5},
        "offer_page_url": "https://shop.example.com/refer",
        "rewards": [
            {"id": "goal", "for": "referrer", "at": 5, "label": "A month free"},
            {"id": "welcome", "for": "friend", "on": "sign_up", "promo_codes": "welcome",
             "label": "€10 off"}
        ]
    });
    let offer = app.create_offer(&settings).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let set = expect(
        set_low_stock(&app, &offer, "?pool=welcome", json!({"low_stock": 2})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        set,
        json!({"total": 0, "assigned": 0, "available": 0, "low_stock": 2, "low": false})
    );
    // A pool with no upload yet is not low, and a threshold is not an
    // upload: approval still wants the pool's codes.
    expect(app.approve(&offer).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    put_pool(&app, &offer, "welcome", "W1\nW2\nW3\n").await;
    put_pool(&app, &offer, "default", "D1\n").await;
    expect(app.approve(&offer).await, StatusCode::OK).await;
    assert!(lows(&app, &offer).await.is_empty());
    let ana = app.participant(&offer, "ana@example.com").await;

    // Act: two friends sign up, each given a welcome code.
    for email in ["bo@example.com", "cy@example.com"] {
        let friend = json!({"email": email, "referral_code": ana["code"]});
        expect(app.sign_up(&offer, friend).await, StatusCode::CREATED).await;
    }

    // Assert: one left in `welcome` is below two; `default` has no threshold.
    let recorded = lows(&app, &offer).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        recorded[0]["details"],
        json!({"pool": "welcome", "available": 1, "low_stock": 2})
    );
    let default = app.get_ok(&format!("/v1/offers/{offer}/promo-codes")).await;
    assert_eq!(default["low_stock"], Value::Null);

    // Removing the warning and setting one above what is left warns at once.
    let cleared = expect(
        set_low_stock(&app, &offer, "?pool=welcome", json!({"low_stock": null})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (cleared["low_stock"].clone(), cleared["low"].clone()),
        (Value::Null, json!(false))
    );
    expect(
        set_low_stock(&app, &offer, "?pool=welcome", json!({"low_stock": 10})).await,
        StatusCode::OK,
    )
    .await;
    let recorded = lows(&app, &offer).await;
    assert_eq!(recorded.len(), 2);
    assert_eq!(
        recorded[0]["details"],
        json!({"pool": "welcome", "available": 1, "low_stock": 10})
    );
}

#[tokio::test]
async fn twenty_concurrent_fulfilments_crossing_the_line_record_one_warning() {
    // Arrange: twenty referrers at the goal, waiting for a manual fulfilment;
    // 25 codes, a warning below 15.
    let app = spawn_app().await;
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 1}));
    settings["fulfillment"] = json!({"delivery": "manual"});
    let offer = app.live_offer_with(settings).await;
    let codes: String = (0..25).map(|i| format!("K{i:02}\n")).collect();
    expect(app.put_promo_codes(&offer, &codes).await, StatusCode::OK).await;
    expect(
        set_low_stock(&app, &offer, "", json!({"low_stock": 15})).await,
        StatusCode::OK,
    )
    .await;
    let mut referrers = Vec::new();
    for n in 0..20 {
        let referrer = app
            .participant(&offer, &format!("referrer{n}@example.com"))
            .await;
        let friend =
            json!({"email": format!("friend{n}@example.com"), "referral_code": referrer["code"]});
        expect(app.sign_up(&offer, friend).await, StatusCode::CREATED).await;
        referrers.push(referrer["id"].as_str().unwrap().to_owned());
    }

    // Act: all twenty fulfilled at once.
    let app = &app;
    let answers = join_all(referrers.iter().map(|id| async move {
        let response = app
            .post(
                &format!("/v1/participants/{id}/fulfill"),
                &app.sk,
                &json!({}),
            )
            .await;
        expect(response, StatusCode::OK).await
    }))
    .await;

    // Assert: twenty codes given, five left, one warning.
    assert_eq!(answers.len(), 20);
    let counts = app.get_ok(&format!("/v1/offers/{offer}/promo-codes")).await;
    assert_eq!(counts["available"], 5);
    assert_eq!(counts["low"], true);
    let recorded = lows(app, &offer).await;
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0]["details"]["low_stock"], 15);
    assert_eq!(recorded[0]["details"]["available"], 14);
}

#[tokio::test]
async fn a_bad_threshold_is_refused_naming_the_field_and_nothing_is_kept() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    app.put_promo_codes(&offer, "C1\n").await;

    for (body, field) in [
        (json!({"low_stock": 0}), Some("low_stock")),
        (json!({"low_stock": -3}), Some("low_stock")),
        (json!({"low_stock": 1_000_001}), Some("low_stock")),
        (json!({"low_stock": "ten"}), Some("low_stock")),
        (json!({"low_stock": 2.5}), Some("low_stock")),
        // Absent is not "no warning": that is an explicit null.
        (json!({}), Some("body")),
        (json!({"low_stock": 5, "warn_at": 5}), None),
    ] {
        let refused = expect(
            set_low_stock(&app, &offer, "", body.clone()).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(refused["error"]["code"], "invalid_field", "{body}");
        let message = refused["error"]["message"].as_str().unwrap();
        if let Some(field) = field {
            assert_eq!(refused["error"]["details"]["field"], field, "{body}");
            assert!(message.contains("low_stock"), "{refused}");
        } else {
            assert!(message.contains("warn_at"), "{refused}");
        }
    }
    let refused = expect(
        set_low_stock(&app, &offer, "?pool=Not%20OK", json!({"low_stock": 3})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(refused["error"]["details"]["field"], "pool");
    let unknown = "off_00000000000000000000";
    let missing = set_low_stock(&app, unknown, "", json!({"low_stock": 3})).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // Nothing of the refused requests was kept.
    let counts = app.get_ok(&format!("/v1/offers/{offer}/promo-codes")).await;
    assert_eq!(
        counts,
        json!({"total": 1, "assigned": 0, "available": 1, "low_stock": null, "low": false})
    );
    assert!(lows(&app, &offer).await.is_empty());
}

#[tokio::test]
async fn the_offer_page_says_a_pool_is_low_until_a_refill() {
    // Arrange: an operator sets the warning from the offer page.
    let app = spawn_app().await;
    let session = signed_in(&app, "stock@example.com").await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    app.put_promo_codes(&offer, "C1\nC2\nC3\n").await;
    let open = |path: String| {
        let request = app.client.get(app.url(&path)).header("cookie", &session);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.text().await.unwrap()
        }
    };
    let page = || open(format!("/admin/offers/{offer}"));
    let list = || open("/admin".to_owned());
    let html = page().await;
    assert!(!html.contains("data-low-pool"), "{html}");
    let saved = app
        .client
        .post(app.url(&format!("/admin/offers/{offer}/promo-codes/low-stock")))
        .header("cookie", &session)
        .form(&[
            ("csrf", csrf_field(&html).as_str()),
            ("pool", ""),
            ("low_stock", "2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let counts = app.get_ok(&format!("/v1/offers/{offer}/promo-codes")).await;
    assert_eq!(counts["low_stock"], 2);
    let html = page().await;
    assert!(!html.contains("data-low-pool"), "{html}");
    assert!(html.contains("<td data-low-stock>2</td>"), "{html}");

    // A bad threshold from the form is refused naming the field.
    let refused = app
        .client
        .post(app.url(&format!("/admin/offers/{offer}/promo-codes/low-stock")))
        .header("cookie", &session)
        .form(&[("csrf", csrf_field(&html).as_str()), ("low_stock", "-1")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.unwrap().contains("low_stock"));

    // Act: two codes given, one left.
    for n in 0..2 {
        one_code_given(&app, &offer, n).await;
    }

    // Assert: the notice names the pool, what is left and the threshold,
    // and leads to the upload; a refill takes it away.
    let html = page().await;
    let notice = html
        .split(r#"data-low-pool="default""#)
        .nth(1)
        .expect("a low-stock notice")
        .split("</p>")
        .next()
        .unwrap()
        .to_owned();
    assert!(notice.contains("<code>default</code>"), "{notice}");
    assert!(notice.contains("1 left"), "{notice}");
    assert!(notice.contains("warning at 2"), "{notice}");
    assert!(notice.contains(r##"href="#promo""##), "{notice}");
    let offers = list().await;
    assert!(offers.contains(r#"data-low-pools="default""#), "{offers}");
    assert!(offers.contains(&format!(r##"href="/admin/offers/{offer}#promo""##)));
    put_pool(&app, &offer, "default", "R1\nR2\n").await;
    assert!(!page().await.contains("data-low-pool"));
    assert!(!list().await.contains("data-low-pools"));
}

#[tokio::test]
async fn twenty_friends_signing_up_at_once_cross_the_line_with_one_warning() {
    // Arrange: twenty referrers, each one friend from its goal; automatic
    // fulfilment, so each friend's sign-up gives its referrer a code.
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    let codes: String = (0..25).map(|i| format!("A{i:02}\n")).collect();
    expect(app.put_promo_codes(&offer, &codes).await, StatusCode::OK).await;
    expect(
        set_low_stock(&app, &offer, "", json!({"low_stock": 15})).await,
        StatusCode::OK,
    )
    .await;
    let mut friends = Vec::new();
    for n in 0..20 {
        let referrer = app
            .participant(&offer, &format!("referrer{n}@example.com"))
            .await;
        friends.push(
            json!({"email": format!("friend{n}@example.com"), "referral_code": referrer["code"]}),
        );
    }

    // Act: the twenty friends sign up at once.
    let app = &app;
    let offer = &offer;
    join_all(friends.into_iter().map(|friend| async move {
        expect(app.sign_up(offer, friend).await, StatusCode::CREATED).await
    }))
    .await;

    // Assert: twenty codes given, five left, one warning at fourteen.
    let counts = app.get_ok(&format!("/v1/offers/{offer}/promo-codes")).await;
    assert_eq!(counts["available"], 5);
    let recorded = lows(app, offer).await;
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(
        recorded[0]["details"],
        json!({"pool": "default", "available": 14, "low_stock": 15})
    );
}
