//! Offer reports on SQLite: one `GROUP BY bucket, type` over the offer's
//! slice of the `(offer_id, type, seq)` index, and three small counts.

use async_trait::async_trait;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::report::Window;
use r2d2_sqlite::rusqlite::params;

use super::SqliteStore;
use crate::report::{tally_row, ReportData, Reports, TopReferrer, TOP_REFERRERS};
use crate::Result;

const TALLY: &str = "SELECT occurred_at / ?4, type, COUNT(*),
        SUM(CASE WHEN json_extract(details, '$.new_session') THEN 1 ELSE 0 END),
        SUM(CASE WHEN json_extract(details, '$.new_session') AND json_extract(details, '$.referred')
            THEN 1 ELSE 0 END),
        SUM(CASE WHEN json_extract(details, '$.referred_by') IS NOT NULL THEN 1 ELSE 0 END)
    FROM activities
    WHERE offer_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3
      AND type IN ('visits_offer_page', 'signs_up_for_referral_offer', 'shares_content',
                   'clicks_shared_link', 'custom_event')
    GROUP BY 1, 2";

#[async_trait]
impl Reports for SqliteStore {
    async fn report_data(&self, offer: &OfferId, window: Window) -> Result<ReportData> {
        let offer = offer.clone();
        self.read(move |conn| {
            let step = window.interval.millis();
            let (id, from, to) = (offer.as_str(), window.from, window.to);
            let mut data = ReportData::default();
            let mut stmt = conn.prepare(TALLY)?;
            let mut rows = stmt.query(params![id, from, to, step])?;
            while let Some(r) = rows.next()? {
                let kind: String = r.get(1)?;
                tally_row(
                    &mut data.tallies,
                    r.get::<_, i64>(0)? * step,
                    &kind,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                );
            }
            data.profiles = conn.query_row(
                "SELECT COUNT(*) FROM participants
                 WHERE offer_id = ?1 AND created_at >= ?2 AND created_at < ?3",
                params![id, from, to],
                |r| r.get(0),
            )?;
            data.influencers = conn.query_row(
                "SELECT COUNT(DISTINCT participant_id) FROM activities
                 WHERE offer_id = ?1 AND type = 'clicks_shared_link'
                   AND occurred_at >= ?2 AND occurred_at < ?3",
                params![id, from, to],
                |r| r.get(0),
            )?;
            let mut stmt = conn.prepare(
                "SELECT p.id, COALESCE(pe.email, ''), p.code, p.credit
                 FROM participants p JOIN people pe ON pe.id = p.person_id
                 WHERE p.offer_id = ?1 AND p.credit > 0
                 ORDER BY p.credit DESC, p.created_at, p.id LIMIT ?2",
            )?;
            data.top_referrers = stmt
                .query_map(params![id, TOP_REFERRERS], |r| {
                    Ok(TopReferrer {
                        participant_id: ParticipantId::from_trusted(r.get(0)?),
                        email: r.get(1)?,
                        code: r.get(2)?,
                        credit: r.get(3)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(data)
        })
        .await
    }
}
