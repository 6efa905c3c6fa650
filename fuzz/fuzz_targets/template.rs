//! Email templates an operator writes: checking and rendering any source,
//! as text and as HTML, never panics; a value never comes out unescaped in HTML.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parrain_core::template::{check, render, Context, GoalContext, OfferContext, RewardContext};

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
        reward: RewardContext {
            label: "A <i>month</i> free".into(),
        },
    };
    let _ = check(&source);
    let _ = render(&source, &context, false);
    if let Ok(html) = render(&source, &context, true) {
        // The first name is `<b>Ada</b>`. A value comes out raw only where
        // the source asks for it (`safe`, `{% autoescape false %}`), and
        // markup only where the source writes it (a `<`, or a string escape
        // that makes one): any other source must give HTML without a `<`.
        let may_write_markup = ["<", "\\", "safe", "autoescape"]
            .iter()
            .any(|s| source.contains(s));
        if !may_write_markup {
            assert!(!html.contains('<'), "{source:?} gave {html:?}");
        }
    }
});
