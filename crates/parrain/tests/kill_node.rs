//! Two real `parrain serve` processes on one PostgreSQL database take a
//! burst of referred sign-ups and of clicks on the referrer's share link;
//! one is killed (SIGKILL) in the middle of it. Every sign-up either node
//! acknowledged must then be there exactly once, credited to its referrer
//! exactly once, and counted exactly once by the offer's participant count
//! and its report — including the counts the killed node appended and
//! never folded itself; and every redirect either node answered must be
//! one click in the activity log.

mod nodes;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nodes::{free_port, Node};
use parrain_store::postgres::scratch::ScratchDatabase;
use serde_json::{json, Value};

/// Clients sending sign-ups at once, on each node.
const CLIENTS: usize = 16;
/// Acknowledged sign-ups before the second node is killed.
const BEFORE_KILL: usize = 150;
/// Acknowledged sign-ups on the surviving node after the kill.
const AFTER_KILL: usize = 150;
/// Clients following the share link at once, on each node.
const CLICKERS: usize = 4;

async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// What the clients saw: the emails whose sign-up was acknowledged, and
/// how many requests failed (those sent to the killed node).
#[derive(Default)]
struct Seen {
    acknowledged: Mutex<Vec<String>>,
    failed: AtomicUsize,
    /// The browsers named by the redirects answered.
    clicks: Mutex<Vec<String>>,
}

/// Signs friends up on `node` until `stop`, each with a fresh email.
async fn client(
    node: Node,
    offer: String,
    code: String,
    tag: String,
    seen: Arc<Seen>,
    stop: Arc<AtomicBool>,
) {
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let email = format!("friend-{tag}-{n}@example.com");
        let body = json!({"email": email, "referral_code": code});
        let sent = node
            .client
            .post(node.url(&format!("/v1/offers/{offer}/participants")))
            .bearer_auth(&node.sk)
            .json(&body)
            .timeout(Duration::from_secs(20))
            .send()
            .await;
        match sent {
            Ok(r) if r.status().as_u16() == 201 => seen.acknowledged.lock().unwrap().push(email),
            Ok(r) => panic!(
                "sign-up refused: {} {}",
                r.status(),
                r.text().await.unwrap_or_default()
            ),
            Err(_) => {
                // The node is gone: whether this one was written is unknown.
                seen.failed.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
    }
}

/// Follows the share link on `node` as a new browser each time, until `stop`.
async fn clicker(node: Node, code: String, seen: Arc<Seen>, stop: Arc<AtomicBool>) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    while !stop.load(Ordering::Relaxed) {
        let sent = http
            .get(node.url(&format!("/r/{code}")))
            .timeout(Duration::from_secs(20))
            .send()
            .await;
        match sent {
            Ok(r) if r.status().as_u16() == 302 => {
                let location = r.headers()["location"].to_str().unwrap();
                let url = reqwest::Url::parse(location).unwrap();
                let (_, visitor) = url.query_pairs().find(|(k, _)| k == "parrain_vid").unwrap();
                seen.clicks.lock().unwrap().push(visitor.into_owned());
            }
            Ok(r) => panic!("share link refused: {}", r.status()),
            // The node is gone: whether this click was recorded is unknown.
            Err(_) => return,
        }
    }
}

async fn wait_for(seen: &Seen, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while seen.acknowledged.lock().unwrap().len() < count {
        assert!(Instant::now() < deadline, "the burst stalled");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_killed_mid_burst_loses_and_doubles_no_acknowledged_write() {
    let db = tokio::task::spawn_blocking(ScratchDatabase::create)
        .await
        .unwrap()
        .expect("the test PostgreSQL server is reachable");
    // Every client sends from 127.0.0.1: the per-IP limit, which would
    // refuse the burst past its 200th sign-up, is not what this test is about.
    let args = ["--database-url", db.url(), "--rate-limit-per-ip", "0"];
    let survivor = Node::serve(free_port(), None, &args);
    let victim = Node::serve(free_port(), Some(&survivor.sk), &args);

    let settings = json!({
        "name": "Burst", "goal": {"type": "referred_signups", "count": 1_000_000},
        "offer_page_url": "https://shop.example.com/refer",
        "emails": {"fulfillment": {"subject": "Your reward", "text": "Thanks"}}
    });
    let offer = ok(survivor.post("/v1/offers", &settings).await).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(survivor
        .post(&format!("/v1/offers/{offer}/approve"), &json!({}))
        .await)
    .await;
    let referrer = ok(survivor
        .post(
            &format!("/v1/offers/{offer}/participants"),
            &json!({"email": "referrer@example.com"}),
        )
        .await)
    .await;
    let code = referrer["code"].as_str().unwrap().to_owned();

    let seen = Arc::new(Seen::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for (name, node) in [("a", &survivor), ("b", &victim)] {
        for c in 0..CLIENTS {
            clients.push(tokio::spawn(client(
                node.clone(),
                offer.clone(),
                code.clone(),
                format!("{name}{c}"),
                seen.clone(),
                stop.clone(),
            )));
        }
    }
    for node in [&survivor, &victim] {
        for _ in 0..CLICKERS {
            clients.push(tokio::spawn(clicker(
                node.clone(),
                code.clone(),
                seen.clone(),
                stop.clone(),
            )));
        }
    }
    wait_for(&seen, BEFORE_KILL).await;
    victim.stop();
    let at_kill = seen.acknowledged.lock().unwrap().len();
    wait_for(&seen, at_kill + AFTER_KILL).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    assert!(
        seen.failed.load(Ordering::Relaxed) > 0,
        "no request was cut by the kill: the test proved nothing"
    );

    // Every acknowledged sign-up is there, once.
    let listed: Vec<String> = all(&survivor, &format!("/v1/offers/{offer}/participants"))
        .await
        .iter()
        .map(|p| p["email"].as_str().unwrap().to_owned())
        .collect();
    let unique: HashSet<&String> = listed.iter().collect();
    assert_eq!(
        unique.len(),
        listed.len(),
        "a participant was written twice"
    );
    let acknowledged = seen.acknowledged.lock().unwrap().clone();
    for email in &acknowledged {
        assert!(
            unique.contains(email),
            "acknowledged sign-up {email} is lost"
        );
    }
    let friends = listed.len() - 1;

    // Every redirect answered is one click in the log.
    let logged: Vec<String> = all(&survivor, "/v1/activities?type=clicks_shared_link")
        .await
        .iter()
        .map(|a| a["visitor_id"].as_str().unwrap().to_owned())
        .collect();
    let recorded: HashSet<&String> = logged.iter().collect();
    assert_eq!(recorded.len(), logged.len(), "a click was recorded twice");
    let clicks = seen.clicks.lock().unwrap().clone();
    assert!(!clicks.is_empty(), "no redirect was answered");
    for visitor in &clicks {
        assert!(
            recorded.contains(visitor),
            "the answered click of {visitor} is lost"
        );
    }

    // One credit per friend: the first 100 of the hour count, and the
    // default fraud rule holds every later one for review (the referrer's
    // row lock makes that count exact across nodes).
    let detail = ok(survivor
        .get(&format!(
            "/v1/participants/{}",
            referrer["id"].as_str().unwrap()
        ))
        .await)
    .await;
    let credited = friends.min(100);
    assert_eq!(detail["credit"], credited as i64, "the referrer's credit");
    let held = all(&survivor, &format!("/v1/reviews?offer_id={offer}")).await;
    assert_eq!(held.len(), friends - credited, "credits held for review");

    // Counted once by the offer and its report, whether the count was
    // folded by the survivor or is still pending.
    let counted = |when: &'static str| {
        let (survivor, offer, all) = (survivor.clone(), offer.clone(), listed.len() as i64);
        async move {
            let o = ok(survivor.get(&format!("/v1/offers/{offer}")).await).await;
            assert_eq!(o["participants"], all, "the offer's count {when}: {o}");
            let report = ok(survivor.get(&format!("/v1/offers/{offer}/report")).await).await;
            assert_eq!(
                report["audience"]["total_profiles"], all,
                "sign-ups {when}: {report}"
            );
            assert_eq!(
                report["funnel"]["registrations"],
                all - 1,
                "referred {when}: {report}"
            );
        }
    };
    counted("right after the burst").await;
    // Once the survivor's folder has taken every pending count, the killed
    // node's included, the totals alone must say the same.
    let url = db.url().to_owned();
    let deadline = Instant::now() + Duration::from_secs(30);
    while pending(&url).await > 0 {
        assert!(Instant::now() < deadline, "the counts were never folded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    counted("once folded").await;
}

/// Every item of a paged list.
async fn all(node: &Node, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut cursor: Option<String> = None;
    loop {
        let page = match &cursor {
            Some(c) => format!("{path}{sep}limit=500&cursor={c}"),
            None => format!("{path}{sep}limit=500"),
        };
        let page = ok(node.get(&page).await).await;
        items.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

/// Counts not folded yet (rows of the folder's two tables).
async fn pending(url: &str) -> i64 {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.query_one(
            "SELECT (SELECT COUNT(*) FROM activity_hour_deltas) + (SELECT COUNT(*) FROM participant_deltas)",
            &[],
        )
        .unwrap()
        .get(0)
    })
    .await
    .unwrap()
}
