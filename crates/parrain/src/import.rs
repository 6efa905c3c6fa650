//! `parrain import`: participants from another program's CSV file into an
//! offer, with a progress bar; `--dry-run` checks and reports only. The
//! reading and writing (and their SQL) are `parrain_store::import_csv`, the
//! same as the API's.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use parrain_core::ids::OfferId;
use parrain_store::{import_csv, Store, StoreError};

pub async fn run(
    store: &dyn Store,
    offer: &str,
    file: &Path,
    dry_run: bool,
    now: i64,
) -> anyhow::Result<()> {
    let offer =
        OfferId::parse(offer).map_err(|_| anyhow::anyhow!("--offer: not an offer id (off_…)"))?;
    let csv = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let lines = csv.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count();
    let bar = ProgressBar::new(lines.saturating_sub(1) as u64).with_style(
        ProgressStyle::with_template("{spinner} [{bar:40}] {pos}/{len} lines ({eta})")
            .context("the progress bar template")?
            .progress_chars("=> "),
    );
    let shown = bar.clone();
    let done = import_csv(
        store,
        &offer,
        &csv,
        dry_run,
        Arc::new(move |n| shown.set_position(n)),
        now,
    )
    .await;
    bar.finish_and_clear();
    match done {
        Ok(done) if done.dry_run => {
            println!(
                "dry run: {} line(s) are good; importing would create {} participant(s) ({} new people) and leave {} unchanged; nothing was written",
                done.rows, done.created, done.new_people, done.unchanged
            );
            Ok(())
        }
        Ok(done) => {
            println!(
                "imported {} line(s) into {offer}: {} participant(s) created ({} new people), {} unchanged",
                done.rows, done.created, done.new_people, done.unchanged
            );
            Ok(())
        }
        Err(StoreError::ImportLines(problems)) => {
            for p in &problems {
                let column = p
                    .column
                    .as_deref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default();
                eprintln!("line {}{column}: {} [{}]", p.line, p.message, p.code);
            }
            anyhow::bail!("{} line(s) refused; nothing was imported", problems.len())
        }
        Err(e) => Err(e).context("importing"),
    }
}
