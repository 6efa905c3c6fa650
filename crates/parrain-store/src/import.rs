//! Importing participants from another program (SPEC §13), written once
//! over the shared SQL layer (`crate::sql`), so both engines check and
//! write exactly the same rows.
//!
//! The file is read and checked line by line first (`parrain_core::import`);
//! here each line is checked against what the store holds (share codes
//! taken, referrers, promo codes handed out), and only then, if no line is
//! refused, everything is written in the one transaction the call runs in.
//! A person already taking part in the offer is left as they are, so
//! importing the same file again changes nothing.
//!
//! Imported participants keep their credit, fulfilment and promo code as
//! the file says; nothing is sent (no email, no webhook) and no activity is
//! recorded: they did what they did in the other program.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_trait::async_trait;
use parrain_core::code::ReferralCode;
use parrain_core::ids::{OfferId, ParticipantId, PersonId};
use parrain_core::import::{ImportProblem, ImportRow};
use parrain_core::Millis;
use serde_json::Value;

use crate::sql::{Engine, Param, Sql};
use crate::{Result, StoreError};

/// Rows per multi-row statement: a few thousand parameters, under every
/// backend's limit.
const CHUNK: usize = 500;

/// What an import did (or, dry, would do).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Imported {
    /// Lines read (without the header).
    pub rows: u64,
    /// Participants created.
    pub created: u64,
    /// Lines whose person already takes part in the offer, left as they are.
    pub unchanged: u64,
    /// People created (the others were known from another offer).
    pub new_people: u64,
    /// True when nothing was written.
    pub dry_run: bool,
}

/// Told how many lines are done, as the import goes.
pub type ImportProgress = Arc<dyn Fn(u64) + Send + Sync>;

/// What an import is asked to do.
#[derive(Clone)]
pub struct Import {
    pub rows: Arc<Vec<ImportRow>>,
    /// The offer's goal count, to mark who achieved it.
    pub goal_count: Option<i64>,
    /// Check everything, write nothing.
    pub dry_run: bool,
}

#[async_trait]
pub trait Imports: Send + Sync {
    /// Imports participants into an offer: all of them, or none and every
    /// refused line with its reason ([`StoreError::ImportLines`]).
    async fn import_participants(
        &self,
        offer: &OfferId,
        import: Import,
        progress: ImportProgress,
        now: Millis,
    ) -> Result<Imported>;
}

#[async_trait]
impl<E: Engine> Imports for E {
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
                .snapshot_db(move |db| import(db, &offer, &work, &progress, now))
                .await;
        }
        // One transaction: every line, or none. On PostgreSQL at READ
        // COMMITTED: the unique keys on emails and share codes settle a race
        // with a sign-up (the loser runs again and sees the other's row).
        self.write_flow_db(move |tx| {
            let done = import(tx, &offer, &work, &progress, now)?;
            // The offer's participant count changed.
            E::offers_changed();
            Ok(done)
        })
        .await
    }
}

/// `(?{first}, … )` rows of `width` placeholders each.
fn values(rows: usize, width: usize, first: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (0..width)
                .map(|c| format!("?{}", first + r * width + c))
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `?{first}, … ` for `n` items.
fn list(n: usize, first: usize) -> String {
    (first..first + n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows of `sql` (which ends in `IN (`) for each chunk of `keys`, after the
/// leading parameters `lead`.
fn rows_in<S: Sql>(
    db: &S,
    sql: &str,
    lead: &[&str],
    keys: &[&str],
) -> Result<Vec<serde_json::Map<String, Value>>> {
    let mut out = Vec::new();
    for chunk in keys.chunks(CHUNK) {
        let statement = format!("{sql}{})", list(chunk.len(), lead.len() + 1));
        let params: Vec<&str> = lead.iter().chain(chunk).copied().collect();
        out.extend(db.rows(&statement, &params)?);
    }
    Ok(out)
}

fn text(row: &serde_json::Map<String, Value>, key: &str) -> String {
    row.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// What the checks decided for one line.
enum Plan {
    /// The person already takes part in the offer.
    Unchanged,
    New {
        id: ParticipantId,
        /// `None`: a person to create.
        person: Option<PersonId>,
        code: String,
    },
}

pub(crate) fn import<S: Sql>(
    db: &S,
    offer: &OfferId,
    import: &Import,
    progress: &ImportProgress,
    now: Millis,
) -> Result<Imported> {
    let offer_id = offer.as_str();
    let status = db.strings("SELECT status FROM offers WHERE id = ?1", &[offer_id])?;
    match status.first().map(String::as_str) {
        None => return Err(StoreError::not_found("offer")),
        Some("archived") => {
            return Err(StoreError::conflict(
                "offer_archived",
                "the offer is archived: nothing can be imported into it",
            ))
        }
        Some(_) => {}
    }
    let rows = &import.rows;
    let emails: Vec<&str> = rows.iter().map(|r| r.email.as_str()).collect();
    let people: HashMap<String, String> = rows_in(
        db,
        "SELECT id, email FROM people WHERE email IN (",
        &[],
        &emails,
    )?
    .iter()
    .map(|r| (text(r, "email"), text(r, "id")))
    .collect();
    let known: Vec<&str> = people.values().map(String::as_str).collect();
    // The offer's participants among them: person → (participant, code).
    let taking_part: HashMap<String, (String, String)> = rows_in(
        db,
        "SELECT id, person_id, code FROM participants WHERE offer_id = ?1 AND person_id IN (",
        &[offer_id],
        &known,
    )?
    .iter()
    .map(|r| (text(r, "person_id"), (text(r, "id"), text(r, "code"))))
    .collect();
    let given: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.code.as_ref().map(ReferralCode::as_str))
        .collect();
    // A pending code (share first, then sign up) is as taken as a participant's.
    let mut codes_taken: HashSet<String> = HashSet::new();
    for table in ["participants", "pending_codes"] {
        let sql = format!("SELECT code FROM {table} WHERE code IN (");
        let found = rows_in(db, &sql, &[], &given)?;
        codes_taken.extend(found.iter().map(|r| text(r, "code")));
    }

    let mut problems = Vec::new();
    let mut plans = Vec::with_capacity(rows.len());
    // Each email of the file as a participant id: its own, or the one it gets.
    let mut ids: HashMap<&str, String> = HashMap::new();
    for row in rows.iter() {
        let person = people.get(row.email.as_str());
        let existing = person.and_then(|p| taking_part.get(p));
        let plan = match (existing, &row.code) {
            (Some((_, have)), Some(code)) if have != code.as_str() => {
                problems.push(ImportProblem::new(
                    row.line,
                    Some("code"),
                    "already_participant",
                    format!(
                        "{} already takes part in this offer with the share code {have}, not {code}",
                        row.email
                    ),
                ));
                continue;
            }
            (Some(_), _) => Plan::Unchanged,
            (None, Some(code)) if codes_taken.contains(code.as_str()) => {
                problems.push(ImportProblem::new(
                    row.line,
                    Some("code"),
                    "code_taken",
                    format!("the share code {code} is already another participant's"),
                ));
                continue;
            }
            (None, code) => Plan::New {
                id: ParticipantId::generate(),
                person: person.map(|p| PersonId::from_trusted(p.clone())),
                code: code.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            },
        };
        let id = match (&plan, existing) {
            (Plan::New { id, .. }, _) => id.to_string(),
            (Plan::Unchanged, Some((id, _))) => id.clone(),
            (Plan::Unchanged, None) => unreachable!("unchanged lines take part already"),
        };
        ids.insert(row.email.as_str(), id);
        plans.push((row, plan));
    }

    // Referrers from outside the file must take part in the offer already.
    let outside: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.referred_by.as_ref().map(|e| e.as_str()))
        .filter(|e| !ids.contains_key(e))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let referrers: HashMap<String, String> = rows_in(
        db,
        "SELECT pe.email, p.id FROM participants p JOIN people pe ON pe.id = p.person_id
         WHERE p.offer_id = ?1 AND pe.email IN (",
        &[offer_id],
        &outside,
    )?
    .iter()
    .map(|r| (text(r, "email"), text(r, "id")))
    .collect();
    let promos: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.promo_code.as_deref())
        .collect();
    let promos_handed: HashSet<String> = rows_in(
        db,
        "SELECT code FROM promo_codes WHERE participant_id IS NOT NULL AND offer_id = ?1 AND code IN (",
        &[offer_id],
        &promos,
    )?
    .iter()
    .map(|r| text(r, "code"))
    .collect();
    for (row, plan) in &plans {
        if !matches!(plan, Plan::New { .. }) {
            continue;
        }
        if let Some(referrer) = &row.referred_by {
            if !ids.contains_key(referrer.as_str()) && !referrers.contains_key(referrer.as_str()) {
                problems.push(ImportProblem::new(
                    row.line,
                    Some("referred_by"),
                    "unknown_referrer",
                    format!("{referrer} is neither in the file nor a participant of this offer"),
                ));
            }
        }
        if let Some(promo) = row
            .promo_code
            .as_deref()
            .filter(|p| promos_handed.contains(*p))
        {
            problems.push(ImportProblem::new(
                row.line,
                Some("promo_code"),
                "promo_code_taken",
                format!("the promo code {promo} was already handed to another participant"),
            ));
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(StoreError::ImportLines(problems));
    }

    let new: Vec<_> = plans
        .iter()
        .filter_map(|(row, plan)| match plan {
            Plan::New { id, person, code } => Some((*row, id, person, code)),
            Plan::Unchanged => None,
        })
        .collect();
    let mut done = Imported {
        rows: rows.len() as u64,
        created: new.len() as u64,
        unchanged: (rows.len() - new.len()) as u64,
        new_people: new.iter().filter(|(_, _, p, _)| p.is_none()).count() as u64,
        dry_run: import.dry_run,
    };
    if import.dry_run {
        progress(done.rows);
        return Ok(done);
    }
    progress(done.unchanged);
    let codes = fresh_codes(db, &new)?;

    // People first: those the store does not know yet.
    let person_ids: Vec<String> = new
        .iter()
        .map(|(_, _, person, _)| match person {
            Some(p) => p.to_string(),
            None => PersonId::generate().to_string(),
        })
        .collect();
    let created_at = |row: &ImportRow| row.created_at.unwrap_or(now);
    let newcomers: Vec<usize> = (0..new.len()).filter(|&i| new[i].2.is_none()).collect();
    for chunk in newcomers.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO people (id, email, first_name, last_name, created_at) VALUES {}",
            values(chunk.len(), 5, 1)
        );
        let mut params = Vec::with_capacity(chunk.len() * 5);
        for &i in chunk {
            let row = new[i].0;
            params.extend([
                Param::Text(Some(&person_ids[i])),
                Param::Text(Some(row.email.as_str())),
                Param::Text(row.first_name.as_deref()),
                Param::Text(row.last_name.as_deref()),
                Param::Int(Some(created_at(row))),
            ]);
        }
        db.execute(&sql, &params)?;
    }
    // People known from elsewhere keep their names; blanks are filled.
    for (i, (row, _, person, _)) in new.iter().enumerate() {
        if person.is_some() && (row.first_name.is_some() || row.last_name.is_some()) {
            db.execute(
                "UPDATE people SET first_name = COALESCE(first_name, ?2),
                     last_name = COALESCE(last_name, ?3) WHERE id = ?1",
                &[
                    Param::Text(Some(&person_ids[i])),
                    Param::Text(row.first_name.as_deref()),
                    Param::Text(row.last_name.as_deref()),
                ],
            )?;
        }
    }

    let fields: Vec<Value> = new
        .iter()
        .map(|(row, ..)| Value::Object(row.fields.clone()))
        .collect();
    let referred_by: Vec<Option<&str>> = new
        .iter()
        .map(|(row, ..)| {
            row.referred_by.as_ref().map(|e| {
                ids.get(e.as_str())
                    .or_else(|| referrers.get(e.as_str()))
                    .map_or("", String::as_str)
            })
        })
        .collect();
    let mut written = done.unchanged;
    for (c, chunk) in new.chunks(CHUNK).enumerate() {
        let sql = format!(
            "INSERT INTO participants (id, offer_id, person_id, code, fields, referred_by,
                 credit, achieved_at, fulfilled_at, promo_code, created_at) VALUES {}",
            values(chunk.len(), 11, 1)
        );
        let mut params = Vec::with_capacity(chunk.len() * 11);
        for (j, (row, id, _, _)) in chunk.iter().enumerate() {
            let i = c * CHUNK + j;
            let at = created_at(row);
            let achieved = row.fulfilled || import.goal_count.is_some_and(|g| row.credit >= g);
            params.extend([
                Param::Text(Some(id.as_str())),
                Param::Text(Some(offer_id)),
                Param::Text(Some(&person_ids[i])),
                Param::Text(Some(&codes[i])),
                Param::Json(&fields[i]),
                Param::Text(referred_by[i]),
                Param::Int(Some(row.credit)),
                Param::Int(achieved.then_some(at)),
                Param::Int(row.fulfilled.then_some(at)),
                Param::Text(row.promo_code.as_deref()),
                Param::Int(Some(at)),
            ]);
        }
        db.execute(&sql, &params)?;
        written += chunk.len() as u64;
        progress(written);
    }

    // Promo codes handed out in the other program are in the pool as used,
    // so none is ever handed out again.
    let with_promo: Vec<_> = new
        .iter()
        .filter_map(|(row, id, ..)| row.promo_code.as_deref().map(|p| (p, id, created_at(row))))
        .collect();
    if !with_promo.is_empty() {
        let max = db.rows(
            "SELECT COALESCE(MAX(seq), 0) AS seq FROM promo_codes WHERE offer_id = ?1",
            &[offer_id],
        )?;
        let mut seq = max
            .first()
            .and_then(|r| r.get("seq"))
            .and_then(Value::as_i64)
            .unwrap_or(0);
        for chunk in with_promo.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO promo_codes (offer_id, code, seq, participant_id, assigned_at)
                 VALUES {} ON CONFLICT (offer_id, code) DO UPDATE
                 SET participant_id = excluded.participant_id, assigned_at = excluded.assigned_at",
                values(chunk.len(), 5, 1)
            );
            let mut params = Vec::with_capacity(chunk.len() * 5);
            for (promo, id, at) in chunk {
                seq += 1;
                params.extend([
                    Param::Text(Some(offer_id)),
                    Param::Text(Some(promo)),
                    Param::Int(Some(seq)),
                    Param::Text(Some(id.as_str())),
                    Param::Int(Some(*at)),
                ]);
            }
            db.execute(&sql, &params)?;
        }
    }
    db.execute(
        "UPDATE offers SET participants = participants + ?2 WHERE id = ?1",
        &[
            Param::Text(Some(offer_id)),
            Param::Int(Some(done.created as i64)),
        ],
    )?;
    done.dry_run = false;
    Ok(done)
}

/// The share code of each new participant: the file's, or a new one drawn
/// and checked free.
fn fresh_codes<S: Sql>(
    db: &S,
    new: &[(&ImportRow, &ParticipantId, &Option<PersonId>, &String)],
) -> Result<Vec<String>> {
    let mut codes: Vec<String> = new
        .iter()
        .map(|(_, _, _, code)| match code.is_empty() {
            true => ReferralCode::generate().to_string(),
            false => (*code).clone(),
        })
        .collect();
    for _ in 0..8 {
        let drawn: Vec<&str> = new
            .iter()
            .zip(&codes)
            .filter(|((_, _, _, given), _)| given.is_empty())
            .map(|(_, code)| code.as_str())
            .collect();
        let taken: HashSet<String> = rows_in(
            db,
            "SELECT code FROM participants WHERE code IN (",
            &[],
            &drawn,
        )?
        .iter()
        .map(|r| text(r, "code"))
        .collect();
        let given: HashSet<&str> = new.iter().map(|(_, _, _, c)| c.as_str()).collect();
        let mut redraw = false;
        for (i, (_, _, _, original)) in new.iter().enumerate() {
            if original.is_empty()
                && (taken.contains(&codes[i]) || given.contains(codes[i].as_str()))
            {
                codes[i] = ReferralCode::generate().to_string();
                redraw = true;
            }
        }
        if !redraw {
            return Ok(codes);
        }
    }
    Err(StoreError::database("could not draw free share codes"))
}

/// Reads a CSV file and imports it into the offer: what `parrain import`
/// and the API both run. Lines the file itself gets wrong and lines the
/// store refuses come back together, by line number.
pub async fn import_csv<S>(
    store: &S,
    offer: &OfferId,
    csv: &[u8],
    dry_run: bool,
    progress: ImportProgress,
    now: Millis,
) -> Result<Imported>
where
    S: crate::Offers + Imports + ?Sized,
{
    let settings = store.offer(offer).await?;
    let settings = settings
        .live
        .as_ref()
        .unwrap_or_else(|| settings.editable());
    let (rows, mut problems) = parrain_core::import::parse(csv, settings);
    let import = Import {
        rows: Arc::new(rows),
        goal_count: settings.goal.count,
        // With bad lines already, the good ones are only checked, so that
        // every bad line is reported at once.
        dry_run: dry_run || !problems.is_empty(),
    };
    let done = store
        .import_participants(offer, import, progress, now)
        .await;
    match done {
        Ok(done) if problems.is_empty() => Ok(done),
        Ok(_) => Err(StoreError::ImportLines(problems)),
        Err(StoreError::ImportLines(more)) => {
            problems.extend(more);
            problems.sort_by_key(|p| p.line);
            Err(StoreError::ImportLines(problems))
        }
        Err(e) => Err(e),
    }
}
