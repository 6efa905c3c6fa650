//! Rewards end to end in Chromium (SPEC §11, §12): an operator builds a
//! two-tier double-sided offer in the admin editor (a refused save names
//! the reward's field), uploads its pools and approves it; in the widget a
//! referrer signs up and a friend comes through the link and signs up; the
//! friend sees its own reward and code, and the referrer's page shows
//! tier 1 given and the progress toward tier 2; the widget's leaderboard
//! names the referrer without its email, and so does the leaderboard on
//! the referrer's page, its own row marked; on the participants tab the
//! operator gives a reward by hand, once, and filters by reward and state.

use serde_json::json;

use crate::admin_editor::{
    admin_app, choose, fill, new_offer, press, sign_in, submit, text, value,
};
use crate::chrome::{scenario, Browser};

/// Fills reward row `i` (as numbered by the page).
async fn reward_row(browser: &Browser, i: usize, id: &str, kind: &str, count: &str, label: &str) {
    let name = |field: &str| format!("[name='rewards.{i}.{field}']");
    fill(browser, &name("id"), id).await;
    choose(browser, &name("kind"), kind).await;
    if !count.is_empty() {
        fill(browser, &name("count"), count).await;
    }
    fill(browser, &name("label"), label).await;
}

async fn upload(browser: &Browser, pool: &str, codes: &str) {
    fill(browser, "#promo-pool", pool).await;
    fill(browser, "#promo-codes", codes).await;
    press(browser, "#promo button[type=submit]").await;
    browser
        .wait_until(
            &format!("the {pool} pool's row"),
            &format!("return !!document.querySelector('#pools [data-pool={pool}]')"),
        )
        .await;
}

#[tokio::test]
async fn an_operator_builds_a_two_tier_double_sided_offer_and_both_sides_see_their_rewards() {
    let app = admin_app().await;
    let shop = format!("{}/shop", app.site.base);
    scenario("rewards_two_tiers", move |chrome| async move {
        // The operator builds the offer: two referrer tiers and the friend's €10.
        let operator = sign_in(&chrome, &app).await;
        let id = new_offer(&operator, "Give 10, get 10").await;
        choose(&operator, "[name='goal.type']", "referred_signups").await;
        fill(&operator, "[name='goal.count']", "2").await;
        fill(&operator, "[name='offer_page_url']", &shop).await;
        press(&operator, "[name='leaderboard.enabled']").await;
        for _ in 0..3 {
            press(&operator, "[data-rows=rewards] [data-add]").await;
        }
        reward_row(&operator, 0, "tier-1", "at", "1", "A sticker").await;
        reward_row(&operator, 1, "welcome", "friend_sign_up", "", "€10 off").await;
        fill(&operator, "[name='rewards.1.promo_codes']", "welcome").await;
        // Tier 2 typed with tier 1's id: the save is refused beside its row.
        reward_row(&operator, 2, "tier-1", "at", "2", "A month free").await;
        fill(&operator, "[name='rewards.2.promo_codes']", "month").await;
        // Tier 2 goes up, before the friend's reward.
        press(&operator, "[data-reward-row]:nth-of-type(3) [data-move='-1']").await;
        let labels = operator
            .js(
                "return [...document.querySelectorAll('[data-reward-row] [data-field=label]')].map(i => i.value)",
                vec![],
            )
            .await;
        assert_eq!(labels, json!(["A sticker", "A month free", "€10 off"]));
        submit(&operator, ".savebar button[type=submit]", ".problems").await;
        let beside = text(&operator, "[data-error='rewards[1].id']").await;
        assert!(beside.contains("used twice"), "{beside}");
        assert_eq!(value(&operator, "[name='rewards.1.label']").await, "A month free");
        assert_eq!(value(&operator, "[name='rewards.2.promo_codes']").await, "welcome");

        // Fixed; the preview draws a referrer at one credit as the widget will.
        fill(&operator, "[name='rewards.1.id']", "tier-2").await;
        let line = operator
            .wait_until(
                "the preview to read the fixed tier",
                "const t = document.querySelector('[data-preview-line]').textContent; \
                 return t.includes('1 of 2 credits') && t",
            )
            .await;
        assert!(
            line.as_str().unwrap().contains("1 more for: A month free"),
            "{line}"
        );
        let marks = operator
            .js(
                "return [...document.querySelectorAll('[data-preview-track] b')].map(b => b.textContent)",
                vec![],
            )
            .await;
        assert_eq!(marks, json!(["1", "2"]));
        submit(&operator, ".savebar button[type=submit]", ".notice").await;
        assert!(text(&operator, ".notice").await.contains("Draft saved"));
        let draft = app.get(&format!("/v1/offers/{id}")).await["draft"]["rewards"].clone();
        assert_eq!(
            draft,
            json!([
                {"id": "tier-1", "for": "referrer", "at": 1, "label": "A sticker",
                 "delivery": "auto", "hold_days": 0},
                {"id": "tier-2", "for": "referrer", "at": 2, "label": "A month free",
                 "promo_codes": "month", "delivery": "auto", "hold_days": 0},
                {"id": "welcome", "for": "friend", "on": "sign_up", "label": "€10 off",
                 "promo_codes": "welcome", "delivery": "auto", "hold_days": 0}
            ])
        );

        // Each pool gets its codes on the offer's page, then the offer goes live.
        upload(&operator, "welcome", "WELCOME-1\nWELCOME-2\n").await;
        upload(&operator, "month", "MONTH-1\n").await;
        submit(&operator, "[data-action=approve]", ".notice").await;
        assert!(text(&operator, ".notice").await.contains("Approved"));
        // The editor lists the pools with their counts.
        operator
            .goto(&app.url(&format!("/admin/offers/{id}/edit")))
            .await;
        assert_eq!(
            text(&operator, "#reward-pool-counts [data-pool=welcome] td").await,
            "2"
        );

        // The referrer signs up in the widget and shares its link.
        app.site.serve("/shop", app.host_page(&id, "", ""));
        let ana = chrome.open("ana").await;
        ana.goto(&shop).await;
        let widget = ana.widget(&id);
        widget.wait_ready().await;
        widget.sign_up("ana@example.com").await;
        let link = widget.share_link().await;
        widget.wait_for_text("0 of 1 credits").await;
        widget.wait_for_text("1 more for: A sticker").await;

        // A friend comes through the link and signs up: its own reward and code.
        let bob = chrome.open("bob").await;
        bob.goto(&link).await;
        let theirs = bob.widget(&id);
        theirs.wait_ready().await;
        theirs.sign_up("bob@example.com").await;
        theirs.wait_for_text("Your reward for joining: €10 off").await;
        let code = theirs.part("friend-reward").await.text().await.unwrap();
        assert!(code.contains("WELCOME-1"), "{code}");
        // The leaderboard the operator turned on: Ana, by no email.
        theirs.click("leaderboard").await;
        theirs.wait_for_text("Top referrers").await;
        theirs.wait_for_text("Participant 1 — 1").await;
        assert!(!theirs.text().await.contains("@example.com"));

        // The referrer's own page: tier 1 given, one credit of two toward tier 2.
        let token = ana
            .js(
                "return JSON.parse(localStorage.getItem(arguments[0])).token",
                vec![json!(format!("parrain_participant_{id}"))],
            )
            .await;
        let token = token.as_str().expect("the widget keeps the token");
        ana.goto(&app.url(&format!("/p/{token}"))).await;
        let tier_1 = text(&ana, "[data-reward='tier-1']").await;
        assert!(tier_1.contains("A sticker") && tier_1.contains("given"), "{tier_1}");
        let tier_2 = text(&ana, "[data-reward='tier-2']").await;
        assert!(tier_2.contains("to come"), "{tier_2}");
        let progress = text(&ana, "[data-part=progress]").await;
        assert!(
            progress.contains("1 of 2 credits") && progress.contains("1 more for: A month free"),
            "{progress}"
        );
        let bar = ana
            .js(
                "return document.querySelector('[role=progressbar] i').style.width",
                vec![],
            )
            .await;
        assert_eq!(bar, json!("50%"));
        // The leaderboard: Ana, by no email, her row marked as her own.
        let mine = text(&ana, "[data-part=leaderboard] [aria-current=true]").await;
        assert!(mine.starts_with("1. Participant 1"), "{mine}");
        // Nobody's email is on it.
        let body = text(&ana, "body").await;
        assert!(!body.contains("bob@example.com"), "{body}");

        // Back in the widget, the same progress, fresh from the server.
        ana.goto(&shop).await;
        let widget = ana.widget(&id);
        widget.wait_ready().await;
        widget.wait_for_text("1 more for: A month free").await;

        // On the participants tab, the operator gives Bob tier 1 by hand,
        // once: cancelling it afterwards is refused, since it was given.
        let participants = app.participants(&id).await;
        let bob_id = participants
            .iter()
            .find(|p| p["email"] == "bob@example.com")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let tab = app.url(&format!("/admin/offers/{id}/participants"));
        let tick = format!("tr[data-id='{bob_id}'] input[name=id]");
        operator.goto(&tab).await;
        press(&operator, &tick).await;
        choose(&operator, "#by-hand [name=reward]", "tier-1").await;
        fill(&operator, "#by-hand [name=note]", "thanks for the feedback").await;
        submit(&operator, "#by-hand button[value=give]", ".outcomes").await;
        let given = text(&operator, ".outcomes").await;
        assert!(given.contains("Reward given: 1 of 1 given"), "{given}");
        assert!(given.contains("bob@example.com"), "{given}");
        press(&operator, &tick).await;
        choose(&operator, "#by-hand [name=reward]", "tier-1").await;
        submit(&operator, "#by-hand button[value=cancel]", ".outcomes").await;
        let refused = text(&operator, ".outcomes").await;
        assert!(refused.contains("0 of 1 cancelled"), "{refused}");
        let bob = app.get(&format!("/v1/participants/{bob_id}")).await;
        let tiers: Vec<_> = (bob["rewards"].as_array().unwrap().iter())
            .filter(|r| r["reward_id"] == "tier-1")
            .map(|r| r["state"].clone())
            .collect();
        assert_eq!(tiers, [json!("given")]);

        // The tab's filters: tier 1 given is Ana (by the rule) and Bob (by
        // hand); the welcome reward given is Bob alone; tier 2 is no one yet.
        let listed = |reward: &'static str, state: &'static str| {
            let operator = &operator;
            async move {
                choose(operator, "form.filters [name=reward]", reward).await;
                choose(operator, "form.filters [name=reward_state]", state).await;
                submit(operator, "form.filters button[type=submit]", "main").await;
                let emails = operator
                    .js(
                        "return [...document.querySelectorAll('td.email')].map(td => td.textContent).sort()",
                        vec![],
                    )
                    .await;
                emails
            }
        };
        let tier_1 = listed("tier-1", "given").await;
        assert_eq!(tier_1, json!(["ana@example.com", "bob@example.com"]));
        let welcome = listed("welcome", "given").await;
        assert_eq!(welcome, json!(["bob@example.com"]));
        assert!(operator.url().await.as_str().contains("reward=welcome&reward_state=given"));
        let tier_2 = listed("tier-2", "").await;
        assert_eq!(tier_2, json!([]));
        assert!(text(&operator, ".empty").await.contains("No participants match"));
    })
    .await;
}
