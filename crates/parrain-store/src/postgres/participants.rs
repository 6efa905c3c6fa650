//! Participants: reading them, and the sign-up and fulfilment flows in a transaction.

use super::operators::audited;
use crate::Audit;
use async_trait::async_trait;
use parrain_core::activity::ActivityType;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use std::cell::RefCell;

use postgres::Row;

use super::privacy::Reader;

use super::offers::load_offer;
use super::{fetch_limit, PgStore};
use crate::flows;
use crate::sqlite::{decode_cursor, page_of};
use parrain_core::attribution::Method;

use crate::{
    FulfillOutcome, Page, PageRequest, Participant, ParticipantDetail, ParticipantFilter,
    Participants, ReferredFriend, Result, SignUp, SignedUp, StoreError,
};

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

#[async_trait]
impl Participants for PgStore {
    async fn sign_up(&self, offer: &OfferId, sign_up: SignUp, now: Millis) -> Result<SignedUp> {
        let offer = offer.clone();
        self.write_flow(move |tx| flows::sign_up(tx, &offer, sign_up.clone(), now))
            .await
    }

    async fn pending_code(
        &self,
        offer: &OfferId,
        visitor: VisitorId,
        now: Millis,
    ) -> Result<crate::PendingCode> {
        let offer = offer.clone();
        self.write_flow(move |tx| flows::pending_code(tx, &offer, &visitor, now))
            .await
    }

    async fn participant(&self, id: &ParticipantId) -> Result<ParticipantDetail> {
        let id = id.clone();
        self.read(move |c| {
            let participant = load_participant(c, &id)?;
            // A group is one friend: a person, or a browser no person owns.
            let friends = c
                .query(
                    "SELECT MIN(c.friend_person), MIN(pe.email), MIN(c.friend_visitor), COUNT(DISTINCT c.key),
                            MIN(c.created_at), MIN(fr.method)
                     FROM credits c LEFT JOIN people pe ON pe.id = c.friend_person
                     LEFT JOIN friend_referrers fr ON fr.offer_id = c.offer_id
                          AND fr.participant_id = c.participant_id
                          AND fr.friend IN (c.friend_person, c.friend_visitor)
                     WHERE c.participant_id = $1
                       AND (c.review IS NULL OR c.review IN ('pending', 'approved'))
                     GROUP BY COALESCE(c.friend_person, c.friend_visitor) ORDER BY MIN(c.created_at)",
                    &[&id.as_str()],
                )?
                .iter()
                .map(|r| ReferredFriend {
                    person_id: r.get::<_, Option<String>>(0).map(PersonId::from_trusted),
                    email: r.get(1),
                    visitor_id: r.get::<_, Option<String>>(2).map(VisitorId::from_trusted),
                    credits: r.get(3),
                    first_credited_at: r.get(4),
                    method: r.get::<_, Option<String>>(5).as_deref().and_then(Method::parse),
                })
                .collect();
            let rewards = flows::rewards::rewards_of(&Reader(RefCell::new(c)), &id)?;
            let ineligible = crate::eligibility::ineligible_credits(&Reader(RefCell::new(c)), &id)?;
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
        self.read(move |c| {
            load_offer(c, &offer)?;
            let sql = format!(
                "{SELECT} WHERE p.offer_id = $1 AND p.seq < $2
                   AND ($3::BOOLEAN IS NULL OR (p.achieved_at IS NOT NULL) = $3)
                   AND ($4::BOOLEAN IS NULL OR (p.fulfilled_at IS NOT NULL) = $4)
                   AND ($6::TEXT IS NULL OR strpos(pe.email, $6) > 0)
                   AND (($7::TEXT IS NULL AND $8::TEXT IS NULL) OR EXISTS (
                       SELECT 1 FROM participant_rewards r WHERE r.participant_id = p.id
                         AND ($7::TEXT IS NULL OR r.reward_id = $7)
                         AND ($8::TEXT IS NULL OR r.state = $8)))
                 ORDER BY p.seq DESC LIMIT $5"
            );
            let rows = c
                .query(
                    &sql,
                    &[
                        &offer.as_str(),
                        &before,
                        &filter.achieved,
                        &filter.fulfilled,
                        &fetch_limit(page.limit),
                        &filter.email.map(|e| e.to_lowercase()),
                        &filter.reward,
                        &filter.reward_state.map(|s| s.as_str()),
                    ],
                )?
                .iter()
                .map(participant_row)
                .collect();
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
        self.read(move |c| {
            let found = c.query_opt(
                &format!("{SELECT} WHERE p.offer_id = $1 AND pe.email = $2"),
                &[&offer.as_str(), &email.as_str()],
            )?;
            let Some(row) = found else { return Ok(None) };
            let participant = participant_row(&row).1;
            let shares: i64 = c
                .query_one(
                    "SELECT COUNT(*) FROM activities WHERE participant_id = $1 AND type = $2",
                    &[
                        &participant.id.as_str(),
                        &ActivityType::SharesContent.as_str(),
                    ],
                )?
                .get(0);
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
        self.write(audited(audit, move |tx| {
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
        self.write(audited(audit, move |tx| {
            flows::fulfil_many(tx, &offer, ids.clone(), now)
        }))
        .await
    }
}
