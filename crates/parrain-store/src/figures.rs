//! An offer's headline figures for the admin (participants, clicks,
//! referred sign-ups, achieved, fulfilled, credits waiting for review) and
//! the same per UTC day since a time, for a sparkline. Each count is one
//! indexed query, written once over the shared SQL layer (`crate::sql`).

use async_trait::async_trait;
use parrain_core::ids::OfferId;
use parrain_core::Millis;

use crate::sql::{Db, Engine};
use crate::Result;

/// The totals of one offer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfferFigures {
    pub participants: i64,
    /// Share links followed (each `clicks_shared_link`).
    pub clicks: i64,
    /// Participants who signed up through someone's link.
    pub referred_sign_ups: i64,
    pub achieved: i64,
    pub fulfilled: i64,
    /// Credits a fraud rule held, waiting for an operator.
    pub waiting_review: i64,
    /// Per UTC day since the time asked for, oldest first, days without
    /// anything left out.
    pub days: Vec<DayFigures>,
}

/// What happened on one UTC day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayFigures {
    /// Days since the epoch.
    pub day: i64,
    pub participants: i64,
    pub clicks: i64,
    pub referred_sign_ups: i64,
    pub achieved: i64,
    pub fulfilled: i64,
}

#[async_trait]
pub trait Figures: Send + Sync {
    /// The offer's figures, with its days since `since`.
    async fn offer_figures(&self, offer: &OfferId, since: Millis) -> Result<OfferFigures>;
}

#[async_trait]
impl<E: Engine> Figures for E {
    async fn offer_figures(&self, offer: &OfferId, since: Millis) -> Result<OfferFigures> {
        let offer = offer.as_str().to_owned();
        self.read_db(move |db| {
            let count = |sql| -> Result<i64> {
                let row = db.query_opt(sql, &[offer.as_str().into()])?;
                row.map_or(Ok(0), |r| r.int(0))
            };
            let mut f = OfferFigures {
                clicks: count(CLICKS)?,
                waiting_review: count(WAITING)?,
                ..OfferFigures::default()
            };
            if let Some(r) = db.query_opt(TOTALS, &[offer.as_str().into()])? {
                (f.participants, f.achieved, f.fulfilled, f.referred_sign_ups) =
                    (r.int(0)?, r.int(1)?, r.int(2)?, r.int(3)?);
            }
            for (sql, column) in DAILY {
                for r in db.query(sql, &[offer.as_str().into(), since.into()])? {
                    add_day(&mut f.days, r.int(0)?, column, r.int(1)?);
                }
            }
            Ok(f)
        })
        .await
    }
}

const TOTALS: &str = "SELECT COUNT(*), COUNT(achieved_at), COUNT(fulfilled_at), COUNT(referred_by)
     FROM participants WHERE offer_id = ?1";
const CLICKS: &str =
    "SELECT COUNT(*) FROM activities WHERE offer_id = ?1 AND type = 'clicks_shared_link'";
const WAITING: &str = "SELECT COUNT(*) FROM credits WHERE offer_id = ?1 AND review = 'pending'";

/// Per-day statements: each gives (day, column of `DayFigures`, count).
const DAILY: [(&str, &str); 5] = [
    (
        "SELECT created_at / 86400000, COUNT(*) FROM participants
         WHERE offer_id = ?1 AND created_at >= ?2 GROUP BY 1",
        "participants",
    ),
    (
        "SELECT created_at / 86400000, COUNT(*) FROM participants
         WHERE offer_id = ?1 AND created_at >= ?2 AND referred_by IS NOT NULL GROUP BY 1",
        "referred_sign_ups",
    ),
    (
        "SELECT achieved_at / 86400000, COUNT(*) FROM participants
         WHERE offer_id = ?1 AND achieved_at >= ?2 GROUP BY 1",
        "achieved",
    ),
    (
        "SELECT fulfilled_at / 86400000, COUNT(*) FROM participants
         WHERE offer_id = ?1 AND fulfilled_at >= ?2 GROUP BY 1",
        "fulfilled",
    ),
    (
        "SELECT occurred_at / 86400000, COUNT(*) FROM activities
         WHERE offer_id = ?1 AND type = 'clicks_shared_link' AND occurred_at >= ?2 GROUP BY 1",
        "clicks",
    ),
];

/// Adds one per-day count to `days`.
fn add_day(days: &mut Vec<DayFigures>, day: i64, column: &str, count: i64) {
    let at = match days.binary_search_by_key(&day, |d| d.day) {
        Ok(at) => at,
        Err(at) => {
            days.insert(
                at,
                DayFigures {
                    day,
                    ..DayFigures::default()
                },
            );
            at
        }
    };
    let d = &mut days[at];
    match column {
        "participants" => d.participants += count,
        "referred_sign_ups" => d.referred_sign_ups += count,
        "achieved" => d.achieved += count,
        "fulfilled" => d.fulfilled += count,
        _ => d.clicks += count,
    }
}
