//! Importing participants from another program (SPEC §13): a CSV file into
//! an offer, all or nothing, links already shared kept working, the same
//! file twice changing nothing.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{error_code, expect, offer_settings, spawn_app, TestApp};

async fn import(app: &TestApp, offer: &str, csv: &str, query: &str) -> Response {
    app.client
        .post(app.url(&format!("/v1/offers/{offer}/participants/import{query}")))
        .bearer_auth(&app.sk)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap()
}

async fn participants(app: &TestApp, offer: &str) -> Vec<Value> {
    let list = app
        .get_ok(&format!("/v1/offers/{offer}/participants?limit=500"))
        .await;
    list["data"].as_array().unwrap().clone()
}

fn by_email<'a>(list: &'a [Value], email: &str) -> &'a Value {
    list.iter()
        .find(|p| p["email"] == email)
        .unwrap_or_else(|| panic!("{email} is not in {list:?}"))
}

const FILE: &str =
    "Email Address,First Name,code,referred_by,credit,fulfilled,promo_code,created_at\n\
ana@example.com,Ana,Ana-2019,,2,yes,OLD-9,2024-03-01\n\
bob@example.com,Bob,,ana@example.com,0,,,2024-03-02 10:00:00\n\
cid@example.com,,,,1,,,\n";

#[tokio::test]
async fn imported_participants_keep_their_links_credit_and_promo_code_and_a_second_import_changes_nothing(
) {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 2}))
        .await;
    app.put_promo_codes(&offer, "NEW-1\nOLD-9\n").await;

    // A dry run reports what would happen and writes nothing.
    let dry = expect(
        import(&app, &offer, FILE, "?dry_run=true").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        dry,
        json!({"rows": 3, "created": 3, "unchanged": 0, "new_people": 3, "dry_run": true})
    );
    assert!(participants(&app, &offer).await.is_empty());

    let done = expect(import(&app, &offer, FILE, "").await, StatusCode::OK).await;
    assert_eq!(
        done,
        json!({"rows": 3, "created": 3, "unchanged": 0, "new_people": 3, "dry_run": false})
    );
    let list = participants(&app, &offer).await;
    assert_eq!(list.len(), 3);
    let ana = by_email(&list, "ana@example.com");
    assert_eq!(ana["code"], "ana-2019");
    assert_eq!(ana["first_name"], "Ana");
    assert_eq!(ana["credit"], 2);
    assert_eq!(ana["progress"]["achieved"], true);
    assert_eq!(ana["progress"]["fulfilled"], true);
    assert_eq!(ana["promo_code"], "OLD-9");
    assert_eq!(ana["created_at"], "2024-03-01T00:00:00Z");
    let bob = by_email(&list, "bob@example.com");
    assert_eq!(bob["referred_by"], ana["id"]);
    assert_eq!(bob["created_at"], "2024-03-02T10:00:00Z");
    let cid = by_email(&list, "cid@example.com");
    assert_eq!(cid["credit"], 1);
    assert_eq!(cid["progress"]["achieved"], false);
    assert_eq!(cid["code"].as_str().unwrap().len(), 10, "a code is drawn");
    let offer_out = app.get_ok(&format!("/v1/offers/{offer}")).await;
    assert_eq!(offer_out["participants"], 3);
    // The promo code handed out in the other program is never handed again.
    let promo = app.get_ok(&format!("/v1/offers/{offer}/promo-codes")).await;
    assert_eq!(promo["available"], 1, "{promo}");

    // Ana's old link, in any case, still lands with her code, and a friend
    // who came through it earns her credit on top of what she brought.
    let redirect = app.follow("ANA-2019", None).await;
    assert_eq!(redirect.status(), StatusCode::FOUND);
    let location = redirect.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("parrain_ref=ana-2019"), "{location}");
    let visitor = crate::helpers::visitor_of(&redirect);
    expect(
        app.sign_up(
            &offer,
            json!({"email": "dan@example.com", "visitor_id": visitor}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let ana = app.participant_detail(ana["id"].as_str().unwrap()).await;
    assert_eq!(ana["credit"], 3);

    // The same file again: nothing new, nothing changed.
    let again = expect(import(&app, &offer, FILE, "").await, StatusCode::OK).await;
    assert_eq!(
        again,
        json!({"rows": 3, "created": 0, "unchanged": 3, "new_people": 0, "dry_run": false})
    );
    let after = participants(&app, &offer).await;
    assert_eq!(after.len(), 4);
    assert_eq!(by_email(&after, "ana@example.com")["credit"], 3);
    assert_eq!(by_email(&after, "cid@example.com")["code"], cid["code"]);
}

#[tokio::test]
async fn a_file_with_bad_lines_is_refused_whole_with_each_line_numbered() {
    let app = spawn_app().await;
    let offer = app
        .create_offer(&offer_settings(
            json!({"type": "referred_signups", "count": 2}),
        ))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let file = "email,credit,referred_by,shoe\n";
    let refused = expect(
        import(&app, &offer, file, "").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_code(&refused), "invalid_import");
    assert_eq!(refused["error"]["details"]["lines"][0]["line"], 1);
    assert_eq!(refused["error"]["details"]["lines"][0]["column"], "shoe");

    let file = "email,credit,referred_by\n\
                ana@example.com,1,\n\
                not-an-email,1,\n\
                bob@example.com,-1,\n\
                cid@example.com,0,zoe@example.com\n\
                ana@example.com,0,\n";
    let refused = expect(
        import(&app, &offer, file, "").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_code(&refused), "invalid_import");
    let lines: Vec<(i64, String, String)> = refused["error"]["details"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line"].as_i64().unwrap(),
                l["column"].as_str().unwrap().to_owned(),
                l["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        (3, "email", "invalid_email"),
        (4, "credit", "invalid_credit"),
        (5, "referred_by", "unknown_referrer"),
        (6, "email", "duplicate_email"),
    ];
    let expected: Vec<(i64, String, String)> = expected
        .iter()
        .map(|(l, c, k)| (*l, c.to_string(), k.to_string()))
        .collect();
    assert_eq!(lines, expected);
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("4 line(s) refused"), "{message}");
    // Not even the good line went in.
    assert!(participants(&app, &offer).await.is_empty());
}

#[tokio::test]
async fn share_codes_taken_by_other_participants_are_reported() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 2}))
        .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    let code = ana["code"].as_str().unwrap();

    let file = format!(
        "email,code\nbob@example.com,{code}\nana@example.com,ana-elsewhere\ncid@example.com,cid-1\n"
    );
    let refused = expect(
        import(&app, &offer, &file, "").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let lines = refused["error"]["details"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(lines[0]["code"], "code_taken");
    assert!(lines[0]["message"].as_str().unwrap().contains(code));
    assert_eq!(lines[1]["line"], 3);
    assert_eq!(lines[1]["code"], "already_participant");
    assert_eq!(participants(&app, &offer).await.len(), 1);

    // Ana with her own code is simply already there.
    let file = format!(
        "email,code\nana@example.com,{}\ncid@example.com,cid-1\n",
        code.to_uppercase()
    );
    let done = expect(import(&app, &offer, &file, "").await, StatusCode::OK).await;
    assert_eq!(done["created"], 1);
    assert_eq!(done["unchanged"], 1);
}

#[tokio::test]
async fn an_import_needs_a_csv_body_and_an_offer_that_is_not_archived() {
    let app = spawn_app().await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 2}))
        .await;
    let json_body = app
        .post(
            &format!("/v1/offers/{offer}/participants/import"),
            &app.sk,
            &json!({"email": "a@example.com"}),
        )
        .await;
    let body = expect(json_body, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_code(&body), "unsupported_media_type");
    let empty = expect(
        import(&app, &offer, "\n", "").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body_field(&empty), "body");
    let unknown = import(
        &app,
        "off_000000000000000000000000",
        "email\na@example.com\n",
        "",
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let publishable = app
        .client
        .post(app.url(&format!("/v1/offers/{offer}/participants/import")))
        .bearer_auth(&app.pk)
        .header("content-type", "text/csv")
        .body("email\na@example.com\n")
        .send()
        .await
        .unwrap();
    assert_eq!(publishable.status(), StatusCode::FORBIDDEN);
    expect(
        app.post(&format!("/v1/offers/{offer}/archive"), &app.sk, &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let archived = expect(
        import(&app, &offer, "email\na@example.com\n", "").await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(error_code(&archived), "offer_archived");
}

fn body_field(body: &Value) -> &str {
    body["error"]["details"]["field"]
        .as_str()
        .unwrap_or_default()
}
