//! Offers: the draft/live split, the lifecycle, and promo-code pools,
//! written once over the shared SQL layer (`crate::sql`).
//!
//! Which steps the lifecycle allows is `parrain_core::lifecycle`'s to say;
//! this module reads the offer in the write's own transaction, asks, and
//! writes the answer with its audit entry.

use async_trait::async_trait;
use parrain_core::ids::OfferId;
use parrain_core::lifecycle;
use parrain_core::offer::{merge_patch, OfferSettings, OfferStatus, Problem};
use parrain_core::Millis;
use serde_json::Value;

use crate::flows::rewards;
use crate::model::{decode_cursor, page_of};
use crate::sql::{audited, Db, Engine, Row};
use crate::{Audit, Offer, Offers, Page, PageRequest, PromoCounts, Result, StoreError};

/// The offer with its participant count.
fn load_offer<E: Engine>(db: &dyn Db, id: &OfferId) -> Result<Offer> {
    let found = db.query_opt(
        &format!(
            "SELECT o.id, o.status, o.live, o.draft, o.created_at, o.updated_at,
                    o.approved_at, {}
             FROM offers o WHERE o.id = ?1",
            E::OFFER_PARTICIPANTS
        ),
        &[id.as_str().into()],
    )?;
    offer_of(&found.ok_or(StoreError::not_found("offer"))?)
}

/// Columns: id, status, live, draft, created_at, updated_at, approved_at,
/// participant count.
pub(crate) fn offer_of(row: &Row) -> Result<Offer> {
    let settings = |i: usize| -> Result<Option<OfferSettings>> {
        Ok(row.opt_json(i)?.map(serde_json::from_value).transpose()?)
    };
    let status = row.text(1)?;
    Ok(Offer {
        id: OfferId::from_trusted(row.text(0)?),
        status: OfferStatus::parse(&status)
            .ok_or_else(|| StoreError::database(format!("unknown offer status {status}")))?,
        live: settings(2)?,
        draft: settings(3)?,
        created_at: row.int(4)?,
        updated_at: row.int(5)?,
        approved_at: row.opt_int(6)?,
        participants: row.int(7)?,
    })
}

fn refuse_write_problems(settings: &OfferSettings) -> Result<()> {
    let problems = settings.write_problems();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(problems))
    }
}

fn insert_draft(db: &dyn Db, settings: &OfferSettings, now: Millis) -> Result<OfferId> {
    let id = OfferId::generate();
    db.execute(
        "INSERT INTO offers (id, status, draft, created_at, updated_at)
         VALUES (?1, 'draft', ?2, ?3, ?3)",
        &[
            id.as_str().into(),
            (&serde_json::to_value(settings)?).into(),
            now.into(),
        ],
    )?;
    Ok(id)
}

fn set_status(db: &dyn Db, id: &OfferId, status: OfferStatus, now: Millis) -> Result<()> {
    db.execute(
        "UPDATE offers SET status = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1",
        &[id.as_str().into(), status.as_str().into(), now.into()],
    )?;
    Ok(())
}

/// Reads the offer in the write's transaction and refuses an archived one.
fn editable<E: Engine>(db: &dyn Db, id: &OfferId) -> Result<Offer> {
    let offer = load_offer::<E>(db, id)?;
    lifecycle::editable(offer.status)?;
    Ok(offer)
}

#[async_trait]
impl<E: Engine> Offers for E {
    async fn create_offer(
        &self,
        settings: OfferSettings,
        now: Millis,
        audit: Audit<Offer>,
    ) -> Result<Offer> {
        refuse_write_problems(&settings)?;
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            E::offers_changed();
            let id = insert_draft(tx, &settings, now)?;
            load_offer::<E>(tx, &id)
        }))
        .await
    }

    async fn offer(&self, id: &OfferId) -> Result<Offer> {
        let id = id.clone();
        self.read_db(move |db| load_offer::<E>(db, &id)).await
    }

    async fn list_offers(
        &self,
        status: Option<OfferStatus>,
        page: PageRequest,
    ) -> Result<Page<Offer>> {
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read_db(move |db| {
            let rows = db.query(
                &format!(
                    "SELECT o.id, o.status, o.live, o.draft, o.created_at, o.updated_at,
                            o.approved_at, {participants}, {seq}
                     FROM offers o
                     WHERE {seq} < ?1 AND (CAST(?2 AS TEXT) IS NULL OR o.status = ?2)
                     ORDER BY {seq} DESC LIMIT ?3",
                    participants = E::OFFER_PARTICIPANTS,
                    seq = format!("o.{}", E::ROW_SEQ),
                ),
                &[
                    before.into(),
                    status.map(OfferStatus::as_str).into(),
                    (i64::from(page.limit) + 1).into(),
                ],
            )?;
            let out = rows
                .iter()
                .map(|r| Ok((r.int(8)?, offer_of(r)?)))
                .collect::<Result<Vec<_>>>()?;
            Ok(page_of(out, page.limit))
        })
        .await
    }

    async fn patch_draft(
        &self,
        id: &OfferId,
        patch: Value,
        now: Millis,
        audit: Audit<Offer>,
    ) -> Result<Offer> {
        let id = id.clone();
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            E::offers_changed();
            let offer = editable::<E>(tx, &id)?;
            let mut doc = serde_json::to_value(offer.editable())?;
            merge_patch(&mut doc, &patch);
            let settings: OfferSettings = serde_json::from_value(doc).map_err(|e| {
                StoreError::Invalid(vec![Problem {
                    field: "settings".into(),
                    code: "invalid".into(),
                    message: e.to_string(),
                    approval_only: false,
                }])
            })?;
            refuse_write_problems(&settings)?;
            tx.execute(
                "UPDATE offers SET draft = ?2, updated_at = ?3 WHERE id = ?1",
                &[
                    id.as_str().into(),
                    (&serde_json::to_value(&settings)?).into(),
                    now.into(),
                ],
            )?;
            load_offer::<E>(tx, &id)
        }))
        .await
    }

    async fn approve(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer> {
        let id = id.clone();
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            E::offers_changed();
            let pools = rewards::pool_counts(tx, &id)?;
            let offer = editable::<E>(tx, &id)?;
            let settings = offer.editable();
            let mut problems = settings.problems();
            problems.extend(rewards::pool_problems(&pools, &id, settings));
            if !problems.is_empty() {
                return Err(StoreError::Invalid(problems));
            }
            tx.execute(
                "UPDATE offers SET status = 'approved', live = ?2, draft = NULL, approved_at = ?3,
                     updated_at = ?3, version = version + 1 WHERE id = ?1",
                &[
                    id.as_str().into(),
                    (&serde_json::to_value(settings)?).into(),
                    now.into(),
                ],
            )?;
            load_offer::<E>(tx, &id)
        }))
        .await
    }

    async fn unapprove(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer> {
        let id = id.clone();
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            E::offers_changed();
            let offer = load_offer::<E>(tx, &id)?;
            if let Some(next) = lifecycle::unapprove(offer.status)? {
                set_status(tx, &id, next, now)?;
            }
            load_offer::<E>(tx, &id)
        }))
        .await
    }

    async fn archive(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer> {
        let id = id.clone();
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            E::offers_changed();
            let offer = load_offer::<E>(tx, &id)?;
            if let Some(next) = lifecycle::archive(offer.status) {
                set_status(tx, &id, next, now)?;
            }
            load_offer::<E>(tx, &id)
        }))
        .await
    }

    async fn clone_offer(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer> {
        let id = id.clone();
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            E::offers_changed();
            let offer = load_offer::<E>(tx, &id)?;
            let mut settings = offer.editable().clone();
            let copy_name = format!("{} (copy)", settings.name);
            settings.name = copy_name.chars().take(200).collect();
            let new_id = insert_draft(tx, &settings, now)?;
            load_offer::<E>(tx, &new_id)
        }))
        .await
    }

    async fn delete_offer(&self, id: &OfferId, audit: Audit<()>) -> Result<()> {
        let id = id.clone();
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            E::offers_changed();
            let offer = load_offer::<E>(tx, &id)?;
            lifecycle::deletable(offer.participants)?;
            for sql in [
                "DELETE FROM promo_codes WHERE offer_id = ?1",
                "DELETE FROM promo_pools WHERE offer_id = ?1",
                "DELETE FROM attributions WHERE offer_id = ?1",
                "DELETE FROM pending_codes WHERE offer_id = ?1",
                "DELETE FROM visit_sessions WHERE offer_id = ?1",
                "DELETE FROM offers WHERE id = ?1",
            ] {
                tx.execute(sql, &[id.as_str().into()])?;
            }
            Ok(())
        }))
        .await
    }

    async fn put_promo_codes(
        &self,
        id: &OfferId,
        pool: String,
        upload: String,
        now: Millis,
        audit: Audit<PromoCounts>,
    ) -> Result<PromoCounts> {
        let id = id.clone();
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            editable::<E>(tx, &id)?;
            rewards::put_codes(tx, &id, &pool, &upload, now)
        }))
        .await
    }

    async fn set_low_stock(
        &self,
        id: &OfferId,
        pool: String,
        low_stock: Option<i64>,
        now: Millis,
        audit: Audit<PromoCounts>,
    ) -> Result<PromoCounts> {
        let id = id.clone();
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            editable::<E>(tx, &id)?;
            crate::flows::low_stock::set(tx, &id, &pool, low_stock, now)?;
            Ok(rewards::pool_counts(tx, &id)?
                .into_iter()
                .find(|c| c.pool == pool)
                .unwrap_or_else(|| PromoCounts::empty(&pool)))
        }))
        .await
    }

    async fn promo_counts(&self, id: &OfferId) -> Result<Vec<PromoCounts>> {
        let id = id.clone();
        self.read_db(move |db| {
            load_offer::<E>(db, &id)?;
            rewards::pool_counts(db, &id)
        })
        .await
    }
}
