//! Durability of the real binary: acknowledged sign-ups survive SIGKILL.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::Server;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_sign_ups_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), &[]);
    let sk = server
        .sk
        .clone()
        .expect("a fresh data directory prints its secret key");
    let offer = server.approved_offer(&sk).await;

    // A burst of sign-ups; once a hundred are acknowledged, SIGKILL the
    // server while the others are still in flight.
    let url = format!("{}/v1/offers/{offer}/participants", server.base);
    let acks = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let (client, url, sk, acks) =
            (server.client.clone(), url.clone(), sk.clone(), acks.clone());
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
    server.stop();
    assert!(
        acknowledged.len() >= 100 && acknowledged.len() < 1000,
        "the kill should land mid-burst: {} acknowledged",
        acknowledged.len()
    );

    let server = Server::start(dir.path(), &[]);
    assert!(server.sk.is_none(), "keys were created twice");
    let stored = server.emails(&sk, &offer).await;
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
