//! The editor's widget, sharing and invitation sections, and the live
//! preview of the widget.
//!
//! Each section turns its posted fields into its part of the draft (an
//! emptied input becomes `null`, so the merge patch drops what it held).
//! `/admin/offers/{id}/preview` draws the widget as the draft would: the
//! page carries the offer's public view in `#parrain-preview`, from which
//! embed.js renders without calling the server. A POST of the editor's
//! fields previews them before they are saved.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use parrain_core::offer::{Network, OfferSettings};
use parrain_core::widget::STRINGS;
use parrain_store::Offer;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::session::{Operator, ReadForm};
use super::PageError;
use crate::views::PublicOfferOut;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/offers/{id}/preview", get(show).post(show_posted))
}

/// One string of the widget, for the editor's list.
#[derive(Serialize)]
pub struct StringDefault {
    key: &'static str,
    en: &'static str,
    fr: &'static str,
}

/// Every string of the widget with its defaults (a template global).
pub fn strings() -> Vec<StringDefault> {
    STRINGS
        .iter()
        .map(|&(key, en, fr)| StringDefault { key, en, fr })
        .collect()
}

fn one<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn text(pairs: &[(String, String)], key: &str) -> Value {
    one(pairs, key).map_or(Value::Null, |v| Value::String(v.to_owned()))
}

/// A number as typed: an integer when it reads as one, else the text, so
/// the settings' own check names the field.
fn number(pairs: &[(String, String)], key: &str) -> Value {
    match one(pairs, key) {
        Some(v) => v.parse::<i64>().map_or_else(|_| json!(v), |n| json!(n)),
        None => Value::Null,
    }
}

/// The `widget` section from the posted fields.
pub fn read_widget(pairs: &[(String, String)]) -> Value {
    let mut strings = Map::new();
    for (key, _, _) in STRINGS {
        strings.insert(
            (*key).to_owned(),
            text(pairs, &format!("widget.strings.{key}")),
        );
    }
    let mut colours = Map::new();
    for name in ["primary", "text", "background", "button_text", "border"] {
        colours.insert(
            name.to_owned(),
            text(pairs, &format!("widget.colours.{name}")),
        );
    }
    let mut images = Map::new();
    for network in Network::ALL {
        let name = network.as_str();
        images.insert(
            name.to_owned(),
            text(pairs, &format!("widget.button_images.{name}")),
        );
    }
    json!({
        "language": one(pairs, "widget.language").unwrap_or("en"),
        "strings": strings,
        "colours": colours,
        "font_family": text(pairs, "widget.font_family"),
        "button_style": one(pairs, "widget.button_style").unwrap_or("icons_and_text"),
        "button_images": images,
        "share_count": one(pairs, "widget.share_count").unwrap_or("hidden"),
    })
}

/// The `share_preview` section from the posted fields.
pub fn read_share_preview(pairs: &[(String, String)]) -> Value {
    json!({
        "kind": one(pairs, "share_preview.kind").unwrap_or("dynamic"),
        "title": text(pairs, "share_preview.title"),
        "description": text(pairs, "share_preview.description"),
        "image_url": text(pairs, "share_preview.image_url"),
    })
}

/// The `invitations` section from the posted fields.
pub fn read_invitations(pairs: &[(String, String)]) -> Value {
    json!({
        "enabled": one(pairs, "invitations.enabled").is_some(),
        "max_per_participant_per_day": number(pairs, "invitations.max_per_participant_per_day"),
        "max_recipients_per_request": number(pairs, "invitations.max_recipients_per_request"),
    })
}

/// The page embed.js previews from; `<` is escaped so the JSON cannot
/// close its script element.
fn page(view: &PublicOfferOut, note: Option<&str>) -> Response {
    let data = serde_json::to_string(view)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    let note = note.map_or(String::new(), |n| {
        format!(
            "<p class=\"note\">{}</p>",
            n.replace('&', "&amp;").replace('<', "&lt;")
        )
    });
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Widget preview</title>\
         <style>body{{margin:0;padding:12px;font-family:system-ui,sans-serif;background:#f9fafb}}\
         .note{{font-size:13px;color:#92400e;margin:0 0 8px}}</style></head><body>{note}\
         <div data-parrain-offer=\"{id}\"></div>\
         <script type=\"application/json\" id=\"parrain-preview\">{data}</script>\
         <script src=\"/embed.js\"></script></body></html>",
        id = view.id,
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// The public view of `settings` as if they were live now.
fn view_of(state: &AppState, offer: &Offer, settings: OfferSettings) -> PublicOfferOut {
    let draft = Offer {
        live: None,
        draft: Some(settings),
        ..offer.clone()
    };
    let mut view = PublicOfferOut::new(&draft, state.clock.now(), &state.config.social);
    view.live = true;
    view.not_live_reason = None;
    view
}

async fn load(state: &AppState, id: &str) -> Result<Offer, Response> {
    let id = parrain_core::ids::OfferId::parse(id)
        .map_err(|_| PageError::not_found("offer").into_response())?;
    state
        .store
        .offer(&id)
        .await
        .map_err(|e| PageError::from(e).into_response())
}

/// `GET /admin/offers/{id}/preview`: the widget as the saved draft draws it.
async fn show(
    State(state): State<AppState>,
    _operator: Operator,
    Path(id): Path<String>,
) -> Response {
    let offer = match load(&state, &id).await {
        Ok(offer) => offer,
        Err(response) => return response,
    };
    let settings = offer.editable().clone();
    page(&view_of(&state, &offer, settings), None)
}

/// `POST /admin/offers/{id}/preview`: the widget with the editor's unsaved
/// widget fields. Values the settings would refuse are left out of the
/// preview (and named above it); the save names them beside their fields.
async fn show_posted(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ReadForm(_, pairs): ReadForm<Vec<(String, String)>>,
) -> Response {
    let offer = match load(&state, &id).await {
        Ok(offer) => offer,
        Err(response) => return response,
    };
    let mut doc = serde_json::to_value(offer.editable()).unwrap_or_default();
    parrain_core::offer::merge_patch(&mut doc, &json!({ "widget": read_widget(&pairs) }));
    let mut skipped = Vec::new();
    let settings = match serde_json::from_value::<OfferSettings>(doc.clone()) {
        Ok(mut settings) => {
            for p in settings.problems() {
                if let Some(path) = p.field.strip_prefix("widget.") {
                    skipped.push(p.field.clone());
                    let mut parts = path.splitn(2, '.');
                    let (head, rest) = (parts.next().unwrap_or(""), parts.next());
                    let widget = &mut doc["widget"];
                    match (widget.get_mut(head), rest) {
                        (Some(Value::Object(map)), Some(rest)) => {
                            map.remove(rest);
                        }
                        (Some(_), None) => {
                            widget[head] = Value::Null;
                        }
                        _ => {}
                    }
                }
            }
            if !skipped.is_empty() {
                match serde_json::from_value::<OfferSettings>(doc) {
                    Ok(fixed) => settings = fixed,
                    Err(_) => settings.widget = Default::default(),
                }
            }
            settings
        }
        Err(_) => {
            skipped.push("widget".to_owned());
            offer.editable().clone()
        }
    };
    let note =
        (!skipped.is_empty()).then(|| format!("Not shown until fixed: {}", skipped.join(", ")));
    page(&view_of(&state, &offer, settings), note.as_deref())
}
