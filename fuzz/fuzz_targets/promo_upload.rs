//! A promo-code upload (`PUT /v1/offers/{id}/promo-codes`, one code a line):
//! any text is refused line by line or accepted, never a panic, and what is
//! accepted is unique, trimmed and non-empty.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Codes starting with `USED` play the ones already handed out.
    if let Ok(codes) = parrain_core::promo::parse_upload(&text, |c| c.starts_with("USED")) {
        let mut seen = std::collections::HashSet::new();
        for code in &codes {
            assert!(!code.is_empty() && code.trim() == code, "{code:?}");
            assert!(seen.insert(code), "{code:?} twice");
        }
    }
});
