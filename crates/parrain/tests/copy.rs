//! `parrain copy`: an embedded install with offers, participants, credits,
//! promo codes, activities, a webhook and queued jobs, copied to PostgreSQL,
//! serves the same API answers there, and keeps working.

mod nodes;

use std::process::Command;

use nodes::{free_port, Node, Receiver};
use parrain_store::postgres::scratch::ScratchDatabase;
use serde_json::{json, Value};

/// Both installs: the same public URL (share links carry it), webhooks to this machine.
const FLAGS: [&str; 3] = [
    "--public-url",
    "https://refer.example.com",
    "--allow-private-webhooks",
];

async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Fills an install the way users do; returns the GET paths to compare.
async fn populate(node: &Node, receiver: &Receiver) -> Vec<String> {
    let settings = json!({
        "name": "Copied", "goal": {"type": "referred_signups", "count": 2},
        "offer_page_url": "https://shop.example.com/refer",
        "emails": {"fulfillment": {"subject": "Your reward", "text": "{{ promo_code }}"}}
    });
    let offer = ok(node.post("/v1/offers", &settings).await).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let put = node
        .client
        .put(node.url(&format!("/v1/offers/{offer}/promo-codes")))
        .bearer_auth(&node.sk)
        .header("content-type", "text/plain")
        .body("FIRST\nSECOND\nTHIRD\n")
        .send()
        .await
        .unwrap();
    ok(put).await;
    // A low-stock warning already crossed: the pool's threshold and its
    // recorded fall are copied too.
    let low = node
        .client
        .patch(node.url(&format!("/v1/offers/{offer}/promo-codes")))
        .bearer_auth(&node.sk)
        .json(&json!({"low_stock": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok(low).await["low"], true);
    ok(node
        .post(&format!("/v1/offers/{offer}/approve"), &json!({}))
        .await)
    .await;
    ok(node.post("/v1/offers", &settings).await).await; // a draft beside it
    let hook = json!({"url": receiver.url(), "events": ["signs_up_for_referral_offer"]});
    let hook = ok(node.post("/v1/webhooks", &hook).await).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut participants = Vec::new();
    for r in 0..3 {
        let body = json!({"email": format!("ref{r}@example.com"), "first_name": "Ref"});
        let referrer = ok(node
            .post(&format!("/v1/offers/{offer}/participants"), &body)
            .await)
        .await;
        let code = referrer["code"].as_str().unwrap().to_owned();
        participants.push(referrer["id"].as_str().unwrap().to_owned());
        // A friend arrives through the share link, then two sign up with the code.
        let click = browser
            .get(node.url(&format!("/r/{code}")))
            .send()
            .await
            .unwrap();
        assert!(click.status().is_redirection());
        for f in 0..=r.min(1) + 1 {
            let body =
                json!({"email": format!("friend{r}-{f}@example.com"), "referral_code": code});
            let friend = ok(node
                .post(&format!("/v1/offers/{offer}/participants"), &body)
                .await)
            .await;
            participants.push(friend["id"].as_str().unwrap().to_owned());
        }
    }

    let mut paths = vec![
        "/v1/offers".to_owned(),
        "/v1/offers?limit=1".to_owned(),
        format!("/v1/offers/{offer}"),
        format!("/v1/offers/{offer}/participants?limit=500"),
        format!("/v1/offers/{offer}/participants?limit=3&fulfilled=true"),
        format!("/v1/offers/{offer}/promo-codes"),
        "/v1/activities?limit=500".to_owned(),
        format!("/v1/activities?limit=500&offer_id={offer}&type=offer_fulfilled"),
        format!("/v1/people?signed_up_for={offer}"),
        format!("/v1/people?referred_by={}", participants[0]),
        "/v1/webhooks".to_owned(),
        format!("/v1/webhooks/{hook}/deliveries?limit=500"),
        "/healthz".to_owned(),
    ];
    paths.extend(participants.iter().map(|p| format!("/v1/participants/{p}")));
    // The second page, through the cursor the first page gave.
    let first = ok(node
        .get(&format!("/v1/offers/{offer}/participants?limit=4"))
        .await)
    .await;
    let cursor = first["next_cursor"].as_str().expect("a second page");
    paths.push(format!(
        "/v1/offers/{offer}/participants?limit=4&cursor={cursor}"
    ));
    paths
}

async fn answers(node: &Node, paths: &[String]) -> Vec<Value> {
    let mut out = Vec::new();
    for path in paths {
        out.push(ok(node.get(path).await).await);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embedded_install_copied_to_postgres_serves_the_same_answers() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap().to_owned();
    let receiver = Receiver::start().await;
    // No workers: the mail and webhooks stay queued, to be copied.
    let embedded = Node::serve(
        free_port(),
        None,
        &[
            "--data-dir",
            &data_dir,
            "--no-workers",
            FLAGS[0],
            FLAGS[1],
            FLAGS[2],
        ],
    );
    let paths = populate(&embedded, &receiver).await;
    let before = answers(&embedded, &paths).await;
    assert_eq!(
        before[12]["outbound"]["email"]["waiting"], 3,
        "{}",
        before[12]
    );
    assert!(before[12]["outbound"]["webhooks"]["waiting"].as_i64() > Some(0));
    embedded.stop();

    let db = tokio::task::spawn_blocking(ScratchDatabase::create)
        .await
        .unwrap()
        .expect("the test PostgreSQL server is reachable");
    let copied = Command::new(env!("CARGO_BIN_EXE_parrain"))
        .args([
            "copy",
            "--from",
            &format!("sqlite://{data_dir}"),
            "--to",
            db.url(),
        ])
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&copied.stdout);
    assert!(
        copied.status.success(),
        "copy failed: {printed}{}",
        String::from_utf8_lossy(&copied.stderr)
    );
    assert!(printed.contains("participants"), "{printed}");

    let scaled = Node::serve(
        free_port(),
        Some(&embedded.sk),
        &[
            "--database-url",
            db.url(),
            "--no-workers",
            FLAGS[0],
            FLAGS[1],
            FLAGS[2],
        ],
    );
    let after = answers(&scaled, &paths).await;
    for ((path, before), after) in paths.iter().zip(&before).zip(&after) {
        assert_eq!(
            before, after,
            "GET {path} answers differently after the copy"
        );
    }

    // It goes on from there: a new participant is listed first.
    let offer = paths[2].rsplit('/').next().unwrap();
    let body = json!({"email": "after@example.com"});
    ok(scaled
        .post(&format!("/v1/offers/{offer}/participants"), &body)
        .await)
    .await;
    let list = ok(scaled
        .get(&format!("/v1/offers/{offer}/participants?limit=1"))
        .await)
    .await;
    assert_eq!(list["data"][0]["email"], "after@example.com");

    // A second copy into the same database is refused: it is not empty.
    let again = Command::new(env!("CARGO_BIN_EXE_parrain"))
        .args([
            "copy",
            "--from",
            &format!("sqlite://{data_dir}"),
            "--to",
            db.url(),
        ])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("empty"));
}
