//! `parrain admin …`: operator accounts for the `/admin` pages.
//!
//! The password is read from standard input (its first line), never from
//! an argument, so it stays out of shell history and `ps`.

use std::io::BufRead;

use anyhow::Context;
use clap::Subcommand;
use parrain_core::email::Email;
use parrain_server::password;
use parrain_store::Store;

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
    },
}

pub async fn run(store: &dyn Store, command: AdminCommand, now: i64) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateUser {
            email,
            password_stdin,
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
            let what = if created {
                "created operator"
            } else {
                "set a new password for operator"
            };
            println!("{what} {}", email.as_str());
            Ok(())
        }
    }
}
