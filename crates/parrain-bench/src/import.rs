//! `--import N`: times `parrain import` of an N-line CSV file (SPEC §13's
//! "in an afternoon") on the embedded store and on a fresh PostgreSQL
//! database, then the same file again (which changes nothing), and prints
//! one table. The file is what a Marketo export turned into parrain's
//! columns looks like: names, a kept share code on half the lines, a
//! referrer on most, credit, fulfilment and promo codes.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde_json::{json, Value};

use crate::scale::{Database, StoreKind};
use crate::server::Server;
use crate::Args;

/// Writes the N-line file.
fn write_file(path: &Path, rows: u64) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        out,
        "email,first_name,last_name,code,referred_by,credit,fulfilled,promo_code,created_at"
    )?;
    for i in 0..rows {
        let code = match i % 2 {
            0 => format!("mkto-{i}"),
            _ => String::new(),
        };
        let referrer = match i {
            0 => String::new(),
            _ => format!("person{}@example.com", i / 3),
        };
        let fulfilled = i % 10 == 0;
        let promo = if fulfilled {
            format!("OLD-{i}")
        } else {
            String::new()
        };
        writeln!(
            out,
            "person{i}@example.com,First{i},Last{i},{code},{referrer},{},{fulfilled},{promo},2024-03-01 10:00:00",
            i % 4
        )?;
    }
    out.flush()?;
    Ok(())
}

/// Creates an approved offer through a short-lived server on the store.
async fn offer(parrain: &Path, data: &Path, database: Option<&str>) -> anyhow::Result<String> {
    let server = Server::parrain_on(parrain, data, database)?;
    let secret = server
        .secret
        .clone()
        .context("the first start printed no key")?;
    let client = reqwest::Client::new();
    let base = format!("http://{}", server.addr);
    let created: Value = client
        .post(format!("{base}/v1/offers"))
        .bearer_auth(&secret)
        .json(&json!({
            "name": "Imported from Marketo",
            "goal": {"type": "referred_signups", "count": 3},
            "offer_page_url": "https://shop.example.com/refer",
            "emails": {"fulfillment": {"subject": "Your reward", "text": "{{social.Promo Code}}"}}
        }))
        .send()
        .await?
        .json()
        .await?;
    let id = created["id"].as_str().context("no offer id")?.to_owned();
    client
        .post(format!("{base}/v1/offers/{id}/approve"))
        .bearer_auth(&secret)
        .send()
        .await?
        .error_for_status()?;
    server.stop()?;
    Ok(id)
}

/// Runs `parrain import` once; returns how long it took and what it said.
async fn time_import(
    parrain: &Path,
    data: &Path,
    database: Option<&str>,
    offer: &str,
    file: &Path,
) -> anyhow::Result<(Duration, String)> {
    let mut command = tokio::process::Command::new(parrain);
    command
        .arg("import")
        .arg("--data-dir")
        .arg(data)
        .args(["--offer", offer])
        .arg(file)
        .stdin(std::process::Stdio::null());
    if let Some(url) = database {
        command.args(["--database-url", url]);
    }
    let started = Instant::now();
    let output = command.output().await?;
    let took = started.elapsed();
    let said = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if !output.status.success() {
        bail!(
            "parrain import failed: {}{said}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok((took, said))
}

/// The import and the re-import on each store; returns the table.
pub async fn run(args: &Args, parrain: &Path, dir: &Path, rows: u64) -> anyhow::Result<String> {
    let file = dir.join("import.csv");
    write_file(&file, rows)?;
    let mut table = String::new();
    writeln!(table, "## `parrain import` of {rows} lines\n")?;
    writeln!(
        table,
        "| store | import | lines/s | the same file again | what it said |"
    )?;
    writeln!(table, "|---|---:|---:|---:|---|")?;
    let mut firsts = Vec::new();
    for store in [StoreKind::Sqlite, StoreKind::Postgres] {
        let data = dir.join(match store {
            StoreKind::Sqlite => "import-sqlite",
            StoreKind::Postgres => "import-postgres",
        });
        std::fs::create_dir_all(&data)?;
        let database = match store {
            StoreKind::Sqlite => None,
            StoreKind::Postgres => Some(Database::create(&args.postgres).await?),
        };
        let url = database.as_ref().map(Database::url);
        eprintln!("parrain-bench: import of {rows} lines, {}", store.label());
        let offer = offer(parrain, &data, url.as_deref()).await?;
        let (first, said) = time_import(parrain, &data, url.as_deref(), &offer, &file).await?;
        let (again, _) = time_import(parrain, &data, url.as_deref(), &offer, &file).await?;
        if let (Some(db), false) = (database, args.keep) {
            db.drop_it().await?;
        }
        writeln!(
            table,
            "| {} | {:.1} s | {:.0} | {:.1} s | {said} |",
            store.label(),
            first.as_secs_f64(),
            rows as f64 / first.as_secs_f64(),
            again.as_secs_f64()
        )?;
        firsts.push(first);
    }
    writeln!(
        table,
        "\nPostgreSQL/SQLite time ratio: {:.2}",
        firsts[1].as_secs_f64() / firsts[0].as_secs_f64()
    )?;
    Ok(table)
}
