//! `parrain copy`: moves an embedded install to PostgreSQL, with a progress
//! bar. The copying itself (and its SQL) is `parrain_store::copy`.

use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use parrain_store::copy::{self, CopyProgress};

/// A progress bar over every row of every table.
struct Bar(ProgressBar);

impl CopyProgress for Bar {
    fn start(&mut self, rows: u64) {
        self.0.set_length(rows);
    }

    fn table(&mut self, table: &str) {
        self.0.set_message(table.to_owned());
    }

    fn row(&mut self) {
        self.0.inc(1);
    }
}

/// The SQLite file a `sqlite://` URL names: a data directory or the file itself.
fn sqlite_path(from: &str) -> anyhow::Result<PathBuf> {
    let path = from
        .strip_prefix("sqlite://")
        .context("--from must be sqlite://DATA_DIR or sqlite://PATH/parrain.db")?;
    let path = PathBuf::from(path);
    Ok(if path.is_dir() {
        path.join("parrain.db")
    } else {
        path
    })
}

pub async fn run(from: &str, to: &str) -> anyhow::Result<()> {
    let source = sqlite_path(from)?;
    if !(to.starts_with("postgres://") || to.starts_with("postgresql://")) {
        anyhow::bail!("--to must be a postgres:// URL");
    }
    let to = to.to_owned();
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{spinner} {msg:20} [{bar:40}] {pos}/{len} rows ({eta})")
            .context("the progress bar template")?
            .progress_chars("=> "),
    );
    let mut progress = Bar(bar.clone());
    let report =
        tokio::task::spawn_blocking(move || copy::sqlite_to_postgres(&source, &to, &mut progress))
            .await?
            .context("copying to PostgreSQL")?;
    bar.finish_and_clear();
    let total: u64 = report.iter().map(|(_, n)| n).sum();
    for (table, rows) in &report {
        println!("{table:20} {rows:>10} row(s)");
    }
    println!("copied {total} row(s); start parrain with --database-url to use PostgreSQL");
    Ok(())
}
