//! `GET /v1/offers/{id}/report`: a known scenario played through the API
//! (visits repeated inside and after the 30-minute session, shares, clicks,
//! referred and direct sign-ups, a custom event), then every number of the
//! report and every bucket of its series checked.

use parrain_core::report::Interval;
use reqwest::StatusCode;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::helpers::{error_code, expect, spawn_app, TestApp};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

fn rfc3339(millis: i64) -> String {
    OffsetDateTime::from_unix_timestamp(millis / 1000)
        .unwrap()
        .format(&Rfc3339)
        .unwrap()
}

/// Moves the server's clock to tomorrow, 10:05 UTC; returns tomorrow's midnight.
fn to_tomorrow_at_ten(app: &TestApp) -> i64 {
    let now = app.clock.now();
    let midnight = Interval::Day.floor(now) + 24 * HOUR;
    app.clock.advance(midnight + 10 * HOUR + 5 * MINUTE - now);
    midnight
}

async fn visit(app: &TestApp, offer: &str, visitor: &str) {
    app.track("visit", json!({"offer_id": offer, "visitor_id": visitor}))
        .await;
}

async fn share(app: &TestApp, participant: &Value, channel: &str) {
    app.track(
        "share",
        json!({"code": participant["code"], "channel": channel}),
    )
    .await;
}

async fn report(app: &TestApp, offer: &str, query: &str) -> Value {
    app.get_ok(&format!("/v1/offers/{offer}/report?{query}"))
        .await
}

/// `[campaign_visits, interactions, shares, resulting_clicks, registrations]`.
fn counts(v: &Value) -> [i64; 5] {
    [
        "campaign_visits",
        "interactions",
        "shares",
        "resulting_clicks",
        "registrations",
    ]
    .map(|k| {
        v[k].as_i64()
            .unwrap_or_else(|| panic!("{k} missing in {v}"))
    })
}

/// Plays the scenario; returns (offer id, tomorrow's midnight, ana's id).
async fn scenario(app: &TestApp) -> (String, i64, String) {
    let midnight = to_tomorrow_at_ten(app);
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await;
    // 10:05 — two direct sign-ups, three shares, three clicks, five visits
    // (one a repeat inside the session), a custom event, a referred sign-up.
    let ana = app.participant(&offer, "ana@example.com").await;
    let bob = app.participant(&offer, "bob@example.com").await;
    share(app, &ana, "email").await;
    share(app, &ana, "x").await;
    share(app, &bob, "link").await;
    let f1 = app.friend_arrives(ana["code"].as_str().unwrap()).await;
    let f2 = app.friend_arrives(ana["code"].as_str().unwrap()).await;
    let f3 = app.friend_arrives(bob["code"].as_str().unwrap()).await;
    let (s1, s2) = ("vis_000000000000000000s1", "vis_000000000000000000s2");
    visit(app, &offer, &f1).await;
    visit(app, &offer, &f1).await;
    visit(app, &offer, s1).await;
    visit(app, &offer, s2).await;
    visit(app, &offer, &f3).await;
    let event = json!({"offer_id": offer, "visitor_id": s1, "name": "newsletter"});
    app.track("event", event).await;
    let carol = json!({"email": "carol@example.com", "visitor_id": f1});
    expect(app.sign_up(&offer, carol).await, StatusCode::CREATED).await;
    // 10:34 — repeats 29 minutes on: still the same sessions.
    app.clock.advance(29 * MINUTE);
    visit(app, &offer, &f1).await;
    visit(app, &offer, s1).await;
    // 11:05 — 31 and 60 minutes of silence: new sessions; one more referral.
    app.clock.advance(31 * MINUTE);
    visit(app, &offer, &f1).await;
    visit(app, &offer, s2).await;
    let dave = json!({"email": "dave@example.com", "visitor_id": f2});
    expect(app.sign_up(&offer, dave).await, StatusCode::CREATED).await;
    share(app, &ana, "facebook").await;
    // 12:xx nothing; 13:05 — one more click and a returning stranger.
    app.clock.advance(2 * HOUR);
    app.friend_arrives(bob["code"].as_str().unwrap()).await;
    visit(app, &offer, s1).await;
    // Another offer's activity must not leak into this one's report.
    let other = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    let erin = app.participant(&other, "erin@example.com").await;
    share(app, &erin, "x").await;
    visit(app, &other, s1).await;
    (offer, midnight, ana["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn report_counts_every_step_of_a_known_scenario() {
    let app = spawn_app().await;
    let (offer, midnight, ana) = scenario(&app).await;
    let (from, to) = (midnight + 10 * HOUR, midnight + 14 * HOUR);
    let query = format!("interval=hour&from={}&to={}", rfc3339(from), rfc3339(to));
    let body = report(&app, &offer, &query).await;

    assert_eq!(body["interval"], "hour");
    assert_eq!(counts(&body["funnel"]), [7, 9, 4, 4, 2]);
    assert_eq!(body["audience"]["total_profiles"], 4);
    assert_eq!(body["audience"]["influencers"], 2);
    let metrics = &body["share_metrics"];
    assert_eq!(metrics["share_rate"].as_f64(), Some(4.0 / 7.0));
    assert_eq!(metrics["clickback_rate"].as_f64(), Some(1.0));
    assert_eq!(metrics["social_lift"].as_f64(), Some(0.75));
    let series = body["series"].as_array().unwrap();
    let starts: Vec<&str> = series
        .iter()
        .map(|b| b["start"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (10..14).map(|h| rfc3339(midnight + h * HOUR)).collect();
    assert_eq!(starts, expected);
    let buckets: Vec<[i64; 5]> = series.iter().map(counts).collect();
    assert_eq!(
        buckets,
        vec![[4, 7, 3, 3, 1], [2, 2, 1, 0, 1], [0; 5], [1, 0, 0, 1, 0]]
    );
    let top = body["top_referrers"].as_array().unwrap();
    assert_eq!(top.len(), 1, "only ana has credit: {top:?}");
    assert_eq!(top[0]["participant_id"], ana.as_str());
    assert_eq!(top[0]["email"], "ana@example.com");
    assert_eq!(top[0]["credit"], 2);

    // By default: from the offer's creation to the end of the current hour.
    let default = report(&app, &offer, "interval=hour").await;
    assert_eq!(default["series"], body["series"]);
    assert_eq!(default["funnel"], body["funnel"]);
}

#[tokio::test]
async fn a_narrower_window_and_day_buckets_count_only_what_falls_inside() {
    let app = spawn_app().await;
    let (offer, midnight, _) = scenario(&app).await;
    let query = format!(
        "interval=hour&from={}&to={}",
        rfc3339(midnight + 11 * HOUR),
        rfc3339(midnight + 13 * HOUR)
    );
    let body = report(&app, &offer, &query).await;
    assert_eq!(counts(&body["funnel"]), [2, 2, 1, 0, 1]);
    assert_eq!(body["audience"]["total_profiles"], 1);
    assert_eq!(body["audience"]["influencers"], 0);
    assert_eq!(body["share_metrics"]["share_rate"].as_f64(), Some(0.5));
    assert_eq!(body["share_metrics"]["clickback_rate"].as_f64(), Some(0.0));
    assert_eq!(body["share_metrics"]["social_lift"].as_f64(), Some(1.0));
    assert_eq!(body["series"].as_array().unwrap().len(), 2);

    let day = format!(
        "interval=day&from={}&to={}",
        rfc3339(midnight - 24 * HOUR),
        rfc3339(midnight + 24 * HOUR)
    );
    let body = report(&app, &offer, &day).await;
    let buckets: Vec<[i64; 5]> = body["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(counts)
        .collect();
    assert_eq!(buckets, vec![[0; 5], [7, 9, 4, 4, 2]]);
    assert_eq!(body["series"][1]["start"], rfc3339(midnight).as_str());
}

#[tokio::test]
async fn a_window_that_cuts_hours_counts_only_the_minutes_inside() {
    let app = spawn_app().await;
    let (offer, midnight, _) = scenario(&app).await;
    let window = |from: i64, to: i64| {
        format!(
            "interval=hour&from={}&to={}",
            rfc3339(midnight + from),
            rfc3339(midnight + to)
        )
    };
    // 10:30 to 13:30: not the 10:05 burst, only the repeats at 10:34.
    let body = report(
        &app,
        &offer,
        &window(10 * HOUR + 30 * MINUTE, 13 * HOUR + 30 * MINUTE),
    )
    .await;
    assert_eq!(counts(&body["funnel"]), [3, 2, 1, 1, 1]);
    assert_eq!(body["audience"]["total_profiles"], 1);
    assert_eq!(body["audience"]["influencers"], 1);
    let buckets: Vec<[i64; 5]> = body["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(counts)
        .collect();
    assert_eq!(
        buckets,
        vec![[0; 5], [2, 2, 1, 0, 1], [0; 5], [1, 0, 0, 1, 0]]
    );
    // Two minutes around 10:05: all of that burst, inside one cut hour.
    let body = report(
        &app,
        &offer,
        &window(10 * HOUR + 4 * MINUTE, 10 * HOUR + 6 * MINUTE),
    )
    .await;
    assert_eq!(counts(&body["funnel"]), [4, 7, 3, 3, 1]);
    assert_eq!(body["audience"]["total_profiles"], 3);
    assert_eq!(body["audience"]["influencers"], 2);
    // 13:06 to 13:30: the last hour, after its click and visit.
    let body = report(
        &app,
        &offer,
        &window(13 * HOUR + 6 * MINUTE, 13 * HOUR + 30 * MINUTE),
    )
    .await;
    assert_eq!(counts(&body["funnel"]), [0; 5]);
    assert_eq!(body["audience"]["influencers"], 0);
}

#[tokio::test]
async fn an_empty_offer_reports_zeros_and_null_ratios() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    let body = report(&app, &offer, "interval=day").await;
    assert_eq!(counts(&body["funnel"]), [0; 5]);
    assert_eq!(body["series"].as_array().unwrap().len(), 1);
    let metrics = &body["share_metrics"];
    assert!(metrics["share_rate"].is_null() && metrics["clickback_rate"].is_null());
    assert!(metrics["social_lift"].is_null());
    assert_eq!(body["top_referrers"], json!([]));
}

#[tokio::test]
async fn the_series_comes_as_csv_when_asked() {
    let app = spawn_app().await;
    let (offer, midnight, _) = scenario(&app).await;
    let url = app.url(&format!(
        "/v1/offers/{offer}/report?interval=hour&from={}&to={}",
        rfc3339(midnight + 10 * HOUR),
        rfc3339(midnight + 14 * HOUR)
    ));
    let response = app
        .client
        .get(url)
        .bearer_auth(&app.sk)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = response.text().await.unwrap();
    let at = |h: i64| rfc3339(midnight + h * HOUR);
    // Then shares, clicks and registrations of email, x, linkedin, facebook, link.
    let expected = format!(
        "start,campaign_visits,interactions,shares,resulting_clicks,registrations,\
         shares_email,clicks_email,registrations_email,shares_x,clicks_x,registrations_x,\
         shares_linkedin,clicks_linkedin,registrations_linkedin,\
         shares_facebook,clicks_facebook,registrations_facebook,\
         shares_link,clicks_link,registrations_link\n\
         {},4,7,3,3,1,1,0,0,1,0,0,0,0,0,0,0,0,1,3,1\n\
         {},2,2,1,0,1,0,0,0,0,0,0,0,0,0,1,0,0,0,0,1\n\
         {},0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n\
         {},1,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0\n",
        at(10),
        at(11),
        at(12),
        at(13)
    );
    assert_eq!(text, expected);
}

#[tokio::test]
async fn bad_windows_unknown_offers_and_publishable_keys_are_refused() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    let path = |q: &str| format!("/v1/offers/{offer}/report?{q}");
    for (query, field) in [
        ("interval=week", "interval"),
        ("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from"),
        (
            "interval=hour&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
            "to",
        ),
        ("from=yesterday", "from"),
    ] {
        let body = expect(app.get(&path(query)).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["error"]["details"]["field"], field, "{query}: {body}");
    }
    let body = expect(app.get(&path("colour=red")).await, StatusCode::BAD_REQUEST).await;
    assert!(!error_code(&body).is_empty());
    let missing = app.get("/v1/offers/off_00000000000000000000/report").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let public = app
        .client
        .get(app.url(&path("")))
        .bearer_auth(&app.pk)
        .send()
        .await
        .unwrap();
    assert!(matches!(
        public.status(),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ));
}
