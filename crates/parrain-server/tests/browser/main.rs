//! End-to-end tests of the browser side in real headless Chromium: the
//! widget of embed.js on real pages, against a real server and database.
//!
//! They need `chromium` and `chromedriver` (Debian: `chromium-driver`); a
//! missing driver fails them with a message saying so.

mod accessibility;
mod admin_editor;
mod admin_pages;
mod admin_roles;
mod admin_summary;
mod admin_widget;
mod app;
mod budget;
mod chrome;
mod conversion;
use parrain_testkit::mail as mailbox;
mod name_claim;
#[path = "../api/oidc_provider.rs"]
mod oidc_provider;
mod participant_page;
mod referral;
mod rewards;
mod sign_up_flow;
mod social;
mod styles;
mod widget;
mod widget_invite;
mod widget_look;
