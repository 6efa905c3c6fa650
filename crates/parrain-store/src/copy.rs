//! Moving an embedded install to PostgreSQL: every row of every table, in
//! one PostgreSQL transaction, so a copy that fails leaves the target empty.
//!
//! Rows keep their ids and their order: SQLite's `rowid` becomes `seq`, so
//! lists page the same way and cursors handed out before still work. The
//! target must be empty; the source is migrated to the current schema first.
//! Each table streams through one `COPY … FROM STDIN BINARY`: no statement
//! or round trip per row, so a million participants move in well under a
//! minute rather than the better part of an hour.

use std::path::Path;

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls};
use r2d2_sqlite::rusqlite::{self, Connection, OpenFlags};

use crate::sqlite::SqliteStore;
use crate::{Result, StoreError};

/// How a column is carried across.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Int,
    /// An INTEGER that PostgreSQL keeps as INTEGER.
    Int32,
    Bool,
    /// JSON text that PostgreSQL keeps as JSONB.
    Json,
    /// SQLite's implicit `rowid`, stored as `seq`.
    RowId,
}

use Kind::*;

/// The tables in an order that satisfies foreign keys, with their columns.
#[rustfmt::skip]
const TABLES: &[(&str, &[(&str, Kind)])] = &[
    ("api_keys", &[("id", Text), ("kind", Text), ("name", Text), ("hint", Text), ("hash", Text),
        ("created_at", Int), ("revoked_at", Int), ("last_used_at", Int)]),
    ("offers", &[("seq", RowId), ("id", Text), ("status", Text), ("live", Json), ("draft", Json),
        ("created_at", Int), ("updated_at", Int), ("approved_at", Int), ("version", Int),
        ("participants", Int)]),
    ("people", &[("seq", RowId), ("id", Text), ("email", Text), ("first_name", Text),
        ("last_name", Text), ("created_at", Int), ("erased_at", Int)]),
    ("visitors", &[("id", Text), ("person_id", Text), ("created_at", Int), ("ip", Text),
        ("ip_seen_at", Int)]),
    ("participants", &[("seq", RowId), ("id", Text), ("offer_id", Text), ("person_id", Text),
        ("code", Text), ("visitor_id", Text), ("fields", Json), ("marketing_consent", Bool),
        ("referred_by", Text), ("credit", Int), ("achieved_at", Int), ("fulfilled_at", Int),
        ("promo_code", Text), ("created_at", Int), ("sign_up_ip", Text),
        ("referred_method", Text)]),
    ("attributions", &[("offer_id", Text), ("visitor_id", Text), ("participant_id", Text),
        ("touched_at", Int), ("channel", Text)]),
    ("pending_codes", &[("id", Text), ("code", Text), ("offer_id", Text), ("visitor_id", Text),
        ("created_at", Int)]),
    ("friend_referrers", &[("offer_id", Text), ("friend", Text), ("participant_id", Text),
        ("method", Text), ("attributed_at", Int)]),
    ("existing_customers", &[("offer_id", Text), ("email_hash", Text)]),
    ("link_clicks", &[("participant_id", Text), ("day", Int), ("clicks", Int)]),
    ("visit_sessions", &[("offer_id", Text), ("visitor_id", Text), ("started_at", Int),
        ("last_seen", Int)]),
    ("credits", &[("participant_id", Text), ("key", Text), ("offer_id", Text),
        ("friend_person", Text), ("friend_visitor", Text), ("created_at", Int), ("review", Text),
        ("review_reasons", Text), ("reviewed_at", Int), ("reversed_at", Int)]),
    ("promo_codes", &[("offer_id", Text), ("code", Text), ("seq", Int), ("participant_id", Text),
        ("assigned_at", Int), ("pool", Text)]),
    ("promo_pools", &[("offer_id", Text), ("pool", Text), ("low_stock", Int), ("warned_at", Int)]),
    ("participant_rewards", &[("participant_id", Text), ("reward_id", Text), ("occurrence", Int),
        ("offer_id", Text), ("state", Text), ("promo_code", Text), ("friend_of", Text),
        ("earned_at", Int), ("release_at", Int), ("given_at", Int), ("cancelled_at", Int),
        ("clawback_at", Int)]),
    ("activities", &[("seq", Int), ("id", Text), ("type", Text), ("offer_id", Text),
        ("participant_id", Text), ("person_id", Text), ("visitor_id", Text), ("details", Json),
        ("occurred_at", Int)]),
    ("activity_hours", &[("offer_id", Text), ("hour", Int), ("type", Text), ("key", Text), ("count", Int),
        ("sessions", Int), ("referred_sessions", Int), ("referred_sign_ups", Int),
        ("first_seq", Int), ("last_seq", Int)]),
    ("invitations", &[("id", Text), ("offer_id", Text), ("participant_id", Text),
        ("email_hash", Text), ("email", Text), ("message", Text), ("token", Text),
        ("created_at", Int), ("sent_at", Int)]),
    ("invitation_unsubscribes", &[("email_hash", Text), ("offer_id", Text),
        ("unsubscribed_at", Int)]),
    ("participant_tokens", &[("token_hash", Text), ("participant_id", Text), ("kind", Text),
        ("created_at", Int), ("expires_at", Int), ("used_at", Int)]),
    ("link_previews", &[("participant_id", Text), ("offer_id", Text), ("hour", Int),
        ("hits", Int)]),
    ("server_events", &[("id", Text), ("result", Text), ("received_at", Int)]),
    ("jobs", &[("id", Int), ("kind", Text), ("payload", Json), ("state", Text), ("run_at", Int),
        ("attempts", Int), ("locked_until", Int), ("last_error", Text), ("created_at", Int),
        ("done_at", Int)]),
    ("webhooks", &[("seq", Int), ("id", Text), ("url", Text), ("description", Text),
        ("events", Json), ("offer_id", Text), ("secret", Text), ("previous_secret", Text),
        ("previous_until", Int), ("enabled", Bool), ("disabled_reason", Text),
        ("created_at", Int), ("updated_at", Int)]),
    ("webhook_deliveries", &[("seq", Int), ("id", Text), ("webhook_id", Text),
        ("activity_id", Text), ("event_type", Text), ("payload", Text), ("state", Text),
        ("attempts", Int), ("next_attempt_at", Int), ("created_at", Int), ("updated_at", Int)]),
    ("webhook_attempts", &[("seq", Int), ("delivery_id", Text), ("attempted_at", Int),
        ("status", Int32), ("latency_ms", Int), ("response", Text), ("error", Text)]),
    // Login sessions are not carried: operators sign in again after a move,
    // and a social sign-in under way (social_logins, minutes long) starts again.
    ("operators", &[("email", Text), ("password_hash", Text), ("created_at", Int),
        ("updated_at", Int), ("role", Text)]),
    ("audit_log", &[("seq", Int), ("at", Int), ("operator", Text), ("action", Text),
        ("target", Text), ("detail", Text)]),
];

/// Tables SQLite keeps without a `rowid`.
const WITHOUT_ROWID: &[&str] = &["activity_hours", "visitors", "attributions"];

/// Identity columns whose sequences must continue after the copied rows.
const IDENTITIES: &[(&str, &str)] = &[
    ("offers", "seq"),
    ("people", "seq"),
    ("participants", "seq"),
    ("activities", "seq"),
    ("jobs", "id"),
    ("webhooks", "seq"),
    ("webhook_deliveries", "seq"),
    ("webhook_attempts", "seq"),
    ("audit_log", "seq"),
];

/// What a copy is doing, for a progress display.
pub trait CopyProgress {
    /// The copy starts; it will move `rows` rows in all.
    fn start(&mut self, rows: u64);
    /// Now copying `table`.
    fn table(&mut self, table: &str);
    /// One more row copied.
    fn row(&mut self);
}

/// How many rows of each table were copied.
pub type CopyReport = Vec<(&'static str, u64)>;

/// Copies the SQLite database at `sqlite_path` into the empty PostgreSQL
/// database at `postgres_url`. Blocking: not for async threads.
pub fn sqlite_to_postgres(
    sqlite_path: &Path,
    postgres_url: &str,
    progress: &mut dyn CopyProgress,
) -> Result<CopyReport> {
    if !sqlite_path.is_file() {
        return Err(StoreError::database(format!(
            "no SQLite database at {}",
            sqlite_path.display()
        )));
    }
    SqliteStore::migrate_file(sqlite_path)?;
    let source = Connection::open_with_flags(sqlite_path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    crate::postgres::migrate_url(postgres_url)?;
    let mut target = Client::connect(postgres_url, NoTls)?;
    let mut tx = target.transaction()?;
    for (table, _) in TABLES {
        let has_rows = tx
            .query_opt(&format!("SELECT 1 FROM {table} LIMIT 1"), &[])?
            .is_some();
        if has_rows {
            return Err(StoreError::conflict(
                "target_not_empty",
                format!("the PostgreSQL database already has {table}; copy into an empty one"),
            ));
        }
    }
    let mut total = 0u64;
    for (table, _) in TABLES {
        let n: i64 =
            source.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
        total += n as u64;
    }
    progress.start(total);
    let mut report = Vec::new();
    for (table, columns) in TABLES {
        progress.table(table);
        report.push((
            *table,
            copy_table(&source, &mut tx, table, columns, progress)?,
        ));
    }
    for (table, column) in IDENTITIES {
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'),
                               COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
            ),
            &[],
        )?;
    }
    tx.commit()?;
    Ok(report)
}

fn copy_table(
    source: &Connection,
    tx: &mut postgres::Transaction<'_>,
    table: &str,
    columns: &[(&str, Kind)],
    progress: &mut dyn CopyProgress,
) -> Result<u64> {
    let select: Vec<String> = columns
        .iter()
        .map(|(name, kind)| match kind {
            RowId => "rowid".to_owned(),
            _ => (*name).to_owned(),
        })
        .collect();
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let types: Vec<Type> = columns
        .iter()
        .map(|(_, kind)| match kind {
            Text => Type::TEXT,
            Int | RowId => Type::INT8,
            Int32 => Type::INT4,
            Bool => Type::BOOL,
            Json => Type::JSONB,
        })
        .collect();
    // A table kept WITHOUT ROWID has its rows in primary-key order already.
    let order = if WITHOUT_ROWID.contains(&table) {
        ""
    } else {
        " ORDER BY rowid"
    };
    let mut stmt = source.prepare(&format!("SELECT {} FROM {table}{order}", select.join(", ")))?;
    let mut rows = stmt.query([])?;
    let sink = tx.copy_in(&format!(
        "COPY {table} ({}) FROM STDIN BINARY",
        names.join(", ")
    ))?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    let mut copied = 0;
    while let Some(row) = rows.next()? {
        let values = columns
            .iter()
            .enumerate()
            .map(|(i, (_, kind))| value(row, i, *kind))
            .collect::<Result<Vec<_>>>()?;
        let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref()).collect();
        writer.write(&params)?;
        copied += 1;
        progress.row();
    }
    writer.finish()?;
    Ok(copied)
}

/// One SQLite value as the PostgreSQL column wants it.
fn value(row: &rusqlite::Row<'_>, i: usize, kind: Kind) -> Result<Box<dyn ToSql + Sync>> {
    Ok(match kind {
        Text => Box::new(row.get::<_, Option<String>>(i)?),
        Int | RowId => Box::new(row.get::<_, Option<i64>>(i)?),
        Int32 => Box::new(
            row.get::<_, Option<i64>>(i)?
                .map(|v| i32::try_from(v).unwrap_or(i32::MAX)),
        ),
        Bool => Box::new(row.get::<_, Option<i64>>(i)?.map(|v| v != 0)),
        Json => Box::new(
            row.get::<_, Option<String>>(i)?
                .map(|text| serde_json::from_str::<serde_json::Value>(&text))
                .transpose()?,
        ),
    })
}
