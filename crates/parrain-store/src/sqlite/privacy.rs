//! Erasure, export and retention on SQLite: the shared statements of
//! `crate::privacy` and `crate::retention` over a rusqlite connection (the
//! writer's for erasure and retention, a reader's for export).

use async_trait::async_trait;
use parrain_core::ids::{OfferId, PersonId};
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::types::ValueRef;
use r2d2_sqlite::rusqlite::{params_from_iter, Connection};
use serde_json::{Map, Value};

use super::SqliteStore;
use crate::import::{import, Import, ImportProgress, Imported, Imports};
use crate::privacy::{erase, export, json_column, Erasure, Param, Privacy, Sql};
use crate::retention::{sweep, Retention, Swept};
use crate::Result;

impl Sql for Connection {
    const JSON: &'static str = "TEXT";
    const SKIP_LOCKED: &'static str = "";

    fn blob_text(column: &str) -> String {
        format!("CAST({column} AS TEXT)")
    }

    fn json_text(column: &str, key: &str) -> String {
        format!("json_extract({column}, '$.{key}')")
    }

    fn exec(&self, sql: &str, params: &[&str]) -> Result<u64> {
        Ok(self
            .prepare_cached(sql)?
            .execute(params_from_iter(params))? as u64)
    }

    fn strings(&self, sql: &str, params: &[&str]) -> Result<Vec<String>> {
        let mut stmt = self.prepare_cached(sql)?;
        let rows = stmt
            .query_map(params_from_iter(params), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn exec_fixed(&self, sql: &'static str, params: &[&str]) -> Result<u64> {
        Ok(self
            .prepare_cached(sql)?
            .execute(params_from_iter(params))? as u64)
    }

    fn exec_typed(&self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        Ok(self
            .prepare_cached(sql)?
            .execute(params_from_iter(params))? as u64)
    }

    fn strings_fixed(&self, sql: &'static str, params: &[&str]) -> Result<Vec<String>> {
        let mut stmt = self.prepare_cached(sql)?;
        let rows = stmt
            .query_map(params_from_iter(params), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn rows(&self, sql: &str, params: &[&str]) -> Result<Vec<Map<String, Value>>> {
        let mut stmt = self.prepare_cached(sql)?;
        let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
        let mut rows = stmt.query(params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut map = Map::new();
            for (i, name) in names.iter().enumerate() {
                let value = match row.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) => n.into(),
                    ValueRef::Real(x) => x.into(),
                    ValueRef::Text(t) => json_column(name, String::from_utf8_lossy(t).into()),
                    ValueRef::Blob(b) => String::from_utf8_lossy(b).into(),
                };
                map.insert(name.clone(), value);
            }
            out.push(map);
        }
        Ok(out)
    }
}

#[async_trait]
impl Privacy for SqliteStore {
    async fn erase_person(&self, id: &PersonId, now: Millis) -> Result<Erasure> {
        let id = id.clone();
        // The writer runs this in a savepoint of its own: all of it, or none.
        self.write(move |conn| erase(conn, &id, now)).await
    }

    async fn export_person(&self, id: &PersonId) -> Result<Value> {
        let id = id.clone();
        self.read(move |conn| {
            // One read transaction: every section from the same snapshot.
            let tx = conn.unchecked_transaction()?;
            export(&*tx, &id)
        })
        .await
    }
}

#[async_trait]
impl Retention for SqliteStore {
    async fn sweep(&self, what: Swept, before: Millis, limit: u32) -> Result<u64> {
        // One small batch through the writer, so it never holds it for long.
        self.write(move |conn| sweep(conn, what, before, limit))
            .await
    }
}

#[async_trait]
impl Imports for SqliteStore {
    async fn import_participants(
        &self,
        offer: &OfferId,
        work: Import,
        progress: ImportProgress,
        now: Millis,
    ) -> Result<Imported> {
        let offer = offer.clone();
        if work.dry_run {
            return self
                .read(move |conn| {
                    let tx = conn.unchecked_transaction()?;
                    import(&*tx, &offer, &work, &progress, now)
                })
                .await;
        }
        // All of it in the writer's savepoint: every line, or none.
        let done = self
            .write(move |conn| import(conn, &offer, &work, &progress, now))
            .await?;
        // The offer's participant count changed under the writer's copy.
        self.write(|_| {
            super::cache::forget_offers();
            Ok(())
        })
        .await?;
        Ok(done)
    }
}
