//! A batch of server events (`POST /v1/events`) in a few round trips.
//!
//! Each event of a batch asks the same questions one by one: is its id
//! applied already, who has this email (or this id, or this browser), which
//! browsers does that person have. Before the events run, one statement
//! asks them all for the whole batch ([`PgTx::read_batch`]) and the answers
//! are kept for the transaction ([`Batch`]); the primitives
//! (`ledger.rs`) answer from them, so an event whose person parrain does
//! not know, or knows with nothing more to look up, costs no round trip.
//! What the transaction writes itself (a person created for a coupon, a
//! browser seen) updates or drops what is kept, so later events of the
//! batch read what the earlier ones wrote. The results of events with an id
//! are written together by one statement at the end ([`PgTx::write_batch`]).
//!
//! Read at READ COMMITTED like every request flow: an event id or a person
//! committed by another transaction after that read is not seen by this
//! batch, which is then as if it had run first. An id applied by both
//! batches fails on its unique key when the second commits, and that batch
//! runs again from the start and finds it, as before.

use std::collections::HashMap;

use parrain_core::ids::{PersonId, VisitorId};
use parrain_core::Millis;

use postgres::types::ToSql;

use super::{PgTx, Sql as _};
use crate::{FriendRef, Result, ServerEvent};

/// What one batch of events read in one statement, and the results it has
/// still to write.
#[derive(Default)]
pub(crate) struct Batch {
    /// Person by email, for every email the batch names (`None`: nobody).
    pub(crate) by_email: HashMap<String, Option<PersonId>>,
    /// Whether each person id the batch names exists.
    pub(crate) exists: HashMap<String, bool>,
    /// Each browser the batch names: `None` if unknown, else its person.
    pub(crate) browsers: HashMap<String, Option<Option<PersonId>>>,
    /// The browsers of each person found, oldest first.
    pub(crate) visitors: HashMap<String, Vec<VisitorId>>,
    /// The stored result of each event id the batch carries (`None`: new).
    pub(crate) results: HashMap<String, Option<String>>,
    /// Results to write at the end: (event id, result).
    pub(crate) unsaved: Vec<(String, String)>,
}

impl PgTx<'_> {
    /// Reads what the events will ask, in one statement (with the cache's
    /// generation, which the transaction then need not read again).
    pub(crate) fn read_batch(&self, events: &[ServerEvent]) -> Result<()> {
        let (mut emails, mut people, mut browsers, mut ids) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for e in events {
            match &e.person {
                FriendRef::Email(email) => emails.push(email.as_str().to_owned()),
                FriendRef::Person(p) => people.push(p.as_str().to_owned()),
                FriendRef::Visitor(v) => browsers.push(v.as_str().to_owned()),
            }
            if let Some(id) = &e.id {
                ids.push(id.clone());
            }
        }
        let rows = self.prep(|t| {
            Ok(t.query(
                "WITH e AS (SELECT id, email FROM people WHERE email = ANY($1)),
                      p AS (SELECT id FROM people WHERE id = ANY($2)),
                      b AS (SELECT id, person_id FROM visitors WHERE id = ANY($3)),
                      k AS (SELECT id FROM e UNION SELECT id FROM p
                            UNION SELECT person_id FROM b WHERE person_id IS NOT NULL)
                 SELECT 'g', generation::TEXT, NULL, 0::BIGINT FROM cache_generation
                 UNION ALL SELECT 'e', email, id, 0 FROM e
                 UNION ALL SELECT 'p', id, NULL, 0 FROM p
                 UNION ALL SELECT 'b', id, person_id, 0 FROM b
                 UNION ALL SELECT 'k', id, NULL, 0 FROM k
                 UNION ALL SELECT 'v', person_id, id, row_number() OVER (ORDER BY created_at, id)
                           FROM visitors WHERE person_id IN (SELECT id FROM k)
                 UNION ALL SELECT 's', id, result, 0 FROM server_events WHERE id = ANY($4)",
                &[&emails as &(dyn ToSql + Sync), &people, &browsers, &ids],
            )?)
        })?;
        let mut batch = Batch::default();
        for email in emails {
            batch.by_email.insert(email, None);
        }
        for p in people {
            batch.exists.insert(p, false);
        }
        for b in browsers {
            batch.browsers.insert(b, None);
        }
        for id in ids {
            batch.results.insert(id, None);
        }
        let mut generation = None;
        let mut visitors = Vec::new();
        for r in &rows {
            let (kind, a, b): (&str, String, Option<String>) = (r.get(0), r.get(1), r.get(2));
            match (kind, b) {
                ("g", _) => generation = a.parse::<i64>().ok(),
                ("e", Some(id)) => {
                    batch.by_email.insert(a, Some(PersonId::from_trusted(id)));
                }
                ("p", _) => {
                    batch.exists.insert(a, true);
                }
                ("b", person) => {
                    batch
                        .browsers
                        .insert(a, Some(person.map(PersonId::from_trusted)));
                }
                ("k", _) => {
                    batch.visitors.insert(a, Vec::new());
                }
                ("v", Some(visitor)) => visitors.push((r.get::<_, i64>(3), visitor, a)),
                ("s", Some(result)) => {
                    batch.results.insert(a, Some(result));
                }
                _ => {}
            }
        }
        // In the order `person_visitors` gives them.
        visitors.sort();
        for (_, visitor, person) in visitors {
            if let Some(list) = batch.visitors.get_mut(&person) {
                list.push(VisitorId::from_trusted(visitor));
            }
        }
        *self.memo.batch.borrow_mut() = Some(batch);
        if let Some(generation) = generation {
            self.saw(generation)?;
        }
        Ok(())
    }

    /// Writes the results of the batch's events that carry an id, in one
    /// statement.
    pub(crate) fn write_batch(&self, now: Millis) -> Result<()> {
        let Some(batch) = self.memo.batch.borrow_mut().take() else {
            return Ok(());
        };
        if batch.unsaved.is_empty() {
            return Ok(());
        }
        let (ids, results): (Vec<String>, Vec<String>) = batch.unsaved.into_iter().unzip();
        self.prep(|t| {
            Ok(t.execute(
                "INSERT INTO server_events (id, result, received_at)
                 SELECT id, result, $3 FROM UNNEST($1::TEXT[], $2::TEXT[]) AS s (id, result)",
                &[&ids as &(dyn ToSql + Sync), &results, &now],
            )?)
        })?;
        Ok(())
    }
}
