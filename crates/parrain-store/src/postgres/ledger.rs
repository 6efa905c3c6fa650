//! PostgreSQL's side of the write flows: the [`LedgerTx`] primitives of
//! `crate::flows`, statement for statement the ones of `sqlite/ledger.rs`.

use std::sync::Arc;

use parrain_core::activity::ActivityType;
use parrain_core::attribution::Touch;
use parrain_core::credit::Progress;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use serde_json::Value;

use crate::flows::{FriendIds, LedgerTx, NewParticipant, Who};
use crate::JobPayload;
use crate::{Offer, Participant, Result, StoreError};

use super::cache::{Endpoint, Fill};
use super::log::{enqueue, record};
use super::offers::offer_row;
use super::{PgTx, Sql};

fn opt<T>(value: Option<String>, wrap: fn(String) -> T) -> Option<T> {
    value.map(wrap)
}

impl PgTx<'_> {
    /// The enabled webhook endpoints, which every recorded activity is
    /// matched against: kept by the node for the request flows.
    fn endpoints(&self) -> Result<Arc<Vec<Endpoint>>> {
        let cache = self.cache.map(|c| c.webhooks());
        if let Some(Some((endpoints, generation))) = cache {
            self.uses(generation)?;
            return Ok(endpoints);
        }
        let (endpoints, generation) = self.prep(|t| super::webhooks::enabled(t))?;
        let endpoints = Arc::new(endpoints);
        if cache.is_some() {
            self.fill(generation, Fill::Webhooks(endpoints.clone()))?;
        }
        Ok(endpoints)
    }
}

impl LedgerTx for PgTx<'_> {
    /// Without the participant count, which no flow reads. Read once per
    /// transaction (see `tx::Memo`), and kept by the node for the request
    /// flows (see `cache`).
    fn offer(&self, id: &OfferId) -> Result<Arc<Offer>> {
        if let Some(offer) = self.memo.offers.borrow().get(id.as_str()) {
            return Ok(offer.clone());
        }
        let offer = match self.cache {
            Some(cache) => match cache.offer(id.as_str()) {
                Some((offer, generation)) => {
                    self.uses(generation)?;
                    offer
                }
                None => {
                    let (offer, generation) = self.prep(|t| {
                        let row = t
                            .query_opt(
                                "SELECT id, status, live, draft, created_at, updated_at, approved_at, 0::BIGINT,
                                        (SELECT generation FROM cache_generation)
                                 FROM offers WHERE id = $1",
                                &[&id.as_str()],
                            )?
                            .ok_or(StoreError::not_found("offer"))?;
                        Ok((Arc::new(offer_row(&row)?), row.get::<_, i64>(8)))
                    })?;
                    self.fill(generation, Fill::Offer(offer.clone()))?;
                    offer
                }
            },
            None => self.prep(|t| {
                t.query_opt(
                    "SELECT id, status, live, draft, created_at, updated_at, approved_at, 0::BIGINT
                     FROM offers WHERE id = $1",
                    &[&id.as_str()],
                )?
                .ok_or(StoreError::not_found("offer"))
                .and_then(|row| offer_row(&row))
                .map(Arc::new)
            })?,
        };
        self.memo
            .offers
            .borrow_mut()
            .insert(id.as_str().to_owned(), offer.clone());
        Ok(offer)
    }

    fn smart_list_offers(&self) -> Result<Vec<OfferId>> {
        if let Some(offers) = self.memo.smart_list.borrow().as_ref() {
            return Ok(offers.clone());
        }
        let offers: Vec<OfferId> = match self.cache.map(|c| c.smart_list()) {
            Some(Some((offers, generation))) => {
                self.uses(generation)?;
                offers.as_ref().clone()
            }
            Some(None) => {
                let (offers, generation) = self.prep(|t| {
                    let row = t.query_one(
                        "SELECT generation, ARRAY(SELECT id FROM offers WHERE status = 'approved'
                             AND (live #>> '{goal,type}' = 'smart_list_trigger'
                                  OR live #>> '{eligibility,customer_event}' IS NOT NULL
                                  OR live #> '{goal,reversal}' IS NOT NULL) ORDER BY seq)
                         FROM cache_generation",
                        &[],
                    )?;
                    let ids: Vec<String> = row.get(1);
                    Ok((
                        ids.into_iter()
                            .map(OfferId::from_trusted)
                            .collect::<Vec<_>>(),
                        row.get::<_, i64>(0),
                    ))
                })?;
                self.fill(generation, Fill::SmartList(Arc::new(offers.clone())))?;
                offers
            }
            None => self.prep(|t| {
                Ok(t.query(
                    "SELECT id FROM offers WHERE status = 'approved'
                       AND (live #>> '{goal,type}' = 'smart_list_trigger'
                            OR live #>> '{eligibility,customer_event}' IS NOT NULL
                            OR live #> '{goal,reversal}' IS NOT NULL) ORDER BY seq",
                    &[],
                )?
                .iter()
                .map(|r| OfferId::from_trusted(r.get(0)))
                .collect())
            })?,
        };
        *self.memo.smart_list.borrow_mut() = Some(offers.clone());
        Ok(offers)
    }

    fn record(&self, kind: ActivityType, who: Who<'_>, details: Value, now: Millis) -> Result<()> {
        let endpoints = self.endpoints()?;
        let (_, generation) = self.prep(|t| record(t, kind, who, details, now, &endpoints))?;
        if self.cache.is_some() {
            self.saw(generation)?;
        }
        Ok(())
    }

    fn enqueue(&self, job: JobPayload, now: Millis) -> Result<()> {
        self.prep(|t| enqueue(t, job.kind().as_str(), job.to_json(), now))
    }

    fn person_by_email(&self, email: &Email) -> Result<Option<PersonId>> {
        self.prep(|t| {
            Ok(
                t.query_opt("SELECT id FROM people WHERE email = $1", &[&email.as_str()])?
                    .map(|r| PersonId::from_trusted(r.get(0))),
            )
        })
    }

    fn insert_person(
        &self,
        id: &PersonId,
        email: &Email,
        first: Option<&str>,
        last: Option<&str>,
        now: Millis,
    ) -> Result<()> {
        self.prep(|t| {
            t.execute(
                "INSERT INTO people (id, email, first_name, last_name, created_at) VALUES ($1, $2, $3, $4, $5)",
                &[&id.as_str(), &email.as_str(), &first, &last, &now],
            )?;
            Ok(())
        })
    }

    fn fill_person_names(
        &self,
        id: &PersonId,
        first: Option<&str>,
        last: Option<&str>,
    ) -> Result<()> {
        self.prep(|t| {
            t.execute(
                "UPDATE people SET first_name = COALESCE(first_name, $2), last_name = COALESCE(last_name, $3)
                 WHERE id = $1",
                &[&id.as_str(), &first, &last],
            )?;
            Ok(())
        })
    }

    fn person_exists(&self, id: &PersonId) -> Result<bool> {
        self.prep(|t| {
            Ok(
                t.query_opt("SELECT 1 FROM people WHERE id = $1", &[&id.as_str()])?
                    .is_some(),
            )
        })
    }

    fn see_visitor(
        &self,
        visitor: &VisitorId,
        person: Option<&PersonId>,
        ip: Option<&str>,
        now: Millis,
    ) -> Result<()> {
        let seen_at = ip.map(|_| now);
        let person: Option<String> = self.prep(|t| {
            Ok(t.query_one(
                "INSERT INTO visitors (id, person_id, created_at, ip, ip_seen_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (id) DO UPDATE SET person_id = COALESCE(visitors.person_id, excluded.person_id),
                     ip = COALESCE(excluded.ip, visitors.ip),
                     ip_seen_at = COALESCE(excluded.ip_seen_at, visitors.ip_seen_at)
                 RETURNING person_id",
                &[&visitor.as_str(), &person.map(PersonId::as_str), &now, &ip, &seen_at],
            )?
            .get(0))
        })?;
        // The flows ask for this browser's person right after, often twice.
        *self.memo.visitor.borrow_mut() =
            Some((visitor.clone(), opt(person, PersonId::from_trusted)));
        Ok(())
    }

    fn visitor_person(&self, visitor: &VisitorId) -> Result<Option<Option<PersonId>>> {
        if let Some((seen, person)) = self.memo.visitor.borrow().as_ref() {
            if seen == visitor {
                return Ok(Some(person.clone()));
            }
        }
        self.prep(|t| {
            Ok(t.query_opt(
                "SELECT person_id FROM visitors WHERE id = $1",
                &[&visitor.as_str()],
            )?
            .map(|r| opt(r.get(0), PersonId::from_trusted)))
        })
    }

    fn person_visitors(&self, person: &PersonId) -> Result<Vec<VisitorId>> {
        self.prep(|t| {
            Ok(t.query(
                "SELECT id FROM visitors WHERE person_id = $1 ORDER BY created_at, id",
                &[&person.as_str()],
            )?
            .iter()
            .map(|r| VisitorId::from_trusted(r.get(0)))
            .collect())
        })
    }

    fn attribution(&self, offer: &OfferId, visitor: &VisitorId) -> Result<Option<Touch<String>>> {
        if let Some(((o, v), touch)) = self.memo.attribution.borrow().as_ref() {
            if o == offer && v == visitor {
                return Ok(touch.clone());
            }
        }
        let touch = self.prep(|t| {
            Ok(t.query_opt(
                "SELECT participant_id, touched_at FROM attributions WHERE offer_id = $1 AND visitor_id = $2",
                &[&offer.as_str(), &visitor.as_str()],
            )?
            .map(|r| Touch { participant: r.get(0), at: r.get(1) }))
        })?;
        *self.memo.attribution.borrow_mut() =
            Some(((offer.clone(), visitor.clone()), touch.clone()));
        Ok(touch)
    }

    fn set_attribution(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        touch: &Touch<String>,
        channel: Option<&str>,
    ) -> Result<()> {
        self.prep(|t| {
            t.execute(
                "INSERT INTO attributions AS a (offer_id, visitor_id, participant_id, touched_at, channel)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (offer_id, visitor_id) DO UPDATE SET
                     channel = CASE WHEN excluded.channel IS NULL
                                     AND a.participant_id = excluded.participant_id
                                THEN a.channel ELSE excluded.channel END,
                     participant_id = excluded.participant_id,
                     touched_at = excluded.touched_at",
                &[&offer.as_str(), &visitor.as_str(), &touch.participant, &touch.at, &channel],
            )?;
            Ok(())
        })?;
        *self.memo.attribution.borrow_mut() =
            Some(((offer.clone(), visitor.clone()), Some(touch.clone())));
        Ok(())
    }

    fn attribution_channel(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        participant: &ParticipantId,
    ) -> Result<Option<String>> {
        self.prep(|t| {
            Ok(t.query_opt(
                "SELECT channel FROM attributions
                 WHERE offer_id = $1 AND visitor_id = $2 AND participant_id = $3",
                &[&offer.as_str(), &visitor.as_str(), &participant.as_str()],
            )?
            .and_then(|r| r.get(0)))
        })
    }

    fn visit_session(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
    ) -> Result<Option<(Millis, Millis)>> {
        self.prep(|t| {
            Ok(t.query_opt(
                "SELECT started_at, last_seen FROM visit_sessions WHERE offer_id = $1 AND visitor_id = $2",
                &[&offer.as_str(), &visitor.as_str()],
            )?
            .map(|r| (r.get(0), r.get(1))))
        })
    }

    fn set_visit_session(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        start: Millis,
        now: Millis,
    ) -> Result<()> {
        self.prep(|t| {
            t.execute(
                "INSERT INTO visit_sessions (offer_id, visitor_id, started_at, last_seen) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (offer_id, visitor_id) DO UPDATE SET started_at = $3,
                     last_seen = GREATEST(visit_sessions.last_seen, $4)",
                &[&offer.as_str(), &visitor.as_str(), &start, &now],
            )?;
            Ok(())
        })
    }

    fn participant_by_code(&self, code: &str) -> Result<Option<(ParticipantId, OfferId)>> {
        let read = |t: &mut super::tx::Prep<'_, '_>| {
            Ok(t.query_opt(
                "SELECT id, offer_id, (SELECT generation FROM cache_generation)
                 FROM participants WHERE code = $1",
                &[&code],
            )?
            .map(|r| {
                (
                    (
                        ParticipantId::from_trusted(r.get(0)),
                        OfferId::from_trusted(r.get(1)),
                    ),
                    r.get::<_, i64>(2),
                )
            }))
        };
        let Some(cache) = self.cache else {
            return Ok(self.prep(read)?.map(|(owner, _)| owner));
        };
        if let Some((owner, generation)) = cache.code(code) {
            self.uses(generation)?;
            return Ok(Some(owner));
        }
        // An unknown code is not kept: a later sign-up may take it.
        let Some((owner, generation)) = self.prep(read)? else {
            return Ok(None);
        };
        self.fill(generation, Fill::Code(code.to_owned(), owner.clone()))?;
        Ok(Some(owner))
    }

    fn participant_of(&self, offer: &OfferId, person: &PersonId) -> Result<Option<ParticipantId>> {
        self.prep(|t| {
            Ok(t.query_opt(
                "SELECT id FROM participants WHERE offer_id = $1 AND person_id = $2",
                &[&offer.as_str(), &person.as_str()],
            )?
            .map(|r| ParticipantId::from_trusted(r.get(0))))
        })
    }

    fn participant_owner(&self, id: &ParticipantId) -> Result<(PersonId, Option<VisitorId>)> {
        if let Some(owner) = self.memo.owners.borrow().get(id.as_str()) {
            return Ok(owner.clone());
        }
        let read = |t: &mut super::tx::Prep<'_, '_>| {
            t.query_opt(
                "SELECT person_id, visitor_id, (SELECT generation FROM cache_generation)
                 FROM participants WHERE id = $1",
                &[&id.as_str()],
            )?
            .map(|r| {
                (
                    (
                        PersonId::from_trusted(r.get(0)),
                        opt(r.get(1), VisitorId::from_trusted),
                    ),
                    r.get::<_, i64>(2),
                )
            })
            .ok_or(StoreError::not_found("participant"))
        };
        let owner = match self.cache.map(|c| c.owner(id.as_str())) {
            Some(Some((owner, generation))) => {
                self.uses(generation)?;
                owner
            }
            Some(None) => {
                let (owner, generation) = self.prep(read)?;
                self.fill(generation, Fill::Owner(id.clone(), owner.clone()))?;
                owner
            }
            None => self.prep(read)?.0,
        };
        self.memo
            .owners
            .borrow_mut()
            .insert(id.as_str().to_owned(), owner.clone());
        Ok(owner)
    }

    fn referred_by(&self, offer: &OfferId, person: &PersonId) -> Result<Option<ParticipantId>> {
        self.prep(|t| {
            Ok(t.query_opt(
                "SELECT referred_by FROM participants WHERE offer_id = $1 AND person_id = $2",
                &[&offer.as_str(), &person.as_str()],
            )?
            .and_then(|r| opt(r.get(0), ParticipantId::from_trusted)))
        })
    }

    fn insert_participant(&self, new: &NewParticipant<'_>) -> Result<bool> {
        self.prep(|t| {
            // Counted by the folder (a row of `participant_deltas`, appended
            // by the same statement): the offer's row itself would be
            // updated by every concurrent sign-up.
            let inserted: i64 = t
                .query_one(
                    "WITH p AS (
                         INSERT INTO participants (id, offer_id, person_id, code, visitor_id, fields,
                             marketing_consent, referred_by, created_at, sign_up_ip, referred_method)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                         ON CONFLICT (code) DO NOTHING RETURNING offer_id),
                     d AS (INSERT INTO participant_deltas (offer_id) SELECT offer_id FROM p)
                     SELECT COUNT(*) FROM p",
                    &[
                        &new.id.as_str(),
                        &new.offer.as_str(),
                        &new.person.as_str(),
                        &new.code.as_str(),
                        &new.visitor.map(VisitorId::as_str),
                        new.fields,
                        &new.marketing_consent,
                        &new.referred_by.map(|f| f.participant.as_str()),
                        &new.now,
                        &new.ip,
                        &new.referred_by.map(|f| f.method.as_str()),
                    ],
                )?
                .get(0);
            Ok(inserted == 1)
        })
    }

    fn participant(&self, id: &ParticipantId) -> Result<Participant> {
        self.prep(|t| super::participants::load_participant(t, id))
    }

    fn insert_credit(
        &self,
        participant: &ParticipantId,
        key: &str,
        offer: &OfferId,
        friend: &FriendIds,
        now: Millis,
    ) -> Result<bool> {
        self.prep(|t| {
            // The referrer's row is locked until commit (before the credit
            // is written, by the same statement): its credits, its progress
            // and its fraud signals are then read and changed by one
            // transaction at a time, as SQLite's single writer would.
            let inserted = t.execute(
                "WITH referrer AS (SELECT id FROM participants WHERE id = $1 FOR UPDATE)
                 INSERT INTO credits (participant_id, key, offer_id, friend_person, friend_visitor, created_at)
                 SELECT referrer.id, $2, $3, $4, $5, $6 FROM referrer ON CONFLICT DO NOTHING",
                &[
                    &participant.as_str(),
                    &key,
                    &offer.as_str(),
                    &friend.person.as_ref().map(PersonId::as_str),
                    &friend.visitors.first().map(VisitorId::as_str),
                    &now,
                ],
            )?;
            Ok(inserted == 1)
        })
    }

    fn progress(&self, participant: &ParticipantId) -> Result<Progress> {
        self.prep(|t| {
            t.query_opt(
                "SELECT credit, achieved_at, fulfilled_at FROM participants WHERE id = $1 FOR UPDATE",
                &[&participant.as_str()],
            )?
            .map(|r| Progress {
                credit: r.get(0),
                achieved: r.get::<_, Option<i64>>(1).is_some(),
                fulfilled: r.get::<_, Option<i64>>(2).is_some(),
            })
            .ok_or(StoreError::not_found("participant"))
        })
    }

    fn set_credit(
        &self,
        participant: &ParticipantId,
        credit: i64,
        achieved_at: Option<Millis>,
    ) -> Result<()> {
        self.prep(|t| {
            t.execute(
                "UPDATE participants SET credit = $2, achieved_at = COALESCE(achieved_at, $3) WHERE id = $1",
                &[&participant.as_str(), &credit, &achieved_at],
            )?;
            Ok(())
        })
    }

    fn mark_fulfilled(&self, participant: &ParticipantId, now: Millis) -> Result<bool> {
        self.prep(|t| {
            let marked = t.execute(
                "UPDATE participants SET fulfilled_at = $2 WHERE id = $1 AND fulfilled_at IS NULL",
                &[&participant.as_str(), &now],
            )?;
            Ok(marked == 1)
        })
    }

    fn take_promo_code(
        &self,
        offer: &OfferId,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<Option<String>> {
        self.prep(|t| {
            let code: Option<String> = t
                .query_opt(
                    "SELECT code FROM promo_codes WHERE offer_id = $1 AND pool = 'default' AND participant_id IS NULL
                     ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED",
                    &[&offer.as_str()],
                )?
                .map(|r| r.get(0));
            if let Some(code) = &code {
                t.execute(
                    "UPDATE promo_codes SET participant_id = $3, assigned_at = $4
                     WHERE offer_id = $1 AND code = $2 AND participant_id IS NULL",
                    &[&offer.as_str(), code, &participant.as_str(), &now],
                )?;
                t.execute(
                    "UPDATE participants SET promo_code = $2 WHERE id = $1",
                    &[&participant.as_str(), code],
                )?;
            }
            Ok(code)
        })
    }

    fn server_event(&self, id: &str) -> Result<Option<String>> {
        self.prep(|t| {
            Ok(
                t.query_opt("SELECT result FROM server_events WHERE id = $1", &[&id])?
                    .map(|r| r.get(0)),
            )
        })
    }

    fn save_server_event(&self, id: &str, result: &str, now: Millis) -> Result<()> {
        self.prep(|t| {
            t.execute(
                "INSERT INTO server_events (id, result, received_at) VALUES ($1, $2, $3)",
                &[&id, &result, &now],
            )?;
            Ok(())
        })
    }

    fn keep_access_token(
        &self,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()> {
        self.prep(|t| {
            t.execute(
                "INSERT INTO participant_tokens (token_hash, participant_id, kind, created_at)
                 VALUES ($1, $2, 'access', $3)",
                &[&hash, &participant.as_str(), &now],
            )?;
            Ok(())
        })
    }
}
