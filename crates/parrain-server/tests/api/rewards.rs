//! Rewards (SPEC §11): tiers, rewards for the friend, promo-code pools,
//! manual delivery, and each occurrence given once whatever concurrent
//! requests do.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_code, expect, spawn_app, spawn_app_with, TestApp};
use crate::mailbox::MailServer;

/// Two referrer tiers (a sticker at 1, a month free at the goal of 3), a
/// code every 2 credits at most twice, and a welcome code for each friend
/// who signs up.
fn double_sided() -> Value {
    json!({
        "name": "Give 10, get 10",
        "goal": {"type": "referred_signups", "count": 3},
        "offer_page_url": "https://shop.example.com/refer",
        "rewards": [
            {"id": "tier-1", "for": "referrer", "at": 1, "label": "A sticker"},
            {"id": "tier-2", "for": "referrer", "at": 3, "promo_codes": "month",
             "label": "A month free"},
            {"id": "pair", "for": "referrer", "every": 2, "max_times": 2, "label": "A coffee"},
            {"id": "welcome", "for": "friend", "on": "sign_up", "promo_codes": "welcome",
             "label": "€10 off"}
        ]
    })
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

async fn live_double_sided(app: &TestApp, welcome_codes: &str) -> String {
    let offer = app.create_offer(&double_sided()).await;
    let id = offer["id"].as_str().unwrap().to_owned();
    put_pool(app, &id, "month", "MONTH-1\nMONTH-2\n").await;
    put_pool(app, &id, "welcome", welcome_codes).await;
    expect(app.approve(&id).await, StatusCode::OK).await;
    id
}

async fn friend_signs_up(app: &TestApp, offer: &str, code: &str, email: &str) -> Value {
    let response = app
        .sign_up(offer, json!({"email": email, "referral_code": code}))
        .await;
    expect(response, StatusCode::CREATED).await
}

/// The participant's rewards as (id, occurrence, state, code).
/// Sorted by id and occurrence.
fn rewards(detail: &Value) -> Vec<(String, i64, String, Option<String>)> {
    let mut found: Vec<_> = detail["rewards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["reward_id"].as_str().unwrap().to_owned(),
                r["occurrence"].as_i64().unwrap(),
                r["state"].as_str().unwrap().to_owned(),
                r["promo_code"].as_str().map(str::to_owned),
            )
        })
        .collect();
    found.sort();
    found
}

fn given(id: &str, occurrence: i64, code: Option<&str>) -> (String, i64, String, Option<String>) {
    (
        id.into(),
        occurrence,
        "given".into(),
        code.map(str::to_owned),
    )
}

#[tokio::test]
async fn tiers_and_the_friend_reward_are_given_at_their_milestones() {
    // Arrange
    let app = spawn_app().await;
    let offer = live_double_sided(&app, "WELCOME-1\nWELCOME-2\nWELCOME-3\n").await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let (ana_id, code) = (ana["id"].as_str().unwrap(), ana["code"].as_str().unwrap());

    // Act: one friend, then two more.
    let bob = friend_signs_up(&app, &offer, code, "bob@example.com").await;
    let after_one = app.participant_detail(ana_id).await;
    friend_signs_up(&app, &offer, code, "cid@example.com").await;
    friend_signs_up(&app, &offer, code, "dee@example.com").await;

    // Assert: tier 1 at one credit, without a code; nothing fulfilled yet;
    // the pair reward next, one credit away.
    assert_eq!(rewards(&after_one), [given("tier-1", 1, None)]);
    assert_eq!(
        after_one["next_reward"],
        json!({"reward_id": "pair", "label": "A coffee", "at": 2, "remaining": 1})
    );
    assert_eq!(after_one["rewards"][0]["label"], "A sticker");
    assert_eq!(after_one["progress"]["fulfilled"], false);
    // At three: the pair reward once (at 2), tier 2 with its code, fulfilled.
    let ana = app.participant_detail(ana_id).await;
    assert_eq!(
        rewards(&ana),
        [
            given("pair", 1, None),
            given("tier-1", 1, None),
            given("tier-2", 1, Some("MONTH-1")),
        ]
    );
    assert_eq!(ana["progress"]["fulfilled"], true);
    assert_eq!(ana["promo_code"], "MONTH-1");
    // The friend has its own reward and code.
    let bob = app.participant_detail(bob["id"].as_str().unwrap()).await;
    assert_eq!(rewards(&bob), [given("welcome", 1, Some("WELCOME-1"))]);
    assert_eq!(bob["rewards"][0]["friend_of"], ana_id);
    // One activity per occurrence given, and v1's fulfilment once.
    let given_log = app
        .activities(&format!("offer_id={offer}&type=reward.given"))
        .await;
    assert_eq!(given_log.len(), 3 + 3, "three tiers and three friends");
    let fulfilled = app
        .activities(&format!("offer_id={offer}&type=offer_fulfilled"))
        .await;
    assert_eq!(fulfilled.len(), 1);
    assert_eq!(fulfilled[0]["details"]["promo_code"], "MONTH-1");
    // The pools count what went.
    let counts = app
        .get_ok(&format!("/v1/offers/{offer}/promo-codes?pool=welcome"))
        .await;
    assert_eq!(
        (counts["assigned"].clone(), counts["available"].clone()),
        (json!(3), json!(0))
    );
    let month = app
        .get_ok(&format!("/v1/offers/{offer}/promo-codes?pool=month"))
        .await;
    assert_eq!(
        month,
        json!({"total": 2, "assigned": 1, "available": 1, "low_stock": null, "low": false})
    );
}

#[tokio::test]
async fn every_reward_stops_at_max_times() {
    // Arrange: the pair reward is every 2 credits, at most twice.
    let app = spawn_app().await;
    let mut settings = double_sided();
    settings["goal"]["count"] = json!(9);
    settings["rewards"][1]["at"] = json!(9);
    let offer = app.create_offer(&settings).await;
    let offer = offer["id"].as_str().unwrap().to_owned();
    put_pool(&app, &offer, "month", "M-1\n").await;
    put_pool(&app, &offer, "welcome", "W-1\n").await;
    expect(app.approve(&offer).await, StatusCode::OK).await;
    let ana = app.participant(&offer, "ana@example.com").await;

    // Act: seven friends.
    for i in 0..7 {
        friend_signs_up(
            &app,
            &offer,
            ana["code"].as_str().unwrap(),
            &format!("f{i}@example.com"),
        )
        .await;
    }

    // Assert: at 2 and 4, not at 6.
    let detail = app.participant_detail(ana["id"].as_str().unwrap()).await;
    let pairs: Vec<_> = rewards(&detail)
        .into_iter()
        .filter(|r| r.0 == "pair")
        .map(|r| r.1)
        .collect();
    assert_eq!(pairs, [1, 2]);
    assert_eq!(detail["credit"], 7);
    // The welcome pool ran dry after the first friend: recorded, nothing given twice.
    let exhausted = app
        .activities(&format!("offer_id={offer}&type=promo_codes.exhausted"))
        .await;
    assert_eq!(exhausted.len(), 6);
    assert!(exhausted.iter().all(|a| a["details"]["pool"] == "welcome"));
}

#[tokio::test]
async fn writes_and_approval_refuse_inconsistent_rewards_with_every_problem() {
    let app = spawn_app().await;

    // A write refuses what is wrong in itself, all at once.
    let mut bad = double_sided();
    bad["emails"] = json!({"fulfillment": {"subject": "s", "text": "t"}});
    bad["rewards"] = json!([
        {"id": "a", "for": "referrer", "at": 0},
        {"id": "a", "for": "referrer", "at": 3},
        {"id": "f", "for": "friend", "every": 2, "hold_days": 366}
    ]);
    let response = app.post("/v1/offers", &app.sk, &bad).await;
    let body = expect(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: HashSet<&str> = body["error"]["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    for field in [
        "emails.fulfillment",
        "rewards[0].at",
        "rewards[1].id",
        "rewards[2].every",
        "rewards[2].hold_days",
    ] {
        assert!(fields.contains(field), "{field} missing from {body}");
    }

    // Approval also wants a reward at the goal and an upload for each pool.
    let mut incomplete = double_sided();
    incomplete["rewards"][1]["at"] = json!(2);
    let offer = app.create_offer(&incomplete).await;
    let id = offer["id"].as_str().unwrap();
    let body = expect(app.approve(id).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    let problems: Vec<(&str, &str)> = body["error"]["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["field"].as_str().unwrap(), p["code"].as_str().unwrap()))
        .collect();
    assert!(problems.contains(&("rewards", "no_goal_reward")), "{body}");
    assert!(
        problems.contains(&("rewards[1].promo_codes", "pool_empty")),
        "{body}"
    );
    assert!(
        problems.contains(&("rewards[3].promo_codes", "pool_empty")),
        "{body}"
    );
    assert_eq!(
        app.get_ok(&format!("/v1/offers/{id}")).await["status"],
        "draft"
    );
}

#[tokio::test]
async fn a_code_is_in_one_pool_only_and_a_bad_pool_name_is_refused() {
    let app = spawn_app().await;
    let offer = app.create_offer(&double_sided()).await;
    let id = offer["id"].as_str().unwrap();
    put_pool(&app, id, "month", "A\nB\n").await;

    // The same code in another pool would be given twice: refused by line.
    let response = app
        .client
        .put(app.url(&format!("/v1/offers/{id}/promo-codes?pool=welcome")))
        .bearer_auth(&app.sk)
        .header("content-type", "text/plain")
        .body("C\nB\n")
        .send()
        .await
        .unwrap();
    let body = expect(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body["error"]["details"]["lines"][0]["line"], 2, "{body}");
    let response = app
        .client
        .get(app.url(&format!("/v1/offers/{id}/promo-codes?pool=Not%20a%20pool")))
        .bearer_auth(&app.sk)
        .send()
        .await
        .unwrap();
    let body = expect(response, StatusCode::BAD_REQUEST).await;
    assert!(body["error"]["message"].as_str().unwrap().contains("pool"));
    // v1's upload is the default pool, counted apart.
    expect(app.put_promo_codes(id, "D\n").await, StatusCode::OK).await;
    let counts = app.get_ok(&format!("/v1/offers/{id}/promo-codes")).await;
    assert_eq!(
        counts,
        json!({"total": 1, "assigned": 0, "available": 1, "low_stock": null, "low": false})
    );
    let month = app
        .get_ok(&format!("/v1/offers/{id}/promo-codes?pool=month"))
        .await;
    assert_eq!(
        month,
        json!({"total": 2, "assigned": 0, "available": 2, "low_stock": null, "low": false})
    );
}

#[tokio::test]
async fn a_manual_reward_waits_for_the_operator_and_is_given_once() {
    // Arrange: the goal's reward (one credit) is manual.
    let app = spawn_app().await;
    let offer = app
        .live_offer_with(json!({
            "name": "Manual",
            "goal": {"type": "referred_signups", "count": 1},
            "offer_page_url": "https://shop.example.com/refer",
            "rewards": [{"id": "gift", "for": "referrer", "at": 1, "delivery": "manual"}]
        }))
        .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let ana_id = ana["id"].as_str().unwrap();
    friend_signs_up(
        &app,
        &offer,
        ana["code"].as_str().unwrap(),
        "bob@example.com",
    )
    .await;
    let earned = app.participant_detail(ana_id).await;
    assert_eq!(earned["rewards"][0]["state"], "earned");
    assert_eq!(earned["progress"]["fulfilled"], false);

    // Act: v1's fulfil endpoint gives the goal's reward, once.
    let path = format!("/v1/participants/{ana_id}/fulfill");
    let fulfilled = app.post_ok(&path, &json!({}), StatusCode::OK).await;
    let again = app.post(&path, &app.sk, &json!({})).await;

    // Assert
    assert_eq!(fulfilled["progress"]["fulfilled"], true);
    let body = expect(again, StatusCode::CONFLICT).await;
    assert_eq!(error_code(&body), "already_fulfilled");
    let detail = app.participant_detail(ana_id).await;
    assert_eq!(rewards(&detail), [given("gift", 1, None)]);
}

#[tokio::test]
async fn twenty_identical_sign_ups_of_one_friend_give_one_friend_reward() {
    // Arrange
    let app = spawn_app().await;
    let offer = live_double_sided(&app, "W-1\nW-2\nW-3\n").await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();

    // Act: the same friend, twenty times at once.
    let requests = (0..20).map(|_| {
        app.sign_up(
            &offer,
            json!({"email": "bob@example.com", "referral_code": code}),
        )
    });
    let responses = futures_util::future::join_all(requests).await;

    // Assert: one participant, one reward, one code taken.
    let mut ids = HashSet::new();
    for response in responses {
        assert!(response.status().is_success(), "{}", response.status());
        let body: Value = response.json().await.unwrap();
        ids.insert(body["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1);
    let bob = app.participant_detail(ids.iter().next().unwrap()).await;
    assert_eq!(rewards(&bob), [given("welcome", 1, Some("W-1"))]);
    let counts = app
        .get_ok(&format!("/v1/offers/{offer}/promo-codes?pool=welcome"))
        .await;
    assert_eq!(counts["assigned"], 1);
    let ana = app.participant_detail(ana["id"].as_str().unwrap()).await;
    assert_eq!(rewards(&ana), [given("tier-1", 1, None)]);
}

#[tokio::test]
async fn friends_signing_up_at_once_never_share_a_code() {
    // Arrange: twelve codes for fifteen friends.
    let app = spawn_app().await;
    let codes: String = (1..=12).map(|i| format!("W-{i}\n")).collect();
    let offer = live_double_sided(&app, &codes).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();

    // Act
    let requests = (0..15).map(|i| {
        app.sign_up(
            &offer,
            json!({"email": format!("friend{i}@example.com"), "referral_code": code}),
        )
    });
    let responses = futures_util::future::join_all(requests).await;

    // Assert: each of the twelve codes went to one friend, three went without.
    let mut given_codes = Vec::new();
    for response in responses {
        let body = expect(response, StatusCode::CREATED).await;
        let detail = app.participant_detail(body["id"].as_str().unwrap()).await;
        let mine = rewards(&detail);
        assert_eq!(mine.len(), 1, "{detail}");
        assert_eq!(mine[0].2, "given");
        given_codes.extend(mine[0].3.clone());
    }
    let distinct: HashSet<_> = given_codes.iter().collect();
    assert_eq!((given_codes.len(), distinct.len()), (12, 12));
    // The referrer's tiers: each once, whatever the interleaving.
    let ana = app.participant_detail(ana["id"].as_str().unwrap()).await;
    assert_eq!(ana["credit"], 15);
    let mut tiers: Vec<_> = rewards(&ana).into_iter().map(|r| (r.0, r.1)).collect();
    tiers.sort();
    assert_eq!(
        tiers,
        [
            ("pair".to_owned(), 1),
            ("pair".to_owned(), 2),
            ("tier-1".to_owned(), 1),
            ("tier-2".to_owned(), 1)
        ]
    );
}

#[tokio::test]
async fn a_reward_email_says_its_label_and_code() {
    // Arrange
    let mail = MailServer::start();
    let app = spawn_app_with(|c| c.outbound.smtp_url = Some(mail.url())).await;
    let mut settings = double_sided();
    settings["rewards"][3]["label"] = json!("Ten off");
    settings["rewards"][3]["email"] = json!({
        "subject": "{{ reward.label }} for you, {{ first_name }}",
        "text": "Use {{ promo_code }} at {{ offer.name }}."
    });
    let offer = app.create_offer(&settings).await;
    let offer = offer["id"].as_str().unwrap().to_owned();
    put_pool(&app, &offer, "month", "M-1\n").await;
    put_pool(&app, &offer, "welcome", "WELCOME-42\n").await;
    expect(app.approve(&offer).await, StatusCode::OK).await;
    let ana = app.participant(&offer, "ana@example.com").await;

    // Act
    let response = app
        .sign_up(
            &offer,
            json!({"email": "bob@example.com", "first_name": "Bob",
                   "referral_code": ana["code"]}),
        )
        .await;
    expect(response, StatusCode::CREATED).await;

    // Assert
    let messages = mail.wait_for(1).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].to, ["bob@example.com"]);
    assert_eq!(
        messages[0].header("Subject").as_deref(),
        Some("Ten off for you, Bob")
    );
    assert!(messages[0]
        .part("text/plain")
        .contains("Use WELCOME-42 at Give 10, get 10."));
}

#[tokio::test]
async fn a_v1_offer_keeps_its_single_fulfillment() {
    // An offer without rewards lists none and is fulfilled as in v1.
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    expect(
        app.put_promo_codes(&offer, "V1-CODE\n").await,
        StatusCode::OK,
    )
    .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    friend_signs_up(
        &app,
        &offer,
        ana["code"].as_str().unwrap(),
        "bob@example.com",
    )
    .await;
    let detail = app.participant_detail(ana["id"].as_str().unwrap()).await;
    assert_eq!(detail["promo_code"], "V1-CODE");
    assert_eq!(detail["rewards"], json!([]));
    let settings = app.get_ok(&format!("/v1/offers/{offer}")).await;
    assert!(settings["live"].get("rewards").is_none(), "{settings}");
}

#[tokio::test]
async fn a_held_reward_is_given_by_the_workers_when_its_hold_ends() {
    // Arrange: the goal's reward is held 30 days (refunds come back within
    // that), a manual one 10 days.
    let app = spawn_app().await;
    let offer = app
        .create_offer(&json!({
            "name": "Held",
            "goal": {"type": "referred_signups", "count": 1},
            "offer_page_url": "https://shop.example.com/refer",
            "rewards": [
                {"id": "gift", "for": "referrer", "at": 1, "hold_days": 30, "promo_codes": "gift"},
                {"id": "call", "for": "referrer", "at": 1, "hold_days": 10, "delivery": "manual"}
            ]
        }))
        .await;
    let offer = offer["id"].as_str().unwrap().to_owned();
    put_pool(&app, &offer, "gift", "GIFT-1\n").await;
    expect(app.approve(&offer).await, StatusCode::OK).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let ana_id = ana["id"].as_str().unwrap();
    friend_signs_up(
        &app,
        &offer,
        ana["code"].as_str().unwrap(),
        "bob@example.com",
    )
    .await;

    // Held: no code yet, not fulfilled, the end of the hold said.
    let held = app.participant_detail(ana_id).await;
    let states: Vec<_> = rewards(&held)
        .into_iter()
        .map(|r| (r.0, r.2, r.3))
        .collect();
    assert_eq!(
        states,
        [
            ("call".to_owned(), "held".to_owned(), None),
            ("gift".to_owned(), "held".to_owned(), None)
        ]
    );
    assert!(held["rewards"][0]["release_at"].is_string());
    assert_eq!(held["progress"]["fulfilled"], false);
    let fulfil = app
        .post(
            &format!("/v1/participants/{ana_id}/fulfill"),
            &app.sk,
            &json!({}),
        )
        .await;
    assert_eq!(
        error_code(&expect(fulfil, StatusCode::CONFLICT).await),
        "reward_held"
    );

    // Act: 31 days later.
    app.clock.advance(31 * 24 * 3600 * 1000);

    // Assert: the workers gave the automatic one and the manual one waits.
    app.drain().await;
    let detail = app.participant_detail(ana_id).await;
    assert_eq!(
        rewards(&detail),
        [
            ("call".to_owned(), 1, "earned".to_owned(), None),
            given("gift", 1, Some("GIFT-1"))
        ]
    );
    assert_eq!(detail["progress"]["fulfilled"], true);
    assert_eq!(detail["promo_code"], "GIFT-1");
}

async fn reverse(app: &TestApp, participant: &str, friend: &str) -> Value {
    app.post_ok(
        &format!("/v1/participants/{participant}/credits/reverse"),
        &json!({"friend": {"email": friend}, "reason": "refund"}),
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn a_reversal_lowers_credit_cancels_what_is_held_and_claws_back_what_was_given() {
    // Arrange: tier 1 given at once with a code, tier 2 (the goal) held 30
    // days, and each friend's own reward on the credit it earns.
    let app = spawn_app().await;
    let offer = app
        .create_offer(&json!({
            "name": "Refunds",
            "goal": {"type": "referred_signups", "count": 2},
            "offer_page_url": "https://shop.example.com/refer",
            "rewards": [
                {"id": "tier-1", "for": "referrer", "at": 1, "promo_codes": "t1"},
                {"id": "tier-2", "for": "referrer", "at": 2, "hold_days": 30},
                {"id": "friend", "for": "friend", "promo_codes": "friend"}
            ]
        }))
        .await;
    let offer = offer["id"].as_str().unwrap().to_owned();
    put_pool(&app, &offer, "t1", "T1-A\n").await;
    put_pool(&app, &offer, "friend", "F-1\nF-2\n").await;
    expect(app.approve(&offer).await, StatusCode::OK).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let (ana_id, code) = (ana["id"].as_str().unwrap(), ana["code"].as_str().unwrap());
    friend_signs_up(&app, &offer, code, "bob@example.com").await;
    let cid = friend_signs_up(&app, &offer, code, "cid@example.com").await;
    let before = app.participant_detail(ana_id).await;
    assert_eq!(before["credit"], 2);
    assert_eq!(
        rewards(&before),
        [
            given("tier-1", 1, Some("T1-A")),
            ("tier-2".into(), 1, "held".into(), None)
        ]
    );

    // Act: Cid's purchase is refunded, then Bob's, then Bob's again.
    let first = reverse(&app, ana_id, "cid@example.com").await;
    let second = reverse(&app, ana_id, "bob@example.com").await;
    let again = reverse(&app, ana_id, "bob@example.com").await;

    // Assert: credit 2 → 1 → 0, and nothing more the third time.
    assert_eq!(first, json!({"reversed": 1, "credit": 1}));
    assert_eq!(second, json!({"reversed": 1, "credit": 0}));
    assert_eq!(again, json!({"reversed": 0, "credit": 0}));
    let after = app.participant_detail(ana_id).await;
    assert_eq!(after["credit"], 0);
    let states: Vec<_> = rewards(&after).into_iter().map(|r| (r.0, r.2)).collect();
    assert_eq!(
        states,
        [
            ("tier-1".to_owned(), "given".to_owned()),
            ("tier-2".to_owned(), "cancelled".to_owned())
        ]
    );
    assert!(after["rewards"][0]["clawback_at"].is_string(), "{after}");
    let cid = app.participant_detail(cid["id"].as_str().unwrap()).await;
    assert!(cid["rewards"][0]["clawback_at"].is_string(), "{cid}");
    // Recorded once each: two reversals, tier 2 cancelled, tier 1 and both
    // friends' rewards clawed back (with the code the merchant takes back).
    let log = |kind: &'static str| {
        let app = &app;
        let offer = offer.clone();
        async move {
            app.activities(&format!("offer_id={offer}&type={kind}"))
                .await
        }
    };
    assert_eq!(log("credit.reversed").await.len(), 2);
    let cancelled = log("reward.cancelled").await;
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0]["details"]["reward_id"], "tier-2");
    let mut clawed: Vec<_> = log("reward.clawback")
        .await
        .iter()
        .map(|a| {
            (
                a["details"]["reward_id"].as_str().unwrap().to_owned(),
                a["details"]["promo_code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    clawed.sort();
    assert_eq!(
        clawed,
        [
            ("friend".to_owned(), "F-1".to_owned()),
            ("friend".to_owned(), "F-2".to_owned()),
            ("tier-1".to_owned(), "T1-A".to_owned())
        ]
    );
    // A cancelled hold is not released when its time comes.
    app.clock.advance(31 * 24 * 3600 * 1000);
    let released = app.store.release_held(app.clock.now(), 100).await.unwrap();
    assert_eq!(released, 0);
    let unknown = app
        .post(
            &format!("/v1/participants/{ana_id}/credits/reverse"),
            &app.sk,
            &json!({"friend": {"email": "nobody@example.com"}}),
        )
        .await;
    expect(unknown, StatusCode::NOT_FOUND).await;
    let later = app.participant_detail(ana_id).await;
    assert_eq!(later["rewards"][1]["state"], "cancelled");
    assert_eq!(later["progress"]["fulfilled"], false);
}

#[tokio::test]
async fn concurrent_reversals_of_one_friend_take_one_credit() {
    let app = spawn_app().await;
    let offer = live_double_sided(&app, "W-1\nW-2\n").await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let (ana_id, code) = (ana["id"].as_str().unwrap(), ana["code"].as_str().unwrap());
    friend_signs_up(&app, &offer, code, "bob@example.com").await;
    friend_signs_up(&app, &offer, code, "cid@example.com").await;

    let path = format!("/v1/participants/{ana_id}/credits/reverse");
    let body = json!({"friend": {"email": "bob@example.com"}});
    let tries = (0..10).map(|_| app.post(&path, &app.sk, &body));
    let mut reversed = 0;
    for response in futures_util::future::join_all(tries).await {
        reversed += expect(response, StatusCode::OK).await["reversed"]
            .as_i64()
            .unwrap();
    }

    assert_eq!(reversed, 1);
    assert_eq!(app.participant_detail(ana_id).await["credit"], 1);
    let log = app
        .activities(&format!("offer_id={offer}&type=credit.reversed"))
        .await;
    assert_eq!(log.len(), 1);
}

#[tokio::test]
async fn the_leaderboard_ranks_referrers_by_credit_without_an_email() {
    // Arrange: three referrers with 2, 1 and 0 credits, a board of two.
    let app = spawn_app().await;
    let mut settings = double_sided();
    settings["leaderboard"] = json!({"enabled": true, "size": 2});
    let offer = app.create_offer(&settings).await;
    let offer = offer["id"].as_str().unwrap().to_owned();
    put_pool(&app, &offer, "month", "M-1\n").await;
    put_pool(&app, &offer, "welcome", "W-1\n").await;
    expect(app.approve(&offer).await, StatusCode::OK).await;
    let ana = json!({"email": "ana@example.com", "first_name": "Ana", "last_name": "lovelace"});
    let ana = expect(app.sign_up(&offer, ana).await, StatusCode::CREATED).await;
    let zed = app.participant(&offer, "zed@example.com").await;
    app.participant(&offer, "nil@example.com").await;
    for (code, friend) in [(&ana, "f1"), (&ana, "f2"), (&zed, "f3")] {
        friend_signs_up(
            &app,
            &offer,
            code["code"].as_str().unwrap(),
            &format!("{friend}@example.com"),
        )
        .await;
    }

    // Act: a web page reads it with the publishable key.
    let response = app
        .client
        .get(app.url(&format!("/v1/offers/{offer}/leaderboard")))
        .bearer_auth(&app.pk)
        .send()
        .await
        .unwrap();

    // Assert
    let text = response.text().await.unwrap();
    let board: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        board,
        json!({"data": [
            {"rank": 1, "display_name": "Ana L.", "credit": 2},
            {"rank": 2, "display_name": "Participant 2", "credit": 1}
        ]})
    );
    assert!(!text.contains('@'), "{text}");
    // A board not enabled is not there.
    let plain = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    let response = app
        .client
        .get(app.url(&format!("/v1/offers/{plain}/leaderboard")))
        .bearer_auth(&app.pk)
        .send()
        .await
        .unwrap();
    expect(response, StatusCode::NOT_FOUND).await;
    // A size out of range is refused on write.
    let response = app
        .patch(
            &format!("/v1/offers/{offer}"),
            &json!({"leaderboard": {"size": 101}}),
        )
        .await;
    let body = expect(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        body["error"]["details"]["problems"][0]["field"],
        "leaderboard.size"
    );
}

/// An offer whose goal reward is given at one credit, with a manual "call"
/// at one credit, a bonus with a code at five, and a reward held 30 days at two.
async fn live_by_hand(app: &TestApp) -> String {
    let offer = app
        .create_offer(&json!({
            "name": "By hand",
            "goal": {"type": "referred_signups", "count": 1},
            "offer_page_url": "https://shop.example.com/refer",
            "rewards": [
                {"id": "tier-1", "for": "referrer", "at": 1},
                {"id": "call", "for": "referrer", "at": 1, "delivery": "manual",
                 "label": "A call with the founder"},
                {"id": "held", "for": "referrer", "at": 2, "hold_days": 30, "promo_codes": "held"},
                {"id": "bonus", "for": "referrer", "at": 5, "promo_codes": "bonus",
                 "label": "A bonus"},
                {"id": "coffee", "for": "referrer", "every": 1, "max_times": 3}
            ]
        }))
        .await;
    let offer = offer["id"].as_str().unwrap().to_owned();
    put_pool(app, &offer, "bonus", "BONUS-1\nBONUS-2\n").await;
    put_pool(app, &offer, "held", "HELD-1\n").await;
    expect(app.approve(&offer).await, StatusCode::OK).await;
    offer
}

async fn by_hand(
    app: &TestApp,
    participant: &str,
    reward: &str,
    what: &str,
    body: Value,
) -> reqwest::Response {
    app.post(
        &format!("/v1/participants/{participant}/rewards/{reward}/{what}"),
        &app.sk,
        &body,
    )
    .await
}

#[tokio::test]
async fn an_operator_gives_a_waiting_or_goodwill_reward_once() {
    // Arrange: Ana has one credit; the manual call waits for an operator.
    let app = spawn_app().await;
    let offer = live_by_hand(&app).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let ana_id = ana["id"].as_str().unwrap().to_owned();
    friend_signs_up(
        &app,
        &offer,
        ana["code"].as_str().unwrap(),
        "bob@example.com",
    )
    .await;
    let before = app.participant_detail(&ana_id).await;
    assert!(rewards(&before).contains(&("call".into(), 1, "earned".into(), None)));

    // Act: the call is given with a note, then again; the bonus (five
    // credits, not reached) ten times at once.
    let call = by_hand(
        &app,
        &ana_id,
        "call",
        "give",
        json!({"note": "booked for Monday"}),
    )
    .await;
    let call = expect(call, StatusCode::OK).await;
    let call_again = by_hand(&app, &ana_id, "call", "give", json!({})).await;
    let bonuses = futures_util::future::join_all(
        (0..10).map(|_| by_hand(&app, &ana_id, "bonus", "give", json!({}))),
    )
    .await;

    // Assert: given once each, the bonus with the first code of its pool.
    assert_eq!(call["state"], "given");
    assert_eq!(call["label"], "A call with the founder");
    assert_eq!(
        error_code(&expect(call_again, StatusCode::CONFLICT).await),
        "reward_already_given"
    );
    let mut ok = Vec::new();
    for response in bonuses {
        match response.status() {
            StatusCode::OK => ok.push(response.json::<Value>().await.unwrap()),
            StatusCode::CONFLICT => {
                let body: Value = response.json().await.unwrap();
                assert_eq!(error_code(&body), "reward_already_given");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(ok.len(), 1, "{ok:?}");
    assert_eq!(ok[0]["promo_code"], "BONUS-1");
    let detail = app.participant_detail(&ana_id).await;
    let mine = rewards(&detail);
    assert!(mine.contains(&given("call", 1, None)), "{mine:?}");
    assert!(
        mine.contains(&given("bonus", 1, Some("BONUS-1"))),
        "{mine:?}"
    );
    let pool = app
        .get_ok(&format!("/v1/offers/{offer}/promo-codes?pool=bonus"))
        .await;
    assert_eq!(pool["assigned"], 1);
    // Recorded as activities, said to be by an operator.
    let given_log = app
        .activities(&format!("participant_id={ana_id}&type=reward.given"))
        .await;
    let by_operator: Vec<_> = given_log
        .iter()
        .filter(|a| a["details"]["by"] == "operator")
        .map(|a| a["details"]["reward_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(by_operator.len(), 2, "{given_log:?}");
    assert!(given_log
        .iter()
        .any(|a| a["details"]["note"] == "booked for Monday"));
    let earned = app
        .activities(&format!("participant_id={ana_id}&type=reward.earned"))
        .await;
    assert!(earned
        .iter()
        .any(|a| a["details"]["reward_id"] == "bonus" && a["details"]["by"] == "operator"));
    // Repeated rewards go on to the next occurrence, up to max_times.
    let coffee: Vec<Value> = {
        let mut out = Vec::new();
        for _ in 0..2 {
            let r = by_hand(&app, &ana_id, "coffee", "give", json!({})).await;
            out.push(expect(r, StatusCode::OK).await);
        }
        out
    };
    assert_eq!(
        coffee
            .iter()
            .map(|c| c["occurrence"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [2, 3]
    );
    let past = by_hand(&app, &ana_id, "coffee", "give", json!({})).await;
    let body = expect(past, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"]["details"]["field"], "occurrence", "{body}");
}

#[tokio::test]
async fn giving_by_hand_refuses_what_is_not_there_and_changes_nothing() {
    // Arrange: Ana has no credit.
    let app = spawn_app().await;
    let offer = live_by_hand(&app).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let ana_id = ana["id"].as_str().unwrap().to_owned();

    // Act
    let unknown_reward = by_hand(&app, &ana_id, "nope", "give", json!({})).await;
    let unknown_participant =
        by_hand(&app, "prt_00000000000000000000", "call", "give", json!({})).await;
    let second_at = by_hand(&app, &ana_id, "bonus", "give", json!({"occurrence": 2})).await;
    let goal_not_reached = by_hand(&app, &ana_id, "tier-1", "give", json!({})).await;
    let unknown_field = by_hand(&app, &ana_id, "bonus", "give", json!({"occurence": 1})).await;
    let long_note = by_hand(
        &app,
        &ana_id,
        "bonus",
        "give",
        json!({"note": "x".repeat(501)}),
    )
    .await;
    let nothing_to_cancel = by_hand(&app, &ana_id, "held", "cancel", json!({})).await;

    // Assert
    expect(unknown_reward, StatusCode::NOT_FOUND).await;
    expect(unknown_participant, StatusCode::NOT_FOUND).await;
    let body = expect(second_at, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"]["details"]["field"], "occurrence", "{body}");
    assert_eq!(
        error_code(&expect(goal_not_reached, StatusCode::CONFLICT).await),
        "goal_not_achieved"
    );
    expect(unknown_field, StatusCode::BAD_REQUEST).await;
    let body = expect(long_note, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"]["details"]["field"], "note", "{body}");
    assert_eq!(
        error_code(&expect(nothing_to_cancel, StatusCode::CONFLICT).await),
        "reward_not_waiting"
    );
    let detail = app.participant_detail(&ana_id).await;
    assert_eq!(detail["rewards"], json!([]));
    assert_eq!(detail["progress"]["fulfilled"], false);
    let pool = app
        .get_ok(&format!("/v1/offers/{offer}/promo-codes?pool=bonus"))
        .await;
    assert_eq!(pool["assigned"], 0);
}

#[tokio::test]
async fn an_operator_cancels_a_held_reward_once_and_its_hold_then_gives_nothing() {
    // Arrange: two credits; the reward at two is held 30 days.
    let app = spawn_app().await;
    let offer = live_by_hand(&app).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let (ana_id, code) = (ana["id"].as_str().unwrap(), ana["code"].as_str().unwrap());
    friend_signs_up(&app, &offer, code, "bob@example.com").await;
    friend_signs_up(&app, &offer, code, "cid@example.com").await;

    // Act: cancelled with a reason, then again; a given one and the cancelled one are refused.
    let cancelled = by_hand(
        &app,
        ana_id,
        "held",
        "cancel",
        json!({"reason": "order returned"}),
    )
    .await;
    let cancelled = expect(cancelled, StatusCode::OK).await;
    let again = by_hand(&app, ana_id, "held", "cancel", json!({})).await;
    let given_one = by_hand(&app, ana_id, "tier-1", "cancel", json!({})).await;
    let give_cancelled = by_hand(&app, ana_id, "held", "give", json!({})).await;
    app.clock.advance(31 * 24 * 3600 * 1000);
    app.drain().await;

    // Assert: cancelled once, and the end of its hold gives nothing.
    assert_eq!(cancelled["state"], "cancelled");
    assert!(cancelled["cancelled_at"].is_string());
    assert_eq!(
        error_code(&expect(again, StatusCode::CONFLICT).await),
        "reward_cancelled"
    );
    assert_eq!(
        error_code(&expect(given_one, StatusCode::CONFLICT).await),
        "reward_already_given"
    );
    assert_eq!(
        error_code(&expect(give_cancelled, StatusCode::CONFLICT).await),
        "reward_cancelled"
    );
    let detail = app.participant_detail(ana_id).await;
    assert!(rewards(&detail).contains(&("held".into(), 1, "cancelled".into(), None)));
    let pool = app
        .get_ok(&format!("/v1/offers/{offer}/promo-codes?pool=held"))
        .await;
    assert_eq!(pool["assigned"], 0);
    let log = app
        .activities(&format!("participant_id={ana_id}&type=reward.cancelled"))
        .await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["details"]["reason"], "order returned");
    assert_eq!(log[0]["details"]["by"], "operator");
}

/// A shop's offer: a credit per purchase (each order its own event id), a
/// refund event reverses the friend's credits; a code at two purchases.
async fn live_per_purchase(app: &TestApp, credit_per: Option<&str>) -> String {
    let mut goal = json!({
        "type": "smart_list_trigger", "count": 2, "event": "order.paid",
        "reversal": {"name": "order.refunded", "where": [{"property": "full", "op": "=", "value": true}]}
    });
    if let Some(per) = credit_per {
        goal["credit_per"] = json!(per);
    }
    let offer = app
        .create_offer(&json!({
            "name": "Per purchase",
            "goal": goal,
            "offer_page_url": "https://shop.example.com/refer",
            "rewards": [
                {"id": "first", "for": "referrer", "at": 1},
                {"id": "two", "for": "referrer", "at": 2, "promo_codes": "two"}
            ]
        }))
        .await;
    let offer = offer["id"].as_str().unwrap().to_owned();
    put_pool(app, &offer, "two", "TWO-1\n").await;
    expect(app.approve(&offer).await, StatusCode::OK).await;
    offer
}

fn order(id: &str, email: &str, name: &str) -> Value {
    json!({"id": id, "person": {"email": email}, "name": name, "properties": {"full": true}})
}

#[tokio::test]
async fn with_credit_per_event_two_purchases_by_one_friend_are_two_credits() {
    // Arrange: Bob came through Ana's link and signed up.
    let app = spawn_app().await;
    let per_event = live_per_purchase(&app, Some("event")).await;
    let per_friend = live_per_purchase(&app, None).await;
    let mut anas = Vec::new();
    for offer in [&per_event, &per_friend] {
        let ana = app.participant(offer, "ana@example.com").await;
        friend_signs_up(
            &app,
            offer,
            ana["code"].as_str().unwrap(),
            "bob@example.com",
        )
        .await;
        anas.push(ana["id"].as_str().unwrap().to_owned());
    }

    // Act: two orders, the first delivered twice; then two Give Credit
    // calls with one event id, and one with another.
    for id in ["ord_1", "ord_1", "ord_2"] {
        app.post_ok(
            "/v1/events",
            &order(id, "bob@example.com", "order.paid"),
            StatusCode::OK,
        )
        .await;
    }

    // Assert: per event, two credits and both tiers (the code at two); per
    // friend (the default), one.
    let per_event_ana = app.participant_detail(&anas[0]).await;
    assert_eq!(per_event_ana["credit"], 2);
    assert_eq!(
        rewards(&per_event_ana),
        [given("first", 1, None), given("two", 1, Some("TWO-1"))]
    );
    let per_friend_ana = app.participant_detail(&anas[1]).await;
    assert_eq!(per_friend_ana["credit"], 1);
    assert_eq!(rewards(&per_friend_ana), [given("first", 1, None)]);
    // Give Credit takes an event id too; the same id again is no credit.
    let mut settings = app.get_ok(&format!("/v1/offers/{per_event}")).await;
    assert_eq!(
        settings["live"]["goal"]["credit_per"], "event",
        "{settings}"
    );
    settings = app.get_ok(&format!("/v1/offers/{per_friend}")).await;
    assert!(
        settings["live"]["goal"].get("credit_per").is_none(),
        "{settings}"
    );
    let call = json!({"email": "bob@example.com", "event_id": "ord_3"});
    let first = app.give_credit(&per_event, call.clone()).await;
    assert_eq!(expect(first, StatusCode::OK).await["credited"], true);
    let again = app.give_credit(&per_event, call).await;
    assert_eq!(expect(again, StatusCode::OK).await["credited"], false);
    assert_eq!(app.participant_detail(&anas[0]).await["credit"], 3);
}

#[tokio::test]
async fn a_refund_event_reverses_the_friends_credits_once() {
    // Arrange: two purchases by Bob gave Ana both tiers.
    let app = spawn_app().await;
    let offer = live_per_purchase(&app, Some("event")).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let ana_id = ana["id"].as_str().unwrap();
    friend_signs_up(
        &app,
        &offer,
        ana["code"].as_str().unwrap(),
        "bob@example.com",
    )
    .await;
    for id in ["ord_1", "ord_2"] {
        app.post_ok(
            "/v1/events",
            &order(id, "bob@example.com", "order.paid"),
            StatusCode::OK,
        )
        .await;
    }

    // Act: a partial refund (the rule's condition fails), then a full one, twice.
    let mut partial = order("ref_0", "bob@example.com", "order.refunded");
    partial["properties"]["full"] = json!(false);
    let partial = app.post_ok("/v1/events", &partial, StatusCode::OK).await;
    let after_partial = app.participant_detail(ana_id).await;
    let refund = app
        .post_ok(
            "/v1/events",
            &order("ref_1", "bob@example.com", "order.refunded"),
            StatusCode::OK,
        )
        .await;
    let refund_again = app
        .post_ok(
            "/v1/events",
            &order("ref_2", "bob@example.com", "order.refunded"),
            StatusCode::OK,
        )
        .await;

    // Assert: nothing on the partial one; the full refund takes both credits
    // back once, and both given tiers are recorded as clawed back.
    assert_eq!(partial["credits"], json!([]));
    assert_eq!(after_partial["credit"], 2);
    assert_eq!(
        refund["credits"][0]["reason"], "credit_reversed",
        "{refund}"
    );
    assert_eq!(refund["credits"][0]["participant_id"], ana_id);
    assert_eq!(refund_again["credits"], json!([]), "{refund_again}");
    let detail = app.participant_detail(ana_id).await;
    assert_eq!(detail["credit"], 0);
    assert!(detail["rewards"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["state"] == "given" && r["clawback_at"].is_string()));
    let log = app
        .activities(&format!("participant_id={ana_id}&type=credit.reversed"))
        .await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["details"]["reversed"], 2);
    assert_eq!(log[0]["details"]["reason"], "event order.refunded");
    let clawed = app
        .activities(&format!("participant_id={ana_id}&type=reward.clawback"))
        .await;
    assert_eq!(clawed.len(), 2);
}

#[tokio::test]
async fn credit_per_and_reversal_are_checked() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/v1/offers",
            &app.sk,
            &json!({"name": "x", "goal": {"type": "referred_signups", "count": 1,
                    "credit_per": "event",
                    "reversal": {"name": "has space"}}}),
        )
        .await;
    let body = expect(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: Vec<&str> = body["error"]["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"goal.credit_per"), "{body}");
    assert!(fields.contains(&"goal.reversal.name"), "{body}");
}

#[tokio::test]
async fn people_are_filtered_by_reward_and_state_in_json_and_csv() {
    // Arrange: Ana's call waits for an operator; Bob's was given by hand; Cid has none.
    let app = spawn_app().await;
    let offer = live_by_hand(&app).await;
    let mut ids = Vec::new();
    for (email, friend) in [
        ("ana@example.com", "f1@example.com"),
        ("bob@example.com", "f2@example.com"),
    ] {
        let p = app.participant(&offer, email).await;
        friend_signs_up(&app, &offer, p["code"].as_str().unwrap(), friend).await;
        ids.push(p["id"].as_str().unwrap().to_owned());
    }
    app.participant(&offer, "cid@example.com").await;
    expect(
        by_hand(&app, &ids[1], "call", "give", json!({})).await,
        StatusCode::OK,
    )
    .await;
    let emails = |query: String| {
        let app = &app;
        async move {
            let mut found: Vec<String> = app.get_ok(&format!("/v1/people?{query}")).await["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["email"].as_str().unwrap().to_owned())
                .collect();
            found.sort();
            found
        }
    };

    // Act & assert
    assert_eq!(
        emails("reward=call&reward_state=earned".into()).await,
        ["ana@example.com"]
    );
    assert_eq!(
        emails(format!(
            "reward=call&reward_state=given&signed_up_for={offer}"
        ))
        .await,
        ["bob@example.com"]
    );
    assert_eq!(
        emails("reward=call".into()).await,
        ["ana@example.com", "bob@example.com"]
    );
    assert!(emails("reward=bonus".into()).await.is_empty());
    let csv = app
        .client
        .get(app.url("/v1/people?reward=call&reward_state=earned"))
        .bearer_auth(&app.sk)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.unwrap();
    assert!(
        csv.contains("ana@example.com") && !csv.contains("bob@example.com"),
        "{csv}"
    );
    let alone = app.get("/v1/people?reward_state=given").await;
    let body = expect(alone, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"]["details"]["field"], "reward_state", "{body}");
    let bad = app.get("/v1/people?reward=call&reward_state=lost").await;
    expect(bad, StatusCode::BAD_REQUEST).await;
}
