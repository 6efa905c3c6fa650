//! Reading an offer's report data (`crate::report`), written once over the
//! shared SQL layer (`crate::sql`): the window's `activity_hours` (on
//! PostgreSQL with the tallies its folder has not folded yet,
//! [`Engine::UNFOLDED_HOURS`]), a recount of the hours the window cuts, and
//! the top referrers from the `participants_top` index.

use async_trait::async_trait;
use parrain_core::attribution::Method;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::report::{total, Window};

use crate::report::{
    add_part, key_sql, split_hours, split_keyed, tally_row, HourRow, KeyedRow, ReportData, Reports,
    TopReferrer, ATTRIBUTED, HOUR, INELIGIBLE, KEYED_TYPES, TOP_REFERRERS,
};
use crate::sql::{Db, Engine};
use crate::Result;

/// The rows of `activity_hours` of offer `?1` between the hours `?2` and
/// `?3`, as a subquery.
fn activity_hours<E: Engine>() -> String {
    format!(
        "(SELECT hour, type, key, count, sessions, referred_sessions, referred_sign_ups,
                 first_seq, last_seq
          FROM activity_hours WHERE offer_id = ?1 AND hour > ?2 AND hour < ?3{})",
        E::UNFOLDED_HOURS
    )
}

/// The window's hours, each type's keys summed.
fn hours<E: Engine>() -> String {
    format!(
        "SELECT hour, type, CAST(SUM(count) AS BIGINT), CAST(SUM(sessions) AS BIGINT),
                CAST(SUM(referred_sessions) AS BIGINT), CAST(SUM(referred_sign_ups) AS BIGINT),
                MIN(first_seq), MAX(last_seq)
         FROM {} h
         WHERE type IN ('visits_offer_page', 'signs_up_for_referral_offer', 'shares_content',
                        'clicks_shared_link', 'custom_event')
         GROUP BY hour, type",
        activity_hours::<E>()
    )
}

/// What the activities of one cut hour count for, read from the log.
fn slice<E: Engine>() -> String {
    let new_session = E::json_bool("details", "new_session");
    let referred = E::json_bool("details", "referred");
    let referred_by = E::json_text("details", "referred_by");
    format!(
        "SELECT COUNT(*),
                COALESCE(SUM(CASE WHEN {new_session} THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN {new_session} AND {referred} THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN {referred_by} IS NOT NULL THEN 1 ELSE 0 END), 0)
         FROM activities
         WHERE offer_id = ?1 AND type = ?2 AND seq BETWEEN ?3 AND ?4
           AND occurred_at >= ?5 AND occurred_at < ?6"
    )
}

fn first_int(db: &dyn Db, sql: &str, params: &[crate::sql::Param<'_>]) -> Result<i64> {
    let found = db.query(sql, params)?;
    found.first().map_or(Ok(0), |r| r.int(0))
}

#[async_trait]
impl<E: Engine> Reports for E {
    async fn report_data(&self, offer: &OfferId, window: Window) -> Result<ReportData> {
        let offer = offer.clone();
        self.read_db(move |db| {
            let (id, from, to) = (offer.as_str(), window.from, window.to);
            let mut data = ReportData::default();
            let rows = db
                .query(&hours::<E>(), &[id.into(), (from - HOUR).into(), to.into()])?
                .iter()
                .map(|r| {
                    Ok(HourRow {
                        hour: r.int(0)?,
                        kind: r.text(1)?,
                        count: r.int(2)?,
                        sessions: r.int(3)?,
                        referred_sessions: r.int(4)?,
                        referred_sign_ups: r.int(5)?,
                        first_seq: r.int(6)?,
                        last_seq: r.int(7)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let (slices, clicks) = split_hours(&window, rows, &mut data.tallies);
            let slice = slice::<E>();
            for s in slices {
                let found = db.query(
                    &slice,
                    &[
                        id.into(),
                        s.kind.as_str().into(),
                        s.first_seq.into(),
                        s.last_seq.into(),
                        s.from.into(),
                        s.to.into(),
                    ],
                )?;
                let Some(r) = found.first() else { continue };
                let count = r.int(0)?;
                if count > 0 {
                    tally_row(
                        &mut data.tallies,
                        s.bucket,
                        &s.kind,
                        count,
                        r.int(1)?,
                        r.int(2)?,
                        r.int(3)?,
                    );
                }
            }
            let keyed = db
                .query(
                    &format!(
                        "SELECT hour, type, key, CAST(SUM(count) AS BIGINT), MIN(first_seq),
                                MAX(last_seq)
                         FROM {} h
                         WHERE key <> '' AND type IN {KEYED_TYPES}
                         GROUP BY hour, type, key",
                        activity_hours::<E>()
                    ),
                    &[id.into(), (from - HOUR).into(), to.into()],
                )?
                .iter()
                .map(|r| {
                    Ok(KeyedRow {
                        hour: r.int(0)?,
                        kind: r.text(1)?,
                        key: r.text(2)?,
                        count: r.int(3)?,
                        first_seq: r.int(4)?,
                        last_seq: r.int(5)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let recount = format!(
                "SELECT {}, COUNT(*) FROM activities
                 WHERE offer_id = ?1 AND type = ?2 AND seq BETWEEN ?3 AND ?4
                   AND occurred_at >= ?5 AND occurred_at < ?6
                 GROUP BY 1",
                key_sql(|f| E::json_text("details", f))
            );
            for s in split_keyed(&window, keyed, &mut data.parts) {
                let found = db.query(
                    &recount,
                    &[
                        id.into(),
                        s.kind.as_str().into(),
                        s.first_seq.into(),
                        s.last_seq.into(),
                        s.from.into(),
                        s.to.into(),
                    ],
                )?;
                for r in found {
                    add_part(&mut data.parts, s.bucket, &s.kind, &r.text(0)?, r.int(1)?);
                }
            }
            data.profiles = total(&data.tallies).sign_ups;
            data.email_reach = first_int(
                db,
                &format!(
                    "SELECT CAST(COALESCE(SUM({}), 0) AS BIGINT) FROM activities
                     WHERE offer_id = ?1 AND type = 'shares_content'
                       AND occurred_at >= ?2 AND occurred_at < ?3",
                    E::json_int("details", &["recipients"])
                ),
                &[id.into(), from.into(), to.into()],
            )?;
            data.ineligible = db
                .query(
                    &INELIGIBLE.replace("{reason}", &E::json_text("details", "reason")),
                    &[id.into(), from.into(), to.into()],
                )?
                .iter()
                .map(|r| Ok((r.text(0)?, r.int(1)?)))
                .collect::<Result<_>>()?;
            for r in db.query(ATTRIBUTED, &[id.into(), from.into(), to.into()])? {
                if let Some(method) = Method::parse(&r.text(0)?) {
                    data.attributed.push((method, r.int(1)?));
                }
            }
            if let Some((first, last)) = clicks {
                data.influencers = first_int(
                    db,
                    "SELECT COUNT(DISTINCT participant_id) FROM activities
                     WHERE offer_id = ?1 AND type = 'clicks_shared_link'
                       AND seq BETWEEN ?2 AND ?3 AND occurred_at >= ?4 AND occurred_at < ?5",
                    &[id.into(), first.into(), last.into(), from.into(), to.into()],
                )?;
            }
            data.top_referrers = db
                .query(
                    &format!(
                        "SELECT p.id, COALESCE(pe.email, ''), p.code, p.credit
                         FROM participants p{} JOIN people pe ON pe.id = p.person_id
                         WHERE p.offer_id = ?1 AND p.credit > 0
                         ORDER BY p.credit DESC, p.created_at, p.id LIMIT ?2",
                        E::TOP_REFERRERS_INDEX
                    ),
                    &[id.into(), TOP_REFERRERS.into()],
                )?
                .iter()
                .map(|r| {
                    Ok(TopReferrer {
                        participant_id: ParticipantId::from_trusted(r.text(0)?),
                        email: r.text(1)?,
                        code: r.text(2)?,
                        credit: r.int(3)?,
                    })
                })
                .collect::<Result<_>>()?;
            Ok(data)
        })
        .await
    }
}
