//! The identity-token check of `track/identify` (docs/identity.md): for any
//! secret, email and presented token, the check never panics, accepts the
//! token computed for that email and secret (in either hex case), and
//! accepts nothing else: not another email's token, not a token with one
//! byte changed, not the token under another secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parrain_core::email::Email;
use parrain_server::identity::{token, verify};

fuzz_target!(|data: &[u8]| {
    // Three fields split by NUL: secret, email, presented token.
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\0');
    let (secret, raw_email, presented) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let Ok(email) = Email::parse(raw_email) else {
        return;
    };
    let good = token(secret, &email);
    assert!(verify(secret, &email, &good));
    assert!(verify(secret, &email, &good.to_uppercase()));
    if verify(secret, &email, presented) {
        // Only the email's own token, in some case, can pass.
        assert_eq!(presented.trim().to_lowercase(), good, "{presented:?}");
    }
    let mut flipped = good.clone().into_bytes();
    flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
    assert!(!verify(secret, &email, std::str::from_utf8(&flipped).unwrap()));
    let other_secret = format!("{secret}x");
    assert!(!verify(&other_secret, &email, &good));
    if let Ok(other) = Email::parse(&format!("x{}", email.as_str())) {
        assert!(!verify(secret, &other, &good));
    }
});
