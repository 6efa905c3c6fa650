//! Email templates an operator writes: checking and rendering any source,
//! as text and as HTML, never panics; a value never comes out unescaped in HTML.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parrain_core::template::{check, render, Context, GoalContext, OfferContext};

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let context = Context {
        first_name: "<b>Ada</b>".into(),
        last_name: "O'Hara & Co".into(),
        email: "ada@example.com".into(),
        share_url: "https://example.com/r/ABC?x=1&y=2".into(),
        offer: OfferContext {
            name: "Spring \"referral\"".into(),
        },
        credit: 3,
        goal: GoalContext { count: 5 },
        promo_code: "SPRING-1".into(),
    };
    let _ = check(&source);
    let _ = render(&source, &context, false);
    if let Ok(html) = render(&source, &context, true) {
        // The raw tag may only appear if the source wrote it itself.
        if html.contains("<b>Ada</b>") {
            assert!(source.contains("<b>Ada</b>") || source.contains("safe"));
        }
    }
});
