//! Offers as PostgreSQL reads them for its own modules: with the sign-ups
//! not folded yet in their participant count (the `Offers` operations are
//! written once, in `crate::offers`).

use parrain_core::ids::OfferId;
use parrain_core::offer::{OfferSettings, OfferStatus};
use postgres::Row;
use serde_json::Value;

use crate::{Offer, Result, StoreError};

/// The participant count of the offers row `o`: the folded total and the
/// sign-ups not folded yet (see `fold`).
pub(crate) const PARTICIPANTS: &str = "o.participants
    + (SELECT COUNT(*) FROM participant_deltas d WHERE d.offer_id = o.id)";

/// Columns: id, status, live, draft, created_at, updated_at, approved_at, participant count.
pub(crate) fn offer_row(row: &Row) -> Result<Offer> {
    let settings = |i: usize| -> Result<Option<OfferSettings>> {
        let value: Option<Value> = row.get(i);
        Ok(value.map(serde_json::from_value).transpose()?)
    };
    let status: String = row.get(1);
    Ok(Offer {
        id: OfferId::from_trusted(row.get(0)),
        status: OfferStatus::parse(&status)
            .ok_or_else(|| StoreError::database(format!("unknown offer status {status}")))?,
        live: settings(2)?,
        draft: settings(3)?,
        created_at: row.get(4),
        updated_at: row.get(5),
        approved_at: row.get(6),
        participants: row.get(7),
    })
}
