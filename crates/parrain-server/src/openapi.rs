//! The served API document (`/openapi.json`): what each route's annotation
//! says, finished here with what holds for every operation alike, so that no
//! annotation can forget it:
//! - the two key kinds as bearer security schemes, and which operations take
//!   the publishable key ([`PUBLISHABLE`]; `tests/api/openapi.rs` checks the
//!   list against what the server does);
//! - the error responses an operation can give, each with the error shape of
//!   SPEC §5: 401 and 429 wherever a key is checked, 403 where only a secret
//!   key will do, 400 where a query or a body is read, 413 where a body is,
//!   404 where the path names something, and the 409/422 of its annotation;
//! - `Idempotency-Key` on every state-changing operation, with its 409 and 422;
//! - links from an operation that makes something to those that take its id
//!   (how a client, or a stateful test, goes from one call to the next);
//! - the webhook deliveries, as OpenAPI 3.1 `webhooks`.

use serde::Serialize;
use serde_json::{json, Map, Value};
use utoipa::ToSchema;

/// Operations a publishable key may call (a secret key may call them too).
pub const PUBLISHABLE: &[&str] = &[
    "get_public_offer",
    "sign_up",
    "lookup",
    "my_progress",
    "invite",
    "track_visit",
    "track_share",
    "track_event",
    "identify",
    "leaderboard",
    "search_referrers",
    "claim_referrer",
    "pending_code",
];

/// Operations that make something, and the start of the paths that take its
/// `id` as their first parameter.
const MAKES: &[(&str, &str)] = &[
    ("create_offer", "/v1/offers/"),
    ("clone_offer", "/v1/offers/"),
    ("sign_up", "/v1/participants/"),
    ("create_webhook", "/v1/webhooks/"),
];

/// Operations that take no key.
const OPEN: &[&str] = &["healthz"];

/// What a webhook endpoint receives: one activity (Standard Webhooks).
#[derive(Serialize, ToSchema)]
pub struct WebhookEventOut {
    /// The activity's type, as `data.type`.
    #[serde(rename = "type")]
    pub kind: String,
    /// RFC 3339, when the delivery was queued.
    pub timestamp: String,
    pub data: WebhookDataOut,
}

/// The activity, and what a CRM writes into a lead from it without calling
/// back (docs/webhooks.md has an example body per type).
#[derive(Serialize, ToSchema)]
pub struct WebhookDataOut {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub offer_id: Option<String>,
    pub participant_id: Option<String>,
    pub person_id: Option<String>,
    pub visitor_id: Option<String>,
    /// What the activity log holds for it, per type.
    #[schema(value_type = Object)]
    pub details: Value,
    pub occurred_at: String,
    /// The participant the activity is about, when there is one, as the
    /// activity left it.
    pub participant: Option<WebhookParticipantOut>,
    /// The person the activity is about, when there is one (on a credit,
    /// the friend who earned it).
    pub person: Option<WebhookPersonOut>,
    /// On `reward.*` activities, the reward concerned.
    pub reward: Option<WebhookRewardOut>,
}

/// A participant in a webhook's body. Email and names are `null` for an
/// erased person (and `"[erased]"` in bodies kept from before).
#[derive(Serialize, ToSchema)]
pub struct WebhookParticipantOut {
    pub id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub code: String,
    /// `{public_url}/r/{code}`.
    pub share_url: String,
    pub credit: i64,
    pub goal: WebhookGoalOut,
    pub fulfilled: bool,
    /// The promo code given at fulfilment.
    pub promo_code: Option<String>,
    pub rewards: Vec<WebhookRewardOut>,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookGoalOut {
    pub count: Option<i64>,
    /// Credit still needed to reach the goal (0 once reached).
    pub remaining: Option<i64>,
    pub achieved: bool,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookPersonOut {
    pub id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// A reward of the offer's `rewards`.
#[derive(Serialize, ToSchema)]
pub struct WebhookRewardOut {
    pub id: String,
    pub label: Option<String>,
    pub occurrence: Option<i64>,
    /// `earned`, `held`, `given`, `cancelled` (and `clawback` on `reward.clawback`).
    pub state: Option<String>,
    pub promo_code: Option<String>,
}

/// The document, finished.
pub fn document(api: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(api).unwrap_or_default();
    let schemes = json!({
        "secret_key": {
            "type": "http", "scheme": "bearer", "bearerFormat": "sk_…",
            "description": "A secret key, for your server: every operation."
        },
        "publishable_key": {
            "type": "http", "scheme": "bearer", "bearerFormat": "pk_…",
            "description": "A publishable key, safe in a web page: tracking, sign-up and the public view of an offer."
        },
        "publishable_key_query": {
            "type": "apiKey", "in": "query", "name": "key",
            "description": "A publishable key as the `key` query parameter, for `navigator.sendBeacon`, which cannot set headers."
        }
    });
    let components = &mut doc["components"];
    components["securitySchemes"] = schemes;
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                finish_operation(path, method, op);
            }
        }
    }
    links(&mut doc);
    object_defaults_in_words(&mut doc["components"]["schemas"]);
    unions_of_answers(&mut doc["components"]["schemas"]);
    doc["webhooks"] = webhooks();
    doc
}

/// A property whose default is an object (a nested setting's defaults) says
/// it in its description instead: code generators cannot give a model
/// property a default (openapi-python-client drops the whole schema, and
/// with it the offer's settings), and a client that leaves the property out
/// gets the same defaults from the server anyway.
fn object_defaults_in_words(schemas: &mut Value) {
    let Some(schemas) = schemas.as_object_mut() else {
        return;
    };
    for schema in schemas.values_mut() {
        let properties = schema.get_mut("properties").and_then(Value::as_object_mut);
        for property in properties.into_iter().flat_map(|p| p.values_mut()) {
            let Some(object) = property.as_object_mut() else {
                continue;
            };
            if !object.get("default").is_some_and(Value::is_object) {
                continue;
            }
            let default = object.remove("default").unwrap_or_default();
            let said = object
                .get("description")
                .and_then(Value::as_str)
                .map(|d| format!("{d} "))
                .unwrap_or_default();
            object.insert(
                "description".into(),
                format!("{said}Default: `{default}`.").into(),
            );
        }
    }
}

/// A union of bodies (an untagged enum: the whole participant for a secret
/// key or its public part for a publishable one) is `anyOf`, not `oneOf`: a
/// body with every field also fits the variant with fewer, and `oneOf`
/// would refuse a body that fits two.
fn unions_of_answers(schemas: &mut Value) {
    for schema in schemas
        .as_object_mut()
        .into_iter()
        .flat_map(|s| s.values_mut())
    {
        let Some(object) = schema.as_object_mut() else {
            continue;
        };
        let all_refs = object
            .get("oneOf")
            .and_then(Value::as_array)
            .is_some_and(|vs| vs.len() > 1 && vs.iter().all(|v| v.get("$ref").is_some()));
        if all_refs {
            let variants = object.remove("oneOf").unwrap_or_default();
            object.insert("anyOf".into(), variants);
        }
    }
}

/// Adds the links of [`MAKES`] to the success responses of each maker.
fn links(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object() else {
        return;
    };
    let mut targets: Vec<(String, String, Vec<String>)> = Vec::new();
    for (path, item) in paths {
        for op in item.as_object().into_iter().flat_map(|i| i.values()) {
            if let Some(id) = op["operationId"].as_str() {
                let names = path_names(path).into_iter().map(String::from).collect();
                targets.push((path.clone(), id.to_owned(), names));
            }
        }
    }
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (maker_path, item) in paths.iter_mut() {
        let maker_names = path_names(maker_path);
        for op in item
            .as_object_mut()
            .into_iter()
            .flat_map(|i| i.values_mut())
        {
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            let mut links = Map::new();
            for (_, prefix) in MAKES.iter().filter(|(maker, _)| *maker == id) {
                for (path, target, names) in &targets {
                    let Some(rest) = path.strip_prefix(prefix).filter(|r| r.starts_with('{'))
                    else {
                        continue;
                    };
                    let mut parameters = Map::new();
                    for name in names {
                        let value = if rest.starts_with(&format!("{{{name}}}")) {
                            "$response.body#/id".to_owned()
                        } else if maker_names.contains(&name.as_str()) {
                            format!("$request.path.{name}")
                        } else {
                            break;
                        };
                        parameters.insert(name.clone(), value.into());
                    }
                    if parameters.len() == names.len() {
                        links.insert(
                            target.clone(),
                            json!({"operationId": target, "parameters": parameters}),
                        );
                    }
                }
            }
            if links.is_empty() {
                continue;
            }
            for (status, response) in op["responses"].as_object_mut().into_iter().flatten() {
                if status.starts_with('2') && response.get("content").is_some() {
                    response["links"] = Value::Object(links.clone());
                }
            }
        }
    }
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    })
}

fn finish_operation(path: &str, method: &str, op: &mut Value) {
    let id = op["operationId"].as_str().unwrap_or_default().to_owned();
    let state_changing = matches!(method, "post" | "put" | "patch" | "delete");
    let has_body = op.get("requestBody").is_some();
    path_parameters(path, op);
    if state_changing && path.starts_with("/v1/") {
        push_parameter(
            op,
            json!({
                "name": "Idempotency-Key", "in": "header", "required": false,
                "description": "Makes the call safe to retry: a retry with the same key and request gets the first response again (with `Idempotent-Replayed: true`); the same key on another request is 422, and a retry while the first still runs is 409.",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255}
            }),
        );
    }
    // A body sent as a file is binary to generators (openapi-python-client
    // takes a `File`), whatever the server reads it as.
    if let Some(file) = op
        .pointer_mut("/requestBody/content/application~1octet-stream")
        .and_then(Value::as_object_mut)
    {
        file.insert(
            "schema".into(),
            json!({"type": "string", "format": "binary"}),
        );
    }
    let reads_query = op["parameters"]
        .as_array()
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
    let open = OPEN.contains(&id.as_str());
    if !open {
        op["security"] = if PUBLISHABLE.contains(&id.as_str()) {
            json!([{"secret_key": []}, {"publishable_key": []}, {"publishable_key_query": []}])
        } else {
            json!([{"secret_key": []}])
        };
    } else {
        op["security"] = json!([]);
    }
    let responses = op["responses"].as_object_mut();
    let Some(responses) = responses else {
        return;
    };
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status)
            .or_insert_with(|| error_response(description));
    };
    if !open {
        add(
            "401",
            "No API key, or one that is malformed, unknown or revoked",
        );
        if !PUBLISHABLE.contains(&id.as_str()) {
            add("403", "A publishable key: this takes a secret key");
        }
    }
    if reads_query || has_body || state_changing {
        add(
            "400",
            "The request is malformed: its message names the field",
        );
    }
    if path.contains('{') {
        add("404", "Nothing has this id");
    }
    if has_body || state_changing {
        add("413", "The body is larger than the limit (4 MiB)");
    }
    if state_changing && path.starts_with("/v1/") {
        add(
            "409",
            "A conflict with the current state (or the Idempotency-Key's first request still runs)",
        );
        add(
            "422",
            "Refused as a whole (or the Idempotency-Key was used for another request)",
        );
    }
    if !open {
        responses.entry("429").or_insert_with(|| {
            let mut r = error_response("Too many requests: retry after `Retry-After` seconds");
            r["headers"] = json!({"Retry-After": {
                "description": "Seconds to wait", "required": true,
                "schema": {"type": "integer", "minimum": 0}
            }});
            r
        });
    }
    // An error the annotation named without a body gets the error shape.
    for (status, response) in responses.iter_mut() {
        if status.starts_with(['4', '5']) && response.get("content").is_none() {
            let description = response["description"]
                .as_str()
                .filter(|d| !d.is_empty())
                .unwrap_or("Refused")
                .to_owned();
            *response = error_response(&description);
        }
    }
}

fn path_names(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

/// Every `{name}` of the path is a required path parameter, and no other is.
fn path_parameters(path: &str, op: &mut Value) {
    let names = path_names(path);
    let mut parameters: Vec<Value> = op["parameters"].as_array().cloned().unwrap_or_default();
    parameters.retain(|p| p["in"] != "path" || names.contains(&p["name"].as_str().unwrap_or("")));
    for name in names {
        let declared = parameters
            .iter()
            .any(|p| p["in"] == "path" && p["name"] == name);
        if !declared {
            parameters.push(json!({
                "name": name, "in": "path", "required": true,
                "description": "An id; one of the wrong shape names nothing (404)",
                "schema": {"type": "string"}
            }));
        }
    }
    if parameters.is_empty() {
        if let Some(op) = op.as_object_mut() {
            op.remove("parameters");
        }
    } else {
        op["parameters"] = Value::Array(parameters);
    }
}

fn push_parameter(op: &mut Value, parameter: Value) {
    match op["parameters"].as_array_mut() {
        Some(parameters) => parameters.push(parameter),
        None => op["parameters"] = json!([parameter]),
    }
}

/// OpenAPI 3.1 `webhooks`: what parrain sends to an endpoint of `POST /v1/webhooks`.
fn webhooks() -> Value {
    let header = |name: &str, description: &str| {
        json!({"name": name, "in": "header", "required": true,
               "description": description, "schema": {"type": "string"}})
    };
    let mut hooks = Map::new();
    hooks.insert(
        "activity".into(),
        json!({"post": {
            "operationId": "receive_activity",
            "tags": ["webhooks"],
            "summary": "An activity of a type the endpoint asked for",
            "description": "Signed as Standard Webhooks: the signature is HMAC-SHA256, keyed with the endpoint's `whsec_` secret, of `{webhook-id}.{webhook-timestamp}.{body}`. The body names the people the activity is about with their emails and names, and the participant's code, share URL, credit, goal progress, promo code and rewards: docs/webhooks.md shows one per activity type. Answer with any 2xx; anything else (or no answer in time) is retried with backoff, and 410 disables the endpoint.",
            "parameters": [
                header("webhook-id", "The message id (`msg_…`); the same on every retry, so a receiver can drop repeats"),
                header("webhook-timestamp", "Unix seconds when this attempt was signed"),
                header("webhook-signature", "`v1,` and the base64 signature"),
            ],
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/WebhookEventOut"}
            }}},
            "responses": {
                "200": {"description": "Received (any 2xx will do)"},
                "410": {"description": "The endpoint is gone: parrain disables it"}
            }
        }}),
    );
    Value::Object(hooks)
}
