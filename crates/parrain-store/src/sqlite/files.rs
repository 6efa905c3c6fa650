//! The embedded database's files are private to the user parrain runs as:
//! they hold webhook secrets, key hashes and people's data. The data
//! directory is created 0700; the database, its write-ahead log and shared
//! memory file, and backups are 0600 — created so where parrain creates
//! them (SQLite gives the log and shared-memory files the database file's
//! mode), and tightened where an older install left them readable by others.

use std::io;
use std::path::{Path, PathBuf};

/// `path` with `suffix` added to its file name (`parrain.db` → `parrain.db-wal`).
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(suffix);
    path.with_file_name(name)
}

/// Creates `dir` (and missing parents) readable by its owner only; a
/// directory that exists already is left as the operator made it.
pub(crate) fn private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Makes the database file `db` (created empty if missing, so SQLite opens a
/// file that is private from the start) and its `-wal` and `-shm` files, if
/// any, readable and writable by their owner only.
pub(crate) fn private_database(db: &Path) -> io::Result<()> {
    private_file(db)?;
    for suffix in ["-wal", "-shm"] {
        let file = sibling(db, suffix);
        if file.exists() {
            restrict(&file)?;
        }
    }
    Ok(())
}

/// Creates `path` empty and owner-only if missing, or restricts it.
pub(crate) fn private_file(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => restrict(path),
        Err(e) => Err(e),
    }
}

/// Takes away every permission of group and others.
pub(crate) fn restrict(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
