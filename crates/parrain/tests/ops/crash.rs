//! Durability of the real binary: acknowledged writes survive SIGKILL.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

struct Server {
    child: Child,
    base: String,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `parrain serve`; returns it with what it printed before listening.
fn start(data_dir: &Path, port: u16) -> (Server, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parrain"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data_dir)
        .env("PARRAIN_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the parrain binary starts");
    let mut lines = Vec::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "parrain exited before listening: {lines:?}"
        );
        let listening = line.starts_with("parrain listening");
        lines.push(line.trim().to_owned());
        if listening {
            break;
        }
        assert!(Instant::now() < deadline, "parrain did not start in time");
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in out.lines() {});
    (
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        },
        lines,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_sign_ups_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let (mut server, printed) = start(dir.path(), port);
    let sk = printed
        .iter()
        .find(|l| l.starts_with("secret key"))
        .and_then(|l| l.split_whitespace().last())
        .expect("a fresh data directory prints its secret key")
        .to_owned();
    let client = reqwest::Client::new();
    let offer: Value = client
        .post(format!("{}/v1/offers", server.base))
        .bearer_auth(&sk)
        .json(&json!({
            "name": "Crash", "goal": {"type": "referred_signups", "count": 1},
            "offer_page_url": "https://shop.example.com/refer",
            "emails": {"fulfillment": {"subject": "s", "text": "t"}}
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let offer = offer["id"].as_str().unwrap().to_owned();
    let approved = client
        .post(format!("{}/v1/offers/{offer}/approve", server.base))
        .bearer_auth(&sk)
        .send()
        .await
        .unwrap();
    assert!(approved.status().is_success());

    // A burst of sign-ups; once a hundred are acknowledged, SIGKILL the
    // server while the others are still in flight.
    let url = format!("{}/v1/offers/{offer}/participants", server.base);
    let acks = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let (client, url, sk, acks) = (client.clone(), url.clone(), sk.clone(), acks.clone());
        tasks.push(tokio::spawn(async move {
            let email = format!("person{i}@example.com");
            let response = client
                .post(url)
                .bearer_auth(sk)
                .json(&json!({"email": email}))
                .send()
                .await;
            match response {
                Ok(r) if r.status().as_u16() == 201 => {
                    acks.fetch_add(1, Ordering::SeqCst);
                    Some(email)
                }
                _ => None,
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acks.load(Ordering::SeqCst) < 100 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    server.child.kill().unwrap(); // SIGKILL
    let mut acknowledged = Vec::new();
    for task in tasks {
        if let Some(email) = task.await.unwrap() {
            acknowledged.push(email);
        }
    }
    server.child.wait().unwrap();
    let lost_in_flight = 1000 - acknowledged.len();
    assert!(
        acknowledged.len() >= 100 && lost_in_flight > 0,
        "the kill should land mid-burst: {} acknowledged",
        acknowledged.len()
    );

    let (mut server, printed) = start(dir.path(), port);
    assert!(
        !printed.iter().any(|l| l.starts_with("secret key")),
        "keys were created twice"
    );
    let mut stored = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut page_url = format!("{url}?limit=500");
        if let Some(c) = &cursor {
            page_url.push_str(&format!("&cursor={c}"));
        }
        let page: Value = client
            .get(page_url)
            .bearer_auth(&sk)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for p in page["data"].as_array().unwrap() {
            stored.push(p["email"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    server.child.kill().unwrap();
    let _ = server.child.wait();
    for email in &acknowledged {
        let copies = stored.iter().filter(|s| *s == email).count();
        assert_eq!(
            copies, 1,
            "{email} acknowledged but stored {copies} time(s)"
        );
    }
    let mut unique = stored.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), stored.len(), "a participant was stored twice");
}
