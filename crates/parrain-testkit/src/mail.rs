//! A real SMTP server for the tests: `mailin-embedded` (not parrain's code)
//! listening on a loopback port, keeping every message it accepts.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

pub use crate::free_port;
use std::time::Duration;

use mailin_embedded::{response, Handler, Response, Server, SslConfig};
use tokio::sync::watch;

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub raw: String,
}

impl Received {
    /// The body of the MIME part with this content type (e.g. `text/html`).
    pub fn part(&self, content_type: &str) -> String {
        let start = self
            .raw
            .find(&format!("Content-Type: {content_type}"))
            .unwrap_or_else(|| panic!("no {content_type} part in:\n{}", self.raw));
        let rest = &self.raw[start..];
        let split = rest.find("\r\n\r\n").unwrap_or(0);
        let (headers, body) = (&rest[..split], &rest[split + 4..]);
        let body = body.split("\r\n--").next().unwrap_or_default();
        if headers.contains("quoted-printable") {
            decode_quoted_printable(body)
        } else {
            body.to_owned()
        }
    }

    /// The HTML part as a browser reads its text: entities decoded.
    pub fn html(&self) -> String {
        self.part("text/html")
            .replace("&#x2f;", "/")
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.raw
            .lines()
            .take_while(|l| !l.is_empty())
            .find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_owned))
    }
}

#[derive(Clone, Default)]
struct Collector {
    inbox: Arc<Mutex<Vec<Received>>>,
    /// How many messages the inbox holds, for those waiting on it.
    arrived: Arc<watch::Sender<usize>>,
    current: Option<Received>,
}

impl Handler for Collector {
    fn data_start(&mut self, _: &str, _: &str, _: bool, to: &[String]) -> Response {
        self.current = Some(Received {
            to: to.to_vec(),
            raw: String::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(m) = &mut self.current {
            m.raw.push_str(&String::from_utf8_lossy(buf));
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(m) = self.current.take() {
            let mut inbox = self.inbox.lock().unwrap();
            inbox.push(m);
            self.arrived.send_replace(inbox.len());
        }
        response::OK
    }
}

/// The mail server; it runs until the test process ends.
pub struct MailServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
    arrived: Arc<watch::Sender<usize>>,
}

impl MailServer {
    /// Starts a server on a free port.
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    /// Starts a server on `port` (e.g. one parrain already points at).
    pub fn start_on(port: u16) -> Self {
        let collector = Collector::default();
        let (inbox, arrived) = (collector.inbox.clone(), collector.arrived.clone());
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let mut server = Server::new(collector);
        server
            .with_name("mail.test")
            .with_ssl(SslConfig::None)
            .unwrap()
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Self {
            port,
            inbox,
            arrived,
        }
    }

    pub fn url(&self) -> String {
        smtp_url(self.port)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().clone()
    }

    /// Waits until at least `n` messages arrived (at most 20 s); returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let mut arrived = self.arrived.subscribe();
        let _ = tokio::time::timeout(Duration::from_secs(20), arrived.wait_for(|&m| m >= n)).await;
        self.messages()
    }
}

pub fn smtp_url(port: u16) -> String {
    format!("smtp://127.0.0.1:{port}")
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
