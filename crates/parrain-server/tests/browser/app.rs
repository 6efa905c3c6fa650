//! A real parrain server (port 0, fresh SQLite) and, beside it, the company's
//! own web site: a second origin serving the pages that host the widget, as
//! a customer's site would (so every widget call is a cross-origin call).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use parrain_server::{auth, AppState, Clock, ServerConfig};
use parrain_store::sqlite::SqliteStore;
use parrain_store::Store;
use serde_json::{json, Value};

pub struct TestApp {
    pub base: String,
    pub sk: String,
    pub pk: String,
    pub client: reqwest::Client,
    /// The customer's web site (another origin).
    pub site: Site,
    /// The demo, when the test seeded it.
    pub demo: Option<parrain_server::Demo>,
    _dir: tempfile::TempDir,
}

type Pages = Arc<Mutex<HashMap<String, String>>>;

/// The customer's site: pages by path, added while the test runs.
pub struct Site {
    pub base: String,
    pages: Pages,
}

impl Site {
    async fn start() -> Site {
        let pages = Pages::default();
        let router = axum::Router::new()
            .route("/{*path}", axum::routing::get(page))
            .with_state(pages.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        // `localhost` rather than 127.0.0.1: another site than the API, as in real life.
        let base = format!("http://localhost:{}", listener.local_addr().unwrap().port());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Site { base, pages }
    }

    /// Serves `html` at `path`; returns its URL.
    pub fn serve(&self, path: &str, html: String) -> String {
        self.pages
            .lock()
            .unwrap()
            .insert(path.trim_start_matches('/').to_owned(), html);
        format!("{}{path}", self.base)
    }
}

async fn page(State(pages): State<Pages>, Path(path): Path<String>) -> impl IntoResponse {
    match pages.lock().unwrap().get(&path) {
        Some(html) => Html(html.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The site's identity secret every test server is configured with.
pub const IDENTITY_SECRET: &str = "test-identity-secret-0123456789abcdef";

pub async fn spawn_app() -> TestApp {
    spawn_app_with(async |_, _, _| {}).await
}

/// Like `spawn_app`, with a last say on the server's configuration (given
/// the store too, e.g. to seed the demo).
pub async fn spawn_app_with(
    configure: impl AsyncFnOnce(&Arc<dyn Store>, &mut ServerConfig, &std::path::Path),
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let clock = Clock::default();
    let (sk, pk) = auth::create_first_keys(store.as_ref(), clock.now())
        .await
        .unwrap()
        .expect("a new store has no keys");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = ServerConfig {
        public_url: base.clone(),
        fallback_url: None,
        demo: None,
        outbound: Default::default(),
        allow_private_webhooks: false,
        rate_limit: None,
        key_rate_limit: None,
        redis: None,
        trusted_proxies: Vec::new(),
        metrics_token: None,
        identity_secret: Some(IDENTITY_SECRET.into()),
        social: Default::default(),
    };
    configure(&store, &mut config, dir.path()).await;
    let demo = config.demo.clone();
    let state = AppState {
        store,
        config: Arc::new(config),
        clock,
    };
    tokio::spawn(parrain_server::serve(
        listener,
        state,
        std::future::pending(),
    ));
    TestApp {
        base,
        sk,
        pk,
        client: reqwest::Client::new(),
        site: Site::start().await,
        demo,
        _dir: dir,
    }
}

/// An offer that approves as is: this goal, hosted at `page_url`.
pub fn offer_settings(goal: Value, page_url: &str) -> Value {
    json!({
        "name": "Refer a friend",
        "description": "Give a month, get a month.",
        "goal": goal,
        "offer_page_url": page_url,
        "networks": ["email", "x", "linkedin", "facebook"],
        "share_messages": {"x": "I love this coffee"},
        "rules_url": "https://example.com/rules",
        "privacy_policy": {"title": "Privacy", "url": "https://example.com/privacy"},
        "emails": {"fulfillment": {"subject": "Your reward", "text": "Here is {{ promo_code }}"}}
    })
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn call(&self, request: reqwest::RequestBuilder) -> Value {
        let response = request.bearer_auth(&self.sk).send().await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{status}: {body}");
        body
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.call(self.client.post(self.url(path)).json(&body))
            .await
    }

    pub async fn get(&self, path: &str) -> Value {
        self.call(self.client.get(self.url(path))).await
    }

    /// Creates and approves an offer; returns its id.
    pub async fn live_offer(&self, settings: Value) -> String {
        let offer = self.post("/v1/offers", settings).await;
        let id = offer["id"].as_str().unwrap().to_owned();
        self.post(&format!("/v1/offers/{id}/approve"), json!({}))
            .await;
        id
    }

    /// The offer's participants, as the operator sees them.
    pub async fn participants(&self, offer: &str) -> Vec<Value> {
        let list = self.get(&format!("/v1/offers/{offer}/participants")).await;
        list["data"].as_array().unwrap().clone()
    }

    pub async fn activities(&self, query: &str) -> Vec<Value> {
        let list = self.get(&format!("/v1/activities?limit=500&{query}")).await;
        list["data"].as_array().unwrap().clone()
    }

    /// Waits (a while) until the log has at least `n` activities of `query`.
    pub async fn activities_until(&self, query: &str, n: usize) -> Vec<Value> {
        let started = std::time::Instant::now();
        loop {
            let found = self.activities(query).await;
            if found.len() >= n || started.elapsed() > crate::chrome::WAIT {
                return found;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }

    /// A page on the customer's site hosting the widget of `offer`, with
    /// `extra` in its body (and the usual queue stub before embed.js).
    pub fn host_page(&self, offer: &str, head: &str, extra: &str) -> String {
        format!(
            r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>{head}</head>
<body><h1>Our shop</h1>
<div data-parrain-offer="{offer}"></div>
{extra}
<script>
  window.parrain = window.parrain || {{ q: [] }};
  ["conversion", "track", "identify"].forEach(function (m) {{
    parrain[m] = parrain[m] || function () {{ parrain.q.push([m].concat([].slice.call(arguments))); }};
  }});
</script>
<script src="{base}/embed.js" data-key="{pk}" async></script>
</body></html>"#,
            base = self.base,
            pk = self.pk,
        )
    }
}
