//! Roles and the audit log in real Chromium: a viewer sees no control it
//! may not use on any admin page (an owner sees each of them, an editor
//! sees the offers' but not the keys', webhooks' or operators'), a POST
//! forged past the page is still refused and changes nothing, and an
//! owner's approval shows in the audit log with who and when.

use std::sync::Arc;

use parrain_core::email::Email;
use parrain_server::{password, ServerConfig};
use parrain_store::{AuditEntry, Role, Store};
use serde_json::json;

use crate::admin_pages::{signed_in_as, texts, PASSWORD};
use crate::app::{offer_settings, spawn_app_with};
use crate::chrome::{scenario, Browser};

const OWNER: &str = "owner@example.com";
const EDITOR: &str = "editor@example.com";
const VIEWER: &str = "viewer@example.com";

async fn operators(store: &Arc<dyn Store>, config: &mut ServerConfig, _: &std::path::Path) {
    config.allow_private_webhooks = true;
    for (email, role) in [
        (OWNER, Role::Owner),
        (EDITOR, Role::Editor),
        (VIEWER, Role::Viewer),
    ] {
        let hash = password::hash(PASSWORD).unwrap();
        let parsed = Email::parse(email).unwrap();
        store.set_operator(&parsed, hash, 0).await.unwrap();
        let entry = AuditEntry {
            seq: 0,
            at: 0,
            operator: "cli".into(),
            action: "operator.role".into(),
            target: email.into(),
            detail: role.as_str().into(),
        };
        store.set_role(email, role, entry).await.unwrap();
    }
}

/// How many elements of the page `css` selects.
async fn count(browser: &Browser, css: &str) -> u64 {
    let script = "return document.querySelectorAll(arguments[0]).length";
    browser.js(script, vec![json!(css)]).await.as_u64().unwrap()
}

/// The forms of the page that post, other than logging out.
const POSTING_FORMS: &str = "form[method=post]:not(.logout)";

#[tokio::test]
async fn a_viewer_sees_no_write_control_and_the_owners_approval_is_in_the_audit_log() {
    let app = spawn_app_with(operators).await;
    scenario("admin_roles", move |chrome| async move {
        let settings = offer_settings(
            json!({"type": "referred_signups", "count": 1}),
            "https://example.com/refer",
        );
        let draft = app.post("/v1/offers", settings.clone()).await;
        let offer = draft["id"].as_str().unwrap().to_owned();
        let live = app.live_offer(settings).await;
        let body = json!({"email": "ana@example.com"});
        app.post(&format!("/v1/offers/{live}/participants"), body)
            .await;
        let hook =
            json!({"url": "http://127.0.0.1:9/in", "events": ["signs_up_for_referral_offer"]});
        let hook = app.post("/v1/webhooks", hook).await;
        let hook = hook["id"].as_str().unwrap().to_owned();

        // Each page with the write controls an owner sees on it, and the
        // least role that may use them.
        let offer_page = format!("/admin/offers/{offer}");
        let pages: Vec<(String, Vec<&str>, Role)> = vec![
            (
                "/admin".into(),
                vec!["a[href='/admin/offers/new']"],
                Role::Editor,
            ),
            (
                offer_page.clone(),
                vec![
                    "button[data-action=approve]",
                    "button[data-action=clone]",
                    "button[data-action=delete]",
                    "form[action$='/promo-codes'] button[type=submit]",
                    "#low-stock-form button[type=submit]",
                ],
                Role::Editor,
            ),
            (
                format!("{offer_page}/edit"),
                vec![".savebar button[type=submit]"],
                Role::Editor,
            ),
            (
                "/admin/offers/new".into(),
                vec!["form[action='/admin/offers/new'] button"],
                Role::Editor,
            ),
            (
                format!("/admin/offers/{live}"),
                vec![
                    "button[data-action=unapprove]",
                    "button[data-action=archive]",
                ],
                Role::Editor,
            ),
            (
                format!("/admin/offers/{live}/participants"),
                vec!["button[data-send]", "input[type=checkbox][name=id]"],
                Role::Editor,
            ),
            ("/admin/reviews".into(), vec![], Role::Editor),
            (
                "/admin/keys".into(),
                vec![
                    "form[action='/admin/keys'] button",
                    "form[action$='/revoke'] button",
                ],
                Role::Owner,
            ),
            (
                "/admin/webhooks".into(),
                vec![
                    "form[action='/admin/webhooks'] button",
                    "form[action$='/delete'] button",
                ],
                Role::Owner,
            ),
            (
                format!("/admin/webhooks/{hook}"),
                vec![
                    "form#endpoint button[type=submit]",
                    "button[data-action=rotate]",
                ],
                Role::Owner,
            ),
            (
                "/admin/operators".into(),
                vec![
                    "form[action='/admin/operators'] button",
                    "form[action='/admin/operators/role'] button",
                ],
                Role::Owner,
            ),
            ("/admin/people".into(), vec![], Role::Editor),
            ("/admin/activities".into(), vec![], Role::Editor),
            ("/admin/audit".into(), vec![], Role::Editor),
            (format!("/admin/offers/{live}/report"), vec![], Role::Editor),
        ];
        let owner = signed_in_as(&chrome, &app, OWNER).await;
        let editor = signed_in_as(&chrome, &app, EDITOR).await;
        let viewer = signed_in_as(&chrome, &app, VIEWER).await;
        for (path, controls, needs) in &pages {
            let url = app.url(path);
            for (who, browser, role) in [
                (OWNER, &owner, Role::Owner),
                (EDITOR, &editor, Role::Editor),
                (VIEWER, &viewer, Role::Viewer),
            ] {
                browser.goto(&url).await;
                let allowed = role >= *needs;
                for css in controls {
                    let found = count(browser, css).await;
                    assert_eq!(found > 0, allowed, "{who} on {path}: {css} ({found})");
                }
                if !allowed {
                    assert_eq!(count(browser, POSTING_FORMS).await, 0, "{who} on {path}");
                }
            }
        }

        // A POST forged past the page, with the session's own token, is
        // refused and changes nothing.
        viewer.goto(&app.url(&offer_page)).await;
        let refusal = viewer
            .js(
                "const csrf = document.querySelector('input[name=csrf]').value;
                 return fetch(arguments[0], {method: 'POST', body: new URLSearchParams({csrf})})
                   .then(r => r.text().then(t => [r.status, t]));",
                vec![json!(format!("{offer_page}/approve"))],
            )
            .await;
        assert_eq!(refusal[0], 403, "{refusal}");
        assert!(
            refusal[1].as_str().unwrap().contains("Your role is viewer"),
            "{refusal}"
        );
        assert_eq!(
            app.get(&format!("/v1/offers/{offer}")).await["status"],
            "draft"
        );

        owner.goto(&app.url(&offer_page)).await;
        owner.click("button[data-action=approve]").await;
        owner
            .wait_until(
                "the approval",
                "return location.search.includes('done=approved')",
            )
            .await;
        assert_eq!(
            app.get(&format!("/v1/offers/{offer}")).await["status"],
            "approved"
        );

        owner.click("nav.nav a[href='/admin/audit']").await;
        owner
            .wait_until(
                "the audit log",
                "return location.pathname === '/admin/audit'",
            )
            .await;
        let rows = texts(&owner, "table.audit tbody tr").await;
        let approvals: Vec<&String> = (rows.iter())
            .filter(|r| r.contains("Approved an offer") && r.contains(&offer))
            .collect();
        assert_eq!(approvals.len(), 1, "{rows:?}");
        assert!(approvals[0].contains(OWNER), "{rows:?}");
    })
    .await;
}
