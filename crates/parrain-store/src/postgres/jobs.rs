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
use crate::{Job, JobKind, JobOutcome, JobPayload, Jobs, NewActivity, QueueCounts, Result};

/// Settles a claimed attempt; `false` when the claim is no longer ours.
pub(crate) fn settle(
    t: &mut impl GenericClient,
    job: &Job,
    outcome: &JobOutcome,
    now: Millis,
) -> Result<bool> {
    let (state, run_at, done_at, error) = match outcome {
        JobOutcome::Done => ("done", None, Some(now), None),
        JobOutcome::Retry { at, error } => ("pending", Some(*at), None, Some(error.as_str())),
        JobOutcome::Failed { error } => ("failed", None, Some(now), Some(error.as_str())),
    };
    let changed = t.execute(
        "UPDATE jobs SET state = $3, run_at = COALESCE($4, run_at), done_at = $5,
             last_error = $6, locked_until = NULL
         WHERE id = $1 AND attempts = $2 AND state = 'running'",
        &[&job.id, &job.attempt, &state, &run_at, &done_at, &error],
    )?;
    Ok(changed == 1)
}

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
            tx.with(|t| {
                let rows = t.query(
                    "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = $3 + $4
                     WHERE id IN (
                         SELECT id FROM jobs
                         WHERE kind = $1 AND ((state = 'pending' AND run_at <= $3)
                                              OR (state = 'running' AND locked_until <= $3))
                         ORDER BY run_at, id LIMIT $2
                         FOR UPDATE SKIP LOCKED)
                     RETURNING id, kind, payload, attempts, created_at",
                    &[&kind.as_str(), &i64::from(limit), &now, &lease],
                )?;
                let mut jobs: Vec<Job> = rows
                    .iter()
                    .map(|r| Job {
                        id: r.get(0),
                        work: JobPayload::from_json(kind, r.get(2)),
                        attempt: r.get(3),
                        created_at: r.get(4),
                    })
                    .collect();
                jobs.sort_by_key(|j| j.id);
                Ok(jobs)
            })
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
            tx.with(|t| {
                if !settle(t, &job, &outcome, now)? {
                    return Ok(false);
                }
                if let Some(activity) = &activity {
                    record_new(t, activity, now)?;
                }
                Ok(true)
            })
        })
        .await
    }

    async fn oldest_waiting(&self, kind: JobKind) -> Result<Option<Millis>> {
        self.read(move |c| {
            Ok(c.query_one(
                "SELECT MIN(created_at) FROM jobs
                 WHERE kind = $1 AND state IN ('pending', 'running')",
                &[&kind.as_str()],
            )?
            .get(0))
        })
        .await
    }

    async fn job_held(&self, job: &Job) -> Result<bool> {
        let (id, attempt) = (job.id, job.attempt);
        self.read(move |c| {
            let held: i64 = c
                .query_one(
                    "SELECT COUNT(*) FROM jobs WHERE id = $1 AND attempts = $2 AND state = 'running'",
                    &[&id, &attempt],
                )?
                .get(0);
            Ok(held == 1)
        })
        .await
    }

    async fn unfinished_jobs(&self, kind: JobKind, now: Millis) -> Result<i64> {
        self.read(move |c| {
            Ok(c.query_one(
                "SELECT COUNT(*) FROM jobs WHERE kind = $1
                 AND (state = 'running' OR (state = 'pending' AND run_at <= $2))",
                &[&kind.as_str(), &now],
            )?
            .get(0))
        })
        .await
    }

    async fn queue_counts(&self, kind: JobKind) -> Result<QueueCounts> {
        self.read(move |c| {
            let r = c.query_one(
                "SELECT COUNT(*) FILTER (WHERE state IN ('pending', 'running')),
                        COUNT(*) FILTER (WHERE state = 'failed')
                 FROM jobs WHERE kind = $1 AND state != 'done'",
                &[&kind.as_str()],
            )?;
            Ok(QueueCounts {
                waiting: r.get(0),
                failed: r.get(1),
            })
        })
        .await
    }

    fn jobs_queued(&self, kind: JobKind) -> crate::JobsQueued {
        self.announcer.listen(kind.as_str())
    }
}
