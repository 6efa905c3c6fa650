//! Mail survives a crash: with SMTP unreachable, sign-ups queue their
//! emails; parrain is killed with SIGKILL; once a real mail server is up and
//! parrain restarts, each queued email is delivered exactly once.

use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin_embedded::{response, Handler, Response, Server as SmtpServer, SslConfig};
use serde_json::{json, Value};

use crate::harness::{free_port, Server};

/// Starts `parrain serve` with quick workers and an SMTP server that may not be up yet.
fn start(data_dir: &Path, port: u16, smtp_port: u16) -> Server {
    let smtp = format!("smtp://127.0.0.1:{smtp_port}");
    let args = [
        "--smtp-url",
        smtp.as_str(),
        "--worker-poll-ms",
        "50",
        "--email-retry-schedule",
        "1",
    ];
    Server::start_on(port, data_dir, &args)
}

/// Keeps the recipients of every message the mail server accepts.
#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<Vec<String>>>>);

impl Handler for Inbox {
    fn data_start(&mut self, _: &str, _: &str, _: bool, to: &[String]) -> Response {
        self.0.lock().unwrap().push(to.to_vec());
        response::OK
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_queued_before_a_sigkill_is_delivered_once_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (port, smtp_port) = (free_port(), free_port());
    let parrain = start(dir.path(), port, smtp_port);
    let sk = parrain
        .printed
        .iter()
        .find(|l| l.starts_with("secret key"))
        .and_then(|l| l.split_whitespace().last())
        .unwrap()
        .to_owned();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let post = |path: &str, body: Value| {
        client
            .post(format!("{base}{path}"))
            .bearer_auth(&sk)
            .json(&body)
            .send()
    };
    let settings = json!({
        "name": "Crash offer",
        "goal": {"type": "referred_signups", "count": 3},
        "offer_page_url": "https://shop.example.com/refer",
        "emails": {
            "sign_up": {"subject": "Welcome", "text": "Share {{ share_url }}"},
            "fulfillment": {"subject": "Reward", "text": "{{ promo_code }}"}
        }
    });
    let offer: Value = post("/v1/offers", settings)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let offer = offer["id"].as_str().unwrap().to_owned();
    assert!(post(&format!("/v1/offers/{offer}/approve"), json!({}))
        .await
        .unwrap()
        .status()
        .is_success());
    for who in ["ana", "ben", "cy"] {
        let body = json!({"email": format!("{who}@example.com")});
        let response = post(&format!("/v1/offers/{offer}/participants"), body)
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }

    // Each email has been tried once and waits for its retry.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let failed: Value = client
            .get(format!("{base}/v1/activities?type=email.failed"))
            .bearer_auth(&sk)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if failed["data"].as_array().unwrap().len() >= 3 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // SIGKILL while the mail is queued (the SMTP server is not up).
    parrain.stop();

    let inbox = Inbox::default();
    let listener = TcpListener::bind(("127.0.0.1", smtp_port)).unwrap();
    let mut server = SmtpServer::new(inbox.clone());
    server
        .with_ssl(SslConfig::None)
        .unwrap()
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    let parrain = start(dir.path(), port, smtp_port);

    let deadline = Instant::now() + Duration::from_secs(30);
    while inbox.0.lock().unwrap().len() < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    parrain.stop();

    let mut to: Vec<String> = inbox.0.lock().unwrap().iter().flatten().cloned().collect();
    to.sort();
    assert_eq!(to, ["ana@example.com", "ben@example.com", "cy@example.com"]);
}
