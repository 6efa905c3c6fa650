//! Where a person's data sits inside stored JSON, and how erasure edits it
//! there: at known paths of a parsed document, never by searching its text.

use serde_json::Value;

/// What identifies the person being erased, and the fresh browser ids that
/// replace theirs.
#[derive(Debug, Default)]
pub(crate) struct Identity {
    pub email: String,
    pub names: Vec<String>,
    /// (old, new) browser ids.
    pub visitors: Vec<(String, String)>,
}

impl Identity {
    fn new_visitor(&self, old: &str) -> Option<&str> {
        self.visitors
            .iter()
            .find(|(o, _)| o == old)
            .map(|(_, n)| n.as_str())
    }

    /// Rewrites an activity's details at the paths that may hold something
    /// of the person; true when anything changed. Every other value, and
    /// every key, stays as it was: nothing here searches the text.
    pub fn edit_details(&self, details: &mut Value) -> bool {
        let Some(details) = details.as_object_mut() else {
            return false;
        };
        let mut changed = false;
        // The address an email went to, or a copy of it.
        for field in ["email", "to"] {
            if let Some(Value::String(email)) = details.get_mut(field) {
                if !self.email.is_empty() && email.eq_ignore_ascii_case(&self.email) {
                    *email = ERASED.into();
                    changed = true;
                }
            }
        }
        for field in ["first_name", "last_name"] {
            if let Some(name @ Value::String(_)) = details.get_mut(field) {
                if self.names.iter().any(|n| name.as_str() == Some(n)) {
                    *name = Value::Null;
                    changed = true;
                }
            }
        }
        // A credit key (`visit:{visitor}:{session}`, `signup:{visitor}`…).
        if let Some(Value::String(key)) = details.get_mut("key") {
            let edited: Vec<&str> = key
                .split(':')
                .map(|part| self.new_visitor(part).unwrap_or(part))
                .collect();
            let edited = edited.join(":");
            if edited != *key {
                *key = edited;
                changed = true;
            }
        }
        // The page visited, which may carry the address in its query, and
        // why an email failed, which a mail server may word with it.
        for field in ["url", "error"] {
            if let Some(Value::String(text)) = details.get_mut(field) {
                if !self.email.is_empty() {
                    let encoded = self.email.replace('@', "%40");
                    let edited = text.replace(&self.email, ERASED).replace(&encoded, ERASED);
                    if edited != *text {
                        *text = edited;
                        changed = true;
                    }
                }
            }
        }
        changed
    }

    /// Rewrites a webhook payload (`{type, timestamp, data: {…, visitor_id,
    /// details, participant, person}}`) at its known paths; true when
    /// anything changed. `participant` and `person` (`webhook_data`) are the
    /// person's when their email is the person's: email and names go.
    pub fn edit_payload(&self, payload: &mut Value) -> bool {
        let Some(data) = payload.get_mut("data").and_then(Value::as_object_mut) else {
            return false;
        };
        let mut changed = false;
        if let Some(Value::String(visitor)) = data.get_mut("visitor_id") {
            if let Some(new) = self.new_visitor(visitor) {
                *visitor = new.to_owned();
                changed = true;
            }
        }
        if let Some(details) = data.get_mut("details") {
            changed |= self.edit_details(details);
        }
        for about in ["participant", "person"] {
            let Some(about) = data.get_mut(about).and_then(Value::as_object_mut) else {
                continue;
            };
            let theirs = about
                .get("email")
                .and_then(Value::as_str)
                .is_some_and(|e| !self.email.is_empty() && e.eq_ignore_ascii_case(&self.email));
            if theirs {
                about.insert("email".into(), ERASED.into());
                about.insert("first_name".into(), Value::Null);
                about.insert("last_name".into(), Value::Null);
                changed = true;
            }
        }
        changed
    }
}

/// What stands for an erased address.
const ERASED: &str = "[erased]";

/// True when a value of `json`, at any depth, is exactly one of `ids` or
/// the email: a saved response about the person.
pub(crate) fn mentions(json: &Value, ids: &[&str], email: &str) -> bool {
    match json {
        Value::String(s) => {
            ids.contains(&s.as_str()) || (!email.is_empty() && s.eq_ignore_ascii_case(email))
        }
        Value::Array(items) => items.iter().any(|v| mentions(v, ids, email)),
        Value::Object(map) => map.values().any(|v| mentions(v, ids, email)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ada() -> Identity {
        Identity {
            email: "ada@example.com".into(),
            names: vec!["data".into(), "email".into()],
            visitors: vec![("vis_old".into(), "vis_new".into())],
        }
    }

    #[test]
    fn details_are_edited_at_known_paths_only() {
        let mut details = json!({
            "channel": "email", "data": "data", "via": "invitation",
            "first_name": "data", "last_name": "Byron",
            "key": "visit:vis_old:17", "url": "https://shop.example/?email=ada%40example.com",
            "to": "ada@example.com", "error": "550 <ada@example.com>: no such user",
        });
        assert!(ada().edit_details(&mut details));
        assert_eq!(
            details,
            json!({
                "channel": "email", "data": "data", "via": "invitation",
                "first_name": null, "last_name": "Byron",
                "key": "visit:vis_new:17", "url": "https://shop.example/?email=[erased]",
                "to": "[erased]", "error": "550 <[erased]>: no such user",
            })
        );
    }

    #[test]
    fn a_payload_without_the_person_is_left_alone() {
        let original = json!({"type": "shares_content", "data": {
            "visitor_id": "vis_other", "details": {"channel": "email", "key": "visit:vis_older"}}});
        let mut payload = original.clone();
        assert!(!ada().edit_payload(&mut payload));
        assert_eq!(payload, original);
        let mut theirs = json!({"data": {"visitor_id": "vis_old", "details": {}}});
        assert!(ada().edit_payload(&mut theirs));
        assert_eq!(theirs["data"]["visitor_id"], "vis_new");
    }

    #[test]
    fn the_person_and_participant_of_a_payload_lose_email_and_names_when_theirs() {
        let mut payload = json!({"type": "refers_to_social_app", "data": {
            "participant": {"id": "par_1", "email": "bea@example.com", "first_name": "Bea",
                            "last_name": "Stone", "code": "K7QM2X", "promo_code": "SAVE10"},
            "person": {"id": "per_1", "email": "ADA@example.com", "first_name": "Ada",
                       "last_name": "Byron"}}});
        assert!(ada().edit_payload(&mut payload));
        assert_eq!(
            payload["data"]["person"],
            json!({"id": "per_1", "email": "[erased]", "first_name": null, "last_name": null})
        );
        assert_eq!(payload["data"]["participant"]["email"], "bea@example.com");
        assert_eq!(payload["data"]["participant"]["first_name"], "Bea");
        let mut theirs = json!({"data": {"participant": {"email": "ada@example.com",
            "first_name": "Ada", "last_name": "Byron", "code": "K7QM2X"}}});
        assert!(ada().edit_payload(&mut theirs));
        assert_eq!(
            theirs["data"]["participant"],
            json!({"email": "[erased]", "first_name": null, "last_name": null, "code": "K7QM2X"})
        );
    }

    #[test]
    fn a_saved_response_mentions_the_person_only_by_an_exact_value() {
        let ids = ["per_1", "par_1"];
        let about = json!({"data": [{"person_id": "per_1"}]});
        assert!(mentions(&about, &ids, "ada@example.com"));
        assert!(mentions(
            &json!({"email": "ADA@example.com"}),
            &ids,
            "ada@example.com"
        ));
        let other = json!({"per_1": "x", "note": "per_1 and par_1", "email": "bea@example.com"});
        assert!(!mentions(&other, &ids, "ada@example.com"));
    }
}
