//! Erasure and export of one person's data (the right to be forgotten and
//! the right of access), written once over a tiny [`Sql`] trait that both
//! backends implement, so they erase exactly the same things.
//!
//! Erasure keeps every row that counts (participants, credits, activities,
//! promo codes), so reports and every referrer's credit stay as they were;
//! it removes what identifies the person: the email and names, sign-up
//! fields, the email and names wherever they were copied (activity details,
//! queued jobs, webhook payloads and responses, server events, saved
//! idempotent responses), and unsent emails to them. Their browsers' ids are
//! replaced by fresh ones everywhere, so the same browser coming back is a
//! stranger, and the email is replaced by a placeholder no address can
//! match, so signing up again starts a new person.

use async_trait::async_trait;
use parrain_core::ids::{PersonId, VisitorId};
use parrain_core::Millis;
use serde_json::{Map, Value};

use crate::{Result, StoreError};

/// What [`Privacy::erase_person`] did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Erasure {
    /// False when the person had been erased before (nothing left to do).
    pub erased: bool,
    /// Participations kept, anonymous, so counts still add up.
    pub participants: u64,
    /// Browser ids replaced by fresh ones.
    pub visitors: u64,
    /// Emails to the person that were waiting and will not be sent.
    pub unsent_emails: u64,
}

#[async_trait]
pub trait Privacy: Send + Sync {
    /// Erases what identifies the person, keeping the anonymous counts.
    async fn erase_person(&self, id: &PersonId, now: Millis) -> Result<Erasure>;
    /// Everything held about the person, as JSON.
    async fn export_person(&self, id: &PersonId) -> Result<Value>;
}

/// The few statements erasure and export need; `?1`, `?2`… are text parameters.
pub(crate) trait Sql {
    /// The column type JSON is kept in.
    const JSON: &'static str;
    /// An expression reading a binary column as text.
    fn blob_text(column: &str) -> String;
    fn exec(&self, sql: &str, params: &[&str]) -> Result<u64>;
    fn strings(&self, sql: &str, params: &[&str]) -> Result<Vec<String>>;
    fn rows(&self, sql: &str, params: &[&str]) -> Result<Vec<Map<String, Value>>>;
}

/// The email a person has once erased: not an address, so nothing matches it.
fn placeholder(id: &PersonId) -> String {
    format!("erased:{}", id.as_str())
}

const THEIR_PARTICIPANTS: &str = "SELECT id FROM participants WHERE person_id = ?1";

pub(crate) fn erase(db: &impl Sql, person: &PersonId, now: Millis) -> Result<Erasure> {
    let id = person.as_str();
    let found = db.rows(
        "SELECT email, first_name, last_name FROM people WHERE id = ?1",
        &[id],
    )?;
    let row = found.first().ok_or(StoreError::not_found("person"))?;
    let text = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
    let email = text("email").unwrap_or_default();
    if email == placeholder(person) {
        return Ok(Erasure::default());
    }
    let participants = db.strings(THEIR_PARTICIPANTS, &[id])?;
    let mut erasure = Erasure {
        erased: true,
        participants: participants.len() as u64,
        ..Erasure::default()
    };
    // Unsent emails to them go; sent ones only ever held ids.
    for participant in &participants {
        erasure.unsent_emails += db.exec(
            "DELETE FROM jobs WHERE kind = 'email' AND state IN ('pending', 'running')
             AND CAST(payload AS TEXT) LIKE '%' || ?1 || '%'",
            &[participant],
        )?;
    }
    // Their browsers become strangers: a fresh id everywhere the old one was.
    let visitors = db.strings(
        "SELECT id FROM visitors WHERE person_id = ?1
         UNION SELECT visitor_id FROM participants WHERE person_id = ?1 AND visitor_id IS NOT NULL",
        &[id],
    )?;
    erasure.visitors = visitors.len() as u64;
    for old in &visitors {
        let new = VisitorId::generate();
        let new = new.as_str();
        for sql in [
            "UPDATE visitors SET id = ?2, ip = NULL, ip_seen_at = NULL WHERE id = ?1",
            "UPDATE participants SET visitor_id = ?2 WHERE visitor_id = ?1",
            "UPDATE attributions SET visitor_id = ?2 WHERE visitor_id = ?1",
            "UPDATE visit_sessions SET visitor_id = ?2 WHERE visitor_id = ?1",
            "UPDATE activities SET visitor_id = ?2 WHERE visitor_id = ?1",
            "UPDATE credits SET friend_visitor = ?2 WHERE friend_visitor = ?1",
            "UPDATE credits SET key = REPLACE(key, ?1, ?2) WHERE key LIKE '%' || ?1 || '%'",
        ] {
            db.exec(sql, &[old, new])?;
        }
        scrub(db, old, new)?;
    }
    // Invitations they sent keep their count (reach) but lose their note
    // and any address not sent to yet; unsent ones to them will not go.
    db.exec(
        &format!(
            "UPDATE invitations SET email = NULL, message = NULL
             WHERE participant_id IN ({THEIR_PARTICIPANTS})"
        ),
        &[id],
    )?;
    if !email.is_empty() {
        db.exec(
            "UPDATE invitations SET email = NULL WHERE email = ?1",
            &[&email],
        )?;
    }
    // The email and names, wherever they were copied.
    if !email.is_empty() {
        scrub(db, &email, "[erased]")?;
    }
    for name in [text("first_name"), text("last_name")]
        .into_iter()
        .flatten()
    {
        let token = serde_json::to_string(&name).unwrap_or_default();
        scrub(db, &token, "null")?;
    }
    db.exec(
        &format!(
            "UPDATE people SET email = ?2, first_name = NULL, last_name = NULL, erased_at = {now}
             WHERE id = ?1"
        ),
        &[id, &placeholder(person)],
    )?;
    db.exec(
        "UPDATE participants SET fields = '{}', marketing_consent = NULL, sign_up_ip = NULL
         WHERE person_id = ?1",
        &[id],
    )?;
    Ok(erasure)
}

/// Replaces `needle` by `with` in every column that may hold a copy of it.
fn scrub<S: Sql>(db: &S, needle: &str, with: &str) -> Result<()> {
    let json = S::JSON;
    for (table, column, cast) in [
        ("activities", "details", true),
        ("jobs", "payload", true),
        ("webhook_deliveries", "payload", false),
        ("webhook_attempts", "response", false),
        ("server_events", "result", false),
    ] {
        let value = format!("REPLACE(CAST({column} AS TEXT), ?1, ?2)");
        let value = if cast {
            format!("CAST({value} AS {json})")
        } else {
            value
        };
        db.exec(
            &format!(
                "UPDATE {table} SET {column} = {value}
                 WHERE CAST({column} AS TEXT) LIKE '%' || ?1 || '%'"
            ),
            &[needle, with],
        )?;
    }
    let body = S::blob_text("body");
    db.exec(
        &format!("DELETE FROM idempotency_keys WHERE {body} LIKE '%' || ?1 || '%'"),
        &[needle],
    )?;
    Ok(())
}

/// Everything held about the person.
pub(crate) fn export(db: &impl Sql, person: &PersonId) -> Result<Value> {
    let id = person.as_str();
    let mut people = db.rows(
        "SELECT id, email, first_name, last_name, created_at, erased_at FROM people WHERE id = ?1",
        &[id],
    )?;
    let Some(mut out) = people.pop() else {
        return Err(StoreError::not_found("person"));
    };
    let theirs = format!("IN ({THEIR_PARTICIPANTS})");
    let sections: [(&str, String); 5] = [
        (
            "participants",
            "SELECT id, offer_id, code, visitor_id, fields, marketing_consent, referred_by, credit,
                    achieved_at, fulfilled_at, promo_code, created_at, sign_up_ip
             FROM participants WHERE person_id = ?1 ORDER BY created_at, id"
                .into(),
        ),
        (
            "visitors",
            "SELECT id, created_at, ip, ip_seen_at FROM visitors WHERE person_id = ?1
             ORDER BY created_at, id"
                .into(),
        ),
        (
            "activities",
            format!(
                "SELECT id, type, offer_id, participant_id, visitor_id, details, occurred_at
                 FROM activities WHERE person_id = ?1 OR participant_id {theirs} ORDER BY seq"
            ),
        ),
        (
            "credits_earned",
            format!(
                "SELECT participant_id, offer_id, friend_person, friend_visitor, created_at
                 FROM credits WHERE participant_id {theirs} ORDER BY created_at"
            ),
        ),
        (
            "credits_given_as_friend",
            "SELECT participant_id, offer_id, created_at
             FROM credits WHERE friend_person = ?1 ORDER BY created_at"
                .into(),
        ),
    ];
    for (name, sql) in sections {
        let rows = db.rows(&sql, &[id])?;
        out.insert(name.into(), rows.into_iter().map(Value::Object).collect());
    }
    let invitations = db.rows(
        &format!(
            "SELECT id, offer_id, participant_id, message, created_at, sent_at
             FROM invitations WHERE participant_id IN ({THEIR_PARTICIPANTS})
             ORDER BY created_at, id"
        ),
        &[id],
    )?;
    out.insert(
        "invitations_sent".into(),
        invitations.into_iter().map(Value::Object).collect(),
    );
    Ok(Value::Object(out))
}

/// JSON kept as text (SQLite) is read back as JSON.
pub(crate) fn json_column(name: &str, text: String) -> Value {
    if matches!(name, "fields" | "details") {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    } else {
        Value::String(text)
    }
}
