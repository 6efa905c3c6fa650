//! Two real `parrain serve` processes on one PostgreSQL database, driven at
//! once with the same sign-ups, credits and Give Credit calls. Afterwards
//! every number must be exactly what one process would have produced:
//! participants, credits, fulfilments, promo codes, queued mail, and each
//! webhook received once.

mod nodes;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use nodes::{free_port, Node, Receiver};
use parrain_store::postgres::scratch::ScratchDatabase;
use serde_json::{json, Value};

/// Referrers per offer, and friends per referrer.
const REFERRERS: usize = 5;
const FRIENDS: usize = 3;

async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Creates, stocks with promo codes and approves an offer; returns its id.
async fn offer(node: &Node, goal: Value) -> String {
    let settings = json!({
        "name": "Two nodes", "goal": goal,
        "offer_page_url": "https://shop.example.com/refer",
        "emails": {"fulfillment": {"subject": "Your reward", "text": "{{ promo_code }}"}}
    });
    let id = ok(node.post("/v1/offers", &settings).await).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let codes: String = (0..REFERRERS + 3)
        .map(|i| format!("{id}-CODE-{i}\n"))
        .collect();
    let put = node
        .client
        .put(node.url(&format!("/v1/offers/{id}/promo-codes")))
        .bearer_auth(&node.sk)
        .header("content-type", "text/plain")
        .body(codes)
        .send()
        .await
        .unwrap();
    ok(put).await;
    ok(node
        .post(&format!("/v1/offers/{id}/approve"), &json!({}))
        .await)
    .await;
    id
}

async fn participants(node: &Node, offer: &str) -> Vec<Value> {
    let page = ok(node
        .get(&format!("/v1/offers/{offer}/participants?limit=500"))
        .await)
    .await;
    page["data"].as_array().unwrap().clone()
}

/// Checks each referrer (`referrer{r}@example.com`) among the participants
/// `all` of `offer`: credit once per friend, fulfilled, a promo code no
/// other referrer got (`handed_out`, kept across offers), and one
/// `offer_fulfilled` activity per referrer. Returns the referrers.
async fn fulfilled_once<'a>(
    node: &Node,
    offer: &str,
    all: &'a [Value],
    handed_out: &mut HashSet<String>,
) -> Vec<&'a Value> {
    let mut referrers = Vec::new();
    for r in 0..REFERRERS {
        let email = format!("referrer{r}@example.com");
        let p = all.iter().find(|p| p["email"] == email).unwrap();
        assert_eq!(p["credit"], FRIENDS as i64, "credit of {email}");
        assert!(!p["fulfilled_at"].is_null(), "{email} not fulfilled");
        let code = p["promo_code"].as_str().expect("a promo code").to_owned();
        assert!(
            handed_out.insert(code.clone()),
            "promo code {code} handed out twice"
        );
        referrers.push(p);
    }
    let fulfilled = ok(node
        .get(&format!(
            "/v1/activities?limit=500&offer_id={offer}&type=offer_fulfilled"
        ))
        .await)
    .await;
    assert_eq!(
        fulfilled["data"].as_array().unwrap().len(),
        REFERRERS,
        "offer_fulfilled activities of {offer}"
    );
    referrers
}

/// Sends every request to both nodes at once, twice over; waits for all.
async fn on_both(nodes: &[Node; 2], calls: Vec<(String, Value)>) {
    let mut tasks = Vec::new();
    for (path, body) in calls {
        for round in 0..2 {
            for node in nodes {
                let (node, path, body) = (node.clone(), path.clone(), body.clone());
                tasks.push(tokio::spawn(async move {
                    let _ = round;
                    ok(node.post(&path, &body).await).await
                }));
            }
        }
    }
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_on_one_database_count_everything_exactly_once() {
    let db = tokio::task::spawn_blocking(ScratchDatabase::create)
        .await
        .unwrap()
        .expect("the test PostgreSQL server is reachable");
    let receiver = Receiver::start().await;
    let first = Node::start(db.url(), free_port(), None);
    let second = Node::start(db.url(), free_port(), Some(&first.sk));
    let nodes = [first, second];
    let a = &nodes[0];

    let signups = offer(a, json!({"type": "referred_signups", "count": 2})).await;
    let trigger = offer(
        a,
        json!({"type": "smart_list_trigger", "count": 2, "event": "opportunity.created"}),
    )
    .await;
    let hook = json!({"url": receiver.url(), "events": ["signs_up_for_referral_offer", "offer_fulfilled"]});
    ok(a.post("/v1/webhooks", &hook).await).await;

    // Referrers sign up on both offers, through both nodes at once.
    let referrer = |r: usize| format!("referrer{r}@example.com");
    let mut calls = Vec::new();
    for offer in [&signups, &trigger] {
        for r in 0..REFERRERS {
            calls.push((
                format!("/v1/offers/{offer}/participants"),
                json!({"email": referrer(r)}),
            ));
        }
    }
    on_both(&nodes, calls).await;
    let mut codes = HashMap::new();
    for offer in [&signups, &trigger] {
        for p in participants(a, offer).await {
            codes.insert(
                (offer.clone(), p["email"].as_str().unwrap().to_owned()),
                p["code"].as_str().unwrap().to_owned(),
            );
        }
    }
    assert_eq!(codes.len(), 2 * REFERRERS, "a referrer was signed up twice");

    // Friends sign up with their referrer's code, each on both nodes twice.
    let friend = |r: usize, f: usize| format!("friend{r}-{f}@example.com");
    let mut calls = Vec::new();
    for offer in [&signups, &trigger] {
        for r in 0..REFERRERS {
            let code = &codes[&(offer.clone(), referrer(r))];
            for f in 0..FRIENDS {
                calls.push((
                    format!("/v1/offers/{offer}/participants"),
                    json!({"email": friend(r, f), "referral_code": code}),
                ));
            }
        }
    }
    on_both(&nodes, calls).await;

    // Give Credit to Referrer for every friend of the trigger offer, four times each.
    let mut calls = Vec::new();
    for r in 0..REFERRERS {
        for f in 0..FRIENDS {
            calls.push((
                format!("/v1/offers/{trigger}/give-credit"),
                json!({"email": friend(r, f)}),
            ));
        }
    }
    on_both(&nodes, calls).await;

    // Every referrer: credit once per friend, fulfilled once, its own promo code.
    let mut handed_out = HashSet::new();
    for offer in [&signups, &trigger] {
        let all = participants(&nodes[1], offer).await;
        assert_eq!(
            all.len(),
            REFERRERS * (1 + FRIENDS),
            "participants of {offer}"
        );
        for p in fulfilled_once(a, offer, &all, &mut handed_out).await {
            let detail = ok(a
                .get(&format!("/v1/participants/{}", p["id"].as_str().unwrap()))
                .await)
            .await;
            assert_eq!(detail["friends"].as_array().map(Vec::len), Some(FRIENDS));
        }
        let counts = ok(a.get(&format!("/v1/offers/{offer}/promo-codes")).await).await;
        assert_eq!(
            counts["assigned"], REFERRERS as i64,
            "promo codes of {offer}: {counts}"
        );
    }

    // One fulfilment email per fulfilment waits in the queue (no SMTP is set).
    let health = ok(a.get("/healthz").await).await;
    assert_eq!(
        health["outbound"]["email"]["waiting"],
        2 * REFERRERS as i64,
        "{health}"
    );

    // Each webhook arrives once, though both nodes run delivery workers.
    let sign_ups = 2 * REFERRERS * (1 + FRIENDS);
    let expected = sign_ups + 2 * REFERRERS;
    let deadline = Instant::now() + Duration::from_secs(60);
    while receiver.received().len() < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received = receiver.received();
    let unique: HashSet<_> = received.iter().collect();
    assert_eq!(unique.len(), expected, "webhooks delivered");
    assert_eq!(received.len(), expected, "a webhook was delivered twice");
}

/// A page's events that credit run in groups that lock their referrers
/// first: fired for every friend through both nodes at once, twice each,
/// they still credit each friend once and fulfil each referrer once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn page_events_through_two_nodes_credit_each_friend_once() {
    let db = tokio::task::spawn_blocking(ScratchDatabase::create)
        .await
        .unwrap()
        .expect("the test PostgreSQL server is reachable");
    let first = Node::start(db.url(), free_port(), None);
    let second = Node::start(db.url(), free_port(), Some(&first.sk));
    let nodes = [first, second];
    let a = &nodes[0];
    let offer = offer(
        a,
        json!({"type": "custom_event", "count": FRIENDS, "event": "purchase"}),
    )
    .await;

    let mut codes = Vec::new();
    for r in 0..REFERRERS {
        let body = json!({"email": format!("referrer{r}@example.com")});
        let p = ok(a
            .post(&format!("/v1/offers/{offer}/participants"), &body)
            .await)
        .await;
        codes.push(p["code"].as_str().unwrap().to_owned());
    }
    // Each friend's browser arrives through its referrer's link, then buys
    // through both nodes at once, twice over.
    let browser = |r: usize, f: usize| format!("vis_{r:010}{f:010}");
    for (r, code) in codes.iter().enumerate() {
        for f in 0..FRIENDS {
            let visit =
                json!({"offer_id": offer, "visitor_id": browser(r, f), "referral_code": code});
            ok(a.post("/v1/track/visit", &visit).await).await;
        }
    }
    let mut tasks = Vec::new();
    for r in 0..REFERRERS {
        for f in 0..FRIENDS {
            let event = json!({"offer_id": offer, "visitor_id": browser(r, f), "name": "purchase"});
            for node in nodes.iter().chain(&nodes) {
                let (node, event) = (node.clone(), event.clone());
                tasks.push(tokio::spawn(async move {
                    ok(node.post("/v1/track/event", &event).await).await
                }));
            }
        }
    }
    let mut credited = 0;
    for task in tasks {
        credited += usize::from(task.await.unwrap()["credited"] == true);
    }
    assert_eq!(credited, REFERRERS * FRIENDS, "events answered credited");

    let all = participants(&nodes[1], &offer).await;
    fulfilled_once(a, &offer, &all, &mut HashSet::new()).await;
}
