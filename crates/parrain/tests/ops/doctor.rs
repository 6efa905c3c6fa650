//! `parrain doctor` on a healthy install and on a broken one.

use serde_json::json;

use crate::harness::{free_port, run, Listener, Server};

#[tokio::test]
async fn the_doctor_passes_a_healthy_install_and_names_what_is_broken() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    Server::start(&data, &[]).stop();
    let healthy = run(&["doctor", "--data-dir", data.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&healthy.stdout);
    assert!(healthy.status.success(), "{said}");
    assert!(said.contains("is writable") && said.contains("sound and up to date"));
    assert!(said.contains("no problems found"), "{said}");

    // A damaged database file and an SMTP server nobody listens on.
    std::fs::write(data.join("parrain.db"), b"not a database at all").unwrap();
    let _ = std::fs::remove_file(data.join("parrain.db-wal"));
    let smtp = format!("smtp://127.0.0.1:{}", free_port());
    let data_arg = data.to_str().unwrap();
    let broken = run(&["doctor", "--data-dir", data_arg, "--smtp-url", &smtp]);
    let said = String::from_utf8_lossy(&broken.stdout);
    assert!(!broken.status.success(), "{said}");
    assert!(said.contains("cannot be used"), "{said}");
    assert!(said.contains("cannot reach the SMTP server"), "{said}");
    assert!(said.contains("2 problem(s) found"), "{said}");

    // A data directory that is a file.
    let file = dir.path().join("file");
    std::fs::write(&file, b"").unwrap();
    let wrong = run(&["doctor", "--data-dir", file.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&wrong.stdout);
    assert!(!wrong.status.success());
    assert!(said.contains("is a file, not a directory"), "{said}");
}

/// A webhook saved while private addresses were allowed is checked by the
/// doctor as deliveries check it: refused, and not connected to, unless
/// private webhooks are allowed for the doctor too.
#[tokio::test]
async fn the_doctor_checks_a_webhook_address_before_it_connects() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let receiver = Listener::start();
    let server = Server::start(dir.path(), &["--allow-private-webhooks"]);
    let hook = json!({"url": format!("http://127.0.0.1:{}/hooks", receiver.port),
        "events": ["offer_fulfilled"]});
    let saved = server
        .client
        .post(format!("{}/v1/webhooks", server.base))
        .bearer_auth(server.sk.as_ref().unwrap())
        .json(&hook)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 201);
    server.stop();

    let refused = run(&["doctor", "--data-dir", data]);
    let said = String::from_utf8_lossy(&refused.stdout);
    assert!(!refused.status.success(), "{said}");
    assert!(said.contains("is refused"), "{said}");
    assert_eq!(receiver.connections(), 0, "the doctor connected: {said}");

    let allowed = run(&["doctor", "--data-dir", data, "--allow-private-webhooks"]);
    let said = String::from_utf8_lossy(&allowed.stdout);
    assert!(allowed.status.success(), "{said}");
    assert!(said.contains("is reachable"), "{said}");
    // Exactly one: the refused run above connected to nothing.
    assert_eq!(receiver.connections_once(1), 1);
}
