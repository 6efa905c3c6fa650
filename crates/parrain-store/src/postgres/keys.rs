//! API keys, stored as hashes only; the valid ones each node has checked
//! are kept under the cache's generation (`cache`).

use super::operators::audited;
use crate::Audit;
use async_trait::async_trait;
use parrain_core::ids::KeyId;
use parrain_core::Millis;
use postgres::Row;

use super::PgStore;
use crate::{ApiKey, KeyKind, Keys, NewKey, Result, StoreError};

/// Any constant: the advisory lock under which first keys are created.
const FIRST_KEYS_LOCK: i64 = 0x0070_6172_6b65_7973;

const COLUMNS: &str = "id, kind, name, hint, created_at, revoked_at, last_used_at";

fn key_row(row: &Row) -> ApiKey {
    let kind: String = row.get(1);
    ApiKey {
        id: KeyId::from_trusted(row.get(0)),
        kind: if kind == "secret" {
            KeyKind::Secret
        } else {
            KeyKind::Publishable
        },
        name: row.get(2),
        hint: row.get(3),
        created_at: row.get(4),
        revoked_at: row.get(5),
        last_used_at: row.get(6),
    }
}

#[async_trait]
impl Keys for PgStore {
    async fn insert_key(&self, key: NewKey, audit: Audit<ApiKey>) -> Result<ApiKey> {
        let key = std::sync::Arc::new(key);
        self.write(audited(audit, move |tx| {
            tx.with(|t| {
                t.execute(
                    "INSERT INTO api_keys (id, kind, name, hint, hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    &[&key.id.as_str(), &key.kind.as_str(), &key.name, &key.hint, &key.hash, &key.now],
                )?;
                Ok(ApiKey {
                    id: key.id.clone(),
                    kind: key.kind,
                    name: key.name.clone(),
                    hint: key.hint.clone(),
                    created_at: key.now,
                    revoked_at: None,
                last_used_at: None,
                })
            })
        }))
        .await
    }

    async fn insert_first_keys(&self, keys: Vec<NewKey>) -> Result<bool> {
        let keys = std::sync::Arc::new(keys);
        // READ COMMITTED: the check after the lock sees what was committed
        // while waiting for it.
        self.write_flow(move |tx| {
            tx.with(|t| {
                // Held to the commit: a second process starting at once waits
                // here, then finds the first one's keys.
                t.execute("SELECT pg_advisory_xact_lock($1)", &[&FIRST_KEYS_LOCK])?;
                let any: bool = t
                    .query_one("SELECT EXISTS (SELECT 1 FROM api_keys)", &[])?
                    .get(0);
                if any {
                    return Ok(false);
                }
                for key in keys.iter() {
                    t.execute(
                        "INSERT INTO api_keys (id, kind, name, hint, hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                        &[&key.id.as_str(), &key.kind.as_str(), &key.name, &key.hint, &key.hash, &key.now],
                    )?;
                }
                Ok(true)
            })
        })
        .await
    }

    /// Through the node's cache: a kept key counts once a read of the
    /// generation begun after this call finds it unchanged (see `cache`).
    async fn key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>> {
        let hash = hash.to_owned();
        self.read_kept(move |conn, cache| {
            if let Some((key, kept_under)) = cache.key(&hash) {
                if cache.current(&mut conn.client)? == kept_under {
                    return Ok(Some(key));
                }
            }
            let sql = format!(
                "SELECT {COLUMNS}, (SELECT generation FROM cache_generation)
                 FROM api_keys WHERE hash = $1 AND revoked_at IS NULL"
            );
            let statement = conn.prepared(&sql)?;
            let Some(row) = conn.client.query_opt(&statement, &[&hash])? else {
                // An unknown key is not kept: it may be created a moment later.
                return Ok(None);
            };
            let key = key_row(&row);
            cache.keep_key(row.get(7), hash, key.clone());
            Ok(Some(key))
        })
        .await
    }

    fn keeps_keys(&self) -> bool {
        true
    }

    async fn list_keys(&self) -> Result<Vec<ApiKey>> {
        self.read(|c| {
            let sql = format!("SELECT {COLUMNS} FROM api_keys ORDER BY created_at, id");
            Ok(c.query(&sql, &[])?.iter().map(key_row).collect())
        })
        .await
    }

    async fn revoke_key(&self, id: &KeyId, now: Millis, audit: Audit<ApiKey>) -> Result<ApiKey> {
        let id = id.clone();
        self.write(audited(audit, move |tx| {
            tx.with(|t| {
                t.execute(
                    "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                    &[&id.as_str(), &now],
                )?;
                let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE id = $1");
                t.query_opt(&sql, &[&id.as_str()])?
                    .map(|r| key_row(&r))
                    .ok_or(StoreError::not_found("key"))
            })
        }))
        .await
    }

    async fn touch_key(&self, id: &KeyId, now: Millis) -> Result<()> {
        let id = id.clone();
        self.write_locked(move |tx| {
            tx.with(|t| {
                t.execute(
                    "UPDATE api_keys SET last_used_at = $2
                     WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)",
                    &[&id.as_str(), &now],
                )?;
                Ok(())
            })
        })
        .await
    }
}
