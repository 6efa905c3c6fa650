//! Share first, then sign up (`sign_up_flow: share_then_capture`): a
//! browser gets a pending share code before its owner gives an email;
//! friends who open its link are attributed to it, and credited once that
//! browser signs up, which makes the code the new participant's. Nothing
//! counts a pending code before then, and only its own browser takes it.

use std::time::Duration;

use parrain_server::retention::{self, RetentionConfig};
use parrain_store::Swept;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_code, expect, offer_settings, spawn_app, visitor_of, TestApp};

const SHARER: &str = "vis_0000000000000000shr1";
const OTHER: &str = "vis_0000000000000000eve2";

async fn share_first_offer(app: &TestApp, goal: Value) -> String {
    let mut settings = offer_settings(goal);
    settings["sign_up_flow"] = json!("share_then_capture");
    app.live_offer_with(settings).await
}

fn pending_path(offer: &str) -> String {
    format!("/v1/offers/{offer}/participants/pending")
}

/// The browser's pending code, as the widget asks for it (publishable key).
async fn pending(app: &TestApp, offer: &str, visitor: &str) -> Value {
    let body = json!({"visitor_id": visitor});
    let response = app.post(&pending_path(offer), &app.pk, &body).await;
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.unwrap()
}

/// The share code a browser gets before it signs up.
async fn pending_code(app: &TestApp, offer: &str, visitor: &str) -> String {
    pending(app, offer, visitor).await["code"]
        .as_str()
        .expect("a pending share has a code")
        .to_owned()
}

/// A sign-up from a web page (publishable key) in the given browser.
async fn sign_up_in(app: &TestApp, offer: &str, email: &str, visitor: &str) -> Response {
    let body = json!({"email": email, "visitor_id": visitor});
    let path = format!("/v1/offers/{offer}/participants");
    app.post(&path, &app.pk, &body).await
}

type Response = reqwest::Response;

/// The share code and credit of the participant with this email, as the
/// site's server sees them.
async fn credit_of(app: &TestApp, offer: &str, email: &str) -> (String, i64) {
    let list = app
        .get_ok(&format!("/v1/offers/{offer}/participants?limit=500"))
        .await;
    let found = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["email"] == email)
        .cloned()
        .unwrap_or_else(|| panic!("{email} is no participant: {list}"));
    let code = found["code"].as_str().unwrap().to_owned();
    (code, found["credit"].as_i64().unwrap())
}

#[tokio::test]
async fn the_same_browser_gets_the_same_code_and_another_browser_its_own() {
    let app = spawn_app().await;
    let offer = share_first_offer(&app, json!({"type": "referred_signups", "count": 3})).await;

    let body = json!({"visitor_id": SHARER});
    let first = app.post(&pending_path(&offer), &app.pk, &body).await;
    let first = expect(first, StatusCode::CREATED).await;
    let again = app.post(&pending_path(&offer), &app.pk, &body).await;
    let again = expect(again, StatusCode::OK).await;
    let other = pending(&app, &offer, OTHER).await;

    let code = first["code"].as_str().unwrap();
    assert_eq!(again["code"], code);
    assert_eq!(first["share_url"], format!("{}/r/{code}", app.base));
    assert_eq!(first["pending"], true);
    assert_ne!(other["code"], code);
}

#[tokio::test]
async fn a_friend_of_a_link_shared_before_sign_up_credits_the_referrer_once_it_signs_up() {
    let app = spawn_app().await;
    let offer = share_first_offer(&app, json!({"type": "referred_signups", "count": 3})).await;
    let code = pending_code(&app, &offer, SHARER).await;

    // A friend opens the link and signs up while the sharer has not yet.
    let friend = app.friend_arrives(&code).await;
    let body = json!({"email": "fred@example.com", "visitor_id": friend, "referral_code": code});
    let signed = app
        .post(&format!("/v1/offers/{offer}/participants"), &app.pk, &body)
        .await;
    expect(signed, StatusCode::CREATED).await;
    assert!(app.activities("type=refers_to_social_app").await.is_empty());

    // The sharer signs up from the browser that shared: the code is its own.
    let ana = expect(
        sign_up_in(&app, &offer, "ana@example.com", SHARER).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(ana["code"], code.as_str());
    assert_eq!(
        credit_of(&app, &offer, "ana@example.com").await,
        (code.clone(), 1)
    );

    // Signing up again, from any browser, and the friend's next click and
    // visit, credit nothing more.
    sign_up_in(&app, &offer, "ana@example.com", SHARER).await;
    let again = app
        .sign_up(&offer, json!({"email": "ana@example.com"}))
        .await;
    expect(again, StatusCode::OK).await;
    app.follow(&code, Some(&friend)).await;
    app.track(
        "visit",
        json!({"offer_id": offer, "visitor_id": friend, "referral_code": code}),
    )
    .await;
    assert_eq!(credit_of(&app, &offer, "ana@example.com").await.1, 1);
    assert_eq!(app.activities("type=refers_to_social_app").await.len(), 1);

    // Another person signing up from the sharer's browser gets a code of
    // its own: the pending one was taken once.
    let bea = expect(
        sign_up_in(&app, &offer, "bea@example.com", SHARER).await,
        StatusCode::CREATED,
    )
    .await;
    assert_ne!(bea["code"], code.as_str());
    assert_eq!(credit_of(&app, &offer, "bea@example.com").await.1, 0);
    assert_eq!(credit_of(&app, &offer, "ana@example.com").await.1, 1);
}

#[tokio::test]
async fn a_visit_through_a_pending_link_earns_its_credit_at_the_sign_up() {
    let app = spawn_app().await;
    let offer = share_first_offer(&app, json!({"type": "referred_visits", "count": 2})).await;
    let code = pending_code(&app, &offer, SHARER).await;

    let friend = app.follow(&format!("{code}?ch=x"), None).await;
    assert_eq!(friend.status(), StatusCode::FOUND);
    let location = friend.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains(&format!("parrain_ref={code}")),
        "{location}"
    );
    let friend = visitor_of(&friend);
    let visit = json!({"offer_id": offer, "visitor_id": friend, "referral_code": code});
    let tracked = app.track("visit", visit.clone()).await;
    assert_eq!(tracked["credited"], false);
    // The sharer's own browser opening its link is no friend.
    app.follow(&code, Some(SHARER)).await;
    app.track(
        "visit",
        json!({"offer_id": offer, "visitor_id": SHARER, "referral_code": code}),
    )
    .await;

    expect(
        sign_up_in(&app, &offer, "ana@example.com", SHARER).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(credit_of(&app, &offer, "ana@example.com").await.1, 1);
    // The friend's next visit in the same session is the same fact.
    app.track("visit", visit).await;
    assert_eq!(credit_of(&app, &offer, "ana@example.com").await.1, 1);
}

#[tokio::test]
async fn another_browser_cannot_take_over_a_pending_code() {
    let app = spawn_app().await;
    let offer = share_first_offer(&app, json!({"type": "referred_signups", "count": 3})).await;
    let code = pending_code(&app, &offer, SHARER).await;
    let friend = app.friend_arrives(&code).await;
    let body = json!({"email": "fred@example.com", "visitor_id": friend});
    let fred = app
        .post(&format!("/v1/offers/{offer}/participants"), &app.pk, &body)
        .await;
    expect(fred, StatusCode::CREATED).await;

    // Someone else names the pending code at sign-up, from another browser
    // and from the server: neither gets the code, nor the friend's credit.
    let eve = json!({"email": "eve@example.com", "visitor_id": OTHER, "referral_code": code});
    let eve = app
        .post(&format!("/v1/offers/{offer}/participants"), &app.pk, &eve)
        .await;
    let eve = expect(eve, StatusCode::CREATED).await;
    assert_ne!(eve["code"], code.as_str());
    let mal = app.participant(&offer, "mal@example.com").await;
    assert_ne!(mal["code"], code.as_str());
    assert_eq!(credit_of(&app, &offer, "eve@example.com").await.1, 0);

    // The browser it was handed to still takes it, with the credit.
    let ana = expect(
        sign_up_in(&app, &offer, "ana@example.com", SHARER).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(ana["code"], code.as_str());
    assert_eq!(credit_of(&app, &offer, "ana@example.com").await.1, 1);
}

#[tokio::test]
async fn a_pending_code_is_counted_nowhere_until_its_browser_signs_up() {
    let app = spawn_app().await;
    let offer = share_first_offer(&app, json!({"type": "referred_signups", "count": 3})).await;
    let code = pending_code(&app, &offer, SHARER).await;
    app.friend_arrives(&code).await;
    app.friend_arrives(&code).await;

    let list = app
        .get_ok(&format!("/v1/offers/{offer}/participants"))
        .await;
    assert_eq!(list["data"], json!([]));
    assert_eq!(
        app.get_ok(&format!("/v1/offers/{offer}")).await["participants"],
        0
    );
    assert!(app.activities("type=clicks_shared_link").await.is_empty());
    let report = app.get_ok(&format!("/v1/offers/{offer}/report")).await;
    assert_eq!(report["audience"]["total_profiles"], 0, "{report}");
    // Not a participant's code: nothing can be shared or tracked under it.
    let share = app
        .post(
            "/v1/track/share",
            &app.pk,
            &json!({"code": code, "channel": "x"}),
        )
        .await;
    assert_eq!(share.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_a_live_share_then_capture_offer_hands_out_pending_codes() {
    let app = spawn_app().await;
    let body = json!({"visitor_id": SHARER});
    let plain = app
        .live_offer(json!({"type": "referred_signups", "count": 3}))
        .await;
    let refused = expect(
        app.post(&pending_path(&plain), &app.pk, &body).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(error_code(&refused), "not_share_then_capture", "{refused}");

    let mut draft = offer_settings(json!({"type": "referred_signups", "count": 3}));
    draft["sign_up_flow"] = json!("share_then_capture");
    let draft = app.create_offer(&draft).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = expect(
        app.post(&pending_path(&draft), &app.pk, &body).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(error_code(&refused), "offer_not_live", "{refused}");

    let offer = share_first_offer(&app, json!({"type": "referred_signups", "count": 3})).await;
    let path = format!("/v1/offers/{offer}/unapprove");
    expect(app.post(&path, &app.sk, &json!({})).await, StatusCode::OK).await;
    let refused = expect(
        app.post(&pending_path(&offer), &app.pk, &body).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(error_code(&refused), "offer_not_live", "{refused}");

    let unknown = app
        .post(&pending_path("off_00000000000000000000"), &app.pk, &body)
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let offer = share_first_offer(&app, json!({"type": "referred_signups", "count": 3})).await;
    for (body, field) in [
        (json!({}), "visitor_id"),
        (json!({"visitor_id": "not-a-visitor"}), "visitor_id"),
        (json!({"visitor_id": 7}), "visitor_id"),
        (
            json!({"visitor_id": SHARER, "email": "ana@example.com"}),
            "email",
        ),
    ] {
        let response = app.post(&pending_path(&offer), &app.pk, &body).await;
        let refused = expect(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(refused["error"]["details"]["field"], field, "{refused}");
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains(field),
            "{refused}"
        );
    }
    let none = app
        .client
        .post(app.url(&pending_path(&offer)))
        .json(&json!({"visitor_id": SHARER}))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_pending_code_never_signed_up_is_swept_with_its_friends_attribution() {
    let app = spawn_app().await;
    let offer = share_first_offer(&app, json!({"type": "referred_signups", "count": 3})).await;
    let code = pending_code(&app, &offer, SHARER).await;
    let friend = app.friend_arrives(&code).await;

    let keep = RetentionConfig {
        pending_codes: Duration::from_secs(3600),
        ..RetentionConfig::default()
    };
    app.clock.advance(1);
    let kept = retention::sweep(app.store.as_ref(), &keep, app.clock.now())
        .await
        .unwrap();
    assert!(kept.contains(&(Swept::PendingCodes, 0)), "{kept:?}");

    app.clock.advance(3_600_001);
    let swept = retention::sweep(app.store.as_ref(), &keep, app.clock.now())
        .await
        .unwrap();
    assert!(swept.contains(&(Swept::PendingCodes, 1)), "{swept:?}");
    // The link is an unknown code now; the browser asks and gets a new one.
    let gone = app.follow(&code, None).await;
    assert_ne!(
        gone.headers()
            .get("location")
            .map(|l| l.to_str().unwrap().contains(&code)),
        Some(true)
    );
    let fresh = pending(&app, &offer, SHARER).await;
    assert_ne!(fresh["code"], code.as_str());
    // The friend's browser is nobody's friend any more: the sharer's sign-up
    // credits nothing for it.
    let body = json!({"email": "fred@example.com", "visitor_id": friend});
    let fred = app
        .post(&format!("/v1/offers/{offer}/participants"), &app.pk, &body)
        .await;
    expect(fred, StatusCode::CREATED).await;
    expect(
        sign_up_in(&app, &offer, "ana@example.com", SHARER).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(credit_of(&app, &offer, "ana@example.com").await.1, 0);
}
