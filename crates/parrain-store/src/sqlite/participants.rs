//! Participants: reading them, and the sign-up and fulfilment flows in a transaction.

use super::operators::audited;
use crate::Audit;
use async_trait::async_trait;
use parrain_core::activity::ActivityType;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension, Row};

use super::ledger::load_offer;
use super::{decode_cursor, page_of, SqliteStore};
use crate::flows;
use parrain_core::attribution::Method;

use crate::{
    FulfillOutcome, Page, PageRequest, Participant, ParticipantDetail, ParticipantFilter,
    Participants, ReferredFriend, Result, SignUp, SignedUp, StoreError,
};

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

#[async_trait]
impl Participants for SqliteStore {
    async fn sign_up(&self, offer: &OfferId, sign_up: SignUp, now: Millis) -> Result<SignedUp> {
        let offer = offer.clone();
        self.write(move |conn| flows::sign_up(conn, &offer, sign_up, now))
            .await
    }

    async fn pending_code(
        &self,
        offer: &OfferId,
        visitor: VisitorId,
        now: Millis,
    ) -> Result<crate::PendingCode> {
        let offer = offer.clone();
        self.write(move |conn| flows::pending_code(conn, &offer, &visitor, now))
            .await
    }

    async fn participant(&self, id: &ParticipantId) -> Result<ParticipantDetail> {
        let id = id.clone();
        self.read(move |conn| {
            let participant = load_participant(conn, &id)?;
            let mut stmt = conn.prepare(
                "SELECT c.friend_person, pe.email, MIN(c.friend_visitor), COUNT(DISTINCT c.key), MIN(c.created_at),
                        MIN(fr.method)
                 FROM credits c LEFT JOIN people pe ON pe.id = c.friend_person
                 LEFT JOIN friend_referrers fr ON fr.offer_id = c.offer_id
                      AND fr.participant_id = c.participant_id
                      AND fr.friend IN (c.friend_person, c.friend_visitor)
                 WHERE c.participant_id = ?1
                   AND (c.review IS NULL OR c.review IN ('pending', 'approved'))
                 GROUP BY COALESCE(c.friend_person, c.friend_visitor) ORDER BY MIN(c.created_at)",
            )?;
            let friends = stmt
                .query_map([id.as_str()], |r| {
                    Ok(ReferredFriend {
                        person_id: r.get::<_, Option<String>>(0)?.map(PersonId::from_trusted),
                        email: r.get(1)?,
                        visitor_id: r.get::<_, Option<String>>(2)?.map(VisitorId::from_trusted),
                        credits: r.get(3)?,
                        first_credited_at: r.get(4)?,
                        method: r.get::<_, Option<String>>(5)?.as_deref().and_then(Method::parse),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let rewards = flows::rewards::rewards_of(conn, &id)?;
            let ineligible = crate::eligibility::ineligible_credits(conn, &id)?;
            Ok(ParticipantDetail {
                participant,
                friends,
                rewards,
                ineligible,
            })
        })
        .await
    }

    async fn list_participants(
        &self,
        offer: &OfferId,
        filter: ParticipantFilter,
        page: PageRequest,
    ) -> Result<Page<Participant>> {
        let offer = offer.clone();
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read(move |conn| {
            load_offer(conn, &offer)?;
            let sql = format!(
                "{SELECT} WHERE p.offer_id = ?1 AND p.rowid < ?2
                   AND (?3 IS NULL OR (p.achieved_at IS NOT NULL) = ?3)
                   AND (?4 IS NULL OR (p.fulfilled_at IS NOT NULL) = ?4)
                   AND (?6 IS NULL OR instr(pe.email, ?6) > 0)
                   AND ((?7 IS NULL AND ?8 IS NULL) OR EXISTS (
                       SELECT 1 FROM participant_rewards r WHERE r.participant_id = p.id
                         AND (?7 IS NULL OR r.reward_id = ?7) AND (?8 IS NULL OR r.state = ?8)))
                 ORDER BY p.rowid DESC LIMIT ?5"
            );
            let rows = conn
                .prepare(&sql)?
                .query_map(
                    params![
                        offer.as_str(),
                        before,
                        filter.achieved,
                        filter.fulfilled,
                        page.limit + 1,
                        filter.email.map(|e| e.to_lowercase()),
                        filter.reward,
                        filter.reward_state.map(|s| s.as_str()),
                    ],
                    participant_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(page_of(rows, page.limit))
        })
        .await
    }

    async fn find_participant(
        &self,
        offer: &OfferId,
        email: &Email,
    ) -> Result<Option<(Participant, i64)>> {
        let (offer, email) = (offer.clone(), email.clone());
        self.read(move |conn| {
            let found = conn
                .prepare_cached(&format!("{SELECT} WHERE p.offer_id = ?1 AND pe.email = ?2"))?
                .query_row([offer.as_str(), email.as_str()], participant_row)
                .optional()?;
            let Some((_, participant)) = found else {
                return Ok(None);
            };
            let shares = conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM activities WHERE participant_id = ?1 AND type = ?2",
                )?
                .query_row(
                    [
                        participant.id.as_str(),
                        ActivityType::SharesContent.as_str(),
                    ],
                    |r| r.get(0),
                )?;
            Ok(Some((participant, shares)))
        })
        .await
    }

    async fn fulfill(
        &self,
        id: &ParticipantId,
        now: Millis,
        audit: Audit<Participant>,
    ) -> Result<Participant> {
        let id = id.clone();
        self.write(audited(audit, move |conn| {
            flows::fulfil_by_hand(conn, &id, now)
        }))
        .await
    }

    async fn fulfill_many(
        &self,
        offer: &OfferId,
        ids: Vec<ParticipantId>,
        now: Millis,
        audit: Audit<Vec<FulfillOutcome>>,
    ) -> Result<Vec<FulfillOutcome>> {
        let offer = offer.clone();
        self.write(audited(audit, move |conn| {
            flows::fulfil_many(conn, &offer, ids, now)
        }))
        .await
    }
}
