//! Webhook payloads a CRM writes into a lead as they are (SPEC §13): the
//! people's emails and names, the participant's code, share URL, credit,
//! goal progress, promo code and rewards, delivered to a real receiver and
//! checked against the Standard Webhooks signature; erasure takes the
//! person's out of the payloads still kept.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect, spawn_app_with, TestApp};
use crate::receiver::Receiver;

/// Each delivery's body, verified with the endpoint's secret, in order.
async fn bodies(receiver: &Receiver, secret: &str, n: usize) -> Vec<Value> {
    let wh = standardwebhooks::Webhook::new(secret).unwrap();
    receiver
        .wait_for(n)
        .await
        .iter()
        .map(|r| {
            wh.verify(&r.body, &r.headers).expect("signed");
            serde_json::from_slice(&r.body).unwrap()
        })
        .collect()
}

fn of_type<'a>(bodies: &'a [Value], kind: &str) -> Vec<&'a Value> {
    bodies.iter().filter(|b| b["type"] == kind).collect()
}

async fn hook(app: &TestApp, receiver: &Receiver, events: &[&str]) -> String {
    let body = json!({"url": receiver.url, "events": events});
    let hook = app
        .post_ok("/v1/webhooks", &body, StatusCode::CREATED)
        .await;
    hook["secret"].as_str().unwrap().to_owned()
}

async fn friend_signs_up(app: &TestApp, offer: &str, code: &str, email: &str, first: &str) {
    let body = json!({"email": email, "first_name": first, "last_name": "Friend",
                      "referral_code": code});
    expect(app.sign_up(offer, body).await, StatusCode::CREATED).await;
}

#[tokio::test]
async fn each_event_carries_the_people_code_share_url_credit_progress_and_promo_code() {
    // Arrange
    let app = spawn_app_with(|c| c.allow_private_webhooks = true).await;
    let offer = app
        .create_offer(&crate::helpers::offer_settings(
            json!({"type": "referred_signups", "count": 2}),
        ))
        .await;
    let offer = offer["id"].as_str().unwrap().to_owned();
    expect(
        app.put_promo_codes(&offer, "SPRING-1\n").await,
        StatusCode::OK,
    )
    .await;
    expect(app.approve(&offer).await, StatusCode::OK).await;
    let receiver = Receiver::start(&[]).await;
    let events = [
        "signs_up_for_referral_offer",
        "refers_to_social_app",
        "achieved_goal_in_referral",
        "offer_fulfilled",
    ];
    let secret = hook(&app, &receiver, &events).await;

    // Act: Ana signs up, two friends follow her link and sign up.
    let ana = app
        .sign_up(
            &offer,
            json!({"email": "ana@example.com", "first_name": "Ana", "last_name": "Bell"}),
        )
        .await;
    let ana = expect(ana, StatusCode::CREATED).await;
    let code = ana["code"].as_str().unwrap();
    friend_signs_up(&app, &offer, code, "bo@example.com", "Bo").await;
    friend_signs_up(&app, &offer, code, "cy@example.com", "Cy").await;
    app.drain().await;
    // 3 sign-ups, 2 credits, the goal, the fulfilment.
    let bodies = bodies(&receiver, &secret, 7).await;
    assert_eq!(bodies.len(), 7);

    // Assert: Ana's own sign-up names her as participant and person.
    let share_url = format!("{}/r/{code}", app.base);
    let signs_up = of_type(&bodies, "signs_up_for_referral_offer");
    let own = signs_up
        .iter()
        .find(|b| b["data"]["participant_id"] == ana["id"])
        .unwrap();
    let participant = &own["data"]["participant"];
    assert_eq!(participant["email"], "ana@example.com");
    assert_eq!(participant["first_name"], "Ana");
    assert_eq!(participant["last_name"], "Bell");
    assert_eq!(participant["code"], code);
    assert_eq!(participant["share_url"], share_url.as_str());
    assert_eq!(participant["credit"], 0);
    assert_eq!(
        participant["goal"],
        json!({"count": 2, "remaining": 2, "achieved": false})
    );
    assert_eq!(own["data"]["person"]["email"], "ana@example.com");

    // Each credit names the friend who earned it and Ana's progress then.
    let credits = of_type(&bodies, "refers_to_social_app");
    let mut seen: Vec<(String, i64, i64)> = credits
        .iter()
        .map(|b| {
            let data = &b["data"];
            assert_eq!(data["participant"]["email"], "ana@example.com");
            assert_eq!(data["participant"]["share_url"], share_url.as_str());
            assert_eq!(data["person"]["last_name"], "Friend");
            (
                data["person"]["email"].as_str().unwrap().to_owned(),
                data["participant"]["credit"].as_i64().unwrap(),
                data["participant"]["goal"]["remaining"].as_i64().unwrap(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("bo@example.com".into(), 1, 1),
            ("cy@example.com".into(), 2, 0)
        ]
    );

    // The goal and the fulfilment: achieved, fulfilled, the promo code given.
    let goal = of_type(&bodies, "achieved_goal_in_referral");
    assert_eq!(goal.len(), 1);
    assert_eq!(goal[0]["data"]["participant"]["goal"]["achieved"], true);
    let fulfilled = of_type(&bodies, "offer_fulfilled");
    assert_eq!(fulfilled.len(), 1);
    let participant = &fulfilled[0]["data"]["participant"];
    assert_eq!(participant["email"], "ana@example.com");
    assert_eq!(participant["fulfilled"], true);
    assert_eq!(participant["promo_code"], "SPRING-1");
    assert_eq!(participant["credit"], 2);
    assert_eq!(participant["share_url"], share_url.as_str());

    // The delivery log shows the body as it was sent.
    let hooks = app.get_ok("/v1/webhooks").await;
    let id = hooks["data"][0]["id"].as_str().unwrap();
    let log = app
        .get_ok(&format!("/v1/webhooks/{id}/deliveries?limit=100"))
        .await;
    let logged = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["event_type"] == "offer_fulfilled")
        .unwrap();
    assert_eq!(&logged["payload"], fulfilled[0]);
}

#[tokio::test]
async fn a_reward_s_events_carry_the_reward_and_the_participant_s_rewards() {
    // Arrange: a double-sided offer, a reward for the referrer at the goal
    // and one for each friend who signs up.
    let app = spawn_app_with(|c| c.allow_private_webhooks = true).await;
    let settings = json!({
        "name": "Give 10, get 10",
        "goal": {"type": "referred_signups", "count": 1},
        "offer_page_url": "https://shop.example.com/refer",
        "rewards": [
            {"id": "goal", "for": "referrer", "at": 1, "promo_codes": "default",
             "label": "A month free"},
            {"id": "welcome", "for": "friend", "on": "sign_up", "label": "€10 off"}
        ]
    });
    let offer = app.create_offer(&settings).await;
    let offer = offer["id"].as_str().unwrap().to_owned();
    expect(
        app.put_promo_codes(&offer, "MONTH-1\n").await,
        StatusCode::OK,
    )
    .await;
    expect(app.approve(&offer).await, StatusCode::OK).await;
    let receiver = Receiver::start(&[]).await;
    let secret = hook(&app, &receiver, &["reward.given"]).await;

    // Act
    let ana = app.participant(&offer, "ana@example.com").await;
    friend_signs_up(
        &app,
        &offer,
        ana["code"].as_str().unwrap(),
        "bo@example.com",
        "Bo",
    )
    .await;
    app.drain().await;
    let bodies = bodies(&receiver, &secret, 2).await;

    // Assert
    assert_eq!(bodies.len(), 2);
    let theirs = |email: &str| {
        bodies
            .iter()
            .find(|b| b["data"]["participant"]["email"] == email)
            .unwrap_or_else(|| panic!("no reward.given for {email}: {bodies:?}"))
    };
    let ana_s = &theirs("ana@example.com")["data"];
    assert_eq!(
        ana_s["reward"],
        json!({"id": "goal", "label": "A month free", "occurrence": 1, "state": "given",
               "promo_code": "MONTH-1"})
    );
    assert_eq!(
        ana_s["participant"]["rewards"],
        json!([{"id": "goal", "label": "A month free", "occurrence": 1, "state": "given",
                "promo_code": "MONTH-1"}])
    );
    let bo_s = &theirs("bo@example.com")["data"];
    assert_eq!(bo_s["reward"]["id"], "welcome");
    assert_eq!(bo_s["reward"]["label"], "€10 off");
    assert_eq!(bo_s["participant"]["first_name"], "Bo");
}

#[tokio::test]
async fn erasure_takes_the_person_s_email_and_names_out_of_the_payloads_kept() {
    // Arrange: an endpoint that cannot be reached, so its payloads are kept.
    let app = spawn_app_with(|c| c.allow_private_webhooks = true).await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await;
    let body = json!({"url": "http://127.0.0.1:9/hook", "events": ["refers_to_social_app"]});
    let hook = app
        .post_ok("/v1/webhooks", &body, StatusCode::CREATED)
        .await;
    let ana = app
        .sign_up(
            &offer,
            json!({"email": "ana@example.com", "first_name": "Ana", "last_name": "Bell"}),
        )
        .await;
    let ana = expect(ana, StatusCode::CREATED).await;
    let code = ana["code"].as_str().unwrap();
    friend_signs_up(&app, &offer, code, "bo@example.com", "Bo").await;
    let friend = app.participant(&offer, "bo@example.com").await;

    // Act: the friend is erased.
    let erased = app
        .delete(&format!(
            "/v1/people/{}",
            friend["person_id"].as_str().unwrap()
        ))
        .await;
    expect(erased, StatusCode::OK).await;

    // Assert: the friend is gone from the payload; the referrer is not.
    let id = hook["id"].as_str().unwrap();
    let log = app.get_ok(&format!("/v1/webhooks/{id}/deliveries")).await;
    let data = &log["data"][0]["payload"]["data"];
    assert_eq!(data["person"]["email"], "[erased]", "{data}");
    assert_eq!(data["person"]["first_name"], Value::Null);
    assert_eq!(data["person"]["last_name"], Value::Null);
    assert_eq!(data["participant"]["email"], "ana@example.com");
    assert_eq!(data["participant"]["first_name"], "Ana");
    assert!(!log.to_string().contains("bo@example.com"));
}
