//! Prefixed identifiers (`off_…`, `par_…`, …), ordered by creation time.
//!
//! An id is its prefix, an underscore and 20 characters of lowercase base32
//! (100 bits). Parsing checks both, so a `ParticipantId` can never hold an
//! offer's id. The first 9 characters are the millisecond the id was made
//! and the other 11 are random (55 bits): ids made later sort later, so the
//! rows a burst of clicks adds land together at the end of each index
//! instead of on a different page each, and a commit writes a few pages
//! rather than hundreds.

use std::fmt;

use rand::Rng;
use serde::{Deserialize, Serialize};

/// Lowercase base32 without the letters that read like digits.
pub(crate) const ALPHABET: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";
const BODY_LEN: usize = 20;
/// The characters of a body that are its time (45 bits of milliseconds:
/// enough until the year 3084).
const TIME_LEN: usize = 9;

/// Which bytes are in `alphabet`: one lookup a byte, where `contains` reads
/// the whole alphabet.
pub(crate) const fn byte_set(alphabet: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < alphabet.len() {
        set[alphabet[i] as usize] = true;
        i += 1;
    }
    set
}

const IN_ALPHABET: [bool; 256] = byte_set(ALPHABET);

pub(crate) fn random_string(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}

/// `prefix`, an underscore and a body made now: the time in milliseconds,
/// most significant character first (the alphabet is in ASCII order), then
/// random characters, 5 bits each of one random draw.
fn time_ordered(prefix: &str) -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let mut id = String::with_capacity(prefix.len() + 1 + BODY_LEN);
    id.push_str(prefix);
    id.push('_');
    let digit = |bits: u128| ALPHABET[(bits & 31) as usize] as char;
    id.extend((0..TIME_LEN).rev().map(|i| digit(millis >> (5 * i))));
    let random: u64 = rand::rng().random();
    id.extend((0..BODY_LEN - TIME_LEN).map(|i| digit(u128::from(random >> (5 * i)))));
    id
}

/// The input was not an id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {prefix}… id")]
pub struct InvalidId {
    pub prefix: &'static str,
    pub value: String,
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            /// A new id, after every id made before it.
            pub fn generate() -> Self {
                Self(time_ordered($prefix))
            }

            /// Checks the prefix and the body's alphabet.
            pub fn parse(value: &str) -> Result<Self, InvalidId> {
                let valid = value
                    .strip_prefix(concat!($prefix, "_"))
                    .is_some_and(|body| {
                        body.len() == BODY_LEN && body.bytes().all(|b| IN_ALPHABET[usize::from(b)])
                    });
                if valid {
                    Ok(Self(value.to_owned()))
                } else {
                    Err(InvalidId { prefix: $prefix, value: value.to_owned() })
                }
            }

            /// Wraps a value read back from the store, which only ever holds valid ids.
            pub fn from_trusted(value: String) -> Self {
                Self(value)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidId;
            fn try_from(value: String) -> Result<Self, InvalidId> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .pattern(Some(concat!("^", $prefix, "_[0-9a-hjkmnp-tv-z]{20}$")))
                    .into()
            }
        }
        impl utoipa::ToSchema for $name {}
    };
}

id_type!(/// An offer. 
    OfferId, "off");
id_type!(/// A participant: one person signed up for one offer.
    ParticipantId, "par");
id_type!(/// A person, known by email.
    PersonId, "per");
id_type!(/// A browser.
    VisitorId, "vis");
id_type!(/// A pending code: a share code handed to a browser before its owner
    /// signs up (`sign_up_flow: share_then_capture`). Its friends' browsers
    /// are attributed to it until the sign-up makes it a participant's.
    PendingId, "pen");
id_type!(/// An entry of the activity log.
    ActivityId, "act");
id_type!(/// An API key.
    KeyId, "key");
id_type!(/// A webhook endpoint.
    WebhookId, "whk");
id_type!(/// One webhook message (a delivery); Standard Webhooks' `webhook-id`.
    MessageId, "msg");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_parse_back_and_keep_their_kind() {
        let id = OfferId::generate();
        assert_eq!(OfferId::parse(id.as_str()).unwrap(), id);
        assert!(ParticipantId::parse(id.as_str()).is_err());
        assert!(OfferId::parse("off_short").is_err());
        assert!(OfferId::parse("off_ABCDEFGHJKMNPQRSTVWX").is_err());
    }

    /// The random part draws every character of the alphabet at every
    /// place (and parses back), so ids made in one millisecond differ.
    #[test]
    fn the_random_part_covers_the_alphabet_at_every_place() {
        let mut seen = vec![std::collections::HashSet::new(); BODY_LEN - TIME_LEN];
        for _ in 0..2_000 {
            let id = ActivityId::generate();
            assert_eq!(ActivityId::parse(id.as_str()).unwrap(), id);
            for (place, c) in id.as_str()[4 + TIME_LEN..].bytes().enumerate() {
                seen[place].insert(c);
            }
        }
        for (place, chars) in seen.iter().enumerate() {
            assert_eq!(chars.len(), ALPHABET.len(), "place {place}: {chars:?}");
        }
    }

    proptest::proptest! {
        /// Any text parses as an id exactly when checked letter by letter
        /// against the alphabet.
        #[test]
        fn parsing_checks_the_alphabet_letter_by_letter(body in "[0-9a-zA-Z_]{18,22}") {
            let value = format!("vis_{body}");
            let valid = body.len() == BODY_LEN && body.bytes().all(|b| ALPHABET.contains(&b));
            proptest::prop_assert_eq!(VisitorId::parse(&value).is_ok(), valid);
        }
    }

    #[test]
    fn ids_made_later_sort_later() {
        let first = VisitorId::generate();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = VisitorId::generate();
        assert!(first < second, "{first} then {second}");
        let made = first.as_str()[4..4 + TIME_LEN].bytes().fold(0u128, |n, c| {
            n * 32 + ALPHABET.iter().position(|&a| a == c).unwrap() as u128
        });
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis();
        assert!(now - made < 60_000, "made at {made}, now {now}");
    }

    /// The pattern the API document gives ids admits exactly the ids that
    /// parse: the same prefix, length and alphabet (no i, l, o or u).
    #[test]
    fn the_documented_pattern_is_the_alphabet() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(OfferId::schema()).unwrap();
        let pattern = schema["pattern"].as_str().unwrap();
        let class = pattern
            .strip_prefix("^off_[")
            .and_then(|p| p.strip_suffix("]{20}$"))
            .unwrap_or_else(|| panic!("unexpected pattern {pattern}"))
            .as_bytes();
        let mut admitted = Vec::new();
        let mut i = 0;
        while i < class.len() {
            if i + 2 < class.len() && class[i + 1] == b'-' {
                admitted.extend(class[i]..=class[i + 2]);
                i += 3;
            } else {
                admitted.push(class[i]);
                i += 1;
            }
        }
        assert_eq!(
            String::from_utf8(admitted).unwrap(),
            std::str::from_utf8(ALPHABET).unwrap()
        );
    }
}
