//! Tracking: each call runs its flow (`crate::flows`) in one transaction,
//! shared with the other flows waiting on the node (`super::group`), a
//! page's event with its referrer locked first; give-credit, whose friend
//! only the flow finds, and the event batches run alone.

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;

use std::cell::RefCell;

use super::db::Reader;
use super::group::Credits;
use super::PgStore;
use crate::flows;
use crate::{
    Click, Clicked, EventOutcome, FriendRef, PageEvent, Result, ServerEvent, Tracked, Tracking,
    Visit,
};

#[async_trait]
impl Tracking for PgStore {
    async fn click(&self, click: Click, now: Millis) -> Result<Option<Clicked>> {
        self.write_grouped(move |tx| flows::click(tx, click.clone(), now))
            .await
    }

    async fn track_visit(&self, visit: Visit, now: Millis) -> Result<Tracked> {
        self.write_grouped(move |tx| flows::visit(tx, visit.clone(), now))
            .await
    }

    async fn track_share(&self, code: String, channel: String, now: Millis) -> Result<Tracked> {
        self.write_grouped(move |tx| flows::share(tx, &code, &channel, now))
            .await
    }

    async fn track_event(&self, event: PageEvent, now: Millis) -> Result<Tracked> {
        let credits = Credits {
            offer: event.offer_id.clone(),
            visitor: event.visitor_id.clone(),
        };
        self.write_crediting(credits, move |tx| {
            flows::track_event(tx, event.clone(), now)
        })
        .await
    }

    async fn identify(&self, visitor: VisitorId, email: Email, now: Millis) -> Result<PersonId> {
        self.write_grouped(move |tx| flows::identify(tx, &visitor, &email, now))
            .await
    }

    async fn give_credit(
        &self,
        offer: &OfferId,
        friend: FriendRef,
        coupon: Option<String>,
        event_id: Option<String>,
        now: Millis,
    ) -> Result<Tracked> {
        let offer = offer.clone();
        self.write_flow(move |tx| {
            flows::give_credit(
                tx,
                &offer,
                &friend,
                coupon.as_deref(),
                event_id.as_deref(),
                now,
            )
        })
        .await
    }

    /// All the events of a call in one transaction, as SQLite's writer
    /// does, with what they ask read at once and their results written at
    /// once (`super::batch`).
    async fn ingest_events(
        &self,
        events: Vec<ServerEvent>,
        now: Millis,
    ) -> Result<Vec<EventOutcome>> {
        self.write_flow(move |tx| {
            tx.read_batch(&events)?;
            let outcomes = events
                .iter()
                .map(|e| flows::ingest(tx, e.clone(), now))
                .collect::<Result<Vec<_>>>()?;
            tx.write_batch(now)?;
            Ok(outcomes)
        })
        .await
    }

    async fn search_referrers(
        &self,
        offer: &OfferId,
        query: String,
    ) -> Result<Vec<crate::NamedReferrer>> {
        let offer = offer.clone();
        self.read(move |c| crate::named::search(&Reader(RefCell::new(c)), &offer, &query))
            .await
    }

    async fn claim_referrer(
        &self,
        offer: &OfferId,
        visitor: VisitorId,
        participant: ParticipantId,
        ip: Option<std::net::IpAddr>,
        now: Millis,
    ) -> Result<crate::Claimed> {
        let offer = offer.clone();
        let ip = flows::client_ip(ip);
        self.write_grouped(move |tx| {
            flows::claim(tx, &offer, &visitor, &participant, ip.clone(), now)
        })
        .await
    }
}
