//! What leaves parrain: the job queue (the transactional outbox), webhook
//! endpoints with their deliveries, and the people filters that marketing
//! exports.
//!
//! Jobs are written in the transaction of the fact that causes them. A worker
//! claims due jobs by taking a lease (state `running`, `locked_until`) in one
//! statement, so two workers — or two processes sharing one database — never
//! hold the same job; a PostgreSQL store does the same with
//! `FOR UPDATE SKIP LOCKED`. Each claim bumps `attempts`, which fences the
//! settlement: a worker whose lease ran out cannot settle a newer attempt.

use crate::Audit;
use async_trait::async_trait;
use parrain_core::activity::ActivityType;
use parrain_core::ids::{ActivityId, MessageId, OfferId, ParticipantId, PersonId, WebhookId};
use parrain_core::Millis;
use serde::Serialize;

use crate::{JobKind, JobPayload, Page, PageRequest, Result};

/// A claimed job.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    /// What to do; an error says what in the stored payload does not read
    /// (such a job can only be given up).
    pub work: std::result::Result<JobPayload, String>,
    /// Which attempt this claim is (1 for the first).
    pub attempt: i64,
    pub created_at: Millis,
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub enum JobOutcome {
    Done,
    /// Try again at `at`.
    Retry {
        at: Millis,
        error: String,
    },
    /// Give up.
    Failed {
        error: String,
    },
}

/// An activity to record with a job's settlement.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub kind: ActivityType,
    pub offer_id: Option<OfferId>,
    pub participant_id: Option<ParticipantId>,
    pub person_id: Option<PersonId>,
    pub details: serde_json::Value,
}

/// How many jobs of a kind are waiting (due or not, claimed or not) and have failed.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct QueueCounts {
    pub waiting: i64,
    pub failed: i64,
}

#[async_trait]
pub trait Jobs: Send + Sync {
    /// Leases up to `limit` due jobs of `kind` for `lease` milliseconds.
    /// Jobs whose lease ran out (their worker died) are due again.
    async fn claim_jobs(
        &self,
        kind: JobKind,
        now: Millis,
        limit: u32,
        lease: Millis,
    ) -> Result<Vec<Job>>;
    /// Settles a claimed attempt and records `activity` in the same
    /// transaction. `false` when the claim was lost (nothing is written).
    async fn settle_job(
        &self,
        job: &Job,
        outcome: JobOutcome,
        activity: Option<NewActivity>,
        now: Millis,
    ) -> Result<bool>;
    async fn queue_counts(&self, kind: JobKind) -> Result<QueueCounts>;
    /// How many jobs of `kind` are not finished at `now`: due, or held by
    /// a worker. A due job that [`Jobs::claim_jobs`] passed over is counted:
    /// on PostgreSQL another worker's claim of it may not be committed yet.
    async fn unfinished_jobs(&self, kind: JobKind, now: Millis) -> Result<i64>;
    /// Whether the claimed attempt is still the worker's: `false` once the
    /// job is gone (an erasure withdraws the unsent mail of the person it
    /// erases, even while a worker prepares it) or claimed again.
    async fn job_held(&self, job: &Job) -> Result<bool>;
    /// Wakes when jobs of `kind` have been committed (by this process; on
    /// PostgreSQL by any process on the database), so an idle worker need
    /// not wait for its next poll.
    fn jobs_queued(&self, kind: JobKind) -> crate::JobsQueued;
    /// When the oldest waiting job of `kind` was queued, if any waits
    /// (`/metrics` reports its age). A backend without it reports none.
    async fn oldest_waiting(&self, _kind: JobKind) -> Result<Option<Millis>> {
        Ok(None)
    }
}

/// A webhook endpoint.
#[derive(Debug, Clone)]
pub struct Webhook {
    pub id: WebhookId,
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<ActivityType>,
    pub offer_id: Option<OfferId>,
    /// `whsec_…`: signs every delivery.
    pub secret: String,
    /// The secret before the last rotation; also signs until `previous_until`.
    pub previous_secret: Option<String>,
    pub previous_until: Option<Millis>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<ActivityType>,
    pub offer_id: Option<OfferId>,
    pub secret: String,
}

/// A change to an endpoint; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct WebhookPatch {
    pub url: Option<String>,
    pub description: Option<Option<String>>,
    pub events: Option<Vec<ActivityType>>,
    pub offer_id: Option<Option<OfferId>>,
    pub enabled: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Succeeded,
    Failed,
}

/// One message to one endpoint, with its attempts.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: MessageId,
    pub webhook_id: WebhookId,
    pub activity_id: ActivityId,
    pub event_type: String,
    /// The body sent (and signed), but for `data.participant.share_url`,
    /// which the sender writes from the code (`share_url_into`).
    pub payload: String,
    pub state: DeliveryState,
    pub next_attempt_at: Option<Millis>,
    pub created_at: Millis,
    pub attempts: Vec<Attempt>,
}

/// One HTTP attempt of a delivery.
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    pub attempted_at: Millis,
    /// The response status; `None` when no response came.
    pub status: Option<u16>,
    pub latency_ms: i64,
    /// The first bytes of the response body.
    pub response: Option<String>,
    pub error: Option<String>,
}

/// What the worker records of an attempt.
#[derive(Debug, Clone)]
pub struct AttemptRecord {
    pub delivery: MessageId,
    pub attempt: Attempt,
    pub outcome: JobOutcome,
    /// Disable the endpoint, with this reason (the receiver answered 410 Gone).
    pub disable: Option<String>,
}

#[async_trait]
pub trait Webhooks: Send + Sync {
    async fn create_webhook(
        &self,
        new: NewWebhook,
        now: Millis,
        audit: Audit<Webhook>,
    ) -> Result<Webhook>;
    async fn webhook(&self, id: &WebhookId) -> Result<Webhook>;
    async fn list_webhooks(&self, page: PageRequest) -> Result<Page<Webhook>>;
    async fn update_webhook(
        &self,
        id: &WebhookId,
        patch: WebhookPatch,
        now: Millis,
        audit: Audit<Webhook>,
    ) -> Result<Webhook>;
    /// Deletes the endpoint; its pending deliveries are dropped.
    async fn delete_webhook(&self, id: &WebhookId, audit: Audit<()>) -> Result<()>;
    /// Signs with `secret` from now on; the old one also signs until `grace_until`.
    async fn rotate_secret(
        &self,
        id: &WebhookId,
        secret: String,
        grace_until: Millis,
        now: Millis,
        audit: Audit<Webhook>,
    ) -> Result<Webhook>;
    /// Deliveries, newest first, each with its attempts.
    async fn list_deliveries(&self, id: &WebhookId, page: PageRequest) -> Result<Page<Delivery>>;
    async fn delivery(&self, id: &WebhookId, message: &MessageId) -> Result<Delivery>;
    /// Queues the delivery again (same message id and body).
    async fn replay_delivery(
        &self,
        id: &WebhookId,
        message: &MessageId,
        now: Millis,
        audit: Audit<Delivery>,
    ) -> Result<Delivery>;
    /// The delivery a job carries and its endpoint (`None` when the endpoint is gone).
    async fn delivery_to_send(&self, message: &MessageId) -> Result<Option<(Delivery, Webhook)>>;
    /// Logs an attempt and settles its job, in one transaction.
    async fn record_attempt(&self, job: &Job, record: AttemptRecord, now: Millis) -> Result<bool>;
}

/// The people filters of SPEC §5.5; all given filters must hold.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    pub signed_up_for: Option<OfferId>,
    pub achieved_goal_in: Option<OfferId>,
    pub fulfilled_in: Option<OfferId>,
    pub referred_by: Option<ParticipantId>,
    pub was_referred_in: Option<OfferId>,
    pub shared_in: Option<OfferId>,
    /// With `shared_in`: only shares on this network.
    pub channel: Option<String>,
    pub clicked_shared_link_in: Option<OfferId>,
    /// Was attributed to its referrer by this method (in `was_referred_in`
    /// and to `referred_by` when those are given too).
    pub attributed_by: Option<parrain_core::attribution::Method>,
    /// Has an occurrence of this reward (SPEC §11), in `signed_up_for`'s
    /// offer when that is given too.
    pub reward: Option<String>,
    /// With `reward`: only occurrences in this state.
    pub reward_state: Option<parrain_core::reward::RewardState>,
    /// The dated filters (`signed_up_for`, `achieved_goal_in`,
    /// `fulfilled_in`, `shared_in`, `clicked_shared_link_in`) count only what
    /// happened at or after this time…
    pub since: Option<Millis>,
    /// …and before this one.
    pub until: Option<Millis>,
    /// The counted filters (`shared_in`, `clicked_shared_link_in`) hold only
    /// for people who did it at least this many times (within the range).
    pub min_count: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub id: PersonId,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub created_at: Millis,
}

#[async_trait]
pub trait People: Send + Sync {
    /// People matching every filter, newest first.
    async fn list_people(&self, filter: PeopleFilter, page: PageRequest) -> Result<Page<Person>>;

    /// How many people match every filter: one `COUNT` over the same
    /// conditions as the list, so the two always agree.
    async fn count_people(&self, filter: PeopleFilter) -> Result<u64>;

    /// Every person matching the filter, newest first, from one query read
    /// from start to end in one snapshot, a batch at a time (see
    /// [`crate::PeopleExport`]).
    fn export_people(&self, filter: PeopleFilter) -> crate::PeopleExport;
}
