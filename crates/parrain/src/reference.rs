//! The configuration reference, generated from the code: `parrain config
//! --print-defaults` prints every key of [`Config`] with its `///` doc as a
//! comment and its default, and `docs/configuration.md` holds the same text
//! (a test keeps them equal). The docs are read from `config.rs` itself, so
//! a key is documented in exactly one place.

use figment::providers::Serialized;
use figment::value::Value;
use figment::Figment;

use crate::config::Config;

/// The source the docs are read from.
const SOURCE: &str = include_str!("config.rs");

/// Keys whose values are secrets: shown as set or unset, never printed.
const SECRETS: [&str; 6] = [
    "database_url",
    "smtp_url",
    "redis_url",
    "metrics_token",
    "identity_secret",
    "social_providers",
];

const HEADER: &str = "\
# parrain's configuration file. Pass it with `--config FILE` (or PARRAIN_CONFIG).
# Every key is optional; the values below are the defaults. Each key can also
# be set by an environment variable (PARRAIN_ and the key in upper case) and
# by a flag (the key with dashes); flags win over the environment, which wins
# over this file. A key this version does not know is refused at start.
";

/// One key of [`Config`]: its name and its doc comment, line by line.
pub(crate) struct Key {
    pub name: &'static str,
    pub doc: Vec<&'static str>,
}

/// The keys of [`Config`], in order, with their docs, read from its source.
pub(crate) fn keys() -> Vec<Key> {
    let body = SOURCE
        .split_once("pub struct Config {")
        .and_then(|(_, rest)| rest.split_once("\n}"))
        .map_or("", |(body, _)| body);
    let mut keys = Vec::new();
    let mut doc = Vec::new();
    for line in body.lines().map(str::trim) {
        if let Some(text) = line.strip_prefix("///") {
            doc.push(text.trim());
        } else if let Some(field) = line.strip_prefix("pub ") {
            let name = field.split(':').next().unwrap_or_default();
            keys.push(Key {
                name,
                doc: std::mem::take(&mut doc),
            });
        }
    }
    keys
}

/// The flag that sets `key`.
pub(crate) fn flag(key: &str) -> String {
    match key {
        "workers" => "--no-workers".into(),
        _ => format!("--{}", key.replace('_', "-")),
    }
}

/// A value as TOML; `None` when unset.
fn toml(value: &Value) -> Option<String> {
    match value {
        Value::String(_, s) => Some(format!(
            "\"{}\"",
            s.replace('\\', "\\\\").replace('"', "\\\"")
        )),
        Value::Char(_, c) => Some(format!("\"{c}\"")),
        Value::Bool(_, b) => Some(b.to_string()),
        Value::Num(_, n) => n
            .to_u128()
            .map(|n| n.to_string())
            .or_else(|| n.to_i128().map(|n| n.to_string()))
            .or_else(|| n.to_f64().map(|f| f.to_string())),
        Value::Empty(..) | Value::Dict(..) | Value::Array(..) => None,
    }
}

/// `config` as a commented TOML file; secrets are hidden unless `defaults`.
pub fn render(config: &Config, defaults: bool) -> String {
    let figment = Figment::from(Serialized::defaults(config));
    let mut out = String::from(HEADER);
    for key in keys() {
        out.push('\n');
        for line in &key.doc {
            out.push_str(&format!("# {line}\n").replace("# \n", "#\n"));
        }
        let env = format!("PARRAIN_{}", key.name.to_uppercase());
        out.push_str(&format!("# Flag {}, environment {env}.\n", flag(key.name)));
        let value = figment.find_value(key.name).ok();
        match value.as_ref().and_then(toml) {
            Some(_) if !defaults && SECRETS.contains(&key.name) => {
                out.push_str(&format!("{} = \"(set, hidden)\"\n", key.name));
            }
            Some(v) => out.push_str(&format!("{} = {v}\n", key.name)),
            None => out.push_str(&format!("# {} = (unset)\n", key.name)),
        }
    }
    out
}

#[cfg(test)]
#[path = "reference_tests.rs"]
mod tests;
