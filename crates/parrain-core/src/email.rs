//! Email addresses, parsed once at the edge.
//!
//! Addresses are trimmed and lower-cased so that one person is one email.
//! The check is deliberately structural (one `@`, a dotted domain, no spaces):
//! only delivery proves an address.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a valid email address")]
pub struct InvalidEmail(pub String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let trimmed = raw.trim();
        // Nearly every address is ASCII: checked byte by byte, with the
        // same rules as any other (a property test holds them equal).
        let value = if trimmed.is_ascii() {
            let value = trimmed.to_ascii_lowercase();
            structural_ascii(value.as_bytes()).then_some(value)
        } else {
            let value = trimmed.to_lowercase();
            structural(&value).then_some(value)
        };
        value.map(Self).ok_or_else(|| InvalidEmail(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = InvalidEmail;
    fn try_from(value: String) -> Result<Self, InvalidEmail> {
        Self::parse(&value)
    }
}

/// One `@`, a dotted domain of letters, digits and inner hyphens, no
/// spaces or control characters, a local part of at most 64 bytes and an
/// address of at most 254.
fn structural(value: &str) -> bool {
    if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let domain_ok = !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    !local.is_empty() && local.len() <= 64 && domain_ok
}

/// [`structural`] for an ASCII address.
fn structural_ascii(value: &[u8]) -> bool {
    if value.len() > 254 || value.iter().any(|&b| b == b' ' || b.is_ascii_control()) {
        return false;
    }
    let Some(at) = value.iter().position(|&b| b == b'@') else {
        return false;
    };
    let (local, domain) = (&value[..at], &value[at + 1..]);
    let domain_ok = domain.contains(&b'.')
        && domain.split(|&b| b == b'.').all(|label| {
            !label.is_empty()
                && label.first() != Some(&b'-')
                && label.last() != Some(&b'-')
                && label
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        });
    !local.is_empty() && local.len() <= 64 && domain_ok
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_space() {
        assert_eq!(
            Email::parse("  Ana@Example.COM ").unwrap().as_str(),
            "ana@example.com"
        );
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
    }

    /// The rules as written for any text, applied to any address.
    fn by_the_general_rules(raw: &str) -> Option<String> {
        let value = raw.trim().to_lowercase();
        structural(&value).then_some(value)
    }

    proptest::proptest! {
        #[test]
        fn ascii_addresses_follow_the_general_rules(
            raw in "[ \\t\\x0b\\x0c\\r\\n\\x00\\x7fa-zA-Z0-9@._+-]{0,80}|[a-z]{1,70}@[a-z-]{0,8}(\\.[a-zA-Z0-9-]{0,6}){0,3}"
        ) {
            proptest::prop_assert_eq!(
                Email::parse(&raw).ok().map(String::from),
                by_the_general_rules(&raw)
            );
        }

        #[test]
        fn any_text_follows_the_general_rules(raw in ".{0,80}") {
            proptest::prop_assert_eq!(
                Email::parse(&raw).ok().map(String::from),
                by_the_general_rules(&raw)
            );
        }
    }
}
