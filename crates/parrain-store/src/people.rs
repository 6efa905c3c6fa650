//! The people filters ("smart lists"): who signed up, achieved, was
//! fulfilled, was referred, shared or clicked, per offer. Each filter is one
//! indexed sub-query; the list holds the people that pass all of them.
//! Written once over the shared SQL layer (`crate::sql`); an export streams
//! one query in one snapshot, which each engine does its own way
//! ([`Engine::stream_people`]).

use async_trait::async_trait;
use parrain_core::ids::PersonId;

use crate::model::{decode_cursor, page_of};
use crate::sql::{Db, Engine, Param, Row};
use crate::{Page, PageRequest, People, PeopleExport, PeopleFilter, Person, Result};

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

/// The SQL conditions of a filter and their parameters, numbered after
/// the query's own first `before` (a page's position and size).
pub(crate) struct Conditions {
    sql: Vec<String>,
    pub(crate) args: Vec<String>,
    before: usize,
}

impl Conditions {
    /// Adds a parameter; returns its placeholder.
    fn arg(&mut self, value: String) -> String {
        self.args.push(value);
        format!("?{}", self.args.len() + self.before)
    }

    fn participated(&mut self, offer: String, extra: &str) {
        let o = self.arg(offer);
        self.sql.push(format!(
            "EXISTS (SELECT 1 FROM participants p WHERE p.person_id = pe.id AND p.offer_id = {o}{extra})"
        ));
    }
}

pub(crate) fn conditions<E: Engine>(filter: &PeopleFilter, before: usize) -> Conditions {
    let mut c = Conditions {
        sql: Vec::new(),
        args: Vec::new(),
        before,
    };
    if let Some(o) = &filter.signed_up_for {
        c.participated(o.to_string(), &within("p.created_at", filter));
    }
    if let Some(o) = &filter.achieved_goal_in {
        let extra = format!(
            " AND p.achieved_at IS NOT NULL{}",
            within("p.achieved_at", filter)
        );
        c.participated(o.to_string(), &extra);
    }
    if let Some(o) = &filter.fulfilled_in {
        let extra = format!(
            " AND p.fulfilled_at IS NOT NULL{}",
            within("p.fulfilled_at", filter)
        );
        c.participated(o.to_string(), &extra);
    }
    if let Some(p) = &filter.referred_by {
        // People a participant brought: sign-ups with its code, friends that
        // earned it credit, and identified browsers attributed to it; never itself.
        // Its browsers are read among its offer's (SQLite keeps no index of
        // attributions by participant: migration 0025).
        let r = c.arg(p.to_string());
        c.sql.push(format!(
            "pe.id IN (
                SELECT f.person_id FROM participants f WHERE f.referred_by = {r}
                UNION SELECT cr.friend_person FROM credits cr WHERE cr.participant_id = {r}
                UNION SELECT v.person_id FROM attributions a JOIN visitors v ON v.id = a.visitor_id
                      WHERE a.offer_id = (SELECT offer_id FROM participants WHERE id = {r})
                        AND a.participant_id = {r})
             AND pe.id NOT IN (SELECT person_id FROM participants WHERE id = {r})"
        ));
    }
    if let Some(o) = &filter.was_referred_in {
        // People some participant of an offer brought, other than themselves.
        let o = c.arg(o.to_string());
        c.sql.push(format!(
            "pe.id IN (
                SELECT f.person_id FROM participants f WHERE f.offer_id = {o} AND f.referred_by IS NOT NULL
                UNION SELECT cr.friend_person FROM credits cr WHERE cr.offer_id = {o}
                UNION SELECT v.person_id FROM attributions a JOIN visitors v ON v.id = a.visitor_id
                      JOIN participants r ON r.id = a.participant_id
                      WHERE a.offer_id = {o} AND v.person_id != r.person_id)"
        ));
    }
    if let Some(o) = &filter.shared_in {
        let o = c.arg(o.to_string());
        let channel = match &filter.channel {
            Some(channel) => format!(
                " AND {} = {}",
                E::json_text("s.details", "channel"),
                c.arg(channel.clone())
            ),
            None => String::new(),
        };
        c.sql.push(format!(
            "pe.id IN (SELECT s.person_id FROM activities s
                 WHERE s.offer_id = {o} AND s.type = 'shares_content'{channel}{}{})",
            within("s.occurred_at", filter),
            at_least("s.person_id", filter)
        ));
    }
    if let Some(o) = &filter.clicked_shared_link_in {
        let o = c.arg(o.to_string());
        c.sql.push(format!(
            "pe.id IN (SELECT COALESCE(k.person_id, v.person_id) FROM activities k
                 LEFT JOIN visitors v ON v.id = k.visitor_id
                 WHERE k.offer_id = {o} AND k.type = 'clicks_shared_link'{}{})",
            within("k.occurred_at", filter),
            at_least("COALESCE(k.person_id, v.person_id)", filter)
        ));
    }
    if let Some(method) = filter.attributed_by {
        let mut narrow = String::new();
        if let Some(o) = &filter.was_referred_in {
            narrow.push_str(&format!(" AND fr.offer_id = {}", c.arg(o.to_string())));
        }
        if let Some(p) = &filter.referred_by {
            narrow.push_str(&format!(
                " AND fr.participant_id = {}",
                c.arg(p.to_string())
            ));
        }
        let m = c.arg(method.as_str().into());
        c.sql.push(attributed_by(&m, &narrow));
    }
    if let Some(reward) = &filter.reward {
        let mut narrow = String::new();
        if let Some(state) = filter.reward_state {
            narrow.push_str(&format!(" AND r.state = {}", c.arg(state.as_str().into())));
        }
        if let Some(o) = &filter.signed_up_for {
            narrow.push_str(&format!(" AND r.offer_id = {}", c.arg(o.to_string())));
        }
        let id = c.arg(reward.clone());
        c.sql.push(format!(
            "pe.id IN (SELECT p.person_id FROM participant_rewards r
                 JOIN participants p ON p.id = r.participant_id
                 WHERE r.reward_id = {id}{narrow})"
        ));
    }
    c
}

/// The people query: the filter's conditions after `head`, then `tail`.
pub(crate) fn people_sql<E: Engine>(head: &str, conditions: &Conditions, tail: &str) -> String {
    select_sql(
        &format!(
            "pe.{}, pe.id, pe.email, pe.first_name, pe.last_name, pe.created_at",
            E::ROW_SEQ
        ),
        head,
        conditions,
        tail,
    )
}

/// `SELECT {columns} FROM people pe WHERE {head} AND {conditions…} {tail}`.
fn select_sql(columns: &str, head: &str, conditions: &Conditions, tail: &str) -> String {
    let mut sql = format!("SELECT {columns} FROM people pe WHERE ");
    sql.push_str(head);
    for c in &conditions.sql {
        sql.push_str(" AND ");
        sql.push_str(c);
    }
    sql.push(' ');
    sql.push_str(tail);
    sql
}

/// A row of [`people_sql`]: its position, and the person.
pub(crate) fn person_of(r: &Row) -> Result<(i64, Person)> {
    Ok((
        r.int(0)?,
        Person {
            id: PersonId::from_trusted(r.text(1)?),
            email: r.text(2)?,
            first_name: r.opt_text(3)?,
            last_name: r.opt_text(4)?,
            created_at: r.int(5)?,
        },
    ))
}

fn params(args: &[String]) -> Vec<Param<'_>> {
    args.iter().map(Into::into).collect()
}

#[async_trait]
impl<E: Engine> People for E {
    async fn list_people(&self, filter: PeopleFilter, page: PageRequest) -> Result<Page<Person>> {
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read_db(move |db| {
            let conditions = conditions::<E>(&filter, 2);
            let seq = E::ROW_SEQ;
            let sql = people_sql::<E>(
                &format!("pe.{seq} < ?1"),
                &conditions,
                &format!("ORDER BY pe.{seq} DESC LIMIT ?2"),
            );
            let mut all = vec![before.into(), (i64::from(page.limit) + 1).into()];
            all.extend(params(&conditions.args));
            let rows = db
                .query(&sql, &all)?
                .iter()
                .map(person_of)
                .collect::<Result<_>>()?;
            Ok(page_of(rows, page.limit))
        })
        .await
    }

    async fn count_people(&self, filter: PeopleFilter) -> Result<u64> {
        self.read_db(move |db| {
            let conditions = conditions::<E>(&filter, 0);
            let sql = select_sql("COUNT(*)", "1 = 1", &conditions, "");
            let found = db.query(&sql, &params(&conditions.args))?;
            let count = found.first().map_or(Ok(0), |r| r.int(0))?;
            Ok(count.try_into().unwrap_or(0))
        })
        .await
    }

    fn export_people(&self, filter: PeopleFilter) -> PeopleExport {
        let conditions = conditions::<E>(&filter, 0);
        let sql = people_sql::<E>(
            "1 = 1",
            &conditions,
            &format!("ORDER BY pe.{} DESC", E::ROW_SEQ),
        );
        self.stream_people(sql, conditions.args)
    }
}
