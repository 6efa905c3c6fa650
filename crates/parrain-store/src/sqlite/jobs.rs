//! The job queue over the `jobs` outbox table.
//!
//! A claim is one `UPDATE … RETURNING` in the single writer, so no two
//! workers get the same job; settling checks the claimed attempt number, so
//! a worker that outlived its lease cannot overwrite a newer attempt.

use async_trait::async_trait;
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection};

use super::ledger::{self, Who};
use super::SqliteStore;
use crate::{Job, JobKind, JobOutcome, JobPayload, Jobs, NewActivity, QueueCounts, Result};

/// Settles a claimed attempt; `false` when the claim is no longer ours.
pub(crate) fn settle(
    conn: &Connection,
    job: &Job,
    outcome: &JobOutcome,
    now: Millis,
) -> Result<bool> {
    let (state, run_at, done_at, error) = match outcome {
        JobOutcome::Done => ("done", None, Some(now), None),
        JobOutcome::Retry { at, error } => ("pending", Some(*at), None, Some(error.as_str())),
        JobOutcome::Failed { error } => ("failed", None, Some(now), Some(error.as_str())),
    };
    let changed = conn
        .prepare_cached(
            "UPDATE jobs SET state = ?3, run_at = COALESCE(?4, run_at), done_at = ?5,
                 last_error = ?6, locked_until = NULL
             WHERE id = ?1 AND attempts = ?2 AND state = 'running'",
        )?
        .execute(params![job.id, job.attempt, state, run_at, done_at, error])?;
    Ok(changed == 1)
}

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
        self.write(move |conn| {
            let mut stmt = conn.prepare_cached(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = ?3 + ?4
                 WHERE id IN (
                     SELECT id FROM jobs
                     WHERE kind = ?1 AND ((state = 'pending' AND run_at <= ?3)
                                          OR (state = 'running' AND locked_until <= ?3))
                     ORDER BY run_at, id LIMIT ?2)
                 RETURNING id, kind, payload, attempts, created_at",
            )?;
            let mut jobs = stmt
                .query_map(params![kind.as_str(), limit, now, lease], |r| {
                    let payload: String = r.get(2)?;
                    let payload = serde_json::from_str(&payload).unwrap_or_default();
                    Ok(Job {
                        id: r.get(0)?,
                        work: JobPayload::from_json(kind, payload),
                        attempt: r.get(3)?,
                        created_at: r.get(4)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            jobs.sort_by_key(|j| j.id);
            Ok(jobs)
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
        self.write(move |conn| {
            if !settle(conn, &job, &outcome, now)? {
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
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT MIN(created_at) FROM jobs
                     WHERE kind = ?1 AND state IN ('pending', 'running')",
                )?
                .query_row([kind.as_str()], |r| r.get(0))?)
        })
        .await
    }

    async fn job_held(&self, job: &Job) -> Result<bool> {
        let (id, attempt) = (job.id, job.attempt);
        self.read(move |conn| {
            let held: i64 = conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM jobs WHERE id = ?1 AND attempts = ?2 AND state = 'running'",
                )?
                .query_row(params![id, attempt], |r| r.get(0))?;
            Ok(held == 1)
        })
        .await
    }

    async fn unfinished_jobs(&self, kind: JobKind, now: Millis) -> Result<i64> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM jobs WHERE kind = ?1
                     AND (state = 'running' OR (state = 'pending' AND run_at <= ?2))",
                )?
                .query_row(params![kind.as_str(), now], |r| r.get(0))?)
        })
        .await
    }

    async fn queue_counts(&self, kind: JobKind) -> Result<QueueCounts> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT COALESCE(SUM(state IN ('pending', 'running')), 0),
                            COALESCE(SUM(state = 'failed'), 0)
                     FROM jobs WHERE kind = ?1 AND state != 'done'",
                )?
                .query_row([kind.as_str()], |r| {
                    Ok(QueueCounts {
                        waiting: r.get(0)?,
                        failed: r.get(1)?,
                    })
                })?)
        })
        .await
    }

    fn jobs_queued(&self, kind: JobKind) -> crate::JobsQueued {
        self.bell.listen(kind.as_str())
    }
}
