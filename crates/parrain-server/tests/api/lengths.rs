//! Every string a client sends is capped: an over-long one is a 400 in the
//! house error shape naming the field, and nothing of the request is kept.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_code, expect, offer_settings, spawn_app, TestApp};

/// Posts `body` and expects the 400 naming `field`.
async fn refused(app: &TestApp, path: &str, key: &str, body: &Value, field: &str) {
    let response = app.post(path, key, body).await;
    let body = expect(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"]["details"]["field"], field, "{path}: {body}");
    assert!(error_code(&body) == "too_long" || error_code(&body) == "invalid_field");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(field) && message.contains("longer than"),
        "{message}"
    );
}

#[tokio::test]
async fn over_long_strings_are_refused_by_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let mut settings = offer_settings(json!({"count": 3}));
    settings["person_fields"] = json!([{"name": "first_name"}, {"name": "company"}]);
    let offer = app.live_offer_with(settings).await;
    let sign_up = format!("/v1/offers/{offer}/participants");
    let huge = "x".repeat(3_000_000);

    // The person field of the report: 3,000,000 characters of company.
    let body = json!({"email": "ana@example.com", "fields": {"company": huge}});
    refused(&app, &sign_up, &app.pk, &body, "fields.company").await;
    refused(&app, &sign_up, &app.sk, &body, "fields.company").await;
    // A person field is as short as a name.
    let body = json!({"email": "ana@example.com", "fields": {"company": "x".repeat(201)}});
    refused(&app, &sign_up, &app.pk, &body, "fields.company").await;
    let body = json!({"email": "ana@example.com", "referral_code": huge});
    refused(&app, &sign_up, &app.pk, &body, "referral_code").await;
    let listed = app.get_ok(&sign_up).await;
    assert_eq!(listed["data"], json!([]), "nobody was signed up");
    // At the cap it is taken.
    let body = json!({"email": "ana@example.com", "fields": {"company": "é".repeat(200)}});
    expect(
        app.post(&sign_up, &app.pk, &body).await,
        StatusCode::CREATED,
    )
    .await;

    let visitor = "vis_00000000000000000001";
    let lookup = format!("/v1/offers/{offer}/participants/lookup");
    refused(&app, &lookup, &app.pk, &json!({"email": huge}), "email").await;
    let visit = json!({"offer_id": offer, "visitor_id": visitor, "url": format!("https://shop.example.com/?q={huge}")});
    refused(&app, "/v1/track/visit", &app.pk, &visit, "url").await;
    let identify = json!({"visitor_id": visitor, "email": huge});
    refused(&app, "/v1/track/identify", &app.pk, &identify, "email").await;
    // Event names and properties, keys included, one event or a batch.
    let event = |properties: Value| json!({"person": {"email": "ana@example.com"}, "name": "purchase", "properties": properties});
    refused(
        &app,
        "/v1/events",
        &app.sk,
        &event(json!({"note": huge})),
        "properties.note",
    )
    .await;
    let batch = json!([event(json!({})), event(json!({"tags": ["ok", huge]}))]);
    refused(
        &app,
        "/v1/events",
        &app.sk,
        &batch,
        "[1].properties.tags[1]",
    )
    .await;
    let long_key = json!({ "x".repeat(5_000): 1 });
    refused(&app, "/v1/events", &app.sk, &event(long_key), "properties").await;
    let activities = app
        .activities(&format!("offer_id={offer}&type=visits_offer_page"))
        .await;
    assert!(activities.is_empty(), "{activities:?}");
}
