//! Attribution: which participant a visitor counts for.
//!
//! A visitor is attributed per offer. First touch keeps the first referrer
//! while its window lasts; last touch moves to whoever referred last. A touch
//! by the same referrer renews the window. An expired attribution is as good
//! as none: it earns nothing and a new referrer may take its place.

use crate::offer::AttributionModel;
use crate::Millis;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch<P> {
    pub participant: P,
    pub at: Millis,
}

/// The attribution to keep after `new` touches a visitor attributed to `current`.
pub fn after_touch<P: PartialEq + Clone>(
    current: Option<&Touch<P>>,
    new: Touch<P>,
    model: AttributionModel,
    window: Millis,
) -> Touch<P> {
    match current {
        Some(current)
            if model == AttributionModel::FirstTouch
                && current.participant != new.participant
                && in_window(current, new.at, window) =>
        {
            current.clone()
        }
        _ => new,
    }
}

/// Whether an attribution still earns credit at `now`.
pub fn in_window<P>(touch: &Touch<P>, now: Millis, window: Millis) -> bool {
    now.saturating_sub(touch.at) <= window
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DAY;

    const W: Millis = 90 * DAY;

    #[test]
    fn first_touch_keeps_the_first_referrer_within_the_window() {
        let a = Touch {
            participant: "a",
            at: 0,
        };
        let kept = after_touch(
            Some(&a),
            Touch {
                participant: "b",
                at: DAY,
            },
            AttributionModel::FirstTouch,
            W,
        );
        assert_eq!(kept.participant, "a");
        let expired = after_touch(
            Some(&a),
            Touch {
                participant: "b",
                at: W + DAY,
            },
            AttributionModel::FirstTouch,
            W,
        );
        assert_eq!(expired.participant, "b");
    }

    #[test]
    fn last_touch_moves_and_same_referrer_renews() {
        let a = Touch {
            participant: "a",
            at: 0,
        };
        let moved = after_touch(
            Some(&a),
            Touch {
                participant: "b",
                at: DAY,
            },
            AttributionModel::LastTouch,
            W,
        );
        assert_eq!(moved.participant, "b");
        let renewed = after_touch(
            Some(&a),
            Touch {
                participant: "a",
                at: 5 * DAY,
            },
            AttributionModel::FirstTouch,
            W,
        );
        assert_eq!(renewed.at, 5 * DAY);
    }
}
