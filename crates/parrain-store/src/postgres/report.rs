//! Offer reports on PostgreSQL: the same queries as SQLite's, with JSONB
//! operators and `FILTER` clauses.

use async_trait::async_trait;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::report::Window;

use super::PgStore;
use crate::report::{tally_row, ReportData, Reports, TopReferrer, TOP_REFERRERS};
use crate::Result;

const TALLY: &str = "SELECT occurred_at / $4, type, COUNT(*),
        COUNT(*) FILTER (WHERE (details->>'new_session')::BOOLEAN),
        COUNT(*) FILTER (WHERE (details->>'new_session')::BOOLEAN AND (details->>'referred')::BOOLEAN),
        COUNT(*) FILTER (WHERE details->>'referred_by' IS NOT NULL)
    FROM activities
    WHERE offer_id = $1 AND occurred_at >= $2 AND occurred_at < $3
      AND type IN ('visits_offer_page', 'signs_up_for_referral_offer', 'shares_content',
                   'clicks_shared_link', 'custom_event')
    GROUP BY 1, 2";

#[async_trait]
impl Reports for PgStore {
    async fn report_data(&self, offer: &OfferId, window: Window) -> Result<ReportData> {
        let offer = offer.clone();
        self.read(move |c| {
            let step = window.interval.millis();
            let (id, from, to) = (offer.as_str(), window.from, window.to);
            let mut data = ReportData::default();
            for r in c.query(TALLY, &[&id, &from, &to, &step])? {
                let kind: String = r.get(1);
                tally_row(
                    &mut data.tallies,
                    r.get::<_, i64>(0) * step,
                    &kind,
                    r.get(2),
                    r.get(3),
                    r.get(4),
                    r.get(5),
                );
            }
            data.profiles = c
                .query_one(
                    "SELECT COUNT(*) FROM participants
                     WHERE offer_id = $1 AND created_at >= $2 AND created_at < $3",
                    &[&id, &from, &to],
                )?
                .get(0);
            data.influencers = c
                .query_one(
                    "SELECT COUNT(DISTINCT participant_id) FROM activities
                     WHERE offer_id = $1 AND type = 'clicks_shared_link'
                       AND occurred_at >= $2 AND occurred_at < $3",
                    &[&id, &from, &to],
                )?
                .get(0);
            let rows = c.query(
                "SELECT p.id, COALESCE(pe.email, ''), p.code, p.credit
                 FROM participants p JOIN people pe ON pe.id = p.person_id
                 WHERE p.offer_id = $1 AND p.credit > 0
                 ORDER BY p.credit DESC, p.created_at, p.id LIMIT $2",
                &[&id, &TOP_REFERRERS],
            )?;
            data.top_referrers = rows
                .iter()
                .map(|r| TopReferrer {
                    participant_id: ParticipantId::from_trusted(r.get(0)),
                    email: r.get(1),
                    code: r.get(2),
                    credit: r.get(3),
                })
                .collect();
            Ok(data)
        })
        .await
    }
}
