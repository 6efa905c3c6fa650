//! Share codes: the `{code}` of `/r/{code}`.
//!
//! Ten characters from an alphabet without `0`, `o`, `1`, `l` or `i`
//! (31 symbols, about 50 bits): short enough to read aloud, too many to guess,
//! URL-safe, and the same code whatever case a person types it in.
//!
//! A pending code (share first, then sign up: handed to a browser before
//! its owner gives an email) is [`PENDING_LEN`] characters of the same
//! alphabet, so no code drawn for a participant can ever be one; imports
//! and pending codes check each other.
//!
//! Codes imported from another program (`parrain import`) keep their own
//! shape so the links already shared keep working: any 3 to 64 letters,
//! digits, `-` or `_`, taken in lower case like every code.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{byte_set, random_string};

const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
const IN_ALPHABET: [bool; 256] = byte_set(ALPHABET);
const LEN: usize = 10;
/// The length of a pending code: longer than a participant's drawn code.
pub const PENDING_LEN: usize = 12;
/// The shortest and longest code an import may bring.
pub const IMPORTED_LEN: std::ops::RangeInclusive<usize> = 3..=64;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReferralCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a valid share code")]
pub struct InvalidCode(pub String);

impl ReferralCode {
    pub fn generate() -> Self {
        Self(random_string(ALPHABET, LEN))
    }

    /// A code for a browser that shares before signing up; it becomes its
    /// owner's share code at sign-up.
    pub fn generate_pending() -> Self {
        Self(random_string(ALPHABET, PENDING_LEN))
    }

    /// Accepts any case; refuses anything that could be neither generated
    /// nor imported (see [`Self::parse_imported`]).
    pub fn parse(raw: &str) -> Result<Self, InvalidCode> {
        let trimmed = raw.trim();
        let drawn = trimmed.len() == LEN
            && trimmed
                .bytes()
                .all(|b| IN_ALPHABET[usize::from(b.to_ascii_lowercase())]);
        if drawn {
            Ok(Self(trimmed.to_ascii_lowercase()))
        } else {
            Self::parse_imported(raw)
        }
    }

    /// A code another program made: 3 to 64 ASCII letters, digits, `-` or
    /// `_`, in any case (kept in lower case).
    pub fn parse_imported(raw: &str) -> Result<Self, InvalidCode> {
        let value = raw.trim().to_ascii_lowercase();
        let fits = IMPORTED_LEN.contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if fits {
            Ok(Self(value))
        } else {
            Err(InvalidCode(raw.to_owned()))
        }
    }

    /// The share code a landing page's address carries: in `parrain_ref`,
    /// else in the offer's legacy parameter (`ref=` by default), so links
    /// shared from another program keep attributing.
    pub fn from_landing_url(url: &str, legacy: Option<&str>) -> Option<Self> {
        let url = url::Url::parse(url).ok()?;
        let find = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| Self::parse(&v).ok())
        };
        find("parrain_ref").or_else(|| legacy.and_then(find))
    }

    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReferralCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ReferralCode {
    type Error = InvalidCode;
    fn try_from(value: String) -> Result<Self, InvalidCode> {
        Self::parse(&value)
    }
}

impl From<ReferralCode> for String {
    fn from(code: ReferralCode) -> String {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn generated_codes_avoid_confusable_characters() {
        for _ in 0..1000 {
            let code = ReferralCode::generate();
            assert!(!code.as_str().contains(['0', 'o', '1', 'l', 'i']));
            assert_eq!(ReferralCode::parse(code.as_str()).unwrap(), code);
        }
    }

    #[test]
    fn a_pending_code_is_never_the_shape_of_a_drawn_one_and_parses_back() {
        for _ in 0..200 {
            let code = ReferralCode::generate_pending();
            assert_eq!(code.as_str().len(), PENDING_LEN);
            assert_ne!(code.as_str().len(), ReferralCode::generate().as_str().len());
            assert_eq!(ReferralCode::parse(code.as_str()).unwrap(), code);
        }
    }

    #[test]
    fn imported_codes_keep_their_shape_in_lower_case() {
        assert_eq!(
            ReferralCode::parse("Ana-2024_X").unwrap().as_str(),
            "ana-2024_x"
        );
        for bad in ["ab", "has space", "é-code", "a/b", &"x".repeat(65)] {
            assert!(ReferralCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_landing_url_carries_its_code_in_parrain_ref_or_the_legacy_parameter() {
        fn code(url: &str, legacy: Option<&str>) -> Option<String> {
            ReferralCode::from_landing_url(url, legacy).map(String::from)
        }
        let page = "https://shop.example.com/refer";
        assert_eq!(
            code(&format!("{page}?ref=Ana-2019"), Some("ref")),
            Some("ana-2019".into())
        );
        assert_eq!(code(&format!("{page}?ref=ana-2019"), None), None);
        assert_eq!(
            code(&format!("{page}?src=mail&rid=ana-2019"), Some("rid")),
            Some("ana-2019".into())
        );
        assert_eq!(
            code(
                &format!("{page}?ref=old-one&parrain_ref=new-one"),
                Some("ref")
            ),
            Some("new-one".into()),
            "parrain's own parameter wins"
        );
        assert_eq!(code(&format!("{page}?ref=a%20b"), Some("ref")), None);
        assert_eq!(code("not a url", Some("ref")), None);
    }

    proptest! {
        /// The byte table accepts what the alphabet holds, in any case and
        /// nothing else: any text parses as it would checked letter by
        /// letter against the alphabet.
        #[test]
        fn parsing_checks_the_alphabet_letter_by_letter(raw in "[ 0-9a-zA-Z_é-]{0,14}") {
            let lower = raw.trim().to_ascii_lowercase();
            let drawn = lower.len() == LEN && lower.bytes().all(|b| ALPHABET.contains(&b));
            let expected = if drawn { Ok(ReferralCode(lower)) } else { ReferralCode::parse_imported(&raw) };
            prop_assert_eq!(ReferralCode::parse(&raw), expected);
        }

        #[test]
        fn case_does_not_change_a_code(upper in proptest::bool::ANY) {
            let code = ReferralCode::generate();
            let typed = if upper { code.as_str().to_uppercase() } else { code.to_string() };
            prop_assert_eq!(ReferralCode::parse(&typed).unwrap(), code);
        }
    }
}
