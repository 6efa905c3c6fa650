//! What the `Idempotency-Key` middleware asks of a store: claim a key, save
//! the response the first request got, or let the key go when it failed.
//!
//! A claim is one row per (API key, Idempotency-Key). Claiming is atomic on
//! both backends, so of two requests racing with one key exactly one runs.
//! A claim left running by a crashed process is taken over once it is older
//! than the caller's `stale_before`, so a retry is never refused forever:
//! on SQLite the single writer makes each claim atomic, on PostgreSQL a
//! SERIALIZABLE transaction (run again on a conflict) does, across nodes.
//! Written once over the shared SQL layer (`crate::sql`).

use async_trait::async_trait;
use parrain_core::Millis;

use crate::sql::{Db, Engine, Param};
use crate::Result;

/// A request that wants to run under an `Idempotency-Key`.
#[derive(Debug, Clone)]
pub struct IdempotencyClaim {
    /// Whose key this is: the API key's id, so two keys never share replays.
    pub scope: String,
    /// The client's `Idempotency-Key`.
    pub key: String,
    /// A hash of what was asked (method, path, body): a retry must match it.
    pub fingerprint: String,
    pub now: Millis,
    /// Claims created before this are forgotten (the retention window).
    pub expired_before: Millis,
    /// Unfinished claims created before this belonged to a process that died.
    pub stale_before: Millis,
}

/// A response worth replaying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// What became of a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The key is the caller's: run the request, then complete or release.
    Claimed,
    /// The same request is still running elsewhere.
    Running,
    /// The key was used for another request.
    Mismatch,
    /// The same request already ran: this is what it answered.
    Replay(SavedResponse),
}

#[async_trait]
pub trait Idempotency: Send + Sync {
    /// Claims `claim.key` for this request (see [`ClaimOutcome`]).
    async fn claim_idempotency_key(&self, claim: IdempotencyClaim) -> Result<ClaimOutcome>;
    /// Saves the response of a claimed request, for replay.
    async fn complete_idempotency_key(
        &self,
        scope: String,
        key: String,
        response: SavedResponse,
    ) -> Result<()>;
    /// Lets a claimed key go unanswered (the request failed on our side and
    /// changed nothing), so that a retry runs again.
    async fn release_idempotency_key(&self, scope: String, key: String) -> Result<()>;
}

/// A stored claim: fingerprint, status (`None` while running), content type,
/// body, creation time.
pub(crate) type StoredClaim = (String, Option<u16>, Option<String>, Option<Vec<u8>>, i64);

/// The decision both backends share, given the row already held for the key.
pub(crate) fn outcome(claim: &IdempotencyClaim, existing: Option<StoredClaim>) -> ClaimOutcome {
    let Some((fingerprint, status, content_type, body, created_at)) = existing else {
        return ClaimOutcome::Claimed;
    };
    if fingerprint != claim.fingerprint {
        return ClaimOutcome::Mismatch;
    }
    match status {
        Some(status) => ClaimOutcome::Replay(SavedResponse {
            status,
            content_type,
            body: body.unwrap_or_default(),
        }),
        None if created_at < claim.stale_before => ClaimOutcome::Claimed,
        None => ClaimOutcome::Running,
    }
}

#[async_trait]
impl<E: Engine> Idempotency for E {
    async fn claim_idempotency_key(&self, claim: IdempotencyClaim) -> Result<ClaimOutcome> {
        self.write_db(move |tx| {
            tx.execute(
                "DELETE FROM idempotency_keys WHERE created_at < ?1",
                &[claim.expired_before.into()],
            )?;
            let existing = tx
                .query_opt(
                    "SELECT fingerprint, status, content_type, body, created_at
                     FROM idempotency_keys WHERE scope = ?1 AND idem_key = ?2",
                    &[(&claim.scope).into(), (&claim.key).into()],
                )?
                .map(|r| -> Result<StoredClaim> {
                    Ok((
                        r.text(0)?,
                        r.opt_int(1)?.and_then(|s| u16::try_from(s).ok()),
                        r.opt_text(2)?,
                        r.opt_bytes(3)?,
                        r.int(4)?,
                    ))
                })
                .transpose()?;
            let outcome = outcome(&claim, existing);
            if outcome == ClaimOutcome::Claimed {
                tx.execute(
                    "INSERT INTO idempotency_keys (scope, idem_key, fingerprint, created_at)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (scope, idem_key) DO UPDATE
                     SET fingerprint = excluded.fingerprint, created_at = excluded.created_at,
                         status = NULL, content_type = NULL, body = NULL",
                    &[
                        (&claim.scope).into(),
                        (&claim.key).into(),
                        (&claim.fingerprint).into(),
                        claim.now.into(),
                    ],
                )?;
            }
            Ok(outcome)
        })
        .await
    }

    async fn complete_idempotency_key(
        &self,
        scope: String,
        key: String,
        response: SavedResponse,
    ) -> Result<()> {
        self.write_db(move |tx| {
            tx.execute(
                "UPDATE idempotency_keys SET status = ?3, content_type = ?4, body = ?5
                 WHERE scope = ?1 AND idem_key = ?2",
                &[
                    (&scope).into(),
                    (&key).into(),
                    i64::from(response.status).into(),
                    response.content_type.as_deref().into(),
                    Param::Bytes(Some(&response.body)),
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn release_idempotency_key(&self, scope: String, key: String) -> Result<()> {
        self.write_db(move |tx| {
            tx.execute(
                "DELETE FROM idempotency_keys
                 WHERE scope = ?1 AND idem_key = ?2 AND status IS NULL",
                &[(&scope).into(), (&key).into()],
            )?;
            Ok(())
        })
        .await
    }
}
