//! The data directory's lock. `parrain serve` on the embedded database and
//! `parrain restore` hold an exclusive OS lock on `DATA_DIR/parrain.lock`
//! while they run, so a second `serve` or a restore under a running one
//! refuses instead of writing to a database another process is using. The
//! operating system lets go of the lock when the process ends, however it
//! ends; the file itself stays and is harmless.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use anyhow::Context;
use parrain_store::sqlite::SqliteStore;

/// The lock's file in the data directory.
pub const LOCK_FILE: &str = "parrain.lock";

/// Holds the data directory's lock until dropped.
pub struct DataDirLock {
    _file: File,
}

/// Takes the lock on `dir` (created if missing) for `doing`, or says which
/// directory another parrain is using.
pub fn lock(dir: &Path, doing: &str) -> anyhow::Result<DataDirLock> {
    SqliteStore::create_data_dir(dir)
        .with_context(|| format!("creating the data directory {}", dir.display()))?;
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(DataDirLock { _file: file }),
        Err(TryLockError::WouldBlock) => anyhow::bail!(
            "another parrain is running on the data directory {} (it holds {}): stop it \
             before {doing}",
            dir.display(),
            path.display()
        ),
        Err(TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("locking {}", path.display()))
        }
    }
}
