//! Rewards where a participant looks (SPEC §11, §12): the widget's public
//! view lists the milestones; a sign-up's answer and its token's progress
//! carry the participant's own rewards and codes (a friend sees its own
//! reward at once); the participant's page shows progress toward the next
//! reward, and the offer's leaderboard with the participant's own row
//! marked; the participants tab filters by reward and state. None of it
//! shows another person's email or id.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect, spawn_app, TestApp};

/// A sticker at one friend, a month free (with a code) at the goal of
/// three, a coffee every two credits, and €10 off for each friend.
fn two_tiers() -> Value {
    json!({
        "name": "Give 10, get 10",
        "goal": {"type": "referred_signups", "count": 3},
        "offer_page_url": "https://shop.example.com/refer",
        "leaderboard": {"enabled": true},
        "rewards": [
            {"id": "tier-1", "for": "referrer", "at": 1, "label": "A sticker"},
            {"id": "tier-2", "for": "referrer", "at": 3, "promo_codes": "month",
             "label": "A month free", "hold_days": 0},
            {"id": "welcome", "for": "friend", "on": "sign_up", "promo_codes": "welcome",
             "label": "€10 off"}
        ]
    })
}

async fn put_pool(app: &TestApp, offer: &str, pool: &str, codes: &str) {
    let response = app
        .client
        .put(app.url(&format!("/v1/offers/{offer}/promo-codes?pool={pool}")))
        .bearer_auth(&app.sk)
        .header("content-type", "text/plain")
        .body(codes.to_owned())
        .send()
        .await
        .unwrap();
    expect(response, StatusCode::OK).await;
}

async fn live(app: &TestApp, settings: Value) -> String {
    let offer = app.create_offer(&settings).await;
    let id = offer["id"].as_str().unwrap().to_owned();
    put_pool(app, &id, "month", "MONTH-1\n").await;
    put_pool(app, &id, "welcome", "WELCOME-1\nWELCOME-2\nWELCOME-3\n").await;
    expect(app.approve(&id).await, StatusCode::OK).await;
    id
}

/// A sign-up from a web page (publishable key), 201.
async fn sign_up_pk(app: &TestApp, offer: &str, body: Value) -> Value {
    let response = app
        .post(&format!("/v1/offers/{offer}/participants"), &app.pk, &body)
        .await;
    expect(response, StatusCode::CREATED).await
}

async fn me(app: &TestApp, offer: &str, token: &Value) -> Value {
    let body = json!({"participant_token": token});
    let response = app
        .post(
            &format!("/v1/offers/{offer}/participants/me"),
            &app.pk,
            &body,
        )
        .await;
    expect(response, StatusCode::OK).await
}

/// (reward_id, state, code) of each reward in an answer.
fn states(answer: &Value) -> Vec<(String, String, Option<String>)> {
    answer["rewards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["reward_id"].as_str().unwrap().to_owned(),
                r["state"].as_str().unwrap().to_owned(),
                r["promo_code"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn reward(id: &str, state: &str, code: Option<&str>) -> (String, String, Option<String>) {
    (id.into(), state.into(), code.map(str::to_owned))
}

async fn page(app: &TestApp, token: &Value) -> String {
    let response = app
        .client
        .get(app.url(&format!("/p/{}", token.as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_public_view_lists_the_milestones_without_pools_or_emails() {
    // Arrange
    let app = spawn_app().await;
    let mut settings = two_tiers();
    settings["rewards"][1]["email"] =
        json!({"subject": "Your month", "text": "{{ reward.label }}: {{ promo_code }}"});
    let offer = live(&app, settings).await;

    // Act
    let response = app
        .client
        .get(app.url(&format!("/v1/offers/{offer}/public")))
        .bearer_auth(&app.pk)
        .send()
        .await
        .unwrap();
    let view = expect(response, StatusCode::OK).await;

    // Assert: each reward's id, side, milestone and label, in the offer's order.
    let rewards = view["rewards"].as_array().unwrap();
    let ids: Vec<_> = rewards.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["tier-1", "tier-2", "welcome"]);
    assert_eq!(rewards[1]["for"], "referrer");
    assert_eq!(rewards[1]["at"], 3);
    assert_eq!(rewards[1]["label"], "A month free");
    assert_eq!(rewards[2]["for"], "friend");
    assert_eq!(rewards[2]["on"], "sign_up");
    assert_eq!(view["leaderboard"], json!({"enabled": true, "size": 10}));
    // Nothing of how it is delivered: no pool, no email template.
    let text = view["rewards"].to_string();
    assert!(!text.contains("month\""), "{text}");
    assert!(
        !text.contains("promo_codes") && !text.contains("subject"),
        "{text}"
    );
}

#[tokio::test]
async fn a_friend_sees_its_own_reward_and_code_and_the_referrer_its_tiers() {
    // Arrange
    let app = spawn_app().await;
    let offer = live(&app, two_tiers()).await;
    let ana = sign_up_pk(
        &app,
        &offer,
        json!({"email": "ana@example.com", "first_name": "Ana"}),
    )
    .await;
    assert_eq!(states(&ana), [], "nothing before a friend");

    // Act: Bob signs up through Ana's link, from the page.
    let bob = json!({"email": "bob@example.com", "referral_code": ana["code"]});
    let bob = sign_up_pk(&app, &offer, bob).await;
    let ana_now = me(&app, &offer, &ana["participant_token"]).await;

    // Assert: Bob's answer carries his own reward and its code, as a friend.
    assert_eq!(
        states(&bob),
        [reward("welcome", "given", Some("WELCOME-1"))]
    );
    assert_eq!(bob["rewards"][0]["as_friend"], true);
    assert_eq!(bob["rewards"][0]["label"], "€10 off");
    // Ana's token shows tier 1 given (no code) and one credit.
    assert_eq!(states(&ana_now), [reward("tier-1", "given", None)]);
    assert_eq!(ana_now["rewards"][0]["as_friend"], false);
    assert_eq!(ana_now["progress"]["credit"], 1);
    // Neither answer names the other person: no email, no participant id.
    let ana_id = ana["id"].as_str().unwrap();
    let bob_id = bob["id"].as_str().unwrap();
    assert!(!bob.to_string().contains('@') && !bob.to_string().contains(ana_id));
    assert!(!ana_now.to_string().contains('@') && !ana_now.to_string().contains(bob_id));
}

#[tokio::test]
async fn the_participant_page_shows_the_next_reward_and_the_codes_given() {
    // Arrange
    let app = spawn_app().await;
    let offer = live(&app, two_tiers()).await;
    let ana = sign_up_pk(&app, &offer, json!({"email": "ana@example.com"})).await;
    let code = ana["code"].clone();
    let bob = sign_up_pk(
        &app,
        &offer,
        json!({"email": "bob@example.com", "referral_code": code}),
    )
    .await;

    // Act
    let after_one = page(&app, &ana["participant_token"]).await;
    let bobs = page(&app, &bob["participant_token"]).await;
    for email in ["cid@example.com", "dee@example.com"] {
        sign_up_pk(&app, &offer, json!({"email": email, "referral_code": code})).await;
    }
    let after_three = page(&app, &ana["participant_token"]).await;

    // Assert: at one credit, tier 1 given and two more to the month free.
    assert!(after_one.contains("1 of 3 credits"), "{after_one}");
    assert!(
        after_one.contains("2 more for: A month free"),
        "{after_one}"
    );
    assert!(
        after_one.contains("data-reward=\"tier-1\" data-state=given"),
        "{after_one}"
    );
    assert!(
        after_one.contains("data-reward=\"tier-2\" data-state=to_come"),
        "{after_one}"
    );
    // Bob's page has his own reward and code.
    assert!(bobs.contains("data-part=friend-reward"), "{bobs}");
    assert!(bobs.contains("Your reward for joining: €10 off"), "{bobs}");
    assert!(bobs.contains("WELCOME-1"), "{bobs}");
    // At three: tier 2 given with its code, nothing left to reach.
    assert!(
        after_three.contains("data-reward=\"tier-2\" data-state=given"),
        "{after_three}"
    );
    assert!(after_three.contains("MONTH-1"), "{after_three}");
    assert!(
        after_three.contains("You reached every reward"),
        "{after_three}"
    );
    // No friend's email on the page.
    assert!(!after_three.contains("@example.com"), "{after_three}");
}

#[tokio::test]
async fn the_participant_page_shows_the_leaderboard_with_its_own_row_marked() {
    // Arrange: Ana has two friends, Dee one; a board of the offer's
    // default size.
    let app = spawn_app().await;
    let offer = live(&app, two_tiers()).await;
    let ana = json!({"email": "ana@example.com", "first_name": "Ana", "last_name": "lovelace"});
    let ana = sign_up_pk(&app, &offer, ana).await;
    let dee = json!({"email": "dee@example.com", "first_name": "Dee"});
    let dee = sign_up_pk(&app, &offer, dee).await;
    for (referrer, friend) in [(&ana, "bob"), (&ana, "cid"), (&dee, "eve")] {
        let body =
            json!({"email": format!("{friend}@example.com"), "referral_code": referrer["code"]});
        sign_up_pk(&app, &offer, body).await;
    }

    // Act
    let dees = page(&app, &dee["participant_token"]).await;
    let board = app
        .client
        .get(app.url(&format!("/v1/offers/{offer}/leaderboard")))
        .bearer_auth(&app.pk)
        .send()
        .await
        .unwrap();
    let board = expect(board, StatusCode::OK).await;

    // Assert: the API's rows, in its order, Dee's own row (rank 2) marked
    // as the current one and no other; no email anywhere.
    let rows = board["data"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{board}");
    assert!(dees.contains("data-part=leaderboard"), "{dees}");
    assert!(dees.contains("Top referrers"), "{dees}");
    let mut at = 0;
    for row in rows {
        let (rank, name) = (&row["rank"], row["display_name"].as_str().unwrap());
        let shown = format!(
            "data-part=leader data-rank={rank}><span>{rank}. {name}</span><b>{}</b></li>",
            row["credit"]
        );
        let found = dees[at..]
            .find(&shown)
            .unwrap_or_else(|| panic!("{shown} in {dees}"));
        at += found + shown.len();
    }
    assert!(dees.contains("<li class=me aria-current=true data-me data-part=leader data-rank=2>"));
    assert_eq!(dees.matches("aria-current").count(), 1, "{dees}");
    assert!(
        dees.contains("2. Dee") && dees.contains("1. Ana L."),
        "{dees}"
    );
    assert!(!dees.contains("@example.com"), "{dees}");
    // Fay, on the board nowhere, sees it with no row marked.
    let fay = sign_up_pk(&app, &offer, json!({"email": "fay@example.com"})).await;
    let fays = page(&app, &fay["participant_token"]).await;
    assert!(fays.contains("1. Ana L."), "{fays}");
    assert!(!fays.contains("aria-current"), "{fays}");
    // An offer whose leaderboard is off shows none.
    let mut settings = two_tiers();
    settings["leaderboard"] = json!({"enabled": false});
    let quiet = live(&app, settings).await;
    let ana_there = sign_up_pk(&app, &quiet, json!({"email": "ana@example.com"})).await;
    let plain = page(&app, &ana_there["participant_token"]).await;
    assert!(!plain.contains("data-part=leaderboard"), "{plain}");
}

#[tokio::test]
async fn the_participants_tab_filters_by_reward_and_state() {
    // Arrange: Ana referred Bob (tier 1 given to her, the welcome reward
    // to him); Cid signed up alone and has no reward.
    let app = spawn_app().await;
    let offer = live(&app, two_tiers()).await;
    let ana = sign_up_pk(&app, &offer, json!({"email": "ana@example.com"})).await;
    let bob = json!({"email": "bob@example.com", "referral_code": ana["code"]});
    sign_up_pk(&app, &offer, bob).await;
    sign_up_pk(&app, &offer, json!({"email": "cid@example.com"})).await;
    let session = crate::admin::signed_in(&app, "ops@example.com").await;
    let listed = |query: &'static str| {
        let url = app.url(&format!("/admin/offers/{offer}/participants{query}"));
        let request = app.client.get(url).header("cookie", &session);
        async move {
            let page = request.send().await.unwrap();
            assert_eq!(page.status(), StatusCode::OK);
            let page = page.text().await.unwrap();
            let emails: Vec<&str> = ["ana", "bob", "cid"]
                .into_iter()
                .filter(|who| page.contains(&format!("<td class=\"email\">{who}@example.com</td>")))
                .collect();
            (emails, page)
        }
    };

    // Act / Assert
    let (all, page) = listed("").await;
    assert_eq!(all, ["ana", "bob", "cid"]);
    assert!(page.contains("<select name=\"reward_state\">"), "{page}");
    let (tier_1, page) = listed("?reward=tier-1").await;
    assert_eq!(tier_1, ["ana"]);
    assert!(
        page.contains("<option value=\"tier-1\" selected>"),
        "{page}"
    );
    let (welcome_given, page) = listed("?reward=welcome&reward_state=given").await;
    assert_eq!(welcome_given, ["bob"]);
    assert!(page.contains("<option value=\"given\" selected>"), "{page}");
    // The posted forms carry the filters back with the list.
    assert!(
        page.contains("name=\"filter_reward\" value=\"welcome\""),
        "{page}"
    );
    let (tier_1_held, page) = listed("?reward=tier-1&reward_state=held").await;
    assert!(tier_1_held.is_empty());
    assert!(page.contains("No participants match"), "{page}");
    let (any_given, _) = listed("?reward_state=given").await;
    assert_eq!(any_given, ["ana", "bob"]);
    let (none_yet, _) = listed("?reward=tier-2").await;
    assert!(none_yet.is_empty());
}
