//! What a webhook says about the people an activity is about, so a CRM can
//! write it into a lead without calling back: the participant's email,
//! names, share code, credit, goal progress, promo code and rewards, the
//! activity's person (a friend, say) and, for a reward's activity, the
//! reward. Read in the transaction that records the activity, so it is the
//! state that activity left; written once here for both stores, which only
//! run the statements (`Lookup`).
//!
//! The share URL is not here: the store does not know the server's public
//! address, so the sender writes `participant.share_url` into the body from
//! `participant.code` (`share_url_into`). Erasure edits the names and
//! emails at the paths written here (`privacy/paths.rs`).

use parrain_core::activity::ActivityType;
use parrain_core::ids::{ActivityId, OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::offer::OfferSettings;
use parrain_core::Millis;
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::flows::Who;
use crate::Result;

/// Runs one of this module's statements (SQLite's `?N` placeholders) and
/// returns its rows by column name.
pub(crate) trait Lookup {
    fn rows(&mut self, sql: &'static str, params: &[&str]) -> Result<Vec<Map<String, Value>>>;
}

const PARTICIPANT: &str = "SELECT p.code, p.credit, p.achieved_at, p.fulfilled_at, p.promo_code,
        pe.email, pe.first_name, pe.last_name, pe.erased_at
    FROM participants p JOIN people pe ON pe.id = p.person_id WHERE p.id = ?1";
const PERSON: &str = "SELECT email, first_name, last_name, erased_at FROM people WHERE id = ?1";
const REWARDS: &str = "SELECT reward_id, occurrence, state, promo_code FROM participant_rewards
    WHERE participant_id = ?1 ORDER BY earned_at, reward_id, occurrence";
const OFFER: &str = "SELECT live, draft FROM offers WHERE id = ?1";

/// The keys added to a payload's `data` (`participant`, `person`, `reward`),
/// each only when the activity has it.
pub(crate) fn about(
    db: &mut impl Lookup,
    kind: ActivityType,
    who: &Who<'_>,
    details: &Value,
) -> Result<Map<String, Value>> {
    let mut data = Map::new();
    let settings = match who.offer {
        Some(offer) => settings(db.rows(OFFER, &[offer.as_str()])?),
        None => None,
    };
    let label = |reward: &str| -> Value {
        settings
            .as_ref()
            .and_then(|s| s.rewards.iter().find(|r| r.id == reward))
            .and_then(|r| r.label.clone())
            .map_or(Value::Null, Value::String)
    };
    if let Some(participant) = who.participant {
        let id = participant.as_str();
        if let Some(row) = db.rows(PARTICIPANT, &[id])?.into_iter().next() {
            let credit = row.get("credit").and_then(Value::as_i64).unwrap_or(0);
            let count = settings.as_ref().and_then(|s| s.goal.count);
            let rewards: Vec<Value> = db
                .rows(REWARDS, &[id])?
                .into_iter()
                .map(|r| {
                    let reward = text(&r, "reward_id").unwrap_or_default();
                    json!({
                        "id": reward,
                        "label": label(&reward),
                        "occurrence": r.get("occurrence").and_then(number),
                        "state": text(&r, "state"),
                        "promo_code": text(&r, "promo_code"),
                    })
                })
                .collect();
            let mut out = names(&row);
            out.insert("id".into(), json!(id));
            out.insert("code".into(), json!(text(&row, "code")));
            out.insert("credit".into(), json!(credit));
            out.insert(
                "goal".into(),
                json!({
                    "count": count,
                    "remaining": count.map(|c| (c - credit).max(0)),
                    "achieved": !row.get("achieved_at").is_none_or(Value::is_null),
                }),
            );
            out.insert(
                "fulfilled".into(),
                json!(!row.get("fulfilled_at").is_none_or(Value::is_null)),
            );
            out.insert("promo_code".into(), json!(text(&row, "promo_code")));
            out.insert("rewards".into(), Value::Array(rewards));
            data.insert("participant".into(), Value::Object(out));
        }
    }
    if let Some(person) = who.person {
        if let Some(row) = db.rows(PERSON, &[person.as_str()])?.into_iter().next() {
            let mut out = names(&row);
            out.insert("id".into(), json!(person.as_str()));
            data.insert("person".into(), Value::Object(out));
        }
    }
    let reward_state = match kind {
        ActivityType::RewardEarned => details.get("state").and_then(Value::as_str),
        ActivityType::RewardGiven => Some("given"),
        ActivityType::RewardCancelled => Some("cancelled"),
        ActivityType::RewardClawback => Some("clawback"),
        _ => None,
    };
    if let Some(state) = reward_state {
        let reward = details
            .get("reward_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        data.insert(
            "reward".into(),
            json!({
                "id": reward,
                "label": label(reward),
                "occurrence": details.get("occurrence"),
                "state": state,
                "promo_code": details.get("promo_code"),
            }),
        );
    }
    Ok(data)
}

/// The offer's live settings, or its draft's for an offer never approved.
fn settings(rows: Vec<Map<String, Value>>) -> Option<OfferSettings> {
    let row = rows.into_iter().next()?;
    ["live", "draft"].iter().find_map(|column| {
        let value = match row.get(*column)? {
            Value::String(text) => serde_json::from_str(text).ok()?,
            Value::Null => return None,
            other => other.clone(),
        };
        serde_json::from_value(value).ok()
    })
}

/// A person's email and names, none once the person is erased.
fn names(row: &Map<String, Value>) -> Map<String, Value> {
    let erased = !row.get("erased_at").is_none_or(Value::is_null);
    let field = |k: &str| if erased { None } else { text(row, k) };
    let mut out = Map::new();
    out.insert("email".into(), json!(field("email")));
    out.insert("first_name".into(), json!(field("first_name")));
    out.insert("last_name".into(), json!(field("last_name")));
    out
}

fn text(row: &Map<String, Value>, key: &str) -> Option<String> {
    match row.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn number(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str()?.parse().ok())
}

/// Writes `data.participant.share_url` (`{public_url}/r/{code}`) into a
/// stored payload: the body as it is sent and as the delivery log shows it.
/// A payload without a participant's code is returned as it was.
pub fn share_url_into(payload: &str, public_url: &str) -> String {
    let Ok(mut json) = serde_json::from_str::<Value>(payload) else {
        return payload.to_owned();
    };
    let Some(participant) = json
        .pointer_mut("/data/participant")
        .and_then(Value::as_object_mut)
    else {
        return payload.to_owned();
    };
    let Some(code) = participant.get("code").and_then(Value::as_str) else {
        return payload.to_owned();
    };
    let url = format!("{}/r/{code}", public_url.trim_end_matches('/'));
    participant.insert("share_url".into(), Value::String(url));
    json.to_string()
}

/// `millis` as an RFC 3339 time.
fn rfc3339(millis: Millis) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// The body of every delivery of one activity: its ids, details and time,
/// and what [`about`] reads of the people it is about.
pub(crate) fn payload(
    db: &mut impl Lookup,
    activity: &ActivityId,
    kind: ActivityType,
    who: &Who<'_>,
    details: &Value,
    now: Millis,
) -> Result<String> {
    let mut data = json!({
        "id": activity,
        "type": kind.as_str(),
        "offer_id": who.offer.map(OfferId::as_str),
        "participant_id": who.participant.map(ParticipantId::as_str),
        "person_id": who.person.map(PersonId::as_str),
        "visitor_id": who.visitor.map(VisitorId::as_str),
        "details": details,
        "occurred_at": rfc3339(now),
    });
    if let Value::Object(map) = &mut data {
        map.extend(about(db, kind, who, details)?);
    }
    Ok(json!({
        "type": kind.as_str(),
        "timestamp": rfc3339(now),
        "data": data,
    })
    .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_url_is_written_from_the_code_and_nothing_else_changes() {
        let payload =
            r#"{"type":"offer_fulfilled","data":{"participant":{"code":"K7QM2X","credit":5}}}"#;
        let sent: Value =
            serde_json::from_str(&share_url_into(payload, "https://refer.example/")).unwrap();
        assert_eq!(
            sent["data"]["participant"]["share_url"],
            "https://refer.example/r/K7QM2X"
        );
        assert_eq!(sent["data"]["participant"]["credit"], 5);
        let without = r#"{"type":"clicks_shared_link","data":{"id":"act_1"}}"#;
        assert_eq!(share_url_into(without, "https://refer.example"), without);
    }
}
