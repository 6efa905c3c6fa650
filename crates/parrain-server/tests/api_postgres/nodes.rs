//! Two servers on one PostgreSQL database, each with a store of its own as
//! two `parrain serve` processes have: a job queued on one node wakes the
//! workers of the other (LISTEN/NOTIFY), well before their next poll.

use std::sync::Arc;

use parrain_store::postgres::PgStore;

use crate::backend::Keep;
use crate::helpers::{spawn_app_over, spawn_app_with};
use crate::mailbox::MailServer;
use crate::wake::{offer_with_welcome, sign_up_and_wait, SLOW_POLL};

#[tokio::test]
async fn an_email_queued_on_one_node_is_sent_at_once_by_another() {
    // Node A takes the sign-ups and has no SMTP server, so it sends no
    // email: only node B's worker can, and it polls once a minute.
    let mail = MailServer::start();
    let a = spawn_app_with(|c| c.outbound.poll_interval = SLOW_POLL).await;
    let Keep::Database(db) = &a.db else {
        panic!("the PostgreSQL suite keeps a database");
    };
    let store = PgStore::connect(db.url(), 4).await.unwrap();
    let url = mail.url();
    let _b = spawn_app_over(Arc::new(store), Keep::Elsewhere, |c| {
        c.outbound.smtp_url = Some(url);
        c.outbound.poll_interval = SLOW_POLL;
    })
    .await;
    let offer = a.live_offer_with(offer_with_welcome()).await;

    for n in 1..=3 {
        sign_up_and_wait(&a, &mail, &offer, n).await;
    }
}
