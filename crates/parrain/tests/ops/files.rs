//! Files at rest: the data directory `parrain serve` creates is 0700, and
//! the database, its click log, their write-ahead logs and shared-memory
//! files, and backups are 0600, whatever the umask; an older install's readable files are
//! tightened when it starts.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::json;

use crate::harness::{run, Server};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn database_files(data: &Path) -> Vec<(String, u32)> {
    [
        "parrain.db",
        "parrain.db-wal",
        "parrain.db-shm",
        "parrain.db-clicks",
        "parrain.db-clicks-wal",
        "parrain.db-clicks-shm",
    ]
    .iter()
    .map(|f| (f.to_string(), mode(&data.join(f))))
    .collect()
}

fn private(files: &[(&str, u32)]) -> Vec<(String, u32)> {
    files.iter().map(|(f, _)| (f.to_string(), 0o600)).collect()
}

#[tokio::test]
async fn the_data_directory_is_0700_and_the_database_files_and_backups_0600() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("state").join("parrain");
    let all = [
        ("parrain.db", 0),
        ("parrain.db-wal", 0),
        ("parrain.db-shm", 0),
        ("parrain.db-clicks", 0),
        ("parrain.db-clicks-wal", 0),
        ("parrain.db-clicks-shm", 0),
    ];

    // A fresh install, written to, so the log and shared memory exist.
    let server = Server::start(&data, &[]);
    let sk = server.sk.clone().unwrap();
    let offer = server.approved_offer(&sk).await;
    let (status, _) = server
        .sign_up(&sk, &offer, json!({"email": "ana@example.com"}))
        .await;
    assert_eq!(status, 201);
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(data.parent().unwrap()), 0o700, "created parents too");
    assert_eq!(database_files(&data), private(&all));

    // A backup taken while it runs.
    let backup = dir.path().join("backup.db");
    let made = run(&[
        "backup",
        "--to",
        backup.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert!(made.status.success(), "{made:?}");
    assert_eq!(mode(&backup), 0o600);
    server.stop();

    // Restored elsewhere: a new private directory and file.
    let elsewhere = dir.path().join("restored");
    let restored = run(&[
        "restore",
        "--from",
        backup.to_str().unwrap(),
        "--data-dir",
        elsewhere.to_str().unwrap(),
    ]);
    assert!(restored.status.success(), "{restored:?}");
    assert_eq!(mode(&elsewhere), 0o700);
    assert_eq!(mode(&elsewhere.join("parrain.db")), 0o600);

    // An install whose files were left readable by everyone is tightened.
    for (file, _) in all {
        let path = data.join(file);
        if path.exists() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
    let again = Server::start(&data, &[]);
    let (status, _) = again
        .sign_up(&sk, &offer, json!({"email": "bo@example.com"}))
        .await;
    assert_eq!(status, 201);
    assert_eq!(database_files(&data), private(&all));
}
