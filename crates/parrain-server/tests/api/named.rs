//! The `name` attribution method (SPEC §15): a friend searches its referrer
//! by name with the publishable key, sees only display names and masked
//! emails, and claims one; a friend attributed before keeps its referrer.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_code, expect, offer_settings, TestApp};

const ALL_METHODS: [&str; 4] = ["link", "email", "coupon", "name"];

async fn named_offer(app: &TestApp, methods: &[&str]) -> String {
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 5}));
    settings["attribution"] = json!({"methods": methods});
    app.live_offer_with(settings).await
}

async fn named_participant(
    app: &TestApp,
    offer: &str,
    email: &str,
    first: &str,
    last: &str,
) -> Value {
    let body = json!({"email": email, "first_name": first, "last_name": last});
    let response = app.sign_up(offer, body).await;
    expect(response, StatusCode::CREATED).await
}

/// A search as a web page makes it, with the publishable key.
async fn search(app: &TestApp, offer: &str, name: &str) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/v1/offers/{offer}/referrers")))
        .query(&[("name", name)])
        .bearer_auth(&app.pk)
        .send()
        .await
        .unwrap()
}

async fn matches(app: &TestApp, offer: &str, name: &str) -> Vec<Value> {
    let body = expect(search(app, offer, name).await, StatusCode::OK).await;
    body["data"].as_array().unwrap().clone()
}

async fn claim(app: &TestApp, offer: &str, visitor: &str, name: &str, reference: &Value) -> Value {
    let body = json!({"visitor_id": visitor, "name": name, "ref": reference});
    let path = format!("/v1/offers/{offer}/referrers/claim");
    expect(app.post(&path, &app.pk, &body).await, StatusCode::OK).await
}

#[tokio::test]
async fn a_name_search_returns_at_most_five_matches_with_masked_emails_only() {
    let app = crate::helpers::spawn_app().await;
    let offer = named_offer(&app, &ALL_METHODS).await;
    let mut ids = Vec::new();
    for i in 0..7 {
        let p = named_participant(
            &app,
            &offer,
            &format!("anna{i}@example.com"),
            "Anna",
            &format!("Z{i}"),
        )
        .await;
        ids.push(p["id"].as_str().unwrap().to_owned());
        ids.push(p["code"].as_str().unwrap().to_owned());
    }
    named_participant(&app, &offer, "bob@example.org", "Bob", "Annaway").await;

    let response = search(&app, &offer, "  ANNA ").await;
    let text = expect(response, StatusCode::OK).await.to_string();
    let body: Value = serde_json::from_str(&text).unwrap();
    let found = body["data"].as_array().unwrap();
    assert_eq!(found.len(), 5, "{body}");
    // The earliest first, each a display name, a masked email and a reference.
    assert_eq!(found[0]["display_name"], "Anna Z.");
    for m in found {
        assert_eq!(m["masked_email"], "a***@example.com");
        let mut keys: Vec<&String> = m.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["display_name", "masked_email", "ref"]);
    }
    // Nothing else of the people: no address, id or share code.
    assert!(!text.contains("anna0@"), "{text}");
    for secret in &ids {
        assert!(!text.contains(secret.as_str()), "{secret} in {text}");
    }

    // The start of a last name or of the full name finds too.
    let bob = matches(&app, &offer, "annaw").await;
    assert_eq!(bob.len(), 1);
    assert_eq!(bob[0]["display_name"], "Bob A.");
    assert_eq!(bob[0]["masked_email"], "b***@example.org");
    assert_eq!(matches(&app, &offer, "bob ann").await.len(), 1);
    assert!(matches(&app, &offer, "nna").await.is_empty());
    // Wildcards are letters.
    assert!(matches(&app, &offer, "a%").await.is_empty());

    let short = expect(search(&app, &offer, "a").await, StatusCode::BAD_REQUEST).await;
    assert_eq!(short["error"]["details"]["field"], "name", "{short}");
}

#[tokio::test]
async fn the_search_answers_only_for_offers_that_enable_the_name_method() {
    let app = crate::helpers::spawn_app().await;
    let offer = named_offer(&app, &["link", "email"]).await;
    named_participant(&app, &offer, "ana@example.com", "Ana", "Bell").await;
    let body = expect(search(&app, &offer, "ana").await, StatusCode::NOT_FOUND).await;
    assert_eq!(error_code(&body), "not_found");
    let path = format!("/v1/offers/{offer}/referrers/claim");
    let body = json!({"visitor_id": "vis_0000000000000000nam1", "name": "ana", "ref": "0"});
    expect(app.post(&path, &app.pk, &body).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_claim_attributes_the_friend_by_name_and_its_sign_up_credits_the_referrer() {
    let app = crate::helpers::spawn_app().await;
    let offer = named_offer(&app, &ALL_METHODS).await;
    let ana = named_participant(&app, &offer, "ana@example.com", "Ana", "Bell").await;
    named_participant(&app, &offer, "ana.two@example.com", "Ana", "Cole").await;

    let found = matches(&app, &offer, "ana b").await;
    assert_eq!(found.len(), 1);
    let friend = "vis_0000000000000000nam2";
    let out = claim(&app, &offer, friend, "ana b", &found[0]["ref"]).await;
    assert_eq!(
        out,
        json!({"claimed": true, "method": "name", "reason": null})
    );

    // A ref the name does not find is refused by field.
    let path = format!("/v1/offers/{offer}/referrers/claim");
    let wrong = json!({"visitor_id": friend, "name": "ana c", "ref": found[0]["ref"]});
    let body = expect(
        app.post(&path, &app.pk, &wrong).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body["error"]["details"]["field"], "ref", "{body}");

    let body = json!({"email": "carl@example.com", "visitor_id": friend});
    let carl = expect(app.sign_up(&offer, body).await, StatusCode::CREATED).await;
    assert_eq!(carl["referred_by"], ana["id"]);
    assert_eq!(carl["referred_method"], "name");
    let ana = app.participant_detail(ana["id"].as_str().unwrap()).await;
    assert_eq!(ana["credit"], 1);
    assert_eq!(ana["friends"][0]["method"], "name");
    let report = app.get_ok(&format!("/v1/offers/{offer}/report")).await;
    assert_eq!(report["attribution"]["name"], 1, "{report}");
    let people = app.get_ok("/v1/people?attributed_by=name").await;
    assert_eq!(people["data"][0]["email"], "carl@example.com");
}

#[tokio::test]
async fn a_friend_already_attributed_keeps_its_first_referrer_when_it_claims_another() {
    let app = crate::helpers::spawn_app().await;
    let offer = named_offer(&app, &ALL_METHODS).await;
    let ana = named_participant(&app, &offer, "ana@example.com", "Ana", "Bell").await;
    let bob = named_participant(&app, &offer, "bob@example.com", "Bob", "Dunn").await;
    let ana_ref = &matches(&app, &offer, "ana").await[0]["ref"];

    // Dee signed up through Bob's link, then names Ana.
    let dee = app.friend_arrives(bob["code"].as_str().unwrap()).await;
    let body = json!({"email": "dee@example.com", "visitor_id": dee});
    expect(app.sign_up(&offer, body).await, StatusCode::CREATED).await;
    let out = claim(&app, &offer, &dee, "ana", ana_ref).await;
    assert_eq!(
        out,
        json!({"claimed": false, "method": "link", "reason": "already_referred"})
    );

    // Eve followed Bob's link and has not signed up: the link, first in the
    // offer's order, finds Bob before the name does, and Bob stays.
    let eve = app.friend_arrives(bob["code"].as_str().unwrap()).await;
    let out = claim(&app, &offer, &eve, "ana", ana_ref).await;
    assert_eq!(out["claimed"], false, "{out}");
    assert_eq!(out["method"], "link");
    let body = json!({"email": "eve@example.com", "visitor_id": eve});
    let eve = expect(app.sign_up(&offer, body).await, StatusCode::CREATED).await;
    assert_eq!(eve["referred_by"], bob["id"]);

    // Fay claimed Ana first; Bob's link later changes nothing.
    let fay = "vis_0000000000000000nam3";
    assert_eq!(
        claim(&app, &offer, fay, "ana", ana_ref).await["claimed"],
        true
    );
    app.follow(bob["code"].as_str().unwrap(), Some(fay)).await;
    let body = json!({"email": "fay@example.com", "visitor_id": fay});
    let fay = expect(app.sign_up(&offer, body).await, StatusCode::CREATED).await;
    assert_eq!(fay["referred_by"], ana["id"]);
    assert_eq!(fay["referred_method"], "name");

    // Nobody may claim themselves.
    let ana_browser = "vis_0000000000000000nam4";
    app.identify(ana_browser, "ana@example.com").await;
    let out = claim(&app, &offer, ana_browser, "ana", ana_ref).await;
    assert_eq!(out["reason"], "self_referral", "{out}");

    let ana = app.participant_detail(ana["id"].as_str().unwrap()).await;
    let bob = app.participant_detail(bob["id"].as_str().unwrap()).await;
    assert_eq!(
        (ana["credit"].as_i64(), bob["credit"].as_i64()),
        (Some(1), Some(2))
    );
}

#[tokio::test]
async fn name_searches_have_a_tighter_limit_of_their_own() {
    let app = crate::helpers::spawn_app().await;
    let offer = named_offer(&app, &ALL_METHODS).await;
    named_participant(&app, &offer, "ana@example.com", "Ana", "Bell").await;
    for _ in 0..10 {
        expect(search(&app, &offer, "ana").await, StatusCode::OK).await;
    }
    let refused = search(&app, &offer, "ana").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    // Other public calls are not limited by it.
    let response = app
        .client
        .get(app.url(&format!("/v1/offers/{offer}/public")))
        .bearer_auth(&app.pk)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

async fn public_view(app: &TestApp, offer: &str) -> Value {
    let response = app
        .client
        .get(app.url(&format!("/v1/offers/{offer}/public")))
        .bearer_auth(&app.pk)
        .send()
        .await
        .unwrap();
    expect(response, StatusCode::OK).await
}

#[tokio::test]
async fn the_public_view_tells_the_widget_whether_to_ask_for_the_referrer_by_name() {
    let app = crate::helpers::spawn_app().await;
    let named = named_offer(&app, &ALL_METHODS).await;
    let view = public_view(&app, &named).await;
    assert_eq!(view["name_search"], true, "{view}");
    assert_eq!(
        view["widget"]["strings"]["referred_question"],
        "Were you referred by someone?"
    );

    // The default methods leave `name` out; so does an explicit list without it.
    let plain = app
        .live_offer_with(offer_settings(
            json!({"type": "referred_signups", "count": 5}),
        ))
        .await;
    assert_eq!(public_view(&app, &plain).await["name_search"], false);
    let linked = named_offer(&app, &["link", "email", "coupon"]).await;
    assert_eq!(public_view(&app, &linked).await["name_search"], false);

    // In French, the question is asked in French.
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 5}));
    settings["attribution"] = json!({"methods": ["link", "name"]});
    settings["widget"] = json!({"language": "fr"});
    let french = app.live_offer_with(settings).await;
    let view = public_view(&app, &french).await;
    assert_eq!(view["name_search"], true);
    assert_eq!(
        view["widget"]["strings"]["referred_question"],
        "Quelqu'un vous a-t-il parrainé ?"
    );
}
