//! `parrain backup` under write load, then `parrain restore`: the restored
//! install has every sign-up acknowledged before the backup began.

use std::time::Instant;

use crate::harness::{run, Load, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_load_restores_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("live");
    let server = Server::start(&data, &[]);
    let sk = server.sk.clone().unwrap();
    let offer = server.approved_offer(&sk).await;
    let load = Load::start(&server, &sk, &offer, 8);
    load.until_acknowledged(60).await;

    let file = dir.path().join("parrain-backup.db");
    let began = Instant::now();
    let (to, from) = (
        file.to_str().unwrap().to_owned(),
        data.to_str().unwrap().to_owned(),
    );
    let backup =
        tokio::task::spawn_blocking(move || run(&["backup", "--to", &to, "--data-dir", &from]));
    let backup = backup.await.unwrap();
    let ended = Instant::now();
    load.until_acknowledged(load.acknowledged() + 10).await;
    let acknowledged = load.finish().await;
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    let before: Vec<_> = acknowledged.iter().filter(|(_, at)| *at < began).collect();
    let during = acknowledged
        .iter()
        .filter(|(_, at)| *at >= began && *at <= ended)
        .count();
    assert!(before.len() > 20, "too little load: {}", before.len());
    assert!(
        acknowledged.iter().any(|(_, at)| *at > ended),
        "writes went on after the backup"
    );
    eprintln!(
        "{} sign-ups before the backup, {during} during it, {} in all",
        before.len(),
        acknowledged.len()
    );
    server.stop();

    // A backup never overwrites a file; a restore over a data directory
    // that holds a database needs --force.
    let file_arg = file.to_str().unwrap();
    let again = run(&[
        "backup",
        "--to",
        file_arg,
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let refused = run(&[
        "restore",
        "--from",
        file_arg,
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));

    let restored = dir.path().join("restored");
    let done = run(&[
        "restore",
        "--from",
        file_arg,
        "--data-dir",
        restored.to_str().unwrap(),
    ]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let server = Server::start(&restored, &[]);
    assert!(server.sk.is_none(), "the restored install keeps its keys");
    let stored = server.emails(&sk, &offer).await;
    let missing: Vec<_> = before
        .iter()
        .filter(|(email, _)| !stored.contains(email))
        .collect();
    assert!(missing.is_empty(), "lost in the backup: {missing:?}");
    server.stop();

    // With --force the live directory goes back to the backup: what was
    // written after it is gone, what came before is there.
    let data_arg = data.to_str().unwrap();
    let forced = run(&[
        "restore",
        "--from",
        file_arg,
        "--data-dir",
        data_arg,
        "--force",
    ]);
    assert!(forced.status.success());
    let server = Server::start(&data, &[]);
    let stored = server.emails(&sk, &offer).await;
    assert!(before.iter().all(|(email, _)| stored.contains(email)));
    let (last, _) = acknowledged.iter().max_by_key(|(_, at)| *at).unwrap();
    assert!(!stored.contains(last), "{last} came after the backup");
}
