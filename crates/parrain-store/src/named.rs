//! The `name` method (SPEC §15): the offer's referrers found by name,
//! written once over the [`Sql`] both backends share.
//!
//! The search reads the offer's participants whose first name, last name or
//! full name starts with the query (case folded by the database's `LOWER`,
//! which on SQLite folds ASCII letters only), oldest first so a match keeps
//! its place as others sign up, and never people who were erased.

use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::named::{self, MAX_MATCHES};
use serde_json::Value;

use crate::sql::Sql;
use crate::Result;

/// A referrer a name search found, as stored (the API shows a display name
/// and a masked email, never these).
#[derive(Debug, Clone)]
pub struct NamedReferrer {
    pub participant_id: ParticipantId,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: String,
}

/// What a claim did: whether the friend is now attributed to the claimed
/// referrer, and the method of the attribution that stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claimed {
    pub claimed: bool,
    pub method: Option<parrain_core::attribution::Method>,
    /// Why the claim did not take, when it did not.
    pub reason: Option<&'static str>,
}

/// `%` and `_` in a query are letters, not wildcards.
fn like_prefix(query: &str) -> String {
    let mut out = String::with_capacity(query.len() + 1);
    for c in query.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// At most [`MAX_MATCHES`] participants of the offer matching `query` (as
/// made by [`named::query`]).
pub(crate) fn search(db: &impl Sql, offer: &OfferId, query: &str) -> Result<Vec<NamedReferrer>> {
    let rows = db.rows(
        &format!(
            "SELECT p.id, pe.first_name, pe.last_name, pe.email
             FROM participants p JOIN people pe ON pe.id = p.person_id
             WHERE p.offer_id = ?1 AND pe.email NOT LIKE 'erased:%'
               AND (LOWER(pe.first_name) LIKE ?2 ESCAPE '\\'
                    OR LOWER(pe.last_name) LIKE ?2 ESCAPE '\\'
                    OR LOWER(pe.first_name || ' ' || pe.last_name) LIKE ?2 ESCAPE '\\')
             ORDER BY p.created_at, p.id LIMIT {MAX_MATCHES}"
        ),
        &[offer.as_str(), &like_prefix(query)],
    )?;
    let text = |r: &serde_json::Map<String, Value>, k: &str| {
        r.get(k).and_then(Value::as_str).map(str::to_owned)
    };
    Ok(rows
        .iter()
        .map(|r| NamedReferrer {
            participant_id: ParticipantId::from_trusted(text(r, "id").unwrap_or_default()),
            first_name: text(r, "first_name"),
            last_name: text(r, "last_name"),
            email: text(r, "email").unwrap_or_default(),
        })
        .filter(|n| named::matches(query, n.first_name.as_deref(), n.last_name.as_deref()))
        .collect())
}
