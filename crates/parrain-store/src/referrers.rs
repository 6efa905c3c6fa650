//! The friend's recorded referrer (SPEC §15), written once over the [`Sql`]
//! both backends share: one row per (offer, friend), the first one stays.
//!
//! A friend is its person when parrain knows it, else the browser at hand.
//! Inserting never overwrites, so two requests racing to attribute the same
//! friend both read back the one that was inserted first.

use parrain_core::attribution::{Found, Method};
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::Millis;

use crate::sql::Sql;
use crate::{Result, StoreError};

/// The referrer recorded for the first of `friends` (the person first) that has one.
pub(crate) fn recorded(
    db: &impl Sql,
    offer: &OfferId,
    friends: &[&str],
) -> Result<Option<Found<ParticipantId>>> {
    for friend in friends {
        let row = db.strings(
            "SELECT participant_id || ' ' || method FROM friend_referrers
             WHERE offer_id = ?1 AND friend = ?2",
            &[offer.as_str(), friend],
        )?;
        if let Some(row) = row.first() {
            return parse(row).map(Some);
        }
    }
    Ok(None)
}

/// [`record`]'s statement: `RETURNING` the record when it was inserted.
macro_rules! record_sql {
    () => {
        "INSERT INTO friend_referrers (offer_id, friend, participant_id, method, attributed_at)
         VALUES (?1, ?2, ?3, ?4, CAST(CAST(?5 AS TEXT) AS BIGINT))
         ON CONFLICT (offer_id, friend) DO NOTHING
         RETURNING participant_id || ' ' || method"
    };
}
pub(crate) use record_sql;

/// Records `found` as the friend's referrer unless it has one already;
/// returns the one that stands.
pub(crate) fn record(
    db: &impl Sql,
    offer: &OfferId,
    friend: &str,
    found: &Found<ParticipantId>,
    now: Millis,
) -> Result<Found<ParticipantId>> {
    // The usual case, a friend without a record, is one statement.
    let now = now.to_string();
    let inserted = db.strings(record_sql!(), &record_params(offer, friend, found, &now))?;
    stands(db, offer, friend, inserted.first())
}

/// The parameters of [`record_sql`], `now` as text.
pub(crate) fn record_params<'a>(
    offer: &'a OfferId,
    friend: &'a str,
    found: &'a Found<ParticipantId>,
    now: &'a str,
) -> [&'a str; 5] {
    [
        offer.as_str(),
        friend,
        found.participant.as_str(),
        found.method.as_str(),
        now,
    ]
}

/// The record that stands after [`record_sql`] returned `inserted`: it,
/// or the one another request recorded first.
pub(crate) fn stands(
    db: &impl Sql,
    offer: &OfferId,
    friend: &str,
    inserted: Option<&String>,
) -> Result<Found<ParticipantId>> {
    if let Some(row) = inserted {
        return parse(row);
    }
    recorded(db, offer, &[friend])?
        .ok_or_else(|| StoreError::database("a recorded referrer vanished"))
}

/// Forgets what was recorded for these browsers, once their person has a record.
pub(crate) fn forget_browsers(
    db: &impl Sql,
    offer: &OfferId,
    visitors: &[parrain_core::ids::VisitorId],
) -> Result<()> {
    for visitor in visitors {
        db.exec(
            "DELETE FROM friend_referrers WHERE offer_id = ?1 AND friend = ?2",
            &[offer.as_str(), visitor.as_str()],
        )?;
    }
    Ok(())
}

pub(crate) fn parse(row: &str) -> Result<Found<ParticipantId>> {
    let (participant, method) = row
        .split_once(' ')
        .ok_or_else(|| StoreError::database(format!("bad friend referrer {row}")))?;
    let method = Method::parse(method)
        .ok_or_else(|| StoreError::database(format!("unknown attribution method {method}")))?;
    Ok(Found {
        participant: ParticipantId::from_trusted(participant.to_owned()),
        method,
    })
}
