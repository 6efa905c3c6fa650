//! The job queue over the `jobs` outbox table.
//!
//! Claims take the due rows with `FOR UPDATE SKIP LOCKED` in READ COMMITTED:
//! a row another node is claiming is skipped, not waited for, so nodes never
//! hold the same job and never queue behind one another. Settling checks the
//! claimed attempt number, so a worker that outlived its lease cannot
//! overwrite a newer attempt.

use async_trait::async_trait;
use parrain_core::Millis;
use postgres::GenericClient;

use super::log::{self, Who};
use super::PgStore;
use crate::job;
use crate::sql::Engine;
use crate::{Job, JobKind, JobOutcome, Jobs, NewActivity, QueueCounts, Result};

pub(crate) fn record_new(
    t: &mut impl GenericClient,
    activity: &NewActivity,
    now: Millis,
) -> Result<i64> {
    let (endpoints, _) = super::webhooks::enabled(t)?;
    let (seq, _) = log::record(
        t,
        activity.kind,
        Who {
            offer: activity.offer_id.as_ref(),
            participant: activity.participant_id.as_ref(),
            person: activity.person_id.as_ref(),
            visitor: None,
        },
        activity.details.clone(),
        now,
        &endpoints,
    )?;
    Ok(seq)
}

#[async_trait]
impl Jobs for PgStore {
    async fn claim_jobs(
        &self,
        kind: JobKind,
        now: Millis,
        limit: u32,
        lease: Millis,
    ) -> Result<Vec<Job>> {
        self.write_locked(move |tx| {
            job::claim(tx, kind, now, limit, lease, " FOR UPDATE SKIP LOCKED")
        })
        .await
    }

    async fn settle_job(
        &self,
        job: &Job,
        outcome: JobOutcome,
        activity: Option<NewActivity>,
        now: Millis,
    ) -> Result<bool> {
        let job = job.clone();
        self.write(move |tx| {
            if !crate::job::settle(tx, &job, &outcome, now)? {
                return Ok(false);
            }
            if let Some(activity) = &activity {
                tx.with(|t| record_new(t, activity, now))?;
            }
            Ok(true)
        })
        .await
    }

    async fn oldest_waiting(&self, kind: JobKind) -> Result<Option<Millis>> {
        self.read_db(move |db| job::oldest_waiting(db, kind)).await
    }

    async fn job_held(&self, job: &Job) -> Result<bool> {
        let job = job.clone();
        self.read_db(move |db| job::held(db, &job)).await
    }

    async fn unfinished_jobs(&self, kind: JobKind, now: Millis) -> Result<i64> {
        self.read_db(move |db| job::unfinished(db, kind, now)).await
    }

    async fn queue_counts(&self, kind: JobKind) -> Result<QueueCounts> {
        self.read_db(move |db| job::counts(db, kind)).await
    }

    fn jobs_queued(&self, kind: JobKind) -> crate::JobsQueued {
        self.announcer.listen(kind.as_str())
    }
}
