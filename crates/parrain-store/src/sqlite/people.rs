//! The people filters ("smart lists"): who signed up, achieved, was
//! fulfilled, was referred, shared or clicked, per offer. Each filter is one
//! indexed sub-query; the list holds the people that pass all of them.

use async_trait::async_trait;
use parrain_core::ids::PersonId;
use r2d2_sqlite::rusqlite::{self, Row, ToSql};

use super::{decode_cursor, page_of, SqliteStore};
use crate::{Page, PageRequest, People, PeopleExport, PeopleFilter, Person, Result};

/// People a participant brought: sign-ups with its code, friends that
/// earned it credit, and identified browsers attributed to it; never itself.
const REFERRED_BY: &str = "pe.id IN (
    SELECT f.person_id FROM participants f WHERE f.referred_by = :referrer
    UNION SELECT c.friend_person FROM credits c WHERE c.participant_id = :referrer
    UNION SELECT v.person_id FROM attributions a JOIN visitors v ON v.id = a.visitor_id
          WHERE a.participant_id = :referrer)
  AND pe.id NOT IN (SELECT person_id FROM participants WHERE id = :referrer)";

/// People some participant of an offer brought, other than themselves.
const WAS_REFERRED_IN: &str = "pe.id IN (
    SELECT f.person_id FROM participants f WHERE f.offer_id = :referred_in AND f.referred_by IS NOT NULL
    UNION SELECT c.friend_person FROM credits c WHERE c.offer_id = :referred_in
    UNION SELECT v.person_id FROM attributions a JOIN visitors v ON v.id = a.visitor_id
          JOIN participants r ON r.id = a.participant_id
          WHERE a.offer_id = :referred_in AND v.person_id != r.person_id)";

/// People whose recorded referrer was found by a method: the friend is a
/// person, or a browser that person owns.
pub(crate) fn attributed_by(method: &str, narrow: &str) -> String {
    format!(
        "pe.id IN (
    SELECT fr.friend FROM friend_referrers fr WHERE fr.method = {method}{narrow}
    UNION SELECT v.person_id FROM friend_referrers fr JOIN visitors v ON v.id = fr.friend
          WHERE fr.method = {method}{narrow})"
    )
}

fn participated(name: &str, extra: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM participants p WHERE p.person_id = pe.id AND p.offer_id = :{name}{extra})"
    )
}

const SHARED_IN: &str = "pe.id IN (SELECT s.person_id FROM activities s
    WHERE s.offer_id = :shared_in AND s.type = 'shares_content'";

const CLICKED_IN: &str = "pe.id IN (SELECT COALESCE(k.person_id, v.person_id) FROM activities k
    LEFT JOIN visitors v ON v.id = k.visitor_id
    WHERE k.offer_id = :clicked_in AND k.type = 'clicks_shared_link'";

/// The filter's date range on `column` (milliseconds), as SQL conditions to
/// append; the bounds are integers, so they are written in place (both
/// stores share this).
pub(crate) fn within(column: &str, filter: &PeopleFilter) -> String {
    let mut sql = String::new();
    if let Some(since) = filter.since {
        sql.push_str(&format!(" AND {column} >= {since}"));
    }
    if let Some(until) = filter.until {
        sql.push_str(&format!(" AND {column} < {until}"));
    }
    sql
}

/// For a counted filter's sub-query selecting `person`: keeps the people
/// with at least `min_count` of its rows (both stores share this).
pub(crate) fn at_least(person: &str, filter: &PeopleFilter) -> String {
    match filter.min_count {
        Some(n) if n > 1 => format!(" GROUP BY {person} HAVING COUNT(*) >= {n}"),
        _ => String::new(),
    }
}

/// The SQL conditions of a filter and their named parameters.
fn conditions(filter: &PeopleFilter) -> (Vec<String>, Vec<(&'static str, String)>) {
    let mut sql = Vec::new();
    let mut args = Vec::new();
    if let Some(o) = &filter.signed_up_for {
        sql.push(participated(
            "signed_up_for",
            &within("p.created_at", filter),
        ));
        args.push((":signed_up_for", o.to_string()));
    }
    if let Some(o) = &filter.achieved_goal_in {
        let extra = format!(
            " AND p.achieved_at IS NOT NULL{}",
            within("p.achieved_at", filter)
        );
        sql.push(participated("achieved_in", &extra));
        args.push((":achieved_in", o.to_string()));
    }
    if let Some(o) = &filter.fulfilled_in {
        let extra = format!(
            " AND p.fulfilled_at IS NOT NULL{}",
            within("p.fulfilled_at", filter)
        );
        sql.push(participated("fulfilled_in", &extra));
        args.push((":fulfilled_in", o.to_string()));
    }
    if let Some(p) = &filter.referred_by {
        sql.push(REFERRED_BY.into());
        args.push((":referrer", p.to_string()));
    }
    if let Some(o) = &filter.was_referred_in {
        sql.push(WAS_REFERRED_IN.into());
        args.push((":referred_in", o.to_string()));
    }
    if let Some(o) = &filter.shared_in {
        args.push((":shared_in", o.to_string()));
        let channel = match &filter.channel {
            Some(c) => {
                args.push((":channel", c.clone()));
                " AND json_extract(s.details, '$.channel') = :channel"
            }
            None => "",
        };
        sql.push(format!(
            "{SHARED_IN}{channel}{}{})",
            within("s.occurred_at", filter),
            at_least("s.person_id", filter)
        ));
    }
    if let Some(o) = &filter.clicked_shared_link_in {
        sql.push(format!(
            "{CLICKED_IN}{}{})",
            within("k.occurred_at", filter),
            at_least("COALESCE(k.person_id, v.person_id)", filter)
        ));
        args.push((":clicked_in", o.to_string()));
    }
    if let Some(method) = filter.attributed_by {
        let mut narrow = String::new();
        if let Some(o) = &filter.was_referred_in {
            narrow.push_str(" AND fr.offer_id = :method_in");
            args.push((":method_in", o.to_string()));
        }
        if let Some(p) = &filter.referred_by {
            narrow.push_str(" AND fr.participant_id = :method_by");
            args.push((":method_by", p.to_string()));
        }
        sql.push(attributed_by(":method", &narrow));
        args.push((":method", method.as_str().into()));
    }
    if let Some(reward) = &filter.reward {
        let mut narrow = String::new();
        if let Some(state) = filter.reward_state {
            narrow.push_str(" AND r.state = :reward_state");
            args.push((":reward_state", state.as_str().into()));
        }
        if let Some(o) = &filter.signed_up_for {
            narrow.push_str(" AND r.offer_id = :reward_in");
            args.push((":reward_in", o.to_string()));
        }
        sql.push(format!(
            "pe.id IN (SELECT p.person_id FROM participant_rewards r
                 JOIN participants p ON p.id = r.participant_id
                 WHERE r.reward_id = :reward{narrow})"
        ));
        args.push((":reward", reward.clone()));
    }
    (sql, args)
}

/// The people query: the filter's conditions after `head`, then `tail`.
fn people_sql(head: &str, conditions: &[String], tail: &str) -> String {
    select_sql(
        "pe.rowid, pe.id, pe.email, pe.first_name, pe.last_name, pe.created_at",
        head,
        conditions,
        tail,
    )
}

/// `SELECT {columns} FROM people pe WHERE {head} AND {conditions…} {tail}`.
fn select_sql(columns: &str, head: &str, conditions: &[String], tail: &str) -> String {
    let mut sql = format!("SELECT {columns} FROM people pe WHERE ");
    sql.push_str(head);
    for c in conditions {
        sql.push_str(" AND ");
        sql.push_str(c);
    }
    sql.push(' ');
    sql.push_str(tail);
    sql
}

fn person(r: &Row<'_>) -> rusqlite::Result<(i64, Person)> {
    Ok((
        r.get::<_, i64>(0)?,
        Person {
            id: PersonId::from_trusted(r.get(1)?),
            email: r.get(2)?,
            first_name: r.get(3)?,
            last_name: r.get(4)?,
            created_at: r.get(5)?,
        },
    ))
}

#[async_trait]
impl People for SqliteStore {
    async fn list_people(&self, filter: PeopleFilter, page: PageRequest) -> Result<Page<Person>> {
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read(move |conn| {
            let (conditions, args) = conditions(&filter);
            let sql = people_sql(
                "pe.rowid < :before",
                &conditions,
                "ORDER BY pe.rowid DESC LIMIT :limit",
            );
            let limit = i64::from(page.limit) + 1;
            let mut params: Vec<(&str, &dyn ToSql)> =
                vec![(":before", &before), (":limit", &limit)];
            params.extend(
                args.iter()
                    .map(|(name, value)| (*name, value as &dyn ToSql)),
            );
            let rows = conn
                .prepare(&sql)?
                .query_map(params.as_slice(), person)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(page_of(rows, page.limit))
        })
        .await
    }

    async fn count_people(&self, filter: PeopleFilter) -> Result<u64> {
        self.read(move |conn| {
            let (conditions, args) = conditions(&filter);
            let sql = select_sql("COUNT(*)", "1", &conditions, "");
            let params: Vec<(&str, &dyn ToSql)> = args
                .iter()
                .map(|(name, value)| (*name, value as &dyn ToSql))
                .collect();
            let count: i64 = conn.query_row(&sql, params.as_slice(), |r| r.get(0))?;
            Ok(count.try_into().unwrap_or(0))
        })
        .await
    }

    /// One statement stepped from its first row to its last on a reader of
    /// its own: one read transaction, so one snapshot; each sub-query of the
    /// filter is evaluated once, not once per page.
    fn export_people(&self, filter: PeopleFilter) -> PeopleExport {
        let readers = self.readers.clone();
        PeopleExport::start(move |out| {
            let conn = readers.get()?;
            let (conditions, args) = conditions(&filter);
            let sql = people_sql("1", &conditions, "ORDER BY pe.rowid DESC");
            let params: Vec<(&str, &dyn ToSql)> = args
                .iter()
                .map(|(name, value)| (*name, value as &dyn ToSql))
                .collect();
            let mut statement = conn.prepare(&sql)?;
            let mut rows = statement.query(params.as_slice())?;
            while let Some(r) = rows.next()? {
                if !out.push(person(r)?.1) {
                    break;
                }
            }
            Ok(())
        })
    }
}
