//! The job queue over the `jobs` outbox table.
//!
//! A claim is one `UPDATE … RETURNING` in the single writer, so no two
//! workers get the same job; settling checks the claimed attempt number, so
//! a worker that outlived its lease cannot overwrite a newer attempt.

use async_trait::async_trait;
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::Connection;

use super::ledger::{self, Who};
use super::SqliteStore;
use crate::job;
use crate::{Job, JobKind, JobOutcome, Jobs, NewActivity, QueueCounts, Result};

pub(crate) fn record_new(conn: &Connection, activity: &NewActivity, now: Millis) -> Result<i64> {
    ledger::record(
        conn,
        activity.kind,
        Who {
            offer: activity.offer_id.as_ref(),
            participant: activity.participant_id.as_ref(),
            person: activity.person_id.as_ref(),
            visitor: None,
        },
        activity.details.clone(),
        now,
    )
}

#[async_trait]
impl Jobs for SqliteStore {
    async fn claim_jobs(
        &self,
        kind: JobKind,
        now: Millis,
        limit: u32,
        lease: Millis,
    ) -> Result<Vec<Job>> {
        self.write(move |conn| job::claim(conn, kind, now, limit, lease, ""))
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
        self.write(move |conn| {
            if !crate::job::settle(conn, &job, &outcome, now)? {
                return Ok(false);
            }
            if let Some(activity) = &activity {
                record_new(conn, activity, now)?;
            }
            Ok(true)
        })
        .await
    }

    async fn oldest_waiting(&self, kind: JobKind) -> Result<Option<Millis>> {
        self.read(move |conn| job::oldest_waiting(conn, kind)).await
    }

    async fn job_held(&self, job: &Job) -> Result<bool> {
        let job = job.clone();
        self.read(move |conn| job::held(conn, &job)).await
    }

    async fn unfinished_jobs(&self, kind: JobKind, now: Millis) -> Result<i64> {
        self.read(move |conn| job::unfinished(conn, kind, now))
            .await
    }

    async fn queue_counts(&self, kind: JobKind) -> Result<QueueCounts> {
        self.read(move |conn| job::counts(conn, kind)).await
    }

    fn jobs_queued(&self, kind: JobKind) -> crate::JobsQueued {
        self.bell.listen(kind.as_str())
    }
}
