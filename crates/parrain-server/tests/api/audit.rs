//! The audit log is written with the change it records, in the same
//! transaction, on either store: an entry exists exactly when its change
//! was made. A refused change leaves no entry, a change whose entry cannot
//! be written is not made, and a change made with a secret key is recorded
//! by that key.

use parrain_store::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::backend::Keep;
use crate::helpers::{offer_settings, spawn_app, spawn_app_with, TestApp};
use crate::roles::signed_in;

/// Who did what to what, oldest first, leaving out the operators the test
/// set up from the command line.
async fn entries(app: &TestApp) -> Vec<(String, String, String)> {
    let mut log = app.store.audit_log(None, 500).await.unwrap();
    log.reverse();
    (log.into_iter())
        .filter(|e| e.operator != "cli")
        .map(|e| (e.operator, e.action, e.target))
        .collect()
}

/// What the log calls the test's secret key.
async fn key_name(app: &TestApp) -> String {
    let keys = app.store.list_keys().await.unwrap();
    let key = (keys.iter())
        .find(|k| k.kind == parrain_store::KeyKind::Secret)
        .unwrap();
    format!("key {} ({})", key.id, key.name)
}

async fn status_of(app: &TestApp, offer: &str) -> (StatusCode, String) {
    let response = app
        .client
        .get(app.url(&format!("/v1/offers/{offer}")))
        .bearer_auth(&app.sk)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    (
        status,
        body["status"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn an_entry_exists_exactly_when_its_change_was_made() {
    let app = spawn_app().await;
    let owner = signed_in(&app, "owner@example.com", Role::Owner).await;
    let key = key_name(&app).await;
    let draft = app.create_offer(&json!({"name": "Half done"})).await;
    let draft = draft["id"].as_str().unwrap().to_owned();
    let live = app
        .live_offer(json!({"type": "referred_signups", "count": 2}))
        .await;
    app.participant(&live, "ana@example.com").await;

    // Refused: a draft with problems (in the admin and through the API), an
    // offer with participants, a bad upload, an unknown review.
    let refused = owner
        .post(&app, &format!("/admin/offers/{draft}/approve"), &[])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = owner
        .post(&app, &format!("/admin/offers/{live}/delete"), &[])
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let upload = [("pool", ""), ("codes", "GOOD-1\n BAD 2")];
    let refused = owner
        .post(&app, &format!("/admin/offers/{live}/promo-codes"), &upload)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    owner.post(&app, "/admin/reviews/rev_0/approve", &[]).await;
    let refused = app.approve(&draft).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status_of(&app, &draft).await.1, "draft");
    assert_eq!(status_of(&app, &live).await.1, "approved");

    // Made: each has its entry, by whoever made it.
    let deleted = owner
        .post(&app, &format!("/admin/offers/{draft}/delete"), &[])
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, &draft).await.0, StatusCode::NOT_FOUND);
    let upload = [("pool", ""), ("codes", "GOOD-1\nGOOD-2")];
    let uploaded = owner
        .post(&app, &format!("/admin/offers/{live}/promo-codes"), &upload)
        .await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let log = app.store.audit_log(None, 1).await.unwrap();
    assert_eq!(log[0].detail, "pool default: 2 codes available");

    // A pool's low-stock warning: refused (no entry), then set on the
    // offer page, then removed with the key.
    let low_stock_form = format!("/admin/offers/{live}/promo-codes/low-stock");
    let refused = owner
        .post(&app, &low_stock_form, &[("pool", ""), ("low_stock", "0")])
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let set = owner
        .post(&app, &low_stock_form, &[("pool", ""), ("low_stock", "5")])
        .await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    let log = app.store.audit_log(None, 1).await.unwrap();
    assert_eq!(log[0].detail, "pool default: warn below 5 codes");
    let removed = app
        .patch(
            &format!("/v1/offers/{live}/promo-codes"),
            &json!({"low_stock": null}),
        )
        .await;
    assert_eq!(removed.status(), StatusCode::OK);
    let log = app.store.audit_log(None, 1).await.unwrap();
    assert_eq!(log[0].detail, "pool default: no low-stock warning");

    let owner = "owner@example.com".to_owned();
    let expected = [
        (key.clone(), "offer.create", draft.clone()),
        (key.clone(), "offer.create", live.clone()),
        (key.clone(), "offer.approve", live.clone()),
        (owner.clone(), "offer.delete", draft.clone()),
        (owner.clone(), "promo_codes.upload", live.clone()),
        (owner.clone(), "promo_codes.low_stock", live.clone()),
        (key.clone(), "promo_codes.low_stock", live.clone()),
    ]
    .map(|(who, what, on)| (who, what.to_owned(), on));
    assert_eq!(entries(&app).await, expected);
}

/// Makes every later write to the audit log fail in the database itself
/// (a trigger), as a full disk or a lost connection would at that moment.
async fn break_the_audit_log(app: &TestApp) {
    match &app.db {
        Keep::Dir(dir) => {
            let conn =
                r2d2_sqlite::rusqlite::Connection::open(dir.path().join("parrain.db")).unwrap();
            conn.execute_batch(
                "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log
                 BEGIN SELECT RAISE(ABORT, 'the audit log cannot be written'); END;",
            )
            .unwrap();
        }
        Keep::Database(db) => {
            let url = db.url().to_owned();
            tokio::task::spawn_blocking(move || {
                let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                client
                    .batch_execute(
                        "CREATE FUNCTION audit_fails() RETURNS trigger LANGUAGE plpgsql AS $$
                         BEGIN RAISE EXCEPTION 'the audit log cannot be written'; END $$;
                         CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log
                         FOR EACH ROW EXECUTE FUNCTION audit_fails();",
                    )
                    .unwrap();
            })
            .await
            .unwrap();
        }
        Keep::Elsewhere => unreachable!("the test keeps its own database"),
    }
}

#[tokio::test]
async fn a_change_whose_entry_cannot_be_written_is_not_made() {
    let app = spawn_app_with(|c| c.allow_private_webhooks = true).await;
    let owner = signed_in(&app, "owner@example.com", Role::Owner).await;
    let settings = offer_settings(json!({"type": "referred_signups", "count": 2}));
    let offer = app.create_offer(&settings).await;
    let offer = offer["id"].as_str().unwrap().to_owned();
    let before = entries(&app).await;
    break_the_audit_log(&app).await;

    let approved = owner
        .post(&app, &format!("/admin/offers/{offer}/approve"), &[])
        .await;
    assert_eq!(approved.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        app.approve(&offer).await.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(status_of(&app, &offer).await.1, "draft", "not approved");
    let hook = json!({"url": "http://127.0.0.1:9/in", "events": ["signs_up_for_referral_offer"]});
    let created = app.post("/v1/webhooks", &app.sk, &hook).await;
    assert_eq!(created.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let webhooks = app.get_ok("/v1/webhooks").await;
    assert_eq!(webhooks["data"].as_array().unwrap().len(), 0, "no endpoint");
    assert_eq!(entries(&app).await, before);
}
