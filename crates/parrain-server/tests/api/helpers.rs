//! `spawn_app()`: a real parrain server on port 0 over a fresh database (an
//! SQLite file, or a PostgreSQL database: see `backend`), with a secret and a
//! publishable key, and one helper per endpoint.

use std::sync::Arc;

use parrain_server::outbound::OutboundConfig;
use parrain_server::{auth, AppState, Clock, ServerConfig};
use parrain_store::{Audit, KeyKind, Store};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub sk: String,
    pub pk: String,
    pub clock: Clock,
    #[allow(dead_code)]
    pub store: Arc<dyn Store>,
    /// Keeps the database alive for the test.
    pub db: crate::backend::Keep,
    state: AppState,
}

/// The site's identity secret every test server is configured with.
pub const IDENTITY_SECRET: &str = "test-identity-secret-0123456789abcdef";

/// The identity token the site's server computes for `email` (docs/identity.md).
pub fn identity_token(email: &str) -> String {
    let email = parrain_core::email::Email::parse(email).unwrap();
    parrain_server::identity::token(IDENTITY_SECRET, &email)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut ServerConfig)) -> TestApp {
    let (store, db) = crate::backend::fresh_store().await;
    spawn_app_over(store, db, configure).await
}

/// A secret and a publishable key: a new store's first keys, or two more
/// for another node on a store that has them.
async fn new_keys(store: &dyn Store, now: parrain_core::Millis) -> (String, String) {
    if let Some(keys) = auth::create_first_keys(store, now).await.unwrap() {
        return keys;
    }
    let key = async |kind| {
        let made = auth::create_key(store, kind, "test", now, Audit::none()).await;
        made.unwrap().1
    };
    (key(KeyKind::Secret).await, key(KeyKind::Publishable).await)
}

/// A server over `store`, which may be shared with other servers (another
/// node on the same database).
pub async fn spawn_app_over(
    store: Arc<dyn Store>,
    db: crate::backend::Keep,
    configure: impl FnOnce(&mut ServerConfig),
) -> TestApp {
    let clock = Clock::default();
    let (sk, pk) = new_keys(store.as_ref(), clock.now()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let outbound = OutboundConfig {
        poll_interval: std::time::Duration::from_millis(50),
        ..OutboundConfig::default()
    };
    let mut config = ServerConfig {
        public_url: base.clone(),
        fallback_url: None,
        demo: None,
        outbound,
        allow_private_webhooks: false,
        rate_limit: None,
        key_rate_limit: None,
        redis: None,
        trusted_proxies: Vec::new(),
        metrics_token: None,
        identity_secret: Some(IDENTITY_SECRET.into()),
        social: Default::default(),
    };
    configure(&mut config);
    let state = AppState {
        store: store.clone(),
        config: Arc::new(config),
        clock: clock.clone(),
    };
    // The delivery workers, as `parrain serve` runs them.
    parrain_server::outbound::spawn(state.clone()).unwrap();
    tokio::spawn(parrain_server::serve(
        listener,
        state.clone(),
        std::future::pending(),
    ));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        base,
        client,
        sk,
        pk,
        clock,
        store,
        db,
        state,
    }
}

/// Settings of an offer that approves as is, with the given goal.
pub fn offer_settings(goal: Value) -> Value {
    json!({
        "name": "Spring referral",
        "goal": goal,
        "offer_page_url": "https://shop.example.com/refer",
        "emails": {"fulfillment": {"subject": "Your reward", "text": "Here is {{ promo_code }}"}}
    })
}

impl TestApp {
    /// Runs every due email and webhook job now and waits for those the
    /// workers hold: what was queued has been sent (or settled) on return.
    #[allow(dead_code)]
    pub async fn drain(&self) {
        parrain_server::outbound::drain(&self.state).await.unwrap();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, path: &str, key: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(key)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(&self.sk)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(&self.sk)
            .send()
            .await
            .unwrap()
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client
            .delete(self.url(path))
            .bearer_auth(&self.sk)
            .send()
            .await
            .unwrap()
    }

    /// POSTs with the secret key and expects `status`; returns the body.
    pub async fn post_ok(&self, path: &str, body: &Value, status: StatusCode) -> Value {
        let response = self.post(path, &self.sk, body).await;
        expect(response, status).await
    }

    pub async fn get_ok(&self, path: &str) -> Value {
        expect(self.get(path).await, StatusCode::OK).await
    }

    pub async fn create_offer(&self, settings: &Value) -> Value {
        self.post_ok("/v1/offers", settings, StatusCode::CREATED)
            .await
    }

    pub async fn approve(&self, offer: &str) -> Response {
        self.post(&format!("/v1/offers/{offer}/approve"), &self.sk, &json!({}))
            .await
    }

    /// Creates and approves an offer with this goal; returns its id.
    pub async fn live_offer(&self, goal: Value) -> String {
        self.live_offer_with(offer_settings(goal)).await
    }

    pub async fn live_offer_with(&self, settings: Value) -> String {
        let offer = self.create_offer(&settings).await;
        let id = offer["id"].as_str().unwrap().to_owned();
        expect(self.approve(&id).await, StatusCode::OK).await;
        id
    }

    pub async fn put_promo_codes(&self, offer: &str, text: &str) -> Response {
        self.client
            .put(self.url(&format!("/v1/offers/{offer}/promo-codes")))
            .bearer_auth(&self.sk)
            .header("content-type", "text/plain")
            .body(text.to_owned())
            .send()
            .await
            .unwrap()
    }

    pub async fn sign_up(&self, offer: &str, body: Value) -> Response {
        self.post(&format!("/v1/offers/{offer}/participants"), &self.sk, &body)
            .await
    }

    /// Signs up a participant and returns its JSON (201 or 200).
    pub async fn participant(&self, offer: &str, email: &str) -> Value {
        let response = self.sign_up(offer, json!({"email": email})).await;
        assert!(
            response.status().is_success(),
            "sign-up failed: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    pub async fn participant_detail(&self, id: &str) -> Value {
        self.get_ok(&format!("/v1/participants/{id}")).await
    }

    /// Follows a share link like a browser with the given cookie (if any);
    /// returns the redirect response.
    pub async fn follow(&self, code: &str, visitor: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(&format!("/r/{code}")));
        if let Some(v) = visitor {
            request = request.header("cookie", format!("parrain_vid={v}"));
        }
        request.send().await.unwrap()
    }

    /// A new browser arrives through a share link; returns its visitor id.
    pub async fn friend_arrives(&self, code: &str) -> String {
        let response = self.follow(code, None).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        visitor_of(&response)
    }

    pub async fn track(&self, what: &str, body: Value) -> Value {
        let response = self
            .post(&format!("/v1/track/{what}"), &self.pk, &body)
            .await;
        expect(response, StatusCode::OK).await
    }

    /// Ties a browser to an email as a page does, with the publishable key
    /// and the email's identity token from the site's server.
    pub async fn identify(&self, visitor: &str, email: &str) -> Value {
        let token = identity_token(email);
        self.track(
            "identify",
            json!({"visitor_id": visitor, "email": email, "identity_token": token}),
        )
        .await
    }

    pub async fn give_credit(&self, offer: &str, friend: Value) -> Response {
        self.post(
            &format!("/v1/offers/{offer}/give-credit"),
            &self.sk,
            &friend,
        )
        .await
    }

    pub async fn activities(&self, query: &str) -> Vec<Value> {
        let body = self
            .get_ok(&format!("/v1/activities?limit=500&{query}"))
            .await;
        body["data"].as_array().unwrap().clone()
    }
}

/// The `parrain_vid` a redirect carried.
pub fn visitor_of(response: &Response) -> String {
    let location = response.headers()["location"].to_str().unwrap();
    let url = reqwest::Url::parse(location).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "parrain_vid")
        .unwrap()
        .1
        .into_owned()
}

/// Asserts the status (showing the body when it differs) and returns the JSON body.
pub async fn expect(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "unexpected status; body: {text}");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    }
}

/// The error code of an error body.
pub fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}
