//! The offer editor's form: every setting of SPEC §2 as the text a person
//! typed, read from the stored settings or from a posted form, and turned
//! into a JSON merge patch of the draft.
//!
//! The form only decides what its own inputs mean (a count is a number, a
//! date is a date); whether the settings are right is the store's
//! `patch_draft` to say, with the same rules as `PATCH /v1/offers/{id}`.
//! The patch names only the settings this form draws, so a section it does
//! not draw (added by another part of the product) is kept as it is.

use std::collections::BTreeMap;

use parrain_core::fraud::FraudSettings;
use parrain_core::offer::{GoalEvent, Network, OfferSettings, Problem};
use parrain_core::rule::Condition;
use serde::Serialize;
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// One person field of the sign-up form.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FieldRow {
    pub name: String,
    pub label: String,
    pub required: bool,
}

/// One condition of a smart-list trigger rule.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConditionRow {
    pub property: String,
    pub op: String,
    /// A string as is; anything else (number, `true`, a list for `in`) as JSON.
    pub value: String,
}

/// A network to share on, with its message.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkRow {
    pub name: &'static str,
    pub checked: bool,
    pub message: String,
}

/// An email template (`emails.sign_up`, `emails.fulfillment` or `emails.invitation`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct EmailRow {
    pub key: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The form, field by field, as text (so a refused form comes back as typed).
#[derive(Debug, Clone, Default, Serialize)]
pub struct OfferForm {
    pub name: String,
    pub description: String,
    pub goal_type: String,
    pub goal_count: String,
    pub goal_event: String,
    pub rule_name: String,
    pub conditions: Vec<ConditionRow>,
    pub visit_counting: String,
    pub delivery: String,
    pub share_kind: String,
    pub share_url: String,
    pub offer_page_url: String,
    pub sign_up_flow: String,
    pub networks: Vec<NetworkRow>,
    pub person_fields: Vec<FieldRow>,
    pub marketing_consent: String,
    pub rules_url: String,
    pub privacy_title: String,
    pub privacy_url: String,
    pub emails: Vec<EmailRow>,
    pub starts_at: String,
    pub ends_at: String,
    pub attribution_model: String,
    pub window_days: String,
    /// The fraud rules, one group per rule.
    pub fraud: Vec<FraudRule>,
}

/// One fraud rule of `FraudSettings`, drawn from its JSON so a rule added
/// there gets its inputs here without more code.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FraudRule {
    pub inputs: Vec<FraudInput>,
}

/// An input of a fraud rule: an outcome (`allow | review | block`) or a number.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FraudInput {
    /// The setting's path, which is also the input's name (`fraud.credit_velocity.outcome`).
    pub name: String,
    pub label: String,
    pub number: bool,
    /// An on/off setting (`verify_friend_email`).
    pub flag: bool,
    pub value: String,
}

/// A unit enum's name in the API (`"referred_visits"`).
fn api_name(value: impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// What a fraud setting asks, in words.
fn fraud_label(path: &str) -> String {
    let known = match path {
        "email_variant" => "Friend's email is a variant of the referrer's",
        "disposable_email" => "Friend's email is at a disposable-mail domain",
        "credit_velocity.max_per_hour" => "A referrer gets more credits in an hour than",
        "same_ip.window_hours" => "Friend seen at the referrer's address within (hours)",
        "ip_sign_up_velocity.max_per_hour" => "More sign-ups in an hour from one address than",
        "verify_friend_email" => {
            "Credit a referred sign-up only once the friend confirms their email"
        }
        p if p.ends_with(".outcome") => "Then",
        p => return p.replace(['_', '.'], " "),
    };
    known.to_owned()
}

/// The fraud rules' inputs, from the JSON of a `FraudSettings` (the
/// defaults give the shape; `values` the current values, by path).
fn fraud_rules(value_of: impl Fn(&str, &Value) -> String) -> Vec<FraudRule> {
    let shape = serde_json::to_value(FraudSettings::default()).unwrap_or_default();
    let Value::Object(rules) = shape else {
        return Vec::new();
    };
    let input = |path: String, leaf: &Value| FraudInput {
        label: fraud_label(&path),
        number: leaf.is_number(),
        flag: leaf.is_boolean(),
        value: value_of(&path, leaf),
        name: format!("fraud.{path}"),
    };
    rules
        .iter()
        .map(|(key, leaf)| FraudRule {
            inputs: match leaf {
                Value::Object(parts) => parts
                    .iter()
                    .map(|(part, leaf)| input(format!("{key}.{part}"), leaf))
                    .collect(),
                leaf => vec![input(key.clone(), leaf)],
            },
        })
        .collect()
}

/// A leaf of settings JSON as the text of its input.
fn leaf_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `2026-05-01T09:30` (what `<input type="datetime-local">` shows), in UTC.
fn local_input(t: Option<OffsetDateTime>) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    t.and_then(|t| t.to_offset(time::UtcOffset::UTC).format(format).ok())
        .unwrap_or_default()
}

impl OfferForm {
    /// The form filled with stored settings.
    pub fn from_settings(s: &OfferSettings) -> Self {
        let (goal_event, rule_name, conditions) = match (&s.goal.event, s.goal.kind) {
            (Some(GoalEvent::Rule(rule)), _) => (
                String::new(),
                rule.name.clone(),
                rule.conditions.iter().map(condition_row).collect(),
            ),
            (Some(GoalEvent::Name(name)), parrain_core::offer::GoalType::SmartListTrigger) => {
                (String::new(), name.clone(), Vec::new())
            }
            (Some(GoalEvent::Name(name)), _) => (name.clone(), String::new(), Vec::new()),
            (None, _) => Default::default(),
        };
        let email = |key, t: &Option<parrain_core::offer::EmailTemplate>| EmailRow {
            key,
            subject: t.as_ref().map(|t| t.subject.clone()).unwrap_or_default(),
            text: t.as_ref().map(|t| t.text.clone()).unwrap_or_default(),
            html: t.as_ref().and_then(|t| t.html.clone()).unwrap_or_default(),
        };
        Self {
            name: s.name.clone(),
            description: s.description.clone().unwrap_or_default(),
            goal_type: api_name(s.goal.kind),
            goal_count: s.goal.count.map(|c| c.to_string()).unwrap_or_default(),
            goal_event,
            rule_name,
            conditions,
            visit_counting: api_name(s.visit_counting),
            delivery: api_name(s.fulfillment.delivery),
            share_kind: api_name(s.share_url.kind),
            share_url: s.share_url.url.clone().unwrap_or_default(),
            offer_page_url: s.offer_page_url.clone().unwrap_or_default(),
            sign_up_flow: api_name(s.sign_up_flow),
            networks: Network::ALL
                .into_iter()
                .map(|n| NetworkRow {
                    name: n.as_str(),
                    checked: s.networks.contains(&n),
                    message: s.share_messages.get(&n).cloned().unwrap_or_default(),
                })
                .collect(),
            person_fields: s
                .person_fields
                .iter()
                .map(|f| FieldRow {
                    name: f.name.clone(),
                    label: f.label.clone().unwrap_or_default(),
                    required: f.required,
                })
                .collect(),
            marketing_consent: api_name(s.marketing_consent),
            rules_url: s.rules_url.clone().unwrap_or_default(),
            privacy_title: s
                .privacy_policy
                .as_ref()
                .map(|p| p.title.clone())
                .unwrap_or_default(),
            privacy_url: s
                .privacy_policy
                .as_ref()
                .map(|p| p.url.clone())
                .unwrap_or_default(),
            emails: vec![
                email("sign_up", &s.emails.sign_up),
                email("fulfillment", &s.emails.fulfillment),
                email("invitation", &s.emails.invitation),
            ],
            starts_at: local_input(s.starts_at),
            ends_at: local_input(s.ends_at),
            attribution_model: api_name(s.attribution.model),
            window_days: s.attribution.window_days.to_string(),
            fraud: {
                let current = serde_json::to_value(&s.fraud).unwrap_or_default();
                fraud_rules(|path, _| {
                    leaf_text(
                        current
                            .pointer(&format!("/{}", path.replace('.', "/")))
                            .unwrap_or(&Value::Null),
                    )
                })
            },
        }
    }

    /// The form as posted (`pairs` in the order the browser sent them).
    /// Rows with every box empty are dropped; the others are numbered
    /// again from 0, so `person_fields[1]` in a problem is the second row shown.
    pub fn from_posted(pairs: &[(String, String)]) -> Self {
        let one = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let rows = |prefix: &str| -> BTreeMap<u32, BTreeMap<String, String>> {
            let mut rows: BTreeMap<u32, BTreeMap<String, String>> = BTreeMap::new();
            for (k, v) in pairs {
                let Some(rest) = k.strip_prefix(prefix) else {
                    continue;
                };
                let Some((index, part)) = rest.split_once('.') else {
                    continue;
                };
                if let Ok(index) = index.parse() {
                    rows.entry(index)
                        .or_default()
                        .insert(part.to_owned(), v.clone());
                }
            }
            rows
        };
        let get =
            |row: &BTreeMap<String, String>, key: &str| row.get(key).cloned().unwrap_or_default();
        let person_fields = rows("person_fields.")
            .values()
            .map(|r| FieldRow {
                name: get(r, "name").trim().to_owned(),
                label: get(r, "label"),
                required: r.contains_key("required"),
            })
            .filter(|r| !r.name.is_empty() || !r.label.trim().is_empty())
            .collect();
        let conditions = rows("goal.rule.where.")
            .values()
            .map(|r| ConditionRow {
                property: get(r, "property").trim().to_owned(),
                op: get(r, "op"),
                value: get(r, "value"),
            })
            .filter(|r| !r.property.is_empty() || !r.value.trim().is_empty())
            .collect();
        let email = |key| EmailRow {
            key,
            subject: one(&format!("emails.{key}.subject")),
            text: one(&format!("emails.{key}.text")),
            html: one(&format!("emails.{key}.html")),
        };
        Self {
            name: one("name"),
            description: one("description"),
            goal_type: one("goal.type"),
            goal_count: one("goal.count"),
            goal_event: one("goal.event"),
            rule_name: one("goal.rule.name"),
            conditions,
            visit_counting: one("visit_counting"),
            delivery: one("fulfillment.delivery"),
            share_kind: one("share_url.kind"),
            share_url: one("share_url.url"),
            offer_page_url: one("offer_page_url"),
            sign_up_flow: one("sign_up_flow"),
            networks: Network::ALL
                .into_iter()
                .map(|n| NetworkRow {
                    name: n.as_str(),
                    checked: pairs
                        .iter()
                        .any(|(k, v)| k == "networks" && v == n.as_str()),
                    message: one(&format!("share_messages.{}", n.as_str())),
                })
                .collect(),
            person_fields,
            marketing_consent: one("marketing_consent"),
            rules_url: one("rules_url"),
            privacy_title: one("privacy_policy.title"),
            privacy_url: one("privacy_policy.url"),
            emails: vec![email("sign_up"), email("fulfillment"), email("invitation")],
            starts_at: one("starts_at"),
            ends_at: one("ends_at"),
            attribution_model: one("attribution.model"),
            window_days: one("attribution.window_days"),
            fraud: fraud_rules(|path, _| one(&format!("fraud.{path}"))),
        }
    }

    /// The merge patch that writes this form into the draft, or what in the
    /// form cannot be read (a count that is not a number, …).
    pub fn patch(&self) -> Result<Value, Vec<Problem>> {
        let mut problems = Vec::new();
        let goal_count = integer(&self.goal_count, "goal.count", &mut problems);
        let window_days = integer(&self.window_days, "attribution.window_days", &mut problems);
        let mut fraud = json!({});
        for input in self.fraud.iter().flat_map(|r| &r.inputs) {
            let value = if input.number {
                integer(&input.value, &input.name, &mut problems)
            } else if input.flag {
                match input.value.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => Value::Null,
                }
            } else {
                text(&input.value)
            };
            // An empty input leaves the rule's value as it is.
            if value.is_null() {
                continue;
            }
            let path: Vec<&str> = input.name.split('.').skip(1).collect();
            match path.as_slice() {
                [rule, part] => fraud[*rule][*part] = value,
                [rule] => fraud[*rule] = value,
                _ => {}
            }
        }
        let starts_at = date(&self.starts_at, "starts_at", &mut problems);
        let ends_at = date(&self.ends_at, "ends_at", &mut problems);
        let event = match self.goal_type.as_str() {
            "custom_event" => text(&self.goal_event),
            "smart_list_trigger" => self.rule(&mut problems),
            _ => Value::Null,
        };
        let privacy_policy = match (text(&self.privacy_title), text(&self.privacy_url)) {
            (Value::Null, Value::Null) => Value::Null,
            (Value::Null, _) => {
                problems.push(problem(
                    "privacy_policy.title",
                    "the privacy link needs a title",
                ));
                Value::Null
            }
            (_, Value::Null) => {
                problems.push(problem(
                    "privacy_policy.url",
                    "the privacy link needs a URL",
                ));
                Value::Null
            }
            (title, url) => json!({ "title": title, "url": url }),
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut share_messages = Map::new();
        for n in &self.networks {
            share_messages.insert(n.name.into(), text(&n.message));
        }
        let mut emails = Map::new();
        for e in &self.emails {
            let empty = [&e.subject, &e.text, &e.html]
                .iter()
                .all(|v| v.trim().is_empty());
            let value = if empty {
                Value::Null
            } else {
                json!({ "subject": e.subject, "text": e.text, "html": text(&e.html) })
            };
            emails.insert(e.key.into(), value);
        }
        let person_fields: Vec<Value> = self
            .person_fields
            .iter()
            .map(|f| json!({ "name": f.name, "label": text(&f.label), "required": f.required }))
            .collect();
        let networks: Vec<&str> = self
            .networks
            .iter()
            .filter(|n| n.checked)
            .map(|n| n.name)
            .collect();
        Ok(json!({
            "name": self.name.trim(),
            "description": text(&self.description),
            "goal": { "type": self.goal_type, "count": goal_count, "event": event },
            "visit_counting": self.visit_counting,
            "fulfillment": { "delivery": self.delivery },
            "share_url": { "kind": self.share_kind, "url": text(&self.share_url) },
            "offer_page_url": text(&self.offer_page_url),
            "sign_up_flow": self.sign_up_flow,
            "networks": networks,
            "share_messages": share_messages,
            "person_fields": person_fields,
            "marketing_consent": self.marketing_consent,
            "rules_url": text(&self.rules_url),
            "privacy_policy": privacy_policy,
            "emails": emails,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "attribution": { "model": self.attribution_model, "window_days": window_days },
            "fraud": fraud,
        }))
    }

    /// The smart-list trigger rule: a bare event name, or a name with conditions.
    fn rule(&self, problems: &mut Vec<Problem>) -> Value {
        if self.conditions.is_empty() {
            return text(&self.rule_name);
        }
        let mut conditions = Vec::new();
        for (i, c) in self.conditions.iter().enumerate() {
            let value = match serde_json::from_str::<Value>(c.value.trim()) {
                Ok(v) if !v.is_string() => v,
                _ => Value::String(c.value.clone()),
            };
            let condition = json!({ "property": c.property, "op": c.op, "value": value });
            match serde_json::from_value::<Condition>(condition.clone()) {
                Ok(_) => conditions.push(condition),
                Err(e) => problems.push(problem(&format!("goal.event.where[{i}]"), &e.to_string())),
            }
        }
        json!({ "name": self.rule_name.trim(), "where": conditions })
    }
}

fn condition_row(c: &Condition) -> ConditionRow {
    ConditionRow {
        property: c.property.clone(),
        op: api_name(c.op),
        value: match &c.value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
    }
}

fn problem(field: &str, message: &str) -> Problem {
    Problem {
        field: field.into(),
        code: "invalid".into(),
        message: message.into(),
        approval_only: false,
    }
}

/// Empty (or blank) text is "not set".
fn text(value: &str) -> Value {
    if value.trim().is_empty() {
        Value::Null
    } else {
        Value::String(value.to_owned())
    }
}

fn integer(value: &str, field: &str, problems: &mut Vec<Problem>) -> Value {
    let value = value.trim();
    if value.is_empty() {
        return Value::Null;
    }
    match value.parse::<i64>() {
        Ok(n) => json!(n),
        Err(_) => {
            problems.push(problem(field, "write a whole number"));
            Value::Null
        }
    }
}

/// A `datetime-local` input (taken as UTC), or an RFC 3339 time.
fn date(value: &str, field: &str, problems: &mut Vec<Problem>) -> Value {
    let value = value.trim();
    if value.is_empty() {
        return Value::Null;
    }
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let parsed = PrimitiveDateTime::parse(value, minutes)
        .or_else(|_| PrimitiveDateTime::parse(value, seconds))
        .map(PrimitiveDateTime::assume_utc)
        .or_else(|_| OffsetDateTime::parse(value, &Rfc3339));
    match parsed.ok().and_then(|t| t.format(&Rfc3339).ok()) {
        Some(t) => Value::String(t),
        None => {
            problems.push(problem(
                field,
                "write a date and time such as 2026-05-01T09:00",
            ));
            Value::Null
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(value: Value) -> OfferSettings {
        serde_json::from_value(value).unwrap()
    }

    /// What the editor writes, applied the way `patch_draft` applies it.
    fn saved(before: &OfferSettings, form: &OfferForm) -> OfferSettings {
        let mut doc = serde_json::to_value(before).unwrap();
        parrain_core::offer::merge_patch(&mut doc, &form.patch().unwrap());
        serde_json::from_value(doc).unwrap()
    }

    #[test]
    fn saving_an_untouched_form_changes_nothing() {
        let s = settings(json!({
            "name": "Spring",
            "description": "Give a month",
            "goal": {"type": "smart_list_trigger", "count": 2,
                     "event": {"name": "purchase", "where": [{"property": "total", "op": ">=", "value": 50}]}},
            "fulfillment": {"delivery": "manual"},
            "share_url": {"kind": "external", "url": "https://example.com/join"},
            "offer_page_url": "https://example.com/refer",
            "networks": ["x", "email"],
            "share_messages": {"x": "Try it"},
            "person_fields": [{"name": "company", "label": "Company", "required": true}],
            "marketing_consent": "opt_out",
            "privacy_policy": {"title": "Privacy", "url": "https://example.com/p"},
            "emails": {"sign_up": {"subject": "Hi", "text": "Welcome", "html": "<p>Welcome</p>"}},
            "starts_at": "2026-05-01T09:30:00Z",
            "visit_counting": "each_visit",
            "attribution": {"model": "last_touch", "window_days": 30},
            "fraud": {"email_variant": "review", "disposable_email": "allow",
                      "credit_velocity": {"max_per_hour": 7, "outcome": "block"}}
        }));
        let mut after = saved(&s, &OfferForm::from_settings(&s));
        // The form lists networks in one fixed order.
        after.networks.sort();
        let mut before = s.clone();
        before.networks.sort();
        assert_eq!(after, before);
    }

    #[test]
    fn a_posted_form_reads_rows_and_checkboxes() {
        let pairs: Vec<(String, String)> = [
            ("name", "Summer"),
            ("goal.type", "custom_event"),
            ("goal.count", "3"),
            ("goal.event", "purchase"),
            ("goal.rule.name", "stale"),
            ("networks", "linkedin"),
            ("share_messages.linkedin", "Join me"),
            ("person_fields.4.name", "company"),
            ("person_fields.4.required", "on"),
            ("person_fields.9.name", ""),
            ("person_fields.1.name", "first_name"),
            ("attribution.window_days", "90"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let form = OfferForm::from_posted(&pairs);
        let names: Vec<_> = form.person_fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["first_name", "company"]);
        assert!(form.person_fields[1].required && !form.person_fields[0].required);
        let patch = form.patch().unwrap();
        assert_eq!(patch["goal"]["event"], "purchase");
        assert_eq!(patch["networks"], json!(["linkedin"]));
        assert_eq!(patch["share_messages"]["x"], Value::Null);
    }

    #[test]
    fn unreadable_inputs_are_named() {
        let form = OfferForm {
            goal_count: "three".into(),
            starts_at: "tomorrow".into(),
            window_days: "90".into(),
            ..OfferForm::default()
        };
        let fields: Vec<_> = form
            .patch()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["goal.count", "starts_at"]);
    }
}
