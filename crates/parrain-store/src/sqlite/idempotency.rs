//! Idempotency keys on SQLite; the single writer makes each claim atomic.

use async_trait::async_trait;
use r2d2_sqlite::rusqlite::{params, OptionalExtension};

use super::SqliteStore;
use crate::{ClaimOutcome, Idempotency, IdempotencyClaim, Result, SavedResponse};

#[async_trait]
impl Idempotency for SqliteStore {
    async fn claim_idempotency_key(&self, claim: IdempotencyClaim) -> Result<ClaimOutcome> {
        self.write(move |conn| {
            conn.execute(
                "DELETE FROM idempotency_keys WHERE created_at < ?1",
                [claim.expired_before],
            )?;
            let existing: Option<crate::idempotency::StoredClaim> = conn
                .query_row(
                    "SELECT fingerprint, status, content_type, body, created_at
                     FROM idempotency_keys WHERE scope = ?1 AND idem_key = ?2",
                    [&claim.scope, &claim.key],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()?;
            let outcome = crate::idempotency::outcome(&claim, existing);
            if outcome == ClaimOutcome::Claimed {
                conn.execute(
                    "INSERT INTO idempotency_keys (scope, idem_key, fingerprint, created_at)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (scope, idem_key) DO UPDATE
                     SET fingerprint = excluded.fingerprint, created_at = excluded.created_at,
                         status = NULL, content_type = NULL, body = NULL",
                    params![claim.scope, claim.key, claim.fingerprint, claim.now],
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
        self.write(move |conn| {
            conn.execute(
                "UPDATE idempotency_keys SET status = ?3, content_type = ?4, body = ?5
                 WHERE scope = ?1 AND idem_key = ?2",
                params![
                    scope,
                    key,
                    response.status,
                    response.content_type,
                    response.body
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn release_idempotency_key(&self, scope: String, key: String) -> Result<()> {
        self.write(move |conn| {
            conn.execute(
                "DELETE FROM idempotency_keys
                 WHERE scope = ?1 AND idem_key = ?2 AND status IS NULL",
                [scope, key],
            )?;
            Ok(())
        })
        .await
    }
}
