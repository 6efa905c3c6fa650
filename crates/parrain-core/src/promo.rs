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
