//! `/metrics`: hidden without a token, refused with a wrong one, and a known
//! sequence of requests shows in its counters.

use serde_json::json;

use parrain_store::postgres::scratch::ScratchDatabase;

use crate::harness::Server;

/// The value of the sample `name` whose labels include all of `labels`.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|line| {
            let Some(rest) = line.strip_prefix(name) else {
                return false;
            };
            (rest.starts_with('{') || rest.starts_with(' '))
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
        })
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn metrics_are_hidden_without_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let response = server
        .client
        .get(format!("{}/metrics", server.base))
        .bearer_auth("anything")
        .header("x-request-id", "req-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["x-request-id"], "req-42");
    let fresh = server.client.get(format!("{}/healthz", server.base)).send();
    let fresh = fresh.await.unwrap();
    assert!(
        !fresh.headers()["x-request-id"].is_empty(),
        "requests get an id"
    );
}

#[tokio::test]
async fn a_known_sequence_of_requests_shows_in_the_counters() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--metrics-token", "scrape-me"]);
    known_sequence(&server, true).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_counters_on_postgresql() {
    let db = tokio::task::spawn_blocking(ScratchDatabase::create)
        .await
        .unwrap()
        .expect("the test PostgreSQL server is reachable");
    let dir = tempfile::tempdir().unwrap();
    let args = ["--metrics-token", "scrape-me", "--database-url", db.url()];
    let server = Server::start(dir.path(), &args);
    known_sequence(&server, false).await;
    server.stop();
}

/// Sign-ups, redirects and a fulfilment, then `/metrics` must count each;
/// `embedded` also checks the SQLite writer's own commit metrics.
async fn known_sequence(server: &Server, embedded: bool) {
    let sk = server.sk.clone().unwrap();
    let metrics = format!("{}/metrics", server.base);

    let wrong = server.client.get(&metrics).bearer_auth("nope").send();
    assert_eq!(wrong.await.unwrap().status(), 401);

    let offer = server.approved_offer(&sk).await;
    let (status, referrer) = server
        .sign_up(&sk, &offer, json!({"email": "ref@example.com"}))
        .await;
    assert_eq!(status, 201);
    let (again, _) = server
        .sign_up(&sk, &offer, json!({"email": "ref@example.com"}))
        .await;
    assert_eq!(again, 200, "signing up twice returns the same participant");
    let code = referrer["code"].as_str().unwrap();
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in [
        format!("/r/{code}"),
        format!("/r/{code}"),
        "/r/NOSUCHCODE".into(),
    ] {
        no_redirects
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
    }
    // A friend signs up through the referrer: one credit reaches the goal,
    // the participant is fulfilled and its email waits (no SMTP is set).
    let (status, _) = server
        .sign_up(
            &sk,
            &offer,
            json!({"email": "friend@example.com", "referral_code": code}),
        )
        .await;
    assert_eq!(status, 201);

    let response = server
        .client
        .get(&metrics)
        .bearer_auth("scrape-me")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = response.text().await.unwrap();
    let requests = "parrain_http_requests_total";
    let sign_ups = [
        ("route", "/v1/offers/{id}/participants"),
        ("method", "POST"),
    ];
    let at = |status: &'static str| {
        let mut labels = sign_ups.to_vec();
        labels.push(("status", status));
        sample(&text, requests, &labels)
    };
    assert_eq!(at("201"), Some(2.0), "{text}");
    assert_eq!(at("200"), Some(1.0));
    let redirected = [("route", "/r/{code}"), ("status", "302")];
    assert_eq!(sample(&text, requests, &redirected), Some(2.0));
    let unknown = [("route", "/r/{code}"), ("status", "404")];
    assert_eq!(sample(&text, requests, &unknown), Some(1.0));
    let redirects = "parrain_redirects_total";
    assert_eq!(sample(&text, redirects, &[("code", "known")]), Some(2.0));
    assert_eq!(sample(&text, redirects, &[("code", "unknown")]), Some(1.0));
    let latency = "parrain_http_request_duration_seconds_count";
    assert_eq!(sample(&text, latency, &[("route", "/r/{code}")]), Some(3.0));
    let activities = "parrain_activities_total";
    let of = |t: &'static str| sample(&text, activities, &[("type", t)]);
    assert_eq!(of("signs_up_for_referral_offer"), Some(2.0));
    assert_eq!(of("clicks_shared_link"), Some(2.0));
    assert_eq!(of("achieved_goal_in_referral"), Some(1.0));
    assert_eq!(of("offer_fulfilled"), Some(1.0));
    let waiting = sample(&text, "parrain_queue_waiting", &[("queue", "email")]);
    assert_eq!(waiting, Some(1.0), "the fulfillment email waits");
    let age = sample(
        &text,
        "parrain_queue_oldest_age_seconds",
        &[("queue", "email")],
    );
    assert!(age.is_some_and(|a| a >= 0.0));
    // The email keeps waiting, so its age must grow past zero.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let scraped = server.client.get(&metrics).bearer_auth("scrape-me").send();
        let text = scraped.await.unwrap().text().await.unwrap();
        let age = sample(
            &text,
            "parrain_queue_oldest_age_seconds",
            &[("queue", "email")],
        );
        if age.is_some_and(|a| a > 0.0) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the waiting email's age stays {age:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    if !embedded {
        return;
    }
    let batches = sample(&text, "parrain_store_commit_batch_size_count", &[]);
    assert!(
        batches.is_some_and(|n| n >= 1.0),
        "group commits are measured"
    );
    assert!(sample(
        &text,
        "parrain_store_commit_seconds_bucket",
        &[("le", "+Inf")]
    )
    .is_some());
}

#[tokio::test]
async fn requests_refused_by_the_rate_limit_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--metrics-token",
        "t",
        "--rate-limit-per-ip",
        "1",
        "--rate-limit-burst",
        "1",
    ];
    let server = Server::start(dir.path(), &args);
    let mut refused = 0;
    for _ in 0..5 {
        let response = server.client.get(format!("{}/r/NOSUCHCODE", server.base));
        if response.send().await.unwrap().status() == 429 {
            refused += 1;
        }
    }
    assert!(refused >= 3, "the limit refused only {refused}");
    let text = server
        .client
        .get(format!("{}/metrics", server.base))
        .bearer_auth("t")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let limited = [("route", "/r/{code}"), ("status", "429")];
    let counted = sample(&text, "parrain_http_requests_total", &limited);
    assert_eq!(counted, Some(f64::from(refused)), "{text}");
}
