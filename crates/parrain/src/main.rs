//! The `parrain` binary: `serve`, `migrate`, `keys`, `copy`, `backup`, `restore`,
//! `config` and `doctor`.

mod admin;
mod backup;
mod config;
mod copy;
mod doctor;
mod import;
mod lock;
mod reference;

use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use config::{Config, LogFormat, Overrides};
use parrain_core::ids::KeyId;
use parrain_server::{auth, AppState, Clock, ServerConfig};
use parrain_store::postgres::PgStore;
use parrain_store::sqlite::SqliteStore;
use parrain_store::{ApiKey, Audit, AuditEntry, KeyKind, Store};

#[derive(Parser)]
#[command(
    name = "parrain",
    version,
    about = "A self-hosted referral-offer engine"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The store and configuration flags, taken by every subcommand.
    #[command(flatten)]
    overrides: Overrides,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the API, share links and the browser script.
    Serve {
        /// Also seed a demo offer and serve a page hosting it at /demo.
        #[arg(long)]
        demo: bool,
    },
    /// Creates or upgrades the database, then exits.
    Migrate,
    /// Copies an embedded install into an empty PostgreSQL database.
    Copy {
        /// The embedded database: `sqlite://DATA_DIR` or `sqlite://PATH/parrain.db`
        /// [default: the data directory]
        #[arg(long)]
        from: Option<String>,
        /// The PostgreSQL database: `postgres://…` [default: the database URL]
        #[arg(long)]
        to: Option<String>,
    },
    /// Copies the embedded database into FILE while parrain runs.
    Backup {
        /// The backup file to create (it must not exist yet)
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Replaces the embedded database by a backup (stop parrain first).
    Restore {
        /// The backup file (made by `parrain backup`)
        #[arg(long)]
        from: std::path::PathBuf,
        /// Replace the database the data directory already holds
        #[arg(long)]
        force: bool,
    },
    /// Prints the configuration in effect (secrets hidden), or with
    /// `--print-defaults` the documented default configuration file.
    Config {
        /// Print every key with its documentation and default
        #[arg(long)]
        print_defaults: bool,
    },
    /// Checks the data directory, database, SMTP server and webhook
    /// endpoints; says what is wrong and exits non-zero if anything is.
    Doctor,
    /// Imports participants from another program's CSV file into an offer
    /// (all or nothing; bad lines are listed by number).
    Import {
        /// The offer to import into (`off_…`)
        #[arg(long)]
        offer: String,
        /// Check the file and report what it would do; write nothing
        #[arg(long)]
        dry_run: bool,
        /// The CSV file: a header line with `email`, then one participant a line
        file: std::path::PathBuf,
    },
    /// Manages API keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Manages operator accounts of the /admin pages.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Creates a key and prints it once, on the last line.
    Create {
        #[arg(long, value_enum)]
        kind: Kind,
        #[arg(long)]
        name: String,
    },
    /// Lists keys (never the keys themselves).
    List,
    /// Revokes a key by id (`key_…`).
    Revoke { id: String },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Kind {
    Secret,
    Publishable,
}

fn now() -> i64 {
    Clock::default().now()
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PARRAIN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let overrides = cli.overrides;
    match cli.command {
        Command::Serve { demo } => serve(Config::load(&overrides)?, demo).await,
        Command::Migrate => {
            let config = Config::load(&overrides)?;
            if let Some(url) = &config.database_url {
                let ran = PgStore::migrate(url).await?;
                println!("PostgreSQL database is up to date ({ran} migration(s) applied)");
                return Ok(());
            }
            SqliteStore::create_data_dir(&config.data_dir)?;
            let ran = SqliteStore::migrate_file(&config.data_dir.join("parrain.db"))?;
            println!(
                "database at {} is up to date ({ran} migration(s) applied)",
                config.data_dir.display()
            );
            Ok(())
        }
        Command::Keys { command } => {
            let store = open_store(&Config::load(&overrides)?).await?;
            let done = keys(store.as_ref(), command).await;
            close(store).await;
            done
        }
        Command::Import {
            offer,
            dry_run,
            file,
        } => {
            let store = open_store(&Config::load(&overrides)?).await?;
            let done = import::run(store.as_ref(), &offer, &file, dry_run, now()).await;
            close(store).await;
            done
        }
        Command::Admin { command } => {
            let store = open_store(&Config::load(&overrides)?).await?;
            let done = admin::run(store.as_ref(), command, now()).await;
            close(store).await;
            done
        }
        Command::Copy { from, to } => {
            let config = Config::load(&overrides)?;
            let from = from.unwrap_or_else(|| format!("sqlite://{}", config.data_dir.display()));
            let Some(to) = to.or(config.database_url) else {
                anyhow::bail!("copy needs --to postgres://… (or --database-url)");
            };
            copy::run(&from, &to).await
        }
        Command::Config {
            print_defaults: true,
        } => {
            print!("{}", reference::render(&Config::default(), true));
            Ok(())
        }
        Command::Config { .. } => {
            print!("{}", reference::render(&Config::load(&overrides)?, false));
            Ok(())
        }
        Command::Doctor => {
            if !doctor::run(&Config::load(&overrides)?).await {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Backup { to } => backup::backup(&Config::load(&overrides)?, &to),
        Command::Restore { from, force } => {
            backup::restore(&Config::load(&overrides)?, &from, force)
        }
    }
}

/// The store the configuration names: PostgreSQL with `database_url`, else
/// SQLite in `data_dir`.
async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    match &config.database_url {
        Some(url) => {
            let store = PgStore::connect(url, POOL_SIZE).await;
            Ok(Arc::new(store.context("connecting to PostgreSQL")?))
        }
        None => {
            let store = SqliteStore::open(&config.data_dir);
            Ok(Arc::new(store.with_context(|| {
                format!("opening the database in {}", config.data_dir.display())
            })?))
        }
    }
}

/// Lets go of a store off the async threads: PostgreSQL's blocking client
/// shuts its connections down with a runtime of its own, which must not
/// start inside this one (the process would abort on its way out).
pub(crate) async fn close(store: Arc<dyn Store>) {
    let _ = tokio::task::spawn_blocking(move || drop(store)).await;
}

/// Connections each process keeps to PostgreSQL.
const POOL_SIZE: u32 = 16;

async fn keys(store: &dyn Store, command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Create { kind, name } => {
            let kind = match kind {
                Kind::Secret => KeyKind::Secret,
                Kind::Publishable => KeyKind::Publishable,
            };
            let entry = admin::entry(now(), "key.create", "", "");
            let audit = Audit::of(move |key: &ApiKey| {
                let target = key.id.to_string();
                let detail = format!("{} key “{}”", key.kind.as_str(), key.name);
                Some(AuditEntry {
                    target,
                    detail,
                    ..entry.clone()
                })
            });
            let (record, secret) = auth::create_key(store, kind, &name, now(), audit).await?;
            println!(
                "created {} key {} ({}); it is shown only this once:",
                kind.as_str(),
                record.id,
                name
            );
            println!("{secret}");
        }
        KeysCommand::List => {
            for key in store.list_keys().await? {
                let state = if key.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\t…{}\t{}\t{}",
                    key.id,
                    key.kind.as_str(),
                    key.hint,
                    state,
                    key.name
                );
            }
        }
        KeysCommand::Revoke { id } => {
            let id = KeyId::parse(&id).context("not a key id (key_…)")?;
            let audit = Audit::entry(admin::entry(now(), "key.revoke", id.as_str(), ""));
            let key = store.revoke_key(&id, now(), audit).await?;
            println!("revoked {} ({})", key.id, key.name);
        }
    }
    Ok(())
}

async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    init_logs(config.log_format);
    // The embedded database is one process's: a second `serve` refuses.
    let _lock = match config.database_url {
        Some(_) => None,
        None => Some(lock::lock(&config.data_dir, "starting another one")?),
    };
    let store = open_store(&config).await?;
    if let Some((secret, publishable)) = auth::create_first_keys(store.as_ref(), now()).await? {
        println!(
            "A new data directory: here are its first API keys. They are shown only this once."
        );
        println!("secret key (servers only):        {secret}");
        println!("publishable key (web pages):      {publishable}");
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let public_url = config.public_url();
    let demo_page = if demo {
        let seeded =
            parrain_server::demo::ensure(store.as_ref(), &public_url, &config.data_dir, now());
        Some(seeded.await.context("setting up the demo")?)
    } else {
        None
    };
    let state = AppState {
        store,
        config: Arc::new(ServerConfig {
            public_url: public_url.clone(),
            fallback_url: config.fallback_url.clone(),
            demo: demo_page.clone(),
            outbound: config.outbound(),
            allow_private_webhooks: config.allow_private_webhooks,
            rate_limit: config.rate_limit(),
            key_rate_limit: config.key_rate_limit(),
            redis: config.redis(),
            trusted_proxies: config.trusted_proxies()?,
            metrics_token: config.metrics_token.clone(),
            identity_secret: config.identity_secret.clone(),
            social: parrain_server::social::Providers::new(config.social_providers()?),
        }),
        clock: Clock::default(),
    };
    let workers = match config.workers {
        true => Some(parrain_server::outbound::spawn(state.clone())?),
        false => None,
    };
    if demo_page.is_some() {
        println!("demo: open {public_url}/demo in two browser windows (one private) to play referrer and friend");
    }
    println!(
        "parrain listening on http://{} (public URL {public_url})",
        listener.local_addr()?
    );
    tracing::info!(listen = %listener.local_addr()?, data_dir = %config.data_dir.display(), "serving");
    // Held to the end, so the store is let go of here, off the async threads.
    let store = state.store.clone();
    parrain_server::serve(listener, state, shutdown_signal()).await?;
    // Requests in flight have finished; let deliveries in flight settle.
    if let Some(workers) = workers {
        workers.stop(std::time::Duration::from_secs(10)).await;
    }
    close(store).await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
