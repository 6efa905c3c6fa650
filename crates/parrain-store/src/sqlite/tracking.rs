//! Tracking: each call runs its flow (`crate::flows`) in one transaction;
//! a share link's click goes to the click log (`clicks.rs`).

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;

use super::SqliteStore;
use crate::flows;
use crate::{
    Click, Clicked, EventOutcome, FriendRef, PageEvent, Result, ServerEvent, Tracked, Tracking,
    Visit,
};

#[async_trait]
impl Tracking for SqliteStore {
    async fn click(&self, click: Click, now: Millis) -> Result<Option<Clicked>> {
        self.clicks.click(click, now).await
    }

    async fn record_clicks(&self) -> Result<()> {
        // Any write records the click log before it runs.
        self.write(|_| Ok(())).await
    }

    async fn track_visit(&self, visit: Visit, now: Millis) -> Result<Tracked> {
        self.write(move |conn| flows::visit(conn, visit, now)).await
    }

    async fn track_share(&self, code: String, channel: String, now: Millis) -> Result<Tracked> {
        self.write(move |conn| flows::share(conn, &code, &channel, now))
            .await
    }

    async fn track_event(&self, event: PageEvent, now: Millis) -> Result<Tracked> {
        self.write(move |conn| flows::track_event(conn, event, now))
            .await
    }

    async fn identify(&self, visitor: VisitorId, email: Email, now: Millis) -> Result<PersonId> {
        self.write(move |conn| flows::identify(conn, &visitor, &email, now))
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
        self.write(move |conn| {
            flows::give_credit(
                conn,
                &offer,
                &friend,
                coupon.as_deref(),
                event_id.as_deref(),
                now,
            )
        })
        .await
    }

    async fn ingest_events(
        &self,
        events: Vec<ServerEvent>,
        now: Millis,
    ) -> Result<Vec<EventOutcome>> {
        self.write(move |conn| {
            events
                .into_iter()
                .map(|e| flows::ingest(conn, e, now))
                .collect()
        })
        .await
    }

    async fn search_referrers(
        &self,
        offer: &OfferId,
        query: String,
    ) -> Result<Vec<crate::NamedReferrer>> {
        let offer = offer.clone();
        self.read(move |conn| crate::named::search(conn, &offer, &query))
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
        self.write(move |conn| flows::claim(conn, &offer, &visitor, &participant, ip.clone(), now))
            .await
    }
}
