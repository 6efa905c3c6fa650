//! API keys, stored as hashes only, written once over the shared SQL layer
//! (`crate::sql`). Only finding a key by its hash is the engine's own
//! ([`Engine::find_key`]): PostgreSQL keeps the valid keys each node has
//! checked under its cache's generation (`postgres/keys.rs`).

use std::sync::Arc;

use async_trait::async_trait;
use parrain_core::ids::KeyId;
use parrain_core::Millis;

use crate::sql::{audited, Db, Engine, Row};
use crate::{ApiKey, Audit, KeyKind, Keys, NewKey, Result, StoreError};

pub(crate) const COLUMNS: &str = "id, kind, name, hint, created_at, revoked_at, last_used_at";

/// Any constant: the lock under which first keys are created.
const FIRST_KEYS_LOCK: i64 = 0x0070_6172_6b65_7973;

/// A key from the columns of [`COLUMNS`].
pub(crate) fn key_of(r: &Row) -> Result<ApiKey> {
    Ok(ApiKey {
        id: KeyId::from_trusted(r.text(0)?),
        kind: if r.text(1)? == "secret" {
            KeyKind::Secret
        } else {
            KeyKind::Publishable
        },
        name: r.text(2)?,
        hint: r.text(3)?,
        created_at: r.int(4)?,
        revoked_at: r.opt_int(5)?,
        last_used_at: r.opt_int(6)?,
    })
}

fn insert(tx: &dyn Db, key: &NewKey) -> Result<()> {
    tx.execute(
        "INSERT INTO api_keys (id, kind, name, hint, hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[
            key.id.as_str().into(),
            key.kind.as_str().into(),
            (&key.name).into(),
            (&key.hint).into(),
            (&key.hash).into(),
            key.now.into(),
        ],
    )?;
    Ok(())
}

/// The valid key whose hash is `hash`, read from the database.
pub(crate) fn by_hash(db: &dyn Db, hash: &str) -> Result<Option<ApiKey>> {
    db.query_opt(
        &format!("SELECT {COLUMNS} FROM api_keys WHERE hash = ?1 AND revoked_at IS NULL"),
        &[hash.into()],
    )?
    .map(|r| key_of(&r))
    .transpose()
}

#[async_trait]
impl<E: Engine> Keys for E {
    async fn insert_key(&self, key: NewKey, audit: Audit<ApiKey>) -> Result<ApiKey> {
        let key = Arc::new(key);
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            insert(tx, &key)?;
            Ok(ApiKey {
                id: key.id.clone(),
                kind: key.kind,
                name: key.name.clone(),
                hint: key.hint.clone(),
                created_at: key.now,
                revoked_at: None,
                last_used_at: None,
            })
        }))
        .await
    }

    async fn insert_first_keys(&self, keys: Vec<NewKey>) -> Result<bool> {
        // The check and the inserts are one step: under SQLite's one writer;
        // on PostgreSQL under a lock held to the commit, at READ COMMITTED,
        // so a second process starting at once waits for it, then finds the
        // first one's keys.
        self.write_flow_db(move |tx| {
            E::lock(tx, FIRST_KEYS_LOCK)?;
            if tx.exists("SELECT 1 FROM api_keys LIMIT 1", &[])? {
                return Ok(false);
            }
            for key in &keys {
                insert(tx, key)?;
            }
            Ok(true)
        })
        .await
    }

    async fn key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>> {
        self.find_key(hash.to_owned()).await
    }

    fn keeps_keys(&self) -> bool {
        E::KEEPS_KEYS
    }

    async fn list_keys(&self) -> Result<Vec<ApiKey>> {
        self.read_db(|db| {
            let sql = format!("SELECT {COLUMNS} FROM api_keys ORDER BY created_at, id");
            db.query(&sql, &[])?.iter().map(key_of).collect()
        })
        .await
    }

    async fn revoke_key(&self, id: &KeyId, now: Millis, audit: Audit<ApiKey>) -> Result<ApiKey> {
        let id = id.clone();
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            tx.execute(
                "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                &[id.as_str().into(), now.into()],
            )?;
            let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE id = ?1");
            tx.query_opt(&sql, &[id.as_str().into()])?
                .map(|r| key_of(&r))
                .transpose()?
                .ok_or(StoreError::not_found("key"))
        }))
        .await
    }

    async fn touch_key(&self, id: &KeyId, now: Millis) -> Result<()> {
        let id = id.clone();
        self.write_locked_db(move |tx| {
            tx.execute(
                "UPDATE api_keys SET last_used_at = ?2
                 WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2)",
                &[id.as_str().into(), now.into()],
            )?;
            Ok(())
        })
        .await
    }
}
