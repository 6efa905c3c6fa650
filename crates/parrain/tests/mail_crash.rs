//! Mail survives a crash: with SMTP unreachable, sign-ups queue their
//! emails; parrain is killed with SIGKILL; once a real mail server is up and
//! parrain restarts, each queued email is delivered exactly once.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin_embedded::{response, Handler, Response, Server, SslConfig};
use serde_json::{json, Value};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `parrain serve` with quick workers; returns it and its stdout lines up to listening.
fn start(data_dir: &Path, port: u16, smtp_port: u16) -> (Child, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parrain"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--smtp-url", &format!("smtp://127.0.0.1:{smtp_port}")])
        .arg("--data-dir")
        .arg(data_dir)
        .env("PARRAIN_LOG", "error")
        .env("PARRAIN_WORKER_POLL_MS", "50")
        .env("PARRAIN_EMAIL_RETRY_SCHEDULE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the parrain binary starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "parrain exited: {lines:?}"
        );
        let listening = line.starts_with("parrain listening");
        lines.push(line.trim().to_owned());
        if listening {
            break;
        }
    }
    std::thread::spawn(move || for _ in out.lines() {});
    (child, lines)
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
    let (mut parrain, printed) = start(dir.path(), port, smtp_port);
    let sk = printed
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
    parrain.kill().unwrap();
    parrain.wait().unwrap();

    let inbox = Inbox::default();
    let listener = TcpListener::bind(("127.0.0.1", smtp_port)).unwrap();
    let mut server = Server::new(inbox.clone());
    server
        .with_ssl(SslConfig::None)
        .unwrap()
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    let (mut parrain, _) = start(dir.path(), port, smtp_port);

    let deadline = Instant::now() + Duration::from_secs(30);
    while inbox.0.lock().unwrap().len() < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    parrain.kill().unwrap();
    parrain.wait().unwrap();

    let mut to: Vec<String> = inbox.0.lock().unwrap().iter().flatten().cloned().collect();
    to.sort();
    assert_eq!(to, ["ana@example.com", "ben@example.com", "cy@example.com"]);
}
