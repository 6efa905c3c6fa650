//! The people filters ("smart lists"): who signed up, achieved, was
//! fulfilled, was referred, shared or clicked, per offer. Each filter is one
//! indexed sub-query; the list holds the people that pass all of them. The
//! sub-queries are those of `sqlite/people.rs`, in PostgreSQL's dialect.

use async_trait::async_trait;
use parrain_core::ids::PersonId;
use postgres::types::ToSql;
use postgres::IsolationLevel;

use super::{fetch_limit, PgStore};
use crate::sqlite::{at_least, attributed_by, decode_cursor, page_of, within};
use crate::{Page, PageRequest, People, PeopleExport, PeopleFilter, Person, Result};

/// The SQL conditions of a filter and their parameters, numbered after
/// the query's own first `before` (a page's position and size).
struct Conditions {
    sql: Vec<String>,
    args: Vec<String>,
    before: usize,
}

impl Conditions {
    /// Adds a parameter; returns its placeholder.
    fn arg(&mut self, value: String) -> String {
        self.args.push(value);
        format!("${}", self.args.len() + self.before)
    }

    fn participated(&mut self, offer: String, extra: &str) {
        let o = self.arg(offer);
        self.sql.push(format!(
            "EXISTS (SELECT 1 FROM participants p WHERE p.person_id = pe.id AND p.offer_id = {o}{extra})"
        ));
    }
}

fn conditions(filter: &PeopleFilter, before: usize) -> Conditions {
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
        let r = c.arg(p.to_string());
        c.sql.push(format!(
            "pe.id IN (
                SELECT f.person_id FROM participants f WHERE f.referred_by = {r}
                UNION SELECT cr.friend_person FROM credits cr WHERE cr.participant_id = {r}
                UNION SELECT v.person_id FROM attributions a JOIN visitors v ON v.id = a.visitor_id
                      WHERE a.participant_id = {r})
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
            Some(channel) => format!(" AND s.details ->> 'channel' = {}", c.arg(channel.clone())),
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
fn people_sql(head: &str, conditions: &Conditions, tail: &str) -> String {
    select_sql(
        "pe.seq, pe.id, pe.email, pe.first_name, pe.last_name, pe.created_at",
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

fn person(r: &postgres::Row) -> (i64, Person) {
    (
        r.get::<_, i64>(0),
        Person {
            id: PersonId::from_trusted(r.get(1)),
            email: r.get(2),
            first_name: r.get(3),
            last_name: r.get(4),
            created_at: r.get(5),
        },
    )
}

#[async_trait]
impl People for PgStore {
    async fn list_people(&self, filter: PeopleFilter, page: PageRequest) -> Result<Page<Person>> {
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read(move |client| {
            let conditions = conditions(&filter, 2);
            let sql = people_sql("pe.seq < $1", &conditions, "ORDER BY pe.seq DESC LIMIT $2");
            let limit = fetch_limit(page.limit);
            let mut params: Vec<&(dyn ToSql + Sync)> = vec![&before, &limit];
            params.extend(conditions.args.iter().map(|a| a as &(dyn ToSql + Sync)));
            let rows = client.query(&sql, &params)?.iter().map(person).collect();
            Ok(page_of(rows, page.limit))
        })
        .await
    }

    async fn count_people(&self, filter: PeopleFilter) -> Result<u64> {
        self.read(move |client| {
            let conditions = conditions(&filter, 0);
            let sql = select_sql("COUNT(*)", "TRUE", &conditions, "");
            let params: Vec<&(dyn ToSql + Sync)> = conditions
                .args
                .iter()
                .map(|a| a as &(dyn ToSql + Sync))
                .collect();
            let count: i64 = client.query_one(&sql, &params)?.get(0);
            Ok(count.try_into().unwrap_or(0))
        })
        .await
    }

    /// One portal over one query in a read-only REPEATABLE READ transaction
    /// (one snapshot from the first row to the last), fetched a batch at a
    /// time. PostgreSQL plans it once for the whole result.
    fn export_people(&self, filter: PeopleFilter) -> PeopleExport {
        let pool = self.pool.clone();
        PeopleExport::start(move |out| {
            let mut conn = pool.get()?;
            let mut tx = conn
                .client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let conditions = conditions(&filter, 0);
            let sql = people_sql("TRUE", &conditions, "ORDER BY pe.seq DESC");
            let params: Vec<&(dyn ToSql + Sync)> = conditions
                .args
                .iter()
                .map(|a| a as &(dyn ToSql + Sync))
                .collect();
            let portal = tx.bind(sql.as_str(), &params)?;
            loop {
                let rows = tx.query_portal(&portal, EXPORT_FETCH)?;
                for r in &rows {
                    if !out.push(person(r).1) {
                        return Ok(());
                    }
                }
                if rows.len() < EXPORT_FETCH as usize {
                    break;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }
}

/// Rows per fetch from an export's portal.
const EXPORT_FETCH: i32 = 500;
