//! Retention: one sweep of the server's sweeper, with retention set to
//! zero, deletes finished jobs, webhook deliveries with their attempts, old
//! idempotency records and expired operator sessions, and leaves pending
//! work, live sessions and newer records alone; client addresses are
//! cleared and the person's export shows none.

use std::time::Duration;

use parrain_server::idempotency;
use parrain_server::retention::{self, RetentionConfig};
use parrain_store::{OperatorSession, Swept};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect, spawn_app, spawn_app_with, TestApp};
use crate::lookup::sign_in_link;
use crate::mailbox::MailServer;
use crate::receiver::Receiver;

/// Keep nothing that is finished. The servers keep the defaults, so the
/// sweep their sweeper runs at start deletes nothing a test made; the
/// tests sweep with this.
fn zero() -> RetentionConfig {
    RetentionConfig {
        finished_jobs: Duration::ZERO,
        idempotency: Duration::ZERO,
        client_ips: Duration::ZERO,
        pending_codes: Duration::ZERO,
        every: Duration::from_secs(24 * 3600),
    }
}

/// One sweep now, as the sweeper runs it; how many rows of each kind went.
async fn sweep(app: &TestApp, config: &RetentionConfig) -> Vec<(Swept, u64)> {
    // A millisecond on, so what was finished "now" is older than the cutoff.
    app.clock.advance(1);
    retention::sweep(app.store.as_ref(), config, app.clock.now())
        .await
        .unwrap()
}

fn removed(sweep: &[(Swept, u64)], what: Swept) -> u64 {
    sweep
        .iter()
        .find(|(w, _)| *w == what)
        .map_or(0, |(_, n)| *n)
}

fn offer_with_welcome_email() -> Value {
    json!({
        "name": "Spring referral",
        "goal": {"type": "referred_signups", "count": 3},
        "offer_page_url": "https://shop.example.com/refer",
        "emails": {
            "sign_up": {"subject": "Welcome", "text": "Share {{ share_url }}"},
            "fulfillment": {"subject": "Your reward", "text": "Here is {{ promo_code }}"}
        }
    })
}

#[tokio::test]
async fn finished_jobs_and_deliveries_go_and_pending_mail_stays() {
    // Arrange: no SMTP server, so the welcome email waits; a webhook that
    // a real receiver accepts at once.
    let app = spawn_app_with(|c| {
        c.allow_private_webhooks = true;
        c.metrics_token = Some("metrics-secret".into());
    })
    .await;
    let offer = app.live_offer_with(offer_with_welcome_email()).await;
    let receiver = Receiver::start(&[200]).await;
    let hook = app
        .post_ok(
            "/v1/webhooks",
            &json!({"url": receiver.url, "events": ["signs_up_for_referral_offer"]}),
            StatusCode::CREATED,
        )
        .await;
    let log = format!("/v1/webhooks/{}/deliveries", hook["id"].as_str().unwrap());
    app.participant(&offer, "ana@example.com").await;
    // Returns once the delivery is settled, after the receiver answered.
    app.drain().await;
    assert_eq!(receiver.requests().len(), 1);
    let deliveries = app.get_ok(&log).await;
    assert_eq!(deliveries["data"][0]["state"], "succeeded");
    assert_eq!(
        deliveries["data"][0]["attempts"].as_array().unwrap().len(),
        1
    );

    // Act
    let swept = sweep(&app, &zero()).await;

    // Assert: the webhook's job and delivery are gone with its attempt…
    assert_eq!(removed(&swept, Swept::Jobs), 1, "{swept:?}");
    assert_eq!(removed(&swept, Swept::Deliveries), 1, "{swept:?}");
    assert_eq!(app.get_ok(&log).await["data"], json!([]));
    // …the email still waits to be sent…
    let health = app.get_ok("/healthz").await;
    assert_eq!(health["outbound"]["email"]["waiting"], 1);
    // …the activity log keeps the sign-up, and a second sweep finds nothing.
    assert_eq!(
        app.activities("type=signs_up_for_referral_offer")
            .await
            .len(),
        1
    );
    let again = sweep(&app, &zero()).await;
    assert!(again.iter().all(|(_, n)| *n == 0), "{again:?}");
    // /metrics counts what went.
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("metrics-secret")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for what in ["jobs", "webhook_deliveries"] {
        let line = format!("parrain_retention_removed_total{{what=\"{what}\"}} 1\n");
        assert!(metrics.contains(&line), "{metrics}");
    }
}

async fn create_offer_with_key(app: &TestApp, key: &str) -> reqwest::Response {
    app.client
        .post(app.url("/v1/offers"))
        .bearer_auth(&app.sk)
        .header("Idempotency-Key", key)
        .json(&offer_with_welcome_email())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn idempotency_records_go_once_older_than_their_retention() {
    let app = spawn_app().await;
    let first = expect(
        create_offer_with_key(&app, "k-1").await,
        StatusCode::CREATED,
    )
    .await;

    // Kept for 24 hours by default: a sweep leaves the record, the retry is replayed.
    let kept = sweep(&app, &RetentionConfig::default()).await;
    assert_eq!(removed(&kept, Swept::Idempotency), 0);
    let replay = create_offer_with_key(&app, "k-1").await;
    assert_eq!(replay.headers()[idempotency::REPLAYED], "true");
    assert_eq!(expect(replay, StatusCode::CREATED).await, first);

    // With no retention the sweep deletes it: the key starts afresh.
    let swept = sweep(&app, &zero()).await;
    assert_eq!(removed(&swept, Swept::Idempotency), 1);
    let fresh = create_offer_with_key(&app, "k-1").await;
    assert!(fresh.headers().get(idempotency::REPLAYED).is_none());
    let fresh = expect(fresh, StatusCode::CREATED).await;
    assert_ne!(fresh["id"], first["id"]);
}

fn session(token: char, expires_at: i64) -> OperatorSession {
    OperatorSession {
        token_hash: token.to_string().repeat(64),
        email: "ops@example.com".into(),
        csrf_token: format!("csrf-{token}"),
        created_at: 1_000,
        expires_at,
        role: parrain_store::Role::Owner,
    }
}

#[tokio::test]
async fn expired_operator_sessions_go_and_live_ones_stay() {
    let app = spawn_app().await;
    let email = parrain_core::email::Email::parse("ops@example.com").unwrap();
    let hash = parrain_server::password::hash("correct horse battery").unwrap();
    app.store.set_operator(&email, hash, 1_000).await.unwrap();
    let now = app.clock.now();
    let (expired, live) = (session('a', now - 1), session('b', now + 3_600_000));
    app.store.insert_session(expired.clone()).await.unwrap();
    app.store.insert_session(live.clone()).await.unwrap();

    sweep(&app, &zero()).await;

    // (The sweep the server ran at start may have been the one that took it.)
    let now = app.clock.now();
    assert_eq!(
        app.store.session(&live.token_hash, now).await.unwrap(),
        Some(live)
    );
    // Even a clock turned back finds the expired one no more.
    assert_eq!(
        app.store.session(&expired.token_hash, 0).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn spent_and_expired_sign_in_links_go_and_a_live_one_still_opens() {
    let mail = MailServer::start();
    let url = mail.url();
    let app = spawn_app_with(|c| c.outbound.smtp_url = Some(url)).await;
    let offer = app.live_offer_with(offer_with_welcome_email()).await;
    app.participant(&offer, "ana@example.com").await;
    mail.wait_for(1).await;
    let lookup = format!("/v1/offers/{offer}/participants/lookup");
    let mut mails = 1; // the welcome email
    let mut new_link = || {
        mails += 1;
        let (app, mail, lookup, n) = (&app, &mail, &lookup, mails);
        async move {
            let asked = app
                .post(lookup, &app.pk, &json!({"email": "ana@example.com"}))
                .await;
            expect(asked, StatusCode::ACCEPTED).await;
            let messages = mail.wait_for(n).await;
            assert_eq!(messages.len(), n, "the sign-in email arrived");
            sign_in_link(app, &messages[n - 1])
        }
    };
    let open = |link: String| {
        let app = &app;
        async move { app.client.post(&link).send().await.unwrap() }
    };
    let status = |link: String| async move { open(link).await.status() };

    // One link spent, one not yet: the sweep takes the spent one only.
    let spent = new_link().await;
    let opened = open(spent.clone()).await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    let page = opened.headers()["location"].to_str().unwrap().to_owned();
    let live = new_link().await;
    assert_eq!(removed(&sweep(&app, &zero()).await, Swept::Links), 1);
    assert_eq!(
        status(live).await,
        StatusCode::SEE_OTHER,
        "a live link still opens"
    );
    assert_eq!(removed(&sweep(&app, &zero()).await, Swept::Links), 1);

    // A link left a day unused has expired: the next sweep takes it.
    let late = new_link().await;
    assert_eq!(removed(&sweep(&app, &zero()).await, Swept::Links), 0);
    app.clock.advance(24 * 3600 * 1000);
    assert_eq!(removed(&sweep(&app, &zero()).await, Swept::Links), 1);
    assert_eq!(status(late).await, StatusCode::NOT_FOUND);
    assert_eq!(status(spent).await, StatusCode::NOT_FOUND);

    // Ana's own page, opened with her access token, is never swept.
    let page = app.client.get(app.url(&page)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
}

const HOME: &str = "203.0.113.7";
const ELSEWHERE: &str = "198.51.100.20";

async fn export(app: &TestApp, person: &Value) -> String {
    let person = person.as_str().unwrap();
    app.get_ok(&format!("/v1/people/{person}/export"))
        .await
        .to_string()
}

#[tokio::test]
async fn client_addresses_are_cleared_once_older_than_their_retention() {
    // Arrange: a server behind a proxy on loopback; a referrer signed up
    // from HOME by the site's server, a friend from ELSEWHERE in a browser.
    let app = spawn_app_with(|c| c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let offer = app.live_offer_with(offer_with_welcome_email()).await;
    let body = json!({"email": "ada@example.com", "ip": HOME});
    let ada = expect(app.sign_up(&offer, body).await, StatusCode::CREATED).await;
    let visitor = parrain_core::ids::VisitorId::generate().to_string();
    let body =
        json!({"email": "bob@example.com", "referral_code": ada["code"], "visitor_id": visitor});
    let bob = app
        .client
        .post(app.url(&format!("/v1/offers/{offer}/participants")))
        .bearer_auth(&app.pk)
        .header("x-forwarded-for", ELSEWHERE)
        .json(&body)
        .send()
        .await
        .unwrap();
    expect(bob, StatusCode::CREATED).await;
    let bob = app.participant(&offer, "bob@example.com").await;
    assert!(export(&app, &ada["person_id"]).await.contains(HOME));
    let bob_export = export(&app, &bob["person_id"]).await;
    assert!(bob_export.contains(ELSEWHERE), "{bob_export}");

    // Kept for 90 days by default.
    let kept = sweep(&app, &RetentionConfig::default()).await;
    assert_eq!(removed(&kept, Swept::SignUpIps), 0);
    assert!(export(&app, &ada["person_id"]).await.contains(HOME));

    // Act
    let swept = sweep(&app, &zero()).await;

    // Assert: both sign-ups' addresses and the browser's are cleared, the
    // people and their participations kept.
    assert_eq!(removed(&swept, Swept::SignUpIps), 2, "{swept:?}");
    assert_eq!(removed(&swept, Swept::VisitorIps), 1, "{swept:?}");
    let ada_export = export(&app, &ada["person_id"]).await;
    assert!(!ada_export.contains(HOME), "{ada_export}");
    assert!(ada_export.contains("ada@example.com"), "{ada_export}");
    let bob_export = export(&app, &bob["person_id"]).await;
    assert!(!bob_export.contains(ELSEWHERE), "{bob_export}");
    assert!(bob_export.contains(&visitor), "{bob_export}");
}

#[tokio::test]
async fn a_sweep_during_a_burst_of_sign_ups_loses_nothing_acknowledged() {
    // Arrange: a referrer, and a sweeper with zero retention running
    // sweep after sweep while forty friends sign up at once.
    let app = std::sync::Arc::new(spawn_app().await);
    let mut settings = offer_with_welcome_email();
    settings["goal"] = json!({"type": "referred_signups", "count": 1000});
    let offer = app.live_offer_with(settings).await;
    let ada = app.participant(&offer, "ada@example.com").await;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sweeper = tokio::spawn({
        let (app, done) = (app.clone(), done.clone());
        async move {
            let mut sweeps = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) || sweeps == 0 {
                sweep(&app, &zero()).await;
                sweeps += 1;
            }
            sweeps
        }
    });

    // Act
    let mut sign_ups = tokio::task::JoinSet::new();
    for i in 0..40 {
        let (app, offer, code) = (app.clone(), offer.clone(), ada["code"].clone());
        sign_ups.spawn(async move {
            let body = json!({"email": format!("friend{i}@example.com"), "referral_code": code,
                              "ip": format!("203.0.113.{}", i + 1)});
            expect(app.sign_up(&offer, body).await, StatusCode::CREATED).await
        });
    }
    let mut acknowledged = Vec::new();
    while let Some(friend) = sign_ups.join_next().await {
        acknowledged.push(friend.unwrap());
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(sweeper.await.unwrap() > 0);

    // Assert: every acknowledged friend is there and counted for the referrer.
    for friend in &acknowledged {
        let id = friend["id"].as_str().unwrap();
        assert_eq!(app.participant_detail(id).await["email"], friend["email"]);
    }
    let ada = app.participant_detail(ada["id"].as_str().unwrap()).await;
    assert_eq!(ada["credit"], 40, "{ada}");
    let listed = app
        .get_ok(&format!("/v1/offers/{offer}/participants?limit=100"))
        .await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 41, "{listed}");
}

#[tokio::test]
async fn daily_click_counts_go_once_their_day_is_older_than_the_retention() {
    let app = spawn_app().await;
    let mut settings =
        crate::helpers::offer_settings(json!({"type": "referred_signups", "count": 5}));
    settings["limits"] = json!({"max_clicks_per_link_per_day": 2});
    let offer = app.live_offer_with(settings).await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();
    let click = || async {
        assert_eq!(app.follow(code, None).await.status(), StatusCode::FOUND);
    };
    let recorded = || async {
        app.drain().await;
        app.activities(&format!("offer_id={offer}&type=clicks_shared_link"))
            .await
            .len()
    };
    for _ in 0..3 {
        click().await;
    }
    assert_eq!(recorded().await, 2);

    // Today's count is what caps today's clicks: no retention removes it.
    assert_eq!(removed(&sweep(&app, &zero()).await, Swept::LinkClicks), 0);
    click().await;
    assert_eq!(recorded().await, 2);

    // A day on, yesterday's count is kept for retention_jobs_days (30 by
    // default), then goes; today's still caps.
    app.clock.advance(24 * 3600 * 1000);
    click().await;
    assert_eq!(recorded().await, 3);
    let default = RetentionConfig::default();
    assert_eq!(removed(&sweep(&app, &default).await, Swept::LinkClicks), 0);
    assert_eq!(removed(&sweep(&app, &zero()).await, Swept::LinkClicks), 1);
    for _ in 0..2 {
        click().await;
    }
    assert_eq!(recorded().await, 4);
}
