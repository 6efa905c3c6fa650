//! `parrain admin …`: operator accounts for the `/admin` pages.
//!
//! The password is read from standard input (its first line), never from
//! an argument, so it stays out of shell history and `ps`.

use std::io::BufRead;

use anyhow::Context;
use clap::Subcommand;
use parrain_core::email::Email;
use parrain_server::password;
use parrain_store::{AuditEntry, Role, Store};

/// How the command line signs the audit log.
const CLI: &str = "cli";

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| "one of owner, editor, viewer".into())
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Creates an operator, or sets a new password for one (ending its
    /// sessions). The password is the first line of standard input.
    CreateUser {
        #[arg(long)]
        email: String,
        /// Reads the password from standard input without prompting
        /// (for scripts; standard input is read either way).
        #[arg(long)]
        password_stdin: bool,
        /// The role of a new operator (owner, editor or viewer; owner by
        /// default), or the new role of an existing one (unchanged by
        /// default).
        #[arg(long, value_parser = parse_role)]
        role: Option<Role>,
    },
    /// Gives an operator a role: owner (everything, manages operators),
    /// editor (offers, promo codes, reviews, fulfilment) or viewer (reads
    /// only). The last owner cannot be given another role.
    SetRole {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// Lists the operators and their roles.
    List,
}

/// An entry of the audit log for a change made from the command line.
pub(crate) fn entry(now: i64, action: &str, target: &str, detail: &str) -> AuditEntry {
    AuditEntry {
        seq: 0,
        at: now,
        operator: CLI.into(),
        action: action.into(),
        target: target.into(),
        detail: detail.into(),
    }
}

async fn set_role(store: &dyn Store, email: &str, role: Role, now: i64) -> anyhow::Result<Role> {
    let had = store
        .operator(email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no operator has the email {email}"))?
        .role;
    let detail = format!("{} → {}", had.as_str(), role.as_str());
    store
        .set_role(email, role, entry(now, "operator.role", email, &detail))
        .await?;
    Ok(had)
}

pub async fn run(store: &dyn Store, command: AdminCommand, now: i64) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateUser {
            email,
            password_stdin,
            role,
        } => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            if !password_stdin {
                eprintln!("Password (at least {} characters):", password::MIN_LEN);
            }
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("reading the password from standard input")?;
            let secret = line.trim_end_matches(['\r', '\n']);
            let hash = password::hash(secret)?;
            let created = store.set_operator(&email, hash, now).await?;
            let (what, action) = if created {
                ("created operator", "operator.create")
            } else {
                ("set a new password for operator", "operator.password")
            };
            let email = email.as_str();
            match (created, role) {
                (true, role) => {
                    // A new operator is an owner unless told otherwise.
                    let role = role.unwrap_or(Role::Owner);
                    let entry = entry(now, action, email, role.as_str());
                    store.set_role(email, role, entry).await?;
                    println!("{what} {email} ({})", role.as_str());
                }
                (false, Some(role)) => {
                    store.record_audit(entry(now, action, email, "")).await?;
                    set_role(store, email, role, now).await?;
                    println!("{what} {email} ({})", role.as_str());
                }
                (false, None) => {
                    store.record_audit(entry(now, action, email, "")).await?;
                    println!("{what} {email}");
                }
            }
            Ok(())
        }
        AdminCommand::SetRole { email, role } => {
            let had = set_role(store, &email, role, now).await?;
            println!("{email}: {} → {}", had.as_str(), role.as_str());
            Ok(())
        }
        AdminCommand::List => {
            for o in store.operators().await? {
                println!("{}\t{}", o.email, o.role.as_str());
            }
            Ok(())
        }
    }
}
