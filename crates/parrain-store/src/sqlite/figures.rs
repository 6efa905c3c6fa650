//! An offer's headline figures on SQLite (statements in `figures.rs`).

use async_trait::async_trait;
use parrain_core::ids::OfferId;
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::params;

use super::SqliteStore;
use crate::figures::{add_day, Figures, OfferFigures, CLICKS, DAILY, TOTALS, WAITING};
use crate::Result;

fn sqlite(sql: &str) -> String {
    sql.replace('$', "?")
}

#[async_trait]
impl Figures for SqliteStore {
    async fn offer_figures(&self, offer: &OfferId, since: Millis) -> Result<OfferFigures> {
        let offer = offer.as_str().to_owned();
        self.read(move |conn| {
            let mut f = OfferFigures::default();
            (f.participants, f.achieved, f.fulfilled, f.referred_sign_ups) =
                conn.query_row(&sqlite(TOTALS), [&offer], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?;
            f.clicks = conn.query_row(&sqlite(CLICKS), [&offer], |r| r.get(0))?;
            f.waiting_review = conn.query_row(&sqlite(WAITING), [&offer], |r| r.get(0))?;
            for (sql, column) in DAILY {
                let mut stmt = conn.prepare(&sqlite(sql))?;
                let rows = stmt.query_map(params![offer, since], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })?;
                for row in rows {
                    let (day, count) = row?;
                    add_day(&mut f.days, day, column, count);
                }
            }
            Ok(f)
        })
        .await
    }
}
