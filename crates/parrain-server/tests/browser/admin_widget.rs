//! The widget's section of the offer editor in Chromium: the operator picks
//! a language, a colour and a word of their own, sees them in the preview
//! before saving, and finds them again after saving; a colour the settings
//! refuse is named beside its field. A button image uploaded from a file
//! shows in the preview and is kept; one over the size limit is refused
//! beside its field.

use std::sync::Arc;

use fantoccini::Locator;
use parrain_core::email::Email;
use parrain_server::password;
use parrain_store::Store;
use serde_json::{json, Value};

use crate::app::{spawn_app_with, TestApp};
use crate::chrome::{scenario, Browser};

const OPERATOR: &str = "widget-ops@example.com";
const PASSWORD: &str = "correct horse battery";

/// The preview's widget: its text, and a computed style of one element
/// (run inside the preview's frame).
const PREVIEW: &str = r#"
const host = document.querySelector("[data-parrain-offer]");
const root = host && host.shadowRoot;
if (!root || !host.hasAttribute("data-parrain-ready")) return null;
const text = Array.from(root.children).filter((e) => e.tagName !== "STYLE").map((e) => e.innerText).join("\n");
const submit = root.querySelector("[data-part=submit]");
const note = document.querySelector(".note");
return { text, submit: submit ? getComputedStyle(submit).backgroundColor : null, note: note ? note.textContent : "" };"#;

/// Runs `script` inside the preview's frame. The frame is sandboxed (its
/// own opaque origin), so the editor's page cannot reach into it: WebDriver
/// steps in, as it would into a frame from another site.
async fn in_preview(browser: &Browser, script: &str, args: Vec<Value>) -> Value {
    let Ok(frame) = browser.client.find(Locator::Id("widget-preview")).await else {
        return Value::Null;
    };
    if frame.enter_frame().await.is_err() {
        return Value::Null;
    }
    let found = browser
        .client
        .execute(script, args)
        .await
        .unwrap_or(Value::Null);
    browser.client.enter_parent_frame().await.unwrap();
    found
}

async fn preview(browser: &Browser) -> Value {
    in_preview(browser, PREVIEW, vec![]).await
}

/// Waits until the preview satisfies `test`; returns what it showed.
async fn preview_until(browser: &Browser, what: &str, test: impl Fn(&Value) -> bool) -> Value {
    let started = std::time::Instant::now();
    loop {
        let shown = preview(browser).await;
        if test(&shown) {
            return shown;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(15),
            "the preview never showed {what}; it shows {shown}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn shows(shown: &Value, text: &str) -> bool {
    shown["text"].as_str().is_some_and(|t| t.contains(text))
}

async fn fill(browser: &Browser, css: &str, value: &str) {
    let script = "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})";
    browser.js(script, vec![json!(css)]).await;
    let input = browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css} on the page: {e}"));
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

async fn value(browser: &Browser, css: &str) -> String {
    let script = "const el = document.querySelector(arguments[0]); return el ? el.value : null";
    let value = browser.js(script, vec![json!(css)]).await;
    value.as_str().unwrap_or_default().to_owned()
}

/// Clicks `css` and waits for the next page to show `ready`.
async fn submit(browser: &Browser, css: &str, ready: &str) {
    let script = "document.querySelector(arguments[0]).scrollIntoView({block: 'center'}); window.__before = true";
    browser.js(script, vec![json!(css)]).await;
    browser.click(css).await;
    let script = format!(
        "return !window.__before && document.readyState === 'complete' && !!document.querySelector({})",
        json!(ready)
    );
    browser
        .wait_until(&format!("{ready} after clicking {css}"), &script)
        .await;
}

async fn app_with_operator() -> TestApp {
    spawn_app_with(async |store: &Arc<dyn Store>, _, _| {
        let email = Email::parse(OPERATOR).unwrap();
        let hash = password::hash(PASSWORD).unwrap();
        store.set_operator(&email, hash, 0).await.unwrap();
    })
    .await
}

async fn signed_in_editor(browser: &Browser, app: &TestApp) -> String {
    browser.goto(&app.url("/admin/login")).await;
    fill(browser, "[name=email]", OPERATOR).await;
    fill(browser, "[name=password]", PASSWORD).await;
    submit(
        browser,
        "main button[type=submit]",
        "a[href='/admin/offers/new']",
    )
    .await;
    submit(browser, "a[href='/admin/offers/new']", "[name=name]").await;
    fill(browser, "[name=name]", "Preview me").await;
    submit(browser, "main button[type=submit]", "#editor").await;
    let url = browser.url().await;
    url.path().split('/').nth(3).unwrap().to_owned()
}

#[tokio::test]
async fn the_editor_previews_the_widget_as_typed_and_saves_it() {
    let app = app_with_operator().await;
    scenario("admin_widget_preview", |chrome| async move {
        let browser = chrome.open("operator").await;
        let id = signed_in_editor(&browser, &app).await;
        let before = preview_until(&browser, "the saved draft", |s| shows(s, "Sign up")).await;
        assert!(!shows(&before, "Je participe"), "{before}");
        // The preview runs its scripts in a sandbox of its own: the editor's
        // page (and its session) is out of its reach, and it out of the page's.
        let sandbox = browser
            .js("const f = document.getElementById('widget-preview'); return [f.getAttribute('sandbox'), f.contentDocument === null]", vec![])
            .await;
        assert_eq!(sandbox, json!(["allow-scripts", true]));

        browser
            .client
            .find(Locator::Css("[name='widget.language']"))
            .await
            .unwrap()
            .select_by_value("fr")
            .await
            .unwrap();
        assert_eq!(
            browser
                .js("return document.querySelector(\"[name='widget.strings.sign_up']\").placeholder", vec![])
                .await,
            json!("S'inscrire"),
            "the defaults follow the language"
        );
        browser
            .js("document.getElementById('f-widget.strings').open = true", vec![])
            .await;
        fill(&browser, "[name='widget.strings.sign_up']", "Je participe").await;
        fill(&browser, "[name='widget.colours.primary']", "#ff0000").await;
        let shown = preview_until(&browser, "the unsaved French, word and colour", |s| {
            shows(s, "Je participe") && shows(s, "Déjà inscrit ?") && s["submit"] == "rgb(255, 0, 0)"
        })
        .await;
        assert!(!shows(&shown, "Sign up"), "no English left: {shown}");

        // Nothing is saved yet: the saved draft still previews in English.
        let saved = browser
            .js(
                "return fetch(arguments[0]).then((r) => r.text())",
                vec![json!(format!("/admin/offers/{id}/preview"))],
            )
            .await;
        assert!(saved.as_str().unwrap().contains(r#""language":"en""#), "{saved}");

        let subject = "{{ first_name }} invites you to {{ offer.name }}";
        fill(&browser, "[name='emails.invitation.subject']", subject).await;
        fill(&browser, "[name='emails.invitation.text']", "{{ message }} {{ share_url }}").await;
        submit(&browser, ".savebar button[type=submit]", ".crumbs").await;
        browser.goto(&app.url(&format!("/admin/offers/{id}/edit"))).await;
        assert_eq!(value(&browser, "[name='widget.language']").await, "fr");
        assert_eq!(value(&browser, "[name='widget.strings.sign_up']").await, "Je participe");
        assert_eq!(value(&browser, "[name='widget.strings.email']").await, "", "defaults are not saved as overrides");
        assert_eq!(value(&browser, "[name='widget.colours.primary']").await, "#ff0000");
        assert_eq!(value(&browser, "[name='emails.invitation.subject']").await, subject);
        preview_until(&browser, "the saved draft in French", |s| {
            shows(s, "Je participe") && s["submit"] == "rgb(255, 0, 0)"
        })
        .await;

        // A colour the settings refuse: the preview leaves it out and says so,
        // and the save names it beside the field.
        fill(&browser, "[name='widget.colours.primary']", "#12345").await;
        preview_until(&browser, "the refused colour named", |s| {
            s["note"].as_str().is_some_and(|n| n.contains("widget.colours.primary"))
        })
        .await;
        submit(&browser, ".savebar button[type=submit]", ".problems").await;
        let error = browser
            .js(
                "const el = document.querySelector(\"[data-error='widget.colours.primary']\"); return el && el.previousElementSibling && el.previousElementSibling.querySelector(\"[name='widget.colours.primary']\") ? el.innerText : null",
                vec![],
            )
            .await;
        assert!(
            error.as_str().is_some_and(|e| e.contains("CSS colour")),
            "the problem beside the colour: {error}"
        );
        assert_eq!(value(&browser, "[name='widget.colours.primary']").await, "#12345", "as typed");
        assert_eq!(value(&browser, "[name='widget.strings.sign_up']").await, "Je participe");
    })
    .await;
}

/// The `src` of the preview's share button for `network`, if it shows an
/// image (run inside the preview's frame).
const BUTTON_IMAGE: &str = r#"
const host = document.querySelector("[data-parrain-offer]");
const img = host && host.shadowRoot && host.shadowRoot.querySelector("[data-part=share-" + arguments[0] + "] img");
return img ? img.getAttribute("src") : null;"#;

/// A 1×1 PNG.
const PIXEL: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

async fn upload(browser: &Browser, network: &str, file: &std::path::Path) {
    let css = format!("#f-upload-{network}");
    let script = "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})";
    browser.js(script, vec![json!(css)]).await;
    let input = browser.client.find(Locator::Css(&css)).await.unwrap();
    input.send_keys(file.to_str().unwrap()).await.unwrap();
}

#[tokio::test]
async fn an_uploaded_button_image_shows_in_the_preview_and_is_kept() {
    let app = app_with_operator().await;
    let files = tempfile::tempdir().unwrap();
    let pixel = files.path().join("linkedin.png");
    std::fs::write(&pixel, PIXEL).unwrap();
    let big = files.path().join("big.png");
    let mut too_large = PIXEL.to_vec();
    too_large.resize(40 * 1024, 0);
    std::fs::write(&big, too_large).unwrap();

    scenario("admin_widget_upload", |chrome| async move {
        let browser = chrome.open("operator").await;
        let id = signed_in_editor(&browser, &app).await;
        for (name, value) in [("sign_up_flow", "share_then_capture"), ("widget.button_style", "images")] {
            let select = browser.client.find(Locator::Css(&format!("[name='{name}']"))).await.unwrap();
            select.select_by_value(value).await.unwrap();
        }
        // Saved first, so the preview (the widget section over the saved
        // draft) shows the share buttons before anyone signs up.
        submit(&browser, ".savebar button[type=submit]", ".crumbs").await;
        browser.goto(&app.url(&format!("/admin/offers/{id}/edit"))).await;
        upload(&browser, "linkedin", &pixel).await;
        let script = "return document.querySelector(\"[name='widget.button_images.linkedin']\").value";
        browser
            .wait_until("the image read into its field", &format!("{script}.startsWith('data:image/png;base64,')"))
            .await;
        let kept = browser.js(script, vec![]).await;
        let started = std::time::Instant::now();
        loop {
            if in_preview(&browser, BUTTON_IMAGE, vec![json!("linkedin")]).await == kept {
                break;
            }
            if started.elapsed().as_secs() >= 15 {
                let shown = preview(&browser).await;
                panic!("the preview's LinkedIn button never showed the image; it shows {shown}");
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }

        submit(&browser, ".savebar button[type=submit]", ".crumbs").await;
        browser.goto(&app.url(&format!("/admin/offers/{id}/edit"))).await;
        assert_eq!(json!(value(&browser, "[name='widget.button_images.linkedin']").await), kept);

        // An image over the limit is refused beside its field, and nothing else is lost.
        upload(&browser, "email", &big).await;
        let script = "return document.querySelector(\"[name='widget.button_images.email']\").value.startsWith('data:image/png')";
        browser.wait_until("the large image read into its field", script).await;
        submit(&browser, ".savebar button[type=submit]", ".problems").await;
        let error = browser
            .js("const el = document.querySelector(\"[data-error='widget.button_images.email']\"); return el && el.innerText", vec![])
            .await;
        assert!(error.as_str().is_some_and(|e| e.contains("at most 32 KiB")), "{error}");
        assert_eq!(json!(value(&browser, "[name='widget.button_images.linkedin']").await), kept);
    })
    .await;
}
