//! Reading the activity log.

use async_trait::async_trait;
use parrain_core::activity::ActivityType;
use parrain_core::ids::{ActivityId, OfferId, ParticipantId, PersonId, VisitorId};

use super::{fetch_limit, PgStore};
use crate::sqlite::{decode_cursor, page_of};
use crate::{Activities, Activity, ActivityFilter, Page, PageRequest, Result};

#[async_trait]
impl Activities for PgStore {
    async fn list_activities(
        &self,
        filter: ActivityFilter,
        page: PageRequest,
    ) -> Result<Page<Activity>> {
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read(move |c| {
            let rows = c.query(
                "SELECT seq, id, type, offer_id, participant_id, person_id, visitor_id, details, occurred_at
                 FROM activities
                 WHERE seq < $1 AND ($2::TEXT IS NULL OR offer_id = $2) AND ($3::TEXT IS NULL OR type = $3)
                   AND ($4::TEXT IS NULL OR person_id = $4) AND ($5::TEXT IS NULL OR participant_id = $5)
                   AND ($6::BIGINT IS NULL OR occurred_at >= $6)
                 ORDER BY seq DESC LIMIT $7",
                &[
                    &before,
                    &filter.offer_id.as_ref().map(OfferId::as_str),
                    &filter.kind.map(ActivityType::as_str),
                    &filter.person_id.as_ref().map(PersonId::as_str),
                    &filter.participant_id.as_ref().map(ParticipantId::as_str),
                    &filter.since,
                    &fetch_limit(page.limit),
                ],
            )?;
            let rows = rows
                .iter()
                .map(|r| {
                    let kind: String = r.get(2);
                    (
                        r.get::<_, i64>(0),
                        Activity {
                            id: ActivityId::from_trusted(r.get(1)),
                            kind: ActivityType::parse(&kind).unwrap_or(ActivityType::CustomEvent),
                            offer_id: r.get::<_, Option<String>>(3).map(OfferId::from_trusted),
                            participant_id: r
                                .get::<_, Option<String>>(4)
                                .map(ParticipantId::from_trusted),
                            person_id: r.get::<_, Option<String>>(5).map(PersonId::from_trusted),
                            visitor_id: r.get::<_, Option<String>>(6).map(VisitorId::from_trusted),
                            details: r.get(7),
                            occurred_at: r.get(8),
                        },
                    )
                })
                .collect();
            Ok(page_of(rows, page.limit))
        })
        .await
    }
}
