//! Real `parrain serve` processes on PostgreSQL for the multi-node tests,
//! and a real HTTP webhook receiver that remembers each delivery's id.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub use parrain_testkit::free_port;

/// A running node; killed when the last clone is dropped (or by [`Node::stop`]).
#[derive(Clone)]
pub struct Node {
    pub base: String,
    pub sk: String,
    pub client: reqwest::Client,
    _child: Arc<Killed>,
}

struct Killed(Mutex<Child>);

impl Drop for Killed {
    fn drop(&mut self) {
        if let Ok(mut child) = self.0.lock() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Node {
    /// Starts `parrain serve` on `database_url`. The first node of a database
    /// prints its keys; later ones are given the secret key.
    pub fn start(database_url: &str, port: u16, sk: Option<&str>) -> Node {
        let args = ["--database-url", database_url, "--allow-private-webhooks"];
        Self::serve(port, sk, &args)
    }

    /// Starts `parrain serve --listen 127.0.0.1:port` with `args`.
    pub fn serve(port: u16, sk: Option<&str>, args: &[&str]) -> Node {
        let mut child = Command::new(env!("CARGO_BIN_EXE_parrain"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(args)
            .env("PARRAIN_WORKER_POLL_MS", "50")
            .env("PARRAIN_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the parrain binary starts");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut printed = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let mut line = String::new();
            assert!(
                out.read_line(&mut line).unwrap() > 0,
                "parrain exited: {printed:?}"
            );
            let listening = line.starts_with("parrain listening");
            printed.push(line.trim().to_owned());
            if listening {
                break;
            }
            assert!(Instant::now() < deadline, "parrain did not start in time");
        }
        std::thread::spawn(move || for _ in out.lines() {});
        let sk = sk.map(str::to_owned).unwrap_or_else(|| {
            printed
                .iter()
                .find(|l| l.starts_with("secret key"))
                .and_then(|l| l.split_whitespace().last())
                .expect("a new database prints its secret key")
                .to_owned()
        });
        Node {
            base: format!("http://127.0.0.1:{port}"),
            sk,
            client: reqwest::Client::new(),
            _child: Arc::new(Killed(Mutex::new(child))),
        }
    }

    /// Kills the process and waits for it.
    pub fn stop(&self) {
        if let Ok(mut child) = self._child.0.lock() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(&self.sk)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(&self.sk)
            .send()
            .await
            .unwrap()
    }
}

/// A webhook receiver: answers 200 and keeps every `webhook-id` it got.
pub struct Receiver {
    port: u16,
    ids: Arc<Mutex<Vec<String>>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let ids = Arc::new(Mutex::new(Vec::new()));
        let seen = ids.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let seen = seen.clone();
                tokio::spawn(async move {
                    if let Some(id) = read_request(&mut socket).await {
                        seen.lock().unwrap().push(id);
                    }
                    let reply = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
                    let _ = socket.write_all(reply.as_bytes()).await;
                });
            }
        });
        Receiver { port, ids }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    /// The `webhook-id` of every request received so far.
    pub fn received(&self) -> Vec<String> {
        self.ids.lock().unwrap().clone()
    }
}

/// Reads one HTTP request; returns its `webhook-id` header.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    header("webhook-id")
}
