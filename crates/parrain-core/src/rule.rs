//! Trigger rules: which server events give a referrer credit.
//!
//! A rule names an event and may add conditions on its properties, e.g.
//! `{"name": "opportunity.created", "where": [{"property": "amount", "op": ">=", "value": 1000}]}`.
//! A property that is absent fails every condition: a rule never matches by accident.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerRule {
    pub name: String,
    #[serde(rename = "where", default)]
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// A property name; dots reach into nested objects (`deal.stage`).
    pub property: String,
    pub op: Op,
    #[schema(value_type = Object)]
    pub value: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Op {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "in")]
    In,
}

impl TriggerRule {
    /// Whether an event with this name and these properties meets the rule.
    pub fn matches(&self, name: &str, properties: &Value) -> bool {
        self.name == name && self.conditions.iter().all(|c| c.holds(properties))
    }
}

impl Condition {
    fn holds(&self, properties: &Value) -> bool {
        let Some(actual) = lookup(properties, &self.property) else {
            return false;
        };
        match self.op {
            Op::Eq => equal(actual, &self.value),
            Op::Ne => !equal(actual, &self.value),
            Op::In => self
                .value
                .as_array()
                .is_some_and(|items| items.iter().any(|item| equal(actual, item))),
            Op::Gt => compare(actual, &self.value) == Some(Ordering::Greater),
            Op::Ge => matches!(
                compare(actual, &self.value),
                Some(Ordering::Greater | Ordering::Equal)
            ),
            Op::Lt => compare(actual, &self.value) == Some(Ordering::Less),
            Op::Le => matches!(
                compare(actual, &self.value),
                Some(Ordering::Less | Ordering::Equal)
            ),
        }
    }
}

fn lookup<'a>(properties: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(properties, |value, key| value.get(key))
        .filter(|v| !v.is_null())
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Numbers compare as numbers, strings lexically (so ISO dates order); anything else does not compare.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(value: Value) -> TriggerRule {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn every_operator() {
        let props = json!({"amount": 1200, "stage": "won", "deal": {"region": "emea"}});
        let cases = [
            (
                json!({"property": "amount", "op": "=", "value": 1200.0}),
                true,
            ),
            (
                json!({"property": "amount", "op": "!=", "value": 1200}),
                false,
            ),
            (
                json!({"property": "amount", "op": ">", "value": 1000}),
                true,
            ),
            (
                json!({"property": "amount", "op": ">=", "value": 1200}),
                true,
            ),
            (
                json!({"property": "amount", "op": "<", "value": 1200}),
                false,
            ),
            (
                json!({"property": "amount", "op": "<=", "value": 1200}),
                true,
            ),
            (
                json!({"property": "stage", "op": "in", "value": ["won", "closed"]}),
                true,
            ),
            (
                json!({"property": "deal.region", "op": "=", "value": "emea"}),
                true,
            ),
            (
                json!({"property": "missing", "op": "!=", "value": 1}),
                false,
            ),
            (json!({"property": "stage", "op": ">", "value": 3}), false),
        ];
        for (condition, expected) in cases {
            let r = rule(json!({"name": "opportunity.created", "where": [condition.clone()]}));
            assert_eq!(
                r.matches("opportunity.created", &props),
                expected,
                "{condition}"
            );
        }
        assert!(!rule(json!({"name": "purchase"})).matches("opportunity.created", &props));
    }
}
