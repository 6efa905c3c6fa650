#![allow(dead_code)]

//! The real `parrain` binary for the operations tests: start it on a data
//! directory, read the keys it prints, drive it over HTTP, stop it.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub use parrain_testkit::free_port;

/// Runs `parrain ARGS` to completion.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parrain"))
        .args(args)
        .env("PARRAIN_LOG", "warn")
        .output()
        .expect("the parrain binary runs")
}

pub struct Server {
    pub child: Child,
    pub base: String,
    pub client: reqwest::Client,
    /// The secret key printed at first start, if this start printed one.
    pub sk: Option<String>,
    /// What the server printed before it listened.
    pub printed: Vec<String>,
}

impl Server {
    /// Starts `parrain serve` on `data_dir` with `extra` arguments.
    pub fn start(data_dir: &Path, extra: &[&str]) -> Self {
        Self::start_on(free_port(), data_dir, extra)
    }

    /// Starts `parrain serve` on a given port (to come back at the same address).
    pub fn start_on(port: u16, data_dir: &Path, extra: &[&str]) -> Self {
        Self::start_with_env(port, data_dir, extra, &[])
    }

    /// Starts `parrain serve` with these environment variables set.
    pub fn start_with_env(
        port: u16,
        data_dir: &Path,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_parrain"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(data_dir)
            .args(extra)
            .envs(env.iter().copied())
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
        std::thread::spawn(move || for _ in out.lines() {});
        let sk = lines
            .iter()
            .find(|l| l.starts_with("secret key"))
            .and_then(|l| l.split_whitespace().last())
            .map(str::to_owned);
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
            sk,
            printed: lines,
        }
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// An approved offer whose goal is one referred sign-up; returns its id.
    pub async fn approved_offer(&self, sk: &str) -> String {
        let offer: Value = self
            .client
            .post(format!("{}/v1/offers", self.base))
            .bearer_auth(sk)
            .json(&json!({
                "name": "Ops", "goal": {"type": "referred_signups", "count": 1},
                "offer_page_url": "https://shop.example.com/refer",
                "emails": {"fulfillment": {"subject": "s", "text": "t"}}
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = offer["id"].as_str().unwrap().to_owned();
        let approved = self
            .client
            .post(format!("{}/v1/offers/{id}/approve", self.base))
            .bearer_auth(sk)
            .send()
            .await
            .unwrap();
        assert!(approved.status().is_success());
        id
    }

    /// Signs `email` up; returns the status and the participant.
    pub async fn sign_up(&self, sk: &str, offer: &str, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}/v1/offers/{offer}/participants", self.base))
            .bearer_auth(sk)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Every participant's email of `offer`, page by page.
    pub async fn emails(&self, sk: &str, offer: &str) -> Vec<String> {
        let mut stored = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut url = format!("{}/v1/offers/{offer}/participants?limit=500", self.base);
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={c}"));
            }
            let page: Value = self
                .client
                .get(url)
                .bearer_auth(sk)
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
                None => return stored,
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sign-ups from several concurrent clients until stopped, each remembered
/// with the moment its 201 arrived.
pub struct Load {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    acknowledged: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    tasks: Vec<tokio::task::JoinHandle<Vec<(String, Instant)>>>,
}

impl Load {
    pub fn start(server: &Server, sk: &str, offer: &str, clients: usize) -> Self {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let acknowledged = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let tasks = (0..clients)
            .map(|c| {
                let (stop, client) = (stop.clone(), server.client.clone());
                let count = acknowledged.clone();
                let url = format!("{}/v1/offers/{offer}/participants", server.base);
                let sk = sk.to_owned();
                tokio::spawn(async move {
                    let mut acknowledged = Vec::new();
                    for i in 0.. {
                        if stop.load(std::sync::atomic::Ordering::Relaxed) {
                            break;
                        }
                        let email = format!("c{c}-{i}@example.com");
                        let sent = client.post(&url).bearer_auth(&sk);
                        match sent.json(&json!({"email": email})).send().await {
                            Ok(r) if r.status().as_u16() == 201 => {
                                acknowledged.push((email, Instant::now()));
                                count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            }
                            Ok(_) => {}
                            Err(_) => break, // the server has gone
                        }
                    }
                    acknowledged
                })
            })
            .collect();
        Self {
            stop,
            acknowledged,
            tasks,
        }
    }

    /// How many sign-ups are acknowledged so far.
    pub fn acknowledged(&self) -> usize {
        self.acknowledged.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Waits until at least `n` sign-ups are acknowledged, so a test acts
    /// under real load however slow the machine is (up to a minute).
    pub async fn until_acknowledged(&self, n: usize) {
        let deadline = Instant::now() + std::time::Duration::from_secs(60);
        while self.acknowledged() < n {
            assert!(
                Instant::now() < deadline,
                "fewer than {n} sign-ups in a minute"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Stops the clients; returns every acknowledged sign-up.
    pub async fn finish(self) -> Vec<(String, Instant)> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut all = Vec::new();
        for task in self.tasks {
            all.extend(task.await.unwrap());
        }
        all
    }
}

/// A loopback listener that answers every HTTP request 200 and counts the
/// connections it accepted (as a webhook receiver, or as a proxy that
/// should see nothing).
pub struct Listener {
    pub port: u16,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Listener {
    pub fn start() -> Self {
        use std::io::{Read, Write};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                    let mut seen = Vec::new();
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = stream.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        seen.extend_from_slice(&buf[..n]);
                        if seen.windows(4).any(|w| w == b"\r\n\r\n") {
                            break;
                        }
                    }
                    let _ = stream.write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                    );
                });
            }
        });
        Self { port, connections }
    }

    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The connections counted once at least `n` have been accepted, or
    /// after 5 s. A client's connect completes in the kernel before this
    /// listener's thread accepts it, so a count read right after the client
    /// is done can be short.
    pub fn connections_once(&self, n: usize) -> usize {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while self.connections() < n && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.connections()
    }
}
