//! The `name` attribution method (SPEC §15): a friend finds its referrer by
//! name and claims it.
//!
//! Anyone holding the publishable key may search, so what a match shows is
//! only enough to tell two namesakes apart: a display name ("Ana B.") and a
//! masked email ("a***@example.com"). The match is named in a claim by a
//! reference derived from the participant's id, which reveals neither the id
//! nor the share code.

use sha2::{Digest, Sha256};

/// The most matches a search returns.
pub const MAX_MATCHES: usize = 5;

/// The shortest and longest query a search takes, in characters.
pub const QUERY_CHARS: std::ops::RangeInclusive<usize> = 2..=100;

/// The query as searched: trimmed, inner runs of spaces made one, lower
/// case; `None` when it is shorter or longer than [`QUERY_CHARS`].
pub fn query(name: &str) -> Option<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let query = words.join(" ").to_lowercase();
    QUERY_CHARS
        .contains(&query.chars().count())
        .then_some(query)
}

/// Whether a person named `first` `last` matches a [`query`]: the query
/// starts the first name, the last name, or the full name.
pub fn matches(query: &str, first: Option<&str>, last: Option<&str>) -> bool {
    let first = first.unwrap_or("").trim().to_lowercase();
    let last = last.unwrap_or("").trim().to_lowercase();
    let full = format!("{first} {last}");
    [first.as_str(), last.as_str(), full.trim()]
        .iter()
        .any(|n| !n.is_empty() && n.starts_with(query))
}

/// The email as a search shows it: the first character of the local part,
/// three stars, the domain (`a***@example.com`).
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// The reference a claim names a match by: 16 hex digits of the SHA-256 of
/// the participant's id (random, so the reference tells nothing about it).
pub fn reference(participant_id: &str) -> String {
    Sha256::digest(format!("referrer:{participant_id}").as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn queries_are_trimmed_lowered_and_bounded() {
        assert_eq!(query("  Ana   Be "), Some("ana be".into()));
        assert_eq!(query("a"), None);
        assert_eq!(query("   "), None);
        assert_eq!(query(&"x".repeat(101)), None);
        assert_eq!(query("Élo"), Some("élo".into()));
    }

    #[test]
    fn a_query_matches_the_start_of_a_name() {
        assert!(matches("ana", Some("Ana"), Some("Bell")));
        assert!(matches("bel", Some("Ana"), Some("Bell")));
        assert!(matches("ana b", Some("Ana"), Some("Bell")));
        assert!(!matches("na", Some("Ana"), Some("Bell")));
        assert!(!matches("ana", None, None));
    }

    #[test]
    fn emails_are_masked_to_their_first_character_and_domain() {
        assert_eq!(mask_email("ana@example.com"), "a***@example.com");
        assert_eq!(mask_email("é@x.fr"), "é***@x.fr");
    }

    proptest! {
        #[test]
        fn a_masked_email_keeps_nothing_of_the_local_part_but_its_first_character(
            local in "[a-z0-9._+-]{2,30}", domain in "[a-z]{1,10}\\.[a-z]{2,3}"
        ) {
            let masked = mask_email(&format!("{local}@{domain}"));
            let first = &local[..1];
            prop_assert_eq!(masked, format!("{first}***@{domain}"));
        }

        #[test]
        fn references_differ_between_participants(a in "par_[a-z0-9]{20}", b in "par_[a-z0-9]{20}") {
            prop_assume!(a != b);
            prop_assert_ne!(reference(&a), reference(&b));
            prop_assert!(!reference(&a).contains(&a[4..]));
        }
    }
}
