//! Rewards through a crash (SPEC §11): a burst of referred sign-ups on an
//! offer with tiers, a repeatable reward and a friend reward, each drawing
//! from its promo-code pool, is cut by SIGKILL. After the restart every
//! acknowledged friend is counted once, every reward due is there and
//! given, none twice, and no promo code went to two rewards.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use parrain_store::postgres::scratch::ScratchDatabase;
use serde_json::{json, Value};

use crate::harness::{free_port, Server};

/// Referrers the friends are spread over (each stays under the default
/// fraud rule's 100 credits an hour).
const REFERRERS: usize = 12;
/// Friends per referrer offered in the burst.
const FRIENDS: usize = 60;
/// Acknowledged sign-ups before the SIGKILL.
const BEFORE_KILL: usize = 150;

/// Tiers at 1, 2 and 3 credits (the goal), a code every 2 credits, and a
/// code for each friend whose sign-up earns its referrer a credit.
fn settings() -> Value {
    json!({
        "name": "Tiers through a crash",
        "goal": {"type": "referred_signups", "count": 3},
        "offer_page_url": "https://shop.example.com/refer",
        "rewards": [
            {"id": "tier-1", "for": "referrer", "at": 1, "promo_codes": "tier1"},
            {"id": "tier-2", "for": "referrer", "at": 2, "label": "A sticker"},
            {"id": "tier-3", "for": "referrer", "at": 3, "promo_codes": "tier3"},
            {"id": "pair", "for": "referrer", "every": 2, "promo_codes": "pair"},
            {"id": "friend", "for": "friend", "promo_codes": "friend"}
        ]
    })
}

async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn get(server: &Server, sk: &str, path: &str) -> Value {
    let url = format!("{}{path}", server.base);
    ok(server.client.get(url).bearer_auth(sk).send().await.unwrap()).await
}

/// Every participant of `offer` (email → id), page by page.
async fn participants(server: &Server, sk: &str, offer: &str) -> Vec<(String, String)> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/offers/{offer}/participants?limit=500");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = get(server, sk, &path).await;
        for p in page["data"].as_array().unwrap() {
            let email = p["email"].as_str().unwrap().to_owned();
            all.push((email, p["id"].as_str().unwrap().to_owned()));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return all,
        }
    }
}

/// The approved offer with a pool per coded reward, and its referrers'
/// (email, share code).
async fn arrange(server: &Server, sk: &str) -> (String, Vec<String>) {
    let post = |path: String| server.client.post(format!("{}{path}", server.base));
    let offer = ok(post("/v1/offers".into())
        .bearer_auth(sk)
        .json(&settings())
        .send()
        .await
        .unwrap())
    .await;
    let offer = offer["id"].as_str().unwrap().to_owned();
    for pool in ["tier1", "tier3", "pair", "friend"] {
        let codes: String = (0..REFERRERS * FRIENDS)
            .map(|i| format!("{}-{i}\n", pool.to_uppercase()))
            .collect();
        let put = server
            .client
            .put(format!(
                "{}/v1/offers/{offer}/promo-codes?pool={pool}",
                server.base
            ))
            .bearer_auth(sk)
            .header("content-type", "text/plain")
            .body(codes);
        ok(put.send().await.unwrap()).await;
    }
    let approve = post(format!("/v1/offers/{offer}/approve")).bearer_auth(sk);
    ok(approve.send().await.unwrap()).await;
    let mut codes = Vec::new();
    for r in 0..REFERRERS {
        let (status, referrer) = server
            .sign_up(
                sk,
                &offer,
                json!({"email": format!("referrer{r}@example.com")}),
            )
            .await;
        assert_eq!(status, 201);
        codes.push(referrer["code"].as_str().unwrap().to_owned());
    }
    (offer, codes)
}

/// Concurrent clients in the burst.
const CLIENTS: usize = 24;

/// Signs the friends up from `CLIENTS` concurrent clients, each friend's
/// request sent twice at once (a client's retry racing its first try);
/// SIGKILLs parrain once `BEFORE_KILL` are acknowledged. Returns the
/// friends whose sign-up was acknowledged.
async fn burst_and_kill(
    server: &mut Server,
    sk: &str,
    offer: &str,
    codes: &[String],
) -> Vec<String> {
    let url = format!("{}/v1/offers/{offer}/participants", server.base);
    let queue: Vec<(String, String)> = (0..FRIENDS)
        .flat_map(|f| {
            codes
                .iter()
                .enumerate()
                .map(move |(r, code)| (format!("friend{f}-of-{r}@example.com"), code.clone()))
        })
        .collect();
    let queue = Arc::new(Mutex::new(queue));
    let acks = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, url, sk) = (server.client.clone(), url.clone(), sk.to_owned());
        let (queue, acks) = (queue.clone(), acks.clone());
        tasks.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            loop {
                let Some((email, code)) = queue.lock().unwrap().pop() else {
                    return acknowledged;
                };
                let body = json!({"email": email, "referral_code": code});
                let send = || client.post(&url).bearer_auth(&sk).json(&body).send();
                let (first, retry) = tokio::join!(send(), send());
                // 201 for the one that signed up, 200 for the one that found
                // it; an error only once the server is gone.
                let mut answered = 0;
                for sent in [first, retry] {
                    let Ok(response) = sent else { continue };
                    let status = response.status();
                    assert!(status.is_success(), "{email}: {status}");
                    answered += 1;
                }
                if answered > 0 {
                    acks.fetch_add(1, Ordering::SeqCst);
                    acknowledged.push(email);
                }
                if answered < 2 {
                    return acknowledged;
                }
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while acks.load(Ordering::SeqCst) < BEFORE_KILL {
        assert!(Instant::now() < deadline, "the burst stalled");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    server.child.kill().unwrap(); // SIGKILL
    let mut acknowledged = Vec::new();
    for task in tasks {
        acknowledged.extend(task.await.unwrap());
    }
    let _ = server.child.wait();
    assert!(
        acknowledged.len() < FRIENDS * REFERRERS,
        "the kill should land mid-burst: every sign-up was answered"
    );
    acknowledged
}

/// The rewards a referrer with `credit` is due: each tier reached, the
/// pair reward once per 2 credits.
fn due(credit: usize) -> BTreeSet<(String, i64)> {
    let mut due: BTreeSet<(String, i64)> = [(1, "tier-1"), (2, "tier-2"), (3, "tier-3")]
        .into_iter()
        .filter(|(at, _)| credit >= *at)
        .map(|(_, id)| (id.to_owned(), 1))
        .collect();
    due.extend((1..=credit as i64 / 2).map(|k| ("pair".to_owned(), k)));
    due
}

/// Runs the burst on the store `args` name, kills, restarts, and checks.
async fn rewards_survive_sigkill(data_dir: &Path, args: &[&str]) {
    let port = free_port();
    let mut server = Server::start_on(port, data_dir, args);
    let sk = server
        .sk
        .clone()
        .expect("a new store prints its secret key");
    let (offer, codes) = arrange(&server, &sk).await;

    let acknowledged = burst_and_kill(&mut server, &sk, &offer, &codes).await;
    assert!(acknowledged.len() >= BEFORE_KILL / 2);

    let server = Server::start_on(port, data_dir, args);
    assert!(server.sk.is_none(), "keys were created twice");
    let stored = participants(&server, &sk, &offer).await;
    let ids: HashMap<&str, &str> = stored
        .iter()
        .map(|(e, i)| (e.as_str(), i.as_str()))
        .collect();
    assert_eq!(ids.len(), stored.len(), "a participant was stored twice");
    for email in &acknowledged {
        assert!(
            ids.contains_key(email.as_str()),
            "{email} acknowledged, lost"
        );
    }

    let mut given_codes: Vec<String> = Vec::new();
    let mut friends_of = [0usize; REFERRERS];
    for (email, id) in &stored {
        let Some(r) = email
            .strip_suffix("@example.com")
            .and_then(|e| e.split_once("-of-"))
            .map(|(_, r)| r.parse::<usize>().unwrap())
        else {
            continue;
        };
        friends_of[r] += 1;
        // Each stored friend earned its referrer a credit, so it has its
        // own reward, given once with a code.
        let detail = get(&server, &sk, &format!("/v1/participants/{id}")).await;
        let rewards = detail["rewards"].as_array().unwrap();
        assert_eq!(rewards.len(), 1, "{email}'s rewards: {rewards:?}");
        assert_eq!(
            (&rewards[0]["reward_id"], &rewards[0]["state"]),
            (&json!("friend"), &json!("given")),
            "{email}"
        );
        given_codes.push(rewards[0]["promo_code"].as_str().unwrap().to_owned());
    }
    for (r, &friends) in friends_of.iter().enumerate() {
        let id = ids[format!("referrer{r}@example.com").as_str()];
        let detail = get(&server, &sk, &format!("/v1/participants/{id}")).await;
        assert_eq!(
            detail["credit"], friends as i64,
            "referrer {r}: one credit per stored friend"
        );
        let rewards = detail["rewards"].as_array().unwrap();
        let found: Vec<(String, i64)> = rewards
            .iter()
            .map(|w| {
                assert_eq!(w["state"], "given", "referrer {r}: {w}");
                let id = w["reward_id"].as_str().unwrap().to_owned();
                match w["promo_code"].as_str() {
                    Some(code) => given_codes.push(code.to_owned()),
                    None => assert_eq!(id, "tier-2", "referrer {r}: {w}"),
                }
                (id, w["occurrence"].as_i64().unwrap())
            })
            .collect();
        let unique: BTreeSet<(String, i64)> = found.iter().cloned().collect();
        assert_eq!(
            unique.len(),
            found.len(),
            "referrer {r} given twice: {found:?}"
        );
        assert_eq!(unique, due(friends), "referrer {r} with {friends} credits");
    }
    let distinct: HashSet<&String> = given_codes.iter().collect();
    assert_eq!(
        distinct.len(),
        given_codes.len(),
        "a promo code given twice"
    );
    // The pools count as assigned exactly the codes the rewards hold.
    let mut assigned = 0;
    for pool in ["tier1", "tier3", "pair", "friend"] {
        let counts = get(
            &server,
            &sk,
            &format!("/v1/offers/{offer}/promo-codes?pool={pool}"),
        )
        .await;
        assigned += counts["assigned"].as_u64().unwrap() as usize;
    }
    assert_eq!(assigned, given_codes.len(), "codes marked taken vs given");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sigkill_mid_burst_gives_no_reward_twice_and_loses_none_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    rewards_survive_sigkill(dir.path(), &["--rate-limit-per-ip", "0"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sigkill_mid_burst_gives_no_reward_twice_and_loses_none_on_postgres() {
    let db = tokio::task::spawn_blocking(ScratchDatabase::create)
        .await
        .unwrap()
        .expect("the test PostgreSQL server is reachable");
    let dir = tempfile::tempdir().unwrap();
    let args = ["--rate-limit-per-ip", "0", "--database-url", db.url()];
    rewards_survive_sigkill(dir.path(), &args).await;
}
