//! People filters (smart lists) over a known population, as JSON and CSV.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect, spawn_app, TestApp};

/// Emails of the people a filter returns, sorted.
async fn members(app: &TestApp, query: &str) -> Vec<String> {
    let body = app.get_ok(&format!("/v1/people?{query}")).await;
    let mut emails: Vec<String> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["email"].as_str().unwrap().to_owned())
        .collect();
    emails.sort();
    emails
}

/// `GET /v1/people?{query}` asking for CSV.
async fn people_csv(app: &TestApp, query: &str) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/v1/people?{query}")))
        .bearer_auth(&app.sk)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap()
}

struct Population {
    a: String,
    b: String,
    alice: Value,
    carol: Value,
}

/// Alice, Bob (signed up with Alice's code, which fulfils her), Carol (shares
/// on X), Dave (clicks Carol's link, then gives his email) in offer A; Eve in B.
async fn population(app: &TestApp) -> Population {
    let goal = json!({"type": "referred_signups", "count": 1});
    let a = app.live_offer(goal.clone()).await;
    let b = app.live_offer(goal).await;
    let alice = app.participant(&a, "alice@example.com").await;
    let bob = json!({"email": "bob@example.com", "referral_code": alice["code"]});
    expect(app.sign_up(&a, bob).await, StatusCode::CREATED).await;
    let carol = app.participant(&a, "carol@example.com").await;
    app.track("share", json!({"code": carol["code"], "channel": "x"}))
        .await;
    app.track("share", json!({"code": alice["code"], "channel": "email"}))
        .await;
    let dave = app.friend_arrives(carol["code"].as_str().unwrap()).await;
    app.identify(&dave, "dave@example.com").await;
    app.participant(&b, "eve@example.com").await;
    Population { a, b, alice, carol }
}

#[tokio::test]
async fn each_filter_returns_exactly_its_members_and_filters_combine() {
    let app = spawn_app().await;
    let Population { a, b, alice, carol } = population(&app).await;
    let (alice_id, carol_id) = (alice["id"].as_str().unwrap(), carol["id"].as_str().unwrap());

    let cases: Vec<(String, Vec<&str>)> = vec![
        (format!("signed_up_for={a}"), vec!["alice", "bob", "carol"]),
        (format!("signed_up_for={b}"), vec!["eve"]),
        (format!("achieved_goal_in={a}"), vec!["alice"]),
        (format!("fulfilled_in={a}"), vec!["alice"]),
        (format!("referred_by={alice_id}"), vec!["bob"]),
        (format!("referred_by={carol_id}"), vec!["dave"]),
        (format!("was_referred_in={a}"), vec!["bob", "dave"]),
        (format!("shared_in={a}"), vec!["alice", "carol"]),
        (format!("shared_in={a}&channel=x"), vec!["carol"]),
        (format!("clicked_shared_link_in={a}"), vec!["dave"]),
        (format!("shared_in={b}"), vec![]),
        (
            format!("signed_up_for={a}&shared_in={a}&channel=email"),
            vec!["alice"],
        ),
        (
            format!("signed_up_for={a}&was_referred_in={a}"),
            vec!["bob"],
        ),
    ];
    for (query, expected) in cases {
        let expected: Vec<String> = expected
            .iter()
            .map(|n| format!("{n}@example.com"))
            .collect();
        assert_eq!(members(&app, &query).await, expected, "{query}");
    }
}

/// RFC 3339 of a test-clock time, as a query parameter.
fn at(millis: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    t.replace('+', "%2B")
}

#[tokio::test]
async fn a_date_range_and_a_minimum_count_narrow_the_activity_filters_and_combine() {
    let app = spawn_app().await;
    let a = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    // Early on: Alice shares once on X, Carol three times on X; Dave follows
    // Carol's link twice and gives his email.
    let alice = app.participant(&a, "alice@example.com").await;
    let carol = app.participant(&a, "carol@example.com").await;
    app.track("share", json!({"code": alice["code"], "channel": "x"}))
        .await;
    for _ in 0..3 {
        app.track("share", json!({"code": carol["code"], "channel": "x"}))
            .await;
    }
    let carol_code = carol["code"].as_str().unwrap();
    let dave = app.friend_arrives(carol_code).await;
    assert_eq!(
        app.follow(carol_code, Some(&dave)).await.status(),
        StatusCode::FOUND
    );
    app.identify(&dave, "dave@example.com").await;

    // Ten days later: Bob signs up with Alice's code (she reaches her goal
    // and is fulfilled), Alice shares twice by email, Frank follows
    // Alice's link once.
    app.clock.advance(10 * parrain_core::DAY);
    let mid = at(app.clock.now() - 5 * parrain_core::DAY);
    let bob = json!({"email": "bob@example.com", "referral_code": alice["code"]});
    expect(app.sign_up(&a, bob).await, StatusCode::CREATED).await;
    for _ in 0..2 {
        app.track("share", json!({"code": alice["code"], "channel": "email"}))
            .await;
    }
    let frank = app.friend_arrives(alice["code"].as_str().unwrap()).await;
    app.identify(&frank, "frank@example.com").await;

    let cases: Vec<(String, Vec<&str>)> = vec![
        (format!("signed_up_for={a}&since={mid}"), vec!["bob"]),
        (
            format!("signed_up_for={a}&until={mid}"),
            vec!["alice", "carol"],
        ),
        (format!("achieved_goal_in={a}&until={mid}"), vec![]),
        (format!("achieved_goal_in={a}&since={mid}"), vec!["alice"]),
        (format!("fulfilled_in={a}&since={mid}"), vec!["alice"]),
        (format!("shared_in={a}&min_count=1"), vec!["alice", "carol"]),
        (format!("shared_in={a}&min_count=3"), vec!["alice", "carol"]),
        (format!("shared_in={a}&min_count=4"), vec![]),
        (
            format!("shared_in={a}&min_count=3&until={mid}"),
            vec!["carol"],
        ),
        (
            format!("shared_in={a}&min_count=2&since={mid}"),
            vec!["alice"],
        ),
        (
            format!("shared_in={a}&channel=x&min_count=2"),
            vec!["carol"],
        ),
        (
            format!("shared_in={a}&channel=email&since={mid}"),
            vec!["alice"],
        ),
        (format!("clicked_shared_link_in={a}"), vec!["dave", "frank"]),
        (
            format!("clicked_shared_link_in={a}&min_count=2"),
            vec!["dave"],
        ),
        (
            format!("clicked_shared_link_in={a}&since={mid}"),
            vec!["frank"],
        ),
        (
            format!("clicked_shared_link_in={a}&since={mid}&min_count=2"),
            vec![],
        ),
        // Combined, the range and the count hold for each dated filter.
        (
            format!("signed_up_for={a}&shared_in={a}&until={mid}&min_count=3"),
            vec!["carol"],
        ),
        (
            format!("signed_up_for={a}&shared_in={a}&since={mid}"),
            vec![],
        ),
        (
            format!("achieved_goal_in={a}&shared_in={a}&since={mid}&min_count=2"),
            vec!["alice"],
        ),
        (
            format!("was_referred_in={a}&clicked_shared_link_in={a}&since={mid}"),
            vec!["frank"],
        ),
    ];
    for (query, expected) in cases {
        let expected: Vec<String> = expected
            .iter()
            .map(|n| format!("{n}@example.com"))
            .collect();
        assert_eq!(members(&app, &query).await, expected, "{query}");
    }

    // The CSV export applies the same constraints.
    let csv = people_csv(&app, &format!("shared_in={a}&min_count=3&until={mid}"))
        .await
        .text()
        .await
        .unwrap();
    let emails: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(emails, ["carol@example.com"], "{csv}");

    // A date alone is that day's midnight UTC: a range of whole days around
    // now holds everything, one that ends before the first day holds nothing.
    let day = |offset: i64| {
        let t = app.clock.now() + offset * parrain_core::DAY;
        at(t)[..10].to_owned()
    };
    let (from, to) = (day(-20), day(1));
    assert_eq!(
        members(&app, &format!("signed_up_for={a}&since={from}&until={to}")).await,
        ["alice@example.com", "bob@example.com", "carol@example.com"]
    );
    let (from, to) = (day(-40), day(-20));
    assert!(
        members(&app, &format!("signed_up_for={a}&since={from}&until={to}"))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn lists_paginate_and_export_as_csv() {
    let app = spawn_app().await;
    let Population { a, .. } = population(&app).await;

    let first = app
        .get_ok(&format!("/v1/people?signed_up_for={a}&limit=2"))
        .await;
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .get_ok(&format!(
            "/v1/people?signed_up_for={a}&limit=2&cursor={cursor}"
        ))
        .await;
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    assert!(second["next_cursor"].is_null());

    let csv = people_csv(&app, &format!("signed_up_for={a}")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,email,first_name,last_name,created_at"
    );
    let mut emails: Vec<&str> = lines.map(|l| l.split(',').nth(1).unwrap()).collect();
    emails.sort();
    assert_eq!(
        emails,
        ["alice@example.com", "bob@example.com", "carol@example.com"]
    );
}

#[tokio::test]
async fn bad_filters_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let a = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    for (query, field) in [
        ("channel=x".to_owned(), "channel"),
        (format!("shared_in={a}&channel=myspace"), "channel"),
        ("signed_up_for=off_nope".to_owned(), "signed_up_for"),
        (
            "signed_up_for=off_aaaaaaaaaaaaaaaaaaaa".to_owned(),
            "signed_up_for",
        ),
        ("colour=blue".to_owned(), ""),
        // The date range and the count narrow the activity filters only.
        ("since=2026-01-01".to_owned(), "since"),
        (format!("was_referred_in={a}&until=2026-01-01"), "until"),
        (format!("signed_up_for={a}&since=yesterday"), "since"),
        (format!("signed_up_for={a}&until=2026-13-01"), "until"),
        (
            format!("signed_up_for={a}&since=2026-02-01&until=2026-01-01"),
            "until",
        ),
        (
            format!("signed_up_for={a}&since=2026-01-01&until=2026-01-01"),
            "until",
        ),
        (format!("signed_up_for={a}&min_count=2"), "min_count"),
        (format!("shared_in={a}&min_count=0"), "min_count"),
        (format!("shared_in={a}&min_count=many"), "min_count"),
        (format!("shared_in={a}&min_count=-1"), "min_count"),
        (format!("shared_in={a}&min_count=1000001"), "min_count"),
    ] {
        let body = expect(
            app.get(&format!("/v1/people?{query}")).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        let named = body["error"]["details"]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(named.contains(field), "{query}: {body}");
    }
}

#[tokio::test]
async fn csv_cells_that_start_like_a_formula_are_quoted_so_no_spreadsheet_runs_them() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    let typed = json!({
        "email": "=1+1@example.com",
        "first_name": "=HYPERLINK(\"https://evil.example\",\"x\")",
        "last_name": "-Ana",
    });
    let response = app.sign_up(&offer, typed).await;
    assert!(response.status().is_success(), "{}", response.status());
    app.participant(&offer, "plain@example.com").await;

    let csv = people_csv(&app, &format!("signed_up_for={offer}"))
        .await
        .text()
        .await
        .unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let mut cells: Vec<[String; 3]> = rows
        .records()
        .map(|r| {
            let r = r.unwrap();
            [1, 2, 3].map(|i| r[i].to_owned())
        })
        .collect();
    cells.sort();
    assert_eq!(
        cells,
        [
            [
                "'=1+1@example.com".to_owned(),
                "'=HYPERLINK(\"https://evil.example\",\"x\")".to_owned(),
                "'-Ana".to_owned(),
            ],
            ["plain@example.com".to_owned(), String::new(), String::new()],
        ]
    );
    // The JSON keeps what was typed.
    let json = app
        .get_ok(&format!("/v1/people?signed_up_for={offer}"))
        .await;
    assert!(json["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["last_name"] == "-Ana"));
}

/// Signs up `count` people to `offer` straight through the store (the
/// arrangement of a large export; the export itself goes through HTTP),
/// 32 at a time; returns their emails.
async fn sign_up_many(app: &TestApp, offer: &str, prefix: &str, count: usize) -> Vec<String> {
    sign_up_many_named(app, offer, prefix, count, None).await
}

/// [`sign_up_many`], each with `last_name` if given.
async fn sign_up_many_named(
    app: &TestApp,
    offer: &str,
    prefix: &str,
    count: usize,
    last_name: Option<String>,
) -> Vec<String> {
    use futures_util::StreamExt;
    use parrain_core::email::Email;
    use parrain_core::ids::OfferId;
    use parrain_store::SignUp;

    let offer = OfferId::parse(offer).unwrap();
    let emails: Vec<String> = (0..count)
        .map(|n| format!("{prefix}{n}@example.com"))
        .collect();
    futures_util::stream::iter(emails.clone())
        .for_each_concurrent(32, |email| {
            let (store, offer, now) = (app.store.clone(), offer.clone(), app.clock.now());
            let last_name = last_name.clone();
            async move {
                let sign_up = SignUp {
                    email: Email::parse(&email).unwrap(),
                    first_name: Some(format!("First {email}")),
                    last_name,
                    fields: Default::default(),
                    marketing_consent: None,
                    visitor_id: None,
                    referral_code: None,
                    ip: None,
                    vouched: true,
                    social_provider: None,
                    access_token: None,
                };
                store.sign_up(&offer, sign_up, now).await.unwrap();
            }
        })
        .await;
    emails
}

/// The emails of a CSV export, checking its header comes once, first.
async fn exported_emails(app: &TestApp, query: &str) -> Vec<String> {
    let response = people_csv(app, query).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let header = "id,email,first_name,last_name,created_at";
    assert_eq!(text.lines().next(), Some(header));
    assert_eq!(text.lines().filter(|l| *l == header).count(), 1);
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    rows.records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(&r[2], format!("First {}", &r[1]), "a row is whole");
            r[1].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_large_csv_export_has_every_match_once_and_honours_the_filters() {
    let app = spawn_app().await;
    let goal = json!({"type": "referred_signups", "count": 1});
    let (a, b) = (
        app.live_offer(goal.clone()).await,
        app.live_offer(goal).await,
    );
    // More than two export pages in A; some of B's people are in A too.
    let only_a = sign_up_many(&app, &a, "a", 1_150).await;
    let both = sign_up_many(&app, &a, "both", 60).await;
    sign_up_many(&app, &b, "both", 60).await;
    let only_b = sign_up_many(&app, &b, "b", 540).await;

    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let in_a = sorted(exported_emails(&app, &format!("signed_up_for={a}")).await);
    assert_eq!(in_a, sorted([only_a.clone(), both.clone()].concat()));
    let in_b = sorted(exported_emails(&app, &format!("signed_up_for={b}")).await);
    assert_eq!(in_b, sorted([only_b.clone(), both.clone()].concat()));
    let everyone = sorted(exported_emails(&app, "").await);
    assert_eq!(everyone, sorted([only_a, both, only_b].concat()));
    // `cursor` and `limit` page the JSON list only; the export is whole.
    let limited = exported_emails(&app, &format!("signed_up_for={b}&limit=5")).await;
    assert_eq!(limited.len(), 600);
}

#[tokio::test]
async fn exports_their_clients_abandon_give_back_what_they_held() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    // About 8 MB of CSV, more than the connection's buffers hold, so an
    // abandoned export is still being read when its client goes.
    let long = "x".repeat(4_000);
    let emails = sign_up_many_named(&app, &offer, "p", 2_000, Some(long)).await;
    // More abandoned exports than the store has connections: each must give
    // its connection back, or the later ones (and the rest of the API) wait
    // for one and fail.
    for _ in 0..12 {
        let mut response = people_csv(&app, &format!("signed_up_for={offer}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.chunk().await.unwrap().is_some());
        drop(response);
    }
    let mut exported = exported_emails(&app, &format!("signed_up_for={offer}")).await;
    exported.sort();
    let mut emails = emails;
    emails.sort();
    assert_eq!(exported, emails);
    assert_eq!(
        app.get_ok(&format!("/v1/people?signed_up_for={offer}&limit=1"))
            .await["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
