//! `parrain import`: a CSV file of participants into an offer through the
//! real binary, beside a running server on the same data directory: a dry
//! run that writes nothing, the import, the same file again, a bad file.

use std::process::Output;

use serde_json::Value;

use crate::harness::{run, Server};

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

async fn participants(server: &Server, sk: &str, offer: &str) -> Vec<Value> {
    let list: Value = server
        .client
        .get(format!(
            "{}/v1/offers/{offer}/participants?limit=500",
            server.base
        ))
        .bearer_auth(sk)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn import_through_the_binary_dry_runs_imports_once_and_refuses_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let sk = server.sk.clone().unwrap();
    let offer = server.approved_offer(&sk).await;
    let data = dir.path().to_str().unwrap();
    let file = dir.path().join("marketo.csv");
    std::fs::write(
        &file,
        "Email Address,First Name,code,referred_by,credit,fulfilled\n\
         ana@example.com,Ana,ana-2019,,1,true\n\
         bob@example.com,Bob,,ana@example.com,0,false\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let import = |extra: &[&str]| {
        let mut args = vec!["import", "--data-dir", data, "--offer", &offer];
        args.extend(extra);
        args.push(path);
        run(&args)
    };

    let dry = import(&["--dry-run"]);
    assert!(dry.status.success(), "{dry:?}");
    assert!(
        out(&dry).contains("would create 2 participant(s)"),
        "{}",
        out(&dry)
    );
    assert!(participants(&server, &sk, &offer).await.is_empty());

    let done = import(&[]);
    assert!(done.status.success(), "{done:?}");
    assert!(
        out(&done).contains("2 participant(s) created"),
        "{}",
        out(&done)
    );
    let list = participants(&server, &sk, &offer).await;
    assert_eq!(list.len(), 2);
    let ana = list
        .iter()
        .find(|p| p["email"] == "ana@example.com")
        .unwrap();
    assert_eq!(ana["code"], "ana-2019");
    assert_eq!(ana["progress"]["fulfilled"], true);
    // The running server follows Ana's kept link at once.
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/r/ana-2019", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 302);

    let again = import(&[]);
    assert!(again.status.success(), "{again:?}");
    assert!(
        out(&again).contains("0 participant(s) created"),
        "{}",
        out(&again)
    );
    assert!(out(&again).contains("2 unchanged"), "{}", out(&again));

    std::fs::write(
        &file,
        "email,credit\ncid@example.com,1\nnot-an-email,1\ndan@example.com,many\n",
    )
    .unwrap();
    let bad = import(&[]);
    assert!(!bad.status.success());
    let stderr = err(&bad);
    assert!(stderr.contains("line 3 (email)"), "{stderr}");
    assert!(stderr.contains("line 4 (credit)"), "{stderr}");
    assert!(
        stderr.contains("2 line(s) refused; nothing was imported"),
        "{stderr}"
    );
    assert_eq!(participants(&server, &sk, &offer).await.len(), 2);
    server.stop();
}
