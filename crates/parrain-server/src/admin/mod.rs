//! `/admin`: the operator's pages, rendered on the server with minijinja
//! from the templates under `templates/admin/` (compiled into the binary).
//!
//! Every page but the login form needs a session (`session::Operator`);
//! every form carries a CSRF token, read with the form by
//! `session::CsrfForm`, and a POST without the right one is refused with 403.
//! A page that fails answers with a page too (`PageError`), not JSON. Sign-in attempts are rate-limited per email. No other
//! site may frame the pages (clickjacking), and no cache keeps them.

mod activities;
mod audit;
mod editor;
mod error;
mod headline;
pub use error::PageError;
mod keys;
mod login;
pub use login::SignInLimits;
mod notice;
mod operators;
mod pages;
mod participants;
mod people;
mod preview;
mod report;
mod report_bars;
mod report_chart;
mod reviews;
pub mod session;
mod summary;
mod webhook;
mod webhooks;

use std::sync::OnceLock;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use minijinja::Environment;
use serde::Serialize;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;

const CSS: &str = include_str!("../../templates/admin/admin.css");
const SCRIPT: &str = include_str!("../../templates/admin/admin.js");

/// The pages' policy: framed only by parrain itself (clickjacking), and
/// scripts only from parrain's own files — no inline script or handler, so
/// markup injected into a page cannot run.
const POLICY: &str =
    "frame-ancestors 'self'; script-src 'self'; object-src 'none'; base-uri 'self'";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(pages::offers))
        .route("/admin/login", get(login::form).post(login::submit))
        .route("/admin/logout", axum::routing::post(login::logout))
        .route("/admin/offers/{id}/report", get(report::page))
        .route("/admin/offers/{id}/report.csv", get(report::csv))
        .route("/admin/admin.css", get(css))
        .route("/admin/admin.js", get(script))
        .merge(editor::router())
        .merge(participants::router())
        .merge(activities::router())
        .merge(keys::router())
        .merge(webhooks::router())
        .merge(webhook::router())
        .merge(reviews::router())
        .merge(preview::router())
        .merge(operators::router())
        .merge(audit::router())
        .merge(people::router())
        .layer(axum::middleware::from_fn(notice::slot))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

fn templates() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.add_global(
            "widget_strings",
            minijinja::Value::from_serialize(preview::strings()),
        );
        for (name, source) in [
            (
                "layout.html",
                include_str!("../../templates/admin/layout.html"),
            ),
            (
                "error.html",
                include_str!("../../templates/admin/error.html"),
            ),
            (
                "login.html",
                include_str!("../../templates/admin/login.html"),
            ),
            (
                "offers.html",
                include_str!("../../templates/admin/offers.html"),
            ),
            (
                "report.html",
                include_str!("../../templates/admin/report.html"),
            ),
        ]
        .into_iter()
        .chain(editor::TEMPLATES)
        .chain(participants::TEMPLATES)
        .chain(activities::TEMPLATES)
        .chain(keys::TEMPLATES)
        .chain(webhooks::TEMPLATES)
        .chain(webhook::TEMPLATES)
        .chain(reviews::TEMPLATES)
        .chain(operators::TEMPLATES)
        .chain(audit::TEMPLATES)
        .chain(people::TEMPLATES)
        {
            if let Err(e) = env.add_template(name, source) {
                tracing::error!(template = name, error = %e, "an admin template does not parse");
            }
        }
        env
    })
}

/// Renders a page; a template error is logged and shown as a plain 500.
fn render(name: &str, context: impl Serialize) -> Response {
    let context = minijinja::context! {
        mail_waiting => notice::waiting_mail(),
        ..minijinja::Value::from_serialize(context)
    };
    let page = templates()
        .get_template(name)
        .and_then(|t| t.render(context));
    match page {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(template = name, error = %e, "rendering an admin page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be drawn",
            )
                .into_response()
        }
    }
}

/// Static files of the pages: kept by the browser for five minutes.
pub(crate) const STATIC_CACHE: &str = "private, max-age=300";

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, STATIC_CACHE),
        ],
        SCRIPT,
    )
        .into_response()
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, STATIC_CACHE),
        ],
        CSS,
    )
        .into_response()
}
