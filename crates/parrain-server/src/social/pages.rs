//! The two pages of a social sign-in, opened by the widget in a popup:
//! `/social/{provider}/start` sends the person to the provider, and
//! [`CALLBACK_PATH`] takes the provider's answer, checks it, and hands the
//! widget that opened the popup a ticket for the verified identity
//! (`postMessage` to the page's origin only, since the ticket lets its
//! holder sign that email up), then closes.
//!
//! The request to the provider is kept under the SHA-256 of its `state` and
//! used up by the answer: a `state` replayed, forged or older than
//! [`STARTED_VALID_FOR`] finds nothing. The ticket is kept the same way,
//! valid [`VERIFIED_VALID_FOR`]: long enough to fill the sign-up form.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use parrain_core::ids::OfferId;
use parrain_core::Millis;
use parrain_store::SocialStep;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Identity, Refusal, CALLBACK_PATH};
use crate::error::ApiResult;
use crate::AppState;

/// How long the provider may take to send the person back.
pub const STARTED_VALID_FOR: Millis = 10 * 60 * 1000;
/// How long the person may take to fill the form after signing in.
pub const VERIFIED_VALID_FOR: Millis = 30 * 60 * 1000;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/social/{provider}/start", axum::routing::get(start))
        .route(CALLBACK_PATH, axum::routing::get(callback))
}

#[derive(Deserialize)]
struct StartQuery {
    offer_id: String,
    /// The origin of the page hosting the widget, where the ticket goes.
    origin: String,
    visitor_id: Option<String>,
    referral_code: Option<String>,
}

/// The request to the provider, kept until its answer.
#[derive(Serialize, Deserialize)]
struct Started {
    offer_id: String,
    provider: String,
    origin: String,
    nonce: String,
    pkce_verifier: String,
    visitor_id: Option<String>,
    referral_code: Option<String>,
}

/// The identity the provider vouched for, as the sign-up reads it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verified {
    pub offer_id: String,
    pub provider: String,
    pub subject: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub visitor_id: Option<String>,
    pub referral_code: Option<String>,
}

fn redirect_url(state: &AppState) -> String {
    format!("{}{CALLBACK_PATH}", state.config.public_url)
}

/// An origin as a browser writes it (`https://shop.example.com`), or `None`.
fn origin(raw: &str) -> Option<String> {
    let url = url::Url::parse(raw).ok()?;
    let origin = url.origin().ascii_serialization();
    (matches!(url.scheme(), "http" | "https") && origin == raw).then_some(origin)
}

async fn start(
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    Query(q): Query<StartQuery>,
) -> ApiResult<Response> {
    let providers = &state.config.social;
    let Some(provider) = providers.get(&provider_id) else {
        return Ok(page(
            StatusCode::NOT_FOUND,
            "Sign-in",
            "This sign-in is not available.",
            None,
        ));
    };
    let name = provider.config.name.clone();
    let offered = match OfferId::parse(&q.offer_id) {
        Ok(id) => match state.store.offer(&id).await {
            Ok(offer) => offer
                .live_at(state.clock.now())
                .is_some_and(|s| s.social_sign_up.contains(&provider_id)),
            Err(parrain_store::StoreError::NotFound { .. }) => false,
            Err(e) => return Err(e.into()),
        },
        Err(_) => false,
    };
    let Some(origin) = origin(&q.origin).filter(|_| offered) else {
        let message = format!("Signing up with {name} is not available for this offer.");
        return Ok(page(StatusCode::NOT_FOUND, "Sign-in", &message, None));
    };
    let request = match providers.request(provider, &redirect_url(&state)).await {
        Ok(request) => request,
        Err(refusal) => return Ok(refused(&name, refusal, None)),
    };
    let started = Started {
        offer_id: q.offer_id,
        provider: provider_id,
        origin,
        nonce: request.nonce,
        pkce_verifier: request.pkce_verifier,
        visitor_id: q.visitor_id,
        referral_code: q.referral_code,
    };
    let now = state.clock.now();
    state
        .store
        .put_social_login(
            &crate::auth::hash_key(&request.state),
            SocialStep::Started,
            json!(started),
            now,
            now + STARTED_VALID_FOR,
        )
        .await?;
    Ok(crate::routes::redirect_to(request.url.as_str()))
}

#[derive(Deserialize)]
struct CallbackQuery {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
}

async fn callback(
    State(state): State<AppState>,
    Query(q): Query<CallbackQuery>,
) -> ApiResult<Response> {
    let now = state.clock.now();
    let started = match q.state.as_deref() {
        Some(s) if s.len() <= 200 => {
            let hash = crate::auth::hash_key(s);
            state
                .store
                .take_social_login(&hash, SocialStep::Started, now)
                .await?
        }
        _ => None,
    };
    let Some(started) = started.and_then(|v| serde_json::from_value::<Started>(v).ok()) else {
        return Ok(refused("the provider", Refusal::Expired, None));
    };
    let providers = &state.config.social;
    let Some(provider) = providers.get(&started.provider) else {
        return Ok(refused(
            "the provider",
            Refusal::Expired,
            Some(&started.origin),
        ));
    };
    let name = provider.config.name.clone();
    let origin = Some(started.origin.as_str());
    let code = match (q.code, q.error) {
        (Some(code), None) if code.len() <= 2048 => code,
        _ => return Ok(refused(&name, Refusal::Refused, origin)),
    };
    let identity = providers
        .identity(
            provider,
            &redirect_url(&state),
            code,
            &started.nonce,
            started.pkce_verifier.clone(),
        )
        .await;
    let Identity {
        subject,
        email,
        first_name,
        last_name,
    } = match identity {
        Ok(identity) => identity,
        Err(refusal) => return Ok(refused(&name, refusal, origin)),
    };
    if parrain_core::email::Email::parse(&email).is_err() {
        return Ok(refused(&name, Refusal::EmailNotVerified, origin));
    }
    let verified = Verified {
        offer_id: started.offer_id.clone(),
        provider: started.provider.clone(),
        subject,
        email: email.clone(),
        first_name: first_name.clone(),
        last_name: last_name.clone(),
        visitor_id: started.visitor_id,
        referral_code: started.referral_code,
    };
    let ticket = crate::participant_token::draw().replacen("pt_", "st_", 1);
    state
        .store
        .put_social_login(
            &crate::auth::hash_key(&ticket),
            SocialStep::Verified,
            json!(verified),
            now,
            now + VERIFIED_VALID_FOR,
        )
        .await?;
    let message = json!({
        "type": "parrain:social",
        "offer_id": started.offer_id,
        "provider": started.provider,
        "provider_name": name,
        "social_ticket": ticket,
        "email": email,
        "first_name": first_name,
        "last_name": last_name,
    });
    let text = format!("Signed in with {name} as {email}. You can close this window.");
    Ok(page(
        StatusCode::OK,
        "Signed in",
        &text,
        Some((&started.origin, message)),
    ))
}

/// The verified identity a sign-up's `social_ticket` names, if it is still valid.
pub async fn verified(state: &AppState, ticket: &str) -> ApiResult<Option<Verified>> {
    if !ticket.starts_with("st_") || ticket.len() > 100 {
        return Ok(None);
    }
    let found = state
        .store
        .social_login(
            &crate::auth::hash_key(ticket),
            SocialStep::Verified,
            state.clock.now(),
        )
        .await?;
    Ok(found.and_then(|v| serde_json::from_value(v).ok()))
}

/// The page of a refused sign-in; the widget gets the reason too. Without
/// a known origin the message (a code, nothing secret) goes to any opener.
fn refused(provider: &str, refusal: Refusal, origin: Option<&str>) -> Response {
    let message = json!({
        "type": "parrain:social",
        "error": {"code": refusal.code(), "message": refusal.message(provider)},
    });
    let status = match refusal {
        Refusal::Expired => StatusCode::GONE,
        Refusal::Failed => StatusCode::BAD_GATEWAY,
        Refusal::Refused | Refusal::EmailNotVerified => StatusCode::FORBIDDEN,
    };
    let target = origin.unwrap_or("*");
    page(
        status,
        "Sign-in not completed",
        &refusal.message(provider),
        Some((target, message)),
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A small page that says `text` and, in a popup, posts `message` to its
/// opener at `origin` and closes.
fn page(
    status: StatusCode,
    title: &str,
    text: &str,
    post: Option<(&str, serde_json::Value)>,
) -> Response {
    let nonce = crate::participant_token::draw();
    let script = post.map_or(String::new(), |(origin, message)| {
        let data = json!({"origin": origin, "message": message})
            .to_string()
            .replace('<', "\\u003c");
        format!(
            "<script type=\"application/json\" id=\"parrain-social\">{data}</script>\
             <script nonce=\"{nonce}\">(function(){{var d=JSON.parse(document.getElementById('parrain-social').textContent);\
             if(window.opener){{window.opener.postMessage(d.message,d.origin);window.close();}}}})();</script>"
        )
    });
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width\"></head>\
         <body style=\"font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem\">\
         <h1>{title}</h1><p id=\"message\">{text}</p>{script}</body></html>",
        title = escape(title),
        text = escape(text),
    );
    let csp = format!("default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'");
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(csp) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}
