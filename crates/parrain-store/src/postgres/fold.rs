//! The folder: adds the counters' pending rows (`activity_hour_deltas`,
//! `participant_deltas`) to their totals (`activity_hours`,
//! `offers.participants`) and deletes them, in one transaction, so each
//! row counts exactly once whenever the folder runs or stops.
//!
//! Requests append a row each instead of updating a shared one, so they
//! never wait for one another there. Every process runs a folder; an
//! advisory lock lets one fold at a time, and a fold takes every row
//! committed when it starts (rows of transactions still open are left for
//! the next fold). Readers add the rows still pending to the totals, so
//! what they see does not depend on when the folder last ran.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use postgres::GenericClient;

use super::Pool;
use crate::Result;

/// How often each process folds.
const EVERY: Duration = Duration::from_millis(500);

/// Any constant: the advisory lock of the fold in progress.
const FOLD_LOCK: i64 = 0x0070_6172_666f_6c64;

/// Folds every pending row committed so far; returns how many hour rows
/// and participant rows it took. Blocking.
pub(crate) fn fold(c: &mut impl GenericClient) -> Result<(u64, u64)> {
    let mut tx = c.transaction()?;
    let locked: bool = tx
        .query_one("SELECT pg_try_advisory_xact_lock($1)", &[&FOLD_LOCK])?
        .get(0);
    if !locked {
        return Ok((0, 0));
    }
    let hours: i64 = tx
        .query_one(
            "WITH taken AS (DELETE FROM activity_hour_deltas RETURNING *),
             summed AS (
                 INSERT INTO activity_hours AS h (offer_id, hour, type, key, count, sessions,
                     referred_sessions, referred_sign_ups, first_seq, last_seq)
                 SELECT offer_id, hour, type, key, COUNT(*), SUM(sessions)::BIGINT,
                        SUM(referred_sessions)::BIGINT, SUM(referred_sign_ups)::BIGINT,
                        MIN(seq), MAX(seq)
                 FROM taken GROUP BY offer_id, hour, type, key
                 ON CONFLICT (offer_id, hour, type, key) DO UPDATE SET
                    count = h.count + EXCLUDED.count,
                    sessions = h.sessions + EXCLUDED.sessions,
                    referred_sessions = h.referred_sessions + EXCLUDED.referred_sessions,
                    referred_sign_ups = h.referred_sign_ups + EXCLUDED.referred_sign_ups,
                    first_seq = LEAST(h.first_seq, EXCLUDED.first_seq),
                    last_seq = GREATEST(h.last_seq, EXCLUDED.last_seq)
                 RETURNING 1)
             SELECT COUNT(*) FROM taken",
            &[],
        )?
        .get(0);
    let participants: i64 = tx
        .query_one(
            "WITH taken AS (DELETE FROM participant_deltas RETURNING offer_id),
             added AS (
                 UPDATE offers o SET participants = o.participants + n.count
                 FROM (SELECT offer_id, COUNT(*) AS count FROM taken GROUP BY offer_id) n
                 WHERE o.id = n.offer_id
                 RETURNING 1)
             SELECT COUNT(*) FROM taken",
            &[],
        )?
        .get(0);
    tx.commit()?;
    Ok((
        u64::try_from(hours).unwrap_or(0),
        u64::try_from(participants).unwrap_or(0),
    ))
}

/// Stops the folder's thread when dropped (with the last clone of the store).
pub(crate) struct Folder {
    _stop: mpsc::Sender<()>,
}

impl Folder {
    /// Starts folding every [`EVERY`] on a thread of its own, which also
    /// holds `also` (another of the store's pools), so that the last
    /// clones of both close their connections on this thread.
    pub(crate) fn start(pool: Pool, also: Pool) -> Self {
        let (stop, stopped) = mpsc::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("parrain-folder".into())
            .spawn(move || loop {
                match stopped.recv_timeout(EVERY) {
                    Err(RecvTimeoutError::Timeout) => {}
                    _ => return drop(also),
                }
                let folded = pool
                    .get()
                    .map_err(crate::StoreError::from)
                    .and_then(|mut c| fold(&mut c.client));
                if let Err(e) = folded {
                    tracing::warn!(error = %e, "folding the counters failed; trying again");
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start the counters' folder");
        }
        Self { _stop: stop }
    }
}
