//! `parrain serve --demo`: a demo offer and the page that hosts it, ready at
//! start-up and the same after a restart.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `parrain serve --demo`; returns it with what it printed before listening.
fn start_demo(data_dir: &Path, port: u16) -> (Server, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parrain"))
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data_dir)
        .env("PARRAIN_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the parrain binary starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let server = Server(child);
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "parrain exited before listening: {lines:?}"
        );
        let listening = line.starts_with("parrain listening");
        lines.push(line.trim().to_owned());
        if listening {
            break;
        }
        assert!(Instant::now() < deadline, "parrain did not start in time");
    }
    std::thread::spawn(move || for _ in out.lines() {});
    (server, lines)
}

/// The value of `attr="…"` in the page.
fn attr<'a>(page: &'a str, attr: &str) -> &'a str {
    let start = page.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
    &page[start..start + page[start..].find('"').unwrap()]
}

#[tokio::test]
async fn serve_demo_seeds_a_live_offer_and_serves_its_page() {
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();

    let (server, printed) = start_demo(dir.path(), port);
    assert!(
        printed.iter().any(|l| l.contains(&format!("{base}/demo"))),
        "the demo URL is printed at start-up: {printed:?}"
    );
    let sk = printed
        .iter()
        .find(|l| l.starts_with("secret key"))
        .and_then(|l| l.split_whitespace().last())
        .expect("the first-run keys are still printed")
        .to_owned();
    let page = client
        .get(format!("{base}/demo"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let offer = attr(&page, "data-parrain-offer").to_owned();
    let pk = attr(&page, "data-key").to_owned();
    assert!(
        offer.starts_with("off_") && pk.starts_with("pk_"),
        "{offer} {pk}"
    );
    assert!(page.contains(&format!("{base}/embed.js")));

    let public: Value = client
        .get(format!("{base}/v1/offers/{offer}/public"))
        .bearer_auth(&pk)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public["live"], true, "{public}");
    assert_eq!(public["goal"]["type"], "referred_signups");
    assert_eq!(public["goal"]["count"], 3);
    let codes: Value = client
        .get(format!("{base}/v1/offers/{offer}/promo-codes"))
        .bearer_auth(&sk)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        codes["available"].as_i64().unwrap() > 0,
        "a pool of promo codes: {codes}"
    );
    drop(server);

    // A restart finds the same offer and key: the page keeps working.
    let (_server, _) = start_demo(dir.path(), port);
    let client = reqwest::Client::new(); // the old one's pooled connections died with the server
    let again = client
        .get(format!("{base}/demo"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(attr(&again, "data-parrain-offer"), offer);
    assert_eq!(attr(&again, "data-key"), pk);
    let offers: Value = client
        .get(format!("{base}/v1/offers"))
        .bearer_auth(&sk)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        offers["data"].as_array().unwrap().len(),
        1,
        "no second demo offer"
    );
}
