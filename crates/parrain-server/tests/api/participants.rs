//! Sign-up: idempotent per email, what each kind of key sees, person fields.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect, offer_settings, spawn_app};

#[tokio::test]
async fn signing_up_twice_returns_the_same_participant() {
    let app = spawn_app().await;
    let offer = app.live_offer(json!({"count": 3})).await;
    let first = expect(
        app.sign_up(
            &offer,
            json!({"email": "Ana@Example.com", "first_name": "Ana"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let again = expect(
        app.sign_up(&offer, json!({"email": " ana@example.com "}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["id"], again["id"]);
    assert_eq!(again["email"], "ana@example.com");
    assert_eq!(again["first_name"], "Ana");
    let code = first["code"].as_str().unwrap();
    assert_eq!(code.len(), 10);
    assert!(!code.contains(['0', 'o', '1', 'l', 'i']));
    assert_eq!(first["share_url"], format!("{}/r/{code}", app.base));
    let list = app
        .get_ok(&format!("/v1/offers/{offer}/participants"))
        .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
}

/// A new person's sign-up is answered from what it wrote, without reading
/// it back: the answer is what the store holds, field for field.
#[tokio::test]
async fn a_new_sign_up_is_answered_with_what_was_stored() {
    let app = spawn_app().await;
    let offer = app.live_offer(json!({"count": 3})).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    for body in [
        json!({"email": " Bea@Example.com ", "first_name": "Bea", "last_name": "B",
               "referral_code": ana["code"], "marketing_consent": true}),
        json!({"email": "cy@example.com", "marketing_consent": false}),
        json!({"email": "dee@example.com"}),
    ] {
        let answer = expect(app.sign_up(&offer, body).await, StatusCode::CREATED).await;
        let stored = app
            .get_ok(&format!(
                "/v1/participants/{}",
                answer["id"].as_str().unwrap()
            ))
            .await;
        let fields = answer.as_object().unwrap();
        assert!(fields.len() > 10, "{answer}");
        for (field, value) in fields {
            if field == "participant_token" {
                continue;
            }
            assert_eq!(value, &stored[field], "{field}: {answer} against {stored}");
        }
    }
}

#[tokio::test]
async fn a_publishable_key_sees_only_code_share_url_progress_and_its_token() {
    let app = spawn_app().await;
    let offer = app.live_offer(json!({"count": 3})).await;
    let path = format!("/v1/offers/{offer}/participants");
    let body = expect(
        app.post(&path, &app.pk, &json!({"email": "ana@example.com"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let mut keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "code",
            "id",
            "participant_token",
            "progress",
            "rewards",
            "share_url"
        ]
    );
    assert_eq!(
        body["progress"],
        json!({"credit": 0, "goal_count": 3, "achieved": false, "fulfilled": false})
    );
    // Its own rewards only: none on an offer without rewards.
    assert_eq!(body["rewards"], json!([]));
    // …and may not list participants.
    let list = app
        .client
        .get(app.url(&path))
        .bearer_auth(&app.pk)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn required_person_fields_are_enforced_and_unknown_ones_refused() {
    let app = spawn_app().await;
    let mut settings = offer_settings(json!({"count": 3}));
    settings["person_fields"] = json!([
        {"name": "first_name", "required": true},
        {"name": "company", "label": "Company", "required": true}
    ]);
    let offer = app.live_offer_with(settings).await;
    let missing = expect(
        app.sign_up(&offer, json!({"email": "a@example.com"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let fields: Vec<_> = missing["error"]["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].clone())
        .collect();
    assert_eq!(fields, [json!("first_name"), json!("company")]);
    let unknown = json!({"email": "a@example.com", "first_name": "A", "fields": {"company": "Acme", "shoe_size": 42}});
    let refused = expect(
        app.sign_up(&offer, unknown).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        refused["error"]["details"]["problems"][0]["field"],
        "fields.shoe_size"
    );
    // Nothing half-written: no participant exists yet.
    let list = app
        .get_ok(&format!("/v1/offers/{offer}/participants"))
        .await;
    assert_eq!(list["data"], json!([]));

    let ok = json!({"email": "a@example.com", "first_name": "A", "fields": {"company": "Acme"}, "marketing_consent": true});
    let created = expect(app.sign_up(&offer, ok).await, StatusCode::CREATED).await;
    assert_eq!(
        (
            created["fields"]["company"].as_str(),
            created["marketing_consent"].as_bool()
        ),
        (Some("Acme"), Some(true))
    );
}

#[tokio::test]
async fn bulk_fulfilment_reports_each_participant() {
    let app = spawn_app().await;
    let mut settings = offer_settings(json!({"type": "smart_list_trigger", "count": 1}));
    settings["fulfillment"] = json!({"delivery": "manual"});
    let offer = app.live_offer_with(settings).await;
    app.put_promo_codes(&offer, "C1\nC2\n").await;
    let mut achieved = Vec::new();
    for (referrer, friend) in [
        ("a@example.com", "fa@example.com"),
        ("b@example.com", "fb@example.com"),
    ] {
        let p = app.participant(&offer, referrer).await;
        let visitor = app.friend_arrives(p["code"].as_str().unwrap()).await;
        app.identify(&visitor, friend).await;
        app.give_credit(&offer, json!({"email": friend})).await;
        achieved.push(p["id"].as_str().unwrap().to_owned());
    }
    let waiting = app.participant(&offer, "c@example.com").await;
    let ids = json!({"participant_ids": [achieved[0], achieved[1], waiting["id"]]});
    let out = app
        .post_ok(&format!("/v1/offers/{offer}/fulfill"), &ids, StatusCode::OK)
        .await;
    let results = out["results"].as_array().unwrap();
    let codes: Vec<_> = results.iter().map(|r| r["promo_code"].clone()).collect();
    assert_eq!(codes, [json!("C1"), json!("C2"), Value::Null]);
    assert_eq!(results[2]["error"]["code"], "goal_not_achieved");
    let fulfilled = app
        .get_ok(&format!("/v1/offers/{offer}/participants?fulfilled=true"))
        .await;
    assert_eq!(fulfilled["data"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_participant_signing_in_again_is_not_asked_for_the_form_again() {
    let app = spawn_app().await;
    let mut settings = offer_settings(json!({"count": 3}));
    settings["person_fields"] = json!([{"name": "company", "required": true}]);
    let offer = app.live_offer_with(settings).await;
    let first = json!({"email": "a@example.com", "fields": {"company": "Acme"}});
    let created = expect(app.sign_up(&offer, first).await, StatusCode::CREATED).await;
    let again = expect(
        app.sign_up(&offer, json!({"email": "A@example.com"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["id"], created["id"]);
}
