//! The store and configuration flags are global: every subcommand takes
//! them, after its own name or before it (`parrain keys create
//! --database-url …` used to fail with "unexpected argument").

use std::io::Write;
use std::process::{Command, Output, Stdio};

use parrain_store::postgres::scratch::ScratchDatabase;

use crate::harness::run;

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn ok(args: &[&str]) -> String {
    let output = run(args);
    assert!(
        output.status.success(),
        "parrain {args:?}: {}",
        said(&output)
    );
    said(&output)
}

#[test]
fn keys_take_the_data_directory_after_their_subcommand_and_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();

    let created = ok(&[
        "keys",
        "create",
        "--kind",
        "secret",
        "--name",
        "ci",
        "--data-dir",
        data,
    ]);
    assert!(created.contains("created secret key"), "{created}");

    let listed = ok(&["keys", "list", "--data-dir", data]);
    assert!(listed.contains("\tci"), "{listed}");
    let before = ok(&["--data-dir", data, "keys", "list"]);
    assert_eq!(before, listed);
    // Elsewhere there is no such key: the flag was used, not ignored.
    let other = tempfile::tempdir().unwrap();
    let elsewhere = ok(&["keys", "list", "--data-dir", other.path().to_str().unwrap()]);
    assert!(!elsewhere.contains("\tci"), "{elsewhere}");
}

#[test]
fn keys_migrate_and_doctor_take_the_database_url_after_their_subcommand() {
    let db = ScratchDatabase::create().expect("the test PostgreSQL server is reachable");
    let created = ok(&[
        "keys",
        "create",
        "--kind",
        "publishable",
        "--name",
        "web",
        "--database-url",
        db.url(),
    ]);
    assert!(created.contains("created publishable key"), "{created}");
    let listed = ok(&["keys", "list", "--database-url", db.url()]);
    assert!(
        listed.contains("publishable") && listed.contains("\tweb"),
        "{listed}"
    );
    let migrated = ok(&["migrate", "--database-url", db.url()]);
    assert!(migrated.contains("0 migration(s) applied"), "{migrated}");
    let doctor = ok(&["doctor", "--database-url", db.url()]);
    assert!(doctor.contains("PostgreSQL is reachable"), "{doctor}");
}

#[test]
fn every_subcommand_takes_the_configuration_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("parrain.toml");
    std::fs::write(&file, format!("data_dir = {:?}\n", data.to_str().unwrap())).unwrap();
    let config = file.to_str().unwrap();

    ok(&["migrate", "--config", config]);
    assert!(data.join("parrain.db").exists());
    ok(&[
        "keys",
        "create",
        "--kind",
        "secret",
        "--name",
        "from-file",
        "--config",
        config,
    ]);
    let listed = ok(&["keys", "list", "--config", config]);
    assert!(listed.contains("\tfrom-file"), "{listed}");

    let mut admin = Command::new(env!("CARGO_BIN_EXE_parrain"))
        .args([
            "admin",
            "create-user",
            "--email",
            "ops@example.com",
            "--password-stdin",
        ])
        .args(["--config", config])
        .env("PARRAIN_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = admin.stdin.take().unwrap();
    (&stdin).write_all(b"correct horse battery\n").unwrap();
    drop(stdin);
    let admin = admin.wait_with_output().unwrap();
    assert!(admin.status.success(), "{}", said(&admin));

    let shown = ok(&["config", "--config", config]);
    assert!(shown.contains(data.to_str().unwrap()), "{shown}");
    let doctor = ok(&["doctor", "--config", config]);
    assert!(
        doctor.contains(&format!("{} is writable", data.display())),
        "{doctor}"
    );
    let backup = dir.path().join("backup.db");
    ok(&[
        "backup",
        "--to",
        backup.to_str().unwrap(),
        "--config",
        config,
    ]);
    assert!(backup.exists());
    ok(&[
        "restore",
        "--from",
        backup.to_str().unwrap(),
        "--force",
        "--config",
        config,
    ]);
    let restored = ok(&["keys", "list", "--config", config]);
    assert_eq!(restored, listed);
}
