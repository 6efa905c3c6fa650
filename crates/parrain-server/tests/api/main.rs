//! Black-box tests of the HTTP API: a real server on a real SQLite file,
//! driven over HTTP like a client would.

mod backend;
mod helpers;
use parrain_testkit::{mail as mailbox, receiver};
mod oidc_provider;

mod admin;
mod attribution;
mod audit;
mod client_ips;
mod credit;
mod crm_payloads;
mod eligibility;
mod email;
mod errors;
mod fraud;
mod hijack;
mod idempotency;
mod import;
mod invitations;
mod lengths;
mod limits;
mod lookup;
mod low_stock;
mod marketo;
mod marketo_recipes;
mod named;
mod offers;
mod openapi;
mod operators;
mod participant_page;
mod participants;
mod people;
mod previews;
mod privacy;
mod redirect;
mod reports;
mod reports_by;
mod retention;
mod reward_views;
mod rewards;
mod roles;
mod share_first;
mod social;
mod wake;
mod webhooks;

/// The store this suite runs on (`tests/api_postgres` runs it on PostgreSQL).
const BACKEND: backend::Backend = backend::Backend::Sqlite;
