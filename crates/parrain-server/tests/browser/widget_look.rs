//! The offer's `widget` settings as a person sees them: its words, language,
//! colours and buttons; a person is asked for their details once; tracking
//! progress with an unknown email signs nobody up.

use serde_json::{json, Value};

use crate::app::{offer_settings, spawn_app};
use crate::chrome::scenario;
use crate::widget::Widget;

/// Computed `prop` of the element `sel` inside the widget's shadow root.
const STYLE: &str = r#"
const root = document.querySelector(arguments[0]).shadowRoot;
const el = root.querySelector(arguments[1]);
return el ? getComputedStyle(el).getPropertyValue(arguments[2]) : null;"#;

async fn style(widget: &Widget<'_>, offer: &str, sel: &str, prop: &str) -> String {
    let host = format!("[data-parrain-offer=\"{offer}\"]");
    let value: Value = widget
        .browser
        .js(STYLE, vec![json!(host), json!(sel), json!(prop)])
        .await;
    value.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn changed_strings_colours_and_french_appear_in_the_widget() {
    let app = spawn_app().await;
    let page = format!("{}/fr", app.site.base);
    let mut settings = offer_settings(json!({"count": 3}), &page);
    settings["widget"] = json!({
        "language": "fr",
        "strings": {"sign_up": "Je participe", "shared": "C'est partagé !"},
        "colours": {"primary": "#ff0000", "background": "rgb(1, 2, 3)", "text": "#00ff00",
                    "button_text": "#0000ff"},
        "font_family": "Georgia, serif",
        "button_style": "text",
        "share_count": "below"
    });
    let offer = app.live_offer(settings).await;
    app.site.serve("/fr", app.host_page(&offer, "", ""));

    scenario("widget_look_french", move |chrome| async move {
        let browser = chrome.open("visitor").await;
        browser.goto(&page).await;
        let widget = browser.widget(&offer);
        widget.wait_ready().await;
        let text = widget.text().await;
        assert!(
            text.contains("Je participe"),
            "the operator's string: {text}"
        );
        assert!(text.contains("Déjà inscrit ?"), "French defaults: {text}");
        assert!(!text.contains("Sign up"), "no English left: {text}");

        let submit = "[data-part=submit]";
        assert_eq!(
            style(&widget, &offer, submit, "background-color").await,
            "rgb(255, 0, 0)"
        );
        assert_eq!(
            style(&widget, &offer, submit, "color").await,
            "rgb(0, 0, 255)"
        );
        assert_eq!(
            style(&widget, &offer, ".w", "background-color").await,
            "rgb(1, 2, 3)"
        );
        assert_eq!(
            style(&widget, &offer, "h2", "color").await,
            "rgb(0, 255, 0)"
        );
        assert!(style(&widget, &offer, ".w", "font-family")
            .await
            .starts_with("Georgia"));

        widget.sign_up("ana@example.com").await;
        widget.wait_for_text("Votre lien personnel").await;
        widget.wait_for_text("Partages : 0").await;
        // Text buttons: no icon; a click says so and counts.
        assert_eq!(
            widget.part("share-x").await.text().await.unwrap(),
            "Partager sur X"
        );
        browser
            .js("window.open = () => null; return true", vec![])
            .await;
        widget.click("share-x").await;
        widget.wait_for_text("C'est partagé !").await;
        widget.wait_for_text("Partages : 1").await;
    })
    .await;
}

#[tokio::test]
async fn a_person_who_signed_up_is_not_asked_again_after_a_reload() {
    let app = spawn_app().await;
    let page = format!("{}/shop", app.site.base);
    let offer = app
        .live_offer(offer_settings(json!({"count": 3}), &page))
        .await;
    app.site.serve("/shop", app.host_page(&offer, "", ""));

    scenario("widget_remembers", move |chrome| async move {
        let browser = chrome.open("visitor").await;
        browser.goto(&page).await;
        let widget = browser.widget(&offer);
        widget.wait_ready().await;
        widget.type_into("field-first_name", "Ana").await;
        widget.sign_up("ana@example.com").await;
        let link = widget.share_link().await;

        browser.client.refresh().await.unwrap();
        let widget = browser.widget(&offer);
        widget.wait_ready().await;
        widget.wait_for_text("Welcome back").await;
        assert!(!widget.has_part("email").await, "no form asking again");
        assert_eq!(widget.value("share-link").await, link);
        widget.wait_for_text("0 of 3 credits").await;
        assert_eq!(app.participants(&offer).await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn tracking_progress_answers_the_same_for_any_email_and_signs_nobody_up() {
    let app = spawn_app().await;
    let page = format!("{}/shop", app.site.base);
    let offer = app
        .live_offer(offer_settings(json!({"count": 3}), &page))
        .await;
    app.site.serve("/shop", app.host_page(&offer, "", ""));
    let known = app
        .post(
            &format!("/v1/offers/{offer}/participants"),
            json!({"email": "bea@example.com"}),
        )
        .await;

    scenario("widget_track_unknown", move |chrome| async move {
        let browser = chrome.open("visitor").await;
        browser.goto(&page).await;
        let widget = browser.widget(&offer);
        widget.wait_ready().await;
        widget.click("track-progress").await;
        widget
            .wait_for_text("we will email you a link to your page")
            .await;
        widget.type_into("email", "nobody@example.com").await;
        widget.click("submit").await;
        widget
            .wait_for_text("a link to your page is on its way")
            .await;
        let emails: Vec<_> = app
            .participants(&offer)
            .await
            .iter()
            .map(|p| p["email"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(emails, ["bea@example.com"], "nobody new was signed up");

        // A known email gets the very same answer: nothing of Bea's shows.
        widget.click("back").await;
        widget.click("track-progress").await;
        widget.type_into("email", "bea@example.com").await;
        widget.click("submit").await;
        widget
            .wait_for_text("a link to your page is on its way")
            .await;
        let shown = widget.text().await;
        assert!(!shown.contains(known["code"].as_str().unwrap()), "{shown}");
        assert!(!widget.has_part("share-link").await);
    })
    .await;
}
