//! `parrain backup` and `parrain restore` for the embedded database.
//!
//! A backup may run while `parrain serve` is running: it is a consistent
//! snapshot (see `SqliteStore::backup_file`). A restore replaces the data
//! directory's database, so it must run while parrain is stopped (it
//! refuses while a `parrain serve` holds the data directory's lock), and it
//! refuses to replace an existing database unless told to with `--force`.
//! PostgreSQL installs use `pg_dump` and `pg_restore` (docs/deployment.md).

use std::path::Path;

use anyhow::Context;
use parrain_store::sqlite::SqliteStore;

use crate::config::Config;

const POSTGRES: &str = "this install uses PostgreSQL: back it up with pg_dump and restore \
    it with pg_restore (see docs/deployment.md)";

pub fn backup(config: &Config, to: &Path) -> anyhow::Result<()> {
    if config.database_url.is_some() {
        anyhow::bail!(POSTGRES);
    }
    let db = config.data_dir.join("parrain.db");
    if !db.exists() {
        anyhow::bail!("there is no database in {}", config.data_dir.display());
    }
    let size = SqliteStore::backup_file(&db, to)
        .with_context(|| format!("backing up {}", db.display()))?;
    println!(
        "backed up {} to {} ({size} bytes)",
        db.display(),
        to.display()
    );
    Ok(())
}

pub fn restore(config: &Config, from: &Path, force: bool) -> anyhow::Result<()> {
    if config.database_url.is_some() {
        anyhow::bail!(POSTGRES);
    }
    if !from.is_file() {
        anyhow::bail!("the backup {} does not exist", from.display());
    }
    // Held to the end: no parrain may start on the directory meanwhile.
    let _lock = crate::lock::lock(&config.data_dir, "restoring")?;
    let db = config.data_dir.join("parrain.db");
    if db.exists() && !force {
        anyhow::bail!(
            "{} already holds a database; stop parrain, then run the restore again with \
             --force to replace it (what it holds now is lost)",
            config.data_dir.display()
        );
    }
    SqliteStore::restore_file(from, &config.data_dir)
        .with_context(|| format!("restoring {}", from.display()))?;
    println!(
        "restored {} into {}",
        from.display(),
        config.data_dir.display()
    );
    Ok(())
}
