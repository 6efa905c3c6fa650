//! The audit entry of a change written by a PostgreSQL module of its own
//! (the `Operators` operations are written once, in `crate::operators`).

use super::PgTx;
use crate::operators::insert_audit;
use crate::{Audit, Result};

/// `work`, then its audit entry, in `work`'s transaction (the entry is
/// written only if `work` succeeds, and both are kept or neither; a retried
/// transaction writes it again with the change).
pub(crate) fn audited<T, F>(
    audit: Audit<T>,
    work: F,
) -> impl Fn(&PgTx<'_>) -> Result<T> + Send + 'static
where
    T: 'static,
    F: Fn(&PgTx<'_>) -> Result<T> + Send + 'static,
{
    move |tx| {
        let value = work(tx)?;
        if let Some(entry) = audit.for_value(&value) {
            insert_audit(tx, &entry)?;
        }
        Ok(value)
    }
}
