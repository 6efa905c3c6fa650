//! Client addresses: read through trusted proxies, recorded at sign-up and on
//! every browser call, judged by the `same_ip` and `ip_sign_up_velocity`
//! fraud rules, limited per address and per API key, and erased with the
//! person.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{error_code, expect, offer_settings, spawn_app_with, TestApp};

const HOUR: i64 = 60 * 60 * 1000;
const HOME: &str = "203.0.113.7";
const ELSEWHERE: &str = "198.51.100.20";

/// A server behind a proxy on loopback: `X-Forwarded-For` names the client.
async fn behind_proxy() -> TestApp {
    spawn_app_with(|c| c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await
}

async fn from(app: &TestApp, ip: &str, path: &str, key: &str, body: &Value) -> Response {
    app.client
        .post(app.url(path))
        .bearer_auth(key)
        .header("x-forwarded-for", ip)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// A live offer with these goal and fraud rules, and a referrer who signed
/// up from `HOME` (named by the server with a secret key).
async fn offer_and_referrer(app: &TestApp, goal: Value, fraud: Value) -> (String, Value) {
    let mut settings = offer_settings(goal);
    settings["fulfillment"] = json!({"delivery": "manual"});
    settings["fraud"] = fraud;
    let offer = app.live_offer_with(settings).await;
    let body = json!({"email": "ada@example.com", "ip": HOME});
    let referrer = expect(app.sign_up(&offer, body).await, StatusCode::CREATED).await;
    (offer, referrer)
}

/// A friend signs up in their browser (publishable key) from `ip`.
async fn friend_signs_up(app: &TestApp, offer: &str, referrer: &Value, email: &str, ip: &str) {
    let body = json!({"email": email, "referral_code": referrer["code"], "visitor_id": visitor()});
    let path = format!("/v1/offers/{offer}/participants");
    expect(
        from(app, ip, &path, &app.pk, &body).await,
        StatusCode::CREATED,
    )
    .await;
}

fn visitor() -> String {
    parrain_core::ids::VisitorId::generate().to_string()
}

async fn credit(app: &TestApp, referrer: &Value) -> i64 {
    let id = referrer["id"].as_str().unwrap();
    app.participant_detail(id).await["credit"].as_i64().unwrap()
}

async fn flag_reasons(app: &TestApp, offer: &str) -> Vec<Value> {
    app.activities(&format!("offer_id={offer}&type=credit.flagged"))
        .await
        .iter()
        .map(|a| a["details"]["reasons"].clone())
        .collect()
}

fn signups() -> Value {
    json!({"type": "referred_signups", "count": 5})
}

#[tokio::test]
async fn a_friend_at_the_referrers_address_is_held_for_review_by_default() {
    let app = behind_proxy().await;
    let (offer, referrer) = offer_and_referrer(&app, signups(), json!({})).await;
    friend_signs_up(&app, &offer, &referrer, "bob@example.com", HOME).await;
    assert_eq!(credit(&app, &referrer).await, 0, "held, not counted");
    assert_eq!(flag_reasons(&app, &offer).await, [json!(["same_ip"])]);
    let queue = app.get_ok("/v1/reviews").await;
    assert_eq!(queue["data"][0]["reasons"], json!(["same_ip"]));

    friend_signs_up(&app, &offer, &referrer, "carol@example.com", ELSEWHERE).await;
    assert_eq!(credit(&app, &referrer).await, 1);
}

#[tokio::test]
async fn the_same_address_after_the_window_or_with_the_rule_allowed_counts() {
    let app = behind_proxy().await;
    let rules = json!({"same_ip": {"window_hours": 2, "outcome": "block"}});
    let (offer, referrer) = offer_and_referrer(&app, signups(), rules).await;
    app.clock.advance(2 * HOUR + 1);
    friend_signs_up(&app, &offer, &referrer, "bob@example.com", HOME).await;
    assert_eq!(
        credit(&app, &referrer).await,
        1,
        "the referrer's sighting is stale"
    );

    let rules = json!({"same_ip": {"window_hours": 24, "outcome": "allow"}});
    let (offer, referrer) = offer_and_referrer(&app, signups(), rules).await;
    friend_signs_up(&app, &offer, &referrer, "bob@example.com", HOME).await;
    assert_eq!(credit(&app, &referrer).await, 1);
    assert!(flag_reasons(&app, &offer).await.is_empty());
}

#[tokio::test]
async fn a_visit_from_the_referrers_address_is_blocked_when_set_to_block() {
    let app = behind_proxy().await;
    let rules = json!({"same_ip": {"window_hours": 24, "outcome": "block"}});
    let goal = json!({"type": "referred_visits", "count": 5});
    let (offer, referrer) = offer_and_referrer(&app, goal, rules).await;
    let code = referrer["code"].as_str().unwrap();
    for (ip, credited) in [(HOME, false), (ELSEWHERE, true)] {
        let click = app
            .client
            .get(app.url(&format!("/r/{code}")))
            .header("x-forwarded-for", ip)
            .send()
            .await
            .unwrap();
        assert_eq!(click.status(), StatusCode::FOUND);
        let friend = crate::helpers::visitor_of(&click);
        // The visit itself comes from a browser that sends no address of its
        // own worth keeping (loopback): the click's address is what counts.
        let body = json!({"offer_id": offer, "visitor_id": friend});
        let tracked = app.track("visit", body).await;
        assert_eq!(tracked["credited"], credited, "from {ip}: {tracked}");
    }
    assert_eq!(credit(&app, &referrer).await, 1);
    assert_eq!(flag_reasons(&app, &offer).await, [json!(["same_ip"])]);
    assert!(
        app.get_ok("/v1/reviews").await["data"]
            .as_array()
            .unwrap()
            .is_empty(),
        "a blocked credit is not for review"
    );
}

#[tokio::test]
async fn many_sign_ups_from_one_address_in_an_hour_are_flagged() {
    let app = behind_proxy().await;
    let rules = json!({"ip_sign_up_velocity": {"max_per_hour": 3, "outcome": "review"}});
    let (offer, referrer) = offer_and_referrer(&app, signups(), rules).await;
    for n in 1..=4 {
        let email = format!("friend{n}@example.com");
        friend_signs_up(&app, &offer, &referrer, &email, ELSEWHERE).await;
    }
    assert_eq!(credit(&app, &referrer).await, 3);
    assert_eq!(
        flag_reasons(&app, &offer).await,
        [json!(["ip_sign_up_velocity"])]
    );
    // Other addresses are not affected, and the count lets up after an hour.
    friend_signs_up(&app, &offer, &referrer, "dan@example.com", "192.0.2.44").await;
    assert_eq!(credit(&app, &referrer).await, 4);
    app.clock.advance(HOUR + 1);
    friend_signs_up(&app, &offer, &referrer, "erin@example.com", ELSEWHERE).await;
    assert_eq!(credit(&app, &referrer).await, 5);
}

#[tokio::test]
async fn forwarded_for_is_ignored_unless_the_proxy_is_trusted() {
    let app = spawn_app_with(|_| {}).await;
    let rules = json!({"same_ip": {"window_hours": 24, "outcome": "block"}});
    let (offer, referrer) = offer_and_referrer(&app, signups(), rules).await;
    // Anyone can send the header: without trusted proxies, the peer (here
    // loopback, which never matches) is the client.
    friend_signs_up(&app, &offer, &referrer, "bob@example.com", HOME).await;
    assert_eq!(credit(&app, &referrer).await, 1);
}

#[tokio::test]
async fn only_a_secret_key_may_name_the_persons_address() {
    let app = behind_proxy().await;
    let offer = app.live_offer(signups()).await;
    let path = format!("/v1/offers/{offer}/participants");
    let body = json!({"email": "bob@example.com", "ip": HOME});
    let refused = expect(
        from(&app, HOME, &path, &app.pk, &body).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(refused["error"]["details"]["field"], "ip", "{refused}");

    let body = json!({"email": "bob@example.com", "ip": "203.0.113.300"});
    let refused = expect(app.sign_up(&offer, body).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(refused["error"]["details"]["field"], "ip", "{refused}");

    let body = json!({"offer_id": offer, "visitor_id": visitor(), "name": "x", "ip": "nope"});
    let refused = app.post("/v1/track/event", &app.sk, &body).await;
    let refused = expect(refused, StatusCode::BAD_REQUEST).await;
    assert_eq!(refused["error"]["details"]["field"], "ip", "{refused}");
}

#[tokio::test]
async fn erasure_removes_the_addresses_and_export_shows_them_before() {
    let app = behind_proxy().await;
    let (offer, referrer) = offer_and_referrer(&app, signups(), json!({})).await;
    let person = referrer["person_id"].as_str().unwrap();
    let export = app.get_ok(&format!("/v1/people/{person}/export")).await;
    assert!(export.to_string().contains(HOME), "{export}");

    let erased = app.delete(&format!("/v1/people/{person}")).await;
    assert!(erased.status().is_success());
    let export = app.get_ok(&format!("/v1/people/{person}/export")).await;
    assert!(!export.to_string().contains(HOME), "{export}");
    // Nothing left to match: a friend at that address now counts.
    friend_signs_up(&app, &offer, &referrer, "bob@example.com", HOME).await;
    assert_eq!(credit(&app, &referrer).await, 1);
}

#[tokio::test]
async fn the_per_ip_limit_counts_the_forwarded_client() {
    let app = spawn_app_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        c.rate_limit = Some(parrain_server::limit::RateLimit {
            per_second: 1,
            burst: 2,
        });
    })
    .await;
    let follow = |ip: &'static str| {
        app.client
            .get(app.url("/r/unknowncode"))
            .header("x-forwarded-for", ip)
            .send()
    };
    for _ in 0..2 {
        assert_eq!(follow(HOME).await.unwrap().status(), StatusCode::NOT_FOUND);
    }
    let limited = follow(HOME).await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(
        follow(ELSEWHERE).await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "another client has its own bucket"
    );
}

#[tokio::test]
async fn each_api_key_has_its_own_limit_when_one_is_set() {
    let app = spawn_app_with(|c| {
        c.key_rate_limit = Some(parrain_server::limit::RateLimit {
            per_second: 1,
            burst: 3,
        });
    })
    .await;
    let offer = app.live_offer(signups()).await; // two calls: create, approve
    expect(app.get("/v1/offers").await, StatusCode::OK).await;
    let limited = app.get("/v1/offers").await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    let body = expect(limited, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(error_code(&body), "rate_limited");
    // The publishable key is another bucket.
    let body = json!({"offer_id": offer, "visitor_id": visitor()});
    let response = app.post("/v1/track/visit", &app.pk, &body).await;
    expect(response, StatusCode::OK).await;
}
