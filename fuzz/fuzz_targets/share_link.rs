//! The public edge: `/r/{code}` share links with any path, query string and
//! cookie, and the query strings of `/v1` lists, through the real router on
//! a real SQLite store. Every request gets an answer below 500.
#![no_main]

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;
use parrain_server::{auth, AppState, Clock, ServerConfig};
use parrain_store::sqlite::SqliteStore;
use parrain_store::{Audit, KeyKind};
use tower::ServiceExt;

struct Harness {
    runtime: tokio::runtime::Runtime,
    /// Made once: made again for every input, it left the unoptimized
    /// build 9 inputs in 10 s (367 made once).
    app: parrain_server::App,
    secret: String,
    _dir: tempfile::TempDir,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(dir.path()).unwrap());
        let clock = Clock::default();
        let (_, secret) = runtime
            .block_on(auth::create_key(
                store.as_ref(),
                KeyKind::Secret,
                "fuzz",
                clock.now(),
                Audit::none(),
            ))
            .unwrap();
        let state = AppState {
            store,
            config: Arc::new(ServerConfig {
                public_url: "http://localhost".into(),
                fallback_url: None,
                demo: None,
                outbound: Default::default(),
                allow_private_webhooks: false,
                rate_limit: None,
                key_rate_limit: None,
                redis: None,
                trusted_proxies: Vec::new(),
                metrics_token: None,
                identity_secret: None,
                social: Default::default(),
            }),
            clock,
        };
        Harness {
            app: parrain_server::router(state),
            runtime,
            secret,
            _dir: dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let h = harness();
    // `path?query` NUL `cookie`; the first byte picks the surface.
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(2, |b| *b == 0);
    let target = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let cookie = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let prefix = match pick % 4 {
        0 => "/r/",
        1 => "/v1/activities?",
        2 => "/v1/people?",
        _ => "/v1/reviews?",
    };
    let uri = format!("{prefix}{target}");
    let Ok(request) = Request::get(uri.as_str())
        .header("cookie", cookie.as_ref())
        .header("authorization", format!("Bearer {}", h.secret))
        .body(Body::empty())
    else {
        return;
    };
    let response = h.runtime.block_on(h.app.clone().oneshot(request)).unwrap();
    assert!(
        response.status().as_u16() < 500,
        "{uri} answered {}",
        response.status()
    );
});
