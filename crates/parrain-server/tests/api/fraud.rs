//! Fraud rules (`fraud` in offer settings): each rule with each outcome, the
//! review queue moving a referrer across its goal, and the activities every
//! decision leaves.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_code, expect, offer_settings, spawn_app, TestApp};

const HOUR: i64 = 60 * 60 * 1000;

/// A live `referred_signups` offer of goal 2 with these fraud rules, and its referrer.
async fn offer_with(app: &TestApp, fraud: Value) -> (String, Value) {
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 2}));
    settings["fulfillment"] = json!({"delivery": "manual"});
    if !fraud.is_null() {
        settings["fraud"] = fraud;
    }
    let offer = app.live_offer_with(settings).await;
    let referrer = app.participant(&offer, "ada.lovelace@gmail.com").await;
    (offer, referrer)
}

/// A friend signs up with the referrer's code; returns the referrer's credit after.
async fn friend_signs_up(app: &TestApp, offer: &str, referrer: &Value, email: &str) -> i64 {
    let body = json!({"email": email, "referral_code": referrer["code"]});
    expect(app.sign_up(offer, body).await, StatusCode::CREATED).await;
    credit(app, referrer).await
}

async fn credit(app: &TestApp, referrer: &Value) -> i64 {
    let detail = app
        .participant_detail(referrer["id"].as_str().unwrap())
        .await;
    detail["credit"].as_i64().unwrap()
}

async fn flagged(app: &TestApp, offer: &str) -> Vec<Value> {
    app.activities(&format!("offer_id={offer}&type=credit.flagged"))
        .await
}

async fn reviews(app: &TestApp) -> Vec<Value> {
    app.get_ok("/v1/reviews").await["data"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn an_email_variant_of_the_referrer_is_blocked_by_default() {
    let app = spawn_app().await;
    let (offer, referrer) = offer_with(&app, Value::Null).await;
    assert_eq!(
        friend_signs_up(&app, &offer, &referrer, "adalovelace+2@googlemail.com").await,
        0
    );
    let flags = flagged(&app, &offer).await;
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0]["details"]["outcome"], "block");
    assert_eq!(flags[0]["details"]["reasons"], json!(["email_variant"]));
    assert!(
        reviews(&app).await.is_empty(),
        "a blocked credit is not for review"
    );
    assert_eq!(
        friend_signs_up(&app, &offer, &referrer, "grace@example.com").await,
        1
    );
}

#[tokio::test]
async fn an_email_variant_set_to_review_waits_and_set_to_allow_counts() {
    let app = spawn_app().await;
    let (offer, referrer) = offer_with(&app, json!({"email_variant": "review"})).await;
    assert_eq!(
        friend_signs_up(&app, &offer, &referrer, "a.d.a.lovelace@gmail.com").await,
        0
    );
    assert_eq!(reviews(&app).await[0]["reasons"], json!(["email_variant"]));

    let (offer, referrer) = offer_with(&app, json!({"email_variant": "allow"})).await;
    assert_eq!(
        friend_signs_up(&app, &offer, &referrer, "adalovelace+x@gmail.com").await,
        1
    );
    assert!(flagged(&app, &offer).await.is_empty());
}

#[tokio::test]
async fn approving_a_held_credit_moves_the_referrer_across_its_goal() {
    let app = spawn_app().await;
    let (offer, referrer) = offer_with(&app, Value::Null).await;
    // Disposable domains (from the mailchecker list) are held by default.
    assert_eq!(
        friend_signs_up(&app, &offer, &referrer, "bob@mailinator.com").await,
        0
    );
    assert_eq!(
        friend_signs_up(&app, &offer, &referrer, "grace@example.com").await,
        1
    );
    let queue = reviews(&app).await;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["state"], "pending");
    assert_eq!(queue[0]["reasons"], json!(["disposable_email"]));
    assert_eq!(queue[0]["participant_id"], referrer["id"]);
    let detail = app
        .participant_detail(referrer["id"].as_str().unwrap())
        .await;
    assert_eq!(
        detail["achieved_at"],
        Value::Null,
        "a held credit does not count"
    );

    let id = queue[0]["id"].as_str().unwrap();
    let approved = app
        .post_ok(
            &format!("/v1/reviews/{id}/approve"),
            &json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(approved["state"], "approved");
    let detail = app
        .participant_detail(referrer["id"].as_str().unwrap())
        .await;
    assert_eq!(detail["credit"], 2);
    assert!(
        detail["achieved_at"].is_string(),
        "the approval reached the goal"
    );
    assert!(reviews(&app).await.is_empty());
    let done = app
        .activities(&format!("offer_id={offer}&type=credit.approved"))
        .await;
    assert_eq!(done.len(), 1);
    let goal = app
        .activities(&format!("offer_id={offer}&type=achieved_goal_in_referral"))
        .await;
    assert_eq!(goal.len(), 1);

    let again = app
        .post(&format!("/v1/reviews/{id}/approve"), &app.sk, &json!({}))
        .await;
    let again = expect(again, StatusCode::CONFLICT).await;
    assert_eq!(error_code(&again), "review_decided");
}

#[tokio::test]
async fn a_rejected_credit_never_counts() {
    let app = spawn_app().await;
    let (offer, referrer) = offer_with(&app, Value::Null).await;
    friend_signs_up(&app, &offer, &referrer, "eve@mailinator.com").await;
    let id = reviews(&app).await[0]["id"].as_str().unwrap().to_owned();
    let rejected = app
        .post_ok(
            &format!("/v1/reviews/{id}/reject"),
            &json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(rejected["state"], "rejected");
    assert_eq!(credit(&app, &referrer).await, 0);
    let log = app
        .activities(&format!("offer_id={offer}&type=credit.rejected"))
        .await;
    assert_eq!(log.len(), 1);
    // Signing up again is the same fact: still not counted, not flagged twice.
    let body = json!({"email": "eve@mailinator.com", "referral_code": referrer["code"]});
    expect(app.sign_up(&offer, body).await, StatusCode::OK).await;
    assert_eq!(credit(&app, &referrer).await, 0);
    assert_eq!(flagged(&app, &offer).await.len(), 1);
    let unknown = app
        .post("/v1/reviews/rev_bm9wZQ/approve", &app.sk, &json!({}))
        .await;
    expect(unknown, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn credit_velocity_blocks_above_the_hourly_limit_then_lets_up() {
    let app = spawn_app().await;
    let rules = json!({"credit_velocity": {"max_per_hour": 2, "outcome": "block"}});
    let (offer, referrer) = offer_with(&app, rules).await;
    assert_eq!(
        friend_signs_up(&app, &offer, &referrer, "f1@example.com").await,
        1
    );
    assert_eq!(
        friend_signs_up(&app, &offer, &referrer, "f2@example.com").await,
        2
    );
    assert_eq!(
        friend_signs_up(&app, &offer, &referrer, "f3@example.com").await,
        2
    );
    assert_eq!(
        flagged(&app, &offer).await[0]["details"]["reasons"],
        json!(["credit_velocity"])
    );
    app.clock.advance(HOUR + 1);
    assert_eq!(
        friend_signs_up(&app, &offer, &referrer, "f4@example.com").await,
        3
    );
}

#[tokio::test]
async fn fraud_settings_are_validated_by_field() {
    let app = spawn_app().await;
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 2}));
    settings["fraud"] = json!({"credit_velocity": {"max_per_hour": 0, "outcome": "review"}});
    let response = app.post("/v1/offers", &app.sk, &settings).await;
    let body = expect(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        body["error"]["details"]["problems"][0]["field"],
        "fraud.credit_velocity.max_per_hour"
    );

    settings["fraud"] = json!({"same_device": "block"});
    let response = app.post("/v1/offers", &app.sk, &settings).await;
    let body = expect(response, StatusCode::BAD_REQUEST).await;
    assert!(
        body["error"]["message"].as_str().unwrap().contains("fraud"),
        "{body}"
    );

    settings["fraud"] = json!({"disposable_email": "maybe"});
    let response = app.post("/v1/offers", &app.sk, &settings).await;
    expect(response, StatusCode::BAD_REQUEST).await;
}

/// `fraud.verify_friend_email`: a sign-up with a made-up or borrowed address
/// never confirms it, so it never earns its referrer anything.
#[tokio::test]
async fn with_verify_friend_email_a_referred_sign_up_counts_once_the_friend_confirms() {
    let mail = crate::mailbox::MailServer::start();
    let url = mail.url();
    let app = crate::helpers::spawn_app_with(|c| c.outbound.smtp_url = Some(url)).await;
    let (offer, referrer) = offer_with(&app, json!({"verify_friend_email": true})).await;
    let settings = app.get_ok(&format!("/v1/offers/{offer}")).await;
    assert_eq!(settings["live"]["fraud"]["verify_friend_email"], true);

    // The referrer signs a friend up with an address of the friend's.
    assert_eq!(
        friend_signs_up(&app, &offer, &referrer, "grace@example.com").await,
        0,
        "nothing until the friend confirms"
    );
    let messages = mail.wait_for(1).await;
    assert_eq!(messages[0].to, ["grace@example.com"]);
    let text = messages[0].part("text/plain");
    let start = text
        .find(&format!("{}/c/", app.base))
        .expect("a confirmation link");
    let link = text[start..].split_whitespace().next().unwrap().to_owned();

    // A mail scanner's GET confirms nothing; the friend's click does, once.
    let page = app.client.get(&link).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(credit(&app, &referrer).await, 0);
    let confirmed = app.client.post(&link).send().await.unwrap();
    assert_eq!(confirmed.status(), StatusCode::OK);
    assert_eq!(credit(&app, &referrer).await, 1);
    let again = app.client.post(&link).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert_eq!(credit(&app, &referrer).await, 1);
}

#[tokio::test]
async fn verify_friend_email_is_off_by_default() {
    let app = spawn_app().await;
    let (offer, referrer) = offer_with(&app, Value::Null).await;
    let settings = app.get_ok(&format!("/v1/offers/{offer}")).await;
    assert_eq!(settings["live"]["fraud"]["verify_friend_email"], false);
    assert_eq!(
        friend_signs_up(&app, &offer, &referrer, "grace@example.com").await,
        1
    );
}
