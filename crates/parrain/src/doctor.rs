//! `parrain doctor`: looks at an install the way `serve` would use it and
//! says, in plain words, what is wrong and what to do about it. It changes
//! nothing: a database that needs migrations is reported, not migrated,
//! on either store. Exits non-zero when it finds a
//! problem, so it can guard a deployment script.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use parrain_server::outbound::{net, Mailer};
use parrain_store::postgres::PgStore;
use parrain_store::sqlite::SqliteStore;
use parrain_store::JobKind;
use parrain_store::{PageRequest, Store};

use crate::config::Config;

/// What the checks found.
#[derive(Default)]
struct Report {
    problems: usize,
}

impl Report {
    fn ok(&mut self, what: impl std::fmt::Display) {
        println!("ok       {what}");
    }
    fn note(&mut self, what: impl std::fmt::Display) {
        println!("note     {what}");
    }
    fn problem(&mut self, what: impl std::fmt::Display) {
        self.problems += 1;
        println!("PROBLEM  {what}");
    }
}

/// Runs every check; returns whether all passed.
pub async fn run(config: &Config) -> bool {
    let mut report = Report::default();
    report.ok("the configuration is valid");
    let public_url = config.public_url();
    if config.public_url.is_none() && config.listen.ip().is_unspecified() {
        report.problem(format!(
            "public_url is unset, so share links start with {public_url}, which no visitor \
             can reach: set public_url to the address people use"
        ));
    }
    let store = match &config.database_url {
        Some(_) => postgres(config, &mut report).await,
        None => embedded(&config.data_dir, &mut report).await,
    };
    smtp(config, &mut report).await;
    if let Some(store) = store {
        queues(store.as_ref(), &mut report).await;
        webhooks(store.as_ref(), config.allow_private_webhooks, &mut report).await;
        crate::close(store).await;
    }
    match report.problems {
        0 => println!("\nno problems found"),
        n => println!("\n{n} problem(s) found"),
    }
    report.problems == 0
}

async fn embedded(dir: &Path, report: &mut Report) -> Option<Arc<dyn Store>> {
    if dir.exists() && !dir.is_dir() {
        report.problem(format!(
            "the data directory {} is a file, not a directory",
            dir.display()
        ));
        return None;
    }
    if let Err(e) = SqliteStore::create_data_dir(dir) {
        report.problem(format!(
            "cannot create the data directory {}: {e}",
            dir.display()
        ));
        return None;
    }
    let probe = dir.join(format!(".parrain-doctor-{}", std::process::id()));
    match std::fs::write(&probe, b"probe").and_then(|()| std::fs::remove_file(&probe)) {
        Ok(()) => report.ok(format!("the data directory {} is writable", dir.display())),
        Err(e) => {
            report.problem(format!("cannot write in {}: {e}", dir.display()));
            return None;
        }
    }
    let db = dir.join("parrain.db");
    if !db.exists() {
        report.note(format!(
            "there is no database in {} yet: `parrain serve` or `parrain migrate` creates it",
            dir.display()
        ));
        return None;
    }
    match SqliteStore::pending_migrations(&db) {
        Ok(0) => report.ok(format!(
            "the database {} is sound and up to date",
            db.display()
        )),
        Ok(n) => {
            // Opening it would migrate it: say so, and look no further.
            report.note(format!(
                "the database needs {n} migration(s): `parrain serve` applies them at start, \
                 or run `parrain migrate`"
            ));
            return None;
        }
        Err(e) => {
            report.problem(format!(
                "the database {} cannot be used: {e}; restore a backup with \
                 `parrain restore --from FILE --force`",
                db.display()
            ));
            return None;
        }
    }
    match SqliteStore::open(dir) {
        Ok(store) => Some(Arc::new(store)),
        Err(e) => {
            report.problem(format!("cannot open the database: {e}"));
            None
        }
    }
}

async fn postgres(config: &Config, report: &mut Report) -> Option<Arc<dyn Store>> {
    let url = config.database_url.as_deref()?;
    match PgStore::pending_migrations(url).await {
        Ok(0) => {}
        Ok(n) => {
            // Connecting as `serve` does would migrate it: say so, and look no further.
            report.note(format!(
                "PostgreSQL is reachable; its database needs {n} migration(s): \
                 `parrain serve` applies them at start, or run `parrain migrate`"
            ));
            return None;
        }
        Err(e) => {
            report.problem(format!("cannot use PostgreSQL: {e:#}"));
            return None;
        }
    }
    match crate::open_store(config).await {
        Ok(store) => {
            report.ok("PostgreSQL is reachable and its schema is up to date");
            Some(store)
        }
        Err(e) => {
            report.problem(format!("cannot use PostgreSQL: {e:#}"));
            None
        }
    }
}

async fn smtp(config: &Config, report: &mut Report) {
    let Some(url) = &config.smtp_url else {
        report.note("no SMTP server is set (smtp_url): emails wait in the queue until one is");
        return;
    };
    let checked = match Mailer::new(url, &config.smtp_from) {
        Ok(mailer) => tokio::time::timeout(Duration::from_secs(15), mailer.check())
            .await
            .unwrap_or_else(|_| Err(anyhow::anyhow!("no answer within 15 seconds"))),
        Err(e) => Err(e),
    };
    match checked {
        Ok(()) => report.ok("the SMTP server answers"),
        Err(e) => report.problem(format!(
            "cannot reach the SMTP server of smtp_url: {e:#}; emails will wait in the queue"
        )),
    }
}

async fn queues(store: &dyn Store, report: &mut Report) {
    for kind in JobKind::ALL {
        let name = kind.as_str();
        match store.queue_counts(kind).await {
            Ok(counts) if counts.failed > 0 => report.note(format!(
                "{} {name} deliveries failed for good ({} waiting)",
                counts.failed, counts.waiting
            )),
            Ok(counts) => report.ok(format!("{} {name} deliveries waiting", counts.waiting)),
            Err(e) => report.problem(format!("cannot read the {name} queue: {e}")),
        }
    }
}

/// Each enabled webhook endpoint should accept a connection. Its address
/// is checked first, as deliveries check it (unless private webhooks are
/// allowed): the doctor connects to nothing a delivery would refuse, and
/// only to the addresses it checked.
async fn webhooks(store: &dyn Store, allow_private: bool, report: &mut Report) {
    let first = PageRequest {
        cursor: None,
        limit: 500,
    };
    let Ok(page) = store.list_webhooks(first).await else {
        report.problem("cannot read the webhook endpoints");
        return;
    };
    for hook in page.items.iter().filter(|h| h.enabled) {
        let addresses = match net::webhook_addresses(&hook.url, allow_private).await {
            Ok(addresses) => addresses,
            Err(e) => {
                report.problem(format!(
                    "webhook {} ({}) is refused, so its deliveries will fail: {e}",
                    hook.id, hook.url
                ));
                continue;
            }
        };
        let connect = tokio::net::TcpStream::connect(&addresses[..]);
        match tokio::time::timeout(Duration::from_secs(5), connect).await {
            Ok(Ok(_)) => report.ok(format!("webhook {} ({}) is reachable", hook.id, hook.url)),
            Ok(Err(e)) => report.problem(format!(
                "webhook {} ({}) is unreachable: {e}",
                hook.id, hook.url
            )),
            Err(_) => report.problem(format!(
                "webhook {} ({}) did not accept a connection within 5 seconds",
                hook.id, hook.url
            )),
        }
    }
}
