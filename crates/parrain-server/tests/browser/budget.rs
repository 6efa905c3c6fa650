//! The widget script's weight: what every host page downloads.

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;
use reqwest::StatusCode;

use crate::app::spawn_app;

/// SPEC §8: one small script, under 15 KB gzipped.
const BUDGET: usize = 15 * 1024;

#[tokio::test]
async fn embed_js_stays_under_15_kb_gzipped_and_revalidates_by_etag() {
    let app = spawn_app().await;

    let response = app.client.get(app.url("/embed.js")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    let script = response.bytes().await.unwrap();

    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&script).unwrap();
    let size = gz.finish().unwrap().len();
    println!("embed.js: {} bytes, {size} bytes gzipped", script.len());
    assert!(
        size < BUDGET,
        "embed.js is {size} bytes gzipped, over the {BUDGET}-byte budget"
    );

    let again = app
        .client
        .get(app.url("/embed.js"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}
