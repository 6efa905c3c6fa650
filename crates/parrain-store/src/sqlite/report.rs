//! Offer reports on SQLite: the offer's `activity_hours` rows the window
//! touches, a recount of the hours it cuts, and the top referrers from the
//! `participants_top` index.

use async_trait::async_trait;
use parrain_core::attribution::Method;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::report::{total, Window};
use r2d2_sqlite::rusqlite::params;

use super::SqliteStore;
use crate::report::{
    add_part, key_sql, split_hours, split_keyed, tally_row, HourRow, KeyedRow, ReportData, Reports,
    TopReferrer, HOUR, KEYED_TYPES, TOP_REFERRERS,
};
use crate::Result;

/// The window's hours, each type's keys summed.
const HOURS: &str = "SELECT hour, type, SUM(count), SUM(sessions), SUM(referred_sessions),
        SUM(referred_sign_ups), MIN(first_seq), MAX(last_seq)
    FROM activity_hours
    WHERE offer_id = ?1 AND hour > ?2 AND hour < ?3
      AND type IN ('visits_offer_page', 'signs_up_for_referral_offer', 'shares_content',
                   'clicks_shared_link', 'custom_event')
    GROUP BY hour, type";

const SLICE: &str = "SELECT COUNT(*),
        TOTAL(CASE WHEN json_extract(details, '$.new_session') THEN 1 ELSE 0 END),
        TOTAL(CASE WHEN json_extract(details, '$.new_session') AND json_extract(details, '$.referred')
            THEN 1 ELSE 0 END),
        TOTAL(CASE WHEN json_extract(details, '$.referred_by') IS NOT NULL THEN 1 ELSE 0 END)
    FROM activities
    WHERE offer_id = ?1 AND type = ?2 AND seq BETWEEN ?3 AND ?4
      AND occurred_at >= ?5 AND occurred_at < ?6";

#[async_trait]
impl Reports for SqliteStore {
    async fn report_data(&self, offer: &OfferId, window: Window) -> Result<ReportData> {
        let offer = offer.clone();
        self.read(move |conn| {
            let (id, from, to) = (offer.as_str(), window.from, window.to);
            let mut data = ReportData::default();
            let rows = conn
                .prepare_cached(HOURS)?
                .query_map(params![id, from - HOUR, to], |r| {
                    Ok(HourRow {
                        hour: r.get(0)?,
                        kind: r.get(1)?,
                        count: r.get(2)?,
                        sessions: r.get(3)?,
                        referred_sessions: r.get(4)?,
                        referred_sign_ups: r.get(5)?,
                        first_seq: r.get(6)?,
                        last_seq: r.get(7)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let (slices, clicks) = split_hours(&window, rows, &mut data.tallies);
            let mut slice = conn.prepare_cached(SLICE)?;
            for s in slices {
                let (count, sessions, referred_sessions, referred_sign_ups) = slice.query_row(
                    params![id, s.kind, s.first_seq, s.last_seq, s.from, s.to],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, f64>(1)? as i64,
                            r.get::<_, f64>(2)? as i64,
                            r.get::<_, f64>(3)? as i64,
                        ))
                    },
                )?;
                if count > 0 {
                    tally_row(
                        &mut data.tallies,
                        s.bucket,
                        &s.kind,
                        count,
                        sessions,
                        referred_sessions,
                        referred_sign_ups,
                    );
                }
            }
            let keyed = conn
                .prepare_cached(&format!(
                    "SELECT hour, type, key, count, first_seq, last_seq FROM activity_hours
                     WHERE offer_id = ?1 AND hour > ?2 AND hour < ?3 AND key <> ''
                       AND type IN {KEYED_TYPES}"
                ))?
                .query_map(params![id, from - HOUR, to], |r| {
                    Ok(KeyedRow {
                        hour: r.get(0)?,
                        kind: r.get(1)?,
                        key: r.get(2)?,
                        count: r.get(3)?,
                        first_seq: r.get(4)?,
                        last_seq: r.get(5)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut recount = conn.prepare_cached(&format!(
                "SELECT {}, COUNT(*) FROM activities
                 WHERE offer_id = ?1 AND type = ?2 AND seq BETWEEN ?3 AND ?4
                   AND occurred_at >= ?5 AND occurred_at < ?6
                 GROUP BY 1",
                key_sql(|f| format!("json_extract(details, '$.{f}')"))
            ))?;
            for s in split_keyed(&window, keyed, &mut data.parts) {
                let counts = recount
                    .query_map(
                        params![id, s.kind, s.first_seq, s.last_seq, s.from, s.to],
                        |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
                    )?
                    .collect::<Result<Vec<_>, _>>()?;
                for (key, count) in counts {
                    add_part(&mut data.parts, s.bucket, &s.kind, &key, count);
                }
            }
            data.profiles = total(&data.tallies).sign_ups;
            data.email_reach = conn
                .prepare_cached(
                    "SELECT COALESCE(SUM(json_extract(details, '$.recipients')), 0) FROM activities
                     WHERE offer_id = ?1 AND type = 'shares_content'
                       AND occurred_at >= ?2 AND occurred_at < ?3",
                )?
                .query_row(params![id, from, to], |r| r.get(0))?;
            data.ineligible = conn
                .prepare_cached(
                    &crate::report::INELIGIBLE
                        .replace("{reason}", "json_extract(details, '$.reason')"),
                )?
                .query_map(params![id, from, to], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            data.attributed = conn
                .prepare_cached(crate::report::ATTRIBUTED)?
                .query_map(params![id, from, to], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })?
                .filter_map(|r| {
                    r.map(|(m, n)| Method::parse(&m).map(|m| (m, n)))
                        .transpose()
                })
                .collect::<Result<_, _>>()?;
            if let Some((first, last)) = clicks {
                data.influencers = conn.query_row(
                    "SELECT COUNT(DISTINCT participant_id) FROM activities
                     WHERE offer_id = ?1 AND type = 'clicks_shared_link'
                       AND seq BETWEEN ?2 AND ?3 AND occurred_at >= ?4 AND occurred_at < ?5",
                    params![id, first, last, from, to],
                    |r| r.get(0),
                )?;
            }
            let mut stmt = conn.prepare_cached(
                "SELECT p.id, COALESCE(pe.email, ''), p.code, p.credit
                 FROM participants p INDEXED BY participants_top
                 JOIN people pe ON pe.id = p.person_id
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
