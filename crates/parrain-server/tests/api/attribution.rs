//! Attribution that survives devices and checkouts (SPEC §15): the offer's
//! methods in order, one referrer per friend per offer, and the method shown
//! on the participant, its friends, the report and the people filters.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_code, expect, offer_settings, spawn_app, TestApp};

async fn detail(app: &TestApp, participant: &Value) -> Value {
    app.participant_detail(participant["id"].as_str().unwrap())
        .await
}

fn code(participant: &Value) -> &str {
    participant["code"].as_str().unwrap()
}

async fn people(app: &TestApp, query: &str) -> Vec<String> {
    let body = app.get_ok(&format!("/v1/people?{query}")).await;
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["email"].as_str().unwrap().to_owned())
        .collect()
}

async fn report(app: &TestApp, offer: &str) -> Value {
    app.get_ok(&format!("/v1/offers/{offer}/report")).await
}

/// An offer of referred sign-ups with these attribution settings.
async fn sign_up_offer(app: &TestApp, attribution: Value) -> String {
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 5}));
    settings["attribution"] = attribution;
    app.live_offer_with(settings).await
}

/// An offer credited by `purchase` server events and Give Credit.
async fn checkout_offer(app: &TestApp) -> String {
    app.live_offer(json!({"type": "smart_list_trigger", "count": 5, "event": "purchase"}))
        .await
}

/// A phone follows `referrer`'s link and the site ties it to `email`; the
/// friend then signs up from a laptop that never saw the link.
async fn phone_then_laptop(app: &TestApp, offer: &str, referrer: &Value, email: &str) -> Value {
    let phone = app.friend_arrives(code(referrer)).await;
    app.identify(&phone, email).await;
    let laptop = "vis_0000000000000000dev2";
    let body = json!({"email": email, "visitor_id": laptop});
    expect(app.sign_up(offer, body).await, StatusCode::CREATED).await
}

#[tokio::test]
async fn a_click_on_one_device_and_a_sign_up_with_the_email_on_another_credit_by_email() {
    let app = spawn_app().await;
    let offer = sign_up_offer(&app, json!({})).await;
    let ana = app.participant(&offer, "ana@example.com").await;

    let bob = phone_then_laptop(&app, &offer, &ana, "bob@example.com").await;

    assert_eq!(bob["referred_by"], ana["id"]);
    assert_eq!(bob["referred_method"], "email");
    let ana = detail(&app, &ana).await;
    assert_eq!(ana["credit"], 1);
    assert_eq!(ana["friends"][0]["email"], "bob@example.com");
    assert_eq!(ana["friends"][0]["method"], "email");
    assert_eq!(
        people(
            &app,
            &format!("attributed_by=email&was_referred_in={offer}")
        )
        .await,
        ["bob@example.com"]
    );
    assert!(people(&app, "attributed_by=link").await.is_empty());
    let attribution = &report(&app, &offer).await["attribution"];
    assert_eq!(
        *attribution,
        json!({"link": 0, "email": 1, "coupon": 0, "name": 0})
    );
}

#[tokio::test]
async fn a_sign_up_in_the_browser_that_followed_the_link_is_by_link() {
    let app = spawn_app().await;
    let offer = sign_up_offer(&app, json!({})).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let browser = app.friend_arrives(code(&ana)).await;
    let body = json!({"email": "cid@example.com", "visitor_id": browser});
    let cid = expect(app.sign_up(&offer, body).await, StatusCode::CREATED).await;
    assert_eq!(cid["referred_method"], "link");
    assert_eq!(detail(&app, &ana).await["friends"][0]["method"], "link");
    assert_eq!(
        people(
            &app,
            &format!(
                "attributed_by=link&referred_by={}",
                ana["id"].as_str().unwrap()
            )
        )
        .await,
        ["cid@example.com"]
    );
    assert_eq!(report(&app, &offer).await["attribution"]["link"], 1);
}

#[tokio::test]
async fn an_offer_without_email_among_its_methods_does_not_cross_devices() {
    let app = spawn_app().await;
    let offer = sign_up_offer(&app, json!({"methods": ["link"]})).await;
    let ana = app.participant(&offer, "ana@example.com").await;

    let bob = phone_then_laptop(&app, &offer, &ana, "bob@example.com").await;

    assert_eq!(bob["referred_by"], Value::Null);
    assert_eq!(detail(&app, &ana).await["credit"], 0);
}

#[tokio::test]
async fn a_share_code_used_as_a_coupon_at_checkout_credits_its_owner() {
    let app = spawn_app().await;
    let offer = checkout_offer(&app).await;
    let ana = app.participant(&offer, "ana@example.com").await;

    // A friend parrain never saw buys with Ana's code, typed in lower case.
    let event = json!({"id": "order-1", "person": {"email": "carol@example.com"}, "name": "purchase",
                       "properties": {"coupon": code(&ana).to_lowercase(), "amount": 40}});
    let out = app.post_ok("/v1/events", &event, StatusCode::OK).await;
    assert_eq!(out["credits"][0]["credited"], true, "{out}");
    assert_eq!(out["credits"][0]["participant_id"], ana["id"]);

    // Give Credit with the code, from the merchant's checkout.
    let give = json!({"email": "dan@example.com", "coupon": code(&ana)});
    let out = expect(app.give_credit(&offer, give).await, StatusCode::OK).await;
    assert_eq!(out["credited"], true, "{out}");

    let ana = detail(&app, &ana).await;
    assert_eq!(ana["credit"], 2);
    let methods: Vec<&Value> = ana["friends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["method"])
        .collect();
    assert_eq!(methods, [&json!("coupon"), &json!("coupon")]);
    let mut coupon_friends = people(
        &app,
        &format!("attributed_by=coupon&was_referred_in={offer}"),
    )
    .await;
    coupon_friends.sort();
    assert_eq!(coupon_friends, ["carol@example.com", "dan@example.com"]);
    assert_eq!(report(&app, &offer).await["attribution"]["coupon"], 2);
}

/// One call of many events answers each as the same events sent one by one
/// would: friends named by email, by browser or unknown, a new friend whose
/// coupon credits and who is known to the next event, an id applied by an
/// earlier call and one repeated within the call.
#[tokio::test]
async fn a_call_of_many_events_answers_each_as_if_sent_alone() {
    let app = spawn_app().await;
    let offer = checkout_offer(&app).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let bob = app.participant(&offer, "bob@example.com").await;
    let dan = app.friend_arrives(code(&ana)).await;
    app.identify(&dan, "dan@example.com").await;
    let eve = app.friend_arrives(code(&bob)).await;
    let first = json!({"id": "evt-1", "person": {"email": "dan@example.com"}, "name": "purchase"});
    let out = app.post_ok("/v1/events", &first, StatusCode::OK).await;
    assert_eq!(out["credits"][0]["participant_id"], ana["id"], "{out}");

    let coupon = json!({"coupon": code(&bob)});
    let batch = json!([
        {"id": "evt-1", "person": {"email": "dan@example.com"}, "name": "purchase"},
        {"id": "evt-2", "person": {"visitor_id": dan}, "name": "purchase"},
        {"person": {"email": "nobody@example.com"}, "name": "purchase"},
        {"id": "evt-3", "person": {"visitor_id": eve}, "name": "purchase"},
        {"id": "evt-3", "person": {"visitor_id": eve}, "name": "purchase"},
        {"person": {"email": "carol@example.com"}, "name": "purchase", "properties": coupon},
        {"person": {"email": "carol@example.com"}, "name": "purchase", "properties": coupon},
        {"person": {"visitor_id": "vis_0000000000000000bad1"}, "name": "purchase"}
    ]);
    for round in 0..2 {
        let out = app.post_ok("/v1/events", &batch, StatusCode::OK).await;
        let results = out["results"].as_array().unwrap();
        let applied: Vec<bool> = results.iter().map(|r| r["applied"] == true).collect();
        let fresh = round == 0;
        assert_eq!(
            applied,
            [false, fresh, true, fresh, false, true, true, true],
            "{out}"
        );
        let credit = |i: usize| &results[i]["credits"][0];
        let credited: Vec<bool> = (0..8).map(|i| credit(i)["credited"] == true).collect();
        assert_eq!(
            credited,
            [true, false, false, true, true, fresh, false, false],
            "{out}"
        );
        for (i, who) in [(0, &ana), (3, &bob), (4, &bob)] {
            assert_eq!(credit(i)["participant_id"], who["id"], "{out}");
        }
        assert_eq!(credit(2)["reason"], "unknown_friend", "{out}");
        assert_eq!(credit(7)["reason"], "unknown_friend", "{out}");
    }
    assert_eq!(detail(&app, &ana).await["credit"], 1);
    assert_eq!(detail(&app, &bob).await["credit"], 2);
}

#[tokio::test]
async fn a_coupon_of_another_offer_or_no_code_at_all_attributes_nobody() {
    let app = spawn_app().await;
    let offer = checkout_offer(&app).await;
    let other = checkout_offer(&app).await;
    let stranger = app.participant(&other, "sam@example.com").await;
    app.participant(&offer, "ana@example.com").await;

    let give = json!({"email": "eve@example.com", "coupon": code(&stranger)});
    let out = expect(app.give_credit(&offer, give).await, StatusCode::OK).await;
    assert_eq!(out["credited"], false);
    assert_eq!(out["reason"], "not_referred");
    let give = json!({"email": "eve@example.com", "coupon": "NOT-A-CODE"});
    let out = expect(app.give_credit(&offer, give).await, StatusCode::OK).await;
    assert_eq!(out["reason"], "not_referred");
    let give = json!({"email": "eve@example.com", "coupon": ""});
    let response = app.give_credit(&offer, give).await;
    let body = expect(response, StatusCode::BAD_REQUEST).await;
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("coupon"));
}

#[tokio::test]
async fn a_friend_keeps_its_first_referrer_whatever_later_methods_say() {
    let app = spawn_app().await;
    let offer = checkout_offer(&app).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let ben = app.participant(&offer, "ben@example.com").await;

    // Erin followed Ana's link; her purchase with Ben's code still counts for Ana.
    let browser = app.friend_arrives(code(&ana)).await;
    app.identify(&browser, "erin@example.com").await;
    let give = json!({"email": "erin@example.com", "coupon": code(&ben)});
    let out = expect(app.give_credit(&offer, give).await, StatusCode::OK).await;
    assert_eq!(out["participant_id"], ana["id"]);

    // Finn bought with Ben's code first; following Ana's link later (the
    // offer's first method) changes nothing.
    let give = json!({"email": "finn@example.com", "coupon": code(&ben)});
    let out = expect(app.give_credit(&offer, give).await, StatusCode::OK).await;
    assert_eq!(out["participant_id"], ben["id"]);
    let browser = app.friend_arrives(code(&ana)).await;
    app.identify(&browser, "finn@example.com").await;
    let out = expect(
        app.give_credit(&offer, json!({"email": "finn@example.com"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(out["participant_id"], ben["id"]);
    assert_eq!(out["reason"], "already_credited");

    assert_eq!(detail(&app, &ana).await["credit"], 1);
    assert_eq!(detail(&app, &ben).await["credit"], 1);
    assert_eq!(
        people(&app, &format!("attributed_by=link&was_referred_in={offer}")).await,
        ["erin@example.com"]
    );
}

#[tokio::test]
async fn attribution_methods_are_checked() {
    let app = spawn_app().await;
    for (methods, code) in [
        (json!([]), "required"),
        (json!(["link", "link"]), "duplicate"),
    ] {
        let mut settings = offer_settings(json!({"type": "referred_signups", "count": 1}));
        settings["attribution"] = json!({"methods": methods});
        let response = app.post("/v1/offers", &app.sk, &settings).await;
        let body = expect(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        let problems = body["error"]["details"]["problems"].as_array().unwrap();
        assert!(
            problems
                .iter()
                .any(|p| p["field"] == "attribution.methods" && p["code"] == code),
            "{body}"
        );
    }
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 1}));
    settings["attribution"] = json!({"methods": ["cookie"]});
    let response = app.post("/v1/offers", &app.sk, &settings).await;
    let body = expect(response, StatusCode::BAD_REQUEST).await;
    assert!(!error_code(&body).is_empty());
    let offer = app
        .create_offer(&offer_settings(
            json!({"type": "referred_signups", "count": 1}),
        ))
        .await;
    assert_eq!(
        offer["draft"]["attribution"]["methods"],
        json!(["link", "email", "coupon"])
    );
}
