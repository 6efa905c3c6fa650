//! The hot paths on each store (SPEC §9, PostgreSQL): redirects, sign-ups,
//! `track/visit`, the credit check and event batches, all on one offer from
//! many concurrent clients, on the embedded store, on PostgreSQL, and on
//! several parrain processes sharing one PostgreSQL database.
//!
//! Each setup starts on fresh data (a new data directory, or a new database
//! created on the PostgreSQL server and dropped afterwards) with the default
//! configuration. With several nodes the connections go round the nodes.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context};
use bytes::Bytes;
use hyper::StatusCode;
use serde_json::json;

use crate::load::{Addresses, MakeRequest, Outcome};
use crate::server::Server;
use crate::{event_batch, get, measure_on, post, setup, Args, Step, PER_CLIENT};

/// Referrers of the offer: clicks, sign-ups and visits go round their codes.
const REFERRERS: usize = 50;
/// Events per `POST /v1/events` call in this run (many clients at once).
const EVENTS_PER_CALL: usize = 100;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StoreKind {
    Sqlite,
    Postgres,
}

/// What the hot paths run on.
#[derive(Clone, Copy)]
pub struct Setup {
    pub store: StoreKind,
    pub nodes: usize,
}

impl StoreKind {
    pub fn label(self) -> &'static str {
        match self {
            StoreKind::Sqlite => "SQLite",
            StoreKind::Postgres => "PostgreSQL",
        }
    }
}

impl Setup {
    fn label(self) -> String {
        match (self.store, self.nodes) {
            (StoreKind::Sqlite, _) => "SQLite".into(),
            (StoreKind::Postgres, 1) => "PostgreSQL".into(),
            (StoreKind::Postgres, n) => format!("{n} nodes, one PostgreSQL"),
        }
    }
}

/// One outcome per hot path.
pub struct HotPaths {
    setup: Setup,
    paths: Vec<Outcome>,
    /// A node that did not stop cleanly on SIGTERM (its numbers still stand).
    unclean: Vec<String>,
}

const PATHS: [&str; 5] = [
    "`GET /r/{code}` redirects",
    "sign-ups (`POST /v1/offers/{id}/participants`)",
    "`POST /v1/track/visit`",
    "credit check (`POST /v1/track/event` that credits)",
    "`POST /v1/events`, 100 events a call (events/s)",
];

/// A database of its own on the PostgreSQL server, dropped afterwards.
pub struct Database {
    server: String,
    name: String,
}

impl Database {
    pub async fn create(server: &str) -> anyhow::Result<Self> {
        let name = format!(
            "parrain_bench_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_millis()
        );
        let db = Self {
            server: server.trim_end_matches('/').to_owned(),
            name,
        };
        let sql = format!("CREATE DATABASE {}", db.name);
        db.admin(sql).await?;
        Ok(db)
    }

    pub fn url(&self) -> String {
        format!("{}/{}", self.server, self.name)
    }

    async fn admin(&self, sql: String) -> anyhow::Result<()> {
        let url = format!("{}/postgres", self.server);
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut client = postgres::Client::connect(&url, postgres::NoTls)
                .with_context(|| format!("connecting to {url}"))?;
            client.batch_execute(&sql)?;
            Ok(())
        })
        .await?
    }

    pub async fn drop_it(self) -> anyhow::Result<()> {
        self.admin(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .await
    }
}

/// Times `parrain copy` of the data directory `data` into a fresh database;
/// returns the rows it reported copied.
pub async fn time_copy(
    args: &Args,
    parrain: &Path,
    data: &Path,
) -> anyhow::Result<(u64, std::time::Duration)> {
    let database = Database::create(&args.postgres).await?;
    let started = std::time::Instant::now();
    let copied = copy_into(parrain, data, &database.url()).await;
    let took = started.elapsed();
    if !args.keep {
        database.drop_it().await?;
    }
    Ok((copied?, took))
}

/// Runs `parrain copy` of the data directory `data` into the database at
/// `url`; returns how many rows it reported copied.
pub(crate) async fn copy_into(parrain: &Path, data: &Path, url: &str) -> anyhow::Result<u64> {
    let output = tokio::process::Command::new(parrain)
        .arg("copy")
        .arg("--from")
        .arg(format!("sqlite://{}", data.display()))
        .args(["--to", url])
        .stdin(std::process::Stdio::null())
        .output()
        .await?;
    let out = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "parrain copy failed: {}{out}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let rows = out
        .lines()
        .find_map(|l| l.strip_prefix("copied "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .context("parrain copy printed no total")?;
    Ok(rows)
}

/// Runs every hot path on `setup`, on fresh data under `dir`.
pub async fn run(
    args: &Args,
    parrain: &Path,
    dir: &Path,
    setup: Setup,
    addresses: &Arc<Addresses>,
) -> anyhow::Result<HotPaths> {
    eprintln!("parrain-bench: hot paths on {}", setup.label());
    let database = match setup.store {
        StoreKind::Postgres => Some(Database::create(&args.postgres).await?),
        StoreKind::Sqlite => None,
    };
    let url = database.as_ref().map(Database::url);
    let result = on_nodes(args, parrain, dir, setup, url.as_deref(), addresses).await;
    if let Some(database) = database {
        if !args.keep {
            database.drop_it().await?;
        }
    }
    result
}

async fn on_nodes(
    args: &Args,
    parrain: &Path,
    dir: &Path,
    setup: Setup,
    url: Option<&str>,
    addresses: &Arc<Addresses>,
) -> anyhow::Result<HotPaths> {
    let name = match setup.store {
        StoreKind::Sqlite => "sqlite".to_owned(),
        StoreKind::Postgres => format!("postgres-{}", setup.nodes),
    };
    // The first node alone on the fresh store: it creates and prints the keys.
    let mut nodes = vec![Server::parrain_on(
        parrain,
        &dir.join(format!("{name}-node0")),
        url,
    )?];
    for k in 1..setup.nodes {
        let node = Server::parrain_on(parrain, &dir.join(format!("{name}-node{k}")), url)?;
        nodes.push(node);
    }
    if let Some(cores) = args.node_cpus {
        for node in &mut nodes {
            node.confine(cores)?;
        }
    }
    let paths = drive(args, &nodes, addresses).await;
    let mut unclean = Vec::new();
    for (k, node) in nodes.into_iter().enumerate() {
        if let Err(e) = node.stop() {
            unclean.push(format!("{}, node {k}: {e}", setup.label()));
        }
    }
    Ok(HotPaths {
        setup,
        paths: paths?,
        unclean,
    })
}

async fn drive(
    args: &Args,
    nodes: &[Server],
    addresses: &Arc<Addresses>,
) -> anyhow::Result<Vec<Outcome>> {
    let (Some(sk), Some(pk)) = (&nodes[0].secret, &nodes[0].publishable) else {
        bail!("parrain printed no keys: the store is not fresh");
    };
    let (sk, pk) = (sk.clone(), pk.clone());
    let api = setup::Api::new(nodes[0].addr, &sk, &pk, addresses.next())?;
    let offer = api
        .live_offer(json!({"type": "custom_event", "count": 1_000_000, "event": "purchase"}))
        .await?;
    // Makes every event of the batches match a rule, as in real use.
    api.live_offer(json!({"type": "smart_list_trigger", "count": 1_000_000, "event": "purchase"}))
        .await?;
    let mut codes = Vec::new();
    let mut referrers = Vec::new();
    for n in 0..REFERRERS {
        let (id, code) = api
            .participant(&offer, &format!("referrer{n}@example.com"))
            .await?;
        referrers.push(id);
        codes.push(code);
    }
    let codes = Arc::new(codes);
    let servers: Vec<SocketAddr> = nodes.iter().map(|n| n.addr).collect();
    let addr = servers[0];
    let step = |expect, max_requests| Step {
        servers: servers.clone(),
        expect,
        per_client: PER_CLIENT,
        connections: args.connections.unwrap_or(64),
        max_requests,
    };
    let mut out = Vec::new();

    eprintln!("parrain-bench: {}", PATHS[0]);
    let c = codes.clone();
    let redirect: MakeRequest =
        Arc::new(move |n| get(addr, &format!("/r/{}", c[n as usize % c.len()])));
    out.push(
        measure_on(
            args,
            addresses,
            redirect,
            step(Some(StatusCode::FOUND), None),
        )
        .await?,
    );

    eprintln!("parrain-bench: {}", PATHS[1]);
    let (c, o, key) = (codes.clone(), offer.clone(), sk.clone());
    let sign_up: MakeRequest = Arc::new(move |n| {
        let body = json!({"email": format!("friend{n}@example.com"),
                          "referral_code": c[n as usize % c.len()]});
        let path = format!("/v1/offers/{o}/participants");
        post(addr, &path, &key, Bytes::from(body.to_string()))
    });
    out.push(measure_on(args, addresses, sign_up, step(None, None)).await?);

    eprintln!("parrain-bench: {}", PATHS[2]);
    let (c, o, key) = (codes.clone(), offer.clone(), pk.clone());
    let visit: MakeRequest = Arc::new(move |n| {
        let body = json!({"offer_id": o, "visitor_id": setup::id("vis", 7, n),
                          "referral_code": c[n as usize % c.len()]});
        post(addr, "/v1/track/visit", &key, Bytes::from(body.to_string()))
    });
    let visits = measure_on(args, addresses, visit, step(None, None)).await?;
    let visited = visits.ok + visits.errors;
    out.push(visits);

    eprintln!("parrain-bench: {}", PATHS[3]);
    // Each friend who visited above now buys: a credit for its referrer.
    let (o, key) = (offer.clone(), pk.clone());
    let credit: MakeRequest = Arc::new(move |n| {
        let body = json!({"offer_id": o, "visitor_id": setup::id("vis", 7, n), "name": "purchase"});
        post(addr, "/v1/track/event", &key, Bytes::from(body.to_string()))
    });
    out.push(measure_on(args, addresses, credit, step(None, Some(visited))).await?);
    let referrer = api
        .get(&format!("/v1/participants/{}", referrers[0]))
        .await?;
    if referrer["credit"].as_i64().unwrap_or(0) == 0 {
        bail!("the credit step credited nobody: {referrer}");
    }

    eprintln!("parrain-bench: {}", PATHS[4]);
    let calls = args.connections.unwrap_or(64);
    let bodies: Arc<Vec<Bytes>> = Arc::new(
        (0..calls)
            .map(|b| event_batch(b, EVENTS_PER_CALL))
            .collect(),
    );
    let key = sk.clone();
    let events: MakeRequest = Arc::new(move |n| {
        post(
            addr,
            "/v1/events",
            &key,
            bodies[n as usize % bodies.len()].clone(),
        )
    });
    let mut batches = measure_on(args, addresses, events, step(None, None)).await?;
    batches.ok *= EVENTS_PER_CALL as u64;
    out.push(batches);
    Ok(out)
}

/// One table: a column per setup, and the ratios the targets name.
pub fn table(args: &Args, runs: &[HotPaths]) -> String {
    let machine = std::thread::available_parallelism().map_or(0, usize::from);
    let budget = match args.node_cpus {
        Some(cores) => format!(", at most {cores} CPUs per parrain process"),
        None => String::new(),
    };
    let mut t = format!(
        "parrain-bench hot paths{}: {machine} CPUs{budget}, {} s per step, {} connections on one offer, \
         {PER_CLIENT} requests per source address\n\n",
        if args.smoke {
            " --smoke (numbers mean nothing)"
        } else {
            ""
        },
        args.duration,
        args.connections.unwrap_or(64),
    );
    t += "| hot path |";
    for run in runs {
        t += &format!(" {} |", run.setup.label());
    }
    let sqlite = runs.iter().position(|r| r.setup.store == StoreKind::Sqlite);
    let pg_one = runs
        .iter()
        .position(|r| r.setup.store == StoreKind::Postgres && r.setup.nodes == 1);
    let pg_many = runs
        .iter()
        .position(|r| r.setup.store == StoreKind::Postgres && r.setup.nodes > 1);
    let pg_ratio = sqlite.zip(pg_one);
    let nodes_ratio = pg_one.zip(pg_many);
    if pg_ratio.is_some() {
        t += " PostgreSQL / SQLite |";
    }
    if nodes_ratio.is_some() {
        t += " nodes / one node |";
    }
    t += "\n|---|";
    t += &"---|"
        .repeat(runs.len() + usize::from(pg_ratio.is_some()) + usize::from(nodes_ratio.is_some()));
    t += "\n";
    for (i, path) in PATHS.iter().enumerate() {
        t += &format!("| {path} |");
        for run in runs {
            let o = &run.paths[i];
            t += &format!(
                " {:.0}/s, p99 {:.1} ms, {} failed |",
                o.per_second(),
                o.quantile_ms(0.99),
                o.errors
            );
        }
        let ratio =
            |(a, b): (usize, usize)| runs[b].paths[i].per_second() / runs[a].paths[i].per_second();
        if let Some(pair) = pg_ratio {
            t += &format!(" {:.2} |", ratio(pair));
        }
        if let Some(pair) = nodes_ratio {
            t += &format!(" {:.2} |", ratio(pair));
        }
        t += "\n";
    }
    for run in runs {
        for (path, o) in PATHS.iter().zip(&run.paths) {
            if let Some(e) = &o.first_error {
                t += &format!("\nFirst failure, {path} on {}: {e}\n", run.setup.label());
            }
        }
        for note in &run.unclean {
            t += &format!("\nNot stopped cleanly by SIGTERM: {note}\n");
        }
    }
    t
}
