//! A real OpenID Connect provider for the tests, over HTTP on this machine:
//! discovery, a JSON Web Key Set, an authorization endpoint with a sign-in
//! page (allow or deny), and a token endpoint that checks the client's
//! secret, the redirect URL and the PKCE verifier, uses each code once, and
//! returns an ID token signed RS256 with a real RSA key.
//!
//! A test can make it misbehave the ways a provider or an attacker might
//! ([`Quirk`]), change who signs in, and rotate its signing key.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "parrain-test";
pub const CLIENT_SECRET: &str = "test-client-secret";

/// How the next ID tokens go wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quirk {
    None,
    /// Signed, then its claims changed (another email).
    TamperedClaims,
    /// Issued to another client.
    WrongAudience,
    /// Expired an hour ago.
    Expired,
    /// Carries a nonce parrain did not send.
    WrongNonce,
    /// Signed by a key the provider does not publish.
    UnpublishedKey,
    /// Names another issuer.
    WrongIssuer,
}

/// Who signs in at the provider.
#[derive(Debug, Clone)]
pub struct Person {
    pub sub: String,
    pub email: String,
    pub email_verified: bool,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

struct Grant {
    redirect_uri: String,
    nonce: Option<String>,
    code_challenge: String,
}

struct Inner {
    /// Published keys, by kid; the last signs.
    keys: Vec<(String, RsaPrivateKey)>,
    person: Person,
    quirk: Quirk,
    redirect_uris: Vec<String>,
    codes: HashMap<String, Grant>,
    jwks_fetches: usize,
    issued: usize,
}

#[derive(Clone)]
pub struct Provider {
    pub issuer: String,
    inner: Arc<Mutex<Inner>>,
}

/// RSA keys, made once per test binary (making one takes a while).
fn key(i: usize) -> RsaPrivateKey {
    static KEYS: OnceLock<Vec<RsaPrivateKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        (0..3)
            .map(|_| RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap())
            .collect()
    })[i]
        .clone()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn random() -> String {
    let bytes: [u8; 16] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Provider {
    /// Starts a provider on a free port of 127.0.0.1.
    pub async fn start() -> Provider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let provider = Provider {
            issuer,
            inner: Arc::new(Mutex::new(Inner {
                keys: vec![("key-1".into(), key(0))],
                person: Person {
                    sub: "248289761001".into(),
                    email: "jane@example.com".into(),
                    email_verified: true,
                    given_name: Some("Jane".into()),
                    family_name: Some("Doe".into()),
                },
                quirk: Quirk::None,
                redirect_uris: Vec::new(),
                codes: HashMap::new(),
                jwks_fetches: 0,
                issued: 0,
            })),
        };
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize_page).post(authorize))
            .route("/token", axum::routing::post(token))
            .with_state(provider.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        provider
    }

    /// parrain's configuration of this provider.
    pub fn config(&self, id: &str, name: &str) -> parrain_server::social::ProviderConfig {
        parrain_server::social::ProviderConfig {
            id: id.into(),
            name: name.into(),
            issuer: self.issuer.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
        }
    }

    /// Registers parrain's redirect URL, as an operator does.
    pub fn register(&self, public_url: &str) {
        let uri = format!("{public_url}{}", parrain_server::social::CALLBACK_PATH);
        self.inner.lock().unwrap().redirect_uris.push(uri);
    }

    pub fn set_person(&self, person: Person) {
        self.inner.lock().unwrap().person = person;
    }

    pub fn person(&self) -> Person {
        self.inner.lock().unwrap().person.clone()
    }

    pub fn set_quirk(&self, quirk: Quirk) {
        self.inner.lock().unwrap().quirk = quirk;
    }

    /// Publishes a new key and signs with it from now on.
    pub fn rotate_key(&self) {
        let mut inner = self.inner.lock().unwrap();
        let n = inner.keys.len();
        inner.keys.push((format!("key-{}", n + 1), key(n)));
    }

    /// How many times the key set was fetched.
    pub fn jwks_fetches(&self) -> usize {
        self.inner.lock().unwrap().jwks_fetches
    }

    /// How many ID tokens the token endpoint gave out.
    pub fn tokens_issued(&self) -> usize {
        self.inner.lock().unwrap().issued
    }
}

async fn discovery(State(p): State<Provider>) -> Json<Value> {
    let issuer = &p.issuer;
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "email", "email_verified", "given_name", "family_name"]
    }))
}

fn jwk(kid: &str, key: &RsaPrivateKey) -> Value {
    let public = key.to_public_key();
    json!({
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
        "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
        "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
    })
}

async fn jwks(State(p): State<Provider>) -> Json<Value> {
    let mut inner = p.inner.lock().unwrap();
    inner.jwks_fetches += 1;
    let keys: Vec<Value> = inner.keys.iter().map(|(kid, key)| jwk(kid, key)).collect();
    Json(json!({ "keys": keys }))
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: String,
    nonce: Option<String>,
    code_challenge: String,
    code_challenge_method: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// The provider's sign-in page: who is signing in, Allow or Deny.
async fn authorize_page(State(p): State<Provider>, Query(q): Query<AuthorizeQuery>) -> Response {
    let ok = q.response_type == "code"
        && q.client_id == CLIENT_ID
        && q.scope.split(' ').any(|s| s == "openid")
        && q.code_challenge_method == "S256"
        && p.inner
            .lock()
            .unwrap()
            .redirect_uris
            .contains(&q.redirect_uri);
    if !ok {
        return (StatusCode::BAD_REQUEST, "invalid authorization request").into_response();
    }
    let email = p.person().email;
    let hidden = [
        ("redirect_uri", q.redirect_uri.as_str()),
        ("state", q.state.as_str()),
        ("nonce", q.nonce.as_deref().unwrap_or_default()),
        ("code_challenge", q.code_challenge.as_str()),
    ]
    .iter()
    .map(|(k, v)| {
        format!(
            "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
            escape(v)
        )
    })
    .collect::<String>();
    Html(format!(
        "<!doctype html><title>Test ID</title><h1>Sign in to Test ID</h1>\
         <p id=\"who\">{}</p><form method=\"post\" action=\"/authorize\">{hidden}\
         <button id=\"allow\" name=\"decision\" value=\"allow\">Allow</button>\
         <button id=\"deny\" name=\"decision\" value=\"deny\">Deny</button></form>",
        escape(&email)
    ))
    .into_response()
}

#[derive(Deserialize)]
pub struct Decision {
    pub redirect_uri: String,
    pub state: String,
    pub nonce: String,
    pub code_challenge: String,
    pub decision: String,
}

/// The person's answer: back to the client with a code, or with an error.
async fn authorize(State(p): State<Provider>, Form(d): Form<Decision>) -> Response {
    let mut inner = p.inner.lock().unwrap();
    if !inner.redirect_uris.contains(&d.redirect_uri) {
        return (StatusCode::BAD_REQUEST, "unknown redirect_uri").into_response();
    }
    let state = form_urlencoded::byte_serialize(d.state.as_bytes()).collect::<String>();
    if d.decision != "allow" {
        return Redirect::to(&format!(
            "{}?error=access_denied&state={state}",
            d.redirect_uri
        ))
        .into_response();
    }
    let code = random();
    inner.codes.insert(
        code.clone(),
        Grant {
            redirect_uri: d.redirect_uri.clone(),
            nonce: (!d.nonce.is_empty()).then_some(d.nonce),
            code_challenge: d.code_challenge,
        },
    );
    Redirect::to(&format!("{}?code={code}&state={state}", d.redirect_uri)).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: String,
    code_verifier: Option<String>,
}

fn token_error(error: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response()
}

/// Client credentials by HTTP Basic (RFC 6749 §2.3.1: each part form-encoded).
fn client_authenticated(headers: &HeaderMap) -> bool {
    let expected = format!(
        "{}:{}",
        form_urlencoded::byte_serialize(CLIENT_ID.as_bytes()).collect::<String>(),
        form_urlencoded::byte_serialize(CLIENT_SECRET.as_bytes()).collect::<String>()
    );
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| STANDARD.decode(v).ok())
        .is_some_and(|v| v == expected.as_bytes())
}

async fn token(
    State(p): State<Provider>,
    headers: HeaderMap,
    Form(f): Form<TokenForm>,
) -> Response {
    if !client_authenticated(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let mut inner = p.inner.lock().unwrap();
    let Some(grant) = inner.codes.remove(&f.code) else {
        return token_error("invalid_grant");
    };
    let challenge = f
        .code_verifier
        .map(|v| URL_SAFE_NO_PAD.encode(Sha256::digest(v.as_bytes())));
    if f.grant_type != "authorization_code"
        || f.redirect_uri != grant.redirect_uri
        || challenge.as_deref() != Some(grant.code_challenge.as_str())
    {
        return token_error("invalid_grant");
    }
    inner.issued += 1;
    let id_token = id_token(&p.issuer, &inner, grant.nonce);
    Json(json!({
        "access_token": random(),
        "token_type": "Bearer",
        "expires_in": 3600,
        "id_token": id_token,
    }))
    .into_response()
}

fn id_token(issuer: &str, inner: &Inner, nonce: Option<String>) -> String {
    let person = &inner.person;
    let quirk = inner.quirk;
    let now = now();
    let (iat, exp) = match quirk {
        Quirk::Expired => (now - 7200, now - 3600),
        _ => (now, now + 600),
    };
    let mut claims = json!({
        "iss": if quirk == Quirk::WrongIssuer { "https://elsewhere.example.com".to_owned() } else { issuer.to_owned() },
        "sub": person.sub,
        "aud": if quirk == Quirk::WrongAudience { "another-client" } else { CLIENT_ID },
        "iat": iat,
        "exp": exp,
        "email": person.email,
        "email_verified": person.email_verified,
        "given_name": person.given_name,
        "family_name": person.family_name,
    });
    match (quirk, nonce) {
        (Quirk::WrongNonce, _) => claims["nonce"] = json!("a-nonce-parrain-never-sent"),
        (_, Some(nonce)) => claims["nonce"] = json!(nonce),
        (_, None) => {}
    }
    let (kid, key) = match quirk {
        Quirk::UnpublishedKey => ("never-published".to_owned(), key(2)),
        _ => inner.keys.last().cloned().unwrap(),
    };
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": kid});
    let encode = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let signed = format!("{}.{}", encode(&header), encode(&claims));
    let signature = SigningKey::<Sha256>::new(key)
        .sign(signed.as_bytes())
        .to_vec();
    let payload = match quirk {
        Quirk::TamperedClaims => {
            claims["email"] = json!("mallory@example.com");
            encode(&claims)
        }
        _ => encode(&claims),
    };
    format!(
        "{}.{payload}.{}",
        encode(&header),
        URL_SAFE_NO_PAD.encode(signature)
    )
}
