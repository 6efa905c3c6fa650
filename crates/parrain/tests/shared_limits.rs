//! Limits that hold across nodes: two real `parrain serve` processes on one
//! PostgreSQL and one Redis share the per-IP and per-key rate limits and the
//! admin sign-in limiter, so a client limited on one node is limited on the
//! other. And a Redis that does not answer leaves the API up, each node
//! limiting on its own.

mod nodes;

use std::time::{SystemTime, UNIX_EPOCH};

use nodes::{free_port, Node};
use parrain_store::postgres::scratch::ScratchDatabase;
use reqwest::StatusCode;

const BURST: usize = 5;

/// The Redis the tests use (`PARRAIN_TEST_REDIS_URL`, else the local one).
fn redis_url() -> String {
    std::env::var("PARRAIN_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// A key prefix of this test's own, so parallel runs never share counters.
fn prefix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("parrain-test-{}-{nanos}", std::process::id())
}

/// Sends requests made by `request(i)` until one is refused with 429;
/// returns how many were answered before it.
async fn answered_before_429<F>(mut request: F) -> usize
where
    F: FnMut(usize) -> reqwest::RequestBuilder,
{
    for i in 0..4 * BURST {
        let response = request(i).send().await.unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            return i;
        }
    }
    4 * BURST
}

/// The login form's CSRF cookie and field.
async fn login_form(node: &Node) -> (String, String) {
    let response = node
        .client
        .get(node.url("/admin/login"))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    let start = html.find(r#"name="csrf" value=""#).unwrap() + 19;
    (cookie, html[start..].split('"').next().unwrap().to_owned())
}

async fn sign_in(node: &Node, form: &(String, String), email: &str) -> StatusCode {
    let (cookie, csrf) = form;
    let fields = [
        ("csrf", csrf.as_str()),
        ("email", email),
        ("password", "guess guess guess"),
    ];
    let request = node.client.post(node.url("/admin/login"));
    let response = request.header("cookie", cookie).form(&fields).send().await;
    response.unwrap().status()
}

#[tokio::test]
async fn a_client_limited_on_one_node_is_limited_on_the_other() {
    let db = tokio::task::spawn_blocking(ScratchDatabase::create)
        .await
        .unwrap()
        .expect("the test PostgreSQL server is reachable");
    let (redis, prefix) = (redis_url(), prefix());
    let burst = BURST.to_string();
    let args = |db: &str| {
        vec![
            "--database-url".to_owned(),
            db.to_owned(),
            "--redis-url".into(),
            redis.clone(),
            "--redis-key-prefix".into(),
            prefix.clone(),
            "--rate-limit-per-ip".into(),
            "1".into(),
            "--rate-limit-burst".into(),
            burst.clone(),
            "--rate-limit-per-key".into(),
            "1".into(),
            "--rate-limit-key-burst".into(),
            burst.clone(),
        ]
    };
    let args = args(db.url());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let first = Node::serve(free_port(), None, &args);
    let second = Node::serve(free_port(), Some(&first.sk), &args);
    let nodes = [&first, &second];

    // One client's share-link clicks, sent to either node in turn: the
    // burst is spent across both, not once per node (that would be 10).
    let answered = answered_before_429(|i| {
        let node = nodes[i % 2];
        node.client.get(node.url("/r/unknowncode"))
    })
    .await;
    assert!(
        (BURST..=BURST + 1).contains(&answered),
        "{answered} answered before a 429"
    );
    // Limited on one node, limited on the other.
    for node in nodes {
        let response = node.client.get(node.url("/r/unknowncode")).send().await;
        assert_eq!(response.unwrap().status(), StatusCode::TOO_MANY_REQUESTS);
    }

    // One API key's calls, on either node in turn.
    let answered = answered_before_429(|i| {
        let node = nodes[i % 2];
        node.client
            .get(node.url("/v1/offers"))
            .bearer_auth(&node.sk)
    })
    .await;
    assert!(
        (BURST..=BURST + 1).contains(&answered),
        "{answered} answered before a 429"
    );

    // Failed sign-ins for one email, spread over both nodes: the sixth is
    // refused wherever it is tried.
    let forms = [login_form(&first).await, login_form(&second).await];
    for i in 0..5 {
        let status = sign_in(nodes[i % 2], &forms[i % 2], "ops@example.com").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    for (node, form) in nodes.iter().zip(&forms) {
        let status = sign_in(node, form, "ops@example.com").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    }
    // Another email is not affected.
    let status = sign_in(&second, &forms[1], "other@example.com").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn without_redis_answering_the_api_stays_up_and_each_node_limits_alone() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 1.
    let args = [
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--redis-url",
        "redis://127.0.0.1:1",
        "--rate-limit-per-ip",
        "1",
        "--rate-limit-burst",
        "5",
    ];
    let node = Node::serve(free_port(), None, &args);
    let health = node.client.get(node.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let offers = node.get("/v1/offers").await;
    assert_eq!(offers.status(), StatusCode::OK);
    let answered = answered_before_429(|_| node.client.get(node.url("/r/unknowncode"))).await;
    assert!(
        (BURST..=BURST + 1).contains(&answered),
        "{answered} answered before a 429"
    );
    let form = login_form(&node).await;
    for _ in 0..5 {
        let status = sign_in(&node, &form, "ops@example.com").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let status = sign_in(&node, &form, "ops@example.com").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}
