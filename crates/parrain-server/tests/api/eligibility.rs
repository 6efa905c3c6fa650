//! Existing customers and caps (SPEC §15): a friend on the offer's list
//! earns nothing, a referrer's credits and a link's daily clicks stop at
//! their caps, and every credit that did not count is a `credit.ineligible`
//! with its reason.

use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::{expect, offer_settings, spawn_app, TestApp};

fn code(participant: &Value) -> &str {
    participant["code"].as_str().unwrap()
}

async fn credit_of(app: &TestApp, participant: &Value) -> i64 {
    let id = participant["id"].as_str().unwrap();
    app.participant_detail(id).await["credit"].as_i64().unwrap()
}

async fn upload(
    app: &TestApp,
    method: reqwest::Method,
    offer: &str,
    csv: &str,
) -> reqwest::Response {
    app.client
        .request(
            method,
            app.url(&format!("/v1/offers/{offer}/existing-customers")),
        )
        .bearer_auth(&app.sk)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap()
}

/// The reasons of the offer's `credit.ineligible` activities.
async fn ineligible(app: &TestApp, offer: &str) -> Vec<String> {
    app.activities(&format!("offer_id={offer}&type=credit.ineligible"))
        .await
        .iter()
        .map(|a| a["details"]["reason"].as_str().unwrap().to_owned())
        .collect()
}

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn a_listed_existing_customer_plain_or_hashed_earns_nothing() {
    let app = spawn_app().await;
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 5}));
    settings["eligibility"] = json!({"exclude_existing_customers": true});
    let offer = app.live_offer_with(settings).await;
    let csv = format!(
        "email\nOld@Example.com\n{}\n",
        sha256("hashed@example.com").to_uppercase()
    );
    let listed = expect(
        upload(&app, reqwest::Method::PUT, &offer, &csv).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["count"], 2);
    let ana = app.participant(&offer, "ana@example.com").await;

    for email in [
        "old@example.com",
        "hashed@example.com",
        "new@example.com",
        "old@example.com",
    ] {
        let body = json!({"email": email, "referral_code": code(&ana)});
        assert!(app.sign_up(&offer, body).await.status().is_success());
    }

    assert_eq!(credit_of(&app, &ana).await, 1);
    assert_eq!(
        ineligible(&app, &offer).await,
        ["existing_customer", "existing_customer"]
    );
    let counted = app
        .get_ok(&format!("/v1/offers/{offer}/existing-customers"))
        .await;
    assert_eq!(counted["count"], 2);
}

#[tokio::test]
async fn the_list_is_ignored_unless_the_offer_excludes_existing_customers() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await;
    expect(
        upload(&app, reqwest::Method::PUT, &offer, "old@example.com").await,
        StatusCode::OK,
    )
    .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let body = json!({"email": "old@example.com", "referral_code": code(&ana)});
    assert!(app.sign_up(&offer, body).await.status().is_success());
    assert_eq!(credit_of(&app, &ana).await, 1);
    assert!(ineligible(&app, &offer).await.is_empty());
}

#[tokio::test]
async fn a_bad_row_refuses_the_whole_upload_and_parts_add_up() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await;
    let put = reqwest::Method::PUT;
    expect(
        upload(&app, put.clone(), &offer, "a@example.com\nb@example.com").await,
        StatusCode::OK,
    )
    .await;
    let refused = upload(
        &app,
        put.clone(),
        &offer,
        "c@example.com\nnot-an-email\nabc123",
    )
    .await;
    let body = expect(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body["error"]["code"], "invalid_existing_customers");
    let lines: Vec<&Value> = body["error"]["details"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["line"])
        .collect();
    assert_eq!(lines, [&json!(2), &json!(3)]);
    let counted = app
        .get_ok(&format!("/v1/offers/{offer}/existing-customers"))
        .await;
    assert_eq!(
        counted["count"], 2,
        "nothing of the refused upload was stored"
    );
    let added = upload(
        &app,
        reqwest::Method::POST,
        &offer,
        "b@example.com\nc@example.com",
    )
    .await;
    assert_eq!(expect(added, StatusCode::OK).await["count"], 3);
    let replaced = upload(&app, put, &offer, "d@example.com").await;
    assert_eq!(expect(replaced, StatusCode::OK).await["count"], 1);
}

#[tokio::test]
async fn a_customer_event_adds_its_person_to_the_list() {
    let app = spawn_app().await;
    let mut settings =
        offer_settings(json!({"type": "smart_list_trigger", "count": 5, "event": "purchase"}));
    settings["eligibility"] =
        json!({"exclude_existing_customers": true, "customer_event": "customer.created"});
    let offer = app.live_offer_with(settings).await;
    let ana = app.participant(&offer, "ana@example.com").await;

    let created = json!({"person": {"email": "zoe@example.com"}, "name": "customer.created"});
    app.post_ok("/v1/events", &created, StatusCode::OK).await;
    let counted = app
        .get_ok(&format!("/v1/offers/{offer}/existing-customers"))
        .await;
    assert_eq!(counted["count"], 1);

    for email in ["zoe@example.com", "yan@example.com"] {
        let purchase = json!({"person": {"email": email}, "name": "purchase",
                              "properties": {"coupon": code(&ana)}});
        app.post_ok("/v1/events", &purchase, StatusCode::OK).await;
    }
    assert_eq!(credit_of(&app, &ana).await, 1);
    assert_eq!(ineligible(&app, &offer).await, ["existing_customer"]);
}

#[tokio::test]
async fn a_referrers_credits_stop_at_the_cap_under_twenty_concurrent_friends() {
    let app = spawn_app().await;
    let mut settings =
        offer_settings(json!({"type": "smart_list_trigger", "count": 50, "event": "purchase"}));
    settings["limits"] = json!({"max_credits_per_referrer": 5});
    let offer = app.live_offer_with(settings).await;
    let ana = app.participant(&offer, "ana@example.com").await;

    let path = format!("/v1/offers/{offer}/give-credit");
    let bodies: Vec<Value> = (0..20)
        .map(|i| json!({"email": format!("friend{i}@example.com"), "coupon": code(&ana)}))
        .collect();
    let requests = bodies.iter().map(|body| app.post(&path, &app.sk, body));
    let mut credited = 0;
    for response in futures_util::future::join_all(requests).await {
        let out = expect(response, StatusCode::OK).await;
        if out["credited"] == true {
            credited += 1;
        } else {
            assert_eq!(out["reason"], "credit_cap", "{out}");
        }
    }

    assert_eq!(credited, 5);
    assert_eq!(credit_of(&app, &ana).await, 5);
    assert_eq!(ineligible(&app, &offer).await, vec!["credit_cap"; 15]);
}

#[tokio::test]
async fn a_links_clicks_stop_at_the_daily_cap_yet_still_redirect() {
    let app = spawn_app().await;
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 50}));
    settings["limits"] = json!({"max_clicks_per_link_per_day": 3});
    let offer = app.live_offer_with(settings).await;
    let ana = app.participant(&offer, "ana@example.com").await;

    let clicks = (0..20).map(|_| app.follow(code(&ana), None));
    for response in futures_util::future::join_all(clicks).await {
        assert_eq!(response.status(), StatusCode::FOUND);
    }
    app.drain().await;
    let recorded = app
        .activities(&format!("offer_id={offer}&type=clicks_shared_link"))
        .await;
    assert_eq!(recorded.len(), 3);

    // A browser whose click was past the cap is not attributed to Ana.
    let late = app.friend_arrives(code(&ana)).await;
    let body = json!({"email": "late@example.com", "visitor_id": late});
    let late = expect(app.sign_up(&offer, body).await, StatusCode::CREATED).await;
    assert_eq!(late["referred_by"], Value::Null);

    // A new UTC day counts again.
    app.clock.advance(24 * 3600 * 1000);
    app.friend_arrives(code(&ana)).await;
    app.drain().await;
    let recorded = app
        .activities(&format!("offer_id={offer}&type=clicks_shared_link"))
        .await;
    assert_eq!(recorded.len(), 4);
}

#[tokio::test]
async fn caps_and_eligibility_are_checked() {
    let app = spawn_app().await;
    for (key, value, field) in [
        (
            "limits",
            json!({"max_credits_per_referrer": 0}),
            "limits.max_credits_per_referrer",
        ),
        (
            "limits",
            json!({"max_clicks_per_link_per_day": -1}),
            "limits.max_clicks_per_link_per_day",
        ),
        (
            "eligibility",
            json!({"customer_event": "has space"}),
            "eligibility.customer_event",
        ),
    ] {
        let mut settings = offer_settings(json!({"type": "referred_signups", "count": 1}));
        settings[key] = value;
        let response = app.post("/v1/offers", &app.sk, &settings).await;
        let body = expect(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        let problems = body["error"]["details"]["problems"].as_array().unwrap();
        assert!(problems.iter().any(|p| p["field"] == field), "{body}");
    }
}

#[tokio::test]
async fn a_persons_export_shows_their_daily_clicks_and_customer_lists_and_erasure_takes_them_off_the_lists(
) {
    let app = spawn_app().await;
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 5}));
    settings["limits"] = json!({"max_clicks_per_link_per_day": 3});
    settings["eligibility"] = json!({"exclude_existing_customers": true});
    let offer = app.live_offer_with(settings).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    for _ in 0..2 {
        assert_eq!(
            app.follow(code(&ana), None).await.status(),
            StatusCode::FOUND
        );
    }
    let list = "email\nana@example.com\nbob@example.com\n";
    assert!(upload(&app, reqwest::Method::PUT, &offer, list)
        .await
        .status()
        .is_success());
    let id = ana["id"].as_str().unwrap();
    let person = app.participant_detail(id).await["person_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let today = app.clock.now().div_euclid(24 * 3600 * 1000);

    let before = app.get_ok(&format!("/v1/people/{person}/export")).await;
    expect(
        app.delete(&format!("/v1/people/{person}")).await,
        StatusCode::OK,
    )
    .await;
    let after = app.get_ok(&format!("/v1/people/{person}/export")).await;

    let clicks = json!([{"participant_id": id, "day": today, "clicks": 2}]);
    assert_eq!(before["link_clicks_per_day"], clicks);
    assert_eq!(before["existing_customer_of"], json!([offer]));
    // The hash of the address is theirs and goes; the counts of the kept,
    // anonymous participation stay, as its credit does.
    assert_eq!(after["existing_customer_of"], json!([]));
    assert_eq!(after["link_clicks_per_day"], clicks);
    let counted = app
        .get_ok(&format!("/v1/offers/{offer}/existing-customers"))
        .await;
    assert_eq!(counted["count"], 1, "Bob stays on the list");
}

#[tokio::test]
async fn a_referrers_rewards_stop_at_the_cap_under_twenty_concurrent_friends() {
    let app = spawn_app().await;
    let settings = json!({
        "name": "A coffee per friend",
        "goal": {"type": "smart_list_trigger", "count": 50, "event": "purchase"},
        "offer_page_url": "https://shop.example.com/refer",
        "rewards": [
            {"id": "coffee", "for": "referrer", "every": 1, "label": "A coffee"},
            {"id": "goal", "for": "referrer", "at": 50, "label": "A year free"}
        ],
        "limits": {"max_rewards_per_referrer": 5}
    });
    let offer = app.live_offer_with(settings).await;
    let ana = app.participant(&offer, "ana@example.com").await;

    let path = format!("/v1/offers/{offer}/give-credit");
    let bodies: Vec<Value> = (0..20)
        .map(|i| json!({"email": format!("friend{i}@example.com"), "coupon": code(&ana)}))
        .collect();
    let requests = bodies.iter().map(|body| app.post(&path, &app.sk, body));
    let mut credited = 0;
    for response in futures_util::future::join_all(requests).await {
        let out = expect(response, StatusCode::OK).await;
        if out["credited"] == true {
            credited += 1;
        } else {
            assert_eq!(out["reason"], "reward_cap", "{out}");
        }
    }

    assert_eq!(credited, 5);
    let detail = app.participant_detail(ana["id"].as_str().unwrap()).await;
    assert_eq!(detail["rewards"].as_array().unwrap().len(), 5, "{detail}");
    assert_eq!(detail["credit"], 5);
    assert_eq!(ineligible(&app, &offer).await, vec!["reward_cap"; 15]);
}

#[tokio::test]
async fn a_credit_that_reaches_two_rewards_past_the_cap_earns_only_the_one_within_it() {
    let app = spawn_app().await;
    let settings = json!({
        "name": "Two at three",
        "goal": {"type": "smart_list_trigger", "count": 3, "event": "purchase"},
        "offer_page_url": "https://shop.example.com/refer",
        "rewards": [
            {"id": "first", "for": "referrer", "at": 1},
            {"id": "goal", "for": "referrer", "at": 3},
            {"id": "bonus", "for": "referrer", "at": 3}
        ],
        "limits": {"max_rewards_per_referrer": 2}
    });
    let offer = app.live_offer_with(settings).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    for i in 0..4 {
        let body = json!({"email": format!("f{i}@example.com"), "coupon": code(&ana)});
        expect(app.give_credit(&offer, body).await, StatusCode::OK).await;
    }
    let detail = app.participant_detail(ana["id"].as_str().unwrap()).await;
    let ids: Vec<&str> = (detail["rewards"].as_array().unwrap().iter())
        .map(|r| r["reward_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["first", "goal"], "{detail}");
    assert_eq!(detail["credit"], 3);
    assert_eq!(ineligible(&app, &offer).await, ["reward_cap"]);
}

#[tokio::test]
async fn every_credit_that_did_not_count_says_why_on_the_participant_in_the_report_and_the_admin() {
    let app = spawn_app().await;
    let mut settings =
        offer_settings(json!({"type": "smart_list_trigger", "count": 50, "event": "purchase"}));
    settings["eligibility"] = json!({"exclude_existing_customers": true});
    let offer = app.live_offer_with(settings).await;
    let ada = app.participant(&offer, "ada.lovelace@gmail.com").await;
    let csv = "old@example.com\n";
    expect(
        upload(&app, reqwest::Method::PUT, &offer, csv).await,
        StatusCode::OK,
    )
    .await;

    let give = |email: &str| json!({"email": email, "coupon": code(&ada)});
    for (email, reason) in [
        ("ada.lovelace@gmail.com", "self_referral"),
        ("adalovelace+2@googlemail.com", "blocked_by_fraud_rule"),
        ("old@example.com", "existing_customer"),
    ] {
        let out = expect(app.give_credit(&offer, give(email)).await, StatusCode::OK).await;
        assert_eq!(
            (out["credited"].clone(), out["reason"].clone()),
            (json!(false), json!(reason))
        );
    }
    // The same self-referral again is refused without a second activity.
    let again = expect(
        app.give_credit(&offer, give("ada.lovelace@gmail.com"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["reason"], "self_referral", "{again}");
    let fine = expect(
        app.give_credit(&offer, give("grace@example.com")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(fine["credited"], true);

    let mut reasons = ineligible(&app, &offer).await;
    reasons.sort();
    assert_eq!(
        reasons,
        ["existing_customer", "fraud_rule", "self_referral"]
    );

    let detail = app.participant_detail(ada["id"].as_str().unwrap()).await;
    assert_eq!(detail["credit"], 1);
    // Only the friend whose credit counts is a friend: not Ada herself,
    // not the existing customer, not the address the fraud rule blocked.
    let friends: Vec<&Value> = (detail["friends"].as_array().unwrap().iter())
        .map(|f| &f["email"])
        .collect();
    assert_eq!(friends, [&json!("grace@example.com")], "{detail}");
    let mut listed: Vec<(String, Value, Value)> = (detail["ineligible_credits"].as_array())
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["reason"].as_str().unwrap().to_owned(),
                c["friend_email"].clone(),
                c["rules"].clone(),
            )
        })
        .collect();
    listed.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        listed,
        [
            (
                "existing_customer".into(),
                json!("old@example.com"),
                json!([])
            ),
            (
                "fraud_rule".into(),
                json!("adalovelace+2@googlemail.com"),
                json!(["email_variant"])
            ),
            (
                "self_referral".into(),
                json!("ada.lovelace@gmail.com"),
                json!([])
            ),
        ]
    );

    let report = app.get_ok(&format!("/v1/offers/{offer}/report")).await;
    assert_eq!(
        report["ineligible"],
        json!({"existing_customer": 1, "fraud_rule": 1, "self_referral": 1})
    );

    let session = crate::admin::signed_in(&app, "ops@example.com").await;
    let page = app
        .client
        .get(app.url(&format!("/admin/offers/{offer}/participants")))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Not counted"), "{page}");
    assert!(
        page.contains("existing customer (old@example.com)"),
        "{page}"
    );
    assert!(page.contains("self referral (ada.lovelace@gmail.com)"));
    assert!(page.contains("fraud rule (adalovelace+2@googlemail.com)"));
}
