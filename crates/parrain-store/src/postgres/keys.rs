//! The valid API keys each node has checked, kept under the cache's
//! generation (`cache`); the rest of `Keys` is written once, in `crate::keys`.

use std::sync::Arc;

use super::cache::NodeCache;
use super::{Conn, PgStore};
use crate::keys::{key_of, COLUMNS};
use crate::trust::Trust;
use crate::{ApiKey, Result, StoreError};

impl PgStore {
    /// Through the node's cache: a kept key counts once a read of the
    /// generation begun after this call finds it unchanged (see `cache`).
    /// Within a request's `trust::scope`, a kept key lets the request in at
    /// once, and that read is left to the request's own use of the store.
    pub(crate) async fn kept_key(&self, hash: String) -> Result<Option<ApiKey>> {
        if let Some(trust) = crate::trust::current() {
            if let Some((key, _)) = self.cache.key(&hash) {
                trust.trust(hash);
                return Ok(Some(key));
            }
        }
        self.read_kept(move |conn, cache| look_up(conn, cache, &hash))
            .await
    }
}

/// The valid key with this hash, as a read of the generation begun after
/// this call has it.
fn look_up(conn: &mut Conn, cache: &NodeCache, hash: &str) -> Result<Option<ApiKey>> {
    if let Some((key, kept_under)) = cache.key(hash) {
        if cache.current(&mut conn.client)? == kept_under {
            return Ok(Some(key));
        }
    }
    let sql = format!(
        "SELECT {COLUMNS}, (SELECT generation FROM cache_generation)
         FROM api_keys WHERE hash = $1 AND revoked_at IS NULL"
    );
    let statement = conn.prepared(&sql)?;
    let Some(found) = conn.client.query_opt(&statement, &[&hash])? else {
        // An unknown key is not kept: it may be created a moment later.
        return Ok(None);
    };
    let row = super::db::row(&found)?;
    let key = key_of(&row)?;
    cache.keep_key(row.int(7)?, hash.to_owned(), key.clone());
    Ok(Some(key))
}

/// The key the running request was let in on, while it waits for
/// confirmation (see `crate::trust`).
pub(crate) fn waiting() -> Option<(Arc<Trust>, String)> {
    let trust = crate::trust::current()?;
    let hash = trust.unconfirmed()?;
    Some((trust, hash))
}

/// Before a use of the store other than a request flow: confirms the key
/// the request was let in on.
pub(crate) fn confirm(
    conn: &mut Conn,
    cache: &NodeCache,
    waiting: &(Arc<Trust>, String),
) -> Result<()> {
    let (trust, hash) = waiting;
    match look_up(conn, cache, hash)? {
        Some(_) => {
            trust.confirmed(hash);
            Ok(())
        }
        None => Err(StoreError::KeyRefused),
    }
}
