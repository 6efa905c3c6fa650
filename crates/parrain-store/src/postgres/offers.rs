//! Offers: the draft/live split, the lifecycle, and promo-code pools.

use super::operators::audited;
use crate::Audit;
use async_trait::async_trait;
use parrain_core::ids::OfferId;
use parrain_core::offer::{merge_patch, OfferSettings, OfferStatus, Problem};
use parrain_core::Millis;
use postgres::{GenericClient, Row};
use serde_json::Value;

use super::{fetch_limit, PgStore, PgTx};
use crate::flows::rewards;
use crate::sqlite::{decode_cursor, page_of};
use crate::{Offer, Offers, Page, PageRequest, PromoCounts, Result, StoreError};

/// The participant count of the offers row `o`: the folded total and the
/// sign-ups not folded yet (see `fold`).
const PARTICIPANTS: &str = "o.participants
    + (SELECT COUNT(*) FROM participant_deltas d WHERE d.offer_id = o.id)";

/// The offer with its participant count (the flows read it without; see `ledger`).
pub(crate) fn load_offer(c: &mut impl GenericClient, id: &OfferId) -> Result<Offer> {
    c.query_opt(
        &format!(
            "SELECT id, status, live, draft, created_at, updated_at, approved_at, {PARTICIPANTS}
             FROM offers o WHERE id = $1"
        ),
        &[&id.as_str()],
    )?
    .ok_or(StoreError::not_found("offer"))
    .and_then(|row| offer_row(&row))
}

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

fn to_json(settings: &OfferSettings) -> Result<Value> {
    Ok(serde_json::to_value(settings)?)
}

fn refuse_write_problems(settings: &OfferSettings) -> Result<()> {
    let problems = settings.write_problems();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(problems))
    }
}

fn insert_draft(
    t: &mut impl GenericClient,
    settings: &OfferSettings,
    now: Millis,
) -> Result<OfferId> {
    let id = OfferId::generate();
    t.execute(
        "INSERT INTO offers (id, status, draft, created_at, updated_at) VALUES ($1, 'draft', $2, $3, $3)",
        &[&id.as_str(), &to_json(settings)?, &now],
    )?;
    Ok(id)
}

fn set_status(
    t: &mut impl GenericClient,
    id: &OfferId,
    status: OfferStatus,
    now: Millis,
) -> Result<()> {
    t.execute(
        "UPDATE offers SET status = $2, updated_at = $3, version = version + 1 WHERE id = $1",
        &[&id.as_str(), &status.as_str(), &now],
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

/// Runs `f` on an offer read in the transaction.
fn on_offer<T>(
    tx: &PgTx<'_>,
    id: &OfferId,
    f: impl FnOnce(&mut postgres::Transaction<'_>, Offer) -> Result<T>,
) -> Result<T> {
    tx.with(|t| {
        let offer = load_offer(t, id)?;
        f(t, offer)
    })
}

#[async_trait]
impl Offers for PgStore {
    async fn create_offer(
        &self,
        settings: OfferSettings,
        now: Millis,
        audit: Audit<Offer>,
    ) -> Result<Offer> {
        refuse_write_problems(&settings)?;
        self.write(audited(audit, move |tx| {
            tx.with(|t| {
                let id = insert_draft(t, &settings, now)?;
                load_offer(t, &id)
            })
        }))
        .await
    }

    async fn offer(&self, id: &OfferId) -> Result<Offer> {
        let id = id.clone();
        self.read(move |c| load_offer(c, &id)).await
    }

    async fn list_offers(
        &self,
        status: Option<OfferStatus>,
        page: PageRequest,
    ) -> Result<Page<Offer>> {
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read(move |c| {
            let rows = c.query(
                &format!(
                    "SELECT id, status, live, draft, created_at, updated_at, approved_at,
                            {PARTICIPANTS}, seq
                     FROM offers o WHERE seq < $1 AND ($2::TEXT IS NULL OR status = $2)
                     ORDER BY seq DESC LIMIT $3"
                ),
                &[
                    &before,
                    &status.map(OfferStatus::as_str),
                    &fetch_limit(page.limit),
                ],
            )?;
            let out = rows
                .iter()
                .map(|r| Ok((r.get::<_, i64>(8), offer_row(r)?)))
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
        self.write(audited(audit, move |tx| {
            on_offer(tx, &id, |t, offer| {
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
                t.execute(
                    "UPDATE offers SET draft = $2, updated_at = $3 WHERE id = $1",
                    &[&id.as_str(), &to_json(&settings)?, &now],
                )?;
                load_offer(t, &id)
            })
        }))
        .await
    }

    async fn approve(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer> {
        let id = id.clone();
        self.write(audited(audit, move |tx| {
            let pools = rewards::pool_counts(tx, &id)?;
            on_offer(tx, &id, |t, offer| {
                refuse_archived(&offer)?;
                let settings = offer.editable();
                let mut problems = settings.problems();
                problems.extend(rewards::pool_problems(&pools, &id, settings));
                if !problems.is_empty() {
                    return Err(StoreError::Invalid(problems));
                }
                t.execute(
                    "UPDATE offers SET status = 'approved', live = $2, draft = NULL, approved_at = $3,
                         updated_at = $3, version = version + 1 WHERE id = $1",
                    &[&id.as_str(), &to_json(settings)?, &now],
                )?;
                load_offer(t, &id)
            })
        }))
        .await
    }

    async fn unapprove(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer> {
        let id = id.clone();
        self.write(audited(audit, move |tx| {
            on_offer(tx, &id, |t, offer| {
                match offer.status {
                    OfferStatus::Approved => set_status(t, &id, OfferStatus::Unapproved, now)?,
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
                load_offer(t, &id)
            })
        }))
        .await
    }

    async fn archive(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer> {
        let id = id.clone();
        self.write(audited(audit, move |tx| {
            on_offer(tx, &id, |t, offer| {
                if offer.status != OfferStatus::Archived {
                    set_status(t, &id, OfferStatus::Archived, now)?;
                }
                load_offer(t, &id)
            })
        }))
        .await
    }

    async fn clone_offer(&self, id: &OfferId, now: Millis, audit: Audit<Offer>) -> Result<Offer> {
        let id = id.clone();
        self.write(audited(audit, move |tx| {
            on_offer(tx, &id, |t, offer| {
                let mut settings = offer.editable().clone();
                let copy_name = format!("{} (copy)", settings.name);
                settings.name = copy_name.chars().take(200).collect();
                let new_id = insert_draft(t, &settings, now)?;
                load_offer(t, &new_id)
            })
        }))
        .await
    }

    async fn delete_offer(&self, id: &OfferId, audit: Audit<()>) -> Result<()> {
        let id = id.clone();
        self.write(audited(audit, move |tx| {
            on_offer(tx, &id, |t, offer| {
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
                    "DELETE FROM promo_codes WHERE offer_id = $1",
                    "DELETE FROM promo_pools WHERE offer_id = $1",
                    "DELETE FROM attributions WHERE offer_id = $1",
                    "DELETE FROM visit_sessions WHERE offer_id = $1",
                    "DELETE FROM offers WHERE id = $1",
                ] {
                    t.execute(sql, &[&id.as_str()])?;
                }
                Ok(())
            })
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
        self.write(audited(audit, move |tx| {
            refuse_archived(&tx.with(|t| load_offer(t, &id))?)?;
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
        self.write(audited(audit, move |tx| {
            refuse_archived(&tx.with(|t| load_offer(t, &id))?)?;
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
        self.write(move |tx| {
            tx.with(|t| load_offer(t, &id))?;
            rewards::pool_counts(tx, &id)
        })
        .await
    }
}
