//! The valid API keys each node has checked, kept under the cache's
//! generation (`cache`); the rest of `Keys` is written once, in `crate::keys`.

use super::PgStore;
use crate::keys::{key_of, COLUMNS};
use crate::{ApiKey, Result};

impl PgStore {
    /// Through the node's cache: a kept key counts once a read of the
    /// generation begun after this call finds it unchanged (see `cache`).
    pub(crate) async fn kept_key(&self, hash: String) -> Result<Option<ApiKey>> {
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
            let Some(found) = conn.client.query_opt(&statement, &[&hash])? else {
                // An unknown key is not kept: it may be created a moment later.
                return Ok(None);
            };
            let row = super::db::row(&found)?;
            let key = key_of(&row)?;
            cache.keep_key(row.int(7)?, hash, key.clone());
            Ok(Some(key))
        })
        .await
    }
}
