//! "Were you referred by someone?" (SPEC §15, method `name`): a friend who
//! came without a share link finds its referrer by name in the widget,
//! picks it, signs up, and the referrer is credited; the page never holds
//! the referrer's address. An offer without `name` never asks.

use fantoccini::key::Key;
use serde_json::{json, Value};

use crate::accessibility::{axe_source, phone_overflow, violations};
use crate::app::{offer_settings, TestApp};
use crate::chrome::{scenario, Browser};

/// A live offer on the customer's shop page, with these attribution
/// methods, a reward for the referrer at one credit and one for the friend.
async fn offer(app: &TestApp, path: &str, methods: &[&str]) -> (String, String) {
    let page = format!("{}{path}", app.site.base);
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 1}), &page);
    settings["person_fields"] = json!([{"name": "first_name"}, {"name": "last_name"}]);
    settings["attribution"] = json!({"methods": methods});
    settings.as_object_mut().unwrap().remove("emails");
    settings["rewards"] = json!([
        {"id": "tier-1", "for": "referrer", "at": 1, "label": "A sticker"},
        {"id": "welcome", "for": "friend", "on": "sign_up", "label": "€10 off"}
    ]);
    let id = app.live_offer(settings).await;
    let url = app.site.serve(path, app.host_page(&id, "", ""));
    (id, url)
}

/// The part of the widget that has the focus inside its shadow root.
async fn focused_part(browser: &Browser, offer: &str) -> Value {
    browser
        .js(
            "const a = document.querySelector(arguments[0]).shadowRoot.activeElement; return a && a.dataset.part",
            vec![json!(format!("[data-parrain-offer=\"{offer}\"]"))],
        )
        .await
}

/// Everything in the page, the widget's shadow root and every input's value
/// included.
async fn whole_page(browser: &Browser) -> String {
    browser
        .js(
            "const roots = [document, ...[...document.querySelectorAll('[data-parrain-offer]')].map(e => e.shadowRoot)];
             return roots.map(r => (r.documentElement || r).innerHTML + [...r.querySelectorAll('input')].map(i => i.value).join(' ')).join(' ')",
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_friend_names_its_referrer_in_the_widget_and_the_referrer_is_credited() {
    let app = crate::app::spawn_app().await;
    let (offer, shop) = offer(&app, "/shop", &["link", "email", "coupon", "name"]).await;

    scenario("name_claim", move |chrome| async move {
        // Ada signs up in her browser.
        let ada = chrome.open("ada").await;
        ada.goto(&shop).await;
        let widget = ada.widget(&offer);
        widget.wait_ready().await;
        widget.type_into("field-first_name", "Ada").await;
        widget.type_into("field-last_name", "Lovelace").await;
        widget.sign_up("ada@example.com").await;
        widget.share_link().await;

        // A friend opens the offer page on a phone, with no share link.
        let friend = chrome.open("friend").await;
        friend.client.set_window_size(390, 844).await.unwrap();
        friend.goto(&shop).await;
        let theirs = friend.widget(&offer);
        theirs.wait_ready().await;
        let question = theirs.part("referred").await;
        assert_eq!(
            question.text().await.unwrap(),
            "Were you referred by someone?"
        );
        assert_eq!(
            question.attr("aria-expanded").await.unwrap().as_deref(),
            Some("false")
        );
        assert!(!theirs.part("referrer-name").await.is_displayed().await.unwrap());

        // Opened with the keyboard, the question puts the focus in its field.
        question.send_keys(&Key::Enter.to_string()).await.unwrap();
        assert_eq!(
            question.attr("aria-expanded").await.unwrap().as_deref(),
            Some("true")
        );
        assert_eq!(focused_part(&friend, &offer).await, json!("referrer-name"));

        // A name nobody has is answered in words.
        theirs.type_into("referrer-name", "Zo").await;
        theirs
            .wait_for_text("No one of that name has joined this offer.")
            .await;
        assert!(!theirs.has_part("referrer-match").await);

        // "Ada" finds her: a display name and a masked email, nothing more.
        let field = theirs.part("referrer-name").await;
        let retype = format!("{}{}Ada", Key::Backspace, Key::Backspace);
        field.send_keys(&retype).await.unwrap();
        theirs.wait_for_text("Pick the person who referred you:").await;
        let matches = friend
            .js(
                "return [...document.querySelector(arguments[0]).shadowRoot.querySelectorAll('[data-part=referrer-match]')].map(b => b.textContent)",
                vec![json!(format!("[data-parrain-offer=\"{offer}\"]"))],
            )
            .await;
        assert_eq!(matches, json!(["Ada L. · a***@example.com"]));
        let page = whole_page(&friend).await;
        assert!(!page.contains("ada@example.com"), "the address is in the page");
        assert!(!page.contains("Lovelace"), "the last name is in the page");

        // At 390 pixels nothing sticks out, and axe finds nothing serious.
        assert_eq!(phone_overflow(&friend).await, json!(0));
        let found = violations(&friend, &axe_source()).await;
        assert!(found.is_empty(), "{}", found.join("\n"));

        // The match is one Tab away and picked with Enter.
        field.send_keys(&Key::Tab.to_string()).await.unwrap();
        assert_eq!(focused_part(&friend, &offer).await, json!("referrer-match"));
        let pick = theirs.part("referrer-match").await;
        pick.send_keys(&Key::Enter.to_string()).await.unwrap();
        assert_eq!(
            pick.attr("aria-pressed").await.unwrap().as_deref(),
            Some("true")
        );
        theirs.wait_for_text("Referred by Ada L.").await;

        // The friend signs up: its own link, and its reward for joining.
        theirs.type_into("field-first_name", "Grace").await;
        theirs.sign_up("grace@example.com").await;
        let link = theirs.share_link().await;
        assert!(link.starts_with(&app.url("/r/")), "{link}");
        theirs
            .wait_for_text("Your reward for joining: €10 off")
            .await;

        // Ada is credited, and the friend counts for her by name.
        let participants = app.participants(&offer).await;
        let by_email = |email: &str| {
            participants
                .iter()
                .find(|p| p["email"] == email)
                .unwrap_or_else(|| panic!("{email} signed up"))
                .clone()
        };
        let (ada_p, grace) = (by_email("ada@example.com"), by_email("grace@example.com"));
        assert_eq!(ada_p["credit"], 1);
        assert_eq!(grace["referred_by"], ada_p["id"]);
        assert_eq!(grace["referred_method"], "name");
        let detail = app
            .get(&format!("/v1/participants/{}", ada_p["id"].as_str().unwrap()))
            .await;
        assert_eq!(detail["friends"][0]["method"], "name", "{detail}");

        // Ada's own widget, fresh from the server, shows the credit.
        ada.client.refresh().await.unwrap();
        let widget = ada.widget(&offer);
        widget.wait_ready().await;
        widget.wait_for_text("1 of 1 credits").await;
    })
    .await;
}

#[tokio::test]
async fn the_widget_asks_only_when_the_offer_takes_names_and_no_link_brought_the_friend() {
    let app = crate::app::spawn_app().await;
    let (plain, plain_shop) = offer(&app, "/plain", &["link", "email", "coupon"]).await;
    let (named, named_shop) = offer(&app, "/named", &["link", "email", "coupon", "name"]).await;

    scenario("name_claim_not_asked", move |chrome| async move {
        let ada = chrome.open("ada").await;
        ada.goto(&named_shop).await;
        let widget = ada.widget(&named);
        widget.wait_ready().await;
        // Without a share link, on the offer that takes names: asked.
        assert!(widget.has_part("referred").await);
        widget.sign_up("ada@example.com").await;
        let link = widget.share_link().await;

        // An offer whose methods leave `name` out never asks.
        let visitor = chrome.open("visitor").await;
        visitor.goto(&plain_shop).await;
        let theirs = visitor.widget(&plain);
        theirs.wait_ready().await;
        assert!(theirs.has_part("email").await);
        assert!(!theirs.has_part("referred").await);
        assert!(!theirs.text().await.contains("Were you referred"));

        // A friend a share link brought is attributed already: not asked.
        let friend = chrome.open("friend").await;
        friend.goto(&link).await;
        let theirs = friend.widget(&named);
        theirs.wait_ready().await;
        assert!(theirs.has_part("email").await);
        assert!(!theirs.has_part("referred").await);
    })
    .await;
}
