//! SIGTERM during a burst: parrain finishes what is in flight, exits 0, and
//! every acknowledged write is there after a restart; a webhook being
//! delivered settles before the exit.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::{Load, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_during_a_burst_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), &[]);
    let sk = server.sk.clone().unwrap();
    let offer = server.approved_offer(&sk).await;
    let load = Load::start(&server, &sk, &offer, 16);
    load.until_acknowledged(40).await;

    let pid = server.child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(sent.success());
    let status = tokio::task::spawn_blocking(move || {
        let status = server.child.wait().unwrap();
        (server, status)
    });
    let acknowledged = load.finish().await;
    let (server, status) = status.await.unwrap();
    assert!(status.success(), "parrain exited with {status}");
    assert!(acknowledged.len() > 20, "too little load");
    drop(server);

    let server = Server::start(dir.path(), &[]);
    let stored = server.emails(&sk, &offer).await;
    let missing: Vec<_> = acknowledged
        .iter()
        .filter(|(email, _)| !stored.contains(email))
        .collect();
    assert!(missing.is_empty(), "acknowledged, then lost: {missing:?}");
    eprintln!("{} acknowledged sign-ups, all kept", acknowledged.len());
}

/// A webhook endpoint that takes `delay` to answer 200; counts requests.
async fn slow_receiver(delay: Duration) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let arrived = Arc::new(AtomicUsize::new(0));
    let count = arrived.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 65536];
                let _ = socket.read(&mut buf).await;
                count.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(delay).await;
                let reply = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    (url, arrived)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_lets_a_webhook_in_flight_settle() {
    let (hook_url, arrived) = slow_receiver(Duration::from_millis(1500)).await;
    let dir = tempfile::tempdir().unwrap();
    let args = ["--allow-private-webhooks", "--worker-poll-ms", "50"];
    let mut server = Server::start(dir.path(), &args);
    let sk = server.sk.clone().unwrap();
    let hook: Value = server
        .client
        .post(format!("{}/v1/webhooks", server.base))
        .bearer_auth(&sk)
        .json(&json!({"url": hook_url, "events": ["signs_up_for_referral_offer"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let hook = hook["id"].as_str().unwrap().to_owned();
    let offer = server.approved_offer(&sk).await;
    let (status, _) = server
        .sign_up(&sk, &offer, json!({"email": "ana@example.com"}))
        .await;
    assert_eq!(status, 201);
    let deadline = Instant::now() + Duration::from_secs(10);
    while arrived.load(Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline, "the webhook was never sent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The delivery is in flight: stop parrain now.
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = tokio::task::spawn_blocking(move || (server.child.wait().unwrap(), server));
    let (status, server) = status.await.unwrap();
    assert!(status.success(), "parrain exited with {status}");
    drop(server);

    let server = Server::start(dir.path(), &args);
    let deliveries: Value = server
        .client
        .get(format!("{}/v1/webhooks/{hook}/deliveries", server.base))
        .bearer_auth(&sk)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let delivery = &deliveries["data"][0];
    assert_eq!(delivery["state"], "succeeded", "{deliveries}");
    assert_eq!(delivery["attempts"].as_array().unwrap().len(), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(arrived.load(Ordering::SeqCst), 1, "sent once, not again");
}

/// On PostgreSQL too, SIGTERM ends in a clean exit: the store's blocking
/// client is let go of off the async threads (it used to abort the process
/// on its way out, after "stopped").
#[tokio::test]
async fn sigterm_on_postgres_exits_cleanly() {
    let db = tokio::task::spawn_blocking(parrain_store::postgres::scratch::ScratchDatabase::create)
        .await
        .unwrap()
        .expect("the test PostgreSQL server is reachable");
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), &["--database-url", db.url()]);
    let sk = server.sk.clone().unwrap();
    let offer = server.approved_offer(&sk).await;
    let (status, _) = server
        .sign_up(&sk, &offer, json!({"email": "ana@example.com"}))
        .await;
    assert_eq!(status, 201);

    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let (status, server) =
        tokio::task::spawn_blocking(move || (server.child.wait().unwrap(), server))
            .await
            .unwrap();
    assert!(status.success(), "parrain exited with {status}");
    drop(server);
    tokio::task::spawn_blocking(move || drop(db)).await.unwrap();
}
