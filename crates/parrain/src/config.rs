//! Configuration, in layers: defaults, then a TOML file (`--config`), then
//! `PARRAIN_*` environment variables, then command-line flags. Every key is
//! documented here once; unknown keys in the file are refused by name.

use std::net::SocketAddr;
use std::path::PathBuf;

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// Where the embedded database lives.
    pub data_dir: PathBuf,
    /// The URL the public reaches parrain at; share links start with it.
    /// Defaults to `http://{listen}`.
    pub public_url: Option<String>,
    /// Where share links with an unknown code go (a 404 page when unset).
    pub fallback_url: Option<String>,
    /// Log format: `text` or `json`.
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./parrain-data"),
            public_url: None,
            fallback_url: None,
            log_format: LogFormat::Text,
        }
    }
}

/// The keys that `PARRAIN_*` variables may set.
const ENV_KEYS: [&str; 5] = [
    "listen",
    "data_dir",
    "public_url",
    "fallback_url",
    "log_format",
];

/// Flags set on the command line; unset ones leave lower layers alone.
#[derive(Debug, Default, Serialize, clap::Args)]
pub struct Overrides {
    /// Address and port to listen on [default: 127.0.0.1:8080]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    /// Directory of the embedded database [default: ./parrain-data]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// Public base URL of share links [default: http://LISTEN]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// Where unknown share codes redirect
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_url: Option<String>,
    /// Log format
    #[arg(long, value_enum)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,
    /// A TOML configuration file
    #[arg(long, env = "PARRAIN_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
}

impl Config {
    pub fn load(overrides: &Overrides) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = &overrides.config {
            if !file.exists() {
                anyhow::bail!("the configuration file {} does not exist", file.display());
            }
            figment = figment.merge(Toml::file_exact(file));
        }
        let config: Config = figment
            .merge(Env::prefixed("PARRAIN_").only(&ENV_KEYS))
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        for (name, url) in [
            ("public_url", &self.public_url),
            ("fallback_url", &self.fallback_url),
        ] {
            if let Some(url) = url {
                if !parrain_core::offer::valid_web_url(url) {
                    anyhow::bail!("{name} must be an absolute http(s) URL, not `{url}`");
                }
            }
        }
        Ok(())
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_owned()
    }
}
