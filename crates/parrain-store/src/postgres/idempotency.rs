//! Idempotency keys on PostgreSQL; a SERIALIZABLE transaction (run again on
//! a conflict) makes each claim atomic across nodes.

use async_trait::async_trait;

use super::PgStore;
use crate::{ClaimOutcome, Idempotency, IdempotencyClaim, Result, SavedResponse};

#[async_trait]
impl Idempotency for PgStore {
    async fn claim_idempotency_key(&self, claim: IdempotencyClaim) -> Result<ClaimOutcome> {
        self.write(move |tx| {
            tx.with(|t| {
                t.execute(
                    "DELETE FROM idempotency_keys WHERE created_at < $1",
                    &[&claim.expired_before],
                )?;
                let existing = t
                    .query_opt(
                        "SELECT fingerprint, status, content_type, body, created_at
                         FROM idempotency_keys WHERE scope = $1 AND idem_key = $2",
                        &[&claim.scope, &claim.key],
                    )?
                    .map(|r| {
                        let status: Option<i32> = r.get(1);
                        (
                            r.get(0),
                            status.and_then(|s| u16::try_from(s).ok()),
                            r.get(2),
                            r.get(3),
                            r.get(4),
                        )
                    });
                let outcome = crate::idempotency::outcome(&claim, existing);
                if outcome == ClaimOutcome::Claimed {
                    t.execute(
                        "INSERT INTO idempotency_keys (scope, idem_key, fingerprint, created_at)
                         VALUES ($1, $2, $3, $4)
                         ON CONFLICT (scope, idem_key) DO UPDATE
                         SET fingerprint = excluded.fingerprint, created_at = excluded.created_at,
                             status = NULL, content_type = NULL, body = NULL",
                        &[&claim.scope, &claim.key, &claim.fingerprint, &claim.now],
                    )?;
                }
                Ok(outcome)
            })
        })
        .await
    }

    async fn complete_idempotency_key(
        &self,
        scope: String,
        key: String,
        response: SavedResponse,
    ) -> Result<()> {
        self.write(move |tx| {
            tx.with(|t| {
                t.execute(
                    "UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5
                     WHERE scope = $1 AND idem_key = $2",
                    &[
                        &scope,
                        &key,
                        &i32::from(response.status),
                        &response.content_type,
                        &response.body,
                    ],
                )?;
                Ok(())
            })
        })
        .await
    }

    async fn release_idempotency_key(&self, scope: String, key: String) -> Result<()> {
        self.write(move |tx| {
            tx.with(|t| {
                t.execute(
                    "DELETE FROM idempotency_keys
                     WHERE scope = $1 AND idem_key = $2 AND status IS NULL",
                    &[&scope, &key],
                )?;
                Ok(())
            })
        })
        .await
    }
}
