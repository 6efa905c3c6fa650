//! The load generator: many keep-alive HTTP/1.1 connections over loopback,
//! each from its own source address in 127.0.0.0/8.
//!
//! parrain limits public endpoints per client address (20/s, burst 200 by
//! default), so one address could never load it. A campaign spike is many
//! browsers, so each connection plays one client: it sends at most
//! `per_client` requests (below the burst), closes, and the next connection
//! comes from a fresh address. The baseline server is driven the same way,
//! so connection set-up costs both sides alike. Every run stops by itself at
//! its deadline or after `max_requests`, whichever comes first.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpSocket;

/// Builds the `n`th request of a run.
pub type MakeRequest = Arc<dyn Fn(u64) -> Request<Full<Bytes>> + Send + Sync>;

/// Hands out source addresses 127.1.0.1, 127.1.0.2, … (never reused in a run
/// of the bench, so no address carries a bucket over from an earlier step).
pub struct Addresses(AtomicU32);

impl Addresses {
    pub fn new() -> Self {
        Self(AtomicU32::new(1))
    }

    pub fn next(&self) -> IpAddr {
        let n = self.0.fetch_add(1, Ordering::Relaxed);
        // 127.1.0.0 – 127.254.255.255: 16 million addresses, all on `lo`.
        let n = (1 << 16) + n % (253 << 16);
        IpAddr::V4(Ipv4Addr::from(0x7f00_0000 | n))
    }
}

pub struct Run {
    /// Connections go round these servers (one, or every node of a cluster).
    pub servers: Vec<SocketAddr>,
    pub connections: usize,
    pub duration: Duration,
    pub max_requests: u64,
    pub per_client: u64,
    /// The status a request must get; any 2xx when `None`.
    pub expect: Option<StatusCode>,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub ok: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub elapsed: Duration,
    /// Latencies of the successful requests, in microseconds, sorted.
    pub latencies: Vec<u32>,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    /// The `q` quantile in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies.len() - 1) as f64 * q).round() as usize;
        f64::from(self.latencies[i]) / 1000.0
    }
}

struct Shared {
    make: MakeRequest,
    counter: AtomicU64,
    deadline: Instant,
    run: Run,
}

pub async fn drive(addresses: Arc<Addresses>, make: MakeRequest, run: Run) -> Outcome {
    let started = Instant::now();
    let shared = Arc::new(Shared {
        make,
        counter: AtomicU64::new(0),
        deadline: started + run.duration,
        run,
    });
    let workers: Vec<_> = (0..shared.run.connections)
        .map(|k| tokio::spawn(worker(shared.clone(), addresses.clone(), k)))
        .collect();
    let mut total = Outcome::default();
    for worker in workers {
        let part = worker.await.unwrap_or_else(|e| Outcome {
            errors: 1,
            first_error: Some(e.to_string()),
            ..Outcome::default()
        });
        total.ok += part.ok;
        total.errors += part.errors;
        total.first_error = total.first_error.or(part.first_error);
        total.latencies.extend(part.latencies);
    }
    total.elapsed = started.elapsed();
    total.latencies.sort_unstable();
    total
}

async fn worker(shared: Arc<Shared>, addresses: Arc<Addresses>, k: usize) -> Outcome {
    let mut out = Outcome::default();
    let server = shared.run.servers[k % shared.run.servers.len()];
    'clients: while Instant::now() < shared.deadline {
        let mut sender = match connect(server, addresses.next()).await {
            Ok(sender) => sender,
            Err(e) => {
                note_error(&mut out, e);
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        for _ in 0..shared.run.per_client {
            let n = shared.counter.fetch_add(1, Ordering::Relaxed);
            if n >= shared.run.max_requests || Instant::now() >= shared.deadline {
                break 'clients;
            }
            let request = (shared.make)(n);
            let sent = Instant::now();
            match send(&mut sender, request).await {
                Ok(status) if expected(shared.run.expect, status) => {
                    out.ok += 1;
                    let micros = sent.elapsed().as_micros();
                    out.latencies
                        .push(u32::try_from(micros).unwrap_or(u32::MAX));
                }
                Ok(status) => note_error(&mut out, format!("status {status}")),
                Err(e) => {
                    note_error(&mut out, e);
                    continue 'clients;
                }
            }
        }
    }
    out
}

fn expected(expect: Option<StatusCode>, status: StatusCode) -> bool {
    expect.map_or(status.is_success(), |e| e == status)
}

fn note_error(out: &mut Outcome, error: impl ToString) {
    out.errors += 1;
    if out.first_error.is_none() {
        out.first_error = Some(error.to_string());
    }
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(server: SocketAddr, from: IpAddr) -> anyhow::Result<Sender> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from, 0))?;
    let stream = socket.connect(server).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

async fn send(sender: &mut Sender, request: Request<Full<Bytes>>) -> anyhow::Result<StatusCode> {
    sender.ready().await?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    response.into_body().collect().await?;
    Ok(status)
}
