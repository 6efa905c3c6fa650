//! Attribution: which participant a visitor counts for.
//!
//! A visitor is attributed per offer. First touch keeps the first referrer
//! while its window lasts; last touch moves to whoever referred last. A touch
//! by the same referrer renews the window. An expired attribution is as good
//! as none: it earns nothing and a new referrer may take its place.
//!
//! A browser's touches are one way of finding a friend's referrer among
//! several ([`Method`]). A friend is attributed to at most one referrer per
//! offer: the first time one is found (a referred sign-up, a first credit, a
//! claim), the referrer and the method that found it are recorded, and from
//! then on the record answers whatever any method would say ([`choose`]).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::offer::AttributionModel;
use crate::Millis;

/// A way of finding a friend's referrer (SPEC §15), tried in the offer's order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The share link's visitor id, on the browser at hand.
    Link,
    /// The friend's email: a referrer found on another of its browsers.
    Email,
    /// The referrer's share code used as a coupon at checkout.
    Coupon,
    /// The friend named its referrer (opt-in).
    Name,
}

impl Method {
    pub const ALL: [Method; 4] = [Self::Link, Self::Email, Self::Coupon, Self::Name];

    /// The methods of an offer that does not list its own.
    pub const DEFAULT: [Method; 3] = [Self::Link, Self::Email, Self::Coupon];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Link => "link",
            Self::Email => "email",
            Self::Coupon => "coupon",
            Self::Name => "name",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == value)
    }
}

/// A referrer found for a friend, and the method that found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<P> {
    pub participant: P,
    pub method: Method,
}

/// The friend's referrer: the recorded one if the friend was attributed
/// before, whatever the methods would find now; otherwise the first of
/// `methods` (the offer's order) whose finder finds one. A method not in
/// `methods` is never asked.
pub fn choose<P, E>(
    recorded: Option<Found<P>>,
    methods: &[Method],
    mut find: impl FnMut(Method) -> Result<Option<P>, E>,
) -> Result<Option<Found<P>>, E> {
    if recorded.is_some() {
        return Ok(recorded);
    }
    for &method in methods {
        if let Some(participant) = find(method)? {
            return Ok(Some(Found {
                participant,
                method,
            }));
        }
    }
    Ok(None)
}

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
    use proptest::prelude::*;
    use std::collections::BTreeMap;
    use std::convert::Infallible;

    fn methods() -> impl Strategy<Value = Vec<Method>> {
        Just(Method::ALL.to_vec())
            .prop_shuffle()
            .prop_flat_map(|all| (0..=all.len()).prop_map(move |n| all[..n].to_vec()))
    }

    /// What each method would find for one fact of a friend.
    fn clues() -> impl Strategy<Value = BTreeMap<Method, u8>> {
        proptest::collection::btree_map(
            prop_oneof![
                Just(Method::Link),
                Just(Method::Email),
                Just(Method::Coupon),
                Just(Method::Name)
            ],
            0..4u8,
            0..4,
        )
    }

    fn pick(
        recorded: Option<Found<u8>>,
        methods: &[Method],
        clues: &BTreeMap<Method, u8>,
    ) -> (Option<Found<u8>>, Vec<Method>) {
        let mut asked = Vec::new();
        let found = choose::<_, Infallible>(recorded, methods, |m| {
            asked.push(m);
            Ok(clues.get(&m).copied())
        })
        .unwrap();
        (found, asked)
    }

    proptest! {
        /// Without a record, the first method of the offer's order that finds
        /// a referrer wins; methods the offer does not list are never asked.
        #[test]
        fn the_first_method_in_the_offers_order_wins(methods in methods(), clues in clues()) {
            let (found, asked) = pick(None, &methods, &clues);
            let expected = methods.iter().find_map(|m| clues.get(m).map(|p| Found { participant: *p, method: *m }));
            prop_assert_eq!(found, expected);
            prop_assert!(asked.iter().all(|m| methods.contains(m)));
        }

        /// One referrer per friend per offer: once a friend's first referrer
        /// is recorded, no later fact changes it, whatever its methods find.
        #[test]
        fn a_friend_keeps_its_first_referrer(methods in methods(), facts in proptest::collection::vec(clues(), 1..12)) {
            let mut recorded: Option<Found<u8>> = None;
            let first = facts.iter().find_map(|clues| pick(None, &methods, clues).0);
            for clues in &facts {
                let (found, asked) = pick(recorded.clone(), &methods, clues);
                if recorded.is_some() {
                    prop_assert!(asked.is_empty());
                    prop_assert_eq!(&found, &recorded);
                }
                if recorded.is_none() {
                    recorded = found;
                }
            }
            prop_assert_eq!(recorded, first);
        }
    }

    #[test]
    fn methods_round_trip_their_names() {
        for m in Method::ALL {
            assert_eq!(Method::parse(m.as_str()), Some(m));
        }
        assert_eq!(Method::parse("cookie"), None);
    }

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
