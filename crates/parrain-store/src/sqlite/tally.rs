//! Activity counts for `/metrics`, exact to what was committed, the kinds
//! of the jobs committed, for the bell that wakes their workers, and the
//! hourly tallies of `activity_hours` a run of clicks adds up.
//!
//! Activities and jobs are written inside the writer's transaction, which
//! may still roll a write back (its savepoint) or fail the whole batch. So
//! each one is noted here first and reaches the `parrain_activities_total`
//! counter (or the bell) only once its batch has committed. Only the writer
//! thread writes them, so thread-local lists are all the bookkeeping needed.
//!
//! An activity adds one to its hour's row of `activity_hours` (what
//! reports read). While the click journal is recorded ([`defer_hours`]
//! to [`write_hours`]), those additions are kept here and written once
//! per (offer, hour, type, key) at the end of the run: the rows end the
//! same as if each click had written its own, and nothing reads them in
//! between (recording a click reads no tally).

use std::cell::RefCell;
use std::collections::HashMap;

use parrain_core::activity::ActivityType;
use parrain_core::ids::OfferId;
use r2d2_sqlite::rusqlite::{params, Connection};

use crate::report::HourStep;
use crate::{JobBell, Result};

thread_local! {
    static PENDING: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
    static QUEUED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// `Some` while a run of clicks is recorded: the hours it added to.
    static HOURS: RefCell<Option<Vec<Hour>>> = const { RefCell::new(None) };
}

/// One activity's addition to its hour's row.
struct Hour {
    offer: String,
    kind: &'static str,
    step: HourStep,
    seq: i64,
}

const ADD_HOUR: &str = "INSERT INTO activity_hours (offer_id, hour, type, key, count, sessions,
                                     referred_sessions, referred_sign_ups, first_seq, last_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (offer_id, hour, type, key) DO UPDATE SET
            count = count + excluded.count,
            sessions = sessions + excluded.sessions,
            referred_sessions = referred_sessions + excluded.referred_sessions,
            referred_sign_ups = referred_sign_ups + excluded.referred_sign_ups,
            first_seq = MIN(first_seq, excluded.first_seq),
            last_seq = MAX(last_seq, excluded.last_seq)";

/// Adds the activity at `seq` (of `kind`, in `offer`) to its hour's row:
/// now, or at [`write_hours`] while a run of clicks is recorded.
pub(crate) fn hour(
    conn: &Connection,
    offer: &OfferId,
    kind: ActivityType,
    step: HourStep,
    seq: i64,
) -> Result<()> {
    let kept = HOURS.with(|h| match &mut *h.borrow_mut() {
        Some(hours) => {
            hours.push(Hour {
                offer: offer.as_str().to_owned(),
                kind: kind.as_str(),
                step,
                seq,
            });
            None
        }
        None => Some(step),
    });
    let Some(step) = kept else {
        return Ok(());
    };
    conn.prepare_cached(ADD_HOUR)?.execute(params![
        offer.as_str(),
        step.hour,
        kind.as_str(),
        step.key,
        1,
        step.sessions,
        step.referred_sessions,
        step.referred_sign_ups,
        seq,
        seq,
    ])?;
    Ok(())
}

/// From now on this thread's activities add to their hours at [`write_hours`].
pub(crate) fn defer_hours() {
    HOURS.with(|h| *h.borrow_mut() = Some(Vec::new()));
}

/// Writes the hours added since [`defer_hours`], one statement per
/// (offer, hour, type, key), and stops deferring.
pub(crate) fn write_hours(conn: &Connection) -> Result<()> {
    let Some(hours) = HOURS.with(|h| h.borrow_mut().take()) else {
        return Ok(());
    };
    // Summed by row, the rows written in the order they were first added to.
    let mut sums: Vec<Sum<'_>> = Vec::new();
    let mut row_of: HashMap<(&str, i64, &str, &str), usize> = HashMap::new();
    for hour in &hours {
        let row = (
            hour.offer.as_str(),
            hour.step.hour,
            hour.kind,
            hour.step.key.as_str(),
        );
        match row_of.get(&row) {
            Some(&i) => sums[i].add(hour),
            None => {
                row_of.insert(row, sums.len());
                sums.push(Sum {
                    row: hour,
                    count: 1,
                    sessions: hour.step.sessions,
                    referred_sessions: hour.step.referred_sessions,
                    referred_sign_ups: hour.step.referred_sign_ups,
                    first_seq: hour.seq,
                    last_seq: hour.seq,
                });
            }
        }
    }
    for sum in &sums {
        conn.prepare_cached(ADD_HOUR)?.execute(params![
            sum.row.offer,
            sum.row.step.hour,
            sum.row.kind,
            sum.row.step.key,
            sum.count,
            sum.sessions,
            sum.referred_sessions,
            sum.referred_sign_ups,
            sum.first_seq,
            sum.last_seq,
        ])?;
    }
    Ok(())
}

/// Drops the hours kept since [`defer_hours`] (their run was rolled back)
/// and stops deferring.
pub(crate) fn drop_hours() {
    HOURS.with(|h| *h.borrow_mut() = None);
}

/// What a run adds to one row of `activity_hours`.
struct Sum<'a> {
    row: &'a Hour,
    count: i64,
    sessions: i64,
    referred_sessions: i64,
    referred_sign_ups: i64,
    first_seq: i64,
    last_seq: i64,
}

impl Sum<'_> {
    fn add(&mut self, hour: &Hour) {
        self.count += 1;
        self.sessions += hour.step.sessions;
        self.referred_sessions += hour.step.referred_sessions;
        self.referred_sign_ups += hour.step.referred_sign_ups;
        self.first_seq = self.first_seq.min(hour.seq);
        self.last_seq = self.last_seq.max(hour.seq);
    }
}

/// Notes a job of `kind` queued in the open transaction.
pub(crate) fn job(kind: &str) {
    QUEUED.with(|q| {
        let mut q = q.borrow_mut();
        if !q.iter().any(|k| k == kind) {
            q.push(kind.to_owned());
        }
    });
}

/// Where a write starts, to forget what it noted if it is rolled back.
#[derive(Clone, Copy)]
pub(crate) struct Mark {
    activities: usize,
    jobs: usize,
    hours: usize,
}

/// Notes an activity of type `kind` written in the open transaction.
pub(crate) fn activity(kind: &'static str) {
    PENDING.with(|p| p.borrow_mut().push(kind));
}

pub(crate) fn mark() -> Mark {
    Mark {
        activities: PENDING.with(|p| p.borrow().len()),
        jobs: QUEUED.with(|q| q.borrow().len()),
        hours: HOURS.with(|h| h.borrow().as_ref().map_or(0, Vec::len)),
    }
}

/// Forgets what was noted since `mark` (its savepoint rolled back). A job
/// kind noted before the mark and again after it stays noted.
pub(crate) fn rollback_to(mark: Mark) {
    PENDING.with(|p| p.borrow_mut().truncate(mark.activities));
    QUEUED.with(|q| q.borrow_mut().truncate(mark.jobs));
    HOURS.with(|h| {
        if let Some(hours) = &mut *h.borrow_mut() {
            hours.truncate(mark.hours);
        }
    });
}

/// The transaction committed: counts what it recorded and rings for the
/// jobs it queued.
pub(crate) fn commit(bell: &JobBell) {
    let mut kinds = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
    // One increment per type (a run of clicks is one type many times).
    kinds.sort_unstable();
    for run in kinds.chunk_by(|a, b| a == b) {
        metrics::counter!("parrain_activities_total", "type" => run[0]).increment(run.len() as u64);
    }
    for kind in QUEUED.with(|q| std::mem::take(&mut *q.borrow_mut())) {
        bell.ring(&kind);
    }
}

/// The transaction failed: nothing it recorded happened.
pub(crate) fn discard() {
    PENDING.with(|p| p.borrow_mut().clear());
    QUEUED.with(|q| q.borrow_mut().clear());
    HOURS.with(|h| *h.borrow_mut() = None);
}
