//! `parrain-bench`: measures SPEC §9 on this machine and prints one table.
//!
//! It starts parrain (default configuration, fresh data directory on disk)
//! and a bare axum hello-world as separate processes, drives each over
//! loopback from this process, and reports rates against the hello-world
//! measured in the same run. It asserts nothing about speed; `--smoke` only
//! checks that every step works (CI runs it).

mod eligibility;
mod import;
mod lifecycle;
mod load;
mod scale;
mod server;
mod setup;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bytes::Bytes;
use clap::{Parser, Subcommand};
use http_body_util::Full;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, USER_AGENT};
use hyper::{Request, StatusCode};
use serde_json::json;

use load::{Addresses, MakeRequest, Outcome, Run};
use server::Server;

#[derive(Parser)]
#[command(about = "Benchmark parrain's hot paths over loopback (SPEC §9)")]
struct Args {
    #[command(subcommand)]
    command: Option<Hidden>,
    /// A few seconds of small numbers: checks every step works, measures nothing.
    #[arg(long)]
    smoke: bool,
    /// Seconds of load per step.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Concurrent connections for the redirect, tracking and baseline steps
    /// [default: 128; 64 for the hot paths of --store, --nodes and --compare].
    #[arg(long)]
    connections: Option<usize>,
    /// Size of the activity log for the second credit check.
    #[arg(long, default_value_t = 10_000_000)]
    activities: u64,
    /// Credit checks timed at each log size.
    #[arg(long, default_value_t = 200)]
    samples: u64,
    /// Participants of the offer whose report is timed.
    #[arg(long, default_value_t = 1_000_000)]
    participants: u64,
    /// Reports timed.
    #[arg(long, default_value_t = 20)]
    reports: u64,
    /// The parrain binary [default: next to this one].
    #[arg(long)]
    parrain: Option<PathBuf>,
    /// Keep the data directory (and the PostgreSQL database) afterwards.
    #[arg(long)]
    keep: bool,
    /// Measure only the hot paths on one offer, on this store.
    #[arg(long, value_enum)]
    store: Option<scale::StoreKind>,
    /// parrain processes sharing the PostgreSQL database (with --store postgres).
    #[arg(long, default_value_t = 1)]
    nodes: usize,
    /// The hot paths on SQLite, on PostgreSQL and on two nodes on PostgreSQL,
    /// in one run and one table, with their ratios.
    #[arg(long)]
    compare: bool,
    /// With the hot paths: each parrain process gets at most this many
    /// cores of CPU time (a cgroup quota; needs root), as if each node had
    /// a machine of its own that size. On a machine whose cores the load,
    /// PostgreSQL and every node share, a second node can add no CPU; with
    /// a budget per node it shows whether nodes add up.
    #[arg(long)]
    node_cpus: Option<f64>,
    /// After the report, time `parrain copy` of the whole data directory
    /// (its million participants) into a fresh PostgreSQL database.
    #[arg(long)]
    copy: bool,
    /// Only time `parrain import` of a CSV file of this many lines, on
    /// SQLite and on PostgreSQL, and the same file again.
    #[arg(long)]
    import: Option<u64>,
    /// Only the server's memory while it exports its people as CSV, at
    /// 10,000 and at --export-people people, on SQLite and PostgreSQL.
    #[arg(long)]
    export: bool,
    /// People in the large export of --export.
    #[arg(long, default_value_t = 1_000_000)]
    export_people: u64,
    /// Only the time from a sign-up's answer to its email reaching an SMTP
    /// server, on SQLite, PostgreSQL and two nodes.
    #[arg(long)]
    email: bool,
    /// Sign-ups timed per setup with --email.
    #[arg(long, default_value_t = 50)]
    emails: usize,
    /// Only the credit check on a plain offer, on one with the four
    /// attribution methods and an existing-customer list of --customers
    /// SHA-256 hashes (SPEC §15) and on one with 20 rewards (SPEC §11),
    /// interleaved in one run.
    #[arg(long)]
    eligibility: bool,
    /// Hashes on the existing-customer list of --eligibility.
    #[arg(long, default_value_t = 1_000_000)]
    customers: u64,
    /// The PostgreSQL server (no database name): each setup creates a fresh
    /// database there and drops it afterwards.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    postgres: String,
}

#[derive(Subcommand)]
enum Hidden {
    /// The bare axum hello-world baseline (started by the bench itself).
    #[command(hide = true)]
    Hello,
}

/// Requests one simulated client sends before the next one (new source
/// address) takes over: below the default per-address burst of 200.
const PER_CLIENT: u64 = 150;
const PARTICIPANTS: usize = 50;
const EVENT_BATCH: usize = 1_000;

fn main() -> anyhow::Result<()> {
    let mut args = Args::parse();
    let runtime = tokio::runtime::Runtime::new()?;
    if let Some(Hidden::Hello) = args.command {
        return runtime.block_on(server::serve_hello());
    }
    if args.smoke {
        args.duration = 1;
        args.connections = Some(args.connections.unwrap_or(8).min(8));
        args.activities = args.activities.min(5_000);
        args.samples = args.samples.min(10);
        args.participants = args.participants.min(2_000);
        args.reports = args.reports.min(3);
        args.customers = args.customers.min(60_000);
    }
    let exe = std::env::current_exe()?;
    let bin_dir = exe.parent().context("binary directory")?;
    let parrain = args
        .parrain
        .clone()
        .unwrap_or_else(|| bin_dir.join("parrain"));
    if !parrain.exists() {
        bail!(
            "no parrain binary at {} (build it, or pass --parrain)",
            parrain.display()
        );
    }
    let dir = server::fresh_dir(&bin_dir.join("bench-data"))?;
    let result = if let Some(rows) = args.import {
        runtime.block_on(import::run(&args, &parrain, &dir, rows))
    } else if args.export {
        runtime.block_on(lifecycle::export_memory(&args, &parrain, &dir))
    } else if args.eligibility {
        runtime.block_on(eligibility::run(&args, &parrain, &dir))
    } else if args.email {
        runtime.block_on(lifecycle::email_latency(&args, &parrain, &dir))
    } else if args.compare || args.store.is_some() || args.nodes > 1 {
        runtime.block_on(hot_paths(&args, &parrain, &dir))
    } else {
        runtime.block_on(bench(&args, &parrain, &dir))
    };
    if !args.keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let table = result?;
    println!("{table}");
    Ok(())
}

/// The hot paths only: on the store and nodes given, or (`--compare`) on
/// SQLite, PostgreSQL and several nodes on PostgreSQL one after the other.
async fn hot_paths(args: &Args, parrain: &Path, dir: &Path) -> anyhow::Result<String> {
    use scale::{Setup, StoreKind};
    let store = args.store.unwrap_or(StoreKind::Postgres);
    if args.nodes == 0 || (args.nodes > 1 && store == StoreKind::Sqlite) {
        bail!("--nodes needs --store postgres (SQLite is one process's file)");
    }
    let setups = if args.compare {
        vec![
            Setup {
                store: StoreKind::Sqlite,
                nodes: 1,
            },
            Setup {
                store: StoreKind::Postgres,
                nodes: 1,
            },
            Setup {
                store: StoreKind::Postgres,
                nodes: args.nodes.max(2),
            },
        ]
    } else {
        vec![Setup {
            store,
            nodes: args.nodes,
        }]
    };
    let addresses = Arc::new(Addresses::new());
    let mut runs = Vec::new();
    for setup in setups {
        runs.push(scale::run(args, parrain, dir, setup, &addresses).await?);
    }
    Ok(scale::table(args, &runs))
}

struct Fixture {
    addr: SocketAddr,
    secret: String,
    publishable: String,
    offer: String,
    referrer: String,
    codes: Vec<String>,
    /// The offer given many participants for the report.
    report_offer: String,
}

async fn bench(args: &Args, parrain: &Path, dir: &Path) -> anyhow::Result<String> {
    let data = dir.join("data");
    let db = data.join("parrain.db");
    let addresses = Arc::new(Addresses::new());
    let step = |name: &str| eprintln!("parrain-bench: {name}");

    step("starting parrain on a fresh data directory");
    let server = Server::parrain(parrain, &data)?;
    let mut fx = fixture(&server, &addresses).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_rss = server.rss_mib();
    server.stop()?;

    step("credit checks at 1,000 activities");
    setup::fill_activities(&db, &fx.offer, &fx.referrer, 1_000)?;
    let small_log = setup::count_activities(&db)?;
    let server = Server::parrain(parrain, &data)?;
    fx.addr = server.addr;
    let keys = (fx.secret.as_str(), fx.publishable.as_str());
    let small = setup::credit_checks(
        fx.addr,
        keys,
        &addresses,
        &fx.offer,
        &fx.codes,
        args.samples,
        1,
    )
    .await?;

    step("bare axum hello-world");
    let hello = Server::hello()?;
    let hello_addr = hello.addr;
    let baseline = measure(
        args,
        &addresses,
        hello_addr,
        None,
        Arc::new(move |_| get(hello_addr, "/")),
        PER_CLIENT,
        args.connections.unwrap_or(128),
    )
    .await?;
    hello.stop()?;

    let sampler = RssSampler::start(server.pid());
    step("GET /r/{code}");
    let clicks_before = setup::Clicks::open(&db)?.now()?;
    let trail = JournalSampler::start(&db, server.pid())?;
    let codes = Arc::new(fx.codes.clone());
    let addr = fx.addr;
    let redirect: MakeRequest =
        Arc::new(move |n| get(addr, &format!("/r/{}", codes[n as usize % codes.len()])));
    let redirects = measure(
        args,
        &addresses,
        addr,
        Some(StatusCode::FOUND),
        redirect,
        PER_CLIENT,
        args.connections.unwrap_or(128),
    )
    .await?;
    let trail = trail.stop(&db, clicks_before).await?;
    if args.smoke {
        trail.check(&redirects)?;
    }

    step("POST /v1/track/visit");
    let (pk, offer) = (fx.publishable.clone(), fx.offer.clone());
    let visit: MakeRequest = Arc::new(move |n| {
        let body = json!({"offer_id": offer, "visitor_id": setup::id("vis", 2, n)});
        post(addr, "/v1/track/visit", &pk, Bytes::from(body.to_string()))
    });
    let visits = measure(
        args,
        &addresses,
        addr,
        None,
        visit,
        PER_CLIENT,
        args.connections.unwrap_or(128),
    )
    .await?;

    step("POST /v1/events (batches of 1,000)");
    let bodies: Arc<Vec<Bytes>> = Arc::new((0..16).map(|b| event_batch(b, EVENT_BATCH)).collect());
    let sk = fx.secret.clone();
    let events: MakeRequest = Arc::new(move |n| {
        post(
            addr,
            "/v1/events",
            &sk,
            bodies[n as usize % bodies.len()].clone(),
        )
    });
    let batches = measure(args, &addresses, addr, None, events, u64::MAX, 4).await?;
    let loaded_rss = sampler.stop().await;
    server.stop()?;

    step(&format!(
        "filling the activity log to {} rows",
        args.activities
    ));
    let filling = Instant::now();
    setup::fill_activities(&db, &fx.offer, &fx.referrer, args.activities)?;
    let big_log = setup::count_activities(&db)?;
    let fill_time = filling.elapsed();
    let server = Server::parrain(parrain, &data)?;
    step("credit checks on the large log");
    let large = setup::credit_checks(
        server.addr,
        keys,
        &addresses,
        &fx.offer,
        &fx.codes,
        args.samples,
        3,
    )
    .await?;
    server.stop()?;

    step(&format!(
        "giving an offer {} participants, then its report",
        args.participants
    ));
    let filling = Instant::now();
    setup::fill_participants(&db, &fx.report_offer, args.participants)?;
    let participants_fill = filling.elapsed();
    let server = Server::parrain(parrain, &data)?;
    let api = setup::Api::new(server.addr, keys.0, keys.1, addresses.next())?;
    let reports = setup::reports(&api, &fx.report_offer, args.reports).await?;
    server.stop()?;
    let copied = if args.copy {
        step("parrain copy into a fresh PostgreSQL database");
        Some(scale::time_copy(args, parrain, &data).await?)
    } else {
        None
    };

    let report = Report {
        baseline,
        redirects,
        trail,
        visits,
        batches,
        small: (small_log, small),
        large: (big_log, large, fill_time),
        reports: (args.participants, reports, participants_fill),
        idle_rss,
        loaded_rss,
        copied,
    };
    Ok(report.table(args))
}

/// Runs one load step; in smoke mode any failed request fails the bench.
async fn measure(
    args: &Args,
    addresses: &Arc<Addresses>,
    addr: SocketAddr,
    expect: Option<StatusCode>,
    make: MakeRequest,
    per_client: u64,
    connections: usize,
) -> anyhow::Result<Outcome> {
    let step = Step {
        servers: vec![addr],
        expect,
        per_client,
        connections,
        max_requests: None,
    };
    measure_on(args, addresses, make, step).await
}

/// One load step's shape.
struct Step {
    servers: Vec<SocketAddr>,
    expect: Option<StatusCode>,
    per_client: u64,
    connections: usize,
    /// Stop after this many requests (besides the step's duration).
    max_requests: Option<u64>,
}

async fn measure_on(
    args: &Args,
    addresses: &Arc<Addresses>,
    make: MakeRequest,
    step: Step,
) -> anyhow::Result<Outcome> {
    let cap = if args.smoke { 200 } else { 50_000_000 };
    let run = Run {
        servers: step.servers,
        connections: if args.smoke {
            step.connections.min(2)
        } else {
            step.connections
        },
        duration: Duration::from_secs(args.duration),
        max_requests: step.max_requests.unwrap_or(cap).min(cap),
        per_client: step.per_client,
        expect: step.expect,
    };
    let outcome = load::drive(addresses.clone(), make, run).await;
    if outcome.ok == 0 || (args.smoke && outcome.errors > 0) {
        bail!(
            "{} of {} requests failed, first: {}",
            outcome.errors,
            outcome.errors + outcome.ok,
            outcome.first_error.as_deref().unwrap_or("-")
        );
    }
    Ok(outcome)
}

async fn fixture(server: &Server, addresses: &Addresses) -> anyhow::Result<Fixture> {
    let (Some(secret), Some(publishable)) = (&server.secret, &server.publishable) else {
        bail!("parrain printed no keys: the data directory is not fresh");
    };
    let api = setup::Api::new(server.addr, secret, publishable, addresses.next())?;
    let offer = api
        .live_offer(json!({"type": "custom_event", "count": 1_000_000, "event": "purchase"}))
        .await?;
    // Makes every event of the batches match a rule, as in real use.
    let events_offer = api
        .live_offer(json!({"type": "smart_list_trigger", "count": 1_000_000, "event": "purchase"}))
        .await?;
    let report_offer = api
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await?;
    let mut codes = Vec::new();
    let mut referrer = String::new();
    for n in 0..PARTICIPANTS {
        let (id, code) = api
            .participant(&offer, &format!("referrer{n}@example.com"))
            .await?;
        api.participant(&events_offer, &format!("referrer{n}@example.com"))
            .await?;
        if n == 0 {
            referrer = id;
        }
        codes.push(code);
    }
    Ok(Fixture {
        addr: server.addr,
        secret: secret.clone(),
        publishable: publishable.clone(),
        offer,
        referrer,
        codes,
        report_offer,
    })
}

/// One batch of `POST /v1/events`: purchases by `size` people (batch `b`).
fn event_batch(b: usize, size: usize) -> Bytes {
    let events: Vec<_> = (0..size)
        .map(|i| {
            json!({
                "person": {"email": format!("buyer{}@example.com", b * size + i)},
                "name": "purchase",
                "properties": {"amount": 42}
            })
        })
        .collect();
    Bytes::from(serde_json::Value::from(events).to_string())
}

/// What a browser says it is: a share link is clicked in one, and the
/// redirect reads it (a link-preview crawler gets a card instead). The
/// hello-world's requests carry it too, so both steps get the same bytes.
const BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
    (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

fn get(addr: SocketAddr, path: &str) -> Request<Full<Bytes>> {
    Request::get(path)
        .header(HOST, addr.to_string())
        .header(USER_AGENT, BROWSER)
        .body(Full::new(Bytes::new()))
        .expect("a valid request")
}

fn post(addr: SocketAddr, path: &str, key: &str, body: Bytes) -> Request<Full<Bytes>> {
    Request::post(path)
        .header(HOST, addr.to_string())
        .header(AUTHORIZATION, format!("Bearer {key}"))
        .header(CONTENT_TYPE, "application/json")
        .body(Full::new(body))
        .expect("a valid request")
}

/// The highest resident memory of a process while the load runs.
struct RssSampler {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<f64>,
}

impl RssSampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let task = tokio::spawn(async move {
            let max = AtomicU64::new(0);
            while !flag.load(Ordering::Relaxed) {
                let rss = server::rss_mib(pid).unwrap_or(0.0);
                max.fetch_max(rss.to_bits(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            f64::from_bits(max.load(Ordering::Relaxed))
        });
        Self { stop, task }
    }

    async fn stop(self) -> f64 {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap_or(f64::NAN)
    }
}

/// How far the click journal trailed the redirects, sampled while they
/// ran, and what was recorded once it was empty.
struct Trail {
    max_waiting: u64,
    mean_waiting: f64,
    samples: u64,
    max_rss: f64,
    /// `clicks_shared_link` activities the step added.
    recorded: u64,
    /// From the step's end to an empty journal.
    drained: Duration,
}

impl Trail {
    /// Every answered redirect recorded, and none twice: a click for every
    /// 302, and at most one per request sent (a request may fail on the
    /// client's side after parrain answered it).
    fn check(&self, redirects: &Outcome) -> anyhow::Result<()> {
        let sent = redirects.ok + redirects.errors;
        if self.recorded < redirects.ok || self.recorded > sent {
            bail!(
                "{} clicks recorded for {} redirects answered ({sent} sent)",
                self.recorded,
                redirects.ok
            );
        }
        Ok(())
    }
}

/// Samples the click journal's waiting clicks and the server's RSS every
/// 100 ms, on a thread of its own (the reads are blocking).
struct JournalSampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<anyhow::Result<(u64, u64, u64, f64)>>,
}

impl JournalSampler {
    fn start(db: &Path, pid: u32) -> anyhow::Result<Self> {
        let clicks = setup::Clicks::open(db)?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let (mut max, mut sum, mut samples, mut rss) = (0, 0, 0, 0f64);
            while !flag.load(Ordering::Relaxed) {
                let waiting = clicks.waiting()?;
                max = max.max(waiting);
                sum += waiting;
                samples += 1;
                rss = rss.max(server::rss_mib(pid).unwrap_or(0.0));
                std::thread::sleep(Duration::from_millis(100));
            }
            Ok((max, sum, samples, rss))
        });
        Ok(Self { stop, thread })
    }

    /// Stops sampling, then waits (up to 30 s) for the journal to empty;
    /// `before` is [`setup::Clicks::now`] read before the step.
    async fn stop(self, db: &Path, before: (u64, u64)) -> anyhow::Result<Trail> {
        self.stop.store(true, Ordering::Relaxed);
        let (max_waiting, sum, samples, max_rss) = self
            .thread
            .join()
            .map_err(|_| anyhow::anyhow!("the journal sampler panicked"))??;
        let clicks = setup::Clicks::open(db)?;
        let ended = Instant::now();
        let (recorded, drained) = loop {
            let (waiting, recorded) = clicks.now()?;
            // Read together: an empty journal with every click it held
            // recorded. Clicks waiting before the step were not its own.
            if waiting == 0 {
                let (waiting_before, recorded_before) = before;
                let step = recorded.saturating_sub(recorded_before + waiting_before);
                break (step, ended.elapsed());
            }
            if ended.elapsed() > Duration::from_secs(30) {
                bail!("{waiting} clicks still waiting 30 s after the redirects");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        Ok(Trail {
            max_waiting,
            mean_waiting: sum as f64 / samples.max(1) as f64,
            samples,
            max_rss,
            recorded,
            drained,
        })
    }
}

struct Report {
    baseline: Outcome,
    redirects: Outcome,
    trail: Trail,
    visits: Outcome,
    batches: Outcome,
    small: (u64, Vec<f64>),
    large: (u64, Vec<f64>, Duration),
    reports: (u64, Vec<f64>, Duration),
    idle_rss: f64,
    loaded_rss: f64,
    /// Rows `parrain copy` moved, and how long it took.
    copied: Option<(u64, Duration)>,
}

fn median(sorted: &[f64]) -> f64 {
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

fn p99(sorted: &[f64]) -> f64 {
    let i = ((sorted.len().saturating_sub(1)) as f64 * 0.99).round() as usize;
    sorted.get(i).copied().unwrap_or(f64::NAN)
}

impl Report {
    fn table(&self, args: &Args) -> String {
        let row =
            |what: &str, value: String, target: &str| format!("| {what} | {value} | {target} |\n");
        let rate = |o: &Outcome| {
            format!(
                "{:.0}/s (p50 {:.2} ms, p99 {:.2} ms, {} errors)",
                o.per_second(),
                o.quantile_ms(0.5),
                o.quantile_ms(0.99),
                o.errors
            )
        };
        let ratio = self.redirects.per_second() / self.baseline.per_second();
        let events = self.batches.per_second() * EVENT_BATCH as f64;
        let (small_n, small) = &self.small;
        let (large_n, large, fill) = &self.large;
        let machine = std::thread::available_parallelism().map_or(0, usize::from);
        let mut t = format!(
            "parrain-bench{}: {machine} CPUs, {} s per step, {} connections, {PER_CLIENT} requests per source address\n\n",
            if args.smoke { " --smoke (numbers mean nothing)" } else { "" },
            args.duration,
            args.connections.unwrap_or(128)
        );
        t += "| measure | result | SPEC §9 target |\n|---|---|---|\n";
        t += &row(
            "bare axum hello-world (same run)",
            rate(&self.baseline),
            "baseline",
        );
        t += &row(
            "`GET /r/{code}` redirects",
            rate(&self.redirects),
            "≥ 40,000/s, p99 < 5 ms",
        );
        t += &row("redirects / hello-world", format!("{ratio:.2}"), "≥ 0.50");
        t += &row(
            "redirects recorded (`clicks_shared_link` activities once the journal is empty)",
            format!(
                "{} of {} answered, in {:.1} s after the step",
                self.trail.recorded,
                self.redirects.ok,
                self.trail.drained.as_secs_f64()
            ),
            "every one, once",
        );
        t += &row(
            "click journal during the redirects (sampled every 100 ms)",
            format!(
                "at most {} clicks waiting, mean {:.0} ({} samples); RSS at most {:.1} MiB",
                self.trail.max_waiting,
                self.trail.mean_waiting,
                self.trail.samples,
                self.trail.max_rss
            ),
            "-",
        );
        t += &row(
            "`POST /v1/track/visit` single calls",
            rate(&self.visits),
            "≥ 20,000/s",
        );
        t += &row(
            "`POST /v1/events` batches of 1,000",
            format!(
                "{events:.0} events/s ({:.0} batches/s, p50 {:.0} ms, {} errors)",
                self.batches.per_second(),
                self.batches.quantile_ms(0.5),
                self.batches.errors
            ),
            "≥ 100,000 events/s",
        );
        t += &row(
            &format!("credit check (`track/event` that credits) at {small_n} activities"),
            format!(
                "p50 {:.2} ms, p99 {:.2} ms ({} samples)",
                median(small),
                p99(small),
                small.len()
            ),
            "same as below",
        );
        t += &row(
            &format!(
                "credit check at {large_n} activities (log filled by SQL in {:.0} s)",
                fill.as_secs_f64()
            ),
            format!(
                "p50 {:.2} ms, p99 {:.2} ms ({} samples)",
                median(large),
                p99(large),
                large.len()
            ),
            "same as above",
        );
        let (participants, reports, fill) = &self.reports;
        t += &row(
            &format!(
                "report (`GET /v1/offers/{{id}}/report`, 31 days by day), offer with {participants} participants (loaded by SQL in {:.0} s)",
                fill.as_secs_f64()
            ),
            format!(
                "p50 {:.1} ms, p99 {:.1} ms ({} samples)",
                median(reports),
                p99(reports),
                reports.len()
            ),
            "< 100 ms (at 1,000,000)",
        );
        t += &row(
            "RSS idle (after setup)",
            format!("{:.1} MiB", self.idle_rss),
            "< 50 MB",
        );
        t += &row(
            "RSS loaded (max during the load steps)",
            format!("{:.1} MiB", self.loaded_rss),
            "-",
        );
        if let Some((rows, took)) = self.copied {
            t += &row(
                "`parrain copy` of the whole data directory into PostgreSQL",
                format!(
                    "{rows} rows in {:.1} s ({:.0} rows/s)",
                    took.as_secs_f64(),
                    rows as f64 / took.as_secs_f64()
                ),
                "a million participants in minutes",
            );
        }
        t
    }
}
