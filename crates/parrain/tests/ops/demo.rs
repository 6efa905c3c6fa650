//! `parrain serve --demo`: a demo offer and the page that hosts it, ready at
//! start-up and the same after a restart.

use serde_json::Value;

use crate::harness::{free_port, Server};

/// The value of `attr="…"` in the page.
fn attr<'a>(page: &'a str, attr: &str) -> &'a str {
    let start = page.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
    &page[start..start + page[start..].find('"').unwrap()]
}

#[tokio::test]
async fn serve_demo_seeds_a_live_offer_and_serves_its_page() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();

    let server = Server::start_on(port, dir.path(), &["--demo"]);
    let printed = &server.printed;
    assert!(
        printed.iter().any(|l| l.contains(&format!("{base}/demo"))),
        "the demo URL is printed at start-up: {printed:?}"
    );
    let sk = server
        .sk
        .clone()
        .expect("the first-run keys are still printed");
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
    let _server = Server::start_on(port, dir.path(), &["--demo"]);
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
