//! Share-link clicks through a crash: a redirect is answered once its
//! click is durable, before it is recorded in full. A burst of clicks from
//! new browsers is cut by SIGKILL; after the restart every answered
//! redirect is one `clicks_shared_link` activity, no browser has two, and
//! each recorded browser is attributed to the referrer whose link it
//! followed, so its visit credits that referrer once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::harness::Server;

/// Referrers the clicks are spread over (each stays under the default
/// fraud rule's 100 credits an hour).
const REFERRERS: usize = 20;
/// Clicks per referrer's link in the burst.
const CLICKS: usize = 50;
/// Answered redirects before the SIGKILL.
const BEFORE_KILL: usize = 300;

async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// An approved offer whose goal counts referred visits, and its
/// referrers' (id, share code).
async fn arrange(server: &Server, sk: &str) -> (String, Vec<(String, String)>) {
    let post = |path: &str| server.client.post(format!("{}{path}", server.base));
    let offer = ok(post("/v1/offers")
        .bearer_auth(sk)
        .json(&json!({
            "name": "Clicks through a crash",
            "goal": {"type": "referred_visits", "count": 1000},
            "offer_page_url": "https://shop.example.com/refer",
            "emails": {"fulfillment": {"subject": "s", "text": "t"}}
        }))
        .send()
        .await
        .unwrap())
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(post(&format!("/v1/offers/{offer}/approve"))
        .bearer_auth(sk)
        .send()
        .await
        .unwrap())
    .await;
    let mut referrers = Vec::new();
    for r in 0..REFERRERS {
        let body = json!({"email": format!("referrer{r}@example.com")});
        let (status, p) = server.sign_up(sk, &offer, body).await;
        assert_eq!(status, 201, "{p}");
        let id = p["id"].as_str().unwrap().to_owned();
        referrers.push((id, p["code"].as_str().unwrap().to_owned()));
    }
    (offer, referrers)
}

/// The browser id a redirect gave, from its `Location`.
fn visitor_of(response: &reqwest::Response) -> String {
    let location = response.headers()["location"].to_str().unwrap();
    let url = url::Url::parse(location).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "parrain_vid")
        .map(|(_, v)| v.into_owned())
        .expect("the redirect names the browser")
}

/// Every `clicks_shared_link` activity of the offer: (browser, referrer).
async fn clicks(server: &Server, sk: &str, offer: &str) -> Vec<(String, String)> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!(
            "{}/v1/activities?offer_id={offer}&type=clicks_shared_link&limit=500",
            server.base
        );
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page = ok(server.client.get(url).bearer_auth(sk).send().await.unwrap()).await;
        for a in page["data"].as_array().unwrap() {
            all.push((
                a["visitor_id"].as_str().unwrap().to_owned(),
                a["participant_id"].as_str().unwrap().to_owned(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return all,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_answered_redirect_is_one_click_after_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let no_limit = ["--rate-limit-per-ip", "0"];
    let mut server = Server::start(dir.path(), &no_limit);
    let sk = server
        .sk
        .clone()
        .expect("a fresh data directory prints its secret key");
    let (offer, referrers) = arrange(&server, &sk).await;

    // Each click a new browser (no cookie), the links taken in turn.
    let answered = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..REFERRERS * CLICKS {
        let (id, code) = referrers[i % REFERRERS].clone();
        let url = format!("{}/r/{code}", server.base);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let answered = answered.clone();
        tasks.push(tokio::spawn(async move {
            match client.get(url).send().await {
                Ok(r) if r.status().as_u16() == 302 => {
                    answered.fetch_add(1, Ordering::SeqCst);
                    Some((visitor_of(&r), id))
                }
                _ => None,
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while answered.load(Ordering::SeqCst) < BEFORE_KILL && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    server.child.kill().unwrap(); // SIGKILL
    let mut acknowledged = Vec::new();
    for task in tasks {
        acknowledged.extend(task.await.unwrap());
    }
    server.stop();
    assert!(
        acknowledged.len() >= BEFORE_KILL && acknowledged.len() < REFERRERS * CLICKS,
        "the kill should land mid-burst: {} answered",
        acknowledged.len()
    );

    // Clicks answered but not yet recorded when the process died: the
    // restart records them before it serves.
    let files = rusqlite::Connection::open(dir.path().join("parrain.db")).unwrap();
    files
        .execute(
            "ATTACH DATABASE ?1 AS clicks",
            [dir.path().join("parrain.db-clicks").to_str().unwrap()],
        )
        .unwrap();
    let tail: i64 = files
        .query_row(
            "SELECT count(*) FROM clicks.journal
             WHERE seq > (SELECT seq FROM main.click_applied)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(files);
    let server = Server::start(dir.path(), &no_limit);
    let recorded = clicks(&server, &sk, &offer).await;
    let mut by_browser: HashMap<&str, Vec<&str>> = HashMap::new();
    for (visitor, referrer) in &recorded {
        by_browser.entry(visitor).or_default().push(referrer);
    }
    for (visitor, referrer) in &acknowledged {
        assert_eq!(
            by_browser.get(visitor.as_str()),
            Some(&vec![referrer.as_str()]),
            "the redirect that gave {visitor} was answered: one click of its link \
             ({tail} clicks waited in the click log at the kill)"
        );
    }
    assert_eq!(
        by_browser.len(),
        recorded.len(),
        "a click was recorded twice"
    );

    // Each recorded browser was attributed: its visit credits its referrer.
    let mut credit: HashMap<&str, i64> = HashMap::new();
    for (visitor, referrer) in &recorded {
        let tracked = ok(server
            .client
            .post(format!("{}/v1/track/visit", server.base))
            .bearer_auth(&sk)
            .json(&json!({"offer_id": offer, "visitor_id": visitor}))
            .send()
            .await
            .unwrap())
        .await;
        assert_eq!(tracked["credited"], true, "{visitor}: {tracked}");
        assert_eq!(tracked["participant_id"], referrer.as_str(), "{visitor}");
        *credit.entry(referrer).or_default() += 1;
    }
    for (id, _) in &referrers {
        let p = ok(server
            .client
            .get(format!("{}/v1/participants/{id}", server.base))
            .bearer_auth(&sk)
            .send()
            .await
            .unwrap())
        .await;
        let expected = credit.get(id.as_str()).copied().unwrap_or(0);
        assert_eq!(
            p["credit"], expected,
            "{id}: one credit per recorded browser"
        );
    }
}
