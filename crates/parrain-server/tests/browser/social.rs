//! Social sign-up in Chromium: a friend follows a share link to the
//! customer's page, chooses "Continue with Test ID" in the widget, signs in
//! at a real OpenID Connect provider in the popup, and comes back to a form
//! filled with the verified email and names, then signs up, credited to the
//! referrer. And a provider that has not verified the email is explained.
//! Both with the tests' own provider (`oidc_provider`) and with panva's
//! oidc-provider, an OpenID Certified implementation run by Node.

use fantoccini::Locator;
use parrain_server::social::Providers;
use serde_json::json;

use crate::app::{offer_settings, spawn_app_with};
use crate::chrome::{scenario, Browser, WAIT};
use crate::oidc_provider::{Person, Provider};

/// Clicks the widget's button, signs in at the provider in the popup it
/// opens (Allow), and comes back to the page's window.
async fn continue_with(browser: &Browser, widget: &crate::widget::Widget<'_>) {
    let page = browser.client.window().await.unwrap();
    widget.click("social-testid").await;
    let started = std::time::Instant::now();
    let popup = loop {
        let windows = browser.client.windows().await.unwrap();
        if let Some(w) = windows.into_iter().find(|w| *w != page) {
            break w;
        }
        assert!(started.elapsed() < WAIT, "no popup opened");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    browser.client.switch_to_window(popup).await.unwrap();
    let allow = browser
        .client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#allow"))
        .await
        .expect("the provider's sign-in page");
    allow.click().await.unwrap();
    // The popup hands the widget its answer and closes itself.
    let started = std::time::Instant::now();
    while browser.client.windows().await.unwrap().len() > 1 {
        assert!(started.elapsed() < WAIT, "the popup did not close");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    browser.client.switch_to_window(page).await.unwrap();
}

#[tokio::test]
async fn a_friend_continues_with_a_provider_and_signs_up_attributed() {
    let provider = Provider::start().await;
    let registered = provider.clone();
    let app = spawn_app_with(async move |_, config, _| {
        registered.register(&config.public_url);
        config.social = Providers::new(vec![registered.config("testid", "Test ID")]);
    })
    .await;
    let page = format!("{}/refer", app.site.base);
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 2}), &page);
    settings["social_sign_up"] = json!(["testid"]);
    let offer = app.live_offer(settings).await;
    app.site.serve("/refer", app.host_page(&offer, "", ""));
    let ana = app
        .post(
            &format!("/v1/offers/{offer}/participants"),
            json!({"email": "ana@example.com", "first_name": "Ana"}),
        )
        .await;
    let link = ana["share_url"].as_str().unwrap().to_owned();

    scenario("social_sign_up", move |chrome| async move {
        let friend = chrome.open("friend").await;
        friend.goto(&link).await;
        let widget = friend.widget(&offer);
        widget.wait_ready().await;
        widget.wait_for_text("Continue with Test ID").await;

        continue_with(&friend, &widget).await;

        // Back in the widget: the form, filled in, still to be confirmed.
        widget
            .wait_for_text("Signed in with Test ID. Check your details, then sign up.")
            .await;
        assert_eq!(widget.value("email").await, "jane@example.com");
        assert_eq!(widget.value("field-first_name").await, "Jane");
        assert_eq!(widget.value("field-last_name").await, "Doe");
        let email = widget.part("email").await;
        assert!(
            email.attr("readonly").await.unwrap().is_some(),
            "the verified email stays"
        );
        assert!(widget.has_part("consent").await, "the consent box is shown");
        assert!(
            app.participants(&offer).await.len() == 1,
            "nobody signed up yet"
        );
        widget.click("consent").await;
        widget.click("submit").await;
        let theirs = widget.share_link().await;
        assert_ne!(theirs, link);

        let participants = app.participants(&offer).await;
        let jane = participants
            .iter()
            .find(|p| p["email"] == "jane@example.com")
            .unwrap();
        assert_eq!(jane["referred_by"], ana["id"]);
        assert_eq!(jane["first_name"], "Jane");
        assert_eq!(jane["marketing_consent"], true);
        let ana_now = participants
            .iter()
            .find(|p| p["email"] == "ana@example.com")
            .unwrap();
        assert_eq!(ana_now["credit"], 1);
        let id = jane["id"].as_str().unwrap();
        let signed = app
            .activities_until(
                &format!("participant_id={id}&type=signs_up_for_referral_offer"),
                1,
            )
            .await;
        assert_eq!(signed[0]["details"]["social_provider"], "testid");

        // Another friend, whose email the provider has not verified, is told why.
        provider.set_person(Person {
            email: "kim@example.com".into(),
            email_verified: false,
            ..provider.person()
        });
        let other = chrome.open("unverified").await;
        other.goto(&link).await;
        let widget = other.widget(&offer);
        widget.wait_ready().await;
        continue_with(&other, &widget).await;
        widget
            .wait_for_text("Test ID has not verified your email address")
            .await;
        assert_eq!(widget.value("email").await, "", "nothing was filled in");
        assert_eq!(app.participants(&offer).await.len(), 2);
    })
    .await;
}

/// panva's oidc-provider (OpenID Certified), run by Node from
/// `oidc-provider/` (`npm ci` there first), stopped when dropped.
struct CertifiedProvider {
    child: std::process::Child,
    issuer: String,
}

impl CertifiedProvider {
    async fn start(redirect_uri: &str) -> CertifiedProvider {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/oidc-provider");
        assert!(
            dir.join("node_modules/oidc-provider").exists(),
            "the certified provider is not installed: run `npm ci --prefix {}`",
            dir.display()
        );
        let port = parrain_testkit::free_port();
        let child = std::process::Command::new("node")
            .arg("provider.mjs")
            .arg(port.to_string())
            .arg(redirect_uri)
            .current_dir(&dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("Node runs the certified provider (Debian: nodejs)");
        let provider = CertifiedProvider {
            child,
            issuer: format!("http://127.0.0.1:{port}"),
        };
        let started = std::time::Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < WAIT,
                "oidc-provider did not listen on {port}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        provider
    }
}

impl Drop for CertifiedProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// In the popup, oidc-provider's sign-in page (any login) and its consent
/// page (Continue), until the popup closes; returns to the page's window.
async fn sign_in_at_certified(browser: &Browser, widget: &crate::widget::Widget<'_>, login: &str) {
    let page = browser.client.window().await.unwrap();
    widget.click("social-certified").await;
    let started = std::time::Instant::now();
    let mut opened = false;
    loop {
        assert!(started.elapsed() < WAIT, "the sign-in did not finish");
        let windows = browser.client.windows().await.unwrap();
        let Some(popup) = windows.into_iter().find(|w| *w != page) else {
            if opened {
                break; // it handed the widget its answer and closed
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            continue;
        };
        opened = true;
        if browser.client.switch_to_window(popup).await.is_err() {
            continue;
        }
        if let Ok(input) = browser.client.find(Locator::Css("input[name=login]")).await {
            input.send_keys(login).await.unwrap();
            let password = browser
                .client
                .find(Locator::Css("input[name=password]"))
                .await
                .unwrap();
            password.send_keys("any password").await.unwrap();
            let _ = browser
                .client
                .find(Locator::Css("button[type=submit]"))
                .await
                .unwrap()
                .click()
                .await;
        } else if let Ok(button) = browser
            .client
            .find(Locator::Css("button[type=submit]"))
            .await
        {
            let _ = button.click().await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    browser.client.switch_to_window(page).await.unwrap();
}

#[tokio::test]
async fn a_friend_signs_up_through_a_certified_provider() {
    let provider: std::sync::Arc<std::sync::Mutex<Option<CertifiedProvider>>> = Default::default();
    let started = provider.clone();
    let app = spawn_app_with(async move |_, config, _| {
        let redirect = format!(
            "{}{}",
            config.public_url,
            parrain_server::social::CALLBACK_PATH
        );
        let certified = CertifiedProvider::start(&redirect).await;
        config.social = Providers::new(vec![parrain_server::social::ProviderConfig {
            id: "certified".into(),
            name: "Certified ID".into(),
            issuer: certified.issuer.clone(),
            client_id: "parrain-test".into(),
            client_secret: "test-client-secret".into(),
        }]);
        *started.lock().unwrap() = Some(certified);
    })
    .await;
    let page = format!("{}/refer", app.site.base);
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 2}), &page);
    settings["social_sign_up"] = json!(["certified"]);
    let offer = app.live_offer(settings).await;
    app.site.serve("/refer", app.host_page(&offer, "", ""));
    let ana = app
        .post(
            &format!("/v1/offers/{offer}/participants"),
            json!({"email": "ana@example.com"}),
        )
        .await;
    let link = ana["share_url"].as_str().unwrap().to_owned();

    scenario("certified_provider", move |chrome| async move {
        let friend = chrome.open("friend").await;
        friend.goto(&link).await;
        let widget = friend.widget(&offer);
        widget.wait_ready().await;
        sign_in_at_certified(&friend, &widget, "grace").await;
        widget.wait_for_text("Signed in with Certified ID.").await;
        assert_eq!(widget.value("email").await, "grace@example.com");
        assert_eq!(widget.value("field-first_name").await, "Grace");
        widget.click("submit").await;
        widget.share_link().await;
        let participants = app.participants(&offer).await;
        let grace = participants
            .iter()
            .find(|p| p["email"] == "grace@example.com")
            .unwrap();
        assert_eq!(grace["referred_by"], ana["id"]);

        // An account whose email the provider has not verified is refused.
        let other = chrome.open("unverified").await;
        other.goto(&link).await;
        let widget = other.widget(&offer);
        widget.wait_ready().await;
        sign_in_at_certified(&other, &widget, "unverified-kim").await;
        widget
            .wait_for_text("Certified ID has not verified your email address")
            .await;
        assert_eq!(app.participants(&offer).await.len(), 2);
        drop(provider);
    })
    .await;
}
