//! Offer reports on PostgreSQL: the same reads as SQLite's (the offer's
//! `activity_hours` rows the window touches, with the tallies not folded yet, a recount of the hours it cuts,
//! the top referrers from the `participants_top` index), with JSONB
//! operators and `FILTER` clauses.

use async_trait::async_trait;
use parrain_core::attribution::Method;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::report::{total, Window};

use super::PgStore;
use crate::report::{
    add_part, key_sql, split_hours, split_keyed, tally_row, HourRow, KeyedRow, ReportData, Reports,
    TopReferrer, HOUR, KEYED_TYPES, TOP_REFERRERS,
};
use crate::Result;

/// The window's hours: the folded tallies plus the rows not folded yet
/// (see `fold`), summed in one snapshot.
const HOURS: &str = "SELECT hour, type, SUM(count)::BIGINT, SUM(sessions)::BIGINT,
        SUM(referred_sessions)::BIGINT, SUM(referred_sign_ups)::BIGINT,
        MIN(first_seq), MAX(last_seq)
    FROM (SELECT hour, type, count, sessions, referred_sessions, referred_sign_ups,
                 first_seq, last_seq
          FROM activity_hours
          WHERE offer_id = $1 AND hour > $2 AND hour < $3
          UNION ALL
          SELECT hour, type, 1, sessions, referred_sessions, referred_sign_ups, seq, seq
          FROM activity_hour_deltas
          WHERE offer_id = $1 AND hour > $2 AND hour < $3) h
    WHERE type IN ('visits_offer_page', 'signs_up_for_referral_offer', 'shares_content',
                   'clicks_shared_link', 'custom_event')
    GROUP BY hour, type";

const SLICE: &str = "SELECT COUNT(*),
        COUNT(*) FILTER (WHERE (details->>'new_session')::BOOLEAN),
        COUNT(*) FILTER (WHERE (details->>'new_session')::BOOLEAN AND (details->>'referred')::BOOLEAN),
        COUNT(*) FILTER (WHERE details->>'referred_by' IS NOT NULL)
    FROM activities
    WHERE offer_id = $1 AND type = $2 AND seq BETWEEN $3 AND $4
      AND occurred_at >= $5 AND occurred_at < $6";

#[async_trait]
impl Reports for PgStore {
    async fn report_data(&self, offer: &OfferId, window: Window) -> Result<ReportData> {
        let offer = offer.clone();
        self.read(move |c| {
            let (id, from, to) = (offer.as_str(), window.from, window.to);
            let mut data = ReportData::default();
            let rows = c
                .query(HOURS, &[&id, &(from - HOUR), &to])?
                .iter()
                .map(|r| HourRow {
                    hour: r.get(0),
                    kind: r.get(1),
                    count: r.get(2),
                    sessions: r.get(3),
                    referred_sessions: r.get(4),
                    referred_sign_ups: r.get(5),
                    first_seq: r.get(6),
                    last_seq: r.get(7),
                })
                .collect();
            let (slices, clicks) = split_hours(&window, rows, &mut data.tallies);
            for s in slices {
                let r = c.query_one(
                    SLICE,
                    &[&id, &s.kind, &s.first_seq, &s.last_seq, &s.from, &s.to],
                )?;
                let count: i64 = r.get(0);
                if count > 0 {
                    tally_row(
                        &mut data.tallies,
                        s.bucket,
                        &s.kind,
                        count,
                        r.get(1),
                        r.get(2),
                        r.get(3),
                    );
                }
            }
            // The keyed rows, folded and not folded yet, as the hours above.
            let keyed = c
                .query(
                    &format!(
                        "SELECT hour, type, key, SUM(count)::BIGINT, MIN(first_seq), MAX(last_seq)
                         FROM (SELECT hour, type, key, count, first_seq, last_seq
                               FROM activity_hours
                               WHERE offer_id = $1 AND hour > $2 AND hour < $3 AND key <> ''
                               UNION ALL
                               SELECT hour, type, key, 1, seq, seq
                               FROM activity_hour_deltas
                               WHERE offer_id = $1 AND hour > $2 AND hour < $3 AND key <> '') h
                         WHERE type IN {KEYED_TYPES}
                         GROUP BY hour, type, key"
                    ),
                    &[&id, &(from - HOUR), &to],
                )?
                .iter()
                .map(|r| KeyedRow {
                    hour: r.get(0),
                    kind: r.get(1),
                    key: r.get(2),
                    count: r.get(3),
                    first_seq: r.get(4),
                    last_seq: r.get(5),
                })
                .collect();
            let recount = format!(
                "SELECT {}, COUNT(*) FROM activities
                 WHERE offer_id = $1 AND type = $2 AND seq BETWEEN $3 AND $4
                   AND occurred_at >= $5 AND occurred_at < $6
                 GROUP BY 1",
                key_sql(|f| format!("(details ->> '{f}')"))
            );
            for s in split_keyed(&window, keyed, &mut data.parts) {
                let rows = c.query(
                    &recount,
                    &[&id, &s.kind, &s.first_seq, &s.last_seq, &s.from, &s.to],
                )?;
                for r in rows {
                    add_part(&mut data.parts, s.bucket, &s.kind, r.get(0), r.get(1));
                }
            }
            data.profiles = total(&data.tallies).sign_ups;
            data.email_reach = c
                .query_one(
                    "SELECT COALESCE(SUM((details ->> 'recipients')::BIGINT), 0)::BIGINT
                     FROM activities WHERE offer_id = $1 AND type = 'shares_content'
                       AND occurred_at >= $2 AND occurred_at < $3",
                    &[&id, &from, &to],
                )?
                .get(0);
            data.ineligible = c
                .query(
                    &crate::report::INELIGIBLE
                        .replace("{reason}", "(details ->> 'reason')")
                        .replace('?', "$"),
                    &[&id, &from, &to],
                )?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
            data.attributed = c
                .query(
                    &crate::report::ATTRIBUTED.replace('?', "$"),
                    &[&id, &from, &to],
                )?
                .iter()
                .filter_map(|r| Method::parse(r.get(0)).map(|m| (m, r.get(1))))
                .collect();
            if let Some((first, last)) = clicks {
                data.influencers = c
                    .query_one(
                        "SELECT COUNT(DISTINCT participant_id) FROM activities
                         WHERE offer_id = $1 AND type = 'clicks_shared_link'
                           AND seq BETWEEN $2 AND $3 AND occurred_at >= $4 AND occurred_at < $5",
                        &[&id, &first, &last, &from, &to],
                    )?
                    .get(0);
            }
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
