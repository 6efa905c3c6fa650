//! The flows' read of one participant, with this engine's own statements
//! (the `Participants` operations are written once, in `crate::participants`).

use parrain_core::ids::{OfferId, ParticipantId, PersonId};
use r2d2_sqlite::rusqlite::{Connection, OptionalExtension, Row};

use parrain_core::attribution::Method;

use crate::{Participant, Result, StoreError};

const SELECT: &str = "SELECT p.id, p.offer_id, p.person_id, pe.email, pe.first_name, pe.last_name,
        p.code, p.fields, p.marketing_consent, p.referred_by, p.credit,
        json_extract(COALESCE(o.live, o.draft), '$.goal.count'),
        p.achieved_at, p.fulfilled_at, p.promo_code, p.created_at, p.rowid, p.referred_method
    FROM participants p JOIN people pe ON pe.id = p.person_id JOIN offers o ON o.id = p.offer_id";

fn participant_row(r: &Row<'_>) -> r2d2_sqlite::rusqlite::Result<(i64, Participant)> {
    let fields: String = r.get(7)?;
    Ok((
        r.get(16)?,
        Participant {
            id: ParticipantId::from_trusted(r.get(0)?),
            offer_id: OfferId::from_trusted(r.get(1)?),
            person_id: PersonId::from_trusted(r.get(2)?),
            email: r.get(3)?,
            first_name: r.get(4)?,
            last_name: r.get(5)?,
            code: r.get(6)?,
            fields: serde_json::from_str(&fields).unwrap_or_default(),
            marketing_consent: r.get(8)?,
            referred_by: r
                .get::<_, Option<String>>(9)?
                .map(ParticipantId::from_trusted),
            credit: r.get(10)?,
            goal_count: r.get(11)?,
            achieved_at: r.get(12)?,
            fulfilled_at: r.get(13)?,
            promo_code: r.get(14)?,
            created_at: r.get(15)?,
            referred_method: r
                .get::<_, Option<String>>(17)?
                .as_deref()
                .and_then(Method::parse),
        },
    ))
}

pub(crate) fn load_participant(conn: &Connection, id: &ParticipantId) -> Result<Participant> {
    conn.prepare_cached(&format!("{SELECT} WHERE p.id = ?1"))?
        .query_row([id.as_str()], participant_row)
        .optional()?
        .map(|(_, p)| p)
        .ok_or(StoreError::not_found("participant"))
}
