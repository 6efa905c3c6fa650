//! Upkeep of the embedded database file from outside the server: online
//! backups, restores, and how far behind its migrations are.
//!
//! A backup is `VACUUM INTO` on a connection of its own: it reads inside one
//! transaction, so the copy is the database exactly as some commit left it,
//! and WAL lets it run beside a serving process's writer without stopping
//! it. Every write acknowledged before the backup began is in the copy:
//! the clicks the click log holds (`clicks.rs`) are read before the copy is
//! made, and those the copy has not recorded are recorded into it.

use std::fs::File;
use std::path::Path;

use r2d2_sqlite::rusqlite::{Connection, OpenFlags};

use super::files::{self, sibling};
use super::{clicks, journal, SqliteStore, MIGRATIONS};
use crate::{Result, StoreError};

fn fail(message: String) -> StoreError {
    StoreError::database(message)
}

/// Opens `path` read-only and checks it is a sound parrain database; returns
/// how many migrations it has.
fn check(path: &Path) -> Result<usize> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let verdict: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if verdict != "ok" {
        return Err(fail(format!("{} is damaged: {verdict}", path.display())));
    }
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let has_keys: bool = conn.query_row(
        "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'api_keys'",
        [],
        |r| r.get(0),
    )?;
    if version < 1 || !has_keys {
        return Err(fail(format!(
            "{} is not a parrain database",
            path.display()
        )));
    }
    if version as usize > MIGRATIONS.len() {
        return Err(fail(format!(
            "{} was made by a newer parrain (schema {version}, this one knows {})",
            path.display(),
            MIGRATIONS.len()
        )));
    }
    Ok(version as usize)
}

/// Writes everything to disk, so a finished backup or restore survives a power cut.
fn sync(path: &Path) -> Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| fail(format!("syncing {}: {e}", path.display())))
}

impl SqliteStore {
    /// Copies the database file `db` into the new file `to`, consistently,
    /// even while a server is writing to it; returns the copy's size in bytes.
    pub fn backup_file(db: &Path, to: &Path) -> Result<u64> {
        if to.exists() {
            return Err(fail(format!("{} already exists", to.display())));
        }
        let partial = sibling(to, ".partial");
        let _ = std::fs::remove_file(&partial);
        // Created empty and private first: VACUUM INTO fills an empty file.
        files::private_file(&partial)
            .map_err(|e| fail(format!("creating {}: {e}", partial.display())))?;
        // Read before the copy: a click recorded and deleted from the log
        // before this read was recorded before the copy began, so it is in
        // the copy.
        let waiting = clicks::rows(&clicks::path_of(db))?;
        let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let target = partial.to_string_lossy().into_owned();
        conn.execute("VACUUM INTO ?1", [&target])?;
        drop(conn);
        if !waiting.is_empty() {
            let copy = Connection::open(&partial)?;
            super::configure(&copy)?;
            if clicks::hand_over(&copy, &waiting)? > 0 {
                journal::record_pending(&copy, false)?;
            }
        }
        sync(&partial)?;
        check(&partial)?;
        std::fs::rename(&partial, to)
            .map_err(|e| fail(format!("moving the backup to {}: {e}", to.display())))?;
        if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
            sync(dir)?;
        }
        std::fs::metadata(to)
            .map(|m| m.len())
            .map_err(|e| fail(e.to_string()))
    }

    /// Makes the backup `from` the database of `data_dir`, replacing any
    /// database there (the caller makes sure no server uses it), and brings
    /// it up to this version's schema.
    pub fn restore_file(from: &Path, data_dir: &Path) -> Result<()> {
        check(from)?;
        Self::create_data_dir(data_dir)?;
        let db = data_dir.join("parrain.db");
        let incoming = sibling(&db, ".restoring");
        let _ = std::fs::remove_file(&incoming);
        files::private_file(&incoming)
            .and_then(|()| std::fs::copy(from, &incoming))
            .and_then(|_| files::restrict(&incoming))
            .map_err(|e| fail(format!("copying {}: {e}", from.display())))?;
        sync(&incoming)?;
        // A write-ahead log left by the old database would be replayed
        // into the restored one, and its click log recorded into it: they
        // go with the file they belong to.
        for stale in ["-wal", "-shm", "-clicks", "-clicks-wal", "-clicks-shm"] {
            let _ = std::fs::remove_file(sibling(&db, stale));
        }
        std::fs::rename(&incoming, &db)
            .map_err(|e| fail(format!("replacing {}: {e}", db.display())))?;
        sync(data_dir)?;
        Self::migrate_file(&db)?;
        Ok(())
    }

    /// How many migrations the database file `db` still needs.
    pub fn pending_migrations(db: &Path) -> Result<usize> {
        Ok(MIGRATIONS.len() - check(db)?)
    }
}
