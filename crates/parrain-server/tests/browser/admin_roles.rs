//! Roles and the audit log in real Chromium: a viewer who presses Approve
//! is refused and the offer stays a draft; an owner's approval shows in
//! the audit log with who and when.

use std::sync::Arc;

use parrain_core::email::Email;
use parrain_server::{password, ServerConfig};
use parrain_store::{AuditEntry, Role, Store};
use serde_json::json;

use crate::admin_pages::{signed_in_as, texts, PASSWORD};
use crate::app::{offer_settings, spawn_app_with};
use crate::chrome::scenario;

const OWNER: &str = "owner@example.com";
const VIEWER: &str = "viewer@example.com";

async fn operators(store: &Arc<dyn Store>, _: &mut ServerConfig, _: &std::path::Path) {
    for (email, role) in [(OWNER, Role::Owner), (VIEWER, Role::Viewer)] {
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

#[tokio::test]
async fn a_viewer_cannot_approve_and_the_owners_approval_is_in_the_audit_log() {
    let app = spawn_app_with(operators).await;
    scenario("admin_roles", move |chrome| async move {
        let settings = offer_settings(
            json!({"type": "referred_signups", "count": 1}),
            "https://example.com/refer",
        );
        let draft = app.post("/v1/offers", settings).await;
        let offer = draft["id"].as_str().unwrap().to_owned();
        let page = app.url(&format!("/admin/offers/{offer}"));

        let viewer = signed_in_as(&chrome, &app, VIEWER).await;
        viewer.goto(&page).await;
        viewer.click("button[data-action=approve]").await;
        let refusal = viewer
            .wait_until(
                "the refusal",
                "const e = document.querySelector('.error'); return e && e.textContent",
            )
            .await;
        assert!(
            refusal.as_str().unwrap().contains("Your role is viewer"),
            "{refusal}"
        );
        assert_eq!(texts(&viewer, "h1").await, ["Not allowed"]);
        assert_eq!(
            app.get(&format!("/v1/offers/{offer}")).await["status"],
            "draft"
        );

        let owner = signed_in_as(&chrome, &app, OWNER).await;
        owner.goto(&page).await;
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
        let approve = rows
            .iter()
            .find(|r| r.contains("Approved an offer"))
            .unwrap_or_else(|| panic!("no approval in {rows:?}"));
        assert!(
            approve.contains(OWNER) && approve.contains(&offer),
            "{approve}"
        );
        assert!(
            !rows
                .iter()
                .any(|r| r.contains(VIEWER) && r.contains("Approved")),
            "{rows:?}"
        );
    })
    .await;
}
