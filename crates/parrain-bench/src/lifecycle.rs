//! Two measurements of a parrain that has been running a while:
//!
//! - `--export`: the server's memory while it exports its people as CSV, at
//!   10,000 and at `--export-people` (1,000,000) people, on SQLite and on
//!   PostgreSQL (the same data, moved by `parrain copy`). The peak is the
//!   kernel's (`VmHWM` of `/proc/PID/status`, reset through `clear_refs`
//!   just before the export), compared with the resident memory before it.
//! - `--email`: how long after a sign-up's answer its welcome email reaches
//!   an SMTP server (an in-process `mailin-embedded`), one sign-up at a
//!   time so the queue is idle, on SQLite, on PostgreSQL, and on two nodes
//!   where the node that takes the sign-ups has no SMTP server and the
//!   other sends.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde_json::json;

use crate::load::Addresses;
use crate::scale::{copy_into, Database};
use crate::server::Server;
use crate::{median, setup, Args, RssSampler};

/// Resident memory and its peak since the last reset, in MiB.
fn memory(pid: u32) -> anyhow::Result<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| -> anyhow::Result<f64> {
        let line = status
            .lines()
            .find(|l| l.starts_with(name))
            .with_context(|| format!("no {name} in /proc/{pid}/status"))?;
        let kib: f64 = line
            .split_whitespace()
            .nth(1)
            .context("a number of kB")?
            .parse()?;
        Ok(kib / 1024.0)
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

/// One export measured.
struct Export {
    store: &'static str,
    people: u64,
    before: f64,
    peak: f64,
    seconds: f64,
}

pub async fn export_memory(args: &Args, parrain: &Path, dir: &Path) -> anyhow::Result<String> {
    let addresses = Addresses::new();
    let mut runs = Vec::new();
    for people in [10_000, args.export_people] {
        let data = dir.join(format!("export-{people}"));
        eprintln!("parrain-bench: {people} people on a fresh data directory");
        let server = Server::parrain(parrain, &data)?;
        let (Some(secret), Some(publishable)) = (&server.secret, &server.publishable) else {
            bail!("parrain printed no keys: the data directory is not fresh");
        };
        let secret = secret.clone();
        let api = setup::Api::new(server.addr, &secret, publishable, addresses.next())?;
        let offer = api
            .live_offer(json!({"type": "referred_signups", "count": 5}))
            .await?;
        server.stop()?;
        setup::fill_participants(&data.join("parrain.db"), &offer, people)?;

        eprintln!("parrain-bench: exporting {people} people on SQLite");
        let server = Server::parrain(parrain, &data)?;
        runs.push(shown(
            export(&server, &secret, &offer, "SQLite", people).await,
        )?);
        server.stop()?;

        eprintln!("parrain-bench: parrain copy into PostgreSQL, then exporting");
        let database = Database::create(&args.postgres).await?;
        let url = database.url();
        let result = async {
            copy_into(parrain, &data, &url).await?;
            let server =
                Server::parrain_on(parrain, &dir.join(format!("pg-{people}")), Some(&url))?;
            let run = shown(export(&server, &secret, &offer, "PostgreSQL", people).await);
            server.stop()?;
            run
        }
        .await;
        if !args.keep {
            database.drop_it().await?;
        }
        runs.push(result?);
    }
    Ok(export_table(&runs))
}

/// Exports the offer's people as CSV, reading the answer as it streams.
async fn export(
    server: &Server,
    secret: &str,
    offer: &str,
    store: &'static str,
    people: u64,
) -> anyhow::Result<Export> {
    // Let the start-up work (migrations check, first sweep) settle.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pid = server.pid();
    // "5" resets the peak resident size (VmHWM) to the current one; where
    // the kernel refuses, the peak is the highest of samples taken every
    // 100 ms instead.
    let reset = std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok();
    let (before, _) = memory(pid)?;
    let sampler = RssSampler::start(pid);
    let started = Instant::now();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(3600))
        .build()?;
    let mut response = client
        .get(format!(
            "http://{}/v1/people?signed_up_for={offer}",
            server.addr
        ))
        .bearer_auth(secret)
        .header("accept", "text/csv")
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("the export answered {}", response.status());
    }
    let mut lines = 0u64;
    while let Some(chunk) = response.chunk().await? {
        lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
    }
    let seconds = started.elapsed().as_secs_f64();
    let (_, high_water) = memory(pid)?;
    let sampled = sampler.stop().await;
    let peak = if reset {
        high_water.max(sampled)
    } else {
        sampled
    };
    if lines != people + 1 {
        bail!("the export of {people} people had {lines} lines");
    }
    Ok(Export {
        store,
        people,
        before,
        peak,
        seconds,
    })
}

fn export_table(runs: &[Export]) -> String {
    let mut out = String::from(
        "| store | people exported | RSS before (MiB) | peak RSS during (MiB) | growth (MiB) | time (s) | rows/s |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in runs {
        out.push_str(&export_row(r));
    }
    out
}

fn export_row(r: &Export) -> String {
    format!(
        "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.0} |\n",
        r.store,
        r.people,
        r.before,
        r.peak,
        r.peak - r.before,
        r.seconds,
        r.people as f64 / r.seconds
    )
}

/// Measures one export and shows its row at once (a long run can be read
/// as it goes).
fn shown(run: anyhow::Result<Export>) -> anyhow::Result<Export> {
    if let Ok(r) = &run {
        eprint!("parrain-bench: {}", export_row(r));
    }
    run
}

/// When each recipient's message arrived.
#[derive(Clone, Default)]
struct Arrivals {
    at: Arc<Mutex<HashMap<String, Instant>>>,
    to: Vec<String>,
}

impl mailin_embedded::Handler for Arrivals {
    fn data_start(
        &mut self,
        _: &str,
        _: &str,
        _: bool,
        to: &[String],
    ) -> mailin_embedded::Response {
        self.to = to.to_vec();
        mailin_embedded::response::OK
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        let now = Instant::now();
        let mut at = self.at.lock().unwrap_or_else(|e| e.into_inner());
        for to in self.to.drain(..) {
            at.insert(to, now);
        }
        mailin_embedded::response::OK
    }
}

impl Arrivals {
    /// Starts an SMTP server; returns its URL.
    fn serve(&self) -> anyhow::Result<String> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("smtp://{}", listener.local_addr()?);
        let mut server = mailin_embedded::Server::new(self.clone());
        server
            .with_name("bench.test")
            .with_ssl(mailin_embedded::SslConfig::None)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            if let Err(e) = server.serve() {
                eprintln!("parrain-bench: the SMTP server stopped: {e}");
            }
        });
        Ok(url)
    }

    async fn wait(&self, to: &str) -> anyhow::Result<Instant> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(at) = self.at.lock().unwrap_or_else(|e| e.into_inner()).get(to) {
                return Ok(*at);
            }
            if Instant::now() > deadline {
                bail!("no email to {to} within 30 s");
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
    }
}

/// Sign-up to email, in milliseconds, for one setup.
struct Latency {
    setup: &'static str,
    millis: Vec<f64>,
}

pub async fn email_latency(args: &Args, parrain: &Path, dir: &Path) -> anyhow::Result<String> {
    let arrivals = Arrivals::default();
    let smtp = arrivals.serve()?;
    let with_smtp = ["--smtp-url", smtp.as_str()];
    let mut runs = Vec::new();
    for (setup, nodes) in [
        ("SQLite", 0),
        ("PostgreSQL", 1),
        ("2 nodes, one PostgreSQL", 2),
    ] {
        eprintln!("parrain-bench: sign-up to email on {setup}");
        let database = match nodes {
            0 => None,
            _ => Some(Database::create(&args.postgres).await?),
        };
        let url = database.as_ref().map(Database::url);
        let data = dir.join(format!("email-{nodes}"));
        let result = async {
            // The first node takes the sign-ups; with two, only the second sends.
            let first_args: &[&str] = if nodes == 2 { &[] } else { &with_smtp };
            let first = Server::parrain_with(parrain, &data, url.as_deref(), first_args)?;
            let second = match nodes {
                2 => Some(Server::parrain_with(
                    parrain,
                    &dir.join("email-2b"),
                    url.as_deref(),
                    &with_smtp,
                )?),
                _ => None,
            };
            let run = sign_ups(args, &first, &arrivals, setup).await;
            first.stop()?;
            if let Some(second) = second {
                second.stop()?;
            }
            run
        }
        .await;
        if let Some(database) = database {
            if !args.keep {
                database.drop_it().await?;
            }
        }
        runs.push(result?);
    }
    Ok(latency_table(&runs))
}

async fn sign_ups(
    args: &Args,
    server: &Server,
    arrivals: &Arrivals,
    setup: &'static str,
) -> anyhow::Result<Latency> {
    let (Some(secret), Some(publishable)) = (&server.secret, &server.publishable) else {
        bail!("parrain printed no keys: the data directory is not fresh");
    };
    let api = setup::Api::new(server.addr, secret, publishable, "127.0.0.1".parse()?)?;
    let offer = api
        .live_offer_with(json!({
            "name": "Benchmark offer",
            "goal": {"type": "referred_signups", "count": 5},
            "offer_page_url": "https://shop.example.com/refer",
            "emails": {
                "sign_up": {"subject": "Welcome", "text": "Share {{ share_url }}"},
                "fulfillment": {"subject": "Your reward", "text": "Thanks"}
            }
        }))
        .await?;
    let mut millis = Vec::new();
    for n in 0..args.emails {
        let email = format!("latency{n}.{}@example.com", setup.len());
        api.participant(&offer, &email).await?;
        let answered = Instant::now();
        let arrived = arrivals.wait(&email).await?;
        millis.push(arrived.saturating_duration_since(answered).as_secs_f64() * 1000.0);
        // The job is settled just after the send: let the queue go idle again.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    millis.sort_by(f64::total_cmp);
    Ok(Latency { setup, millis })
}

fn latency_table(runs: &[Latency]) -> String {
    let mut out = String::from(
        "| setup | sign-ups | median (ms) | p90 (ms) | max (ms) |\n|---|---:|---:|---:|---:|\n",
    );
    for r in runs {
        let p90 = r.millis[(r.millis.len() * 9 / 10).min(r.millis.len() - 1)];
        out.push_str(&format!(
            "| {} | {} | {:.1} | {:.1} | {:.1} |\n",
            r.setup,
            r.millis.len(),
            median(&r.millis),
            p90,
            r.millis.last().copied().unwrap_or(f64::NAN)
        ));
    }
    out.push_str("\nThe workers' poll interval is the default 1,000 ms: without being woken, an email would wait for the next poll, 500 ms on average.\n");
    out
}
