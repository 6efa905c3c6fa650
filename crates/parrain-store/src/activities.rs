//! Reading the activity log, written once over the shared SQL layer
//! (`crate::sql`); recording is the flows' (`flows/`).

use async_trait::async_trait;
use parrain_core::activity::ActivityType;
use parrain_core::ids::{ActivityId, OfferId, ParticipantId, PersonId, VisitorId};

use crate::model::{decode_cursor, page_of};
use crate::sql::{Db, Engine};
use crate::{Activities, Activity, ActivityFilter, Page, PageRequest, Result};

#[async_trait]
impl<E: Engine> Activities for E {
    async fn list_activities(
        &self,
        filter: ActivityFilter,
        page: PageRequest,
    ) -> Result<Page<Activity>> {
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read_db(move |db| {
            let rows = db.query(
                "SELECT seq, id, type, offer_id, participant_id, person_id, visitor_id, details,
                        occurred_at
                 FROM activities
                 WHERE seq < ?1 AND (CAST(?2 AS TEXT) IS NULL OR offer_id = ?2)
                   AND (CAST(?3 AS TEXT) IS NULL OR type = ?3)
                   AND (CAST(?4 AS TEXT) IS NULL OR person_id = ?4)
                   AND (CAST(?5 AS TEXT) IS NULL OR participant_id = ?5)
                   AND (CAST(?6 AS BIGINT) IS NULL OR occurred_at >= ?6)
                 ORDER BY seq DESC LIMIT ?7",
                &[
                    before.into(),
                    filter.offer_id.as_ref().map(OfferId::as_str).into(),
                    filter.kind.map(ActivityType::as_str).into(),
                    filter.person_id.as_ref().map(PersonId::as_str).into(),
                    filter
                        .participant_id
                        .as_ref()
                        .map(ParticipantId::as_str)
                        .into(),
                    filter.since.into(),
                    (i64::from(page.limit) + 1).into(),
                ],
            )?;
            let activities = rows
                .iter()
                .map(|r| {
                    Ok((
                        r.int(0)?,
                        Activity {
                            id: ActivityId::from_trusted(r.text(1)?),
                            kind: ActivityType::parse(&r.text(2)?)
                                .unwrap_or(ActivityType::CustomEvent),
                            offer_id: r.opt_text(3)?.map(OfferId::from_trusted),
                            participant_id: r.opt_text(4)?.map(ParticipantId::from_trusted),
                            person_id: r.opt_text(5)?.map(PersonId::from_trusted),
                            visitor_id: r.opt_text(6)?.map(VisitorId::from_trusted),
                            details: r.opt_json(7).ok().flatten().unwrap_or_default(),
                            occurred_at: r.int(8)?,
                        },
                    ))
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(page_of(activities, page.limit))
        })
        .await
    }
}
