//! The flows' read of one participant, with this engine's own statements
//! (the `Participants` operations are written once, in `crate::participants`).

use parrain_core::ids::{OfferId, ParticipantId, PersonId};

use postgres::Row;

use parrain_core::attribution::Method;

use crate::{Participant, Result, StoreError};

const SELECT: &str = "SELECT p.id, p.offer_id, p.person_id, pe.email, pe.first_name, pe.last_name,
        p.code, p.fields, p.marketing_consent, p.referred_by, p.credit,
        (COALESCE(o.live, o.draft) #>> '{goal,count}')::BIGINT,
        p.achieved_at, p.fulfilled_at, p.promo_code, p.created_at, p.seq, p.referred_method
    FROM participants p JOIN people pe ON pe.id = p.person_id JOIN offers o ON o.id = p.offer_id";

fn participant_row(r: &Row) -> (i64, Participant) {
    (
        r.get(16),
        Participant {
            id: ParticipantId::from_trusted(r.get(0)),
            offer_id: OfferId::from_trusted(r.get(1)),
            person_id: PersonId::from_trusted(r.get(2)),
            email: r.get(3),
            first_name: r.get(4),
            last_name: r.get(5),
            code: r.get(6),
            fields: r.get(7),
            marketing_consent: r.get(8),
            referred_by: r
                .get::<_, Option<String>>(9)
                .map(ParticipantId::from_trusted),
            credit: r.get(10),
            goal_count: r.get(11),
            achieved_at: r.get(12),
            fulfilled_at: r.get(13),
            promo_code: r.get(14),
            created_at: r.get(15),
            referred_method: r
                .get::<_, Option<String>>(17)
                .as_deref()
                .and_then(Method::parse),
        },
    )
}

pub(crate) fn load_participant(c: &mut impl super::Sql, id: &ParticipantId) -> Result<Participant> {
    c.query_opt(&format!("{SELECT} WHERE p.id = $1"), &[&id.as_str()])?
        .map(|r| participant_row(&r).1)
        .ok_or(StoreError::not_found("participant"))
}
