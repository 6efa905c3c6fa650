//! API keys, stored as hashes only.

use super::operators::audited;
use crate::Audit;
use async_trait::async_trait;
use parrain_core::ids::KeyId;
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, OptionalExtension, Row};

use super::SqliteStore;
use crate::{ApiKey, KeyKind, Keys, NewKey, Result, StoreError};

const COLUMNS: &str = "id, kind, name, hint, created_at, revoked_at, last_used_at";

fn key_row(row: &Row<'_>) -> r2d2_sqlite::rusqlite::Result<ApiKey> {
    let kind: String = row.get(1)?;
    Ok(ApiKey {
        id: KeyId::from_trusted(row.get(0)?),
        kind: if kind == "secret" {
            KeyKind::Secret
        } else {
            KeyKind::Publishable
        },
        name: row.get(2)?,
        hint: row.get(3)?,
        created_at: row.get(4)?,
        revoked_at: row.get(5)?,
        last_used_at: row.get(6)?,
    })
}

#[async_trait]
impl Keys for SqliteStore {
    async fn insert_key(&self, key: NewKey, audit: Audit<ApiKey>) -> Result<ApiKey> {
        self.write(audited(audit, move |conn| {
            conn.execute(
                "INSERT INTO api_keys (id, kind, name, hint, hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![key.id.as_str(), key.kind.as_str(), key.name, key.hint, key.hash, key.now],
            )?;
            Ok(ApiKey {
                id: key.id,
                kind: key.kind,
                name: key.name,
                hint: key.hint,
                created_at: key.now,
                revoked_at: None,
                last_used_at: None,
            })
        }))
        .await
    }

    async fn insert_first_keys(&self, keys: Vec<NewKey>) -> Result<bool> {
        // The single writer makes the check and the inserts one step.
        self.write(move |conn| {
            let any: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM api_keys)", [], |r| {
                r.get(0)
            })?;
            if any {
                return Ok(false);
            }
            for key in &keys {
                conn.execute(
                    "INSERT INTO api_keys (id, kind, name, hint, hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![key.id.as_str(), key.kind.as_str(), key.name, key.hint, key.hash, key.now],
                )?;
            }
            Ok(true)
        })
        .await
    }

    async fn key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>> {
        let hash = hash.to_owned();
        self.read(move |conn| {
            let sql =
                format!("SELECT {COLUMNS} FROM api_keys WHERE hash = ?1 AND revoked_at IS NULL");
            Ok(conn.query_row(&sql, [hash], key_row).optional()?)
        })
        .await
    }

    async fn list_keys(&self) -> Result<Vec<ApiKey>> {
        self.read(|conn| {
            let sql = format!("SELECT {COLUMNS} FROM api_keys ORDER BY created_at, id");
            let mut stmt = conn.prepare(&sql)?;
            let keys = stmt
                .query_map([], key_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(keys)
        })
        .await
    }

    async fn revoke_key(&self, id: &KeyId, now: Millis, audit: Audit<ApiKey>) -> Result<ApiKey> {
        let id = id.clone();
        self.write(audited(audit, move |conn| {
            conn.execute(
                "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id.as_str(), now],
            )?;
            let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE id = ?1");
            conn.query_row(&sql, [id.as_str()], key_row)
                .optional()?
                .ok_or(StoreError::not_found("key"))
        }))
        .await
    }

    async fn touch_key(&self, id: &KeyId, now: Millis) -> Result<()> {
        let id = id.clone();
        self.write(move |conn| {
            conn.execute(
                "UPDATE api_keys SET last_used_at = ?2
                 WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2)",
                params![id.as_str(), now],
            )?;
            Ok(())
        })
        .await
    }
}
