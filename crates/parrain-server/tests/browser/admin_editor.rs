//! The offer editor in `/admin`, as an operator uses it in Chromium: create
//! an offer, see only the fields its goal type needs, get a refused save or
//! approval back with each problem named, fix it and approve, upload promo
//! codes. Forms without the session's CSRF token are refused.
//!
//! With `UPDATE_SCREENSHOTS=1`, `screenshots_for_the_readme` also writes
//! `docs/admin-editor.png` and `docs/admin-report.png`.

use std::sync::Arc;

use fantoccini::Locator;
use parrain_core::email::Email;
use parrain_server::password;
use parrain_store::Store;
use serde_json::{json, Value};

use crate::app::{offer_settings, spawn_app_with, TestApp};
use crate::chrome::{scenario, Browser, Chrome};

const OPERATOR: &str = "ops@example.com";
const PASSWORD: &str = "correct horse battery";

/// A server with one operator account.
pub(crate) async fn admin_app() -> TestApp {
    spawn_app_with(async |store: &Arc<dyn Store>, _, _| {
        let email = Email::parse(OPERATOR).unwrap();
        let hash = password::hash(PASSWORD).unwrap();
        store.set_operator(&email, hash, 0).await.unwrap();
    })
    .await
}

pub(crate) async fn fill(browser: &Browser, css: &str, value: &str) {
    let input = browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css} on the page: {e}"));
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

/// Clicks `css` once it is scrolled to the middle of the window (clear of
/// the editor's sticky save bar).
pub(crate) async fn press(browser: &Browser, css: &str) {
    let script = "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})";
    browser.js(script, vec![json!(css)]).await;
    browser.click(css).await;
}

pub(crate) async fn choose(browser: &Browser, css: &str, value: &str) {
    let select = browser.client.find(Locator::Css(css)).await.unwrap();
    select.select_by_value(value).await.unwrap();
}

/// Clicks `css` and waits for the next page to show `ready` (a CSS selector).
pub(crate) async fn submit(browser: &Browser, css: &str, ready: &str) {
    browser.js("window.__before = true", vec![]).await;
    browser.click(css).await;
    let script = format!(
        "return !window.__before && document.readyState === 'complete' && !!document.querySelector({})",
        json!(ready)
    );
    browser
        .wait_until(&format!("{ready} after clicking {css}"), &script)
        .await;
}

pub(crate) async fn sign_in(chrome: &Chrome, app: &TestApp) -> Browser {
    let browser = chrome.open("operator").await;
    browser.goto(&app.url("/admin/login")).await;
    fill(&browser, "[name=email]", OPERATOR).await;
    fill(&browser, "[name=password]", PASSWORD).await;
    submit(
        &browser,
        "main button[type=submit]",
        "a[href='/admin/offers/new']",
    )
    .await;
    browser
}

/// Creates an offer from the offers list; returns its id, the editor open.
pub(crate) async fn new_offer(browser: &Browser, name: &str) -> String {
    submit(browser, "a[href='/admin/offers/new']", "[name=name]").await;
    fill(browser, "[name=name]", name).await;
    submit(browser, "main button[type=submit]", "#editor").await;
    let url = browser.url().await;
    let id = url.path().split('/').nth(3).unwrap().to_owned();
    assert!(id.starts_with("off_"), "{url}");
    id
}

/// Whether each input is shown (`name` → visible).
async fn shown(browser: &Browser, names: &[&str]) -> Value {
    let script = "const out = {};
        for (const name of arguments[0]) {
          const el = document.querySelector(`[name=\"${name}\"]`);
          out[name] = !!el && el.offsetParent !== null;
        }
        return out;";
    browser.js(script, vec![json!(names)]).await
}

pub(crate) async fn text(browser: &Browser, css: &str) -> String {
    let script = "const el = document.querySelector(arguments[0]); return el ? el.innerText : null";
    let value = browser.js(script, vec![json!(css)]).await;
    value.as_str().unwrap_or_default().to_owned()
}

pub(crate) async fn value(browser: &Browser, css: &str) -> String {
    let script = "const el = document.querySelector(arguments[0]); return el ? el.value : null";
    let value = browser.js(script, vec![json!(css)]).await;
    value.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn an_operator_creates_an_offer_fixes_what_approval_refuses_and_approves_it() {
    let app = admin_app().await;
    scenario("admin_editor_approve", |chrome| async move {
        let browser = sign_in(&chrome, &app).await;
        let id = new_offer(&browser, "Spring referral").await;

        // Each goal type shows the count and what that type needs, nothing else.
        let goal_fields = [
            "goal.count",
            "goal.event",
            "goal.rule.name",
            "visit_counting",
        ];
        for (kind, wanted) in [
            (
                "referred_visits",
                ["goal.count", "visit_counting"].as_slice(),
            ),
            ("referred_signups", ["goal.count"].as_slice()),
            ("custom_event", ["goal.count", "goal.event"].as_slice()),
            (
                "smart_list_trigger",
                ["goal.count", "goal.rule.name"].as_slice(),
            ),
        ] {
            choose(&browser, "[name='goal.type']", kind).await;
            let visible = shown(&browser, &goal_fields).await;
            for field in goal_fields {
                assert_eq!(
                    visible[field],
                    json!(wanted.contains(&field)),
                    "{field} with a {kind} goal: {visible}"
                );
            }
        }

        // A custom-event goal without its event name saves as a draft...
        choose(&browser, "[name='goal.type']", "custom_event").await;
        fill(&browser, "[name='goal.count']", "2").await;
        fill(
            &browser,
            "[name='offer_page_url']",
            "https://shop.example/refer",
        )
        .await;
        fill(
            &browser,
            "[name='emails.fulfillment.subject']",
            "Your reward",
        )
        .await;
        fill(
            &browser,
            "[name='emails.fulfillment.text']",
            "Use {{ promo_code }}",
        )
        .await;
        submit(&browser, ".savebar button[type=submit]", ".notice").await;
        assert!(text(&browser, ".notice").await.contains("Draft saved"));

        // ...but approval lists the problem, naming the field.
        submit(&browser, "[data-action=approve]", "#approval-problems").await;
        let problems = text(&browser, "#approval-problems").await;
        assert!(problems.contains("Goal › event"), "{problems}");
        assert!(
            problems.contains("custom_event goal needs the name"),
            "{problems}"
        );
        let listed = browser
            .js(
                "return document.querySelectorAll('[data-problem]').length",
                vec![],
            )
            .await;
        assert_eq!(listed, json!(1), "{problems}");
        assert_eq!(text(&browser, "h1 .status").await, "draft");

        // The problem links to its field in the editor; fix it and approve.
        submit(&browser, "[data-problem='goal.event'] a", "#editor").await;
        assert_eq!(value(&browser, "[name='goal.count']").await, "2");
        fill(&browser, "[name='goal.event']", "purchase").await;
        submit(&browser, ".savebar button[type=submit]", ".notice").await;
        submit(&browser, "[data-action=approve]", ".notice").await;
        assert!(text(&browser, ".notice").await.contains("Approved"));
        assert_eq!(text(&browser, "h1 .status").await, "approved");
        let offer = app.get(&format!("/v1/offers/{id}")).await;
        assert_eq!(offer["status"], "approved");
        assert_eq!(
            offer["live"]["goal"],
            json!({"type": "custom_event", "count": 2, "event": "purchase"})
        );
        assert_eq!(
            offer["live"]["emails"]["fulfillment"]["text"],
            "Use {{ promo_code }}"
        );

        // Editing a live offer makes a draft; the page shows what it changes.
        submit(&browser, "a[href$='/edit']", "#editor").await;
        fill(&browser, "[name='goal.count']", "3").await;
        submit(&browser, ".savebar button[type=submit]", ".notice").await;
        let changed = browser
            .js(
                "return [...document.querySelectorAll('tr.changed')].map(r => r.textContent)",
                vec![],
            )
            .await;
        assert_eq!(changed, json!(["Goal › credits needed23"]));
        let offer = app.get(&format!("/v1/offers/{id}")).await;
        assert_eq!(offer["live"]["goal"]["count"], 2);
        assert_eq!(offer["draft"]["goal"]["count"], 3);

        // Unapprove takes it offline; clone makes a new draft with every setting.
        submit(&browser, "[data-action=unapprove]", ".notice").await;
        assert_eq!(text(&browser, "h1 .status").await, "unapproved");
        submit(&browser, "[data-action=clone]", ".notice").await;
        let copy = browser
            .url()
            .await
            .path()
            .split('/')
            .nth(3)
            .unwrap()
            .to_owned();
        assert_ne!(copy, id);
        let copied = app.get(&format!("/v1/offers/{copy}")).await;
        assert_eq!(copied["status"], "draft");
        assert_eq!(copied["draft"]["goal"]["count"], 3);
    })
    .await;
}

#[tokio::test]
async fn a_refused_save_names_each_field_and_keeps_what_was_typed() {
    let app = admin_app().await;
    scenario("admin_editor_refused_save", |chrome| async move {
        let browser = sign_in(&chrome, &app).await;
        let id = new_offer(&browser, "Summer").await;
        fill(
            &browser,
            "[name='description']",
            "Bring a friend, both get a month",
        )
        .await;
        press(&browser, "[data-rows=person_fields] [data-add]").await;
        fill(&browser, "[name='person_fields.2.name']", "Company Name").await;
        press(&browser, "[name='person_fields.2.required']").await;
        fill(&browser, "[name='emails.sign_up.subject']", "Welcome").await;
        fill(
            &browser,
            "[name='emails.sign_up.text']",
            "Your code: {{ coupon }}",
        )
        .await;
        submit(&browser, ".savebar button[type=submit]", ".problems").await;

        let beside = |field: &str| format!("[data-error=\"{field}\"]");
        let field_error = text(&browser, &beside("person_fields[2].name")).await;
        assert!(field_error.contains("a-z, 0-9 and _"), "{field_error}");
        let template_error = text(&browser, &beside("emails.sign_up.text")).await;
        assert!(template_error.contains("coupon"), "{template_error}");
        assert_eq!(
            value(&browser, "[name='description']").await,
            "Bring a friend, both get a month"
        );
        assert_eq!(
            value(&browser, "[name='person_fields.2.name']").await,
            "Company Name"
        );
        let required = browser
            .js(
                "return document.querySelector(\"[name='person_fields.2.required']\").checked",
                vec![],
            )
            .await;
        assert_eq!(required, json!(true));
        assert_eq!(
            value(&browser, "[name='emails.sign_up.text']").await,
            "Your code: {{ coupon }}"
        );

        // Nothing of the refused form was written.
        let offer = app.get(&format!("/v1/offers/{id}")).await;
        assert_eq!(offer["draft"]["description"], Value::Null);

        // Removing the bad row and the bad token saves.
        press(
            &browser,
            "[data-row]:has([name='person_fields.2.name']) [data-remove]",
        )
        .await;
        fill(
            &browser,
            "[name='emails.sign_up.text']",
            "Your link: {{ share_url }}",
        )
        .await;
        submit(&browser, ".savebar button[type=submit]", ".notice").await;
        let offer = app.get(&format!("/v1/offers/{id}")).await;
        assert_eq!(
            offer["draft"]["description"],
            "Bring a friend, both get a month"
        );
        assert_eq!(offer["draft"]["person_fields"].as_array().unwrap().len(), 2);
        assert_eq!(
            offer["draft"]["emails"]["sign_up"]["text"],
            "Your link: {{ share_url }}"
        );
    })
    .await;
}

#[tokio::test]
async fn promo_codes_upload_from_the_textarea_or_a_file_and_bad_lines_are_listed() {
    let app = admin_app().await;
    let id = app
        .post(
            "/v1/offers",
            offer_settings(
                json!({"type": "referred_signups", "count": 1}),
                "https://shop.example/refer",
            ),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), "SPRING-1\nSPRING-2\n\nSPRING-3\n").unwrap();
    scenario("admin_editor_promo_codes", |chrome| async move {
        let browser = sign_in(&chrome, &app).await;
        browser.goto(&app.url(&format!("/admin/offers/{id}"))).await;
        assert_eq!(text(&browser, "[data-count=available]").await, "0");

        fill(&browser, "#promo-codes", "GOOD-1\nDUP\nDUP\n PADDED").await;
        submit(&browser, "#promo button[type=submit]", "#promo-problems").await;
        let lines = browser
            .js(
                "return [...document.querySelectorAll('[data-line]')].map(l => l.dataset.line)",
                vec![],
            )
            .await;
        assert_eq!(lines, json!(["3", "4"]));
        assert_eq!(
            value(&browser, "#promo-codes").await,
            "GOOD-1\nDUP\nDUP\n PADDED"
        );
        assert_eq!(text(&browser, "[data-count=available]").await, "0");

        let picker = browser
            .client
            .find(Locator::Css("#promo input[type=file]"))
            .await
            .unwrap();
        picker
            .send_keys(&file.path().display().to_string())
            .await
            .unwrap();
        browser
            .wait_until(
                "the file in the textarea",
                "return document.querySelector('#promo-codes').value.includes('SPRING-3')",
            )
            .await;
        submit(&browser, "#promo button[type=submit]", ".notice").await;
        assert_eq!(text(&browser, "[data-count=available]").await, "3");
        let counts = app.get(&format!("/v1/offers/{id}/promo-codes")).await;
        assert_eq!(counts["available"], 3);

        // A warning below five: three left is already low, and the page says so.
        fill(&browser, "#low-stock", "5").await;
        submit(
            &browser,
            "#low-stock-form button[type=submit]",
            ".low-stock",
        )
        .await;
        let notice = text(&browser, "[data-low-pool=default]").await;
        assert!(
            notice.contains("3 left") && notice.contains("warning at 5"),
            "{notice}"
        );
        let counts = app.get(&format!("/v1/offers/{id}/promo-codes")).await;
        assert_eq!(
            (counts["low_stock"].clone(), counts["low"].clone()),
            (json!(5), json!(true))
        );
        drop(file);
    })
    .await;
}

#[tokio::test]
async fn a_form_posted_without_the_csrf_token_is_refused() {
    let app = admin_app().await;
    let id = app
        .post(
            "/v1/offers",
            offer_settings(
                json!({"type": "referred_signups", "count": 1}),
                "https://shop.example/refer",
            ),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    scenario("admin_editor_csrf", |chrome| async move {
        let browser = sign_in(&chrome, &app).await;
        browser.goto(&app.url(&format!("/admin/offers/{id}"))).await;
        // The session cookie goes along (same origin); only the token is missing or wrong.
        let post = "const [path, body] = arguments;
            const r = await fetch(path, { method: 'POST', body: new URLSearchParams(body), credentials: 'same-origin' });
            return r.status;";
        for (path, body) in [
            (format!("/admin/offers/{id}/approve"), json!({})),
            (format!("/admin/offers/{id}/approve"), json!({"csrf": "not-the-token"})),
            (format!("/admin/offers/{id}/edit"), json!({"name": "Hijacked"})),
            (format!("/admin/offers/{id}/promo-codes"), json!({"codes": "X"})),
            (format!("/admin/offers/{id}/promo-codes/low-stock"), json!({"low_stock": "3"})),
            (format!("/admin/offers/{id}/delete"), json!({})),
        ] {
            let status = browser.js(post, vec![json!(path), body.clone()]).await;
            assert_eq!(status, json!(403), "{path} {body}");
        }
        let offer = app.get(&format!("/v1/offers/{id}")).await;
        assert_eq!(offer["status"], "draft");
        assert_eq!(offer["name"], "Refer a friend");
        // The same approval with the page's own form goes through.
        submit(&browser, "[data-action=approve]", ".notice").await;
        assert_eq!(text(&browser, "h1 .status").await, "approved");
    })
    .await;
}

#[tokio::test]
async fn settings_the_editor_does_not_draw_are_kept_when_it_saves() {
    let app = admin_app().await;
    let mut settings = offer_settings(
        json!({"type": "referred_signups", "count": 1}),
        "https://shop.example/refer",
    );
    settings["widget"] = json!({"language": "fr", "strings": {"thanks": "Merci, à bientôt !"}});
    let id = app.post("/v1/offers", settings).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let widget = app.get(&format!("/v1/offers/{id}")).await["draft"]["widget"].clone();
    scenario("admin_editor_keeps_sections", |chrome| async move {
        let browser = sign_in(&chrome, &app).await;
        browser
            .goto(&app.url(&format!("/admin/offers/{id}/edit")))
            .await;
        fill(&browser, "[name='name']", "Parrainage").await;
        submit(&browser, ".savebar button[type=submit]", ".notice").await;
        let draft = &app.get(&format!("/v1/offers/{id}")).await["draft"];
        assert_eq!(draft["name"], "Parrainage");
        assert_eq!(draft["widget"], widget);
        assert_eq!(draft["widget"]["strings"]["thanks"], "Merci, à bientôt !");
    })
    .await;
}

/// On a phone-sized window nothing of the page is wider than the screen.
async fn fits_a_phone(browser: &Browser, url: &str) {
    browser.goto(url).await;
    let overflow = browser
        .js(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
            vec![],
        )
        .await;
    assert_eq!(overflow, json!(0), "{url} is wider than a phone");
}

/// Draws the editor, the offer page, the offers list and a report with
/// data; with `UPDATE_SCREENSHOTS=1` saves them as the README's pictures.
#[tokio::test]
async fn screenshots_for_the_readme() {
    let app = admin_app().await;
    let settings = offer_settings(
        json!({"type": "referred_signups", "count": 3}),
        "https://shop.example/refer",
    );
    let id = app.live_offer(settings).await;
    for (i, referrer) in ["ana", "ben", "chloe", "dev"].into_iter().enumerate() {
        let participant = app
            .post(
                &format!("/v1/offers/{id}/participants"),
                json!({"email": format!("{referrer}@example.com")}),
            )
            .await;
        let code = participant["code"].as_str().unwrap().to_owned();
        for _ in 0..=i {
            app.post("/v1/track/share", json!({"code": code, "channel": "x"}))
                .await;
        }
        for friend in 0..i * 2 {
            let click = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .get(app.url(&format!("/r/{code}?ch=x")))
                .send()
                .await
                .unwrap();
            assert_eq!(click.status(), 302);
            // The friend lands on the offer page, which reports the visit.
            let landing = url::Url::parse(click.headers()["location"].to_str().unwrap()).unwrap();
            let visitor = landing
                .query_pairs()
                .find(|(k, _)| k == "parrain_vid")
                .map(|(_, v)| v.into_owned())
                .unwrap();
            let visit = json!({"offer_id": id, "visitor_id": visitor, "referral_code": code});
            app.post("/v1/track/visit", visit).await;
            if friend % 2 == 0 {
                let email = format!("{referrer}-friend{friend}@example.com");
                app.post(
                    &format!("/v1/offers/{id}/participants"),
                    json!({"email": email, "referral_code": code}),
                )
                .await;
            }
        }
    }
    let write = std::env::var_os("UPDATE_SCREENSHOTS").is_some();
    scenario("admin_screenshots", |chrome| async move {
        let browser = sign_in(&chrome, &app).await;
        browser.client.set_window_size(1280, 1900).await.unwrap();
        browser
            .goto(&app.url(&format!("/admin/offers/{id}/edit")))
            .await;
        browser
            .wait_until("the editor", "return !!document.querySelector('#editor')")
            .await;
        let editor = browser.client.screenshot().await.unwrap();
        browser.client.set_window_size(1280, 1500).await.unwrap();
        // The offer page: what it does in sentences, and its figures.
        browser.goto(&app.url(&format!("/admin/offers/{id}"))).await;
        browser
            .wait_until(
                "the offer's summary",
                "return document.querySelectorAll('dl.summary dd').length",
            )
            .await;
        let offer_page = browser.client.screenshot().await.unwrap();
        browser.client.set_window_size(1280, 900).await.unwrap();
        browser.goto(&app.url("/admin")).await;
        browser
            .wait_until(
                "the offers list",
                "return document.querySelectorAll('.offer-card').length",
            )
            .await;
        let list = browser.client.screenshot().await.unwrap();
        browser.client.set_window_size(1280, 1500).await.unwrap();
        // The last twelve hours, per hour.
        let hour = time::OffsetDateTime::now_utc()
            .replace_minute(0)
            .and_then(|t| t.replace_second(0))
            .and_then(|t| t.replace_nanosecond(0))
            .unwrap();
        let rfc = |t: time::OffsetDateTime| {
            t.format(&time::format_description::well_known::Rfc3339)
                .unwrap()
        };
        let from = rfc(hour - time::Duration::hours(11));
        let to = rfc(hour + time::Duration::hours(1));
        let report = format!("/admin/offers/{id}/report?interval=hour&from={from}&to={to}");
        browser.goto(&app.url(&report)).await;
        let bars = browser
            .wait_until(
                "the funnel",
                "return document.querySelectorAll('svg.funnel .bar').length",
            )
            .await;
        assert_eq!(bars, json!(5));
        let report = browser.client.screenshot().await.unwrap();
        browser.client.set_window_size(390, 844).await.unwrap();
        for page in ["edit", ""] {
            fits_a_phone(&browser, &app.url(&format!("/admin/offers/{id}/{page}"))).await;
        }
        if write {
            let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
            std::fs::write(docs.join("admin-editor.png"), editor).unwrap();
            std::fs::write(docs.join("admin-report.png"), report).unwrap();
            std::fs::write(docs.join("admin-offer.png"), offer_page).unwrap();
            std::fs::write(docs.join("admin-offers.png"), list).unwrap();
        }
    })
    .await;
}

#[tokio::test]
async fn the_operator_enables_a_configured_provider_for_social_sign_up() {
    let app = spawn_app_with(async |store: &Arc<dyn Store>, config, _| {
        let email = Email::parse(OPERATOR).unwrap();
        let hash = password::hash(PASSWORD).unwrap();
        store.set_operator(&email, hash, 0).await.unwrap();
        let provider = parrain_server::social::ProviderConfig {
            id: "acme".into(),
            name: "Acme SSO".into(),
            issuer: "https://sso.acme.example".into(),
            client_id: "parrain".into(),
            client_secret: "secret".into(),
        };
        config.social = parrain_server::social::Providers::new(vec![provider]);
    })
    .await;
    let settings = offer_settings(
        json!({"type": "referred_signups", "count": 1}),
        "https://shop.example/refer",
    );
    let id = app.post("/v1/offers", settings).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    scenario("admin_editor_social", |chrome| async move {
        let browser = sign_in(&chrome, &app).await;
        browser
            .goto(&app.url(&format!("/admin/offers/{id}/edit")))
            .await;
        let label = text(&browser, "label:has(#f-social_sign_up-acme)").await;
        assert!(label.contains("Acme SSO"), "{label}");
        press(&browser, "#f-social_sign_up-acme").await;
        submit(&browser, ".savebar button[type=submit]", ".notice").await;
        let draft = &app.get(&format!("/v1/offers/{id}")).await["draft"];
        assert_eq!(draft["social_sign_up"], json!(["acme"]));
        // Back in the editor, the box is ticked; untick it and save.
        browser
            .goto(&app.url(&format!("/admin/offers/{id}/edit")))
            .await;
        let ticked = "return document.querySelector('#f-social_sign_up-acme').checked";
        assert_eq!(browser.js(ticked, vec![]).await, json!(true));
        press(&browser, "#f-social_sign_up-acme").await;
        submit(&browser, ".savebar button[type=submit]", ".notice").await;
        let draft = &app.get(&format!("/v1/offers/{id}")).await["draft"];
        assert_eq!(draft["social_sign_up"], json!([]));
    })
    .await;
}
