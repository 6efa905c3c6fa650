//! The widget keeps its look whatever the host page's stylesheet says, and
//! says plainly when an offer is not live.

use serde_json::{json, Value};

use crate::app::{offer_settings, spawn_app};
use crate::chrome::{scenario, Browser};

const HOSTILE: &str = "<style>
  button, input, div { font-size: 40px; background: red }
  * { color: lime !important; font-family: serif !important; letter-spacing: 4px;
      line-height: 3; text-transform: uppercase; padding: 12px }
  input { border: 6px dashed blue }
</style>";

/// Computed styles that make the widget's look, for its main elements, and its size.
const LOOK: &str = r#"
const root = document.querySelector(arguments[0]).shadowRoot;
const props = ["font-size", "font-family", "color", "background-color", "letter-spacing",
  "line-height", "text-transform", "padding-top", "border-top-width", "border-top-style"];
const look = {};
for (const sel of [".w", "h2", "label", "[data-part=email]", "[data-part=submit]", "[data-part=track-progress]"]) {
  const el = root.querySelector(sel);
  if (!el) { look[sel] = null; continue; }
  const cs = getComputedStyle(el);
  look[sel] = Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
}
const w = root.querySelector(".w");
look.size = w ? [w.offsetWidth, w.offsetHeight] : null;
return look;"#;

async fn look(browser: &Browser, offer: &str) -> Value {
    let host = format!("[data-parrain-offer=\"{offer}\"]");
    browser.js(LOOK, vec![json!(host)]).await
}

#[tokio::test]
async fn a_hostile_host_stylesheet_does_not_reach_inside_the_widget() {
    let app = spawn_app().await;
    let plain = format!("{}/plain", app.site.base);
    let hostile = format!("{}/hostile", app.site.base);
    let offer = app
        .live_offer(offer_settings(
            json!({"type": "referred_visits", "count": 5}),
            &plain,
        ))
        .await;
    // Never approved: not live.
    let draft = app
        .post(
            "/v1/offers",
            offer_settings(json!({"type": "referred_visits", "count": 5}), &plain),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let draft_div = format!("<div data-parrain-offer=\"{draft}\"></div>");
    app.site
        .serve("/plain", app.host_page(&offer, "", &draft_div));
    app.site
        .serve("/hostile", app.host_page(&offer, HOSTILE, &draft_div));

    scenario("hostile_styles", move |chrome| async move {
        let browser = chrome.open("visitor").await;
        browser.goto(&plain).await;
        browser.widget(&offer).wait_ready().await;
        let expected = look(&browser, &offer).await;
        assert_eq!(expected["[data-part=submit]"]["font-size"], "15px", "{expected:#}");

        browser.goto(&hostile).await;
        browser.widget(&offer).wait_ready().await;
        let under_attack = look(&browser, &offer).await;
        assert_eq!(under_attack, expected, "the host page's styles changed the widget");
        let frame = browser
            .js(&format!("return getComputedStyle(document.querySelector('[data-parrain-offer=\"{offer}\"]')).backgroundColor"), vec![])
            .await;
        assert_eq!(frame, "rgba(0, 0, 0, 0)", "no red frame around the widget");
        // The host page itself did get its styles.
        let page_color = browser.js("return getComputedStyle(document.querySelector('h1')).color", vec![]).await;
        assert_eq!(page_color, "rgb(0, 255, 0)");

        let not_live = browser.widget(&draft);
        not_live.wait_ready().await;
        not_live.wait_for_text("This offer is not available right now.").await;
        assert!(!not_live.has_part("submit").await, "no sign-up form for an offer that is not live");
    })
    .await;
}
