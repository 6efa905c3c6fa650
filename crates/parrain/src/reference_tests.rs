//! The reference matches `docs/configuration.md`, every key is reachable by
//! flag, environment and file, and unknown keys are refused by name.

use std::path::PathBuf;

use clap::Args;
use figment::providers::{Format, Serialized, Toml};
use figment::{Figment, Provider};

use super::{flag, keys, render};
use crate::config::{Config, Overrides, ENV_KEYS};

fn docs_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/configuration.md")
}

/// The text of the ```toml block of the docs.
fn toml_block(markdown: &str) -> Option<&str> {
    let start = markdown.find("```toml\n")? + "```toml\n".len();
    let len = markdown[start..].find("```")?;
    Some(&markdown[start..start + len])
}

#[test]
fn the_configuration_reference_matches_the_code() {
    let expected = render(&Config::default(), true);
    let path = docs_path();
    let markdown = std::fs::read_to_string(&path).unwrap_or_default();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = match toml_block(&markdown) {
            Some(old) => markdown.replacen(old, &expected, 1),
            None => format!("# Configuration\n\n```toml\n{expected}```\n"),
        };
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        toml_block(&markdown) == Some(expected.as_str()),
        "docs/configuration.md does not match `parrain config --print-defaults`; \
         regenerate it with: UPDATE_DOCS=1 cargo test -p parrain --bin parrain reference"
    );
}

#[test]
fn every_key_is_documented_and_settable_by_flag_environment_and_file() {
    let keys = keys();
    let defaults = Figment::from(Serialized::defaults(Config::default()));
    let all: Vec<String> = defaults
        .data()
        .unwrap()
        .values()
        .flat_map(|d| d.keys().cloned())
        .collect();
    assert_eq!(
        keys.len(),
        all.len(),
        "the reference misses a key of Config"
    );
    let flags = Overrides::augment_args(clap::Command::new("parrain"));
    for key in &keys {
        assert!(!key.doc.is_empty(), "{} has no /// doc", key.name);
        assert!(
            ENV_KEYS.contains(&key.name),
            "PARRAIN_ cannot set {}",
            key.name
        );
        let long = flag(key.name);
        let found = flags
            .get_arguments()
            .any(|a| a.get_long().is_some_and(|l| format!("--{l}") == long));
        assert!(found, "no flag {long} sets {}", key.name);
    }
    // Every subcommand takes them (`parrain keys create --database-url …`).
    for arg in flags.get_arguments() {
        assert!(arg.is_global_set(), "--{:?} is not global", arg.get_long());
    }
    // The printed defaults are a valid file that loads back as the defaults.
    let printed = render(&Config::default(), true);
    let loaded: Config = Figment::from(Toml::string(&printed)).extract().unwrap();
    assert_eq!(format!("{loaded:?}"), format!("{:?}", Config::default()));
}

#[test]
fn unknown_keys_in_the_file_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("parrain.toml");
    std::fs::write(&file, "listen = \"127.0.0.1:9000\"\nsmtp_hots = \"mail\"\n").unwrap();
    let overrides = Overrides {
        config: Some(file),
        ..Overrides::default()
    };
    let error = Config::load(&overrides).unwrap_err().to_string();
    assert!(error.contains("smtp_hots"), "{error}");
}

#[test]
fn secrets_are_hidden_from_the_printed_configuration() {
    let config = Config {
        metrics_token: Some("s3cret-token".into()),
        smtp_url: Some("smtp://user:pa55@mail.example.com:587".into()),
        ..Config::default()
    };
    let printed = render(&config, false);
    assert!(!printed.contains("s3cret-token") && !printed.contains("pa55"));
    assert!(printed.contains("metrics_token = \"(set, hidden)\""));
}

#[test]
fn social_providers_are_checked_at_start() {
    let load = |json: &str| {
        let config = Config {
            social_providers: Some(json.into()),
            ..Config::default()
        };
        config
            .social_providers()
            .map(|p| p.len())
            .map_err(|e| e.to_string())
    };
    let google = r#"{"id": "google", "name": "Google", "issuer": "https://accounts.google.com",
        "client_id": "c", "client_secret": "s"}"#;
    assert_eq!(load(&format!("[{google}]")), Ok(1));
    let twice = load(&format!("[{google}, {google}]")).unwrap_err();
    assert!(twice.contains("google is listed twice"), "{twice}");
    let plain = load(
        r#"[{"id": "acme", "name": "Acme", "issuer": "http://sso.acme.example",
        "client_id": "c", "client_secret": "s"}]"#,
    )
    .unwrap_err();
    assert!(plain.contains("issuer must be an https URL"), "{plain}");
    let local = r#"[{"id": "dev", "name": "Dev", "issuer": "http://127.0.0.1:9000",
        "client_id": "c", "client_secret": "s"}]"#;
    assert_eq!(load(local), Ok(1));
    let unknown = load(
        r#"[{"id": "x", "name": "X", "issuer": "https://x.example",
        "client_id": "c", "client_secret": "s", "scope": "openid"}]"#,
    )
    .unwrap_err();
    assert!(unknown.contains("scope"), "{unknown}");
    // The secrets never show in the printed configuration.
    let config = Config {
        social_providers: Some(format!("[{google}]")),
        ..Config::default()
    };
    assert!(render(&config, false).contains("social_providers = \"(set, hidden)\""));
}
