//! `parrain admin create-user`: an operator account from the command line,
//! the password read from standard input and stored only as an argon2 hash.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use parrain_server::password;
use parrain_store::sqlite::SqliteStore;
use parrain_store::{OperatorSession, Operators};

fn create_user(data_dir: &str, email: &str, stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parrain"))
        .args(["admin", "--data-dir", data_dir, "create-user"])
        .args(["--email", email, "--password-stdin"])
        .env("PARRAIN_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the parrain binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[tokio::test]
async fn create_user_stores_a_hash_and_a_second_run_resets_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();

    let first = create_user(data, "Ops@Example.com", "correct horse battery\n");
    assert!(first.status.success(), "{first:?}");
    assert_eq!(stdout(&first).trim(), "created operator ops@example.com");

    let store = SqliteStore::open(dir.path()).unwrap();
    let operator = store.operator("ops@example.com").await.unwrap().unwrap();
    assert!(operator.password_hash.starts_with("$argon2id$"));
    assert!(!operator.password_hash.contains("correct horse"));
    assert!(password::verify(
        "correct horse battery",
        &operator.password_hash
    ));
    let session = OperatorSession {
        token_hash: "t".repeat(64),
        email: operator.email.clone(),
        csrf_token: "c".into(),
        created_at: 0,
        expires_at: i64::MAX,
    };
    store.insert_session(session.clone()).await.unwrap();
    assert_eq!(
        store.session(&session.token_hash, 1).await.unwrap(),
        Some(session.clone())
    );

    let again = create_user(data, "ops@example.com", "a brand new passphrase\n");
    assert!(again.status.success(), "{again:?}");
    assert_eq!(
        stdout(&again).trim(),
        "set a new password for operator ops@example.com"
    );
    let operator = store.operator("ops@example.com").await.unwrap().unwrap();
    assert!(password::verify(
        "a brand new passphrase",
        &operator.password_hash
    ));
    assert!(!password::verify(
        "correct horse battery",
        &operator.password_hash
    ));
    assert_eq!(
        store.session(&session.token_hash, 1).await.unwrap(),
        None,
        "a reset ends the operator's sessions"
    );
}

#[test]
fn short_passwords_and_bad_emails_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let short = create_user(data, "ops@example.com", "short\n");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"));
    let bad = create_user(data, "not-an-email", "correct horse battery\n");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--email"));
}
