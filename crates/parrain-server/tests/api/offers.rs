//! The offer lifecycle: draft, approve, edit the draft of a live offer,
//! unapprove, clone, archive, delete; promo-code uploads.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_code, expect, offer_settings, spawn_app};

#[tokio::test]
async fn a_new_offer_is_a_draft_the_public_cannot_use() {
    let app = spawn_app().await;
    let offer = app
        .create_offer(&offer_settings(
            json!({"type": "referred_signups", "count": 5}),
        ))
        .await;
    assert_eq!(offer["status"], "draft");
    assert_eq!(offer["live"], Value::Null);
    assert_eq!(offer["draft"]["goal"]["count"], 5);
    // Defaults a user would expect.
    assert_eq!(offer["draft"]["visit_counting"], "unique_friend");
    assert_eq!(
        offer["draft"]["attribution"],
        json!({"model": "first_touch", "window_days": 90, "methods": ["link", "email", "coupon"]})
    );
    assert_eq!(
        offer["draft"]["networks"],
        json!(["email", "x", "linkedin", "facebook"])
    );
    let id = offer["id"].as_str().unwrap();
    let body = expect(
        app.sign_up(id, json!({"email": "a@example.com"})).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(error_code(&body), "offer_not_live");
}

#[tokio::test]
async fn approve_lists_every_problem_then_goes_live_once_fixed() {
    let app = spawn_app().await;
    let offer = app
        .create_offer(&json!({
            "name": "Incomplete",
            "goal": {"type": "custom_event"},
            "share_url": {"kind": "external"},
            "starts_at": "2027-02-01T00:00:00Z",
            "ends_at": "2027-01-01T00:00:00Z"
        }))
        .await;
    let id = offer["id"].as_str().unwrap();
    let refused = expect(app.approve(id).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: Vec<_> = refused["error"]["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "goal.count",
            "goal.event",
            "share_url.url",
            "emails.fulfillment",
            "starts_at"
        ]
    );
    assert_eq!(
        app.get_ok(&format!("/v1/offers/{id}")).await["status"],
        "draft"
    );

    let fix = json!({
        "goal": {"count": 2, "event": "purchase"},
        "share_url": {"url": "https://shop.example.com/landing"},
        "emails": {"fulfillment": {"subject": "Thanks", "text": "{{ promo_code }}"}},
        "starts_at": null,
        "ends_at": null
    });
    expect(
        app.patch(&format!("/v1/offers/{id}"), &fix).await,
        StatusCode::OK,
    )
    .await;
    let live = expect(app.approve(id).await, StatusCode::OK).await;
    assert_eq!(live["status"], "approved");
    assert_eq!(live["is_live"], true);
    assert_eq!(
        live["live"]["goal"],
        json!({"type": "custom_event", "count": 2, "event": "purchase"})
    );
    assert_eq!(live["draft"], Value::Null);
}

#[tokio::test]
async fn editing_a_live_offer_changes_only_its_draft_until_approved() {
    let app = spawn_app().await;
    let id = app
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await;
    let edited = expect(
        app.patch(
            &format!("/v1/offers/{id}"),
            &json!({"goal": {"count": 3}, "name": "Summer"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["live"]["goal"]["count"], 5);
    assert_eq!(edited["draft"]["goal"]["count"], 3);
    assert_eq!(edited["name"], "Summer");
    let participant = app.participant(&id, "a@example.com").await;
    assert_eq!(participant["progress"]["goal_count"], 5);

    let approved = expect(app.approve(&id).await, StatusCode::OK).await;
    assert_eq!(approved["live"]["goal"]["count"], 3);
    assert_eq!(approved["live"]["name"], "Summer");
}

#[tokio::test]
async fn writes_refuse_values_wrong_in_themselves() {
    let app = spawn_app().await;
    let id = app
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await;
    let bad = json!({"goal": {"count": 0}, "offer_page_url": "not a url",
        "emails": {"sign_up": {"subject": "Hi {{ nickname }}", "text": "x"}}});
    let body = expect(
        app.patch(&format!("/v1/offers/{id}"), &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let fields: Vec<_> = body["error"]["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].clone())
        .collect();
    assert_eq!(
        fields,
        [
            json!("goal.count"),
            json!("offer_page_url"),
            json!("emails.sign_up.subject")
        ]
    );
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("nickname"));
    // Nothing was half-written.
    assert_eq!(
        app.get_ok(&format!("/v1/offers/{id}")).await["draft"],
        Value::Null
    );
}

#[tokio::test]
async fn unapproved_offers_refuse_the_public_but_keep_share_links_working() {
    let app = spawn_app().await;
    let id = app
        .live_offer(json!({"type": "custom_event", "count": 1, "event": "buy"}))
        .await;
    let ana = app.participant(&id, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();
    let unapproved = app
        .post_ok(
            &format!("/v1/offers/{id}/unapprove"),
            &json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (
            unapproved["status"].as_str(),
            unapproved["is_live"].as_bool()
        ),
        (Some("unapproved"), Some(false))
    );

    let refused = expect(
        app.sign_up(&id, json!({"email": "b@example.com"})).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(error_code(&refused), "offer_not_live");
    let share = app
        .post(
            "/v1/track/share",
            &app.pk,
            &json!({"code": code, "channel": "x"}),
        )
        .await;
    assert_eq!(share.status(), StatusCode::CONFLICT);
    let friend = app.friend_arrives(code).await; // still redirects
    let tracked = app
        .track(
            "event",
            json!({"offer_id": id, "visitor_id": friend, "name": "buy"}),
        )
        .await;
    assert_eq!(tracked["reason"], "offer_not_live");

    // Approving again brings it back, with the same settings.
    assert_eq!(
        expect(app.approve(&id).await, StatusCode::OK).await["is_live"],
        true
    );
}

#[tokio::test]
async fn the_offer_window_bounds_the_public() {
    let app = spawn_app().await;
    let mut settings = offer_settings(json!({"type": "referred_signups", "count": 1}));
    settings["starts_at"] = json!("2099-01-01T00:00:00Z");
    let id = app.live_offer_with(settings).await;
    let body = expect(
        app.sign_up(&id, json!({"email": "a@example.com"})).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("outside_window"));
}

#[tokio::test]
async fn clone_copies_settings_into_a_new_draft() {
    let app = spawn_app().await;
    let mut settings = offer_settings(json!({"type": "referred_visits", "count": 10}));
    settings["share_messages"] = json!({"x": "Join me"});
    let id = app.live_offer_with(settings).await;
    let copy = app
        .post_ok(
            &format!("/v1/offers/{id}/clone"),
            &json!({}),
            StatusCode::CREATED,
        )
        .await;
    assert_ne!(copy["id"], json!(id));
    assert_eq!(copy["status"], "draft");
    assert_eq!(copy["name"], "Spring referral (copy)");
    assert_eq!(
        copy["draft"]["goal"],
        json!({"type": "referred_visits", "count": 10, "event": null})
    );
    assert_eq!(copy["draft"]["share_messages"], json!({"x": "Join me"}));
}

#[tokio::test]
async fn delete_only_without_participants_otherwise_archive() {
    let app = spawn_app().await;
    let empty = app.create_offer(&offer_settings(json!({"count": 1}))).await;
    let empty = empty["id"].as_str().unwrap();
    assert_eq!(
        app.delete(&format!("/v1/offers/{empty}")).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&format!("/v1/offers/{empty}")).await.status(),
        StatusCode::NOT_FOUND
    );

    let used = app.live_offer(json!({"count": 1})).await;
    app.participant(&used, "a@example.com").await;
    let refused = expect(
        app.delete(&format!("/v1/offers/{used}")).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(error_code(&refused), "offer_has_participants");
    let archived = app
        .post_ok(
            &format!("/v1/offers/{used}/archive"),
            &json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(archived["status"], "archived");
    let edit = expect(
        app.patch(&format!("/v1/offers/{used}"), &json!({"name": "x"}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(error_code(&edit), "offer_archived");
}

#[tokio::test]
async fn promo_code_uploads_are_all_or_nothing_with_line_numbers() {
    let app = spawn_app().await;
    let id = app.live_offer(json!({"count": 1})).await;
    let counts = expect(
        app.put_promo_codes(&id, "A1\n\nB2\r\nC3\n").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        counts,
        json!({"total": 3, "available": 3, "assigned": 0, "low_stock": null, "low": false})
    );

    let refused = expect(
        app.put_promo_codes(&id, "D4\n E5\nD4\nF6 \n").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_code(&refused), "invalid_promo_codes");
    let lines: Vec<_> = refused["error"]["details"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line"].as_u64().unwrap(),
                l["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (2, "whitespace".to_owned()),
            (3, "duplicate".into()),
            (4, "whitespace".into())
        ]
    );
    // Nothing of the refused upload was stored.
    let counts = app.get_ok(&format!("/v1/offers/{id}/promo-codes")).await;
    assert_eq!(counts["available"], 3);
}

/// A stray `PUT` without a body (or with blank lines only) would replace the
/// unused codes with nothing: it is refused and the pool kept.
#[tokio::test]
async fn a_promo_code_upload_without_codes_is_refused_and_the_pool_kept() {
    let app = spawn_app().await;
    let id = app.live_offer(json!({"count": 1})).await;
    expect(app.put_promo_codes(&id, "A1\nB2\n").await, StatusCode::OK).await;

    let bare = app
        .client
        .put(app.url(&format!("/v1/offers/{id}/promo-codes")))
        .bearer_auth(&app.sk)
        .send()
        .await
        .unwrap();
    let refused = expect(bare, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_code(&refused), "invalid_field");
    assert_eq!(refused["error"]["details"]["field"], "body");
    let blank = expect(
        app.put_promo_codes(&id, "\n  \r\n").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(blank["error"]["details"]["field"], "body");

    let counts = app.get_ok(&format!("/v1/offers/{id}/promo-codes")).await;
    assert_eq!(
        counts,
        json!({"total": 2, "available": 2, "assigned": 0, "low_stock": null, "low": false})
    );

    // Bytes that are not UTF-8 text are refused in the error shape, naming the body.
    let binary = app
        .client
        .put(app.url(&format!("/v1/offers/{id}/promo-codes")))
        .bearer_auth(&app.sk)
        .header("content-type", "application/octet-stream")
        .body(vec![0x89, b'P', b'N', b'G', 0xff, b'\n'])
        .send()
        .await
        .unwrap();
    let refused = expect(binary, StatusCode::BAD_REQUEST).await;
    assert_eq!(refused["error"]["details"]["field"], "body");

    // The same upload as a file (what generated clients send) replaces them.
    let file = app
        .client
        .put(app.url(&format!("/v1/offers/{id}/promo-codes")))
        .bearer_auth(&app.sk)
        .header("content-type", "application/octet-stream")
        .body("C3\nD4\nE5\n")
        .send()
        .await
        .unwrap();
    let counts = expect(file, StatusCode::OK).await;
    assert_eq!(
        counts,
        json!({"total": 3, "available": 3, "assigned": 0, "low_stock": null, "low": false})
    );
}

#[tokio::test]
async fn offers_list_pages_with_an_opaque_cursor() {
    let app = spawn_app().await;
    for i in 0..5 {
        let mut settings = offer_settings(json!({"count": 1}));
        settings["name"] = json!(format!("Offer {i}"));
        app.create_offer(&settings).await;
    }
    let first = app.get_ok("/v1/offers?limit=2").await;
    let names = |page: &Value| -> Vec<String> {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&first), ["Offer 4", "Offer 3"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .get_ok(&format!("/v1/offers?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(names(&second), ["Offer 2", "Offer 1"]);
    let third = app
        .get_ok(&format!(
            "/v1/offers?limit=2&cursor={}",
            second["next_cursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(names(&third), ["Offer 0"]);
    assert_eq!(third["next_cursor"], Value::Null);
    let drafts = app.get_ok("/v1/offers?status=approved").await;
    assert_eq!(drafts["data"], json!([]));
}
