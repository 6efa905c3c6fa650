//! The operator's pages in real Chromium: the participants tab (goal
//! filter, fulfilment by hand with the promo code shown), the outgoing-mail
//! notice, the report's funnel chart, API keys made and revoked, the fraud
//! review queue, and a form posted without its CSRF token.

use std::sync::Arc;

use fantoccini::Locator;
use parrain_core::email::Email;
use parrain_server::{password, ServerConfig};
use parrain_store::Store;
use serde_json::{json, Value};

use crate::app::{offer_settings, spawn_app_with, TestApp};
use crate::chrome::{scenario, Browser, Chrome};

pub(crate) const OPERATOR: &str = "ops@example.com";
pub(crate) const PASSWORD: &str = "correct horse battery";

/// A server with one operator account.
async fn app_with_operator() -> TestApp {
    spawn_app_with(add_operator).await
}

pub(crate) async fn add_operator(
    store: &Arc<dyn Store>,
    _: &mut ServerConfig,
    _: &std::path::Path,
) {
    let email = Email::parse(OPERATOR).unwrap();
    let hash = password::hash(PASSWORD).unwrap();
    store.set_operator(&email, hash, 0).await.unwrap();
}

/// Opens a browser and signs in through the login form.
async fn signed_in(chrome: &Chrome, app: &TestApp) -> Browser {
    signed_in_as(chrome, app, OPERATOR).await
}

/// Opens a browser and signs in as `email` (with `PASSWORD`).
pub(crate) async fn signed_in_as(chrome: &Chrome, app: &TestApp, email: &str) -> Browser {
    let browser = chrome.open(email).await;
    browser.goto(&app.url("/admin/login")).await;
    let c = &browser.client;
    c.find(Locator::Css("input[name=email]"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    browser.click("form[action='/admin/login'] button").await;
    browser
        .wait_until("the offers list", "return location.pathname === '/admin'")
        .await;
    browser
}

/// Text of every element matching `css`, in page order.
pub(crate) async fn texts(browser: &Browser, css: &str) -> Vec<String> {
    let found = browser
        .js(
            "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim())",
            vec![json!(css)],
        )
        .await;
    serde_json::from_value(found).unwrap()
}

async fn sign_up(app: &TestApp, offer: &str, body: Value) -> Value {
    app.post(&format!("/v1/offers/{offer}/participants"), body)
        .await
}

/// A live offer of goal 1 with manual fulfilment and two promo codes.
async fn manual_offer(app: &TestApp) -> String {
    let mut settings = offer_settings(
        json!({"type": "referred_signups", "count": 1}),
        "https://example.com/refer",
    );
    settings["fulfillment"] = json!({"delivery": "manual"});
    let offer = app.live_offer(settings).await;
    let uploaded = app
        .client
        .put(app.url(&format!("/v1/offers/{offer}/promo-codes")))
        .bearer_auth(&app.sk)
        .header("content-type", "text/plain")
        .body("WELCOME-A\nWELCOME-B\n")
        .send()
        .await
        .unwrap();
    assert!(uploaded.status().is_success(), "{}", uploaded.status());
    offer
}

#[tokio::test]
async fn an_operator_filters_participants_by_goal_and_fulfils_one_by_hand() {
    let app = app_with_operator().await;
    scenario("admin_participants", move |chrome| async move {
        let offer = manual_offer(&app).await;
        let ada = sign_up(
            &app,
            &offer,
            json!({"email": "ada@example.com", "first_name": "Ada"}),
        )
        .await;
        sign_up(
            &app,
            &offer,
            json!({"email": "grace@example.com", "referral_code": ada["code"]}),
        )
        .await;
        sign_up(&app, &offer, json!({"email": "alan@example.com"})).await;

        let browser = signed_in(&chrome, &app).await;
        browser
            .goto(&app.url(&format!("/admin/offers/{offer}/participants")))
            .await;
        assert_eq!(texts(&browser, "td.email").await.len(), 3);
        assert!(
            texts(&browser, ".mail-waiting").await.is_empty(),
            "no mail waits yet"
        );

        let goal = browser
            .client
            .find(Locator::Css("select[name=goal]"))
            .await
            .unwrap();
        goal.select_by_value("met").await.unwrap();
        browser.click("form.filters button").await;
        browser
            .wait_until(
                "the goal filter",
                "return location.search.includes('goal=met')",
            )
            .await;
        assert_eq!(texts(&browser, "td.email").await, ["ada@example.com"]);
        assert_eq!(texts(&browser, "td.promo").await, ["—"]);

        let ada_id = ada["id"].as_str().unwrap();
        browser
            .click(&format!("tr[data-id='{ada_id}'] input[name=id]"))
            .await;
        assert_eq!(texts(&browser, "[data-selected]").await, ["1"]);
        browser.click("button[data-send]").await;
        let outcome = browser
            .wait_until(
                "the fulfilment outcome",
                "const o = document.querySelector('.outcomes'); return o && o.textContent",
            )
            .await;
        let outcome = outcome.as_str().unwrap();
        assert!(outcome.contains("1 of 1 fulfilled"), "{outcome}");
        assert!(outcome.contains("ada@example.com"), "{outcome}");
        assert!(outcome.contains("WELCOME-A"), "{outcome}");
        // The list kept its filter and shows the code and the fulfilment.
        assert_eq!(texts(&browser, "td.email").await, ["ada@example.com"]);
        assert_eq!(texts(&browser, "td.promo").await, ["WELCOME-A"]);
        assert!(texts(&browser, "td.fulfilled").await[0].starts_with("fulfilled"));

        let stored = app.get(&format!("/v1/participants/{ada_id}")).await;
        assert_eq!(stored["promo_code"], "WELCOME-A");
        assert_eq!(stored["progress"]["fulfilled"], true);

        // Without SMTP the fulfilment email waits, and every page says so.
        browser
            .goto(&app.url(&format!("/admin/offers/{offer}/participants?fulfilled=yes")))
            .await;
        let notice = texts(&browser, ".mail-waiting").await;
        assert_eq!(notice.len(), 1, "{notice:?}");
        assert!(notice[0].starts_with("1 email waits"), "{notice:?}");
        assert_eq!(texts(&browser, "td.email").await, ["ada@example.com"]);

        // The search by email narrows the list.
        browser
            .goto(&app.url(&format!("/admin/offers/{offer}/participants?q=GRACE")))
            .await;
        assert_eq!(texts(&browser, "td.email").await, ["grace@example.com"]);
    })
    .await;
}

/// A friend follows `code`'s link made for `network` and signs up from
/// that browser.
async fn friend_through(app: &TestApp, offer: &str, code: &str, network: &str, email: &str) {
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = no_redirect
        .get(app.url(&format!("/r/{code}?ch={network}")))
        .send()
        .await
        .unwrap();
    let location = response.headers()["location"].to_str().unwrap();
    let target = url::Url::parse(location).unwrap();
    let (_, visitor) = target
        .query_pairs()
        .find(|(k, _)| k == "parrain_vid")
        .unwrap();
    let body = json!({"email": email, "visitor_id": visitor});
    sign_up(app, offer, body).await;
}

#[tokio::test]
async fn the_report_draws_the_funnel_and_the_charts_by_network_and_by_reward() {
    let app = app_with_operator().await;
    scenario("admin_report_funnel", move |chrome| async move {
        // Ana shares on X and LinkedIn; two friends come through her X
        // link, one through LinkedIn: her first credit gives her a sticker
        // (tier 1), her third earns tier 2, held for 30 days.
        let offer = app
            .live_offer(json!({
                "name": "Stickers",
                "goal": {"type": "referred_signups", "count": 3},
                "offer_page_url": "https://example.com/refer",
                "rewards": [
                    {"id": "tier-1", "for": "referrer", "at": 1, "label": "A sticker"},
                    {"id": "tier-2", "for": "referrer", "at": 3, "hold_days": 30}
                ]
            }))
            .await;
        let ana = sign_up(&app, &offer, json!({"email": "ada@example.com"})).await;
        let code = ana["code"].as_str().unwrap();
        for channel in ["x", "linkedin"] {
            let share = json!({"code": code, "channel": channel});
            let response = app
                .client
                .post(app.url("/v1/track/share"))
                .bearer_auth(&app.pk)
                .json(&share)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success(), "{}", response.status());
        }
        friend_through(&app, &offer, code, "x", "bo@example.com").await;
        friend_through(&app, &offer, code, "x", "cy@example.com").await;
        friend_through(&app, &offer, code, "linkedin", "di@example.com").await;

        let browser = signed_in(&chrome, &app).await;
        browser
            .goto(&app.url(&format!("/admin/offers/{offer}/participants")))
            .await;
        browser.click("a.tab[href$='/report']").await;
        let bars = browser
            .wait_until(
                "the funnel chart",
                "return document.querySelectorAll('svg.chart.funnel rect.bar').length",
            )
            .await;
        assert_eq!(bars, json!(5));
        let labels = texts(&browser, "svg.chart.funnel text.label").await;
        assert_eq!(
            labels,
            [
                "Campaign visits",
                "Interactions",
                "Shares",
                "Resulting clicks",
                "Referred sign-ups"
            ]
        );

        // By network: a bar per network and measure, with its value.
        let bars = browser
            .js(
                "return [...document.querySelectorAll('.by-network svg.chart.bars rect.bar')]
                   .map(r => [r.dataset.group, r.dataset.measure, Number(r.dataset.value)])",
                vec![],
            )
            .await;
        let bars: Vec<(String, String, i64)> = serde_json::from_value(bars).unwrap();
        assert_eq!(bars.len(), 15, "{bars:?}");
        let value = |bars: &[(String, String, i64)], group: &str, measure: &str| {
            bars.iter()
                .find(|(g, m, _)| g == group && m == measure)
                .map(|b| b.2)
                .unwrap_or_else(|| panic!("no bar {group} {measure} in {bars:?}"))
        };
        for (network, counts) in [("x", [1, 2, 2]), ("linkedin", [1, 1, 1]), ("email", [0; 3])] {
            for (measure, n) in ["shares", "clicks", "registrations"].iter().zip(counts) {
                assert_eq!(value(&bars, network, measure), n, "{network} {measure}");
            }
        }
        let x_row = texts(&browser, ".by-network tr[data-network=x] td").await;
        assert_eq!(x_row, ["1", "2", "2"]);
        // Its value shows when a bar is clicked (or hovered).
        browser
            .click(".by-network rect.bar[data-group=x][data-measure=clicks]")
            .await;
        let readout = browser
            .wait_until(
                "the bar's value",
                "return document.querySelector('.by-network .chart-readout').textContent",
            )
            .await;
        assert_eq!(readout, json!("X, clicks: 2 (previous period: 0)"));

        // By reward: the sticker earned and given, tier 2 earned into its hold.
        let bars = browser
            .js(
                "return [...document.querySelectorAll('.by-reward svg.chart.bars rect.bar')]
                   .map(r => [r.dataset.group, r.dataset.measure, Number(r.dataset.value)])",
                vec![],
            )
            .await;
        let bars: Vec<(String, String, i64)> = serde_json::from_value(bars).unwrap();
        assert_eq!(bars.len(), 10, "{bars:?}");
        assert_eq!(value(&bars, "tier-1", "earned"), 1);
        assert_eq!(value(&bars, "tier-1", "given"), 1);
        assert_eq!(value(&bars, "tier-1", "held"), 0);
        assert_eq!(value(&bars, "tier-2", "earned"), 1);
        assert_eq!(value(&bars, "tier-2", "held"), 1);
        let sticker = texts(&browser, ".by-reward tr[data-reward=tier-1] > *").await;
        assert_eq!(sticker, ["A sticker", "1", "0", "1", "0", "0"]);
        let given = texts(&browser, ".by-reward svg.chart.series circle.point").await;
        assert!(!given.is_empty(), "a point per day of rewards given");
    })
    .await;
}

#[tokio::test]
async fn a_key_made_on_the_keys_page_works_until_it_is_revoked() {
    let app = app_with_operator().await;
    scenario("admin_keys", move |chrome| async move {
        let browser = signed_in(&chrome, &app).await;
        browser.click("nav.nav a[href='/admin/keys']").await;
        browser
            .wait_until(
                "the keys page",
                "return location.pathname === '/admin/keys'",
            )
            .await;
        browser
            .client
            .find(Locator::Css("select[name=kind]"))
            .await
            .unwrap()
            .select_by_value("secret")
            .await
            .unwrap();
        browser
            .client
            .find(Locator::Css("input[name=name]"))
            .await
            .unwrap()
            .send_keys("Shop backend")
            .await
            .unwrap();
        browser.click("form[action='/admin/keys'] button").await;
        let secret = browser
            .wait_until(
                "the new key",
                "const s = document.querySelector('[data-secret]'); return s && s.textContent",
            )
            .await;
        let secret = secret.as_str().unwrap().trim().to_owned();
        assert!(secret.starts_with("sk_"), "{secret}");

        let call = || async {
            app.client
                .get(app.url("/v1/offers"))
                .bearer_auth(&secret)
                .send()
                .await
                .unwrap()
                .status()
        };
        assert_eq!(call().await, 200);

        // Shown once: the list has its shape, never the key again.
        browser.goto(&app.url("/admin/keys")).await;
        let source = browser.client.source().await.unwrap();
        assert!(!source.contains(&secret));
        let hint = &secret[secret.len() - 4..];
        let row = "[...document.querySelectorAll('table.keys tbody tr')]\
                   .find(tr => tr.cells[0].textContent.trim() === 'Shop backend')";
        let shape = browser
            .js(&format!("return {row}.cells[2].textContent.trim()"), vec![])
            .await;
        assert_eq!(shape, json!(format!("sk_…{hint}")));

        // The call above shows as its last use (recorded off the request's path).
        let started = std::time::Instant::now();
        loop {
            let used = browser
                .js(
                    &format!("return {row}.querySelector('.last-used').textContent.trim()"),
                    vec![],
                )
                .await;
            if used != json!("Never") {
                assert!(used.as_str().unwrap().ends_with("UTC"), "{used}");
                break;
            }
            assert!(
                started.elapsed() < crate::chrome::WAIT,
                "the last use never showed"
            );
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            browser.goto(&app.url("/admin/keys")).await;
        }

        browser
            .js("window.confirm = () => true; return true", vec![])
            .await;
        browser
            .js(
                &format!("{row}.querySelector('form button').click(); return true"),
                vec![],
            )
            .await;
        browser
            .wait_until(
                "the key to show as revoked",
                &format!("const r = {row}; return r && r.textContent.includes('revoked')"),
            )
            .await;
        assert_eq!(call().await, 401);
    })
    .await;
}

#[tokio::test]
async fn a_credit_held_for_review_is_approved_from_the_queue() {
    let app = app_with_operator().await;
    scenario("admin_reviews", move |chrome| async move {
        let mut settings = offer_settings(
            json!({"type": "referred_signups", "count": 1}),
            "https://example.com/refer",
        );
        settings["fulfillment"] = json!({"delivery": "manual"});
        settings["fraud"] = json!({"email_variant": "review"});
        let offer = app.live_offer(settings).await;
        let ada = sign_up(&app, &offer, json!({"email": "ada.lovelace@gmail.com"})).await;
        let friend = json!({"email": "a.d.a.lovelace@gmail.com", "referral_code": ada["code"]});
        sign_up(&app, &offer, friend).await;
        let ada_path = format!("/v1/participants/{}", ada["id"].as_str().unwrap());
        assert_eq!(app.get(&ada_path).await["credit"], 0);

        let browser = signed_in(&chrome, &app).await;
        browser.click("nav.nav a[href='/admin/reviews']").await;
        browser
            .wait_until("the review queue", "return location.pathname === '/admin/reviews'")
            .await;
        assert_eq!(
            texts(&browser, "table.reviews tbody td:first-child").await,
            ["ada.lovelace@gmail.com"]
        );
        assert_eq!(
            texts(&browser, "table.reviews .status.flag").await,
            ["email_variant"]
        );
        browser.click("button[data-approve]").await;
        browser
            .wait_until(
                "the decision",
                "const n = document.querySelector('.notice'); return n && n.textContent.includes('approved')",
            )
            .await;
        assert!(texts(&browser, "table.reviews").await.is_empty());
        let ada_now = app.get(&ada_path).await;
        assert_eq!(ada_now["credit"], 1);
        assert_eq!(ada_now["progress"]["achieved"], true);
    })
    .await;
}

#[tokio::test]
async fn a_form_posted_without_its_csrf_token_is_refused() {
    let app = app_with_operator().await;
    scenario("admin_csrf", move |chrome| async move {
        let offer = manual_offer(&app).await;
        let browser = signed_in(&chrome, &app).await;
        browser.goto(&app.url("/admin/keys")).await;
        let keys_before = texts(&browser, "table.keys tbody tr").await.len();
        // The same form, signed in, but without (then with a wrong) token.
        let status = |body: &'static str, path: String| {
            let browser = &browser;
            async move {
                browser
                    .js(
                        "return fetch(arguments[0], {method: 'POST', body: new URLSearchParams(arguments[1])})
                           .then(r => r.status)",
                        vec![json!(path), json!(body)],
                    )
                    .await
            }
        };
        assert_eq!(status("kind=secret&name=Sneaky", "/admin/keys".into()).await, json!(403));
        assert_eq!(
            status("csrf=forged&kind=secret&name=Sneaky", "/admin/keys".into()).await,
            json!(403)
        );
        assert_eq!(
            status("id=par_x", format!("/admin/offers/{offer}/participants/fulfill")).await,
            json!(403)
        );
        browser.goto(&app.url("/admin/keys")).await;
        assert_eq!(texts(&browser, "table.keys tbody tr").await.len(), keys_before);
        assert!(!browser.client.source().await.unwrap().contains("Sneaky"));
    })
    .await;
}

/// Every operator page keeps its script in parrain's own files: no inline
/// script or handler in the page, and a script injected inline (as markup
/// slipped into a page would be) does not run under the pages' policy.
#[tokio::test]
async fn the_admin_pages_run_no_inline_script() {
    let app = app_with_operator().await;
    scenario("admin_csp", move |chrome| async move {
        let offer = manual_offer(&app).await;
        let browser = signed_in(&chrome, &app).await;
        const CHECK: &str = r#"
const inline = [...document.scripts].filter((s) => !s.src && s.type !== "application/json").length;
const handlers = [...document.querySelectorAll("*")]
  .flatMap((e) => [...e.attributes].map((a) => a.name))
  .filter((name) => name.startsWith("on"));
window.__injected = false;
const probe = document.createElement("script");
probe.textContent = "window.__injected = true";
document.head.appendChild(probe);
return { inline, handlers, injected: window.__injected,
  ownScript: !!document.querySelector('script[src="/admin/admin.js"]') };"#;
        for path in [
            "/admin".to_owned(),
            "/admin/offers/new".to_owned(),
            format!("/admin/offers/{offer}"),
            format!("/admin/offers/{offer}/edit"),
            format!("/admin/offers/{offer}/participants"),
            format!("/admin/offers/{offer}/report"),
            "/admin/activities".to_owned(),
            "/admin/reviews".to_owned(),
            "/admin/webhooks".to_owned(),
            "/admin/keys".to_owned(),
        ] {
            browser.goto(&app.url(&path)).await;
            let found = browser.js(CHECK, vec![]).await;
            assert_eq!(
                found,
                json!({"inline": 0, "handlers": [], "injected": false, "ownScript": true}),
                "{path}"
            );
        }
    })
    .await;
}
