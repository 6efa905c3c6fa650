//! A promo-code pool's low-stock warning (SPEC §15): with `low_stock` set,
//! `promo_codes.low` is recorded once when the pool's available codes fall
//! below it, in the transaction that made them fall (a code given, an
//! upload, a higher threshold), and again only after the pool was back at
//! or above it. Whether the current fall was recorded is `warned_at` in
//! `promo_pools`, the same row on both stores; the rule is
//! [`parrain_core::promo::LowStock`].

use parrain_core::activity::ActivityType;
use parrain_core::ids::OfferId;
use parrain_core::promo::LowStock;
use parrain_core::Millis;
use serde_json::{json, Value};

use super::{LedgerTx, Who};
use crate::Result;

/// `CAST(?n AS BIGINT)` for a parameter sent as text.
macro_rules! int {
    ($n:literal) => {
        concat!("CAST(CAST(?", $n, " AS TEXT) AS BIGINT)")
    };
}

/// Looks at the pool after its stock or threshold changed, and records
/// `promo_codes.low` if this is a new fall below the threshold.
pub(crate) fn check<T: LedgerTx>(tx: &T, offer: &OfferId, pool: &str, now: Millis) -> Result<()> {
    // The pool's row is locked before its codes are counted: concurrent
    // gives from one pool on PostgreSQL wait here for each other, so each
    // counts what those before it took and one fall is recorded once
    // (SQLite has one writer). A pool without a threshold has no row.
    let locked = tx.exec(
        "UPDATE promo_pools SET low_stock = low_stock WHERE offer_id = ?1 AND pool = ?2",
        &[offer.as_str(), pool],
    )?;
    if locked == 0 {
        return Ok(());
    }
    let rows = tx.rows(
        "SELECT low_stock, warned_at,
                (SELECT COUNT(*) FROM promo_codes c
                 WHERE c.offer_id = ?1 AND c.pool = ?2 AND c.participant_id IS NULL) AS available,
                (SELECT COUNT(*) FROM promo_codes c
                 WHERE c.offer_id = ?1 AND c.pool = ?2) AS total
         FROM promo_pools WHERE offer_id = ?1 AND pool = ?2",
        &[offer.as_str(), pool],
    )?;
    let Some(row) = rows.first() else {
        return Ok(());
    };
    let int = |k: &str| row.get(k).and_then(Value::as_i64);
    // A pool with no upload yet has nothing to run out of: its threshold
    // may be set first, and it warns once it had codes.
    if int("total").unwrap_or(0) == 0 {
        return Ok(());
    }
    let (available, low_stock) = (int("available").unwrap_or(0), int("low_stock"));
    match LowStock::decide(available, low_stock, int("warned_at").is_some()) {
        LowStock::Warn => {
            tx.exec(
                concat!(
                    "UPDATE promo_pools SET warned_at = ",
                    int!(3),
                    " WHERE offer_id = ?1 AND pool = ?2"
                ),
                &[offer.as_str(), pool, &now.to_string()],
            )?;
            tx.record(
                ActivityType::PromoCodesLow,
                Who {
                    offer: Some(offer),
                    ..Who::default()
                },
                json!({"pool": pool, "available": available, "low_stock": low_stock}),
                now,
            )?;
        }
        LowStock::Rearm => {
            tx.exec(
                "UPDATE promo_pools SET warned_at = NULL WHERE offer_id = ?1 AND pool = ?2",
                &[offer.as_str(), pool],
            )?;
        }
        LowStock::Keep => {}
    }
    Ok(())
}

/// Sets (or, with `None`, removes) a pool's threshold, then looks at the
/// pool as it stands: a threshold above what is left warns at once.
pub(crate) fn set<T: LedgerTx>(
    tx: &T,
    offer: &OfferId,
    pool: &str,
    low_stock: Option<i64>,
    now: Millis,
) -> Result<()> {
    match low_stock {
        None => {
            tx.exec(
                "DELETE FROM promo_pools WHERE offer_id = ?1 AND pool = ?2",
                &[offer.as_str(), pool],
            )?;
            Ok(())
        }
        Some(low) => {
            tx.exec(
                concat!(
                    "INSERT INTO promo_pools (offer_id, pool, low_stock) VALUES (?1, ?2, ",
                    int!(3),
                    ") ON CONFLICT (offer_id, pool) DO UPDATE SET low_stock = excluded.low_stock"
                ),
                &[offer.as_str(), pool, &low.to_string()],
            )?;
            check(tx, offer, pool, now)
        }
    }
}

/// Every threshold of the offer's pools, by pool.
pub(crate) fn thresholds<S: crate::sql::Sql>(
    db: &S,
    offer: &OfferId,
) -> Result<Vec<(String, i64)>> {
    Ok(db
        .rows(
            "SELECT pool, low_stock FROM promo_pools WHERE offer_id = ?1",
            &[offer.as_str()],
        )?
        .iter()
        .filter_map(|r| {
            Some((
                r.get("pool")?.as_str()?.to_owned(),
                r.get("low_stock")?.as_i64()?,
            ))
        })
        .collect())
}
