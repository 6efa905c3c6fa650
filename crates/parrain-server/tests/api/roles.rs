//! Operator roles and the audit log through `/admin`: a viewer is refused
//! every change (and nothing changes), an editor runs offers but not keys,
//! webhooks or operators, the last owner stays an owner, and the audit log
//! shows who approved what, on the page and in its CSV. Also the pages
//! behind those roles: people filters, and one webhook endpoint edited,
//! replayed and rotated.

use parrain_core::email::Email;
use parrain_server::password;
use parrain_store::{AuditEntry, Role};
use reqwest::StatusCode;
use serde_json::json;

use crate::admin::{csrf_field, login_form, post_login, set_cookie, PASSWORD};
use crate::helpers::{offer_settings, spawn_app, spawn_app_with, TestApp};
use crate::receiver::Receiver;

/// A signed-in operator: the session cookie and the session's CSRF token.
pub struct Session {
    pub cookie: String,
    csrf: String,
}

pub async fn operator(app: &TestApp, email: &str, role: Role) {
    let parsed = Email::parse(email).unwrap();
    let hash = password::hash(PASSWORD).unwrap();
    app.store.set_operator(&parsed, hash, 1).await.unwrap();
    let entry = AuditEntry {
        seq: 0,
        at: 1,
        operator: "cli".into(),
        action: "operator.role".into(),
        target: email.into(),
        detail: role.as_str().into(),
    };
    app.store.set_role(email, role, entry).await.unwrap();
}

pub async fn signed_in(app: &TestApp, email: &str, role: Role) -> Session {
    operator(app, email, role).await;
    let (cookie, csrf) = login_form(app).await;
    let form = [
        ("csrf", csrf.as_str()),
        ("email", email),
        ("password", PASSWORD),
    ];
    let response = post_login(app, &cookie, &form).await;
    let cookie = set_cookie(&response, "parrain_admin").0;
    let page = app.client.get(app.url("/admin")).header("cookie", &cookie);
    let html = page.send().await.unwrap().text().await.unwrap();
    Session {
        csrf: csrf_field(&html),
        cookie,
    }
}

impl Session {
    pub async fn post(
        &self,
        app: &TestApp,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut fields = vec![("csrf", self.csrf.as_str())];
        fields.extend_from_slice(form);
        app.client
            .post(app.url(path))
            .header("cookie", &self.cookie)
            .form(&fields)
            .send()
            .await
            .unwrap()
    }

    pub async fn page(&self, app: &TestApp, path: &str) -> (StatusCode, String) {
        let request = app.client.get(app.url(path)).header("cookie", &self.cookie);
        let response = request.send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }
}

async fn status_of(app: &TestApp, offer: &str) -> String {
    let offer = app.get_ok(&format!("/v1/offers/{offer}")).await;
    offer["status"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_viewer_is_refused_every_change_and_nothing_changes() {
    let app = spawn_app().await;
    operator(&app, "owner@example.com", Role::Owner).await;
    let viewer = signed_in(&app, "viewer@example.com", Role::Viewer).await;
    let draft = app
        .create_offer(&offer_settings(
            json!({"type": "referred_signups", "count": 1}),
        ))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let live = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    let keys_before = app.store.list_keys().await.unwrap().len();

    let d = |rest: &str| format!("/admin/offers/{draft}/{rest}");
    let l = |rest: &str| format!("/admin/offers/{live}/{rest}");
    let attempts: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/admin/offers/new".into(), vec![("name", "Sneaky")]),
        (d("edit"), vec![("name", "Renamed")]),
        (d("approve"), vec![]),
        (l("unapprove"), vec![]),
        (d("clone"), vec![]),
        (l("archive"), vec![]),
        (d("delete"), vec![]),
        (d("promo-codes"), vec![("codes", "A1\nA2")]),
        (l("promo-codes/low-stock"), vec![("low_stock", "5")]),
        (l("participants/fulfill"), vec![("id", "pa_x")]),
        ("/admin/reviews/rv_x/approve".into(), vec![]),
        ("/admin/reviews/rv_x/reject".into(), vec![]),
        (
            "/admin/keys".into(),
            vec![("kind", "secret"), ("name", "mine")],
        ),
        ("/admin/keys/key_x/revoke".into(), vec![]),
        (
            "/admin/webhooks".into(),
            vec![
                ("url", "https://hooks.example.com/"),
                ("events", "signs_up"),
            ],
        ),
        ("/admin/webhooks/wh_x/delete".into(), vec![]),
        (
            "/admin/operators".into(),
            vec![
                ("email", "new@example.com"),
                ("password", PASSWORD),
                ("role", "owner"),
            ],
        ),
        (
            "/admin/operators/role".into(),
            vec![("email", "viewer@example.com"), ("role", "owner")],
        ),
    ];
    for (path, form) in &attempts {
        let response = viewer.post(&app, path, form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains("Your role is viewer"), "{path}: {html}");
    }

    assert_eq!(status_of(&app, &draft).await, "draft");
    assert_eq!(status_of(&app, &live).await, "approved");
    let pool = app.get_ok(&format!("/v1/offers/{live}/promo-codes")).await;
    assert_eq!(pool["low_stock"], json!(null), "no low-stock warning");
    let offers = app.get_ok("/v1/offers").await;
    assert_eq!(
        offers["data"].as_array().unwrap().len(),
        2,
        "no clone, no new offer"
    );
    assert_eq!(app.store.list_keys().await.unwrap().len(), keys_before);
    let webhooks = app.get_ok("/v1/webhooks").await;
    assert_eq!(webhooks["data"].as_array().unwrap().len(), 0);
    let roles: Vec<(String, Role)> = (app.store.operators().await.unwrap().into_iter())
        .map(|o| (o.email, o.role))
        .collect();
    assert_eq!(
        roles,
        [
            ("owner@example.com".into(), Role::Owner),
            ("viewer@example.com".into(), Role::Viewer)
        ]
    );
    let changes = app.store.audit_log(None, 100).await.unwrap();
    // The arrangement's changes are the command line's and the API key's.
    assert!(
        (changes.iter()).all(|e| e.operator == "cli" || e.operator.starts_with("key ")),
        "the viewer changed nothing: {changes:?}"
    );

    // Reading is allowed, and logging out.
    for path in ["/admin", "/admin/audit", "/admin/operators", "/admin/keys"] {
        assert_eq!(viewer.page(&app, path).await.0, StatusCode::OK, "{path}");
    }
    let (_, operators) = viewer.page(&app, "/admin/operators").await;
    assert!(!operators.contains("Add an operator"), "{operators}");
    let out = viewer.post(&app, "/admin/logout", &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_editor_runs_offers_but_not_keys_webhooks_or_operators() {
    let app = spawn_app().await;
    operator(&app, "owner@example.com", Role::Owner).await;
    let editor = signed_in(&app, "editor@example.com", Role::Editor).await;
    let draft = app
        .create_offer(&offer_settings(
            json!({"type": "referred_signups", "count": 1}),
        ))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let approved = editor
        .post(&app, &format!("/admin/offers/{draft}/approve"), &[])
        .await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, &draft).await, "approved");

    for (path, form) in [
        ("/admin/keys", vec![("kind", "secret"), ("name", "mine")]),
        (
            "/admin/webhooks",
            vec![
                ("url", "https://hooks.example.com/"),
                ("events", "signs_up"),
            ],
        ),
        (
            "/admin/operators/role",
            vec![("email", "editor@example.com"), ("role", "owner")],
        ),
    ] {
        let response = editor.post(&app, path, &form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains("only an owner"), "{path}: {html}");
    }
    let editor_role = app.store.operator("editor@example.com").await.unwrap();
    assert_eq!(editor_role.unwrap().role, Role::Editor);
}

#[tokio::test]
async fn the_audit_log_shows_who_approved_what_and_downloads_as_csv() {
    let app = spawn_app().await;
    let owner = signed_in(&app, "owner@example.com", Role::Owner).await;
    operator(&app, "ana@example.com", Role::Viewer).await;
    let draft = app
        .create_offer(&offer_settings(
            json!({"type": "referred_signups", "count": 1}),
        ))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let approved = owner
        .post(&app, &format!("/admin/offers/{draft}/approve"), &[])
        .await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    let promoted = owner
        .post(
            &app,
            "/admin/operators/role",
            &[("email", "ana@example.com"), ("role", "editor")],
        )
        .await;
    assert_eq!(promoted.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.store
            .operator("ana@example.com")
            .await
            .unwrap()
            .unwrap()
            .role,
        Role::Editor
    );

    // The last owner cannot give the role away.
    let alone = owner
        .post(
            &app,
            "/admin/operators/role",
            &[("email", "owner@example.com"), ("role", "viewer")],
        )
        .await;
    assert_eq!(alone.status(), StatusCode::CONFLICT);
    assert!(alone.text().await.unwrap().contains("only owner"));
    assert_eq!(
        app.store
            .operator("owner@example.com")
            .await
            .unwrap()
            .unwrap()
            .role,
        Role::Owner
    );

    let (status, html) = owner.page(&app, "/admin/audit").await;
    assert_eq!(status, StatusCode::OK);
    let approve_row = html
        .split("<tr ")
        .find(|row| row.contains(r#"data-action="offer.approve""#))
        .unwrap_or_else(|| panic!("no approve in the log: {html}"));
    assert!(approve_row.contains("Approved an offer"), "{approve_row}");
    assert!(approve_row.contains("owner@example.com"), "{approve_row}");
    assert!(approve_row.contains(&draft), "{approve_row}");
    assert!(html.contains("viewer → editor"), "{html}");

    let csv = app
        .client
        .get(app.url("/admin/audit.csv"))
        .header("cookie", &owner.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let body = csv.text().await.unwrap();
    let mut lines = body.lines();
    assert_eq!(lines.next(), Some("at,operator,action,target,detail"));
    let lines: Vec<&str> = lines.collect();
    // Newest first: the role change, then the approval, then the set-up.
    assert!(
        lines[0].contains(",owner@example.com,operator.role,ana@example.com,viewer → editor"),
        "{body}"
    );
    assert!(
        lines[1].ends_with(&format!(",owner@example.com,offer.approve,{draft},")),
        "{body}"
    );
}

#[tokio::test]
async fn the_people_page_combines_filters_counts_and_downloads_them() {
    let app = spawn_app().await;
    operator(&app, "owner@example.com", Role::Owner).await;
    let viewer = signed_in(&app, "viewer@example.com", Role::Viewer).await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    for friend in ["bo@example.com", "cy@example.com"] {
        let body = json!({"email": friend, "referral_code": ana["code"]});
        assert!(app.sign_up(&offer, body).await.status().is_success());
    }
    app.participant(&offer, "dee@example.com").await;

    let (status, html) = viewer
        .page(&app, &format!("/admin/people?signed_up_for={offer}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<span data-count>4</span> people match"),
        "{html}"
    );
    let (_, html) = viewer
        .page(
            &app,
            &format!("/admin/people?signed_up_for={offer}&was_referred_in={offer}&achieved_goal_in=&channel="),
        )
        .await;
    assert!(
        html.contains("<span data-count>2</span> people match"),
        "{html}"
    );
    assert!(html.contains("bo@example.com") && !html.contains(r#"<td class="email">dee@"#));

    let csv = app
        .client
        .get(app.url(&format!(
            "/admin/people.csv?signed_up_for={offer}&was_referred_in={offer}"
        )))
        .header("cookie", &viewer.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let body = csv.text().await.unwrap();
    assert_eq!(body.lines().count(), 3, "{body}");
    assert!(body.starts_with("id,email,first_name,last_name,created_at"));

    let (status, html) = viewer.page(&app, "/admin/people?channel=x").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("give shared_in too"), "{html}");

    // The form's date range and minimum count: Ana shared twice.
    for _ in 0..2 {
        app.track("share", json!({"code": ana["code"], "channel": "x"}))
            .await;
    }
    let (_, html) = viewer
        .page(
            &app,
            &format!(
                "/admin/people?shared_in={offer}&since=2000-01-01&until=2999-01-01&min_count=2"
            ),
        )
        .await;
    assert!(
        html.contains("<span data-count>1</span> person matches"),
        "{html}"
    );
    assert!(
        html.contains(r#"name="min_count" min="1" value="2""#),
        "{html}"
    );
    let (_, html) = viewer
        .page(
            &app,
            &format!("/admin/people?shared_in={offer}&min_count=3"),
        )
        .await;
    assert!(
        html.contains("<span data-count>0</span> people match"),
        "{html}"
    );
    let (_, html) = viewer
        .page(
            &app,
            &format!("/admin/people?shared_in={offer}&until=2000-01-01"),
        )
        .await;
    assert!(
        html.contains("<span data-count>0</span> people match"),
        "{html}"
    );
}

/// Signs `emails` up to `offer` through the store, 32 at a time, each with
/// `code` as the referral code if given (the arrangement of a large list).
async fn sign_up_all(app: &TestApp, offer: &str, emails: &[String], code: Option<&str>) {
    use futures_util::StreamExt;
    use parrain_core::ids::OfferId;
    use parrain_store::SignUp;

    let offer = OfferId::parse(offer).unwrap();
    futures_util::stream::iter(emails)
        .for_each_concurrent(32, |email| {
            let (store, offer, now) = (app.store.clone(), offer.clone(), app.clock.now());
            let sign_up = SignUp {
                email: Email::parse(email).unwrap(),
                first_name: None,
                last_name: None,
                fields: Default::default(),
                marketing_consent: None,
                visitor_id: None,
                referral_code: code.map(str::to_owned),
                ip: None,
                vouched: true,
                social_provider: None,
                access_token: None,
            };
            async move {
                store.sign_up(&offer, sign_up, now).await.unwrap();
            }
        })
        .await;
}

/// The count `/admin/people?{query}` shows.
async fn shown_count(session: &Session, app: &TestApp, query: &str) -> u64 {
    let (status, html) = session.page(app, &format!("/admin/people?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let (_, rest) = html.split_once("<span data-count>").expect("a count");
    rest.split_once("</span>").unwrap().0.parse().unwrap()
}

/// Every person `GET /v1/people?{query}` lists, page by page, each once.
async fn listed(app: &TestApp, query: &str) -> Vec<String> {
    let mut emails = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get_ok(&format!("/v1/people?{query}&limit=100{cursor}"))
            .await;
        for p in page["data"].as_array().unwrap() {
            emails.push(p["email"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    let mut unique = emails.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), emails.len(), "{query}: listed once each");
    emails
}

#[tokio::test]
async fn the_people_count_is_exact_and_agrees_with_the_list_for_combined_filters() {
    let app = spawn_app().await;
    operator(&app, "owner@example.com", Role::Owner).await;
    let viewer = signed_in(&app, "viewer@example.com", Role::Viewer).await;
    let goal = json!({"type": "referred_signups", "count": 5});
    let (a, b) = (
        app.live_offer(goal.clone()).await,
        app.live_offer(goal).await,
    );
    let ana = app.participant(&a, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();
    let ana_id = ana["id"].as_str().unwrap();
    let emails = |prefix: &str, n: usize| -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i}@example.com")).collect()
    };
    let (friends, others) = (emails("friend", 130), emails("other", 45));
    sign_up_all(&app, &a, &friends, Some(code)).await;
    sign_up_all(&app, &a, &others, None).await;
    sign_up_all(&app, &b, &friends[..70], None).await;
    sign_up_all(&app, &b, &others[..20], None).await;

    let cases = [
        (format!("signed_up_for={a}"), 176),
        (format!("signed_up_for={a}&was_referred_in={a}"), 130),
        (format!("signed_up_for={b}&was_referred_in={a}"), 70),
        (
            format!("signed_up_for={b}&referred_by={ana_id}&attributed_by=coupon"),
            0,
        ),
        (
            format!(
                "signed_up_for={b}&was_referred_in={a}&referred_by={ana_id}&attributed_by=link"
            ),
            70,
        ),
        (format!("signed_up_for={a}&achieved_goal_in={a}"), 1),
        (format!("signed_up_for={b}&shared_in={a}"), 0),
    ];
    for (query, expected) in cases {
        let list = listed(&app, &query).await;
        let count = shown_count(&viewer, &app, &query).await;
        assert_eq!(count, list.len() as u64, "{query}: the count is the list's");
        assert_eq!(count, expected, "{query}");
    }
}

#[tokio::test]
async fn an_owner_edits_an_endpoint_replays_a_delivery_and_rotates_its_secret() {
    let app = spawn_app_with(|c| c.allow_private_webhooks = true).await;
    let owner = signed_in(&app, "owner@example.com", Role::Owner).await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await;
    let first = Receiver::start(&[]).await;
    let second = Receiver::start(&[]).await;
    let hook = app
        .post_ok(
            "/v1/webhooks",
            &json!({"url": first.url, "events": ["offer_fulfilled"]}),
            StatusCode::CREATED,
        )
        .await;
    let id = hook["id"].as_str().unwrap();
    let page = format!("/admin/webhooks/{id}");

    // Edit: another URL, the sign-up event, this offer only.
    let saved = owner
        .post(
            &app,
            &page,
            &[
                ("url", second.url.as_str()),
                ("events", "signs_up_for_referral_offer"),
                ("offer_id", offer.as_str()),
                ("enabled", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let stored = app.get_ok(&format!("/v1/webhooks/{id}")).await;
    assert_eq!(stored["url"], second.url.as_str());
    assert_eq!(stored["events"], json!(["signs_up_for_referral_offer"]));
    assert_eq!(stored["offer_id"], offer.as_str());
    let refused = owner
        .post(&app, &page, &[("url", "ftp://nowhere"), ("events", "nope")])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    app.participant(&offer, "ana@example.com").await;
    app.drain().await;
    assert_eq!(second.requests().len(), 1);
    assert!(first.requests().is_empty());

    // Every attempt of the delivery is listed; replaying sends it again.
    let (_, html) = owner.page(&app, &page).await;
    assert_eq!(
        html.matches("<details class=\"delivery\"").count(),
        1,
        "{html}"
    );
    assert!(html.contains("<code>200</code>"), "{html}");
    let message = second.requests()[0].headers["webhook-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let replayed = owner
        .post(&app, &format!("{page}/deliveries/{message}/replay"), &[])
        .await;
    assert_eq!(replayed.status(), StatusCode::SEE_OTHER);
    app.drain().await;
    let requests = second.wait_for(2).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].headers["webhook-id"], message.as_str());
    let (_, html) = owner.page(&app, &page).await;
    assert!(html.contains("2 attempts"), "{html}");

    // Rotating shows the new secret once; the old one still signs a day.
    let rotated = owner.post(&app, &format!("{page}/rotate"), &[]).await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let html = rotated.text().await.unwrap();
    let secret = app.get_ok(&format!("/v1/webhooks/{id}/secret")).await;
    let new = secret["secret"].as_str().unwrap();
    assert_ne!(new, hook["secret"].as_str().unwrap());
    // (HTML-escaped: a `/` of the secret is written `&#x2f;`.)
    assert!(
        html.contains(&new.replace('/', "&#x2f;")),
        "the new secret is shown: {new} in {html}"
    );

    let log: Vec<String> = (app.store.audit_log(None, 10).await.unwrap().into_iter())
        .map(|e| e.action)
        .collect();
    assert_eq!(
        log[..3],
        ["webhook.rotate", "webhook.replay", "webhook.edit"]
    );
}
