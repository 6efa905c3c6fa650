//! The report's breakdowns: shares, clicks and referred sign-ups by network
//! (the social dashboard by network), and rewards by id and state, each over
//! the window and per bucket, in JSON and in the CSV.

use parrain_core::report::Interval;
use reqwest::StatusCode;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::helpers::{expect, spawn_app, visitor_of, TestApp};

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

fn code(participant: &Value) -> &str {
    participant["code"].as_str().unwrap()
}

async fn share(app: &TestApp, participant: &Value, channel: &str) {
    app.track(
        "share",
        json!({"code": participant["code"], "channel": channel}),
    )
    .await;
}

/// A new browser follows a share link made for `network` (`?ch=`), as the
/// widget's network buttons make them; returns its visitor id.
async fn arrives(app: &TestApp, code: &str, network: Option<&str>) -> String {
    let query = network.map(|n| format!("?ch={n}")).unwrap_or_default();
    let response = app
        .client
        .get(app.url(&format!("/r/{code}{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    visitor_of(&response)
}

async fn signs_up(app: &TestApp, offer: &str, body: Value) {
    expect(app.sign_up(offer, body).await, StatusCode::CREATED).await;
}

async fn report(app: &TestApp, offer: &str, from: i64, to: i64) -> Value {
    let query = format!("interval=hour&from={}&to={}", rfc3339(from), rfc3339(to));
    app.get_ok(&format!("/v1/offers/{offer}/report?{query}"))
        .await
}

async fn csv(app: &TestApp, offer: &str, from: i64, to: i64) -> Vec<Vec<String>> {
    let url = app.url(&format!(
        "/v1/offers/{offer}/report?interval=hour&from={}&to={}",
        rfc3339(from),
        rfc3339(to)
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
    let text = response.text().await.unwrap();
    text.lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

/// `network → [shares, clicks, registrations]`, in the report's order.
fn networks(v: &Value) -> Vec<(String, [i64; 3])> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let c = ["shares", "clicks", "registrations"].map(|k| n[k].as_i64().unwrap());
            (n["network"].as_str().unwrap().to_owned(), c)
        })
        .collect()
}

fn by_network(rows: &[(&str, [i64; 3])]) -> Vec<(String, [i64; 3])> {
    rows.iter().map(|(n, c)| (n.to_string(), *c)).collect()
}

/// The value of column `name` in CSV row `row` (1 is the first bucket).
fn cell(table: &[Vec<String>], row: usize, name: &str) -> i64 {
    let col = table[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", table[0]));
    table[row][col].parse().unwrap()
}

#[tokio::test]
async fn shares_clicks_and_referred_sign_ups_are_counted_by_network() {
    // Arrange: two participants share on every network; friends come
    // through links made for a network (one with a network parrain does not
    // know, one with none) and sign up, by their browser, by a share code,
    // after visiting the landing page; one person signs up unreferred.
    let app = spawn_app().await;
    let midnight = to_tomorrow_at_ten(&app);
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 10}))
        .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let bob = app.participant(&offer, "bob@example.com").await;
    for channel in ["email", "x", "x", "link"] {
        share(&app, &ana, channel).await;
    }
    share(&app, &bob, "linkedin").await;
    let f1 = arrives(&app, code(&ana), Some("x")).await;
    let f2 = arrives(&app, code(&ana), Some("linkedin")).await;
    let f3 = arrives(&app, code(&ana), None).await;
    let f4 = arrives(&app, code(&bob), Some("email")).await;
    arrives(&app, code(&bob), Some("myspace")).await;
    signs_up(
        &app,
        &offer,
        json!({"email": "f1@example.com", "visitor_id": f1}),
    )
    .await;
    let f2_body = json!({"email": "f2@example.com", "visitor_id": f2, "referral_code": code(&ana)});
    signs_up(&app, &offer, f2_body).await;
    signs_up(
        &app,
        &offer,
        json!({"email": "f3@example.com", "visitor_id": f3}),
    )
    .await;
    let landing = format!("https://shop.example.com/refer?parrain_ref={}", code(&bob));
    let visit = json!({"offer_id": offer, "visitor_id": f4, "url": landing});
    app.track("visit", visit).await;
    signs_up(
        &app,
        &offer,
        json!({"email": "f4@example.com", "visitor_id": f4}),
    )
    .await;
    signs_up(&app, &offer, json!({"email": "dan@example.com"})).await;
    // 11:05: a Facebook share, and a friend through it.
    app.clock.advance(HOUR);
    share(&app, &bob, "facebook").await;
    let f6 = arrives(&app, code(&bob), Some("facebook")).await;
    signs_up(
        &app,
        &offer,
        json!({"email": "f6@example.com", "visitor_id": f6}),
    )
    .await;

    // Act
    let (from, to) = (midnight + 10 * HOUR, midnight + 12 * HOUR);
    let body = report(&app, &offer, from, to).await;

    // Assert: the window's totals by network, and each bucket's.
    let expected = by_network(&[
        ("email", [1, 1, 1]),
        ("x", [2, 1, 1]),
        ("linkedin", [1, 1, 1]),
        ("facebook", [1, 1, 1]),
        ("link", [1, 2, 1]),
    ]);
    assert_eq!(networks(&body["networks"]), expected, "{body}");
    let funnel = &body["funnel"];
    assert_eq!(
        [
            funnel["shares"].as_i64(),
            funnel["resulting_clicks"].as_i64(),
            funnel["registrations"].as_i64()
        ],
        [Some(6), Some(6), Some(5)],
        "the networks add up to the funnel"
    );
    let ten = by_network(&[
        ("email", [1, 1, 1]),
        ("x", [2, 1, 1]),
        ("linkedin", [1, 1, 1]),
        ("facebook", [0, 0, 0]),
        ("link", [1, 2, 1]),
    ]);
    assert_eq!(networks(&body["series"][0]["networks"]), ten);
    let eleven = by_network(&[
        ("email", [0, 0, 0]),
        ("x", [0, 0, 0]),
        ("linkedin", [0, 0, 0]),
        ("facebook", [1, 1, 1]),
        ("link", [0, 0, 0]),
    ]);
    assert_eq!(networks(&body["series"][1]["networks"]), eleven);

    // A window that cuts both hours (recounted from the log) counts the same.
    let cut = report(&app, &offer, from + 4 * MINUTE, to - 30 * MINUTE).await;
    assert_eq!(networks(&cut["networks"]), expected, "{cut}");
    assert_eq!(networks(&cut["series"][1]["networks"]), eleven);
    // One that ends before 11:05 leaves the Facebook friend out.
    let early = report(&app, &offer, from, from + HOUR + 4 * MINUTE).await;
    assert_eq!(networks(&early["networks"]), ten);

    // The CSV has the same numbers, bucket by bucket.
    let table = csv(&app, &offer, from, to).await;
    assert_eq!(table.len(), 3, "a header and two buckets: {table:?}");
    for (row, bucket) in [(1, &ten), (2, &eleven)] {
        for (network, [shares, clicks, registrations]) in bucket {
            assert_eq!(cell(&table, row, &format!("shares_{network}")), *shares);
            assert_eq!(cell(&table, row, &format!("clicks_{network}")), *clicks);
            let column = format!("registrations_{network}");
            assert_eq!(cell(&table, row, &column), *registrations);
        }
    }
}

async fn put_pool(app: &TestApp, offer: &str, pool: &str, codes: &str) {
    let response = app
        .client
        .put(app.url(&format!("/v1/offers/{offer}/promo-codes?pool={pool}")))
        .bearer_auth(&app.sk)
        .header("content-type", "text/plain")
        .body(codes.to_owned())
        .send()
        .await
        .unwrap();
    expect(response, StatusCode::OK).await;
}

/// `reward id → (label, [earned, held, given, cancelled, clawed_back])`.
fn rewards(v: &Value) -> Vec<(String, String, [i64; 5])> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let c = ["earned", "held", "given", "cancelled", "clawed_back"]
                .map(|k| r[k].as_i64().unwrap_or_else(|| panic!("{k} in {r}")));
            let (id, label) = (r["reward_id"].as_str(), r["label"].as_str());
            (id.unwrap().to_owned(), label.unwrap().to_owned(), c)
        })
        .collect()
}

/// One reward's series: `[earned, held, given, cancelled, clawed_back]` per bucket.
fn reward_series(v: &Value) -> Vec<[i64; 5]> {
    v["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            ["earned", "held", "given", "cancelled", "clawed_back"].map(|k| b[k].as_i64().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn rewards_are_counted_by_id_and_state_over_time() {
    // Arrange: tier 1 given at once with a code, tier 2 held 30 days, and
    // each friend's own reward; at 10:05 two friends reach both tiers.
    let app = spawn_app().await;
    let midnight = to_tomorrow_at_ten(&app);
    let offer = app
        .create_offer(&json!({
            "name": "Refunds",
            "goal": {"type": "referred_signups", "count": 2},
            "offer_page_url": "https://shop.example.com/refer",
            "rewards": [
                {"id": "tier-1", "for": "referrer", "at": 1, "promo_codes": "t1",
                 "label": "A sticker"},
                {"id": "tier-2", "for": "referrer", "at": 2, "hold_days": 30},
                {"id": "friend", "for": "friend", "promo_codes": "friend", "label": "€10 off"}
            ]
        }))
        .await;
    let offer = offer["id"].as_str().unwrap().to_owned();
    put_pool(&app, &offer, "t1", "T1-A\n").await;
    put_pool(&app, &offer, "friend", "F-1\nF-2\n").await;
    expect(app.approve(&offer).await, StatusCode::OK).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let ana_id = ana["id"].as_str().unwrap();
    for email in ["bob@example.com", "cid@example.com"] {
        signs_up(
            &app,
            &offer,
            json!({"email": email, "referral_code": code(&ana)}),
        )
        .await;
    }
    // 11:05: both purchases are refunded: tier 2's hold is cancelled, tier
    // 1 and both friends' rewards are clawed back.
    app.clock.advance(HOUR);
    for email in ["cid@example.com", "bob@example.com"] {
        app.post_ok(
            &format!("/v1/participants/{ana_id}/credits/reverse"),
            &json!({"friend": {"email": email}, "reason": "refund"}),
            StatusCode::OK,
        )
        .await;
    }

    // Act
    let (from, to) = (midnight + 10 * HOUR, midnight + 12 * HOUR);
    let body = report(&app, &offer, from, to).await;

    // Assert: the offer's order, each label (the id when it has none).
    assert_eq!(
        rewards(&body["rewards"]),
        [
            ("tier-1".into(), "A sticker".into(), [1, 0, 1, 0, 1]),
            ("tier-2".into(), "tier-2".into(), [1, 1, 0, 1, 0]),
            ("friend".into(), "€10 off".into(), [2, 0, 2, 0, 2]),
        ],
        "{body}"
    );
    let series: Vec<Vec<[i64; 5]>> = body["rewards"]
        .as_array()
        .unwrap()
        .iter()
        .map(reward_series)
        .collect();
    assert_eq!(
        series,
        [
            vec![[1, 0, 1, 0, 0], [0, 0, 0, 0, 1]],
            vec![[1, 1, 0, 0, 0], [0, 0, 0, 1, 0]],
            vec![[2, 0, 2, 0, 0], [0, 0, 0, 0, 2]],
        ]
    );
    // A window that cuts the hours counts the same; one of 11:00 on only the reversals.
    let cut = report(&app, &offer, from + MINUTE, to - MINUTE).await;
    assert_eq!(rewards(&cut["rewards"]), rewards(&body["rewards"]));
    let late = report(&app, &offer, from + HOUR, to).await;
    let late: Vec<[i64; 5]> = rewards(&late["rewards"]).into_iter().map(|r| r.2).collect();
    assert_eq!(late, [[0, 0, 0, 0, 1], [0, 0, 0, 1, 0], [0, 0, 0, 0, 2]]);

    // The CSV has the same numbers.
    let table = csv(&app, &offer, from, to).await;
    for (r, id) in ["tier-1", "tier-2", "friend"].iter().enumerate() {
        for (row, expected) in series[r].iter().enumerate() {
            let got = ["earned", "held", "given", "cancelled", "clawed_back"]
                .map(|s| cell(&table, row + 1, &format!("reward_{id}_{s}")));
            assert_eq!(&got, expected, "{id}, bucket {row}");
        }
    }
}
