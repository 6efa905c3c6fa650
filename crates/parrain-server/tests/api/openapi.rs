//! `/openapi.json` is what generated clients are made from: it must hold
//! together (unique operation ids, every `$ref` found, parameters where they
//! are) and say what the server does (which key each operation takes, the
//! webhook payload a receiver gets).

use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, TestApp};
use crate::receiver::Receiver;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

async fn document(app: &TestApp) -> Value {
    let response = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Every operation: (path, method, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                all.push((path.clone(), method.to_owned(), op.clone()));
            }
        }
    }
    all
}

fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => found.push(r),
                    _ => refs(v, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

fn path_names(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

#[tokio::test]
async fn the_document_holds_together() {
    let app = spawn_app_with(|_| {}).await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let ops = operations(&doc);
    assert!(ops.len() > 40, "only {} operations", ops.len());

    let mut ids = HashSet::new();
    for (path, method, op) in &ops {
        let id = op["operationId"].as_str().unwrap_or_default();
        assert!(!id.is_empty(), "{method} {path} has no operationId");
        assert!(ids.insert(id.to_owned()), "operationId {id} is used twice");

        let parameters = op["parameters"].as_array().cloned().unwrap_or_default();
        let names = path_names(path);
        for p in &parameters {
            let name = p["name"].as_str().unwrap();
            match p["in"].as_str().unwrap() {
                "path" => {
                    assert!(
                        names.contains(&name),
                        "{method} {path}: path parameter {name} is not in the path"
                    );
                    assert_eq!(p["required"], true, "{method} {path}: {name}");
                }
                "query" => {
                    assert_ne!(
                        p["required"], true,
                        "{method} {path}: query parameter {name} is optional"
                    );
                    if name == "limit" {
                        assert_eq!(p["schema"]["minimum"], 1, "{method} {path}: limit");
                        assert_eq!(p["schema"]["maximum"], 500, "{method} {path}: limit");
                    }
                }
                "header" => {}
                other => panic!("{method} {path}: parameter {name} in {other}"),
            }
        }
        for name in names {
            assert!(
                parameters
                    .iter()
                    .any(|p| p["in"] == "path" && p["name"] == name),
                "{method} {path}: {{{name}}} is not declared"
            );
        }
        // Every error response has the error shape.
        for (status, response) in op["responses"].as_object().unwrap() {
            if status.starts_with('4') {
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorOut",
                    "{method} {path}: {status}"
                );
            }
        }
        if op["security"] != json!([]) {
            for status in ["401", "429"] {
                assert!(
                    op["responses"].get(status).is_some(),
                    "{method} {path}: no {status}"
                );
            }
        }
    }

    // Links name an operation and give each of its path parameters.
    let mut linked = 0;
    for (_, _, op) in &ops {
        for response in op["responses"].as_object().unwrap().values() {
            for link in response["links"]
                .as_object()
                .into_iter()
                .flat_map(|l| l.values())
            {
                let target = link["operationId"].as_str().unwrap();
                let (path, _, _) = ops
                    .iter()
                    .find(|(_, _, o)| o["operationId"] == target)
                    .unwrap_or_else(|| panic!("a link names {target}, which is not an operation"));
                let mut given: Vec<&str> = link["parameters"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .map(String::as_str)
                    .collect();
                let mut needed = path_names(path);
                given.sort();
                needed.sort();
                assert_eq!(given, needed, "the link to {target}");
                linked += 1;
            }
        }
    }
    assert!(linked > 10, "{linked} links");

    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for r in found {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{r} is not local"));
        assert!(doc.pointer(pointer).is_some(), "{r} resolves to nothing");
    }
}

/// A path with each `{name}` replaced by an id of the right shape that
/// names nothing.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|s| match s {
            "{id}" | "{offer_id}" if path.starts_with("/v1/offers") => "off_00000000000000000000",
            "{id}" if path.starts_with("/v1/webhooks") => "whk_00000000000000000000",
            "{delivery_id}" => "msg_00000000000000000000",
            "{id}" | "{participant_id}" if path.contains("participants") => {
                "par_00000000000000000000"
            }
            "{id}" if path.starts_with("/v1/people") => "per_00000000000000000000",
            "{id}" => "rev_AAAA",
            other => other,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The security each operation declares is what the server enforces: no key
/// is 401; a publishable key is 403 exactly where the document asks for a
/// secret key.
#[tokio::test]
async fn each_operation_takes_the_keys_the_document_says() {
    let app = spawn_app_with(|_| {}).await;
    let doc = document(&app).await;
    let mut publishable = 0;
    for (path, method, op) in operations(&doc) {
        let url = app.url(&concrete(&path));
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let request = |key: Option<&str>| {
            let mut request = app.client.request(method.clone(), &url);
            if let Some(key) = key {
                request = request.bearer_auth(key);
            }
            if op.get("requestBody").is_some() {
                request = request.json(&json!({}));
            }
            request.send()
        };
        let security = &op["security"];
        if security == &json!([]) {
            let status = request(None).await.unwrap().status();
            assert!(
                status.is_success(),
                "{method} {path} without a key: {status}"
            );
            continue;
        }
        let no_key = request(None).await.unwrap().status();
        assert_eq!(
            no_key,
            StatusCode::UNAUTHORIZED,
            "{method} {path} without a key"
        );
        let takes_publishable = security
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.get("publishable_key").is_some());
        let with_pk = request(Some(&app.pk)).await.unwrap().status();
        if takes_publishable {
            publishable += 1;
            assert!(
                with_pk != StatusCode::FORBIDDEN && with_pk != StatusCode::UNAUTHORIZED,
                "{method} {path} is documented for publishable keys but answers {with_pk}"
            );
        } else {
            assert_eq!(
                with_pk,
                StatusCode::FORBIDDEN,
                "{method} {path} with a publishable key"
            );
        }
        let with_sk = request(Some(&app.sk)).await.unwrap().status();
        assert!(
            with_sk != StatusCode::FORBIDDEN && with_sk != StatusCode::UNAUTHORIZED,
            "{method} {path} with a secret key: {with_sk}"
        );
    }
    assert!(
        publishable >= 5,
        "{publishable} operations take a publishable key"
    );
}

/// The payload a receiver gets has the fields the document's `webhooks` gives it.
#[tokio::test]
async fn the_documented_webhook_payload_is_what_a_receiver_gets() {
    let app = spawn_app_with(|c| c.allow_private_webhooks = true).await;
    let doc = document(&app).await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 5}))
        .await;
    let receiver = Receiver::start(&[]).await;
    let created = app
        .post(
            "/v1/webhooks",
            &app.sk,
            &json!({"url": receiver.url, "events": ["signs_up_for_referral_offer"]}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    app.participant(&offer, "alice@example.com").await;
    let request = receiver.wait_for(1).await.remove(0);
    let body: Value = serde_json::from_slice(&request.body).unwrap();

    let hook = &doc["webhooks"]["activity"]["post"];
    let reference = hook["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap();
    let schema = doc.pointer(reference.strip_prefix('#').unwrap()).unwrap();
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&schema["properties"]), keys(&body));
    let data_ref = schema["properties"]["data"]["$ref"].as_str().unwrap();
    let data = doc.pointer(data_ref.strip_prefix('#').unwrap()).unwrap();
    // A sign-up has a participant and a person, not a reward.
    let mut documented = keys(&data["properties"]);
    documented.retain(|k| k != "reward");
    assert_eq!(documented, keys(&body["data"]));
    let participant = data["properties"]["participant"].to_string();
    let reference = participant.split("#/components/schemas/").nth(1).unwrap();
    let reference = &reference[..reference.find('"').unwrap()];
    let participant = &doc["components"]["schemas"][reference];
    assert_eq!(
        keys(&participant["properties"]),
        keys(&body["data"]["participant"])
    );
    for header in hook["parameters"].as_array().unwrap() {
        let name = header["name"].as_str().unwrap();
        assert!(request.headers.contains_key(name), "no {name} header");
    }
}
