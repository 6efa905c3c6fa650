//! `parrain admin create-user`: an operator account from the command line,
//! the password read from standard input and stored only as an argon2 hash;
//! `parrain admin set-role` and `list`, with the audit log signed `cli`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use parrain_server::password;
use parrain_store::sqlite::SqliteStore;
use parrain_store::{OperatorSession, Operators, Role};

fn create_user(data_dir: &str, email: &str, stdin: &str) -> Output {
    create_user_as(data_dir, email, &[], stdin)
}

fn create_user_as(data_dir: &str, email: &str, extra: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parrain"))
        .args(["admin", "--data-dir", data_dir, "create-user"])
        .args(["--email", email, "--password-stdin"])
        .args(extra)
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
    assert_eq!(
        stdout(&first).trim(),
        "created operator ops@example.com (owner)"
    );

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
        role: Role::Owner,
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

fn admin(data_dir: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parrain"))
        .args(["admin", "--data-dir", data_dir])
        .args(args)
        .env("PARRAIN_LOG", "warn")
        .output()
        .expect("the parrain binary runs")
}

#[tokio::test]
async fn roles_are_set_from_the_command_line_and_the_last_owner_stays() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let owner = create_user(data, "owner@example.com", "correct horse battery\n");
    assert!(owner.status.success(), "{owner:?}");
    let viewer = create_user_as(
        data,
        "ana@example.com",
        &["--role", "viewer"],
        "correct horse battery\n",
    );
    assert_eq!(
        stdout(&viewer).trim(),
        "created operator ana@example.com (viewer)"
    );
    let listed = admin(data, &["list"]);
    assert_eq!(
        stdout(&listed),
        "ana@example.com\tviewer\nowner@example.com\towner\n"
    );

    let promoted = admin(
        data,
        &["set-role", "--email", "ana@example.com", "--role", "editor"],
    );
    assert!(promoted.status.success(), "{promoted:?}");
    assert_eq!(stdout(&promoted).trim(), "ana@example.com: viewer → editor");

    let alone = admin(
        data,
        &[
            "set-role",
            "--email",
            "owner@example.com",
            "--role",
            "viewer",
        ],
    );
    assert!(!alone.status.success());
    assert!(
        String::from_utf8_lossy(&alone.stderr).contains("only owner"),
        "{alone:?}"
    );
    let unknown = admin(
        data,
        &["set-role", "--email", "who@example.com", "--role", "viewer"],
    );
    assert!(!unknown.status.success());
    let bad = admin(
        data,
        &["set-role", "--email", "ana@example.com", "--role", "god"],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("owner, editor, viewer"));

    let store = SqliteStore::open(dir.path()).unwrap();
    let role = |email: &'static str| {
        let store = &store;
        async move { store.operator(email).await.unwrap().unwrap().role }
    };
    assert_eq!(role("ana@example.com").await, Role::Editor);
    assert_eq!(role("owner@example.com").await, Role::Owner);
    let log: Vec<(String, String, String, String)> = (store.audit_log(None, 10).await.unwrap())
        .into_iter()
        .map(|e| (e.operator, e.action, e.target, e.detail))
        .collect();
    let entry = |action: &str, target: &str, detail: &str| {
        (
            "cli".to_owned(),
            action.to_owned(),
            target.to_owned(),
            detail.to_owned(),
        )
    };
    assert_eq!(
        log,
        [
            entry("operator.role", "ana@example.com", "viewer → editor"),
            entry("operator.create", "ana@example.com", "viewer"),
            entry("operator.create", "owner@example.com", "owner"),
        ]
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

/// The resident memory of a process, in bytes.
fn resident(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS in /proc/PID/status");
    kib * 1024
}

#[tokio::test]
async fn failed_sign_ins_with_huge_emails_do_not_grow_the_process() {
    let dir = tempfile::tempdir().unwrap();
    let server = crate::harness::Server::start(dir.path(), &[]);
    let login = format!("{}/admin/login", server.base);
    let form = server.client.get(&login).send().await.unwrap();
    let cookie = form.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = form.text().await.unwrap();
    let start = html.find(r#"name="csrf" value=""#).unwrap() + 19;
    let csrf = html[start..].split('"').next().unwrap().to_owned();
    let attempt = |email: String| {
        server
            .client
            .post(&login)
            .header("cookie", &cookie)
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", &email),
                ("password", "guess guess guess"),
            ])
            .send()
    };
    let huge = |i: usize| format!("{i}{}@example.com", "x".repeat(3 * 1024 * 1024));
    // A few attempts first: the memory a request uses in passing, which the
    // allocator keeps for the next one, is in the first measure.
    for i in 0..6 {
        assert_eq!(attempt(huge(i)).await.unwrap().status().as_u16(), 401);
    }
    let before = resident(server.child.id());
    for i in 6..20 {
        assert_eq!(attempt(huge(i)).await.unwrap().status().as_u16(), 401);
    }
    let grown = resident(server.child.id()).saturating_sub(before);
    // Kept, these 14 emails alone would be 42 MiB.
    assert!(grown < 12 * 1024 * 1024, "grew by {grown} bytes");
    // The sign-in limit per client: 20 attempts at once, then 429 whatever
    // the email (one more comes back every 3 s).
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(
            attempt("another@example.com".into())
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    server.stop();
}
