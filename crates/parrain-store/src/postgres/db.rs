//! The shared SQL layer (`crate::sql`) on PostgreSQL: `?N` placeholders
//! become `$N`, each parameter takes the type of its column (which the
//! prepared statement tells), and each cell is read by its column's type.

use std::cell::RefCell;

use postgres::types::{ToSql, Type};
use postgres::{Client, IsolationLevel, Statement};
use serde_json::Value;

use super::tx::Sql as _;
use super::{PgStore, PgTx};
use crate::people::person_of;
use crate::sql::{Cell, Db, Engine, Param, Row, Sql};

use crate::{JobKind, JobsQueued, PeopleExport, Result, StoreError};

type Boxed<'a> = Box<dyn ToSql + Sync + 'a>;

/// `?1` → `$1`: the shared statements use SQLite's placeholders.
pub(crate) fn dollars(sql: &str) -> String {
    sql.replace('?', "$")
}

/// `sql` with its parameters `?1`, `?2`… numbered from `?{by + 1}`.
pub(crate) fn renumbered(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut rest = sql;
    while let Some(at) = rest.find('?') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + by).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// A pooled connection outside a transaction, for the shared statements
/// that only read (each statement on its own, like every read).
pub(crate) struct Reader<'a>(pub(crate) RefCell<&'a mut Client>);

fn names(statement: &Statement) -> Vec<String> {
    statement
        .columns()
        .iter()
        .map(|c| c.name().to_owned())
        .collect()
}

impl Sql for PgTx<'_> {
    type Engine = PgStore;

    fn columns(&self, sql: &str) -> Result<Vec<String>> {
        self.prep(|t| Ok(names(&t.statement(&dollars(sql))?)))
    }
}

impl Sql for Reader<'_> {
    type Engine = PgStore;

    fn columns(&self, sql: &str) -> Result<Vec<String>> {
        Ok(names(&self.0.borrow_mut().prepare(&dollars(sql))?))
    }
}

/// `param` as the Rust type the driver accepts for a column of type `ty`.
fn typed<'a>(param: &Param<'a>, ty: &Type) -> Result<Boxed<'a>> {
    let json = *ty == Type::JSONB || *ty == Type::JSON;
    Ok(match *param {
        Param::Text(Some(t)) if json => {
            Box::new(serde_json::from_str::<Value>(t).map_err(crate::DbError::from)?)
        }
        Param::Text(t) => Box::new(t),
        Param::Int(n) if *ty == Type::INT4 => Box::new(
            n.map(i32::try_from)
                .transpose()
                .map_err(|_| StoreError::database("a number too large for its column"))?,
        ),
        Param::Int(n) if *ty == Type::INT2 => Box::new(
            n.map(i16::try_from)
                .transpose()
                .map_err(|_| StoreError::database("a number too large for its column"))?,
        ),
        Param::Int(n) if *ty == Type::BOOL => Box::new(n.map(|n| n != 0)),
        Param::Int(n) => Box::new(n),
        Param::Bool(b) if *ty == Type::BOOL => Box::new(b),
        Param::Bool(b) => Box::new(i64::from(b)),
        Param::Json(v) if json => Box::new(v),
        Param::Json(v) => Box::new(v.to_string()),
        Param::Bytes(b) => Box::new(b),
    })
}

pub(super) fn bind<'a>(statement: &Statement, params: &[Param<'a>]) -> Result<Vec<Boxed<'a>>> {
    params
        .iter()
        .zip(statement.params())
        .map(|(p, ty)| typed(p, ty))
        .collect()
}

pub(super) fn refs<'b>(boxed: &'b [Boxed<'_>]) -> Vec<&'b (dyn ToSql + Sync)> {
    boxed.iter().map(|b| &**b as &(dyn ToSql + Sync)).collect()
}

fn cell(row: &postgres::Row, i: usize) -> Result<Cell> {
    let ty = row.columns()[i].type_();
    let got = |e: postgres::Error| StoreError::from(crate::DbError::from(e));
    let cell = if *ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)
            .map_err(got)?
            .map(Cell::Int)
    } else if *ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)
            .map_err(got)?
            .map(|n| Cell::Int(n.into()))
    } else if *ty == Type::INT2 {
        row.try_get::<_, Option<i16>>(i)
            .map_err(got)?
            .map(|n| Cell::Int(n.into()))
    } else if *ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(i)
            .map_err(got)?
            .map(Cell::Bool)
    } else if *ty == Type::FLOAT8 {
        row.try_get::<_, Option<f64>>(i)
            .map_err(got)?
            .map(Cell::Real)
    } else if *ty == Type::JSONB || *ty == Type::JSON {
        row.try_get::<_, Option<Value>>(i)
            .map_err(got)?
            .map(Cell::Json)
    } else if *ty == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(i)
            .map_err(got)?
            .map(Cell::Bytes)
    } else {
        row.try_get::<_, Option<String>>(i)
            .map_err(got)?
            .map(Cell::Text)
    };
    Ok(cell.unwrap_or(Cell::Null))
}

/// Rows per fetch from an export's portal.
const EXPORT_FETCH: i32 = 500;

pub(crate) fn row(r: &postgres::Row) -> Result<Row> {
    (0..r.len())
        .map(|i| cell(r, i))
        .collect::<Result<_>>()
        .map(Row)
}

fn rows(found: &[postgres::Row]) -> Result<Vec<Row>> {
    found.iter().map(row).collect()
}

impl Db for PgTx<'_> {
    fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let sql = dollars(sql);
        self.prep(|t| {
            let boxed = bind(&t.statement(&sql)?, params)?;
            Ok(t.execute(&sql, &refs(&boxed))?)
        })
    }

    fn query(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>> {
        let sql = dollars(sql);
        self.prep(|t| {
            let boxed = bind(&t.statement(&sql)?, params)?;
            rows(&t.query(&sql, &refs(&boxed))?)
        })
    }
}

impl Db for Reader<'_> {
    fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let mut c = self.0.borrow_mut();
        let statement = c.prepare(&dollars(sql))?;
        let boxed = bind(&statement, params)?;
        Ok(c.execute(&statement, &refs(&boxed))?)
    }

    fn query(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>> {
        let mut c = self.0.borrow_mut();
        let statement = c.prepare(&dollars(sql))?;
        let boxed = bind(&statement, params)?;
        rows(&c.query(&statement, &refs(&boxed))?)
    }
}

impl Engine for PgStore {
    type Tx<'a> = PgTx<'a>;
    type Read<'a> = Reader<'a>;

    const OFFER_PARTICIPANTS: &'static str = super::offers::PARTICIPANTS;
    const ROW_SEQ: &'static str = "seq";
    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";
    const TOP_REFERRERS_INDEX: &'static str = "";
    /// The rows not folded yet (see `fold`), read in the report's statement.
    const UNFOLDED_HOURS: &'static str = "
          UNION ALL
          SELECT hour, type, key, 1, sessions, referred_sessions, referred_sign_ups, seq, seq
          FROM activity_hour_deltas WHERE offer_id = ?1 AND hour > ?2 AND hour < ?3";

    fn json_bool(column: &str, key: &str) -> String {
        format!("({column} ->> '{key}')::BOOLEAN")
    }

    fn json_int(doc: &str, path: &[&str]) -> String {
        format!("({doc} #>> '{{{}}}')::BIGINT", path.join(","))
    }

    fn jobs_bell(&self, kind: JobKind) -> JobsQueued {
        self.announcer.listen(kind.as_str())
    }

    fn json_text(column: &str, key: &str) -> String {
        format!("({column} ->> '{key}')")
    }

    fn blob_text(column: &str) -> String {
        format!("convert_from({column}, 'UTF8')")
    }

    const KEEPS_KEYS: bool = true;

    async fn find_key(&self, hash: String) -> Result<Option<crate::ApiKey>> {
        self.kept_key(hash).await
    }

    fn lock(tx: &PgTx<'_>, key: i64) -> Result<()> {
        tx.with(|t| {
            t.execute("SELECT pg_advisory_xact_lock($1)", &[&key])?;
            Ok(())
        })
    }

    fn contains(haystack: &str, needle: &str) -> String {
        format!("strpos({haystack}, {needle}) > 0")
    }

    /// One portal over one query in a read-only REPEATABLE READ transaction
    /// (one snapshot from the first row to the last), fetched a batch at a
    /// time. PostgreSQL plans it once for the whole result.
    fn stream_people(&self, sql: String, args: Vec<String>) -> PeopleExport {
        let pool = self.pool.clone();
        PeopleExport::start(move |out| {
            let mut conn = pool.get()?;
            let mut tx = conn
                .client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let params: Vec<&(dyn ToSql + Sync)> =
                args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
            let portal = tx.bind(dollars(&sql).as_str(), &params)?;
            loop {
                let found = tx.query_portal(&portal, EXPORT_FETCH)?;
                for r in rows(&found)? {
                    if !out.push(person_of(&r)?.1) {
                        return Ok(());
                    }
                }
                if found.len() < EXPORT_FETCH as usize {
                    break;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    async fn write_db<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&PgTx<'_>) -> Result<T> + Send + 'static,
    {
        self.write(work).await
    }

    async fn write_flow_db<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&PgTx<'_>) -> Result<T> + Send + 'static,
    {
        self.write_grouped(work).await
    }

    async fn write_locked_db<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&PgTx<'_>) -> Result<T> + Send + 'static,
    {
        self.write_locked(work).await
    }

    async fn snapshot_db<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&PgTx<'_>) -> Result<T> + Send + 'static,
    {
        self.write(work).await
    }

    async fn read_db<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Reader<'_>) -> Result<T> + Send + 'static,
    {
        self.read(move |c: &mut Client| work(&Reader(RefCell::new(c))))
            .await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn renumbered_shifts_every_parameter() {
        assert_eq!(
            super::renumbered("VALUES (?1, ?2, ?10) WHERE a = ?2", 5),
            "VALUES (?6, ?7, ?15) WHERE a = ?7"
        );
    }
}
