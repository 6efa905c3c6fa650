//! Participants brought from another program (SPEC §13): the CSV file
//! `parrain import` and `POST /v1/offers/{id}/participants/import` read,
//! checked line by line before anything is written.
//!
//! Columns, in any order: `email` (required), `first_name`, `last_name`,
//! `code` (the share code the person already has, kept so links already
//! shared keep working), `referred_by` (the referrer's email), `credit`,
//! `fulfilled`, `promo_code`, `created_at`, and the offer's person fields.
//! Headers are read without regard to case, spaces or a byte-order mark, and
//! Marketo's export names (`Email Address`, `First Name`, `Last Name`) are
//! understood. Every bad line is reported by its number in the file (the
//! header is line 1), and one bad line refuses the whole file.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};
use utoipa::ToSchema;

use crate::code::ReferralCode;
use crate::email::Email;
use crate::offer::{OfferSettings, BUILT_IN_FIELDS};
use crate::Millis;

/// The longest name, person field or promo code, in characters.
pub const MAX_TEXT: usize = 200;

/// The columns every offer takes; its person fields come on top.
pub const COLUMNS: [&str; 9] = [
    "email",
    "first_name",
    "last_name",
    "code",
    "referred_by",
    "credit",
    "fulfilled",
    "promo_code",
    "created_at",
];

/// One participant to import, as its line says.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// The line of the file it came from (the header is line 1).
    pub line: usize,
    pub email: Email,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// The share code to keep; a new one is drawn when absent.
    pub code: Option<ReferralCode>,
    pub referred_by: Option<Email>,
    pub credit: i64,
    pub fulfilled: bool,
    pub promo_code: Option<String>,
    pub created_at: Option<Millis>,
    /// The offer's other person fields, by name.
    pub fields: Map<String, Value>,
}

/// A line refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImportProblem {
    /// The line of the file (the header is line 1).
    pub line: usize,
    /// The column at fault, when there is one.
    pub column: Option<String>,
    /// `invalid_email`, `duplicate_email`, `code_taken`, … (stable).
    pub code: &'static str,
    pub message: String,
}

impl ImportProblem {
    pub fn new(
        line: usize,
        column: Option<&str>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            line,
            column: column.map(str::to_owned),
            code,
            message: message.into(),
        }
    }
}

/// A header cell as a column name: lower case, `_` for spaces, Marketo's
/// names for the built-in columns understood.
fn column_name(header: &str) -> String {
    let name = header
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace([' ', '-'], "_");
    match name.as_str() {
        "email_address" => "email".into(),
        "share_code" | "referral_code" => "code".into(),
        _ => name,
    }
}

fn text(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "0" | "n" => Some(false),
        "true" | "yes" | "1" | "y" => Some(true),
        _ => None,
    }
}

/// RFC 3339, or `YYYY-MM-DD HH:MM:SS` / `YYYY-MM-DD` taken as UTC (what
/// spreadsheets and Marketo's exports write).
pub fn parse_time(value: &str) -> Option<Millis> {
    let value = value.trim();
    let at = OffsetDateTime::parse(value, &Rfc3339)
        .ok()
        .or_else(|| {
            PrimitiveDateTime::parse(
                value,
                format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
            )
            .ok()
            .map(PrimitiveDateTime::assume_utc)
        })
        .or_else(|| {
            Date::parse(value, format_description!("[year]-[month]-[day]"))
                .ok()
                .map(|d| d.midnight().assume_utc())
        })?;
    Some((at.unix_timestamp_nanos() / 1_000_000) as Millis)
}

/// Reads the file against the offer's settings: the good lines, and every
/// bad line with its reason (a bad header gives no line at all).
pub fn parse(csv_text: &[u8], settings: &OfferSettings) -> (Vec<ImportRow>, Vec<ImportProblem>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(csv_text);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(column_name).collect(),
        Err(e) => {
            let problem = ImportProblem::new(1, None, "unreadable", e.to_string());
            return (Vec::new(), vec![problem]);
        }
    };
    let mut problems = Vec::new();
    let fields: Vec<&str> = settings
        .person_fields
        .iter()
        .map(|f| f.name.as_str())
        .filter(|n| !BUILT_IN_FIELDS.contains(n))
        .collect();
    for (i, name) in headers.iter().enumerate() {
        if !COLUMNS.contains(&name.as_str()) && !fields.contains(&name.as_str()) {
            problems.push(ImportProblem::new(
                1,
                Some(name),
                "unknown_column",
                format!(
                    "`{name}` is neither a column of the import ({}) nor a person field of this offer",
                    COLUMNS.join(", ")
                ),
            ));
        } else if headers[..i].contains(name) {
            problems.push(ImportProblem::new(
                1,
                Some(name),
                "duplicate_column",
                format!("the column `{name}` appears twice"),
            ));
        }
    }
    if !headers.iter().any(|h| h == "email") {
        problems.push(ImportProblem::new(
            1,
            Some("email"),
            "missing_column",
            "the header has no `email` column",
        ));
    }
    if !problems.is_empty() {
        return (Vec::new(), problems);
    }
    let mut rows = Vec::new();
    let mut emails: HashMap<Email, usize> = HashMap::new();
    let mut codes: HashMap<ReferralCode, usize> = HashMap::new();
    let mut promo_codes: HashMap<String, usize> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems.push(ImportProblem::new(line, None, "unreadable", e.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.len() != headers.len() {
            problems.push(ImportProblem::new(
                line,
                None,
                "wrong_cell_count",
                format!(
                    "the line has {} cell(s) where the header has {}",
                    record.len(),
                    headers.len()
                ),
            ));
            continue;
        }
        let mut bad = |column: &str, code, message: String| {
            problems.push(ImportProblem::new(line, Some(column), code, message));
        };
        let cell = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .map_or("", |i| &record[i])
        };
        let long = |name: &str| cell(name).trim().chars().count() > MAX_TEXT;
        for name in headers.iter().filter(|h| long(h)) {
            bad(
                name,
                "too_long",
                format!("{name} is longer than {MAX_TEXT} characters"),
            );
        }
        let email = match Email::parse(cell("email")) {
            Ok(email) => match emails.get(&email) {
                Some(first) => {
                    bad(
                        "email",
                        "duplicate_email",
                        format!("{email} is already on line {first}"),
                    );
                    None
                }
                None => {
                    emails.insert(email.clone(), line);
                    Some(email)
                }
            },
            Err(e) => {
                bad("email", "invalid_email", e.to_string());
                None
            }
        };
        let code = match text(cell("code")) {
            None => None,
            Some(raw) => match ReferralCode::parse(&raw) {
                Ok(code) => match codes.get(&code) {
                    Some(first) => {
                        bad(
                            "code",
                            "duplicate_code",
                            format!("the share code {code} is already on line {first} (codes are the same whatever their case)"),
                        );
                        None
                    }
                    None => {
                        codes.insert(code.clone(), line);
                        Some(code)
                    }
                },
                Err(_) => {
                    bad(
                        "code",
                        "invalid_code",
                        format!("`{raw}` is not a share code: 3 to 64 letters, digits, - or _"),
                    );
                    None
                }
            },
        };
        let referred_by = match text(cell("referred_by")) {
            None => None,
            Some(raw) => match Email::parse(&raw) {
                Ok(r) if Some(&r) == email.as_ref() => {
                    bad(
                        "referred_by",
                        "self_referral",
                        "a person cannot be referred by themselves".into(),
                    );
                    None
                }
                Ok(r) => Some(r),
                Err(e) => {
                    bad("referred_by", "invalid_email", e.to_string());
                    None
                }
            },
        };
        let credit = match cell("credit").trim() {
            "" => 0,
            raw => match raw.parse::<i64>() {
                Ok(n) if (0..=1_000_000_000).contains(&n) => n,
                _ => {
                    bad(
                        "credit",
                        "invalid_credit",
                        format!("`{raw}` is not a whole number of credits (0 or more)"),
                    );
                    0
                }
            },
        };
        let fulfilled = parse_bool(cell("fulfilled")).unwrap_or_else(|| {
            bad(
                "fulfilled",
                "invalid_fulfilled",
                format!(
                    "`{}` is not true or false (also yes/no, 1/0)",
                    cell("fulfilled").trim()
                ),
            );
            false
        });
        let promo_code = text(cell("promo_code"));
        if let Some(promo) = &promo_code {
            if let Some(first) = promo_codes.get(promo) {
                bad(
                    "promo_code",
                    "duplicate_promo_code",
                    format!("the promo code {promo} is already on line {first}"),
                );
            } else {
                promo_codes.insert(promo.clone(), line);
            }
        }
        let created_at = match text(cell("created_at")) {
            None => None,
            Some(raw) => parse_time(&raw).or_else(|| {
                bad(
                    "created_at",
                    "invalid_time",
                    format!("`{raw}` is not a time: 2024-03-01T10:00:00Z, 2024-03-01 10:00:00 (UTC) or 2024-03-01"),
                );
                None
            }),
        };
        let fields: Map<String, Value> = fields
            .iter()
            .filter_map(|name| text(cell(name)).map(|v| (name.to_string(), Value::String(v))))
            .collect();
        if let (Some(email), false) = (email, problems.last().is_some_and(|p| p.line == line)) {
            rows.push(ImportRow {
                line,
                email,
                first_name: text(cell("first_name")),
                last_name: text(cell("last_name")),
                code,
                referred_by,
                credit,
                fulfilled,
                promo_code,
                created_at,
                fields,
            });
        }
    }
    (rows, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> OfferSettings {
        serde_json::from_value(serde_json::json!({
            "name": "Import",
            "goal": {"type": "referred_signups", "count": 2},
            "person_fields": [{"name": "first_name"}, {"name": "company"}]
        }))
        .unwrap()
    }

    #[test]
    fn a_good_file_reads_every_column() {
        let csv = "Email Address,First Name,code,referred_by,credit,fulfilled,promo_code,created_at,company\n\
                   ana@example.com,Ana,Ana-2019,,3,yes,SPRING-1,2024-03-01,Acme\n\
                   bob@example.com,,,ana@example.com,0,,,2024-03-02 10:00:00,\n";
        let (rows, problems) = parse(csv.as_bytes(), &settings());
        assert_eq!(problems, []);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].code.as_ref().unwrap().as_str(), "ana-2019");
        assert_eq!(rows[0].credit, 3);
        assert!(rows[0].fulfilled);
        assert_eq!(rows[0].fields["company"], "Acme");
        assert_eq!(rows[0].created_at, Some(1_709_251_200_000));
        assert_eq!(
            rows[1].referred_by.as_ref().unwrap().as_str(),
            "ana@example.com"
        );
        assert_eq!(rows[1].created_at, Some(1_709_373_600_000));
        assert!(rows[1].fields.is_empty());
    }

    #[test]
    fn every_bad_line_is_reported_by_number() {
        let csv = "email,credit,code\n\
                   ana@example.com,1,\n\
                   not-an-email,1,\n\
                   ana@example.com,-2,\n\
                   cid@example.com,1,a b\n";
        let (rows, problems) = parse(csv.as_bytes(), &settings());
        assert_eq!(
            rows.len(),
            1,
            "the good line is kept for the store's checks"
        );
        let lines: Vec<(usize, &str)> = problems.iter().map(|p| (p.line, p.code)).collect();
        assert_eq!(
            lines,
            [
                (3, "invalid_email"),
                (4, "duplicate_email"),
                (4, "invalid_credit"),
                (5, "invalid_code")
            ]
        );
    }

    #[test]
    fn unknown_columns_and_a_missing_email_refuse_the_header() {
        let (rows, problems) = parse(b"mail,shoe_size\nx,y\n", &settings());
        assert!(rows.is_empty());
        assert!(problems.iter().all(|p| p.line == 1));
        let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
        assert_eq!(
            codes,
            ["unknown_column", "unknown_column", "missing_column"]
        );
    }
}
