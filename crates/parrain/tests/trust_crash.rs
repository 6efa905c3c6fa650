//! The real binary under a burst of sign-ups, server events and Give Credit
//! calls, SIGKILLed at a random point, several rounds over one data
//! directory. After each restart: every acknowledged sign-up is there once;
//! retrying every acknowledged event and give-credit (same id, same
//! `Idempotency-Key`) changes nothing; no credit is counted twice, no one is
//! fulfilled twice, no promo code is given twice.

#[path = "ops/harness.rs"]
mod harness;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use harness::{free_port, Server};

const REFERRERS: usize = 12;
const ROUNDS: usize = 4;
const BURST: usize = 600;

/// Every item of a paginated list.
async fn all(server: &Server, sk: &str, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{}{path}{sep}limit=500", server.base);
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: Value = server
            .client
            .get(url)
            .bearer_auth(sk)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        items.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

async fn post(
    server: &Server,
    sk: &str,
    path: &str,
    body: &Value,
    key: Option<&str>,
) -> Option<(u16, Value)> {
    let mut request = server
        .client
        .post(format!("{}{path}", server.base))
        .bearer_auth(sk)
        .json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.ok()?;
    let status = response.status().as_u16();
    Some((status, response.json().await.ok()?))
}

/// A pause of 0–60 ms, different each round.
fn random_pause() -> Duration {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    Duration::from_millis(u64::from(nanos % 60))
}

fn acked_count(acked: &Mutex<Acked>) -> usize {
    let acked = acked.lock().unwrap();
    acked.sign_ups.len() + acked.give_credit.len() + acked.events.len()
}

#[derive(Default)]
struct Acked {
    sign_ups: Vec<String>,
    give_credit: Vec<(String, Value)>,
    events: Vec<Value>,
}

/// Counts per participant, and the invariants that must hold whatever happened.
async fn check_ledger(
    server: &Server,
    sk: &str,
    offer: &str,
    acked: &Acked,
) -> HashMap<String, i64> {
    let participants = all(server, sk, &format!("/v1/offers/{offer}/participants")).await;
    let mut emails = HashMap::<String, usize>::new();
    for p in &participants {
        *emails
            .entry(p["email"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    for email in &acked.sign_ups {
        assert_eq!(emails.get(email), Some(&1), "acknowledged sign-up {email}");
    }
    let credited = all(
        server,
        sk,
        &format!("/v1/activities?offer_id={offer}&type=refers_to_social_app"),
    )
    .await;
    let fulfilled = all(
        server,
        sk,
        &format!("/v1/activities?offer_id={offer}&type=offer_fulfilled"),
    )
    .await;
    let mut per = HashMap::<String, i64>::new();
    for a in &credited {
        *per.entry(a["participant_id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let mut fulfilled_once = HashSet::new();
    for a in &fulfilled {
        assert!(
            fulfilled_once.insert(a["participant_id"].as_str().unwrap().to_owned()),
            "fulfilled twice"
        );
    }
    let mut codes = HashSet::new();
    let mut credits = HashMap::new();
    for p in &participants {
        let id = p["id"].as_str().unwrap().to_owned();
        let credit = p["credit"].as_i64().unwrap();
        assert_eq!(
            credit,
            per.get(&id).copied().unwrap_or(0),
            "credit of {id} matches its ledger"
        );
        if let Some(code) = p["promo_code"].as_str() {
            assert!(
                codes.insert(code.to_owned()),
                "promo code {code} given twice"
            );
        }
        assert_eq!(p["fulfilled_at"].is_string(), fulfilled_once.contains(&id));
        credits.insert(id, credit);
    }
    credits
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_requests_survive_sigkill_rounds_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = Server::start_on(port, dir.path(), &[]);
    let sk = server
        .sk
        .clone()
        .expect("a fresh data directory prints its secret key");
    let settings = json!({
        "name": "Crash", "goal": {"type": "smart_list_trigger", "count": 3, "event": "purchase"},
        "offer_page_url": "https://shop.example.com/refer",
        "emails": {"fulfillment": {"subject": "s", "text": "{{ promo_code }}"}}
    });
    let (_, offer) = post(&server, &sk, "/v1/offers", &settings, None)
        .await
        .unwrap();
    let offer = offer["id"].as_str().unwrap().to_owned();
    post(
        &server,
        &sk,
        &format!("/v1/offers/{offer}/approve"),
        &json!({}),
        None,
    )
    .await
    .unwrap();
    let codes: String = (0..2000).map(|i| format!("CODE-{i}\n")).collect();
    let put = server
        .client
        .put(format!("{}/v1/offers/{offer}/promo-codes", server.base))
        .bearer_auth(&sk)
        .header("content-type", "text/plain")
        .body(codes)
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success());
    let mut referrer_codes = Vec::new();
    for r in 0..REFERRERS {
        let (_, p) = server
            .sign_up(&sk, &offer, json!({"email": format!("ref{r}@example.com")}))
            .await;
        referrer_codes.push(p["code"].as_str().unwrap().to_owned());
    }
    let acked = Arc::new(Mutex::new(Acked::default()));

    for round in 0..ROUNDS {
        let known: Vec<String> = acked.lock().unwrap().sign_ups.clone();
        let before_burst = acked_count(&acked);
        let credits_before = acked.lock().unwrap().give_credit.len();
        let server_ref = Arc::new(server);
        let mut tasks = Vec::new();
        for i in 0..BURST {
            let (s, sk, offer, acked) =
                (server_ref.clone(), sk.clone(), offer.clone(), acked.clone());
            let code = referrer_codes[i % REFERRERS].clone();
            let friend = known.get((i * 7 + round) % known.len().max(1)).cloned();
            tasks.push(tokio::spawn(async move {
                match (i % 3, friend) {
                    (1, Some(friend)) => {
                        let key = format!("gc-{round}-{i}");
                        let body = json!({"email": friend});
                        let path = format!("/v1/offers/{offer}/give-credit");
                        if let Some((200, _)) = post(&s, &sk, &path, &body, Some(&key)).await {
                            acked.lock().unwrap().give_credit.push((key, body));
                        }
                    }
                    (2, Some(friend)) => {
                        let body = json!({"id": format!("ev-{round}-{i}"), "person": {"email": friend}, "name": "purchase"});
                        if let Some((200, _)) = post(&s, &sk, "/v1/events", &body, None).await {
                            acked.lock().unwrap().events.push(body);
                        }
                    }
                    _ => {
                        let email = format!("f{round}-{i}@example.com");
                        let body = json!({"email": email, "referral_code": code});
                        let path = format!("/v1/offers/{offer}/participants");
                        if let Some((201 | 200, _)) = post(&s, &sk, &path, &body, None).await {
                            acked.lock().unwrap().sign_ups.push(email);
                        }
                    }
                }
            }));
        }
        // Once a third of the burst is acknowledged (and some give-credit calls,
        // which commit three times: claim, credit, saved response), wait a
        // random moment and kill.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let gave = |a: &Mutex<Acked>| a.lock().unwrap().give_credit.len();
        while (acked_count(&acked) < before_burst + BURST / 3
            || (round > 0 && gave(&acked) < credits_before + 10))
            && std::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        tokio::time::sleep(random_pause()).await;
        // SIGKILL the process this test started, by its id, mid-burst.
        let pid = server_ref.child.id().to_string();
        let killed = std::process::Command::new("kill")
            .args(["-KILL", &pid])
            .status();
        assert!(killed.unwrap().success());
        for task in tasks {
            task.await.unwrap();
        }
        let mut old = Arc::into_inner(server_ref).expect("every request has finished");
        old.child.wait().unwrap();

        server = Server::start_on(port, dir.path(), &[]);
        let acked_now = std::mem::take(&mut *acked.lock().unwrap());
        let before = check_ledger(&server, &sk, &offer, &acked_now).await;
        eprintln!(
            "round {round}: {} sign-ups, {} give-credit, {} events acknowledged; {} credits",
            acked_now.sign_ups.len(),
            acked_now.give_credit.len(),
            acked_now.events.len(),
            before.values().sum::<i64>()
        );
        // Retrying what was acknowledged changes nothing.
        for (key, body) in &acked_now.give_credit {
            let (status, _) = post(
                &server,
                &sk,
                &format!("/v1/offers/{offer}/give-credit"),
                body,
                Some(key),
            )
            .await
            .unwrap();
            assert_eq!(status, 200);
        }
        for body in &acked_now.events {
            assert_eq!(
                post(&server, &sk, "/v1/events", body, None)
                    .await
                    .unwrap()
                    .0,
                200
            );
        }
        assert_eq!(
            check_ledger(&server, &sk, &offer, &acked_now).await,
            before,
            "round {round}"
        );
        *acked.lock().unwrap() = acked_now;
    }
    let acked = acked.lock().unwrap();
    assert!(
        !acked.give_credit.is_empty() && !acked.events.is_empty(),
        "the bursts reached the server"
    );
    drop(acked);
    server.stop();
}
