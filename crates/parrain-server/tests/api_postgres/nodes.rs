//! Two servers on one PostgreSQL database, each with a store of its own as
//! two `parrain serve` processes have: a job queued on one node wakes the
//! workers of the other (LISTEN/NOTIFY), well before their next poll, and a
//! change on one node (an offer, a webhook, a key) reaches what the other
//! keeps in memory at once.

use std::sync::Arc;

use parrain_server::{auth, ServerConfig};
use parrain_store::postgres::scratch::ScratchDatabase;
use parrain_store::postgres::PgStore;
use parrain_store::{Audit, KeyKind, Keys};
use reqwest::StatusCode;
use serde_json::json;

use crate::backend::Keep;
use crate::helpers::{error_code, expect, spawn_app_over, spawn_app_with, TestApp};
use crate::mailbox::MailServer;
use crate::receiver::Receiver;
use crate::wake::{offer_with_welcome, sign_up_and_wait, SLOW_POLL};

#[tokio::test]
async fn an_email_queued_on_one_node_is_sent_at_once_by_another() {
    // Node A takes the sign-ups and has no SMTP server, so it sends no
    // email: only node B's worker can, and it polls once a minute.
    let mail = MailServer::start();
    let a = spawn_app_with(|c| c.outbound.poll_interval = SLOW_POLL).await;
    let store = PgStore::connect(database(&a).url(), 4).await.unwrap();
    let url = mail.url();
    let _b = spawn_app_over(Arc::new(store), Keep::Elsewhere, |c| {
        c.outbound.smtp_url = Some(url);
        c.outbound.poll_interval = SLOW_POLL;
    })
    .await;
    let offer = a.live_offer_with(offer_with_welcome()).await;

    for n in 1..=3 {
        sign_up_and_wait(&a, &mail, &offer, n).await;
    }
}

/// What each node keeps in memory (offers, share codes, webhook endpoints)
/// follows a change made on another node from the very next request, even
/// with node B deaf to the announcements: the generation each request
/// checks in its own transaction is what keeps it right, not the timing of
/// a notification.
#[tokio::test]
async fn an_approve_or_unapprove_on_one_node_is_seen_by_the_next_request_on_another() {
    let (a, b) = deaf_pair(|c| c.allow_private_webhooks = true).await;
    let offer = a
        .live_offer(json!({"type": "custom_event", "count": 1, "event": "buy"}))
        .await;
    // B reads the offer and the share code, and keeps them.
    let ana = b.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap().to_owned();
    b.friend_arrives(&code).await;

    for round in 0..5 {
        let unapproved = a
            .post_ok(
                &format!("/v1/offers/{offer}/unapprove"),
                &json!({}),
                StatusCode::OK,
            )
            .await;
        assert_eq!(unapproved["status"], "unapproved");
        let refused = expect(
            b.sign_up(&offer, json!({"email": format!("no{round}@example.com")}))
                .await,
            StatusCode::CONFLICT,
        )
        .await;
        assert_eq!(error_code(&refused), "offer_not_live", "round {round}");
        let share = b
            .post(
                "/v1/track/share",
                &b.pk,
                &json!({"code": code, "channel": "x"}),
            )
            .await;
        assert_eq!(share.status(), StatusCode::CONFLICT, "round {round}");
        // A share link keeps redirecting, and credits nothing.
        let friend = b.friend_arrives(&code).await;
        let tracked = b
            .track(
                "event",
                json!({"offer_id": offer, "visitor_id": friend, "name": "buy"}),
            )
            .await;
        assert_eq!(tracked["reason"], "offer_not_live", "round {round}");

        expect(a.approve(&offer).await, StatusCode::OK).await;
        b.participant(&offer, &format!("yes{round}@example.com"))
            .await;
        let share = b
            .post(
                "/v1/track/share",
                &b.pk,
                &json!({"code": code, "channel": "x"}),
            )
            .await;
        assert_eq!(share.status(), StatusCode::OK, "round {round}");
    }

    // A webhook endpoint created on A gets B's very next activity.
    let receiver = Receiver::start(&[]).await;
    let hook = a
        .post_ok(
            "/v1/webhooks",
            &json!({"url": receiver.url, "events": ["signs_up_for_referral_offer"]}),
            StatusCode::CREATED,
        )
        .await;
    let id = hook["id"].as_str().unwrap();
    b.participant(&offer, "bea@example.com").await;
    let log = a.get_ok(&format!("/v1/webhooks/{id}/deliveries")).await;
    assert_eq!(log["data"].as_array().unwrap().len(), 1, "{log}");
    // Disabled on A: B's next sign-up queues nothing for it.
    expect(
        a.patch(&format!("/v1/webhooks/{id}"), &json!({"enabled": false}))
            .await,
        StatusCode::OK,
    )
    .await;
    b.participant(&offer, "cy@example.com").await;
    let log = a.get_ok(&format!("/v1/webhooks/{id}/deliveries")).await;
    assert_eq!(log["data"].as_array().unwrap().len(), 1, "{log}");
}

/// A key revoked by another process (as `parrain keys revoke` does, so
/// neither server hears of it but through the database) is refused by the
/// very next request on a node that had just accepted it and keeps it,
/// even with that node deaf to the announcements; another key, still
/// valid, keeps working there.
#[tokio::test]
async fn a_key_revoked_elsewhere_is_refused_by_the_next_request_on_every_node() {
    let (a, b) = deaf_pair(|_| {}).await;
    let elsewhere = another_process(&a).await;
    let offers = |app: &TestApp, key: &str| {
        app.client
            .get(format!("{}/v1/offers", app.base))
            .bearer_auth(key)
            .send()
    };

    for round in 0..3 {
        let (key, secret) = auth::create_key(
            &elsewhere,
            KeyKind::Secret,
            "ci",
            a.clock.now(),
            Audit::none(),
        )
        .await
        .unwrap();
        for app in [&a, &b, &b] {
            let ok = offers(app, &secret).await.unwrap();
            assert_eq!(ok.status(), StatusCode::OK, "round {round}");
        }
        let revoked = elsewhere
            .revoke_key(&key.id, a.clock.now(), Audit::none())
            .await
            .unwrap();
        assert!(revoked.revoked_at.is_some());
        for app in [&b, &a] {
            let refused = expect(
                offers(app, &secret).await.unwrap(),
                StatusCode::UNAUTHORIZED,
            )
            .await;
            assert_eq!(error_code(&refused), "unauthorized", "round {round}");
        }
        let ok = offers(&b, &b.sk).await.unwrap();
        assert_eq!(ok.status(), StatusCode::OK, "round {round}");
    }
}

/// A request let in on a key a node keeps (a sign-up, a visit, a batch of
/// events: flows whose own transaction confirms the key; a call its
/// handler refuses before any use of the store) is refused, and writes
/// nothing, when it is the first after the key's revocation by another
/// process, with the node deaf to the announcements; the node's own keys
/// keep working.
#[tokio::test]
async fn a_key_revoked_elsewhere_writes_nothing_on_a_node_that_kept_it() {
    let (a, b) = deaf_pair(|_| {}).await;
    let elsewhere = another_process(&a).await;
    let offer = a
        .live_offer(json!({"type": "referred_visits", "count": 100}))
        .await;
    let code = a.participant(&offer, "ana@example.com").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let sign_up = |email: &str| {
        (
            format!("/v1/offers/{offer}/participants"),
            json!({"email": email}),
        )
    };
    let visit = |n: u32| {
        let visitor = format!("vis_000000000000000000{n:02}");
        let body = json!({"offer_id": offer, "visitor_id": visitor, "referral_code": code});
        ("/v1/track/visit".to_owned(), body)
    };
    let event = |email: &str| {
        (
            "/v1/events".to_owned(),
            json!({"person": {"email": email}, "name": "purchase"}),
        )
    };
    let send = |(path, body): (String, serde_json::Value), key: &str| {
        let request = b.client.post(b.url(&path)).bearer_auth(key).json(&body);
        async move { request.send().await.unwrap() }
    };
    let public = |key: &str| {
        let request = b
            .client
            .get(b.url(&format!("/v1/offers/{offer}/public")))
            .bearer_auth(key);
        async move { request.send().await.unwrap() }
    };
    let visits = || async { a.activities("type=visits_offer_page").await.len() };

    let cases = [
        (KeyKind::Secret, sign_up("cal@example.com")),
        (KeyKind::Publishable, visit(1)),
        (KeyKind::Secret, event("dan@example.com")),
        (
            KeyKind::Secret,
            ("/v1/events".to_owned(), json!({"name": 5})),
        ),
    ];
    for (kind, request) in cases {
        let (key, plain) = auth::create_key(&elsewhere, kind, "site", a.clock.now(), Audit::none())
            .await
            .unwrap();
        // Node B checks the key and keeps it.
        expect(public(&plain).await, StatusCode::OK).await;
        elsewhere
            .revoke_key(&key.id, a.clock.now(), Audit::none())
            .await
            .unwrap();
        let refused = expect(send(request, &plain).await, StatusCode::UNAUTHORIZED).await;
        assert_eq!(error_code(&refused), "unauthorized", "{refused}");
    }

    // Nothing of them was written.
    assert_eq!(visits().await, 0);
    let people = a.get_ok("/v1/people?limit=100").await;
    let emails: Vec<&str> = people["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["email"].as_str())
        .collect();
    assert_eq!(emails, ["ana@example.com"], "{people}");
    // The node's own keys still let the same writes in.
    expect(
        send(sign_up("cal@example.com"), &b.sk).await,
        StatusCode::CREATED,
    )
    .await;
    expect(send(visit(1), &b.pk).await, StatusCode::OK).await;
    assert_eq!(visits().await, 1);
}

/// A participant's own browser is known to every node, and so is its
/// erasure: once the person is erased on one node, the browser they signed
/// up from is a stranger to the other node's very next request, even with
/// that node deaf to the announcements.
#[tokio::test]
async fn an_erasure_on_one_node_is_seen_by_the_next_request_on_another() {
    let (a, b) = deaf_pair(|_| {}).await;
    let offer = a
        .live_offer(json!({"type": "custom_event", "count": 1, "event": "buy"}))
        .await;
    let browser = "vis_00000000000000000a0b";
    let ana = expect(
        a.sign_up(
            &offer,
            json!({"email": "ana@example.com", "visitor_id": browser}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let code = ana["code"].as_str().unwrap().to_owned();
    let visit = json!({"offer_id": offer, "visitor_id": browser, "referral_code": code});
    // B reads the code's participant and its own browser, and keeps them:
    // a participant's own visit is attributed to no one.
    let own = b.track("visit", visit.clone()).await;
    assert_eq!(own["reason"], "not_referred", "{own}");

    let person = ana["person_id"].as_str().unwrap();
    expect(
        a.delete(&format!("/v1/people/{person}")).await,
        StatusCode::OK,
    )
    .await;
    // A stranger's visit with the code is attributed to ana (and earns
    // nothing: visits are not this offer's goal).
    let stranger = b.track("visit", visit).await;
    assert_eq!(stranger["reason"], "not_a_goal_fact", "{stranger}");
}

/// Node A (configured by `configure`) and node B on A's database, B deaf
/// to the announcements: it hears of a change only through the database.
async fn deaf_pair(configure: impl FnOnce(&mut ServerConfig)) -> (TestApp, TestApp) {
    let a = spawn_app_with(configure).await;
    let store = PgStore::connect(database(&a).url(), 4).await.unwrap();
    store.deaf_to_cache_announcements();
    let b = spawn_app_over(Arc::new(store), Keep::Elsewhere, |_| {}).await;
    (a, b)
}

/// A connection to A's database standing for another process (`parrain
/// keys revoke`, say): what it changes no node is told of.
async fn another_process(a: &TestApp) -> PgStore {
    PgStore::connect(database(a).url(), 1).await.unwrap()
}

fn database(app: &TestApp) -> &ScratchDatabase {
    match &app.db {
        Keep::Database(db) => db,
        _ => panic!("the PostgreSQL suite keeps a database"),
    }
}
