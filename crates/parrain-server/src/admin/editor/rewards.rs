//! The editor's rewards section (SPEC §11): one row of inputs per reward,
//! named `rewards.{i}.*`, read back into the offer's `rewards` list in the
//! order the rows were posted (the page moves rows, not their numbers).
//! The store's checks name each problem `rewards[{i}].…` by that order, and
//! the section draws the posted list again in it, so each problem lands
//! beside its row. The leaderboard's setting sits beside it.

use serde_json::{json, Map, Value};

/// The posted rows as the `rewards` list, in page order.
pub fn read_rewards(pairs: &[(String, String)]) -> Value {
    let mut order: Vec<&str> = Vec::new();
    let mut rows: Vec<Vec<(&str, &str)>> = Vec::new();
    for (key, value) in pairs {
        let Some((row, field)) = key
            .strip_prefix("rewards.")
            .and_then(|rest| rest.split_once('.'))
        else {
            continue;
        };
        let at = match order.iter().position(|r| *r == row) {
            Some(at) => at,
            None => {
                order.push(row);
                rows.push(Vec::new());
                order.len() - 1
            }
        };
        rows[at].push((field, value.trim()));
    }
    Value::Array(rows.iter().map(|row| reward(row)).collect())
}

/// The leaderboard's checkbox and size (a size left empty is the default).
pub fn read_leaderboard(pairs: &[(String, String)]) -> Value {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let size = get("leaderboard.size").map_or(json!(10), |v| {
        v.parse::<i64>().map_or_else(|_| json!(v), |n| json!(n))
    });
    json!({"enabled": get("leaderboard.enabled").is_some(), "size": size})
}

/// One reward from its row; empty inputs are left out, so the settings'
/// defaults apply and their checks name what is missing.
fn reward(row: &[(&str, &str)]) -> Value {
    let get = |name: &str| {
        row.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
            .filter(|v| !v.is_empty())
    };
    // A number as typed: an integer when it reads as one, else the text,
    // which the settings refuse.
    let number =
        |name: &str| get(name).map(|v| v.parse::<i64>().map_or_else(|_| json!(v), |n| json!(n)));
    let mut out = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            out.insert(key.to_owned(), value);
        }
    };
    put("id", get("id").map(|v| json!(v)));
    match get("kind").unwrap_or("at") {
        kind @ ("friend" | "friend_sign_up") => {
            put("for", Some(json!("friend")));
            if kind == "friend_sign_up" {
                put("on", Some(json!("sign_up")));
            }
        }
        kind => {
            put("for", Some(json!("referrer")));
            if kind == "every" {
                put("every", number("count"));
                put("max_times", number("max_times"));
            } else {
                put("at", number("count"));
            }
        }
    }
    put("label", get("label").map(|v| json!(v)));
    put("promo_codes", get("promo_codes").map(|v| json!(v)));
    put("delivery", get("delivery").map(|v| json!(v)));
    put("hold_days", number("hold_days"));
    let (subject, text, html) = (get("email.subject"), get("email.text"), get("email.html"));
    if subject.is_some() || text.is_some() || html.is_some() {
        put(
            "email",
            Some(json!({
                "subject": subject.unwrap_or_default(),
                "text": text.unwrap_or_default(),
                "html": html,
            })),
        );
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn rows_are_read_in_the_order_posted_whatever_their_numbers() {
        let posted = pairs(&[
            ("name", "Spring"),
            ("rewards.3.id", "tier-2"),
            ("rewards.3.kind", "at"),
            ("rewards.3.count", "3"),
            ("rewards.3.promo_codes", "month"),
            ("rewards.3.hold_days", "0"),
            ("rewards.0.id", "pair"),
            ("rewards.0.kind", "every"),
            ("rewards.0.count", "2"),
            ("rewards.0.max_times", ""),
            ("rewards.0.delivery", "manual"),
            ("rewards.7.id", "welcome"),
            ("rewards.7.kind", "friend_sign_up"),
            ("rewards.7.count", "5"),
            ("rewards.7.label", "€10 off"),
            ("rewards.7.email.subject", "Welcome"),
            ("rewards.7.email.text", "{{ promo_code }}"),
        ]);
        assert_eq!(
            read_rewards(&posted),
            json!([
                {"id": "tier-2", "for": "referrer", "at": 3, "promo_codes": "month", "hold_days": 0},
                {"id": "pair", "for": "referrer", "every": 2, "delivery": "manual"},
                {"id": "welcome", "for": "friend", "on": "sign_up", "label": "€10 off",
                 "email": {"subject": "Welcome", "text": "{{ promo_code }}", "html": null}}
            ])
        );
        assert_eq!(read_rewards(&pairs(&[("name", "x")])), json!([]));
    }

    #[test]
    fn the_leaderboard_is_on_when_ticked_with_its_size() {
        let on = pairs(&[("leaderboard.enabled", "on"), ("leaderboard.size", "25")]);
        assert_eq!(read_leaderboard(&on), json!({"enabled": true, "size": 25}));
        let off = pairs(&[("leaderboard.size", "")]);
        assert_eq!(
            read_leaderboard(&off),
            json!({"enabled": false, "size": 10})
        );
    }

    #[test]
    fn a_number_that_is_not_one_is_kept_as_typed_for_the_checks_to_refuse() {
        let posted = pairs(&[("rewards.0.id", "t"), ("rewards.0.count", "three")]);
        assert_eq!(read_rewards(&posted)[0]["at"], "three");
    }
}
