//! Credit for each goal type, end to end: a referrer signs up, friends come
//! through its share link and do what the goal asks; duplicates and the
//! referrer itself earn nothing; at the goal it is fulfilled with a promo code.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_code, expect, spawn_app, TestApp};

async fn credit_of(app: &TestApp, participant: &Value) -> i64 {
    let id = participant["id"].as_str().unwrap();
    app.participant_detail(id).await["credit"].as_i64().unwrap()
}

fn code(participant: &Value) -> &str {
    participant["code"].as_str().unwrap()
}

#[tokio::test]
async fn referred_signups_credit_each_friend_once_and_fulfil_at_the_goal() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 2}))
        .await;
    app.put_promo_codes(&offer, "SPRING-1\nSPRING-2\n").await;
    let ana_browser = "vis_0000000000000000000a";
    let ana = expect(
        app.sign_up(
            &offer,
            json!({"email": "ana@example.com", "visitor_id": ana_browser}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    // A friend follows the link and signs up: one credit.
    let bob_browser = app.friend_arrives(code(&ana)).await;
    let bob = json!({"email": "bob@example.com", "visitor_id": bob_browser});
    expect(app.sign_up(&offer, bob.clone()).await, StatusCode::CREATED).await;
    assert_eq!(credit_of(&app, &ana).await, 1);

    // The same friend signing up again is the same participant and no new credit.
    expect(app.sign_up(&offer, bob).await, StatusCode::OK).await;
    assert_eq!(credit_of(&app, &ana).await, 1);

    // Ana's own browser following her own link, signing up another address: nothing.
    app.follow(code(&ana), Some(ana_browser)).await;
    app.sign_up(
        &offer,
        json!({"email": "ana.alt@example.com", "visitor_id": ana_browser}),
    )
    .await;
    assert_eq!(credit_of(&app, &ana).await, 1);

    // A second friend, named by share code only: the goal is met and fulfilled.
    let cid = json!({"email": "cid@example.com", "referral_code": code(&ana).to_uppercase()});
    expect(app.sign_up(&offer, cid).await, StatusCode::CREATED).await;
    let detail = app.participant_detail(ana["id"].as_str().unwrap()).await;
    assert_eq!(detail["credit"], 2);
    assert_eq!(detail["progress"]["achieved"], true);
    assert_eq!(detail["progress"]["fulfilled"], true);
    assert_eq!(detail["promo_code"], "SPRING-1");
    let friends: Vec<_> = detail["friends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["email"].clone())
        .collect();
    assert_eq!(
        friends,
        [json!("bob@example.com"), json!("cid@example.com")]
    );

    let pid = ana["id"].as_str().unwrap();
    let log = app.activities(&format!("participant_id={pid}")).await;
    let types: Vec<_> = log
        .iter()
        .rev()
        .map(|a| a["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "signs_up_for_referral_offer",
            "clicks_shared_link",
            "refers_to_social_app",
            "clicks_shared_link",
            "refers_to_social_app",
            "achieved_goal_in_referral",
            "offer_fulfilled"
        ]
    );
    let promo = app.get_ok(&format!("/v1/offers/{offer}/promo-codes")).await;
    assert_eq!(
        promo,
        json!({"total": 2, "available": 1, "assigned": 1, "low_stock": null, "low": false})
    );
}

#[tokio::test]
async fn referred_visits_count_unique_friends_by_default() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_visits", "count": 2}))
        .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let friend = app.friend_arrives(code(&ana)).await;
    for _ in 0..3 {
        let visit = json!({"offer_id": offer, "visitor_id": friend, "url": "https://shop.example.com/refer"});
        app.track("visit", visit).await;
    }
    assert_eq!(credit_of(&app, &ana).await, 1);

    // A browser nobody referred earns nobody anything.
    let stranger = json!({"offer_id": offer, "visitor_id": "vis_00000000000000000zzz"});
    let tracked = app.track("visit", stranger).await;
    assert_eq!(tracked["credited"], false);
    assert_eq!(tracked["reason"], "not_referred");

    let second = app.friend_arrives(code(&ana)).await;
    app.track("visit", json!({"offer_id": offer, "visitor_id": second}))
        .await;
    let detail = app.participant_detail(ana["id"].as_str().unwrap()).await;
    assert_eq!(detail["credit"], 2);
    assert_eq!(detail["progress"]["fulfilled"], true);
    // The pool was empty: fulfilled without a code, and the log says so.
    assert_eq!(detail["promo_code"], Value::Null);
    assert_eq!(app.activities("type=promo_codes.exhausted").await.len(), 1);
}

#[tokio::test]
async fn each_visit_counting_credits_every_thirty_minute_session() {
    let app = spawn_app().await;
    let mut settings =
        crate::helpers::offer_settings(json!({"type": "referred_visits", "count": 10}));
    settings["visit_counting"] = json!("each_visit");
    let offer = app.live_offer_with(settings).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let friend = app.friend_arrives(code(&ana)).await;
    let visit = json!({"offer_id": offer, "visitor_id": friend});

    app.track("visit", visit.clone()).await;
    app.clock.advance(29 * 60_000);
    app.track("visit", visit.clone()).await; // same session: 29 minutes later
    assert_eq!(credit_of(&app, &ana).await, 1);
    app.clock.advance(30 * 60_000);
    app.track("visit", visit.clone()).await; // 30 minutes of silence: a new session
    assert_eq!(credit_of(&app, &ana).await, 2);
}

/// Visits at once of browsers already referred and of new ones carrying
/// the code, each browser twice: on PostgreSQL they run in groups, where a
/// visit that credits nothing has its attribution and session written with
/// the next flow's first statement. Every browser keeps both: a visit 29
/// minutes later is in the same session, and a purchase credits the
/// referrer.
#[tokio::test]
async fn a_burst_of_visits_keeps_each_browser_s_attribution_and_session() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "custom_event", "count": 1000, "event": "purchase"}))
        .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    const BROWSERS: usize = 12;
    let mut browsers = Vec::new();
    for _ in 0..BROWSERS {
        browsers.push((app.friend_arrives(code(&ana)).await, None));
    }
    for n in 0..BROWSERS {
        browsers.push((format!("vis_{n:020}"), Some(code(&ana))));
    }
    let visits: Vec<Value> = browsers
        .iter()
        .map(|(browser, code)| json!({"offer_id": offer, "visitor_id": browser, "referral_code": code}))
        .collect();
    let burst = |times: usize| {
        let requests = (0..times)
            .flat_map(|_| &visits)
            .map(|v| app.post("/v1/track/visit", &app.pk, v));
        futures_util::future::join_all(requests)
    };
    for r in burst(2).await {
        let _: Value = expect(r, StatusCode::OK).await;
    }
    app.clock.advance(29 * 60_000);
    let later = app.clock.now();
    for r in burst(1).await {
        let _: Value = expect(r, StatusCode::OK).await;
    }

    let visits = format!("type=visits_offer_page&offer_id={offer}");
    assert_eq!(
        app.activities(&visits).await.len(),
        3 * 2 * BROWSERS,
        "visits logged"
    );
    let since = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(later) * 1_000_000)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let last = app.activities(&format!("{visits}&since={since}")).await;
    assert_eq!(last.len(), 2 * BROWSERS);
    for visit in last {
        assert_eq!(visit["details"]["new_session"], false, "{visit}");
    }
    let events: Vec<Value> = browsers
        .iter()
        .map(|(browser, _)| json!({"offer_id": offer, "visitor_id": browser, "name": "purchase"}))
        .collect();
    let purchases = events
        .iter()
        .map(|e| app.post("/v1/track/event", &app.pk, e));
    for r in futures_util::future::join_all(purchases).await {
        let tracked: Value = expect(r, StatusCode::OK).await;
        assert_eq!(tracked["credited"], true, "{tracked}");
    }
    assert_eq!(credit_of(&app, &ana).await, 2 * BROWSERS as i64);
}

#[tokio::test]
async fn custom_events_credit_once_per_friend_and_only_the_offer_event() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "custom_event", "count": 1, "event": "purchase"}))
        .await;
    app.put_promo_codes(&offer, "P1\n").await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let friend = app.friend_arrives(code(&ana)).await;

    let other = app
        .track(
            "event",
            json!({"offer_id": offer, "visitor_id": friend, "name": "newsletter"}),
        )
        .await;
    assert_eq!(other["credited"], false);
    let purchase = json!({"offer_id": offer, "visitor_id": friend, "name": "purchase"});
    assert_eq!(app.track("event", purchase.clone()).await["credited"], true);
    let again = app.track("event", purchase).await;
    assert_eq!(again["credited"], false);
    assert_eq!(again["reason"], "already_credited");

    let detail = app.participant_detail(ana["id"].as_str().unwrap()).await;
    assert_eq!(
        (detail["credit"].as_i64(), detail["promo_code"].as_str()),
        (Some(1), Some("P1"))
    );
    assert_eq!(app.activities("type=custom_event").await.len(), 2 + 1);
}

#[tokio::test]
async fn a_participant_never_credits_itself() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "custom_event", "count": 1, "event": "purchase"}))
        .await;
    let own_browser = "vis_00000000000000000ana";
    let ana = app
        .sign_up(
            &offer,
            json!({"email": "ana@example.com", "visitor_id": own_browser}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    // Ana clicks her own link, then buys: no credit, and no attribution to herself.
    app.follow(code(&ana), Some(own_browser)).await;
    let tracked = app
        .track(
            "event",
            json!({"offer_id": offer, "visitor_id": own_browser, "name": "purchase"}),
        )
        .await;
    assert_eq!(tracked["credited"], false);
    // A second browser of hers, once identified by her email, is hers too.
    let laptop = app.friend_arrives(code(&ana)).await;
    app.identify(&laptop, "ana@example.com").await;
    let tracked = app
        .track(
            "event",
            json!({"offer_id": offer, "visitor_id": laptop, "name": "purchase"}),
        )
        .await;
    assert_eq!(tracked["credited"], false);
    assert_eq!(tracked["reason"], "self_referral");
    assert_eq!(credit_of(&app, &ana).await, 0);
}

async fn smart_list_offer(app: &TestApp, event: Value, delivery: &str) -> String {
    let mut settings = crate::helpers::offer_settings(
        json!({"type": "smart_list_trigger", "count": 1, "event": event}),
    );
    settings["fulfillment"] = json!({"delivery": delivery});
    app.live_offer_with(settings).await
}

#[tokio::test]
async fn give_credit_to_referrer_credits_the_referrer_of_that_friend() {
    let app = spawn_app().await;
    let offer = smart_list_offer(&app, json!("opportunity.created"), "manual").await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let friend = app.friend_arrives(code(&ana)).await;
    app.identify(&friend, "dan@example.com").await;

    let credited = expect(
        app.give_credit(&offer, json!({"email": "dan@example.com"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            credited["credited"].as_bool(),
            credited["participant_id"].as_str()
        ),
        (Some(true), ana["id"].as_str())
    );
    let twice = expect(
        app.give_credit(&offer, json!({"visitor_id": friend})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(twice["reason"], "already_credited");
    let nobody = expect(
        app.give_credit(&offer, json!({"email": "eve@example.com"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (nobody["credited"].as_bool(), nobody["reason"].as_str()),
        (Some(false), Some("unknown_friend"))
    );

    // Manual delivery: achieved, waiting for an operator.
    let id = ana["id"].as_str().unwrap();
    let detail = app.participant_detail(id).await;
    assert_eq!(
        (
            detail["progress"]["achieved"].as_bool(),
            detail["progress"]["fulfilled"].as_bool()
        ),
        (Some(true), Some(false))
    );
    let listed = app
        .get_ok(&format!(
            "/v1/offers/{offer}/participants?goal=achieved&fulfilled=false"
        ))
        .await;
    assert_eq!(listed["data"][0]["id"], id);
    app.put_promo_codes(&offer, "M1\n").await;
    let fulfilled = app
        .post_ok(
            &format!("/v1/participants/{id}/fulfill"),
            &json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(fulfilled["promo_code"], "M1");
    let again = expect(
        app.post(
            &format!("/v1/participants/{id}/fulfill"),
            &app.sk,
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(error_code(&again), "already_fulfilled");
}

#[tokio::test]
async fn give_credit_needs_a_smart_list_trigger_goal() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    let body = expect(
        app.give_credit(&offer, json!({"email": "a@example.com"}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(error_code(&body), "goal_not_smart_list_trigger");
}

#[tokio::test]
async fn server_events_credit_through_matching_trigger_rules_once_per_id() {
    let app = spawn_app().await;
    let rule = json!({"name": "opportunity.created", "where": [{"property": "amount", "op": ">=", "value": 1000}]});
    let offer = smart_list_offer(&app, rule, "auto_on_goal").await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let friend = app.friend_arrives(code(&ana)).await;
    app.identify(&friend, "dan@example.com").await;

    let small = json!({"id": "evt_1", "person": {"email": "dan@example.com"}, "name": "opportunity.created", "properties": {"amount": 500}});
    let out = app.post_ok("/v1/events", &small, StatusCode::OK).await;
    assert_eq!(out["credits"], json!([]));
    assert_eq!(credit_of(&app, &ana).await, 0);

    let big = json!([
        {"id": "evt_2", "person": {"email": "dan@example.com"}, "name": "opportunity.created", "properties": {"amount": 5000}},
        {"id": "evt_2", "person": {"email": "dan@example.com"}, "name": "opportunity.created", "properties": {"amount": 5000}}
    ]);
    let out = app.post_ok("/v1/events", &big, StatusCode::OK).await;
    assert_eq!(out["results"][0]["credits"][0]["credited"], true);
    assert_eq!(out["results"][1]["applied"], false);
    assert_eq!(credit_of(&app, &ana).await, 1);
    let detail = app.participant_detail(ana["id"].as_str().unwrap()).await;
    assert_eq!(detail["progress"]["fulfilled"], true);
}

#[tokio::test]
async fn twenty_concurrent_identical_requests_credit_once() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "custom_event", "count": 5, "event": "purchase"}))
        .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let friend = app.friend_arrives(code(&ana)).await;
    let body = json!({"offer_id": offer, "visitor_id": friend, "name": "purchase"});
    let requests = (0..20).map(|_| app.post("/v1/track/event", &app.pk, &body));
    let responses = futures_util::future::join_all(requests).await;
    let mut credited = 0;
    for r in responses {
        let json: Value = expect(r, StatusCode::OK).await;
        credited += usize::from(json["credited"] == true);
    }
    assert_eq!(credited, 1);
    assert_eq!(credit_of(&app, &ana).await, 1);
}

#[tokio::test]
async fn first_touch_keeps_the_first_referrer_and_last_touch_moves() {
    for (model, winner) in [("first_touch", 0), ("last_touch", 1)] {
        let app = spawn_app().await;
        let mut settings = crate::helpers::offer_settings(
            json!({"type": "custom_event", "count": 5, "event": "buy"}),
        );
        settings["attribution"] = json!({"model": model, "window_days": 30});
        let offer = app.live_offer_with(settings).await;
        let referrers = [
            app.participant(&offer, "a@example.com").await,
            app.participant(&offer, "b@example.com").await,
        ];
        let friend = app.friend_arrives(code(&referrers[0])).await;
        app.clock.advance(60_000);
        app.follow(code(&referrers[1]), Some(&friend)).await;
        app.track(
            "event",
            json!({"offer_id": offer, "visitor_id": friend, "name": "buy"}),
        )
        .await;
        assert_eq!(credit_of(&app, &referrers[winner]).await, 1, "{model}");
        assert_eq!(credit_of(&app, &referrers[1 - winner]).await, 0, "{model}");
    }
}

#[tokio::test]
async fn attribution_expires_after_its_window() {
    let app = spawn_app().await;
    let mut settings =
        crate::helpers::offer_settings(json!({"type": "custom_event", "count": 5, "event": "buy"}));
    settings["attribution"] = json!({"window_days": 7});
    let offer = app.live_offer_with(settings).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let friend = app.friend_arrives(code(&ana)).await;
    app.clock.advance(8 * 24 * 3600 * 1000);
    let tracked = app
        .track(
            "event",
            json!({"offer_id": offer, "visitor_id": friend, "name": "buy"}),
        )
        .await;
    assert_eq!(tracked["reason"], "not_referred");
}
