//! Erasure, export and retention on PostgreSQL: the shared statements of
//! `crate::privacy` and `crate::retention`, each in one SERIALIZABLE transaction.

use std::cell::RefCell;

use async_trait::async_trait;
use parrain_core::ids::{OfferId, PersonId};
use parrain_core::Millis;
use postgres::types::{ToSql, Type};

use postgres::{Client, GenericClient, Row};
use serde_json::{Map, Value};

use super::tx::Sql as TxSql;
use super::{PgStore, PgTx};
use crate::import::{import, Import, ImportProgress, Imported, Imports};
use crate::privacy::{erase, export, json_column, Erasure, Param, Privacy, Sql};
use crate::retention::{sweep, Retention, Swept};
use crate::Result;

/// `?1` → `$1`: the shared statements use SQLite's placeholders.
pub(crate) fn dollars(sql: &str) -> String {
    sql.replace('?', "$")
}

pub(crate) fn params<'a>(params: &'a [&'a str]) -> Vec<&'a (dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

fn value(row: &Row, i: usize, name: &str) -> Value {
    let ty = row.columns()[i].type_();
    let got = if *ty == Type::INT8 {
        row.get::<_, Option<i64>>(i).map(Value::from)
    } else if *ty == Type::INT4 {
        row.get::<_, Option<i32>>(i).map(Value::from)
    } else if *ty == Type::BOOL {
        row.get::<_, Option<bool>>(i).map(Value::from)
    } else if *ty == Type::JSONB || *ty == Type::JSON {
        row.get::<_, Option<Value>>(i)
    } else {
        row.get::<_, Option<String>>(i)
            .map(|t| json_column(name, t))
    };
    got.unwrap_or(Value::Null)
}

impl Sql for PgTx<'_> {
    const JSON: &'static str = "JSONB";
    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";

    fn blob_text(column: &str) -> String {
        format!("convert_from({column}, 'UTF8')")
    }

    fn json_text(column: &str, key: &str) -> String {
        format!("({column} ->> '{key}')")
    }

    fn exec(&self, sql: &str, p: &[&str]) -> Result<u64> {
        self.with(|t| exec(t, sql, p))
    }

    fn strings(&self, sql: &str, p: &[&str]) -> Result<Vec<String>> {
        self.with(|t| strings(t, sql, p))
    }

    fn exec_fixed(&self, sql: &'static str, p: &[&str]) -> Result<u64> {
        self.prep(|t| Ok(TxSql::execute(t, &dollars(sql), &params(p))?))
    }

    fn strings_fixed(&self, sql: &'static str, p: &[&str]) -> Result<Vec<String>> {
        self.prep(|t| {
            let rows = TxSql::query(t, &dollars(sql), &params(p))?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        })
    }

    fn exec_typed(&self, sql: &str, p: &[Param<'_>]) -> Result<u64> {
        self.with(|t| exec_typed(t, sql, p))
    }

    fn rows(&self, sql: &str, p: &[&str]) -> Result<Vec<Map<String, Value>>> {
        self.with(|t| rows(t, sql, p))
    }
}

/// A pooled connection outside a transaction, for the shared statements
/// that only read (each statement on its own, like every read).
pub(crate) struct Reader<'a>(pub(crate) RefCell<&'a mut Client>);

impl Sql for Reader<'_> {
    const JSON: &'static str = <PgTx<'_> as Sql>::JSON;
    const SKIP_LOCKED: &'static str = "";

    fn blob_text(column: &str) -> String {
        PgTx::blob_text(column)
    }

    fn json_text(column: &str, key: &str) -> String {
        PgTx::json_text(column, key)
    }

    fn exec(&self, sql: &str, p: &[&str]) -> Result<u64> {
        let mut c = self.0.borrow_mut();
        exec(&mut **c, sql, p)
    }

    fn strings(&self, sql: &str, p: &[&str]) -> Result<Vec<String>> {
        let mut c = self.0.borrow_mut();
        strings(&mut **c, sql, p)
    }

    fn rows(&self, sql: &str, p: &[&str]) -> Result<Vec<Map<String, Value>>> {
        let mut c = self.0.borrow_mut();
        rows(&mut **c, sql, p)
    }

    fn exec_typed(&self, sql: &str, p: &[Param<'_>]) -> Result<u64> {
        let mut c = self.0.borrow_mut();
        exec_typed(&mut **c, sql, p)
    }
}

fn exec_typed(t: &mut impl GenericClient, sql: &str, p: &[Param<'_>]) -> Result<u64> {
    let params: Vec<&(dyn ToSql + Sync)> = p
        .iter()
        .map(|p| match p {
            Param::Text(t) => t as &(dyn ToSql + Sync),
            Param::Int(n) => n as &(dyn ToSql + Sync),
            Param::Json(v) => *v as &(dyn ToSql + Sync),
            Param::Bool(b) => b as &(dyn ToSql + Sync),
            Param::Bytes(b) => b as &(dyn ToSql + Sync),
        })
        .collect();
    Ok(t.execute(&dollars(sql), &params)?)
}

fn exec(t: &mut impl GenericClient, sql: &str, p: &[&str]) -> Result<u64> {
    Ok(t.execute(&dollars(sql), &params(p))?)
}

fn strings(t: &mut impl GenericClient, sql: &str, p: &[&str]) -> Result<Vec<String>> {
    let rows = t.query(&dollars(sql), &params(p))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

fn rows(t: &mut impl GenericClient, sql: &str, p: &[&str]) -> Result<Vec<Map<String, Value>>> {
    let rows = t.query(&dollars(sql), &params(p))?;
    Ok(rows.iter().map(row_map).collect())
}

/// A row by column name, as the shared statements read it.
pub(crate) fn row_map(row: &Row) -> Map<String, Value> {
    row.columns()
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name().to_owned(), value(row, i, c.name())))
        .collect()
}

#[async_trait]
impl Privacy for PgStore {
    async fn erase_person(&self, id: &PersonId, now: Millis) -> Result<Erasure> {
        let id = id.clone();
        self.write(move |tx| erase(tx, &id, now)).await
    }

    async fn export_person(&self, id: &PersonId) -> Result<Value> {
        let id = id.clone();
        self.write(move |tx| export(tx, &id)).await
    }
}

/// Any constant: the advisory lock of the retention sweep in progress.
const SWEEP_LOCK: i64 = 0x0070_6172_7377_6570;

#[async_trait]
impl Retention for PgStore {
    async fn sweep(&self, what: Swept, before: Millis, limit: u32) -> Result<u64> {
        self.write(move |tx| {
            // One batch at a time over every node: a node that finds another
            // sweeping waits for its short batch to end (a transaction whose
            // snapshot then misses that batch's work is retried afresh).
            tx.with(|t| {
                t.execute("SELECT pg_advisory_xact_lock($1)", &[&SWEEP_LOCK])?;
                Ok(())
            })?;
            sweep(tx, what, before, limit)
        })
        .await
    }
}

#[async_trait]
impl Imports for PgStore {
    async fn import_participants(
        &self,
        offer: &OfferId,
        work: Import,
        progress: ImportProgress,
        now: Millis,
    ) -> Result<Imported> {
        let offer = offer.clone();
        // READ COMMITTED: the unique keys on emails and share codes settle a
        // race with a sign-up (the loser runs again and sees the other's row).
        self.write_flow(move |tx| import(tx, &offer, &work, &progress, now))
            .await
    }
}
