//! The two recipes of docs/marketo.md, run as written: the HTTP requests the
//! page shows are read from it and sent (Marketo's Call Webhook step calling
//! Give Credit to Referrer, as JSON and as a form), and the relay it ships
//! (`docs/marketo-relay.mjs`, run by Node) writes parrain's webhooks into a
//! real HTTP server standing in for Marketo's REST API, which must receive
//! the very bodies the page shows.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::routing::{get, post};
use axum::{Json, Router};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect, offer_settings, spawn_app_with, TestApp};

fn marketo_md() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/marketo.md");
    std::fs::read_to_string(path).unwrap()
}

/// One request of the page: method, path, headers (without `Host`), body.
struct Shown {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

/// The ```http blocks between `<!-- {marker} -->` and the next `<!-- end -->`.
fn shown(marker: &str) -> Vec<Shown> {
    let page = marketo_md();
    let start = page
        .find(&format!("<!-- {marker} -->"))
        .unwrap_or_else(|| panic!("docs/marketo.md has no {marker}"));
    let section = &page[start..];
    let section = &section[..section.find("<!-- end -->").unwrap()];
    section
        .split("```http\n")
        .skip(1)
        .map(|block| {
            let block = &block[..block.find("```").unwrap()];
            let (head, body) = block.split_once("\n\n").unwrap();
            let mut lines = head.lines();
            let mut first = lines.next().unwrap().split(' ');
            let method = first.next().unwrap().to_owned();
            let path = first.next().unwrap().to_owned();
            let headers = lines
                .map(|l| {
                    let (k, v) = l.split_once(": ").unwrap();
                    (k.to_owned(), v.to_owned())
                })
                .filter(|(k, _)| k != "Host")
                .collect();
            Shown {
                method,
                path,
                headers,
                body: body.trim_end().to_owned(),
            }
        })
        .collect()
}

async fn send(app: &TestApp, request: &Shown, fill: &[(&str, &str)]) -> reqwest::Response {
    let fill = |text: &str| {
        fill.iter()
            .fold(text.to_owned(), |t, (from, to)| t.replace(from, to))
    };
    let method = request.method.parse().unwrap();
    let mut builder = app.client.request(method, app.url(&fill(&request.path)));
    for (name, value) in &request.headers {
        builder = builder.header(name, fill(value));
    }
    builder.body(fill(&request.body)).send().await.unwrap()
}

#[tokio::test]
async fn a_marketo_call_webhook_step_gives_credit_to_the_referrer_as_the_page_shows() {
    // Arrange: Ana's friends Bo and Cy signed up through her link; the
    // offer's credit comes from Marketo.
    let app = spawn_app_with(|_| {}).await;
    let offer = app
        .live_offer_with(offer_settings(
            json!({"type": "smart_list_trigger", "count": 2}),
        ))
        .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();
    for friend in ["bo@example.com", "cy+ref@example.com"] {
        let body = json!({"email": friend, "referral_code": code});
        expect(app.sign_up(&offer, body).await, StatusCode::CREATED).await;
    }
    let requests = shown("recipe-give-credit");
    assert_eq!(requests.len(), 2, "a JSON and a form request");
    assert!(requests[1]
        .headers
        .iter()
        .any(|(k, v)| k == "Content-Type" && v == "application/x-www-form-urlencoded"));
    let fill = [
        ("{offer_id}", offer.as_str()),
        ("{secret_key}", app.sk.as_str()),
    ];

    // Act: Marketo sends each request of the page.
    for request in &requests {
        let answer = send(&app, request, &fill).await;
        let answer = expect(answer, StatusCode::OK).await;

        // Assert: each credits Ana, as the page says.
        assert_eq!(answer["credited"], true, "{answer}");
        assert_eq!(answer["participant_id"], ana["id"]);
    }
    let detail = app.participant_detail(ana["id"].as_str().unwrap()).await;
    assert_eq!(detail["credit"], 2);
    // The same call again: once per friend.
    let again = expect(send(&app, &requests[1], &fill).await, StatusCode::OK).await;
    assert_eq!(again["credited"], false);
    // A JSON template sent without its Content-Type header still reads.
    let mut unlabelled = shown("recipe-give-credit").remove(0);
    unlabelled.headers.retain(|(k, _)| k != "Content-Type");
    unlabelled.headers.push((
        "Content-Type".into(),
        "application/x-www-form-urlencoded".into(),
    ));
    let answer = expect(send(&app, &unlabelled, &fill).await, StatusCode::OK).await;
    assert_eq!(answer["recorded"], true);
    // A form naming a field twice, or one parrain does not know, is refused by name.
    let bad = app
        .client
        .post(app.url(&format!("/v1/offers/{offer}/give-credit")))
        .bearer_auth(&app.sk)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("email=bo%40example.com&email=cy%40example.com")
        .send()
        .await
        .unwrap();
    let bad = expect(bad, StatusCode::BAD_REQUEST).await;
    assert_eq!(bad["error"]["details"]["field"], "email", "{bad}");
}

/// Marketo's REST API, as much of it as the relay uses: an access token for
/// the client's credentials, and `leads.json`, which keeps each body.
#[derive(Clone, Default)]
struct Marketo {
    leads: Arc<Mutex<Vec<Value>>>,
}

const TOKEN: &str = "cdf01657-110d-4155-99a7-f986b2ff13a0:int";

async fn token(Query(q): Query<Vec<(String, String)>>) -> (AxumStatus, Json<Value>) {
    let has = |k: &str, v: &str| q.iter().any(|(a, b)| a == k && b == v);
    if has("grant_type", "client_credentials")
        && has("client_id", "relay-id")
        && has("client_secret", "relay-secret")
    {
        let body = json!({"access_token": TOKEN, "token_type": "bearer", "expires_in": 3599});
        (AxumStatus::OK, Json(body))
    } else {
        (
            AxumStatus::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
    }
}

async fn leads(State(m): State<Marketo>, headers: HeaderMap, body: String) -> Json<Value> {
    if headers["authorization"] != format!("Bearer {TOKEN}").as_str() {
        return Json(json!({"success": false, "errors": [{"code": "601"}]}));
    }
    m.leads
        .lock()
        .unwrap()
        .push(serde_json::from_str(&body).unwrap());
    Json(json!({"success": true, "result": [{"id": 1, "status": "updated"}]}))
}

/// `node docs/marketo-relay.mjs`, stopped when dropped.
struct Relay {
    _node: tokio::process::Child,
}

impl Relay {
    async fn start(port: u16, secret: &str, marketo: &str) -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/marketo-relay.mjs");
        let child = tokio::process::Command::new("node")
            .arg(script)
            .env("PARRAIN_WEBHOOK_SECRET", secret)
            .env("MARKETO_URL", marketo)
            .env("MARKETO_CLIENT_ID", "relay-id")
            .env("MARKETO_CLIENT_SECRET", "relay-secret")
            .env("PORT", port.to_string())
            .kill_on_drop(true)
            .spawn()
            .expect("Node runs the relay (node must be on the PATH)");
        // The relay is another program that says nothing when it is ready,
        // so the only way to know is to try its port until it answers.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the relay never listened"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { _node: child }
    }
}

#[tokio::test]
async fn the_relay_writes_the_share_url_and_promo_code_into_lead_fields_as_the_page_shows() {
    // Arrange: Marketo's stand-in, the relay, and parrain's webhook to it.
    let app = spawn_app_with(|c| c.allow_private_webhooks = true).await;
    let marketo = Marketo::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let marketo_url = format!("http://{}", listener.local_addr().unwrap());
    let routes = Router::new()
        .route("/identity/oauth/token", get(token))
        .route("/rest/v1/leads.json", post(leads))
        .with_state(marketo.clone());
    tokio::spawn(async move { axum::serve(listener, routes).await });
    let offer = app
        .create_offer(&offer_settings(
            json!({"type": "referred_signups", "count": 1}),
        ))
        .await;
    let offer = offer["id"].as_str().unwrap().to_owned();
    expect(
        app.put_promo_codes(&offer, "SPRING-1\n").await,
        StatusCode::OK,
    )
    .await;
    expect(app.approve(&offer).await, StatusCode::OK).await;
    let port = parrain_testkit::free_port();
    let events = [
        "signs_up_for_referral_offer",
        "refers_to_social_app",
        "offer_fulfilled",
    ];
    let hook = json!({"url": format!("http://127.0.0.1:{port}/"), "events": events});
    let hook = app
        .post_ok("/v1/webhooks", &hook, StatusCode::CREATED)
        .await;
    let _relay = Relay::start(port, hook["secret"].as_str().unwrap(), &marketo_url).await;

    // Act: Ana signs up, a friend signs up through her link: she is fulfilled.
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();
    let body = json!({"email": "bo@example.com", "referral_code": code});
    expect(app.sign_up(&offer, body).await, StatusCode::CREATED).await;
    app.drain().await;

    // Assert: Marketo received each body the page shows (with this server's
    // address and Ana's code), as the relay's POSTs with its access token.
    let received = marketo.leads.lock().unwrap().clone();
    let fill = |text: &str| {
        text.replace("https://refer.example.com", &app.base)
            .replace("ana-spring", code)
    };
    let shown = shown("recipe-lead-fields");
    assert_eq!(shown.len(), 2);
    for request in &shown {
        assert_eq!(request.path, "/rest/v1/leads.json");
        let expected: Value = serde_json::from_str(&fill(&request.body)).unwrap();
        assert!(
            received.contains(&expected),
            "Marketo never received {expected}; it received {received:#?}"
        );
    }
    // The friend's own sign-up wrote the friend's lead; nothing was refused.
    let deliveries = app
        .get_ok(&format!(
            "/v1/webhooks/{}/deliveries",
            hook["id"].as_str().unwrap()
        ))
        .await;
    for delivery in deliveries["data"].as_array().unwrap() {
        assert_eq!(delivery["state"], "succeeded", "{delivery}");
    }
}
