//! A real HTTP webhook receiver: an axum server on a loopback port that
//! keeps every request and answers with the statuses it is told to.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;

#[derive(Debug, Clone)]
pub struct Request {
    pub headers: HeaderMap,
    pub body: Bytes,
}

#[derive(Clone, Default)]
struct Shared {
    requests: Arc<Mutex<Vec<Request>>>,
    /// How many requests came, for those waiting on them.
    arrived: Arc<watch::Sender<usize>>,
    /// Statuses to answer with, in order; 200 once they run out.
    script: Arc<Mutex<VecDeque<u16>>>,
}

pub struct Receiver {
    pub url: String,
    shared: Shared,
}

async fn receive(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    {
        let mut requests = shared.requests.lock().unwrap();
        requests.push(Request { headers, body });
        shared.arrived.send_replace(requests.len());
    }
    let status = shared.script.lock().unwrap().pop_front().unwrap_or(200);
    StatusCode::from_u16(status).unwrap()
}

impl Receiver {
    /// Starts a receiver that answers `script` in order, then 200.
    pub async fn start(script: &[u16]) -> Self {
        Self::start_on(0, script).await
    }

    /// Starts a receiver on `port` (e.g. one a webhook already points at).
    pub async fn start_on(port: u16, script: &[u16]) -> Self {
        let shared = Shared::default();
        shared.script.lock().unwrap().extend(script);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let app = Router::new()
            .route("/hooks", post(receive))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, shared }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests came (at most 20 s); returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Request> {
        let mut arrived = self.shared.arrived.subscribe();
        let _ = tokio::time::timeout(Duration::from_secs(20), arrived.wait_for(|&r| r >= n)).await;
        self.requests()
    }
}
