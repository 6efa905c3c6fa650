//! Offers: the draft/live split, the lifecycle, and promo-code pools.

use super::operators::audited;
use crate::Audit;
use async_trait::async_trait;
use parrain_core::ids::OfferId;
use parrain_core::offer::{merge_patch, OfferSettings, OfferStatus, Problem};
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection};

use super::cache;
use super::ledger::{load_offer, offer_row};
use super::{decode_cursor, page_of, SqliteStore};
use crate::flows::rewards;
use crate::{Offer, Offers, Page, PageRequest, PromoCounts, Result, StoreError};

fn to_json(settings: &OfferSettings) -> Result<String> {
    Ok(serde_json::to_string(settings)?)
}

fn refuse_write_problems(settings: &OfferSettings) -> Result<()> {
    let problems = settings.write_problems();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(problems))
    }
}

fn insert_draft(conn: &Connection, settings: &OfferSettings, now: Millis) -> Result<OfferId> {
    let id = OfferId::generate();
    conn.execute(
        "INSERT INTO offers (id, status, draft, created_at, updated_at) VALUES (?1, 'draft', ?2, ?3, ?3)",
        params![id.as_str(), to_json(settings)?, now],
    )?;
    Ok(id)
}

fn set_status(conn: &Connection, id: &OfferId, status: OfferStatus, now: Millis) -> Result<()> {
    conn.execute(
        "UPDATE offers SET status = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1",
        params![id.as_str(), status.as_str(), now],
    )?;
    Ok(())
}

fn refuse_archived(offer: &Offer) -> Result<()> {
    if offer.status == OfferStatus::Archived {
        return Err(StoreError::conflict(
            "offer_archived",
            "the offer is archived and read-only",
        ));
    }
    Ok(())
}

#[async_trait]
impl Offers for SqliteStore {
    async fn create_offer(
        &self,
        settings: OfferSettings,
        now: Millis,
        audit: Audit<Offer>,
    ) -> Result<Offer> {
        refuse_write_problems(&settings)?;
        self.write(audited(audit, move |conn| {
            cache::forget_offers();
            let id = insert_draft(conn, &settings, now)?;
            load_offer(conn, &id)
        }))
        .await
    }

    async fn offer(&self, id: &OfferId) -> Result<Offer> {
        let id = id.clone();
        self.read(move |conn| load_offer(conn, &id)).await
    }

    async fn list_offers(
        &self,
        status: Option<OfferStatus>,
        page: PageRequest,
    ) -> Result<Page<Offer>> {
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT id, status, live, draft, created_at, updated_at, approved_at,
                        participants, rowid
                 FROM offers WHERE rowid < ?1 AND (?2 IS NULL OR status = ?2)
                 ORDER BY rowid DESC LIMIT ?3",
            )?;
            let rows = stmt.query_map(
                params![before, status.map(OfferStatus::as_str), page.limit + 1],
                |r| Ok((r.get::<_, i64>(8)?, offer_row(r)?)),
            )?;
            let mut out = Vec::new();
            for row in rows {
                let (pos, offer) = row?;
                out.push((pos, offer?));
            }
            Ok(page_of(out, page.limit))
        })
        .await
    }

    async fn patch_draft(
        &self,
        id: &OfferId,
        patch: serde_json::Value,
        now: Millis,
        audit: Audit<Offer>,
    ) -> Result<Offer> {
        let id = id.clone();
        self.write(audited(audit, move |conn| {
            cache::forget_offers();
            let offer = load_offer(conn, &id)?;
            refuse_archived(&offer)?;
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
            conn.execute(
                "UPDATE offers SET draft = ?2, updated_at = ?3 WHERE id = ?1",
                params![id.as_str(), to_json(&settings)?, now],
            )?;
            load_offer(conn, &id)
        }))
        .await
    }

    async fn approve(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer> {
        let id = id.clone();
        self.write(audited(audit, move |conn| {
            cache::forget_offers();
            let offer = load_offer(conn, &id)?;
            refuse_archived(&offer)?;
            let settings = offer.editable();
            let mut problems = settings.problems();
            problems.extend(rewards::pool_problems(
                &rewards::pool_counts(conn, &id)?,
                &id,
                settings,
            ));
            if !problems.is_empty() {
                return Err(StoreError::Invalid(problems));
            }
            conn.execute(
                "UPDATE offers SET status = 'approved', live = ?2, draft = NULL, approved_at = ?3,
                     updated_at = ?3, version = version + 1 WHERE id = ?1",
                params![id.as_str(), to_json(settings)?, now],
            )?;
            load_offer(conn, &id)
        }))
        .await
    }

    async fn unapprove(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer> {
        let id = id.clone();
        self.write(audited(audit, move |conn| {
            cache::forget_offers();
            let offer = load_offer(conn, &id)?;
            match offer.status {
                OfferStatus::Approved => set_status(conn, &id, OfferStatus::Unapproved, now)?,
                OfferStatus::Unapproved => {}
                other => {
                    return Err(StoreError::conflict(
                        "not_approved",
                        format!(
                            "only an approved offer can be unapproved; this one is {}",
                            other.as_str()
                        ),
                    ))
                }
            }
            load_offer(conn, &id)
        }))
        .await
    }

    async fn archive(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer> {
        let id = id.clone();
        self.write(audited(audit, move |conn| {
            cache::forget_offers();
            if load_offer(conn, &id)?.status != OfferStatus::Archived {
                set_status(conn, &id, OfferStatus::Archived, now)?;
            }
            load_offer(conn, &id)
        }))
        .await
    }

    async fn clone_offer(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer> {
        let id = id.clone();
        self.write(audited(audit, move |conn| {
            cache::forget_offers();
            let offer = load_offer(conn, &id)?;
            let mut settings = offer.editable().clone();
            let copy_name = format!("{} (copy)", settings.name);
            settings.name = copy_name.chars().take(200).collect();
            let new_id = insert_draft(conn, &settings, now)?;
            load_offer(conn, &new_id)
        }))
        .await
    }

    async fn delete_offer(&self, id: &OfferId, audit: Audit<()>) -> Result<()> {
        let id = id.clone();
        self.write(audited(audit, move |conn| {
            cache::forget_offers();
            let offer = load_offer(conn, &id)?;
            if offer.participants > 0 {
                return Err(StoreError::conflict(
                    "offer_has_participants",
                    format!(
                        "the offer has {} participant(s) and cannot be deleted; archive it instead",
                        offer.participants
                    ),
                ));
            }
            for sql in [
                "DELETE FROM promo_codes WHERE offer_id = ?1",
                "DELETE FROM promo_pools WHERE offer_id = ?1",
                "DELETE FROM attributions WHERE offer_id = ?1",
                "DELETE FROM visit_sessions WHERE offer_id = ?1",
                "DELETE FROM offers WHERE id = ?1",
            ] {
                conn.execute(sql, [id.as_str()])?;
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
        self.write(audited(audit, move |conn| {
            refuse_archived(&load_offer(conn, &id)?)?;
            rewards::put_codes(conn, &id, &pool, &upload, now)
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
        self.write(audited(audit, move |conn| {
            refuse_archived(&load_offer(conn, &id)?)?;
            crate::flows::low_stock::set(conn, &id, &pool, low_stock, now)?;
            Ok(rewards::pool_counts(conn, &id)?
                .into_iter()
                .find(|c| c.pool == pool)
                .unwrap_or_else(|| PromoCounts::empty(&pool)))
        }))
        .await
    }

    async fn promo_counts(&self, id: &OfferId) -> Result<Vec<PromoCounts>> {
        let id = id.clone();
        self.read(move |conn| {
            load_offer(conn, &id)?;
            rewards::pool_counts(conn, &id)
        })
        .await
    }
}
