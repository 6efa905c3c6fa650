//! Identity tokens: how a web page proves, with the publishable key, that
//! its server vouches for the email it ties a browser to (SPEC §12).
//!
//! The publishable key is public, so `track/identify` with it alone would let
//! anyone tie their own browser (and the referrer it was attributed to) to
//! someone else's email. The site's server, which knows who is signed in,
//! computes `hex(HMAC-SHA256(identity_secret, email))` over the normalised
//! email (trimmed, lower-cased) and hands it to the page; parrain recomputes
//! it and compares in constant time. docs/identity.md shows the site's side.

use hmac::{Hmac, Mac};
use parrain_core::email::Email;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, email: &Email) -> HmacSha256 {
    // HMAC takes a key of any length; this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key");
    mac.update(email.as_str().as_bytes());
    mac
}

/// The identity token of `email` under `secret`: 64 lower-case hex digits.
pub fn token(secret: &str, email: &Email) -> String {
    hex::encode(mac(secret, email).finalize().into_bytes())
}

/// Whether `token` is the identity token of `email` under `secret`. Hex of
/// either case is accepted; the comparison takes the same time wherever the
/// first differing byte is.
pub fn verify(secret: &str, email: &Email, token: &str) -> bool {
    let Ok(given) = hex::decode(token.trim()) else {
        return false;
    };
    mac(secret, email).verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(s: &str) -> Email {
        Email::parse(s).unwrap()
    }

    #[test]
    fn a_token_matches_its_email_and_secret_only() {
        let t = token("s3cret", &email("ana@example.com"));
        assert_eq!(t.len(), 64);
        assert!(verify("s3cret", &email("  Ana@Example.com"), &t));
        assert!(verify(
            "s3cret",
            &email("ana@example.com"),
            &t.to_uppercase()
        ));
        assert!(!verify("s3cret", &email("bob@example.com"), &t));
        assert!(!verify("other", &email("ana@example.com"), &t));
        assert!(!verify("s3cret", &email("ana@example.com"), &t[..62]));
        assert!(!verify("s3cret", &email("ana@example.com"), ""));
        assert!(!verify("s3cret", &email("ana@example.com"), "zz"));
    }

    #[test]
    fn the_token_is_the_documented_hmac() {
        // Computed independently:
        // printf %s ana@example.com | openssl dgst -sha256 -hmac s3cret
        assert_eq!(
            token("s3cret", &email("ana@example.com")),
            KNOWN_ANSWER,
            "docs/identity.md's snippets must compute the same token"
        );
    }

    const KNOWN_ANSWER: &str = "e49a2722051f963eb347f0c6711db3f8edb07463062c014a9238e6c5ef7bda41";
}
