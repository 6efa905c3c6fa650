//! An offer's headline figures on PostgreSQL (statements in `figures.rs`).

use async_trait::async_trait;
use parrain_core::ids::OfferId;
use parrain_core::Millis;

use super::PgStore;
use crate::figures::{add_day, Figures, OfferFigures, CLICKS, DAILY, TOTALS, WAITING};
use crate::Result;

#[async_trait]
impl Figures for PgStore {
    async fn offer_figures(&self, offer: &OfferId, since: Millis) -> Result<OfferFigures> {
        let offer = offer.as_str().to_owned();
        self.read(move |c| {
            let mut f = OfferFigures::default();
            let totals = c.query_one(TOTALS, &[&offer])?;
            (f.participants, f.achieved, f.fulfilled, f.referred_sign_ups) =
                (totals.get(0), totals.get(1), totals.get(2), totals.get(3));
            f.clicks = c.query_one(CLICKS, &[&offer])?.get(0);
            f.waiting_review = c.query_one(WAITING, &[&offer])?.get(0);
            for (sql, column) in DAILY {
                for row in c.query(sql, &[&offer, &since])? {
                    add_day(&mut f.days, row.get(0), column, row.get(1));
                }
            }
            Ok(f)
        })
        .await
    }
}
