//! Erasure and export of one person (`DELETE /v1/people/{id}`,
//! `GET /v1/people/{id}/export`): after erasure the email and names are in
//! no table of the database, queued mail to them is gone, the referrer keeps
//! its credit, counts add up, and the same browser is a stranger.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::backend::Keep;
use crate::helpers::{expect, spawn_app_with, TestApp};
use crate::mailbox::{free_port, smtp_url, MailServer};
use crate::receiver::Receiver;

const EMAIL: &str = "ada.lovelace@example.com";
const NAME: &str = "Adalind";

fn settings() -> Value {
    json!({
        "name": "Spring referral",
        "goal": {"type": "referred_signups", "count": 2},
        "offer_page_url": "https://shop.example.com/refer",
        "person_fields": [{"name": "first_name"}, {"name": "company", "label": "Company"}],
        "emails": {
            "sign_up": {"subject": "Welcome", "text": "Share {{ share_url }}"},
            "fulfillment": {"subject": "Your reward", "text": "Here is {{ promo_code }}"}
        }
    })
}

/// How many rows of the whole database mention `needle`, per table.
fn traces(app: &TestApp, needle: &str) -> Vec<(String, i64)> {
    match &app.db {
        Keep::Dir(dir) => {
            let conn =
                r2d2_sqlite::rusqlite::Connection::open(dir.path().join("parrain.db")).unwrap();
            let tables: Vec<String> = conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let mut found = Vec::new();
            for table in tables {
                let columns: Vec<String> = conn
                    .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                    .unwrap()
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                let any = columns
                    .iter()
                    .map(|c| format!("instr(lower(CAST(\"{c}\" AS TEXT)), lower(?1)) > 0"))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                let n: i64 = conn
                    .query_row(
                        &format!("SELECT count(*) FROM \"{table}\" WHERE {any}"),
                        [needle],
                        |r| r.get(0),
                    )
                    .unwrap();
                found.push((table, n));
            }
            found
        }
        // The synchronous client must not run on the test's async thread.
        Keep::Database(db) => {
            std::thread::scope(|s| s.spawn(|| pg_traces(db.url(), needle)).join().unwrap())
        }
        Keep::Elsewhere => panic!("this test's server does not keep its database"),
    }
}

fn pg_traces(url: &str, needle: &str) -> Vec<(String, i64)> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let tables: Vec<String> = client
        .query(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    tables
        .into_iter()
        .map(|table| {
            // A row cast to text holds every column, but bytea as hex: decode the one there is.
            let bytes = if table == "idempotency_keys" {
                " OR strpos(lower(convert_from(coalesce(body, ''::bytea), 'UTF8')), lower($1)) > 0"
            } else {
                ""
            };
            let sql = format!(
                "SELECT count(*) FROM \"{table}\" t WHERE strpos(lower(t::text), lower($1)) > 0{bytes}"
            );
            let n: i64 = client.query_one(&sql, &[&needle]).unwrap().get(0);
            (table, n)
        })
        .collect()
}

fn mentions(app: &TestApp, needle: &str) -> i64 {
    traces(app, needle).iter().map(|(_, n)| n).sum()
}

#[tokio::test]
async fn erasure_leaves_no_trace_keeps_credit_and_counts_and_forgets_the_browser() {
    let app = spawn_app_with(|c| c.allow_private_webhooks = true).await;
    let offer = app.live_offer_with(settings()).await;
    // A webhook that cannot be reached: its deliveries wait, payloads and all.
    let hook = json!({"url": "http://127.0.0.1:9/hook", "events": ["visits_offer_page", "signs_up_for_referral_offer"]});
    app.post_ok("/v1/webhooks", &hook, StatusCode::CREATED)
        .await;

    let referrer = app.participant(&offer, "grace@example.com").await;
    let code = referrer["code"].as_str().unwrap();
    let browser = app.friend_arrives(code).await;
    let url = format!("https://shop.example.com/refer?email={EMAIL}");
    app.track(
        "visit",
        json!({"offer_id": offer, "visitor_id": browser, "url": url}),
    )
    .await;
    let sign_up = json!({"email": EMAIL, "first_name": NAME, "last_name": "Byron",
        "fields": {"company": "Analytical Engines"}, "visitor_id": browser, "referral_code": code});
    let friend = app
        .client
        .post(app.url(&format!("/v1/offers/{offer}/participants")))
        .bearer_auth(&app.sk)
        .header("Idempotency-Key", "signup-ada")
        .json(&sign_up)
        .send()
        .await
        .unwrap();
    let friend = expect(friend, StatusCode::CREATED).await;
    let person = friend["person_id"].as_str().unwrap().to_owned();

    let before = app.get_ok(&format!("/v1/people/{person}/export")).await;
    assert_eq!(before["email"], EMAIL);
    assert_eq!(before["first_name"], NAME);
    assert_eq!(
        before["participants"][0]["fields"]["company"],
        "Analytical Engines"
    );
    assert_eq!(before["visitors"][0]["id"], browser.as_str());
    assert!(mentions(&app, EMAIL) > 0 && mentions(&app, NAME) > 0);
    let activities_before = app.activities(&format!("offer_id={offer}")).await.len();

    let erased = app.delete(&format!("/v1/people/{person}")).await;
    let erased = expect(erased, StatusCode::OK).await;
    assert_eq!(erased["erased"], true);
    assert_eq!(erased["participants"], 1);
    assert_eq!(
        erased["unsent_emails"], 1,
        "the welcome mail to them waited for SMTP"
    );

    // No trace of the email, the name, the fields or the browser id, anywhere.
    for needle in [EMAIL, NAME, "Byron", "Analytical Engines", browser.as_str()] {
        let left: Vec<_> = traces(&app, needle)
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .collect();
        assert!(left.is_empty(), "`{needle}` still in {left:?}");
    }
    let after = app.get_ok(&format!("/v1/people/{person}/export")).await;
    let text = after.to_string();
    assert!(!text.contains(EMAIL) && !text.contains(NAME), "{text}");
    assert!(after["erased_at"].is_i64());
    assert_ne!(after["visitors"][0]["id"], browser.as_str(), "a fresh id");

    // The referrer keeps its credit; participants and activities still count.
    let detail = app
        .participant_detail(referrer["id"].as_str().unwrap())
        .await;
    assert_eq!(detail["credit"], 1);
    let list = app
        .get_ok(&format!("/v1/offers/{offer}/participants"))
        .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.activities(&format!("offer_id={offer}")).await.len(),
        activities_before
    );

    // The same browser is a stranger now; the same email is a new person.
    let again = app
        .sign_up(&offer, json!({"email": EMAIL, "visitor_id": browser}))
        .await;
    let again = expect(again, StatusCode::CREATED).await;
    assert_ne!(again["person_id"], person.as_str());
    assert_eq!(
        again["referred_by"],
        Value::Null,
        "the old attribution is not the browser's any more"
    );

    // Erasing twice is harmless.
    let twice = expect(
        app.delete(&format!("/v1/people/{person}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(twice["erased"], false);
}

/// A referrer's export holds what happened on its link: the clicks of the
/// friends who came through it and its shares, and nobody else's.
#[tokio::test]
async fn a_referrers_export_holds_the_clicks_on_its_link_and_its_shares() {
    let app = spawn_app_with(|_| {}).await;
    let offer = app.live_offer_with(settings()).await;
    let grace = app.participant(&offer, "grace@example.com").await;
    let other = app.participant(&offer, "other@example.com").await;
    let code = grace["code"].as_str().unwrap();
    let friends = [
        app.friend_arrives(code).await,
        app.friend_arrives(code).await,
    ];
    app.friend_arrives(other["code"].as_str().unwrap()).await;
    // A write: every click answered before it is recorded first.
    app.track("share", json!({"code": code, "channel": "x"}))
        .await;

    let person = grace["person_id"].as_str().unwrap();
    let export = app.get_ok(&format!("/v1/people/{person}/export")).await;
    let activities = export["activities"].as_array().unwrap();
    let of =
        |kind: &str| -> Vec<&Value> { activities.iter().filter(|a| a["type"] == kind).collect() };
    let clicks = of("clicks_shared_link");
    let browsers: Vec<&str> = clicks
        .iter()
        .map(|c| c["visitor_id"].as_str().unwrap())
        .collect();
    assert_eq!(browsers, friends, "{activities:#?}");
    assert!(clicks.iter().all(|c| c["participant_id"] == grace["id"]));
    let shares = of("shares_content");
    assert_eq!(shares.len(), 1, "{activities:#?}");
    assert_eq!(shares[0]["details"]["channel"], "x");
}

#[tokio::test]
async fn unknown_people_are_404() {
    let app = spawn_app_with(|_| {}).await;
    let erase = app.delete("/v1/people/per_unknown").await;
    expect(erase, StatusCode::NOT_FOUND).await;
    expect(
        app.get("/v1/people/per_unknown/export").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let publishable = app
        .client
        .delete(app.url("/v1/people/per_unknown"))
        .bearer_auth(&app.pk)
        .send()
        .await
        .unwrap();
    expect(publishable, StatusCode::FORBIDDEN).await;
}

/// Erasing people named like the keys of stored JSON ("data", "invitation",
/// "email", "template"…) and a namesake of someone else leaves everybody
/// else's waiting webhooks and emails as they were: they are delivered,
/// whole, once the receiver and the mail server come up.
#[tokio::test]
async fn erasing_people_named_like_json_keys_leaves_other_peoples_webhooks_and_emails_intact() {
    // Arrange: a webhook receiver and a mail server that are not up yet.
    let (hook_port, mail_port) = (free_port(), free_port());
    let app = spawn_app_with(|c| {
        c.allow_private_webhooks = true;
        c.outbound.smtp_url = Some(smtp_url(mail_port));
        c.outbound.email_retry_schedule = vec![Duration::from_millis(200)];
        c.outbound.webhook_retry_schedule = vec![Duration::from_millis(200); 100];
    })
    .await;
    let mut offer = settings();
    offer["invitations"] = json!({"enabled": true, "max_per_participant_per_day": 20});
    let offer = app.live_offer_with(offer).await;
    let events = ["signs_up_for_referral_offer", "shares_content"];
    let hook = json!({"url": format!("http://127.0.0.1:{hook_port}/hooks"), "events": events});
    app.post_ok("/v1/webhooks", &hook, StatusCode::CREATED)
        .await;

    let grace = json!({"email": "grace@example.com", "first_name": "Grace", "last_name": "Hopper"});
    let grace = expect(app.sign_up(&offer, grace).await, StatusCode::CREATED).await;
    let (grace_id, grace_person) = (grace["id"].as_str().unwrap(), grace["person_id"].clone());
    let invite = json!({"emails": ["bea@example.com"], "message": "Try it"});
    let path = format!("/v1/offers/{offer}/participants/{grace_id}/invitations");
    expect(
        app.post(&path, &app.sk, &invite).await,
        StatusCode::ACCEPTED,
    )
    .await;

    let doomed = [
        ("data", "type"),
        ("invitation", "template"),
        ("email", "participant_id"),
        ("Grace", "Hopper"),
    ];
    let mut erased = Vec::new();
    for (i, (first, last)) in doomed.iter().enumerate() {
        let body = json!({"email": format!("doomed{i}@example.com"),
            "first_name": first, "last_name": last});
        let p = expect(app.sign_up(&offer, body).await, StatusCode::CREATED).await;
        erased.push(p["person_id"].as_str().unwrap().to_owned());
    }

    // Act
    for person in &erased {
        let done = expect(
            app.delete(&format!("/v1/people/{person}")).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(done["erased"], true);
    }
    let receiver = Receiver::start_on(hook_port, &[]).await;
    let mail = MailServer::start_on(mail_port);

    // Assert: Grace's welcome and her invitation arrive, whole.
    let messages = mail.wait_for(2).await;
    let mut to: Vec<String> = messages.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(
        to,
        ["bea@example.com", "grace@example.com"],
        "the erased got none"
    );
    let invitation = messages
        .iter()
        .find(|m| m.to == ["bea@example.com"])
        .unwrap();
    let text = invitation.part("text/plain");
    assert!(
        text.contains("Grace Hopper") && text.contains("Try it"),
        "{text}"
    );

    // Every delivery (Grace's sign-up and share, the erased people's sign-ups)
    // arrives as the JSON it was, Grace's with her ids and details.
    let requests = receiver.wait_for(6).await;
    assert_eq!(requests.len(), 6, "one per event, none lost");
    let bodies: Vec<Value> = requests
        .iter()
        .map(|r| serde_json::from_slice(&r.body).expect("a JSON payload"))
        .collect();
    for body in &bodies {
        assert!(body["data"].is_object(), "{body}");
        assert!(events.contains(&body["type"].as_str().unwrap()), "{body}");
    }
    let graces: Vec<&Value> = bodies
        .iter()
        .filter(|b| b["data"]["person_id"] == grace_person)
        .collect();
    assert_eq!(graces.len(), 2, "{bodies:?}");
    let share = graces
        .iter()
        .find(|b| b["type"] == "shares_content")
        .unwrap();
    assert_eq!(
        share["data"]["details"],
        json!({"channel": "email", "recipients": 1, "via": "invitation"})
    );
    let shares = app.activities("type=shares_content").await;
    assert_eq!(shares[0]["details"]["channel"], "email");

    // Grace keeps her name; the namesake lost hers.
    let person = grace_person.as_str().unwrap();
    let export = app.get_ok(&format!("/v1/people/{person}/export")).await;
    assert_eq!(
        (&export["first_name"], &export["last_name"]),
        (&json!("Grace"), &json!("Hopper"))
    );
    let namesake = app
        .get_ok(&format!("/v1/people/{}/export", erased[3]))
        .await;
    assert_eq!(namesake["first_name"], Value::Null);
}

/// The welcome email reached them (an `email.sent` activity names its
/// recipient); after erasure the address is in no table, and the
/// activity still counts.
#[tokio::test]
async fn erasure_removes_the_address_from_the_log_of_mail_sent_to_them() {
    let mail = MailServer::start();
    let url = mail.url();
    let app = spawn_app_with(|c| c.outbound.smtp_url = Some(url)).await;
    let offer = app.live_offer_with(settings()).await;
    let ada = json!({"email": EMAIL, "first_name": NAME});
    let ada = expect(app.sign_up(&offer, ada).await, StatusCode::CREATED).await;
    app.drain().await;
    assert_eq!(mail.messages().len(), 1);
    let sent = app.activities("type=email.sent").await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["details"]["to"], EMAIL);

    let person = ada["person_id"].as_str().unwrap();
    expect(
        app.delete(&format!("/v1/people/{person}")).await,
        StatusCode::OK,
    )
    .await;

    let left: Vec<_> = traces(&app, EMAIL)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect();
    assert!(left.is_empty(), "the address is still in {left:?}");
    let sent = app.activities("type=email.sent").await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["details"]["to"], "[erased]");
    assert_eq!(sent[0]["details"]["template"], "sign_up");
}
