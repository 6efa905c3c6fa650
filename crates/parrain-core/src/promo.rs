//! Promo-code uploads: one code per line, all or nothing.
//!
//! Blank lines are skipped. A code with leading or trailing white space, a
//! code repeated within the upload, or a code already given to a participant is
//! reported with its line number, and nothing of the upload is kept. A code
//! waiting in another pool of the offer is refused the same way: a code is
//! in one pool only, so it is never given twice.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

pub const MAX_CODE_LEN: usize = 200;

/// The largest `low_stock` a pool may set: more than any upload holds.
pub const MAX_LOW_STOCK: i64 = 1_000_000;

/// Checks a pool's `low_stock`: a count of codes from 1 to [`MAX_LOW_STOCK`].
pub fn check_low_stock(value: i64) -> Result<i64, String> {
    if (1..=MAX_LOW_STOCK).contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "low_stock is a count of codes from 1 to {MAX_LOW_STOCK} (null for no warning)"
        ))
    }
}

/// What a pool's stock means for its low-stock warning (SPEC §15): warned
/// once when the available codes fall below `low_stock`, and ready to warn
/// again only once they are back at or above it (a refill).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LowStock {
    /// Record `promo_codes.low` now, and remember that it was.
    Warn,
    /// At or above the threshold again: forget the last warning.
    Rearm,
    /// Nothing changes.
    Keep,
}

impl LowStock {
    /// `warned`: whether this crossing was already recorded.
    pub fn decide(available: i64, low_stock: Option<i64>, warned: bool) -> Self {
        match low_stock {
            Some(low) if available < low && !warned => Self::Warn,
            Some(low) if available >= low && warned => Self::Rearm,
            None if warned => Self::Rearm,
            _ => Self::Keep,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LineProblem {
    pub line: usize,
    pub code: &'static str,
    pub message: String,
}

/// Parses an upload; `existing` says whether a code was already handed out.
pub fn parse_upload(
    text: &str,
    mut existing: impl FnMut(&str) -> bool,
) -> Result<Vec<String>, Vec<LineProblem>> {
    let mut codes = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut problems = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line = index + 1;
        let value = raw.strip_suffix('\r').unwrap_or(raw);
        if value.trim().is_empty() {
            continue;
        }
        let problem = |code, message: String| LineProblem {
            line,
            code,
            message,
        };
        if value.trim() != value {
            problems.push(problem(
                "whitespace",
                "the code has leading or trailing white space".into(),
            ));
        } else if value.chars().count() > MAX_CODE_LEN {
            problems.push(problem(
                "too_long",
                format!("codes are at most {MAX_CODE_LEN} characters"),
            ));
        } else if value.chars().any(char::is_control) {
            problems.push(problem(
                "invalid",
                "the code contains a control character".into(),
            ));
        } else if let Some(first) = seen.get(value) {
            problems.push(problem(
                "duplicate",
                format!("the same code is on line {first}"),
            ));
        } else if existing(value) {
            problems.push(problem(
                "already_assigned",
                "the code was already given to a participant, or is in another pool of the offer"
                    .into(),
            ));
        } else {
            seen.insert(value, line);
            codes.push(value.to_owned());
        }
    }
    if problems.is_empty() {
        Ok(codes)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the gives and refills, a warning is recorded exactly
        /// once per fall from at-or-above the threshold to below it (a pool
        /// that starts below it counts as one fall).
        #[test]
        fn one_warning_per_crossing(
            low in 1i64..20,
            start in 0i64..40,
            steps in proptest::collection::vec(prop_oneof![Just(None), (0i64..40).prop_map(Some)], 0..60),
        ) {
            let mut available = start;
            let mut warned = false;
            let mut warnings = 0;
            let mut falls = i64::from(start < low);
            let step = |available: i64, warned: &mut bool, warnings: &mut i64| {
                match LowStock::decide(available, Some(low), *warned) {
                    LowStock::Warn => { *warned = true; *warnings += 1; }
                    LowStock::Rearm => *warned = false,
                    LowStock::Keep => {}
                }
            };
            step(available, &mut warned, &mut warnings);
            for s in steps {
                let before = available;
                available = match s {
                    // A give takes one code, if there is one.
                    None => (available - 1).max(0),
                    // A refill replaces the unused codes.
                    Some(n) => n,
                };
                falls += i64::from(before >= low && available < low);
                step(available, &mut warned, &mut warnings);
            }
            prop_assert_eq!(warnings, falls);
        }

        #[test]
        fn low_stock_in_range_is_kept_and_any_other_refused(n in any::<i64>()) {
            prop_assert_eq!(check_low_stock(n).is_ok(), (1..=MAX_LOW_STOCK).contains(&n));
        }
    }

    #[test]
    fn skips_blank_lines_and_keeps_order() {
        let codes = parse_upload("A1\n\n  \nB2\r\nC3\n", |_| false).unwrap();
        assert_eq!(codes, ["A1", "B2", "C3"]);
    }

    #[test]
    fn reports_every_bad_line_by_number() {
        let problems = parse_upload("A1\n B2\nA1\nC3 \nOLD", |c| c == "OLD").unwrap_err();
        let lines: Vec<_> = problems.iter().map(|p| (p.line, p.code)).collect();
        assert_eq!(
            lines,
            [
                (2, "whitespace"),
                (3, "duplicate"),
                (4, "whitespace"),
                (5, "already_assigned")
            ]
        );
    }
}
