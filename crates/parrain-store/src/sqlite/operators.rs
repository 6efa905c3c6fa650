//! The audit entry of a change written by a SQLite module of its own (the
//! `Operators` operations are written once, in `crate::operators`).

use r2d2_sqlite::rusqlite::Connection;

use crate::operators::insert_audit;
use crate::{Audit, Result};

/// `work`, then its audit entry, in `work`'s transaction (the entry is
/// written only if `work` succeeds, and both are kept or neither).
pub(crate) fn audited<T, F>(
    audit: Audit<T>,
    work: F,
) -> impl FnOnce(&Connection) -> Result<T> + Send + 'static
where
    T: 'static,
    F: FnOnce(&Connection) -> Result<T> + Send + 'static,
{
    move |conn| {
        let value = work(conn)?;
        if let Some(entry) = audit.for_value(&value) {
            insert_audit(conn, &entry)?;
        }
        Ok(value)
    }
}
