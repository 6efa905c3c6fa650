//! Erasure and export of one person's data (the right to be forgotten and
//! the right of access), written once over the shared SQL layer
//! (`crate::sql`), so both engines erase exactly the same things.
//!
//! Erasure keeps every row that counts (participants, credits, activities,
//! promo codes), so reports and every referrer's credit stay as they were;
//! it removes what identifies the person: the email and names, sign-up
//! fields, their copies in the person's own activities and webhook payloads,
//! what receivers answered to those, saved idempotent responses about them,
//! unsent emails to them, social sign-ins in progress in their name, and the
//! hash of their email on offers' existing-customer lists. Their share
//! links' daily click counts stay with their anonymous participations, as
//! credits do. Their browsers' ids are replaced by fresh ones
//! everywhere, so the same browser coming back is a stranger, and the email
//! is replaced by a placeholder no address can match, so signing up again
//! starts a new person.
//!
//! It touches only rows tied to the person's ids (person, participants,
//! browsers), and edits JSON at known paths after parsing it, never by
//! searching the text: a person named "data" or "invitation" must not
//! rewrite anyone else's payloads.

use async_trait::async_trait;
use parrain_core::ids::{PersonId, VisitorId};
use parrain_core::Millis;
use serde_json::{Map, Value};

use crate::sql::{Engine, Param, Sql};
use crate::{Result, StoreError};

mod paths;

use paths::{mentions, Identity};

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

#[async_trait]
impl<E: Engine> Privacy for E {
    async fn erase_person(&self, id: &PersonId, now: Millis) -> Result<Erasure> {
        let id = id.clone();
        // All of it, or none.
        self.write_db(move |tx| erase(tx, &id, now)).await
    }

    async fn export_person(&self, id: &PersonId) -> Result<Value> {
        let id = id.clone();
        // Every section from the same snapshot.
        self.snapshot_db(move |db| export(db, &id)).await
    }
}

/// The email a person has once erased: not an address, so nothing matches it.
fn placeholder(id: &PersonId) -> String {
    format!("erased:{}", id.as_str())
}

const THEIR_PARTICIPANTS: &str = "SELECT id FROM participants WHERE person_id = ?1";

/// The activities of the person `?1`: theirs as a person, and their
/// participants'. A participant's clicks are read through their offer's
/// index of clicks, since SQLite's index by participant leaves clicks out
/// (migration 0025), and each part says so for SQLite to use an index.
pub(crate) const THEIR_ACTIVITIES: &str = "person_id = ?1
    OR (participant_id IN (SELECT id FROM participants WHERE person_id = ?1)
        AND type <> 'clicks_shared_link')
    OR (offer_id IN (SELECT offer_id FROM participants WHERE person_id = ?1)
        AND type = 'clicks_shared_link'
        AND participant_id IN (SELECT id FROM participants WHERE person_id = ?1))";

/// `?{first}, ?{first + 1}, …`, one per item.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn erase<S: Sql>(db: &S, person: &PersonId, now: Millis) -> Result<Erasure> {
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
    // Unsent emails to them go; sent ones only ever held ids, and lose
    // what a mail server answered (which may quote the address).
    let participant_of = S::json_text("payload", "participant_id");
    let email_jobs = crate::JobKind::Email.as_str();
    for participant in &participants {
        erasure.unsent_emails += db.exec(
            &format!(
                "DELETE FROM jobs WHERE kind = '{email_jobs}' AND state IN ('pending', 'running')
                 AND {participant_of} = ?1"
            ),
            &[participant],
        )?;
        db.exec(
            &format!(
                "UPDATE jobs SET last_error = NULL WHERE kind = '{email_jobs}' AND {participant_of} = ?1"
            ),
            &[participant],
        )?;
    }
    // Their browsers become strangers: a fresh id everywhere the old one was.
    let old_visitors = db.strings(
        "SELECT id FROM visitors WHERE person_id = ?1
         UNION SELECT visitor_id FROM participants WHERE person_id = ?1 AND visitor_id IS NOT NULL",
        &[id],
    )?;
    erasure.visitors = old_visitors.len() as u64;
    let who = Identity {
        email: email.clone(),
        names: [text("first_name"), text("last_name")]
            .into_iter()
            .flatten()
            .collect(),
        visitors: old_visitors
            .iter()
            .map(|old| (old.clone(), VisitorId::generate().as_str().to_owned()))
            .collect(),
    };
    for (old, new) in &who.visitors {
        for sql in [
            "UPDATE visitors SET id = ?2, ip = NULL, ip_seen_at = NULL WHERE id = ?1",
            "UPDATE participants SET visitor_id = ?2 WHERE visitor_id = ?1",
            "UPDATE attributions SET visitor_id = ?2 WHERE visitor_id = ?1",
            "UPDATE pending_codes SET visitor_id = ?2 WHERE visitor_id = ?1",
            "UPDATE friend_referrers SET friend = ?2 WHERE friend = ?1",
            "UPDATE visit_sessions SET visitor_id = ?2 WHERE visitor_id = ?1",
            "UPDATE activities SET visitor_id = ?2 WHERE visitor_id = ?1",
        ] {
            db.exec(sql, &[old, new])?;
        }
        // Their credits only: the key names the friend (`visit:{visitor}…`).
        db.exec(
            "UPDATE credits SET key = REPLACE(key, ?1, ?2),
                 friend_visitor = CASE WHEN friend_visitor = ?1 THEN ?2 ELSE friend_visitor END
             WHERE friend_visitor = ?1 OR friend_person = ?3",
            &[old, new, id],
        )?;
    }
    edit_activities(db, &who, id)?;
    forget_responses(db, &who, id, &participants, &old_visitors)?;
    forget_social_sign_ins(db, &who, &old_visitors)?;
    // Existing-customer lists keep an unsalted SHA-256 of the email, which
    // anyone holding the address can match: personal data, so it goes from
    // every offer's list (the merchant's next upload may list them again).
    if !email.is_empty() {
        db.exec(
            "DELETE FROM existing_customers WHERE email_hash = ?1",
            &[&crate::eligibility::text_hash(&email)],
        )?;
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
    db.execute(
        "UPDATE people SET email = ?2, first_name = NULL, last_name = NULL, erased_at = ?3
         WHERE id = ?1",
        &[id.into(), (&placeholder(person)).into(), now.into()],
    )?;
    db.exec(
        "UPDATE participants SET fields = '{}', marketing_consent = NULL, sign_up_ip = NULL
         WHERE person_id = ?1",
        &[id],
    )?;
    Ok(erasure)
}

/// The person's activities (theirs as a person, as a participant, or from
/// one of their browsers, whose ids are already the fresh ones) and the
/// webhook payloads made from them, edited at known paths; what receivers
/// answered to those deliveries is dropped, since nothing says what it holds.
fn edit_activities<S: Sql>(db: &S, who: &Identity, person: &str) -> Result<()> {
    let fresh: Vec<&str> = who.visitors.iter().map(|(_, n)| n.as_str()).collect();
    let mut params = vec![person];
    params.extend(&fresh);
    let mut tied = THEIR_ACTIVITIES.to_owned();
    if !fresh.is_empty() {
        tied += &format!(" OR visitor_id IN ({})", placeholders(2, fresh.len()));
    }
    let theirs = format!("SELECT id FROM activities WHERE {tied}");
    // Edited by `seq`: SQLite keeps no index of `id` (migration 0024).
    let activities = db.rows(
        &format!("SELECT seq, CAST(details AS TEXT) AS json FROM activities WHERE {tied}"),
        &params,
    )?;
    for row in activities {
        let seq = row.get("seq").and_then(Value::as_i64);
        if let (Some(seq), Some(mut details)) = (seq, json(&row)) {
            if who.edit_details(&mut details) {
                db.execute(
                    "UPDATE activities SET details = ?2 WHERE seq = ?1",
                    &[seq.into(), Param::Json(&details)],
                )?;
            }
        }
    }
    let deliveries = db.rows(
        &format!(
            "SELECT id, payload AS json FROM webhook_deliveries WHERE activity_id IN ({theirs})"
        ),
        &params,
    )?;
    for row in deliveries {
        if let Some((id, mut payload)) = parsed(&row) {
            if who.edit_payload(&mut payload) {
                db.exec(
                    "UPDATE webhook_deliveries SET payload = ?2 WHERE id = ?1",
                    &[&id, &payload.to_string()],
                )?;
            }
        }
    }
    db.exec(
        &format!(
            "UPDATE webhook_attempts SET response = NULL WHERE delivery_id IN
                 (SELECT id FROM webhook_deliveries WHERE activity_id IN ({theirs}))"
        ),
        &params,
    )?;
    Ok(())
}

/// Saved idempotent responses about the person (a value in them is one of
/// their ids or their email) are forgotten: a retry of such a request runs
/// afresh instead of replaying their data.
fn forget_responses<S: Sql>(
    db: &S,
    who: &Identity,
    person: &str,
    participants: &[String],
    old_visitors: &[String],
) -> Result<()> {
    let mut ids: Vec<&str> = vec![person];
    ids.extend(participants.iter().map(String::as_str));
    ids.extend(old_visitors.iter().map(String::as_str));
    let body = S::blob_text("body");
    let mut needles = ids.clone();
    if !who.email.is_empty() {
        needles.push(&who.email);
    }
    for needle in needles {
        // A narrowing only: what is forgotten is decided on the parsed JSON.
        let saved = db.rows(
            &format!(
                "SELECT scope, idem_key, {body} AS json FROM idempotency_keys
                 WHERE body IS NOT NULL AND {body} LIKE '%' || ?1 || '%'"
            ),
            &[needle],
        )?;
        for row in saved {
            let field = |k: &str| row.get(k).and_then(Value::as_str).unwrap_or_default();
            let Ok(json) = serde_json::from_str::<Value>(field("json")) else {
                continue;
            };
            if mentions(&json, &ids, &who.email) {
                db.exec(
                    "DELETE FROM idempotency_keys WHERE scope = ?1 AND idem_key = ?2",
                    &[field("scope"), field("idem_key")],
                )?;
            }
        }
    }
    Ok(())
}

/// Social sign-ins in progress that name the person: the identity a
/// provider vouched for (their email and names, until the sign-up form
/// uses it) and requests started from one of their browsers. They live
/// minutes, so there are few to read.
fn forget_social_sign_ins<S: Sql>(db: &S, who: &Identity, old_visitors: &[String]) -> Result<()> {
    for row in db.rows("SELECT token_hash, data AS json FROM social_logins", &[])? {
        let field = |k: &str| row.get(k).and_then(Value::as_str).unwrap_or_default();
        let Ok(data) = serde_json::from_str::<Value>(field("json")) else {
            continue;
        };
        let text = |k: &str| data.get(k).and_then(Value::as_str);
        let theirs = text("email")
            .is_some_and(|e| !who.email.is_empty() && e.trim().eq_ignore_ascii_case(&who.email))
            || text("visitor_id").is_some_and(|v| old_visitors.iter().any(|o| o == v));
        if theirs {
            db.exec(
                "DELETE FROM social_logins WHERE token_hash = ?1",
                &[field("token_hash")],
            )?;
        }
    }
    Ok(())
}

/// A row's `id` and its `json` column parsed; None when it is not JSON.
fn parsed(row: &Map<String, Value>) -> Option<(String, Value)> {
    let id = row.get("id")?.as_str()?.to_owned();
    Some((id, json(row)?))
}

/// A row's `json` column parsed; None when it is not JSON.
fn json(row: &Map<String, Value>) -> Option<Value> {
    serde_json::from_str(row.get("json")?.as_str()?).ok()
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
                 FROM activities WHERE {THEIR_ACTIVITIES} ORDER BY seq"
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
    let clicks = db.rows(
        &format!(
            "SELECT participant_id, day, clicks FROM link_clicks
             WHERE participant_id IN ({THEIR_PARTICIPANTS}) ORDER BY day, participant_id"
        ),
        &[id],
    )?;
    out.insert(
        "link_clicks_per_day".into(),
        clicks.into_iter().map(Value::Object).collect(),
    );
    let email = out.get("email").and_then(Value::as_str).unwrap_or_default();
    let customer_of = db.strings(
        "SELECT offer_id FROM existing_customers WHERE email_hash = ?1 ORDER BY offer_id",
        &[&crate::eligibility::text_hash(email)],
    )?;
    out.insert("existing_customer_of".into(), customer_of.into());
    Ok(Value::Object(out))
}
