//! Workers that deliver what the outbox holds: emails over SMTP and
//! webhooks over HTTP.
//!
//! Each worker claims due jobs of its kind from the store (a lease, so
//! several processes can share one database without sending twice), does
//! the work, and settles each job: done, retried later per its schedule, or
//! given up. An idle worker is woken as soon as a job of its kind is
//! committed (on PostgreSQL, by any node) and otherwise looks again every
//! poll interval, which finds retries coming due and any wake-up lost. A crash leaves the lease to run out, and the job is claimed
//! again. Without SMTP configured the email worker does not run, so mail
//! waits in the queue; `/healthz` says how much. On shutdown
//! ([`Workers::stop`]) they claim nothing new and finish what they hold.

mod email;
mod invitation;
pub mod net;
pub mod signature;
mod webhook;

use std::future::Future;
use std::time::Duration;

use parrain_core::Millis;
use parrain_store::{Job, JobKind, JobOutcome};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::AppState;

pub use email::Mailer;

/// How delivery behaves; part of [`crate::ServerConfig`].
#[derive(Debug, Clone)]
pub struct OutboundConfig {
    /// `smtp://`, `smtps://` (TLS) or `smtp://…?tls=required` (STARTTLS),
    /// with `user:password@` for auth. Mail waits in the queue when unset.
    pub smtp_url: Option<String>,
    /// The From of every email, e.g. `Rewards <rewards@example.com>`.
    pub smtp_from: String,
    /// Waits between email attempts; the last one repeats, since an SMTP
    /// outage must delay mail, never lose it.
    pub email_retry_schedule: Vec<Duration>,
    /// Waits between webhook attempts; after the last the delivery fails.
    pub webhook_retry_schedule: Vec<Duration>,
    /// How often idle workers look for due jobs they were not woken for
    /// (retries coming due; a wake-up lost with a database connection).
    pub poll_interval: Duration,
    /// How long finished work is kept; the sweeper runs with the workers.
    pub retention: crate::retention::RetentionConfig,
}

/// Standard Webhooks' suggested schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
pub const DEFAULT_RETRY_SCHEDULE: [u64; 7] = [5, 300, 1800, 7200, 18000, 36000, 36000];

impl Default for OutboundConfig {
    fn default() -> Self {
        let schedule: Vec<Duration> = DEFAULT_RETRY_SCHEDULE
            .iter()
            .map(|s| Duration::from_secs(*s))
            .collect();
        Self {
            smtp_url: None,
            smtp_from: "parrain <parrain@localhost>".into(),
            email_retry_schedule: schedule.clone(),
            webhook_retry_schedule: schedule,
            poll_interval: Duration::from_secs(1),
            retention: crate::retention::RetentionConfig::default(),
        }
    }
}

/// Parses a schedule written as seconds, comma-separated (`5,300,1800`).
pub fn parse_schedule(text: &str) -> Result<Vec<Duration>, String> {
    text.split(',')
        .map(|part| {
            part.trim()
                .parse::<u64>()
                .map(Duration::from_secs)
                .map_err(|_| format!("`{}` is not a number of seconds", part.trim()))
        })
        .collect()
}

fn millis(d: Duration) -> Millis {
    d.as_millis() as Millis
}

/// The running workers. Dropping this leaves them running until the
/// runtime stops; [`Workers::stop`] stops them cleanly.
pub struct Workers {
    handles: Vec<JoinHandle<()>>,
    stop: watch::Sender<bool>,
}

impl Workers {
    /// Lets each worker finish the jobs it holds (settling them, so none is
    /// sent again by the next start) and claim no more; waits up to `grace`.
    pub async fn stop(self, grace: Duration) {
        let _ = self.stop.send(true);
        let all = join_all(self.handles);
        if tokio::time::timeout(grace, all).await.is_err() {
            tracing::warn!("delivery workers still busy at shutdown; their leases will run out");
        }
    }
}

async fn join_all(handles: Vec<JoinHandle<()>>) {
    for handle in handles {
        let _ = handle.await;
    }
}

/// Starts the workers. Fails when the SMTP settings are unusable.
pub fn spawn(state: AppState) -> anyhow::Result<Workers> {
    let (stop, stopping) = watch::channel(false);
    let mut handles = vec![
        tokio::spawn(crate::retention::run(state.clone(), stopping.clone())),
        tokio::spawn(crate::holds::run(state.clone(), stopping.clone())),
    ];
    handles.push(tokio::spawn(run(
        state.clone(),
        stopping.clone(),
        JobKind::Webhook,
        16,
        webhook::LEASE,
        {
            let sender = webhook::Sender::new(&state)?;
            move |state, job| {
                let sender = sender.clone();
                async move { sender.deliver(&state, job).await }
            }
        },
    )));
    match &state.config.outbound.smtp_url {
        Some(url) => {
            let mailer = Mailer::new(url, &state.config.outbound.smtp_from)?;
            handles.push(tokio::spawn(run(
                state.clone(),
                stopping,
                JobKind::Email,
                8,
                email::LEASE,
                move |state, job| {
                    let mailer = mailer.clone();
                    async move { mailer.send_job(&state, job).await }
                },
            )));
        }
        None => tracing::warn!("no SMTP server configured (--smtp-url): emails wait in the queue"),
    }
    Ok(Workers { handles, stop })
}

/// Waits `poll`, or less if jobs of the worker's kind are queued or
/// shutdown begins.
async fn pause(
    stopping: &mut watch::Receiver<bool>,
    queued: &mut parrain_store::JobsQueued,
    poll: Duration,
) {
    tokio::select! {
        _ = tokio::time::sleep(poll) => {}
        _ = queued.rung() => {}
        Ok(()) = stopping.changed() => {}
    }
}

/// Claims and works jobs of one kind, `batch` at a time, until stopped.
async fn run<F, Fut>(
    state: AppState,
    mut stopping: watch::Receiver<bool>,
    kind: JobKind,
    batch: u32,
    lease: Duration,
    work: F,
) where
    F: Fn(AppState, Job) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let poll = state.config.outbound.poll_interval;
    // Listening starts before the first claim, so no job queued after that
    // claim goes unheard.
    let mut queued = state.store.jobs_queued(kind);
    while !*stopping.borrow() {
        let now = state.clock.now();
        let jobs = match state
            .store
            .claim_jobs(kind, now, batch, millis(lease))
            .await
        {
            Ok(jobs) => jobs,
            Err(e) => {
                tracing::error!(kind = kind.as_str(), error = %e, "claiming jobs failed");
                pause(&mut stopping, &mut queued, poll).await;
                continue;
            }
        };
        if jobs.is_empty() {
            pause(&mut stopping, &mut queued, poll).await;
            continue;
        }
        let mut running = JoinSet::new();
        for job in jobs {
            running.spawn(work(state.clone(), job));
        }
        while running.join_next().await.is_some() {}
    }
}

/// How long [`drain`] waits for jobs other workers hold.
const DRAIN_LIMIT: Duration = Duration::from_secs(60);

/// Runs every due job now, here, and returns once none is due and no worker
/// (of this process or another) holds one: what a job does is done when it
/// returns. Clicks not yet recorded are recorded first (`Tracking::record_clicks`),
/// and reward holds that have ended are released, so their
/// emails go too. Tests call it to assert after the work instead of after a
/// sleep; retries scheduled later are not due, so are left (move the clock
/// to bring them due). Email is drained only with SMTP configured, as the
/// workers send it.
pub async fn drain(state: &AppState) -> anyhow::Result<()> {
    let sender = webhook::Sender::new(state)?;
    let outbound = &state.config.outbound;
    let mailer = match &outbound.smtp_url {
        Some(url) => Some(Mailer::new(url, &outbound.smtp_from)?),
        None => None,
    };
    let kinds: Vec<JobKind> = JobKind::ALL
        .into_iter()
        .filter(|kind| *kind != JobKind::Email || mailer.is_some())
        .collect();
    let deadline = tokio::time::Instant::now() + DRAIN_LIMIT;
    // Clicks answered but not yet recorded first: they can credit, and
    // what they credit is sent below.
    state.store.record_clicks().await?;
    let mut held = tokio::time::interval(Duration::from_millis(10));
    // Holds first, so the rewards they give are sent below. A hold another
    // worker is releasing is passed over by `release` until it commits.
    loop {
        crate::holds::release(state).await?;
        let due = state.store.holds_due(state.clock.now()).await?;
        if due == 0 {
            break;
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "{due} reward hold(s) still being released after {DRAIN_LIMIT:?}"
        );
        held.tick().await;
    }
    loop {
        let mut worked = false;
        for &kind in &kinds {
            let lease = match kind {
                JobKind::Email => email::LEASE,
                JobKind::Webhook => webhook::LEASE,
            };
            let now = state.clock.now();
            for job in state.store.claim_jobs(kind, now, 64, millis(lease)).await? {
                worked = true;
                match (&mailer, kind) {
                    (Some(mailer), JobKind::Email) => mailer.send_job(state, job).await,
                    _ => sender.deliver(state, job).await,
                }
            }
        }
        if worked {
            continue;
        }
        let mut running = 0;
        for &kind in &kinds {
            running += state.store.unfinished_jobs(kind, state.clock.now()).await?;
        }
        if running == 0 {
            return Ok(());
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "{running} job(s) still held by a worker after {DRAIN_LIMIT:?}"
        );
        // Another worker holds them: look again shortly.
        held.tick().await;
    }
}

/// Gives up a job whose payload is not its worker's work (nothing to send).
async fn give_up(state: &AppState, job: &Job, error: String) {
    tracing::error!(job = job.id, %error, "a job that cannot be done");
    let outcome = JobOutcome::Failed { error };
    if let Err(e) = state
        .store
        .settle_job(job, outcome, None, state.clock.now())
        .await
    {
        tracing::error!(job = job.id, error = %e, "could not settle a job");
    }
}

/// When to try again after failed attempt number `attempt`, if ever.
/// `repeat_last` keeps retrying at the last interval instead of giving up.
pub(crate) fn next_attempt(
    schedule: &[Duration],
    attempt: i64,
    now: Millis,
    repeat_last: bool,
) -> Option<Millis> {
    let index = usize::try_from(attempt - 1).unwrap_or(0);
    let wait = match schedule.get(index) {
        Some(wait) => *wait,
        None if repeat_last => *schedule.last().unwrap_or(&Duration::from_secs(60)),
        None => return None,
    };
    Some(now + millis(wait))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_parse_and_run_out() {
        let schedule = parse_schedule("5, 300").unwrap();
        assert_eq!(next_attempt(&schedule, 1, 0, false), Some(5_000));
        assert_eq!(next_attempt(&schedule, 2, 0, false), Some(300_000));
        assert_eq!(next_attempt(&schedule, 3, 0, false), None);
        assert_eq!(next_attempt(&schedule, 9, 0, true), Some(300_000));
        assert!(parse_schedule("5,soon").is_err());
    }
}
