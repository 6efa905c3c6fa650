//! The jobs of the outbox, typed: what a flow queues (in the transaction of
//! the fact that causes it) is what the worker reads back. Each job is
//! stored as its [`JobKind`] (the `jobs.kind` column, which worker claims
//! it) and its payload (this, as JSON).

use parrain_core::ids::{MessageId, OfferId, ParticipantId};
use serde::{Deserialize, Serialize};

/// The queues, one per kind of worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    Email,
    Webhook,
}

impl JobKind {
    pub const ALL: [JobKind; 2] = [JobKind::Email, JobKind::Webhook];

    /// Its name in the `jobs.kind` column, in logs and in metrics.
    pub const fn as_str(self) -> &'static str {
        match self {
            JobKind::Email => "email",
            JobKind::Webhook => "webhook",
        }
    }
}

/// A job to queue, or a claimed job's work.
#[derive(Debug, Clone, PartialEq)]
pub enum JobPayload {
    Email(EmailJob),
    Webhook(WebhookJob),
}

/// An email to send; `template` names which in the stored JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum EmailJob {
    /// The offer's sign-up email.
    SignUp {
        offer_id: OfferId,
        participant_id: ParticipantId,
    },
    /// A referred friend is asked to confirm the address before credit.
    ConfirmFriend {
        offer_id: OfferId,
        participant_id: ParticipantId,
    },
    /// A sign-in link to the participant's page.
    SignIn {
        offer_id: OfferId,
        participant_id: ParticipantId,
    },
    /// The goal is reached.
    Fulfillment {
        offer_id: OfferId,
        participant_id: ParticipantId,
    },
    /// A reward's email, for one occurrence of it.
    Reward {
        offer_id: OfferId,
        participant_id: ParticipantId,
        reward_id: String,
        occurrence: i64,
    },
    /// A participant's invitation to a friend.
    Invitation {
        invitation_id: String,
        offer_id: OfferId,
        participant_id: ParticipantId,
    },
}

impl EmailJob {
    /// The template's name (`sign_up`, `fulfillment`, …), as logged.
    pub fn template(&self) -> &'static str {
        match self {
            EmailJob::SignUp { .. } => "sign_up",
            EmailJob::ConfirmFriend { .. } => "confirm_friend",
            EmailJob::SignIn { .. } => "sign_in",
            EmailJob::Fulfillment { .. } => "fulfillment",
            EmailJob::Reward { .. } => "reward",
            EmailJob::Invitation { .. } => "invitation",
        }
    }

    /// Whom it goes to (an invitation: the participant who invited).
    pub fn participant_id(&self) -> &ParticipantId {
        match self {
            EmailJob::SignUp { participant_id, .. }
            | EmailJob::ConfirmFriend { participant_id, .. }
            | EmailJob::SignIn { participant_id, .. }
            | EmailJob::Fulfillment { participant_id, .. }
            | EmailJob::Reward { participant_id, .. }
            | EmailJob::Invitation { participant_id, .. } => participant_id,
        }
    }

    pub fn offer_id(&self) -> &OfferId {
        match self {
            EmailJob::SignUp { offer_id, .. }
            | EmailJob::ConfirmFriend { offer_id, .. }
            | EmailJob::SignIn { offer_id, .. }
            | EmailJob::Fulfillment { offer_id, .. }
            | EmailJob::Reward { offer_id, .. }
            | EmailJob::Invitation { offer_id, .. } => offer_id,
        }
    }
}

/// A webhook delivery to attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookJob {
    pub delivery_id: MessageId,
    /// Queued by a replay from the delivery log.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replay: bool,
}

impl JobPayload {
    /// A webhook delivery's job (`replay`: queued again from the log).
    pub fn delivery(delivery_id: &str, replay: bool) -> Self {
        JobPayload::Webhook(WebhookJob {
            delivery_id: MessageId::from_trusted(delivery_id.to_owned()),
            replay,
        })
    }

    pub fn kind(&self) -> JobKind {
        match self {
            JobPayload::Email(_) => JobKind::Email,
            JobPayload::Webhook(_) => JobKind::Webhook,
        }
    }

    /// The stored JSON.
    pub fn to_json(&self) -> serde_json::Value {
        let json = match self {
            JobPayload::Email(job) => serde_json::to_value(job),
            JobPayload::Webhook(job) => serde_json::to_value(job),
        };
        // Ids, strings and numbers only: nothing here can fail to serialize.
        json.unwrap_or_default()
    }

    /// Reads a stored job back; an error says what does not fit.
    pub fn from_json(kind: JobKind, json: serde_json::Value) -> Result<Self, String> {
        let read = match kind {
            JobKind::Email => serde_json::from_value(json).map(JobPayload::Email),
            JobKind::Webhook => serde_json::from_value(json).map(JobPayload::Webhook),
        };
        read.map_err(|e| format!("the {} job does not read: {e}", kind.as_str()))
    }
}

impl crate::Job {
    /// The email to send, if this job is one.
    pub fn email(&self) -> Result<&EmailJob, String> {
        match &self.work {
            Ok(JobPayload::Email(email)) => Ok(email),
            Ok(other) => Err(format!("a {} job is not an email", other.kind().as_str())),
            Err(e) => Err(e.clone()),
        }
    }

    /// The webhook delivery to attempt, if this job is one.
    pub fn webhook(&self) -> Result<&WebhookJob, String> {
        match &self.work {
            Ok(JobPayload::Webhook(webhook)) => Ok(webhook),
            Ok(other) => Err(format!("a {} job is not a webhook", other.kind().as_str())),
            Err(e) => Err(e.clone()),
        }
    }
}

impl From<EmailJob> for JobPayload {
    fn from(job: EmailJob) -> Self {
        JobPayload::Email(job)
    }
}

impl From<WebhookJob> for JobPayload {
    fn from(job: WebhookJob) -> Self {
        JobPayload::Webhook(job)
    }
}

/// Settles a claimed attempt; `false` when the claim is no longer ours
/// (settling checks the claimed attempt number, so a worker that outlived
/// its lease cannot overwrite a newer attempt).
pub(crate) fn settle(
    db: &dyn crate::sql::Db,
    job: &crate::Job,
    outcome: &crate::JobOutcome,
    now: parrain_core::Millis,
) -> crate::Result<bool> {
    use crate::JobOutcome;
    let (state, run_at, done_at, error) = match outcome {
        JobOutcome::Done => ("done", None, Some(now), None),
        JobOutcome::Retry { at, error } => ("pending", Some(*at), None, Some(error.as_str())),
        JobOutcome::Failed { error } => ("failed", None, Some(now), Some(error.as_str())),
    };
    let changed = db.execute(
        "UPDATE jobs SET state = ?3, run_at = COALESCE(?4, run_at), done_at = ?5,
             last_error = ?6, locked_until = NULL
         WHERE id = ?1 AND attempts = ?2 AND state = 'running'",
        &[
            job.id.into(),
            job.attempt.into(),
            state.into(),
            run_at.into(),
            done_at.into(),
            error.into(),
        ],
    )?;
    Ok(changed == 1)
}

/// Leases up to `limit` due jobs of `kind` for `lease` milliseconds, in
/// the order they are due. `skip_locked` ends the choice of rows: on
/// PostgreSQL `FOR UPDATE SKIP LOCKED`, so a row another node is claiming
/// is passed over, not waited for; SQLite's single writer needs nothing.
pub(crate) fn claim(
    db: &dyn crate::sql::Db,
    kind: JobKind,
    now: parrain_core::Millis,
    limit: u32,
    lease: parrain_core::Millis,
    skip_locked: &str,
) -> crate::Result<Vec<crate::Job>> {
    let rows = db.query(
        &format!(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = ?3 + ?4
             WHERE id IN (
                 SELECT id FROM jobs
                 WHERE kind = ?1 AND ((state = 'pending' AND run_at <= ?3)
                                      OR (state = 'running' AND locked_until <= ?3))
                 ORDER BY run_at, id LIMIT ?2{skip_locked})
             RETURNING id, kind, payload, attempts, created_at"
        ),
        &[
            kind.as_str().into(),
            i64::from(limit).into(),
            now.into(),
            lease.into(),
        ],
    )?;
    let mut jobs = rows
        .iter()
        .map(|r| {
            Ok(crate::Job {
                id: r.int(0)?,
                work: JobPayload::from_json(kind, r.opt_json(2).ok().flatten().unwrap_or_default()),
                attempt: r.int(3)?,
                created_at: r.int(4)?,
            })
        })
        .collect::<crate::Result<Vec<_>>>()?;
    jobs.sort_by_key(|j| j.id);
    Ok(jobs)
}

/// When the oldest job of `kind` still waiting was queued.
pub(crate) fn oldest_waiting(
    db: &dyn crate::sql::Db,
    kind: JobKind,
) -> crate::Result<Option<parrain_core::Millis>> {
    let found = db.query(
        "SELECT MIN(created_at) FROM jobs WHERE kind = ?1 AND state IN ('pending', 'running')",
        &[kind.as_str().into()],
    )?;
    found.first().map_or(Ok(None), |r| r.opt_int(0))
}

/// Whether the claimed attempt is still the worker's.
pub(crate) fn held(db: &dyn crate::sql::Db, job: &crate::Job) -> crate::Result<bool> {
    db.exists(
        "SELECT 1 FROM jobs WHERE id = ?1 AND attempts = ?2 AND state = 'running'",
        &[job.id.into(), job.attempt.into()],
    )
}

/// How many jobs of `kind` are due or held by a worker at `now`.
pub(crate) fn unfinished(
    db: &dyn crate::sql::Db,
    kind: JobKind,
    now: parrain_core::Millis,
) -> crate::Result<i64> {
    let found = db.query(
        "SELECT COUNT(*) FROM jobs WHERE kind = ?1
         AND (state = 'running' OR (state = 'pending' AND run_at <= ?2))",
        &[kind.as_str().into(), now.into()],
    )?;
    found.first().map_or(Ok(0), |r| r.int(0))
}

/// How many jobs of `kind` wait and how many failed.
pub(crate) fn counts(db: &dyn crate::sql::Db, kind: JobKind) -> crate::Result<crate::QueueCounts> {
    let found = db.query(
        "SELECT COALESCE(SUM(CASE WHEN state IN ('pending', 'running') THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0)
         FROM jobs WHERE kind = ?1 AND state != 'done'",
        &[kind.as_str().into()],
    )?;
    let Some(r) = found.first() else {
        return Ok(crate::QueueCounts::default());
    };
    Ok(crate::QueueCounts {
        waiting: r.int(0)?,
        failed: r.int(1)?,
    })
}

/// The job queue over the `jobs` outbox table, written once over the
/// shared SQL layer (`crate::sql`): a claim is one `UPDATE … RETURNING`
/// (through SQLite's single writer, or PostgreSQL's `SKIP LOCKED` at READ
/// COMMITTED), so no two workers get the same job; settling checks the
/// claimed attempt number, so a worker that outlived its lease cannot
/// overwrite a newer attempt.
#[async_trait::async_trait]
impl<E: crate::sql::Engine> crate::Jobs for E {
    async fn claim_jobs(
        &self,
        kind: JobKind,
        now: parrain_core::Millis,
        limit: u32,
        lease: parrain_core::Millis,
    ) -> crate::Result<Vec<crate::Job>> {
        self.write_locked_db(move |tx| claim(tx, kind, now, limit, lease, E::SKIP_LOCKED))
            .await
    }

    async fn settle_job(
        &self,
        job: &crate::Job,
        outcome: crate::JobOutcome,
        activity: Option<crate::NewActivity>,
        now: parrain_core::Millis,
    ) -> crate::Result<bool> {
        let job = job.clone();
        self.write_db(move |tx| {
            if !settle(tx, &job, &outcome, now)? {
                return Ok(false);
            }
            if let Some(activity) = &activity {
                E::record_activity(tx, activity, now)?;
            }
            Ok(true)
        })
        .await
    }

    async fn queue_counts(&self, kind: JobKind) -> crate::Result<crate::QueueCounts> {
        self.read_db(move |db| counts(db, kind)).await
    }

    async fn unfinished_jobs(
        &self,
        kind: JobKind,
        now: parrain_core::Millis,
    ) -> crate::Result<i64> {
        self.read_db(move |db| unfinished(db, kind, now)).await
    }

    async fn job_held(&self, job: &crate::Job) -> crate::Result<bool> {
        let job = job.clone();
        self.read_db(move |db| held(db, &job)).await
    }

    fn jobs_queued(&self, kind: JobKind) -> crate::JobsQueued {
        self.jobs_bell(kind)
    }

    async fn oldest_waiting(&self, kind: JobKind) -> crate::Result<Option<parrain_core::Millis>> {
        self.read_db(move |db| oldest_waiting(db, kind)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jobs_are_stored_as_the_json_the_queue_always_held() {
        let offer = OfferId::parse("off_00000000000000000000").unwrap();
        let participant = ParticipantId::parse("par_00000000000000000000").unwrap();
        let reward = JobPayload::Email(EmailJob::Reward {
            offer_id: offer.clone(),
            participant_id: participant.clone(),
            reward_id: "gift".into(),
            occurrence: 2,
        });
        let stored = json!({"template": "reward", "offer_id": offer, "participant_id": participant,
                            "reward_id": "gift", "occurrence": 2});
        assert_eq!(reward.to_json(), stored);
        assert_eq!(JobPayload::from_json(JobKind::Email, stored), Ok(reward));
        let message = MessageId::parse("msg_00000000000000000000").unwrap();
        let replay = json!({"delivery_id": message, "replay": true});
        let read = JobPayload::from_json(JobKind::Webhook, replay.clone()).unwrap();
        assert_eq!(read.to_json(), replay);
        let first = JobPayload::Webhook(WebhookJob {
            delivery_id: message.clone(),
            replay: false,
        });
        assert_eq!(first.to_json(), json!({"delivery_id": message}));
        let unknown = json!({"template": "postcard", "participant_id": participant});
        assert!(JobPayload::from_json(JobKind::Email, unknown).is_err());
    }
}
