//! The demo of `parrain serve --demo`: one approved offer hosted by the
//! server's own `/demo` page, so a new user can play referrer and friend in
//! two browser windows a minute after starting parrain.
//!
//! The offer id and the page's publishable key are kept in `demo.json` in the
//! data directory: keys are stored hashed, so the plain key the page needs
//! must be kept somewhere, and a restart must find the same offer (with its
//! participants) rather than seed a new one.

use std::path::Path;

use anyhow::Context;
use parrain_core::ids::OfferId;
use parrain_core::offer::{OfferSettings, OfferStatus};
use parrain_core::Millis;
use parrain_store::{Audit, KeyKind, Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{auth, Demo};

const FILE: &str = "demo.json";

#[derive(Serialize, Deserialize)]
struct Saved {
    offer_id: String,
    publishable_key: String,
}

/// The demo offer's settings: three referred sign-ups earn a promo code.
fn settings(page_url: &str) -> serde_json::Value {
    json!({
        "name": "Refer 3 friends, get a month free",
        "description": "Share your link. When 3 friends sign up through it, we email you a code for a free month.",
        "goal": {"type": "referred_signups", "count": 3},
        "fulfillment": {"delivery": "auto_on_goal"},
        "offer_page_url": page_url,
        "share_url": {"kind": "referring_page"},
        "sign_up_flow": "capture_then_share",
        "networks": ["email", "x", "linkedin", "facebook"],
        "share_messages": {
            "email": "I get my coffee from Brewly and love it. Join through my link:",
            "x": "My coffee comes from @Brewly. Join through my link:",
            "linkedin": "Brewly delivers great coffee to our office.",
            "facebook": "Brewly delivers great coffee. Join through my link!"
        },
        "person_fields": [{"name": "first_name", "label": "First name", "required": true}],
        "marketing_consent": "opt_in",
        "emails": {
            "sign_up": {
                "subject": "Your Brewly referral link",
                "text": "Hi {{ first_name }},\n\nShare this link with friends: {{ share_url }}\nWhen {{ goal.count }} of them sign up, your reward is on us.\n"
            },
            "fulfillment": {
                "subject": "You earned a free month of Brewly",
                "text": "Hi {{ first_name }},\n\n{{ credit }} friends joined {{ offer.name }} through your link. Your promo code: {{ promo_code }}\n"
            }
        }
    })
}

/// The codes handed out at fulfilment.
fn promo_codes() -> String {
    (1..=50).map(|n| format!("BREWLY-FREE-{n:04}\n")).collect()
}

/// Finds or seeds the demo offer and its publishable key; keeps the offer's
/// page address in step with `public_url` (it may change between runs).
pub async fn ensure(
    store: &dyn Store,
    public_url: &str,
    data_dir: &Path,
    now: Millis,
) -> anyhow::Result<Demo> {
    let page_url = format!("{}/demo", public_url.trim_end_matches('/'));
    let path = data_dir.join(FILE);
    let saved: Option<Saved> = match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).ok(),
        Err(_) => None,
    };

    let offer_id = match saved
        .as_ref()
        .and_then(|s| OfferId::parse(&s.offer_id).ok())
    {
        Some(id) => match store.offer(&id).await {
            Ok(offer) if offer.status != OfferStatus::Archived => {
                let page = offer
                    .live
                    .as_ref()
                    .and_then(|s| s.offer_page_url.as_deref());
                if offer.status == OfferStatus::Approved && page != Some(page_url.as_str()) {
                    store
                        .patch_draft(&id, json!({"offer_page_url": page_url}), now, Audit::none())
                        .await?;
                    store.approve(&id, now, Audit::none()).await?;
                }
                Some(id)
            }
            Ok(_) | Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e).context("reading the demo offer"),
        },
        None => None,
    };
    let offer_id = match offer_id {
        Some(id) => id,
        None => seed(store, &page_url, now).await?,
    };

    let known_key = match &saved {
        Some(s) => store
            .key_by_hash(&auth::hash_key(&s.publishable_key))
            .await?
            .is_some(),
        None => false,
    };
    let publishable_key = match saved {
        Some(s) if known_key => s.publishable_key,
        _ => {
            auth::create_key(store, KeyKind::Publishable, "demo page", now, Audit::none())
                .await?
                .1
        }
    };

    let saved = Saved {
        offer_id: offer_id.to_string(),
        publishable_key,
    };
    std::fs::write(&path, serde_json::to_vec_pretty(&saved)?)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(Demo {
        offer_id: saved.offer_id,
        publishable_key: saved.publishable_key,
    })
}

async fn seed(store: &dyn Store, page_url: &str, now: Millis) -> anyhow::Result<OfferId> {
    let settings: OfferSettings = serde_json::from_value(settings(page_url))?;
    let offer = store.create_offer(settings, now, Audit::none()).await?;
    store
        .put_promo_codes(
            &offer.id,
            parrain_core::reward::DEFAULT_POOL.into(),
            promo_codes(),
            now,
            Audit::none(),
        )
        .await?;
    store
        .approve(&offer.id, now, Audit::none())
        .await
        .context("approving the demo offer")?;
    Ok(offer.id)
}
