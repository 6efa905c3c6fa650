//! Every admin page and the participant's page in real Chromium, checked
//! by axe-core (pinned in `axe/package-lock.json`; `npm ci` there first):
//! no serious or critical violation, and no page wider than a 390-pixel
//! phone. The admin is used with the keyboard alone: signing in and
//! reaching an offer.

use std::sync::Arc;

use fantoccini::key::Key;
use parrain_core::email::Email;
use parrain_server::{password, Clock, ServerConfig};
use parrain_store::Store;
use serde_json::{json, Value};

use crate::admin_pages::{signed_in_as, OPERATOR, PASSWORD};
use crate::app::{offer_settings, spawn_app_with, TestApp};
use crate::chrome::{scenario, Browser};

/// axe-core's script, from the package `npm ci` installed.
pub(crate) fn axe_source() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/axe/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run npm ci --prefix crates/parrain-server/tests/browser/axe",
            path.display()
        )
    })
}

/// The serious and critical violations axe finds on the open page, each
/// as "rule: the first elements".
pub(crate) async fn violations(browser: &Browser, axe: &str) -> Vec<String> {
    browser.js(axe, vec![]).await;
    let found = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {resultTypes: ['violations']}).then(r => done(
               r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))
             ), e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .expect("axe runs");
    serde_json::from_value(found).unwrap()
}

/// How far the open page overflows its width (0 when it fits), and the
/// elements that stick out.
pub(crate) async fn phone_overflow(browser: &Browser) -> Value {
    browser
        .js(
            "const width = document.documentElement.clientWidth;
             const over = document.documentElement.scrollWidth - width;
             if (over === 0) return 0;
             const wide = [...document.querySelectorAll('body *')]
               .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.scroll'))
               .slice(0, 5)
               .map(e => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined ? '.' + e.className : ''));
             return over + ' px: ' + wide.join(', ');",
            vec![],
        )
        .await
}

async fn seeded(store: &Arc<dyn Store>, config: &mut ServerConfig, dir: &std::path::Path) {
    let demo = parrain_server::demo::ensure(
        store.as_ref(),
        &config.public_url,
        dir,
        Clock::default().now(),
    )
    .await
    .unwrap();
    config.demo = Some(demo);
    config.allow_private_webhooks = true;
    let email = Email::parse(OPERATOR).unwrap();
    store
        .set_operator(&email, password::hash(PASSWORD).unwrap(), 0)
        .await
        .unwrap();
}

/// Every admin page worth a look, with the data to fill it.
async fn pages(app: &TestApp) -> Vec<String> {
    let offer = app.demo.as_ref().unwrap().offer_id.clone();
    let path = format!("/v1/offers/{offer}/participants");
    let ada = app
        .post(
            &path,
            json!({"email": "ada@example.com", "first_name": "Ada"}),
        )
        .await;
    app.post(
        &path,
        json!({"email": "grace@example.com", "first_name": "Grace", "referral_code": ada["code"]}),
    )
    .await;
    let hook = app
        .post(
            "/v1/webhooks",
            json!({"url": format!("{}/hook", app.site.base), "events": ["signs_up_for_referral_offer"]}),
        )
        .await;
    let hook = hook["id"].as_str().unwrap().to_owned();
    let draft = app
        .post(&format!("/v1/offers/{offer}/clone"), json!({}))
        .await;
    let draft = draft["id"].as_str().unwrap().to_owned();
    // An offer with rewards, whose report charts them.
    let rewarded = app
        .live_offer(json!({
            "name": "Stickers",
            "goal": {"type": "referred_signups", "count": 2},
            "offer_page_url": "https://example.com/refer",
            "rewards": [
                {"id": "tier-1", "for": "referrer", "at": 1, "label": "A sticker for your laptop"},
                {"id": "tier-2", "for": "referrer", "at": 2, "hold_days": 30}
            ]
        }))
        .await;
    let path = format!("/v1/offers/{rewarded}/participants");
    let ana = app.post(&path, json!({"email": "ana@example.com"})).await;
    app.post(
        &path,
        json!({"email": "bo@example.com", "referral_code": ana["code"]}),
    )
    .await;
    [
        "/admin".to_owned(),
        "/admin?status=approved&q=refer".to_owned(),
        format!("/admin/offers/{offer}"),
        format!("/admin/offers/{offer}/edit"),
        format!("/admin/offers/{draft}"),
        "/admin/offers/new".to_owned(),
        format!("/admin/offers/{offer}/participants"),
        format!("/admin/offers/{offer}/activities"),
        format!("/admin/offers/{offer}/report"),
        format!("/admin/offers/{offer}/report?period=7"),
        format!("/admin/offers/{rewarded}/report"),
        "/admin/activities".to_owned(),
        "/admin/reviews".to_owned(),
        "/admin/webhooks".to_owned(),
        format!("/admin/webhooks/{hook}"),
        "/admin/keys".to_owned(),
        "/admin/operators".to_owned(),
        "/admin/audit".to_owned(),
        "/admin/people".to_owned(),
        format!("/admin/people?signed_up_for={offer}"),
    ]
    .into()
}

#[tokio::test]
async fn every_admin_page_passes_axe_and_fits_a_phone() {
    let app = spawn_app_with(seeded).await;
    scenario("accessibility_admin", move |chrome| async move {
        let axe = axe_source();
        let pages = pages(&app).await;
        let login = chrome.open("visitor").await;
        login.goto(&app.url("/admin/login")).await;
        let mut problems = Vec::new();
        for v in violations(&login, &axe).await {
            problems.push(format!("/admin/login: {v}"));
        }
        let browser = signed_in_as(&chrome, &app, OPERATOR).await;
        for width in [1280, 390] {
            browser.client.set_window_size(width, 900).await.unwrap();
            for page in &pages {
                browser.goto(&app.url(page)).await;
                if width == 1280 {
                    for v in violations(&browser, &axe).await {
                        problems.push(format!("{page}: {v}"));
                    }
                } else {
                    let overflow = phone_overflow(&browser).await;
                    if overflow != json!(0) {
                        problems.push(format!(
                            "{page} is wider than a 390-pixel phone by {overflow}"
                        ));
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    })
    .await;
}

#[tokio::test]
async fn the_participant_s_page_passes_axe_and_fits_a_phone() {
    let app = spawn_app_with(seeded).await;
    scenario("accessibility_participant", move |chrome| async move {
        let axe = axe_source();
        let offer = app.demo.as_ref().unwrap().offer_id.clone();
        let ada = app
            .post(
                &format!("/v1/offers/{offer}/participants"),
                json!({"email": "ada@example.com", "first_name": "Ada"}),
            )
            .await;
        let token = ada["participant_token"].as_str().unwrap();
        let page = app.url(&format!("/p/{token}"));
        let browser = chrome.open("ada").await;
        browser.client.set_window_size(390, 844).await.unwrap();
        browser.goto(&page).await;
        if let Some(open) = browser
            .js(
                "return !!document.querySelector('[data-part=open-page]')",
                vec![],
            )
            .await
            .as_bool()
            .filter(|b| *b)
        {
            let _ = open;
            browser.click("[data-part=open-page]").await;
            browser
                .wait_until(
                    "the participant's page",
                    "return document.querySelector('[data-part=share-link]')",
                )
                .await;
        }
        let found = violations(&browser, &axe).await;
        assert!(found.is_empty(), "{}", found.join("\n"));
        assert_eq!(phone_overflow(&browser).await, json!(0));

        // An offer with its leaderboard on: Ada's page ranks her first.
        let shop = "https://shop.example.com/refer";
        let mut settings = offer_settings(json!({"type": "referred_signups", "count": 3}), shop);
        settings["leaderboard"] = json!({"enabled": true});
        let board = app.live_offer(settings).await;
        let path = format!("/v1/offers/{board}/participants");
        let ada = app
            .post(&path, json!({"email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace"}))
            .await;
        let grace = json!({"email": "grace@example.com", "first_name": "Grace", "referral_code": ada["code"]});
        app.post(&path, grace).await;
        let token = ada["participant_token"].as_str().unwrap();
        browser.goto(&app.url(&format!("/p/{token}"))).await;
        let mine = browser
            .wait_until(
                "the leaderboard",
                "const me = document.querySelector('[data-part=leaderboard] [aria-current]'); \
                 return me && me.textContent",
            )
            .await;
        assert_eq!(mine, json!("1. Ada L.1"));
        let found = violations(&browser, &axe).await;
        assert!(found.is_empty(), "with a leaderboard: {}", found.join("\n"));
        assert_eq!(phone_overflow(&browser).await, json!(0));
    })
    .await;
}

#[tokio::test]
async fn an_operator_signs_in_and_opens_an_offer_with_the_keyboard_alone() {
    let app = spawn_app_with(seeded).await;
    scenario("keyboard_admin", move |chrome| async move {
        let browser = chrome.open("keyboard").await;
        browser.goto(&app.url("/admin/login")).await;
        let c = &browser.client;
        // The first field has the focus, or is one Tab away.
        let focused = "return document.activeElement && document.activeElement.name";
        if browser.js(focused, vec![]).await != json!("email") {
            c.active_element().await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
        }
        let typed = format!("{OPERATOR}{}{PASSWORD}{}", Key::Tab, Key::Enter);
        c.active_element().await.unwrap().send_keys(&typed).await.unwrap();
        browser
            .wait_until("the offers list", "return location.pathname === '/admin'")
            .await;
        // Tab until the demo offer's link has the focus, then Enter.
        let offer = app.demo.as_ref().unwrap().offer_id.clone();
        let target = format!("/admin/offers/{offer}");
        let mut reached = false;
        for _ in 0..60 {
            c.active_element().await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
            let href = browser
                .js("return document.activeElement.getAttribute('href')", vec![])
                .await;
            if href == json!(target) {
                reached = true;
                break;
            }
        }
        assert!(reached, "the offer's link is reached with Tab");
        let outline = browser
            .js("const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' || s.boxShadow !== 'none'", vec![])
            .await;
        assert_eq!(outline, json!(true), "the focus is visible");
        c.active_element().await.unwrap().send_keys(&Key::Enter.to_string()).await.unwrap();
        browser
            .wait_until("the offer page", &format!("return location.pathname === '{target}'"))
            .await;
    })
    .await;
}
