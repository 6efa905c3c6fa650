//! The per-IP limit covers every public route (each a call anyone may make
//! with the publishable key of a web page, or with no key), and counts an
//! IPv6 client by its /64.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{expect, spawn_app_with, TestApp};

const BURST: u32 = 5;

/// A server behind a proxy on loopback (so each test client names its own
/// address), with a small per-IP limit.
async fn limited_app() -> TestApp {
    spawn_app_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        c.rate_limit = Some(parrain_server::limit::RateLimit {
            per_second: 1,
            burst: BURST,
        });
    })
    .await
}

/// Sends the same request from `ip` until it is refused with 429, and says
/// how many were answered first (`None` when 20 in a row were answered).
async fn answered_before_429(
    app: &TestApp,
    ip: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Option<u32> {
    for answered in 0..20 {
        let mut request = app
            .client
            .request(method.clone(), app.url(path))
            .bearer_auth(&app.pk)
            .header("x-forwarded-for", ip);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers().contains_key("retry-after"));
            return Some(answered);
        }
    }
    None
}

#[tokio::test]
async fn every_public_call_is_limited_per_client_ip() {
    let app = limited_app().await;
    let mut settings = crate::helpers::offer_settings(json!({"count": 3}));
    settings["invitations"] = json!({"enabled": true});
    let offer = app.live_offer_with(settings).await;
    let ana = expect(
        app.post(
            &format!("/v1/offers/{offer}/participants"),
            &app.sk,
            &json!({"email": "ana@example.com"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let (participant, code) = (ana["id"].as_str().unwrap(), ana["code"].as_str().unwrap());
    let visitor = "vis_00000000000000000001";
    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            format!("/v1/offers/{offer}/participants/lookup"),
            Some(json!({"email": "ana@example.com"})),
        ),
        (
            Method::POST,
            format!("/v1/offers/{offer}/participants/{participant}/invitations"),
            Some(json!({"emails": ["not-an-address"]})),
        ),
        (
            Method::POST,
            format!("/v1/offers/{offer}/participants"),
            Some(json!({"email": "bob@example.com"})),
        ),
        (Method::GET, format!("/v1/offers/{offer}/public"), None),
        (
            Method::POST,
            "/v1/track/visit".into(),
            Some(json!({"offer_id": offer, "visitor_id": visitor})),
        ),
        (
            Method::POST,
            "/v1/track/share".into(),
            Some(json!({"code": code, "channel": "x"})),
        ),
        (
            Method::POST,
            "/v1/track/event".into(),
            Some(json!({"offer_id": offer, "visitor_id": visitor, "name": "viewed"})),
        ),
        (
            Method::POST,
            "/v1/track/identify".into(),
            Some(json!({"visitor_id": visitor, "email": "cy@example.com"})),
        ),
        (Method::GET, format!("/r/{code}"), None),
        (Method::GET, "/u/unknown-token".into(), None),
    ];
    for (i, (method, path, body)) in calls.iter().enumerate() {
        // Each call from a client of its own, so each starts with a full bucket.
        let ip = format!("203.0.113.{}", i + 1);
        let answered = answered_before_429(&app, &ip, method.clone(), path, body.as_ref()).await;
        assert!(
            answered.is_some_and(|n| n >= BURST),
            "{method} {path}: {answered:?} answered before a 429"
        );
    }
    // The server's own calls with its secret key are not public routes.
    let listed = app
        .client
        .get(app.url(&format!("/v1/offers/{offer}/participants")))
        .bearer_auth(&app.sk)
        .header("x-forwarded-for", "203.0.113.1")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_ipv6_client_is_limited_by_its_64_not_per_address() {
    let app = limited_app().await;
    let offer = app.live_offer(json!({"count": 1})).await;
    let path = format!("/v1/offers/{offer}/participants/lookup");
    let body = json!({"email": "ana@example.com"});
    let mut refused = None;
    // A new address of the same /64 for each call.
    for i in 1..=20u32 {
        let ip = format!("2001:db8:1:2:{i:x}::{i:x}");
        let response = app
            .client
            .post(app.url(&path))
            .bearer_auth(&app.pk)
            .header("x-forwarded-for", ip)
            .json(&body)
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(i);
            break;
        }
    }
    assert!(
        refused.is_some_and(|i| i > BURST),
        "refused at call {refused:?}"
    );
    // The next /64 is another client.
    let other = app
        .client
        .post(app.url(&path))
        .bearer_auth(&app.pk)
        .header("x-forwarded-for", "2001:db8:1:3::1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_ne!(other.status(), StatusCode::TOO_MANY_REQUESTS);
}
