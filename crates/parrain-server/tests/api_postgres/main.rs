//! The black-box suite of `tests/api`, module for module, on PostgreSQL:
//! behaviour must not differ between the two stores. Each test gets a
//! database of its own on the server of `PARRAIN_TEST_DATABASE_URL`; a test
//! that cannot reach it fails.

#[path = "../api/backend.rs"]
mod backend;
#[path = "../api/helpers.rs"]
mod helpers;
#[path = "../api/oidc_provider.rs"]
mod oidc_provider;
use parrain_testkit::{mail as mailbox, receiver};

mod nodes;

#[path = "../api/admin.rs"]
mod admin;
#[path = "../api/attribution.rs"]
mod attribution;
#[path = "../api/audit.rs"]
mod audit;
#[path = "../api/client_ips.rs"]
mod client_ips;
#[path = "../api/credit.rs"]
mod credit;
#[path = "../api/crm_payloads.rs"]
mod crm_payloads;
#[path = "../api/eligibility.rs"]
mod eligibility;
#[path = "../api/email.rs"]
mod email;
#[path = "../api/errors.rs"]
mod errors;
#[path = "../api/fraud.rs"]
mod fraud;
#[path = "../api/hijack.rs"]
mod hijack;
#[path = "../api/idempotency.rs"]
mod idempotency;
#[path = "../api/import.rs"]
mod import;
#[path = "../api/invitations.rs"]
mod invitations;
#[path = "../api/lengths.rs"]
mod lengths;
#[path = "../api/limits.rs"]
mod limits;
#[path = "../api/lookup.rs"]
mod lookup;
#[path = "../api/low_stock.rs"]
mod low_stock;
#[path = "../api/marketo.rs"]
mod marketo;
#[path = "../api/marketo_recipes.rs"]
mod marketo_recipes;
#[path = "../api/named.rs"]
mod named;
#[path = "../api/offers.rs"]
mod offers;
#[path = "../api/openapi.rs"]
mod openapi;
#[path = "../api/operators.rs"]
mod operators;
#[path = "../api/participant_page.rs"]
mod participant_page;
#[path = "../api/participants.rs"]
mod participants;
#[path = "../api/people.rs"]
mod people;
#[path = "../api/previews.rs"]
mod previews;
#[path = "../api/privacy.rs"]
mod privacy;
#[path = "../api/redirect.rs"]
mod redirect;
#[path = "../api/reports.rs"]
mod reports;
#[path = "../api/reports_by.rs"]
mod reports_by;
#[path = "../api/retention.rs"]
mod retention;
#[path = "../api/reward_views.rs"]
mod reward_views;
#[path = "../api/rewards.rs"]
mod rewards;
#[path = "../api/roles.rs"]
mod roles;
#[path = "../api/share_first.rs"]
mod share_first;
#[path = "../api/social.rs"]
mod social;
#[path = "../api/wake.rs"]
mod wake;
#[path = "../api/webhooks.rs"]
mod webhooks;

const BACKEND: backend::Backend = backend::Backend::Postgres;

/// Every module of the SQLite suite runs here too.
#[test]
fn runs_every_module_of_the_sqlite_suite() {
    let modules = |source: &'static str| -> Vec<&'static str> {
        source
            .lines()
            .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
            .collect()
    };
    let here = modules(include_str!("main.rs"));
    for module in modules(include_str!("../api/main.rs")) {
        assert!(
            here.contains(&module),
            "tests/api_postgres does not include `{module}`"
        );
    }
}
