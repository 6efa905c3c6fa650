//! A reward hold that ends while parrain is stopped (SPEC §11): the timer
//! is the stored end of the hold, so when parrain starts again its workers
//! give the reward (its code, its email to a real SMTP server, its webhook
//! to a real HTTP receiver) once, without any request.

use std::path::Path;

use parrain_store::postgres::scratch::ScratchDatabase;
use parrain_testkit::{mail::MailServer, receiver::Receiver};
use serde_json::{json, Value};

use crate::harness::{free_port, Server};

/// The hold's length: what the stored end is moved back by, plus a day.
const HOLD_DAYS: i64 = 30;
const DAY_MS: i64 = 24 * 3600 * 1000;

/// Where the offer's rewards are kept, to move a hold's end into the past
/// as if the days had gone by while parrain was stopped.
enum Store<'a> {
    Sqlite(&'a Path),
    Postgres(&'a str),
}

impl Store<'_> {
    /// Moves every held reward's stored end `days` back; returns how many.
    async fn hold_ends_earlier(&self, days: i64) -> u64 {
        let sql = format!(
            "UPDATE participant_rewards SET release_at = release_at - {} WHERE state = 'held'",
            days * DAY_MS
        );
        match self {
            Store::Sqlite(dir) => {
                let conn = rusqlite::Connection::open(dir.join("parrain.db")).unwrap();
                conn.execute(&sql, []).unwrap() as u64
            }
            Store::Postgres(url) => {
                let url = url.to_string();
                tokio::task::spawn_blocking(move || {
                    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                    c.execute(sql.as_str(), &[]).unwrap()
                })
                .await
                .unwrap()
            }
        }
    }
}

async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn held_reward_is_given_after_restart(data_dir: &Path, store: Store<'_>, args: &[&str]) {
    // Arrange: a reward held 30 days, with a code, an email and a webhook.
    let (mail, receiver) = (MailServer::start(), Receiver::start(&[]).await);
    let smtp = mail.url();
    let mut args = args.to_vec();
    args.extend(["--smtp-url", &smtp, "--allow-private-webhooks"]);
    args.extend(["--worker-poll-ms", "50"]);
    let port = free_port();
    let server = Server::start_on(port, data_dir, &args);
    let sk = server.sk.clone().unwrap();
    let (base, client) = (server.base.clone(), server.client.clone());
    let post = |path: &str, body: Value| {
        client
            .post(format!("{base}{path}"))
            .bearer_auth(&sk)
            .json(&body)
            .send()
    };
    let get = |path: String| client.get(format!("{base}{path}")).bearer_auth(&sk).send();
    let hook = json!({"url": receiver.url, "events": ["reward.given"]});
    ok(post("/v1/webhooks", hook).await.unwrap()).await;
    let settings = json!({
        "name": "Held thirty days",
        "goal": {"type": "referred_signups", "count": 1},
        "offer_page_url": "https://shop.example.com/refer",
        "rewards": [{
            "id": "gift", "for": "referrer", "at": 1, "hold_days": HOLD_DAYS,
            "promo_codes": "gift", "label": "Ten off",
            "email": {"subject": "{{ reward.label }} for you", "text": "Use {{ promo_code }}."}
        }]
    });
    let offer = ok(post("/v1/offers", settings).await.unwrap()).await;
    let offer = offer["id"].as_str().unwrap().to_owned();
    let pool = client
        .put(format!("{base}/v1/offers/{offer}/promo-codes?pool=gift"))
        .bearer_auth(&sk)
        .header("content-type", "text/plain")
        .body("GIFT-1\nGIFT-2\n");
    ok(pool.send().await.unwrap()).await;
    ok(post(&format!("/v1/offers/{offer}/approve"), json!({}))
        .await
        .unwrap())
    .await;
    let participants = format!("/v1/offers/{offer}/participants");
    let ana = ok(post(&participants, json!({"email": "ana@example.com"}))
        .await
        .unwrap())
    .await;
    let ana_id = ana["id"].as_str().unwrap().to_owned();
    let friend = json!({"email": "bob@example.com", "referral_code": ana["code"]});
    ok(post(&participants, friend).await.unwrap()).await;
    let held = ok(get(format!("/v1/participants/{ana_id}")).await.unwrap()).await;
    assert_eq!(held["rewards"][0]["state"], "held", "{held}");
    assert!(held["rewards"][0]["promo_code"].is_null());

    // Act: parrain is killed; the hold's 30 days pass while it is down
    // (its stored end moved back 31 days); it starts again.
    server.stop();
    assert_eq!(store.hold_ends_earlier(HOLD_DAYS + 1).await, 1);
    let server = Server::start_on(port, data_dir, &args);

    // Assert: with no request made, the email and the webhook come.
    let messages = mail.wait_for(1).await;
    let deliveries = receiver.wait_for(1).await;
    assert_eq!(messages.len(), 1, "one reward email");
    assert_eq!(messages[0].to, ["ana@example.com"]);
    assert_eq!(
        messages[0].header("Subject").as_deref(),
        Some("Ten off for you")
    );
    assert!(messages[0].part("text/plain").contains("Use GIFT-1."));
    assert_eq!(deliveries.len(), 1, "one reward.given delivery");
    let event: Value = serde_json::from_slice(&deliveries[0].body).unwrap();
    assert!(
        event.to_string().contains("GIFT-1"),
        "the webhook names the code: {event}"
    );
    // Given once, by the end of the hold, with the first code.
    let get = |path: String| {
        server
            .client
            .get(format!("{}{path}", server.base))
            .bearer_auth(&sk)
            .send()
    };
    let detail = ok(get(format!("/v1/participants/{ana_id}")).await.unwrap()).await;
    let rewards = detail["rewards"].as_array().unwrap();
    assert_eq!(rewards.len(), 1, "{detail}");
    assert_eq!(rewards[0]["state"], "given");
    assert_eq!(rewards[0]["promo_code"], "GIFT-1");
    let log = ok(get(format!(
        "/v1/activities?participant_id={ana_id}&type=reward.given"
    ))
    .await
    .unwrap())
    .await;
    let log = log["data"].as_array().unwrap();
    assert_eq!(log.len(), 1, "given once: {log:?}");
    assert_eq!(log[0]["details"]["by"], "hold_end");
    let counts = ok(get(format!("/v1/offers/{offer}/promo-codes?pool=gift"))
        .await
        .unwrap())
    .await;
    assert_eq!(counts["assigned"], 1, "{counts}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hold_that_ends_while_stopped_is_released_after_restart_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    held_reward_is_given_after_restart(dir.path(), Store::Sqlite(dir.path()), &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hold_that_ends_while_stopped_is_released_after_restart_on_postgres() {
    let db = tokio::task::spawn_blocking(ScratchDatabase::create)
        .await
        .unwrap()
        .expect("the test PostgreSQL server is reachable");
    let dir = tempfile::tempdir().unwrap();
    let args = ["--database-url", db.url()];
    held_reward_is_given_after_restart(dir.path(), Store::Postgres(db.url()), &args).await;
}
