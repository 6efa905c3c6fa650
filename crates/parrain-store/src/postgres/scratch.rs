//! Throw-away databases for tests: each test gets its own, so tests run in
//! parallel without seeing one another, and the database is dropped after.
//!
//! The server comes from `PARRAIN_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). A test that cannot reach
//! it fails: a store test that skips would prove nothing.

use postgres::{Client, NoTls};
use rand::Rng;

use crate::{Result, StoreError};

/// The server tests use when `PARRAIN_TEST_DATABASE_URL` is unset.
pub const DEFAULT_TEST_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database created for one test and dropped when this is dropped.
pub struct ScratchDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl ScratchDatabase {
    /// Creates an empty database on the test server. Blocking.
    pub fn create() -> Result<Self> {
        let admin_url = std::env::var("PARRAIN_TEST_DATABASE_URL")
            .unwrap_or_else(|_| DEFAULT_TEST_URL.to_owned());
        let name = format!("parrain_test_{:016x}", rand::rng().random::<u64>());
        let mut admin = Client::connect(&admin_url, NoTls).map_err(|e| {
            StoreError::database(format!(
                "cannot reach the test PostgreSQL at {admin_url} (set PARRAIN_TEST_DATABASE_URL): {e}"
            ))
        })?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let url = url_of(&admin_url, &name);
        Ok(Self {
            admin_url,
            name,
            url,
        })
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// `admin_url` with its database name replaced by `name`.
fn url_of(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin_url, String::new()),
    };
    let authority_end = base
        .find("://")
        .map(|scheme| scheme + 3)
        .and_then(|start| base[start..].find('/').map(|slash| start + slash))
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..authority_end])
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // A thread of its own: the driver must not run on an async thread.
        let dropped = std::thread::spawn(move || -> Result<()> {
            let mut admin = Client::connect(&admin_url, NoTls)?;
            admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
            Ok(())
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the test database {}", self.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::url_of;

    #[test]
    fn swaps_the_database_name() {
        assert_eq!(
            url_of("postgres://u@127.0.0.1:5432/postgres", "t1"),
            "postgres://u@127.0.0.1:5432/t1"
        );
        assert_eq!(url_of("postgres://h", "t1"), "postgres://h/t1");
        assert_eq!(
            url_of("postgres://h/db?sslmode=disable", "t1"),
            "postgres://h/t1?sslmode=disable"
        );
    }
}
