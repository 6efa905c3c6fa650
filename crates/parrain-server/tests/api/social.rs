//! Social sign-up (SPEC §14) against a real OpenID Connect provider on this
//! machine (`oidc_provider`): the whole round trip over HTTP as a browser
//! makes it, and each way a sign-in must be refused.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_code, expect, offer_settings, spawn_app_with, TestApp};
use crate::oidc_provider::{Person, Provider, Quirk};

const PROVIDER: &str = "testid";

async fn app_with_provider() -> (TestApp, Provider) {
    let provider = Provider::start().await;
    let config = provider.config(PROVIDER, "Test ID");
    let registered = provider.clone();
    let app = spawn_app_with(move |c| {
        registered.register(&c.public_url);
        c.social = parrain_server::social::Providers::new(vec![config]);
    })
    .await;
    (app, provider)
}

async fn social_offer(app: &TestApp) -> String {
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 2}));
    settings["social_sign_up"] = json!([PROVIDER]);
    app.live_offer_with(settings).await
}

/// What the sign-in's last page says to the widget that opened it.
struct Outcome {
    status: StatusCode,
    /// The message posted to the opener, and the origin it goes to.
    origin: String,
    message: Value,
    /// The provider's answer, as the browser was sent back with it.
    callback: String,
}

/// The data a page posts to its opener.
fn posted(html: &str) -> (String, Value) {
    let start = html.find("id=\"parrain-social\">").expect("no message") + 20;
    let end = start + html[start..].find("</script>").unwrap();
    let data: Value = serde_json::from_str(&html[start..end]).unwrap();
    (
        data["origin"].as_str().unwrap().to_owned(),
        data["message"].clone(),
    )
}

impl TestApp {
    /// The start of a sign-in from a widget on `origin`: where parrain sends
    /// the browser.
    async fn start_social(&self, offer: &str, visitor: Option<&str>) -> reqwest::Response {
        let mut query = vec![("offer_id", offer), ("origin", "https://shop.example.com")];
        if let Some(v) = visitor {
            query.push(("visitor_id", v));
        }
        let url = self.url(&format!("/social/{PROVIDER}/start"));
        self.client.get(url).query(&query).send().await.unwrap()
    }

    /// A person signs in at the provider (`allow` or `deny`) and is sent back.
    async fn sign_in_with(&self, offer: &str, visitor: Option<&str>, decision: &str) -> Outcome {
        let started = self.start_social(offer, visitor).await;
        assert_eq!(started.status(), StatusCode::FOUND);
        let authorize = started.headers()["location"].to_str().unwrap().to_owned();
        // The provider's sign-in page, then the person's answer on it.
        let page = self.client.get(&authorize).send().await.unwrap();
        assert_eq!(
            page.status(),
            StatusCode::OK,
            "{}",
            page.text().await.unwrap()
        );
        let q: std::collections::HashMap<String, String> = reqwest::Url::parse(&authorize)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect();
        let form = [
            ("redirect_uri", q["redirect_uri"].as_str()),
            ("state", q["state"].as_str()),
            ("nonce", q.get("nonce").map_or("", String::as_str)),
            ("code_challenge", q["code_challenge"].as_str()),
            ("decision", decision),
        ];
        let action = authorize.split('?').next().unwrap();
        let answer = self.client.post(action).form(&form).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::SEE_OTHER);
        let callback = answer.headers()["location"].to_str().unwrap().to_owned();
        self.come_back(&callback).await
    }

    async fn sign_in(&self, offer: &str, visitor: Option<&str>) -> Outcome {
        self.sign_in_with(offer, visitor, "allow").await
    }

    /// The browser arrives at parrain's callback URL.
    async fn come_back(&self, callback: &str) -> Outcome {
        assert!(
            callback.starts_with(&self.url("/social/callback?")),
            "{callback}"
        );
        let response = self.client.get(callback).send().await.unwrap();
        let status = response.status();
        let (origin, message) = posted(&response.text().await.unwrap());
        Outcome {
            status,
            origin,
            message,
            callback: callback.to_owned(),
        }
    }
}

fn refused(outcome: &Outcome, status: StatusCode, code: &str) {
    assert_eq!(outcome.status, status, "{}", outcome.message);
    assert_eq!(
        outcome.message["error"]["code"], code,
        "{}",
        outcome.message
    );
    assert!(outcome.message.get("social_ticket").is_none());
}

#[tokio::test]
async fn a_friend_signs_up_with_a_provider_and_is_credited_to_the_referrer() {
    let (app, provider) = app_with_provider().await;
    let offer = social_offer(&app).await;
    let public = app.get_ok(&format!("/v1/offers/{offer}/public")).await;
    assert_eq!(
        public["social_sign_up"],
        json!([{"id": PROVIDER, "name": "Test ID"}])
    );
    let ana = app.participant(&offer, "ana@example.com").await;
    let visitor = app.friend_arrives(ana["code"].as_str().unwrap()).await;

    let outcome = app.sign_in(&offer, Some(&visitor)).await;

    assert_eq!(outcome.status, StatusCode::OK, "{}", outcome.message);
    assert_eq!(outcome.origin, "https://shop.example.com");
    let m = &outcome.message;
    assert_eq!(
        (m["email"].as_str(), m["first_name"].as_str()),
        (Some("jane@example.com"), Some("Jane"))
    );
    assert_eq!(
        (m["last_name"].as_str(), m["provider_name"].as_str()),
        (Some("Doe"), Some("Test ID"))
    );
    // The widget shows the form filled in; the person confirms it.
    let body = json!({
        "email": "jane@example.com", "first_name": "Jane", "last_name": "Doe",
        "marketing_consent": true, "visitor_id": visitor, "social_ticket": m["social_ticket"],
    });
    let path = format!("/v1/offers/{offer}/participants");
    let jane = expect(app.post(&path, &app.pk, &body).await, StatusCode::CREATED).await;
    assert!(jane["participant_token"].as_str().is_some());

    let detail = app.participant_detail(ana["id"].as_str().unwrap()).await;
    assert_eq!(detail["credit"], 1);
    assert_eq!(detail["friends"][0]["email"], "jane@example.com");
    let sign_ups = app
        .activities(&format!(
            "offer_id={offer}&type=signs_up_for_referral_offer"
        ))
        .await;
    let janes = sign_ups
        .iter()
        .find(|a| a["participant_id"] == jane["id"])
        .unwrap();
    assert_eq!(janes["details"]["social_provider"], PROVIDER);
    assert_eq!(janes["details"]["referred_by"], ana["id"]);
    assert_eq!(provider.tokens_issued(), 1);
}

#[tokio::test]
async fn the_browser_is_attributed_even_when_the_page_lost_its_visitor_id() {
    let (app, _provider) = app_with_provider().await;
    let offer = social_offer(&app).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let visitor = app.friend_arrives(ana["code"].as_str().unwrap()).await;
    let outcome = app.sign_in(&offer, Some(&visitor)).await;
    // The sign-up names neither the browser nor a code: the sign-in carried them.
    let body =
        json!({"email": "jane@example.com", "social_ticket": outcome.message["social_ticket"]});
    let path = format!("/v1/offers/{offer}/participants");
    expect(app.post(&path, &app.pk, &body).await, StatusCode::CREATED).await;
    let detail = app.participant_detail(ana["id"].as_str().unwrap()).await;
    assert_eq!(detail["credit"], 1);
}

#[tokio::test]
async fn a_ticket_signs_up_only_its_email_for_its_offer_and_expires() {
    let (app, _provider) = app_with_provider().await;
    let offer = social_offer(&app).await;
    let other = social_offer(&app).await;
    let ticket = app.sign_in(&offer, None).await.message["social_ticket"].clone();
    let sign_up = |offer: &str, email: &str, ticket: &Value| {
        let path = format!("/v1/offers/{offer}/participants");
        let body = json!({"email": email, "social_ticket": ticket});
        let app = &app;
        async move { app.post(&path, &app.pk, &body).await }
    };

    let body = expect(
        sign_up(&offer, "eve@example.com", &ticket).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body["error"]["details"]["field"], "email");
    let body = expect(
        sign_up(&other, "jane@example.com", &ticket).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_code(&body), "social_ticket_expired");
    let forged = json!("st_notaticketparrainevermade");
    let body = expect(
        sign_up(&offer, "jane@example.com", &forged).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body["error"]["details"]["field"], "social_ticket");
    assert!(app
        .activities(&format!(
            "offer_id={offer}&type=signs_up_for_referral_offer"
        ))
        .await
        .is_empty());

    app.clock.advance(31 * 60 * 1000);
    let body = expect(
        sign_up(&offer, "jane@example.com", &ticket).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_code(&body), "social_ticket_expired");
}

#[tokio::test]
async fn a_replayed_or_forged_state_is_refused() {
    let (app, provider) = app_with_provider().await;
    let offer = social_offer(&app).await;
    let first = app.sign_in(&offer, None).await;
    assert_eq!(first.status, StatusCode::OK);

    let replayed = app.come_back(&first.callback).await;
    refused(&replayed, StatusCode::GONE, "sign_in_expired");
    let forged = first.callback.replace("state=", "state=x");
    refused(
        &app.come_back(&forged).await,
        StatusCode::GONE,
        "sign_in_expired",
    );
    // Neither reached the provider's token endpoint.
    assert_eq!(provider.tokens_issued(), 1);
}

#[tokio::test]
async fn a_sign_in_answered_after_ten_minutes_is_refused() {
    let (app, _provider) = app_with_provider().await;
    let offer = social_offer(&app).await;
    let started = app.start_social(&offer, None).await;
    assert_eq!(started.status(), StatusCode::FOUND);
    app.clock.advance(11 * 60 * 1000);
    // The provider answers late with a code for that state.
    let authorize = started.headers()["location"].to_str().unwrap();
    let state = reqwest::Url::parse(authorize)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let late = app.url(&format!("/social/callback?code=any&state={state}"));
    refused(
        &app.come_back(&late).await,
        StatusCode::GONE,
        "sign_in_expired",
    );
}

#[tokio::test]
async fn tokens_that_fail_a_check_are_refused() {
    let (app, provider) = app_with_provider().await;
    let offer = social_offer(&app).await;
    for quirk in [
        Quirk::TamperedClaims,
        Quirk::WrongAudience,
        Quirk::Expired,
        Quirk::WrongNonce,
        Quirk::WrongIssuer,
        Quirk::UnpublishedKey,
    ] {
        provider.set_quirk(quirk);
        let outcome = app.sign_in(&offer, None).await;
        assert_eq!(
            outcome.status,
            StatusCode::BAD_GATEWAY,
            "{quirk:?}: {}",
            outcome.message
        );
        assert_eq!(
            outcome.message["error"]["code"], "provider_failed",
            "{quirk:?}"
        );
        assert!(outcome.message["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Test ID"));
    }
    provider.set_quirk(Quirk::None);
    assert_eq!(app.sign_in(&offer, None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_email_the_provider_has_not_verified_is_refused() {
    let (app, provider) = app_with_provider().await;
    let offer = social_offer(&app).await;
    provider.set_person(Person {
        email_verified: false,
        ..provider.person()
    });
    let outcome = app.sign_in(&offer, None).await;
    refused(&outcome, StatusCode::FORBIDDEN, "email_not_verified");
    let message = outcome.message["error"]["message"].as_str().unwrap();
    assert!(message.contains("has not verified your email"), "{message}");
}

#[tokio::test]
async fn a_person_who_says_no_at_the_provider_is_told_so() {
    let (app, provider) = app_with_provider().await;
    let offer = social_offer(&app).await;
    let outcome = app.sign_in_with(&offer, None, "deny").await;
    refused(&outcome, StatusCode::FORBIDDEN, "provider_refused");
    assert_eq!(outcome.origin, "https://shop.example.com");
    assert_eq!(provider.tokens_issued(), 0);
}

#[tokio::test]
async fn keys_are_kept_and_fetched_again_when_the_provider_rotates_them() {
    let (app, provider) = app_with_provider().await;
    let offer = social_offer(&app).await;
    assert_eq!(app.sign_in(&offer, None).await.status, StatusCode::OK);
    assert_eq!(app.sign_in(&offer, None).await.status, StatusCode::OK);
    assert_eq!(
        provider.jwks_fetches(),
        1,
        "the keys are kept between sign-ins"
    );

    provider.rotate_key();
    assert_eq!(app.sign_in(&offer, None).await.status, StatusCode::OK);
    assert_eq!(
        provider.jwks_fetches(),
        2,
        "a new key id fetches the keys once"
    );
    assert_eq!(app.sign_in(&offer, None).await.status, StatusCode::OK);
    assert_eq!(provider.jwks_fetches(), 2);
}

#[tokio::test]
async fn offers_name_only_configured_providers() {
    let (app, _provider) = app_with_provider().await;
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 2}));
    settings["social_sign_up"] = json!([PROVIDER, "nowhere"]);
    let response = app.post("/v1/offers", &app.sk, &settings).await;
    let body = expect(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.to_string().contains("social_sign_up[1]"), "{body}");

    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 2}))
        .await;
    let patch = app
        .patch(
            &format!("/v1/offers/{offer}"),
            &json!({"social_sign_up": ["nowhere"]}),
        )
        .await;
    expect(patch, StatusCode::UNPROCESSABLE_ENTITY).await;
    // An offer that does not list the provider cannot start a sign-in with it.
    assert_eq!(
        app.start_social(&offer, None).await.status(),
        StatusCode::NOT_FOUND
    );
    let public = app.get_ok(&format!("/v1/offers/{offer}/public")).await;
    assert_eq!(public["social_sign_up"], json!([]));
}

#[tokio::test]
async fn retention_deletes_expired_sign_ins_and_keeps_live_ones() {
    let (app, _provider) = app_with_provider().await;
    let offer = social_offer(&app).await;
    let ticket = app.sign_in(&offer, None).await.message["social_ticket"].clone();
    let started = app.start_social(&offer, None).await;
    assert_eq!(started.status(), StatusCode::FOUND);
    let config = parrain_server::retention::RetentionConfig::default();
    let sweep = |at: i64| {
        let (store, config) = (app.store.clone(), config.clone());
        async move {
            parrain_server::retention::sweep(store.as_ref(), &config, at)
                .await
                .unwrap()
        }
    };
    let social = |swept: Vec<(parrain_store::Swept, u64)>| {
        swept
            .into_iter()
            .find(|(w, _)| *w == parrain_store::Swept::SocialLogins)
            .map_or(0, |(_, n)| n)
    };

    // Both are live: nothing goes, and the ticket still signs up.
    assert_eq!(social(sweep(app.clock.now()).await), 0);
    // Eleven minutes on, the unanswered request has expired; the ticket has not.
    app.clock.advance(11 * 60 * 1000);
    assert_eq!(social(sweep(app.clock.now()).await), 1);
    let path = format!("/v1/offers/{offer}/participants");
    let body = json!({"email": "jane@example.com", "social_ticket": ticket});
    expect(app.post(&path, &app.pk, &body).await, StatusCode::CREATED).await;
    // Half an hour on, the ticket goes too.
    app.clock.advance(20 * 60 * 1000);
    assert_eq!(social(sweep(app.clock.now()).await), 1);
}

#[tokio::test]
async fn erasing_a_person_voids_the_sign_in_ticket_issued_in_their_name() {
    let (app, _provider) = app_with_provider().await;
    let offer = social_offer(&app).await;
    let other = social_offer(&app).await;
    // Jane is a participant elsewhere, and signs in with the provider here.
    let jane = app.participant(&other, "jane@example.com").await;
    let ticket = app.sign_in(&offer, None).await.message["social_ticket"].clone();
    let person = app.participant_detail(jane["id"].as_str().unwrap()).await["person_id"]
        .as_str()
        .unwrap()
        .to_owned();

    expect(
        app.delete(&format!("/v1/people/{person}")).await,
        StatusCode::OK,
    )
    .await;

    let path = format!("/v1/offers/{offer}/participants");
    let body = json!({"email": "jane@example.com", "social_ticket": ticket});
    let refused = expect(
        app.post(&path, &app.pk, &body).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_code(&refused), "social_ticket_expired");
    assert!(app
        .activities(&format!(
            "offer_id={offer}&type=signs_up_for_referral_offer"
        ))
        .await
        .is_empty());
}
