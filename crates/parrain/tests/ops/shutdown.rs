//! SIGTERM during a burst: parrain finishes what is in flight, exits 0, and
//! every acknowledged write is there after a restart.

use std::process::Command;
use std::time::Duration;

use crate::harness::{Load, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_during_a_burst_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), &[]);
    let sk = server.sk.clone().unwrap();
    let offer = server.approved_offer(&sk).await;
    let load = Load::start(&server, &sk, &offer, 16);
    tokio::time::sleep(Duration::from_millis(500)).await;

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
