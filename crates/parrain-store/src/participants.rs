//! Reading participants, and the sign-up and fulfilment flows each in one
//! write, written once over the shared SQL layer (`crate::sql`). The
//! flows' own read of a participant stays in each engine's ledger.

use async_trait::async_trait;
use parrain_core::activity::ActivityType;
use parrain_core::attribution::Method;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;

use crate::flows;
use crate::model::{decode_cursor, page_of};
use crate::sql::{audited, Db, Engine, Row};
use crate::{
    Audit, FulfillOutcome, Page, PageRequest, Participant, ParticipantDetail, ParticipantFilter,
    Participants, ReferredFriend, Result, SignUp, SignedUp, StoreError,
};

/// A participant's shares of a type (`?2`, never a click). The type that is
/// not a click is written out: SQLite's index by participant leaves clicks
/// out (migration 0025), and uses it only for a read that says so.
pub(crate) const SHARES: &str = "SELECT COUNT(*) FROM activities
    WHERE participant_id = ?1 AND type = ?2 AND type <> 'clicks_shared_link'";

/// The participants query, with the offer's goal and each row's position.
fn select<E: Engine>() -> String {
    format!(
        "SELECT p.id, p.offer_id, p.person_id, pe.email, pe.first_name, pe.last_name,
            p.code, p.fields, p.marketing_consent, p.referred_by, p.credit, {goal},
            p.achieved_at, p.fulfilled_at, p.promo_code, p.created_at, p.{seq}, p.referred_method
         FROM participants p JOIN people pe ON pe.id = p.person_id
         JOIN offers o ON o.id = p.offer_id",
        goal = E::json_int("COALESCE(o.live, o.draft)", &["goal", "count"]),
        seq = E::ROW_SEQ,
    )
}

fn participant_of(r: &Row) -> Result<(i64, Participant)> {
    Ok((
        r.int(16)?,
        Participant {
            id: ParticipantId::from_trusted(r.text(0)?),
            offer_id: OfferId::from_trusted(r.text(1)?),
            person_id: PersonId::from_trusted(r.text(2)?),
            email: r.text(3)?,
            first_name: r.opt_text(4)?,
            last_name: r.opt_text(5)?,
            code: r.text(6)?,
            fields: r.opt_json(7).ok().flatten().unwrap_or_default(),
            marketing_consent: r.opt_bool(8)?,
            referred_by: r.opt_text(9)?.map(ParticipantId::from_trusted),
            credit: r.int(10)?,
            goal_count: r.opt_int(11)?,
            achieved_at: r.opt_int(12)?,
            fulfilled_at: r.opt_int(13)?,
            promo_code: r.opt_text(14)?,
            created_at: r.int(15)?,
            referred_method: r.opt_text(17)?.as_deref().and_then(Method::parse),
        },
    ))
}

fn load<E: Engine>(db: &dyn Db, id: &ParticipantId) -> Result<Participant> {
    let found = db.query_opt(
        &format!("{} WHERE p.id = ?1", select::<E>()),
        &[id.as_str().into()],
    )?;
    Ok(participant_of(&found.ok_or(StoreError::not_found("participant"))?)?.1)
}

#[async_trait]
impl<E: Engine> Participants for E {
    async fn sign_up(&self, offer: &OfferId, sign_up: SignUp, now: Millis) -> Result<SignedUp> {
        let offer = offer.clone();
        self.write_flow_db(move |tx| flows::sign_up(tx, &offer, sign_up.clone(), now))
            .await
    }

    async fn pending_code(
        &self,
        offer: &OfferId,
        visitor: VisitorId,
        now: Millis,
    ) -> Result<crate::PendingCode> {
        let offer = offer.clone();
        self.write_flow_db(move |tx| flows::pending_code(tx, &offer, &visitor, now))
            .await
    }

    async fn participant(&self, id: &ParticipantId) -> Result<ParticipantDetail> {
        let id = id.clone();
        self.read_db(move |db| {
            let participant = load::<E>(db, &id)?;
            // A group is one friend: a person, or a browser no person owns.
            let friends = db
                .query(
                    "SELECT MIN(c.friend_person), MIN(pe.email), MIN(c.friend_visitor),
                            COUNT(DISTINCT c.key), MIN(c.created_at), MIN(fr.method)
                     FROM credits c LEFT JOIN people pe ON pe.id = c.friend_person
                     LEFT JOIN friend_referrers fr ON fr.offer_id = c.offer_id
                          AND fr.participant_id = c.participant_id
                          AND fr.friend IN (c.friend_person, c.friend_visitor)
                     WHERE c.participant_id = ?1
                       AND (c.review IS NULL OR c.review IN ('pending', 'approved'))
                     GROUP BY COALESCE(c.friend_person, c.friend_visitor)
                     ORDER BY MIN(c.created_at)",
                    &[id.as_str().into()],
                )?
                .iter()
                .map(|r| {
                    Ok(ReferredFriend {
                        person_id: r.opt_text(0)?.map(PersonId::from_trusted),
                        email: r.opt_text(1)?,
                        visitor_id: r.opt_text(2)?.map(VisitorId::from_trusted),
                        credits: r.int(3)?,
                        first_credited_at: r.int(4)?,
                        method: r.opt_text(5)?.as_deref().and_then(Method::parse),
                    })
                })
                .collect::<Result<_>>()?;
            Ok(ParticipantDetail {
                participant,
                friends,
                rewards: flows::rewards::rewards_of(db, &id)?,
                ineligible: crate::eligibility::ineligible_credits(db, &id)?,
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
        self.read_db(move |db| {
            if !db.exists(
                "SELECT 1 FROM offers WHERE id = ?1",
                &[offer.as_str().into()],
            )? {
                return Err(StoreError::not_found("offer"));
            }
            let sql = format!(
                "{select} WHERE p.offer_id = ?1 AND p.{seq} < ?2
                   AND (CAST(?3 AS BOOLEAN) IS NULL OR (p.achieved_at IS NOT NULL) = ?3)
                   AND (CAST(?4 AS BOOLEAN) IS NULL OR (p.fulfilled_at IS NOT NULL) = ?4)
                   AND (CAST(?6 AS TEXT) IS NULL OR {email})
                   AND ((CAST(?7 AS TEXT) IS NULL AND CAST(?8 AS TEXT) IS NULL) OR EXISTS (
                       SELECT 1 FROM participant_rewards r WHERE r.participant_id = p.id
                         AND (CAST(?7 AS TEXT) IS NULL OR r.reward_id = ?7)
                         AND (CAST(?8 AS TEXT) IS NULL OR r.state = ?8)))
                 ORDER BY p.{seq} DESC LIMIT ?5",
                select = select::<E>(),
                seq = E::ROW_SEQ,
                email = E::contains("pe.email", "?6"),
            );
            let email = filter.email.map(|e| e.to_lowercase());
            let flag = |b: Option<bool>| b.map_or(crate::sql::Param::Int(None), Into::into);
            let rows = db
                .query(
                    &sql,
                    &[
                        offer.as_str().into(),
                        before.into(),
                        flag(filter.achieved),
                        flag(filter.fulfilled),
                        (i64::from(page.limit) + 1).into(),
                        email.as_deref().into(),
                        filter.reward.as_deref().into(),
                        filter.reward_state.map(|s| s.as_str()).into(),
                    ],
                )?
                .iter()
                .map(participant_of)
                .collect::<Result<_>>()?;
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
        self.read_db(move |db| {
            let found = db.query_opt(
                &format!("{} WHERE p.offer_id = ?1 AND pe.email = ?2", select::<E>()),
                &[offer.as_str().into(), email.as_str().into()],
            )?;
            let Some(row) = found else { return Ok(None) };
            let participant = participant_of(&row)?.1;
            let shares = db.query(
                SHARES,
                &[
                    participant.id.as_str().into(),
                    ActivityType::SharesContent.as_str().into(),
                ],
            )?;
            let shares = shares.first().map_or(Ok(0), |r| r.int(0))?;
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
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            flows::fulfil_by_hand(tx, &id, now)
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
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            flows::fulfil_many(tx, &offer, ids.clone(), now)
        }))
        .await
    }
}
