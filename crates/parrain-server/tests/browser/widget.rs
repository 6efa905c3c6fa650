//! The widget as a person sees it: reached through its shadow root, by the
//! `data-part` names embed.js gives the things a person reads and uses.

use fantoccini::elements::Element;
use fantoccini::Locator;
use serde_json::json;

use crate::chrome::Browser;

pub struct Widget<'a> {
    pub browser: &'a Browser,
    offer: String,
}

impl Browser {
    /// The widget of this offer on the current page.
    pub fn widget(&self, offer: &str) -> Widget<'_> {
        Widget {
            browser: self,
            offer: offer.to_owned(),
        }
    }
}

impl Widget<'_> {
    fn host(&self) -> String {
        format!("[data-parrain-offer=\"{}\"]", self.offer)
    }

    /// Waits until the widget has loaded the offer (and, for a returning
    /// participant, its fresh progress).
    pub async fn wait_ready(&self) {
        let script = format!(
            "const el = document.querySelector('{}'); return !!el && el.dataset.parrainReady === 'true'",
            self.host()
        );
        self.browser
            .wait_until(&format!("the widget of {} to load", self.offer), &script)
            .await;
    }

    /// Everything the widget shows, as text.
    pub async fn text(&self) -> String {
        let script = format!(
            "const el = document.querySelector('{}'); return el && el.shadowRoot ? el.shadowRoot.textContent : ''",
            self.host()
        );
        self.browser
            .js(&script, vec![])
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits until the widget shows `text`.
    pub async fn wait_for_text(&self, text: &str) {
        let script = format!(
            "const el = document.querySelector('{}'); return !!(el && el.shadowRoot && el.shadowRoot.textContent.includes(arguments[0]))",
            self.host()
        );
        let started = std::time::Instant::now();
        loop {
            let found = self.browser.js(&script, vec![json!(text)]).await;
            if found.as_bool() == Some(true) {
                return;
            }
            assert!(
                started.elapsed() < crate::chrome::WAIT,
                "the widget never showed {text:?}; it shows: {:?}",
                self.text().await
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// The element of this `data-part` inside the shadow root.
    pub async fn part(&self, part: &str) -> Element {
        let host = self
            .browser
            .client
            .find(Locator::Css(&self.host()))
            .await
            .unwrap();
        let root = host
            .shadow_root()
            .await
            .expect("the widget has a shadow root");
        root.find(Locator::Css(&format!("[data-part=\"{part}\"]")))
            .await
            .unwrap_or_else(|e| panic!("the widget has no {part}: {e}; it shows {:?}", ""))
    }

    pub async fn has_part(&self, part: &str) -> bool {
        let host = self
            .browser
            .client
            .find(Locator::Css(&self.host()))
            .await
            .unwrap();
        let root = host
            .shadow_root()
            .await
            .expect("the widget has a shadow root");
        !root
            .find_all(Locator::Css(&format!("[data-part=\"{part}\"]")))
            .await
            .unwrap()
            .is_empty()
    }

    pub async fn type_into(&self, part: &str, text: &str) {
        self.part(part).await.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, part: &str) {
        self.part(part)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {part}: {e}"));
    }

    /// The value of an input (e.g. the share link box).
    pub async fn value(&self, part: &str) -> String {
        self.part(part)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Signs up with this email the way a person would: type, press the button.
    pub async fn sign_up(&self, email: &str) {
        self.type_into("email", email).await;
        self.click("submit").await;
    }

    /// After sign-up: the personal share link shown in the link box.
    pub async fn share_link(&self) -> String {
        self.wait_for_text("Your personal link").await;
        self.value("share-link").await
    }
}
