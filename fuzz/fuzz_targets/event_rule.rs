//! A server event (`POST /v1/events`) against a trigger rule: both come from
//! JSON a client or an operator wrote. Parsing and matching never panic, and
//! a rule matches only events of its name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parrain_core::rule::TriggerRule;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    // The input is `rule JSON` NUL `event JSON`.
    let mut parts = data.splitn(2, |b| *b == 0);
    let (Some(rule), Some(event)) = (parts.next(), parts.next()) else {
        return;
    };
    let Ok(rule) = serde_json::from_slice::<TriggerRule>(rule) else {
        return;
    };
    let Ok(event) = serde_json::from_slice::<Value>(event) else {
        return;
    };
    let name = event.get("name").and_then(Value::as_str).unwrap_or_default();
    let properties = event.get("properties").cloned().unwrap_or(Value::Null);
    if rule.matches(name, &properties) {
        assert_eq!(rule.name, name);
    }
    if let Some(email) = event.pointer("/person/email").and_then(Value::as_str) {
        let _ = parrain_core::email::Email::parse(email);
    }
});
