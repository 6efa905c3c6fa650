//! One parrain at a time where that matters: a second `serve` and a
//! `restore` refuse while a `serve` holds the data directory, `doctor` on
//! PostgreSQL reports pending migrations without applying them, and two
//! first starts at once on one PostgreSQL database print first keys once.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use parrain_store::postgres::scratch::ScratchDatabase;
use serde_json::json;

use crate::harness::{free_port, run, Server};

/// Runs `parrain ARGS`, which should end by itself; fails the test if it
/// is still running after 30 seconds (a second `serve` that started).
fn run_expecting_exit(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parrain"))
        .args(args)
        .env("PARRAIN_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the parrain binary runs");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("parrain {args:?} did not stop: it should have refused to run");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

async fn scratch() -> ScratchDatabase {
    tokio::task::spawn_blocking(ScratchDatabase::create)
        .await
        .unwrap()
        .expect("the test PostgreSQL server is reachable")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_serve_and_a_restore_refuse_while_parrain_runs_on_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_arg = data.to_str().unwrap().to_owned();
    let server = Server::start(&data, &[]);
    let sk = server.sk.clone().unwrap();
    let offer = server.approved_offer(&sk).await;
    let backup = dir.path().join("backup.db");
    let made = run(&[
        "backup",
        "--to",
        backup.to_str().unwrap(),
        "--data-dir",
        &data_arg,
    ]);
    assert!(made.status.success(), "a backup may run beside serve");
    let (status, _) = server
        .sign_up(&sk, &offer, json!({"email": "after-backup@example.com"}))
        .await;
    assert_eq!(status, 201);

    let listen = format!("127.0.0.1:{}", free_port());
    let args = ["serve", "--listen", &listen, "--data-dir", &data_arg];
    let second = run_expecting_exit(&args);
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "a second serve started");
    assert!(
        said.contains("another parrain is running on the data directory")
            && said.contains(&data_arg),
        "{said}"
    );

    let from = backup.to_str().unwrap();
    let restore = run_expecting_exit(&[
        "restore",
        "--from",
        from,
        "--data-dir",
        &data_arg,
        "--force",
    ]);
    let said = String::from_utf8_lossy(&restore.stderr);
    assert!(
        !restore.status.success(),
        "a restore ran under a running serve"
    );
    assert!(said.contains("another parrain is running"), "{said}");
    // Nothing was replaced: the sign-up made after the backup is still there.
    assert!(server
        .emails(&sk, &offer)
        .await
        .contains(&"after-backup@example.com".to_owned()));
    server.stop();

    // Stopped (even killed), the directory is free again.
    let restore = run(&[
        "restore",
        "--from",
        from,
        "--data-dir",
        &data_arg,
        "--force",
    ]);
    assert!(
        restore.status.success(),
        "{}",
        String::from_utf8_lossy(&restore.stderr)
    );
    let server = Server::start(&data, &[]);
    assert!(!server
        .emails(&sk, &offer)
        .await
        .contains(&"after-backup@example.com".to_owned()));
    server.stop();
}

/// The doctor changes nothing: on a PostgreSQL database that needs
/// migrations it says so and leaves it as it was.
#[tokio::test]
async fn the_doctor_reports_pending_postgres_migrations_without_applying_them() {
    let db = scratch().await;
    let url = db.url().to_owned();
    let doctor = || {
        run(&[
            "doctor",
            "--database-url",
            &url,
            "--public-url",
            "http://localhost",
        ])
    };
    // Every migration the PostgreSQL store ships.
    let migrations = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../parrain-store/migrations/postgres"
    ))
    .unwrap()
    .count();
    let said = doctor();
    let text = String::from_utf8_lossy(&said.stdout);
    assert!(
        text.contains(&format!("needs {migrations} migration(s)")),
        "{text}"
    );
    let url2 = url.clone();
    let migrated = tokio::task::spawn_blocking(move || {
        let mut client = postgres::Client::connect(&url2, postgres::NoTls).unwrap();
        client
            .query_one("SELECT to_regclass('parrain_migrations') IS NOT NULL", &[])
            .unwrap()
            .get::<_, bool>(0)
    })
    .await
    .unwrap();
    assert!(!migrated, "the doctor migrated the database");

    assert!(run(&["migrate", "--database-url", &url]).status.success());
    let said = doctor();
    let text = String::from_utf8_lossy(&said.stdout);
    assert!(text.contains("its schema is up to date"), "{text}");
    assert!(!text.contains("migration(s)"), "{text}");
    tokio::task::spawn_blocking(move || drop(db)).await.unwrap();
}

/// Two nodes starting at the same moment on a new database: one prints
/// the first keys, the other none, and the database holds two keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_first_starts_on_one_postgres_database_print_first_keys_once() {
    for _ in 0..3 {
        let db = scratch().await;
        let url = db.url().to_owned();
        let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
        let starts: Vec<_> = dirs
            .iter()
            .map(|dir| {
                let (dir, url) = (dir.path().to_owned(), url.clone());
                std::thread::spawn(move || Server::start(&dir, &["--database-url", &url]))
            })
            .collect();
        let servers: Vec<Server> = starts.into_iter().map(|s| s.join().unwrap()).collect();
        let printed: Vec<_> = servers.iter().filter_map(|s| s.sk.clone()).collect();
        assert_eq!(
            printed.len(),
            1,
            "{:?}",
            servers.iter().map(|s| &s.printed).collect::<Vec<_>>()
        );
        // The printed key works on both nodes.
        for server in &servers {
            let offer = server.approved_offer(&printed[0]).await;
            assert!(offer.starts_with("off_"), "{offer}");
        }
        let listed = run(&["keys", "list", "--database-url", &url]);
        let lines = String::from_utf8_lossy(&listed.stdout).lines().count();
        assert_eq!(lines, 2, "one secret and one publishable key");
        for server in servers {
            tokio::task::spawn_blocking(move || server.stop())
                .await
                .unwrap();
        }
        tokio::task::spawn_blocking(move || drop(db)).await.unwrap();
    }
}
