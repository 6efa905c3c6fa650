//! Share links as link-preview crawlers see them. A crawler's fetch is
//! counted apart (per participant and hour) and is never a click: no
//! visitor id, no attribution, no credit. With a `static` preview it gets a
//! small page of OpenGraph and Twitter-card tags; with `dynamic` it follows
//! the redirect and reads the landing page's own tags.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use parrain_core::sharing::PreviewKind;

use super::redirect::{fallback, redirect};
use crate::error::ApiResult;
use crate::AppState;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Answers a crawler's `GET /r/{code}`.
pub(super) async fn answer(state: &AppState, code: &str) -> ApiResult<Response> {
    let Some(previewed) = state.store.preview(code, state.clock.now()).await? else {
        return Ok(fallback(state));
    };
    metrics::counter!("parrain_link_previews_total").increment(1);
    let share_url = format!(
        "{}/r/{}",
        state.config.public_url.trim_end_matches('/'),
        previewed.code
    );
    let target = previewed
        .target
        .as_deref()
        .and_then(|t| url::Url::parse(t).ok());
    let preview = previewed.preview;
    if preview.kind == PreviewKind::Dynamic {
        let Some(mut target) = target else {
            return Ok(fallback(state));
        };
        target
            .query_pairs_mut()
            .append_pair("parrain_ref", &previewed.code);
        return Ok(redirect(target.as_str()));
    }
    let title = escape(preview.title.as_deref().unwrap_or_default());
    let mut tags = vec![
        format!("<meta property=\"og:title\" content=\"{title}\">"),
        format!(
            "<meta property=\"og:url\" content=\"{}\">",
            escape(&share_url)
        ),
        "<meta property=\"og:type\" content=\"website\">".to_owned(),
        format!("<meta name=\"twitter:title\" content=\"{title}\">"),
    ];
    if let Some(description) = &preview.description {
        let d = escape(description);
        tags.push(format!(
            "<meta property=\"og:description\" content=\"{d}\">"
        ));
        tags.push(format!("<meta name=\"description\" content=\"{d}\">"));
        tags.push(format!(
            "<meta name=\"twitter:description\" content=\"{d}\">"
        ));
    }
    let card = match &preview.image_url {
        Some(image) => {
            let i = escape(image);
            tags.push(format!("<meta property=\"og:image\" content=\"{i}\">"));
            tags.push(format!("<meta name=\"twitter:image\" content=\"{i}\">"));
            "summary_large_image"
        }
        None => "summary",
    };
    tags.push(format!("<meta name=\"twitter:card\" content=\"{card}\">"));
    let link = target.map(|t| escape(t.as_str())).unwrap_or_default();
    let page = format!(
        "<!doctype html><html><head><meta charset=utf-8><title>{title}</title>{}</head>\
         <body><h1>{title}</h1><p><a href=\"{link}\">{title}</a></p></body></html>",
        tags.join("")
    );
    let mut response = (StatusCode::OK, Html(page)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
