//! parrain's storage: what the HTTP layer may ask of a database.
//!
//! The traits are sized by capability (keys, offers, participants, tracking,
//! activities). Each write is one transaction holding the fact, everything
//! derived from it (credit, goal, fulfilment) and the outbox rows it causes,
//! so a crash never leaves half of it. The rules come from `parrain-core`;
//! SQL lives only here.

mod activities;
mod bell;
pub mod copy;
mod eligibility;
mod error;
mod export;
mod figures;
mod flows;
mod idempotency;
mod import;
mod invitations;
mod job;
mod keys;
mod model;
mod named;
mod offers;
mod operators;
mod outbound;
mod participants;
mod people;
pub mod postgres;
mod privacy;
mod referrers;
mod report;
mod report_data;
mod retention;
mod review;
mod rewards;
mod social;
mod sql;
pub mod sqlite;
mod tokens;
pub mod trust;
mod webhook_data;
mod webhooks;

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::ids::{KeyId, OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::offer::{OfferSettings, OfferStatus};
use parrain_core::Millis;

pub use bell::{JobBell, JobsQueued};
pub use eligibility::Eligibility;
pub use error::{DbError, StoreError};
pub use export::PeopleExport;
pub use figures::{DayFigures, Figures, OfferFigures};
pub use idempotency::*;
pub use import::{import_csv, Import, ImportProgress, Imported, Imports};
pub use invitations::{
    address_hash, InvitationToSend, Invitations, Invite, Invited, Previewed, Refusal,
};
pub use job::*;
pub use model::*;
pub use named::{Claimed, NamedReferrer};
pub use operators::{Audit, AuditEntry, Operator, OperatorSession, Operators, Role};
pub use outbound::*;
pub use privacy::{Erasure, Privacy};
pub use report::{ReportData, Reports, TopReferrer, TOP_REFERRERS};
pub use retention::{Retention, Swept};
pub use review::{Review, Reviews};
pub use social::{SocialLogins, SocialStep};
pub use tokens::{PageFriend, ParticipantTokens, CONFIRM_VALID_FOR, SIGN_IN_VALID_FOR};
pub use webhook_data::share_url_into;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[async_trait]
pub trait Keys: Send + Sync {
    async fn insert_key(&self, key: NewKey, audit: Audit<ApiKey>) -> Result<ApiKey>;
    /// Inserts `keys` only if the store holds no key yet, checked and
    /// written under a lock (an advisory lock on PostgreSQL), so processes
    /// starting at once on one database insert first keys once; returns
    /// whether these were inserted.
    async fn insert_first_keys(&self, keys: Vec<NewKey>) -> Result<bool>;
    /// The key with this hash, if it exists and is not revoked.
    async fn key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>>;
    async fn list_keys(&self) -> Result<Vec<ApiKey>>;
    async fn revoke_key(&self, id: &KeyId, now: Millis, audit: Audit<ApiKey>) -> Result<ApiKey>;
    /// Records that a request came with the key at `now`.
    async fn touch_key(&self, id: &KeyId, now: Millis) -> Result<()>;
    /// Whether [`Keys::key_by_hash`] keeps keys itself, in a way that sees
    /// a revocation made by any process from the next call on (PostgreSQL:
    /// under the node cache's generation); the server then keeps none.
    fn keeps_keys(&self) -> bool {
        false
    }
}

#[async_trait]
pub trait Offers: Send + Sync {
    async fn create_offer(
        &self,
        settings: OfferSettings,
        now: Millis,
        audit: Audit<Offer>,
    ) -> Result<Offer>;
    async fn offer(&self, id: &OfferId) -> Result<Offer>;
    async fn list_offers(
        &self,
        status: Option<OfferStatus>,
        page: PageRequest,
    ) -> Result<Page<Offer>>;
    /// Applies a JSON merge patch to the draft (creating it from the live settings).
    async fn patch_draft(
        &self,
        id: &OfferId,
        patch: serde_json::Value,
        now: Millis,
        audit: Audit<Offer>,
    ) -> Result<Offer>;
    async fn approve(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer>;
    async fn unapprove(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer>;
    async fn archive(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer>;
    async fn clone_offer(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer>;
    async fn delete_offer(&self, id: &OfferId, audit: Audit<()>) -> Result<()>;
    /// Replaces the unused promo codes of one of the offer's pools with an
    /// upload (one code per line); returns that pool's counts.
    async fn put_promo_codes(
        &self,
        id: &OfferId,
        pool: String,
        upload: String,
        now: Millis,
        audit: Audit<PromoCounts>,
    ) -> Result<PromoCounts>;
    /// Sets a pool's low-stock threshold, or removes it with `None`
    /// (SPEC §15); returns that pool's counts.
    async fn set_low_stock(
        &self,
        id: &OfferId,
        pool: String,
        low_stock: Option<i64>,
        now: Millis,
        audit: Audit<PromoCounts>,
    ) -> Result<PromoCounts>;
    /// The offer's pools with their counts, by name.
    async fn promo_counts(&self, id: &OfferId) -> Result<Vec<PromoCounts>>;
}

#[async_trait]
pub trait Participants: Send + Sync {
    /// Signs a person up; the same email twice gives the same participant (`created: false`).
    async fn sign_up(&self, offer: &OfferId, sign_up: SignUp, now: Millis) -> Result<SignedUp>;
    /// The browser's pending code on a `share_then_capture` offer (made on
    /// its first request, the same one after): the share code its sign-up
    /// on the offer will take over.
    async fn pending_code(
        &self,
        offer: &OfferId,
        visitor: VisitorId,
        now: Millis,
    ) -> Result<PendingCode>;
    async fn participant(&self, id: &ParticipantId) -> Result<ParticipantDetail>;
    async fn list_participants(
        &self,
        offer: &OfferId,
        filter: ParticipantFilter,
        page: PageRequest,
    ) -> Result<Page<Participant>>;
    /// The offer's participant with this email, if any, and how many shares it
    /// recorded. Reads only: looking someone up never signs them up.
    async fn find_participant(
        &self,
        offer: &OfferId,
        email: &Email,
    ) -> Result<Option<(Participant, i64)>>;
    /// Fulfils an achieved participant by hand.
    async fn fulfill(
        &self,
        id: &ParticipantId,
        now: Millis,
        audit: Audit<Participant>,
    ) -> Result<Participant>;
    /// Fulfils many; each id gets its own outcome, and none blocks the others.
    async fn fulfill_many(
        &self,
        offer: &OfferId,
        ids: Vec<ParticipantId>,
        now: Millis,
        audit: Audit<Vec<FulfillOutcome>>,
    ) -> Result<Vec<FulfillOutcome>>;
}

#[async_trait]
pub trait Tracking: Send + Sync {
    /// A click on a share link. `None` when the code is unknown.
    async fn click(&self, click: Click, now: Millis) -> Result<Option<Clicked>>;
    /// Returns once every click answered before the call is recorded where
    /// reads see it. A store may answer a click before recording it in
    /// full (SQLite's click journal), within a bound it states.
    async fn record_clicks(&self) -> Result<()> {
        Ok(())
    }
    async fn track_visit(&self, visit: Visit, now: Millis) -> Result<Tracked>;
    async fn track_share(&self, code: String, channel: String, now: Millis) -> Result<Tracked>;
    async fn track_event(&self, event: PageEvent, now: Millis) -> Result<Tracked>;
    async fn identify(&self, visitor: VisitorId, email: Email, now: Millis) -> Result<PersonId>;
    /// The Give Credit to Referrer action; `coupon` is a share code the
    /// friend used at checkout (attribution method `coupon`); `event_id`
    /// makes each call its own credit under `goal.credit_per: "event"`.
    async fn give_credit(
        &self,
        offer: &OfferId,
        friend: FriendRef,
        coupon: Option<String>,
        event_id: Option<String>,
        now: Millis,
    ) -> Result<Tracked>;
    /// Server events; each is applied once per `id`, in order.
    async fn ingest_events(
        &self,
        events: Vec<ServerEvent>,
        now: Millis,
    ) -> Result<Vec<EventOutcome>>;
    /// The offer's participants whose name starts with `query` (made by
    /// `parrain_core::named::query`), at most five, oldest first.
    async fn search_referrers(&self, offer: &OfferId, query: String) -> Result<Vec<NamedReferrer>>;
    /// A browser claims a participant of the offer as its referrer (method
    /// `name`); a friend attributed before keeps its referrer.
    async fn claim_referrer(
        &self,
        offer: &OfferId,
        visitor: VisitorId,
        participant: ParticipantId,
        ip: Option<std::net::IpAddr>,
        now: Millis,
    ) -> Result<Claimed>;
}

#[async_trait]
pub trait Rewards: Send + Sync {
    /// Ends the holds over by `now` (at most `limit`): each reward is given,
    /// or waits for an operator if its delivery is manual. Returns how many.
    async fn release_held(&self, now: Millis, limit: u32) -> Result<u64>;
    /// How many holds are over by `now` and not released yet (some may be
    /// being released by another worker, uncommitted).
    async fn holds_due(&self, now: Millis) -> Result<i64>;
    /// Reverses the credit(s) a friend earned the participant (a refund).
    async fn reverse_credit(
        &self,
        participant: &ParticipantId,
        friend: FriendRef,
        reason: Option<String>,
        now: Millis,
    ) -> Result<Reversal>;
    /// An operator gives one occurrence of a reward by hand (the earliest
    /// waiting one, else the next), once.
    async fn give_reward(
        &self,
        participant: &ParticipantId,
        reward_id: String,
        occurrence: Option<i64>,
        note: Option<String>,
        now: Millis,
        audit: Audit<ParticipantReward>,
    ) -> Result<ParticipantReward>;
    /// An operator cancels one occurrence held or waiting, once.
    async fn cancel_reward(
        &self,
        participant: &ParticipantId,
        reward_id: String,
        occurrence: Option<i64>,
        reason: Option<String>,
        now: Millis,
        audit: Audit<ParticipantReward>,
    ) -> Result<ParticipantReward>;
    /// The offer's `size` referrers with the most credit, most first.
    async fn leaderboard(&self, offer: &OfferId, size: i64) -> Result<Vec<Leader>>;
}

#[async_trait]
pub trait Activities: Send + Sync {
    async fn list_activities(
        &self,
        filter: ActivityFilter,
        page: PageRequest,
    ) -> Result<Page<Activity>>;
}

/// Everything parrain stores.
pub trait Store:
    Keys
    + Offers
    + Participants
    + Tracking
    + Activities
    + Jobs
    + Webhooks
    + People
    + Idempotency
    + Privacy
    + Reviews
    + Reports
    + Operators
    + Figures
    + Invitations
    + ParticipantTokens
    + SocialLogins
    + Retention
    + Rewards
    + Imports
    + Eligibility
{
}
impl<T> Store for T where
    T: Keys
        + Offers
        + Participants
        + Tracking
        + Activities
        + Jobs
        + Webhooks
        + People
        + Idempotency
        + Privacy
        + Reviews
        + Reports
        + Operators
        + Figures
        + Invitations
        + ParticipantTokens
        + SocialLogins
        + Retention
        + Rewards
        + Imports
        + Eligibility
{
}
