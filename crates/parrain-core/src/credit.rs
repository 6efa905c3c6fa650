//! Credit: what a qualifying fact is worth, and when the goal is met.
//!
//! Every qualifying fact has a *key*. A participant earns one credit per
//! distinct key, so retries, double clicks and duplicate deliveries of the same
//! fact change nothing; the store enforces this with a unique index on
//! (participant, key) and asks [`after_credit`] what the new credit means.

use crate::offer::{Delivery, GoalType, VisitCounting};
use crate::{Millis, MINUTE};

/// A visit session ends after this long without activity (Marketo's rule).
pub const SESSION_GAP: Millis = 30 * MINUTE;

/// The person or browser a credit was earned through: a person when known,
/// so one friend on two devices is still one friend.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Friend {
    Person(String),
    Visitor(String),
}

impl Friend {
    fn key(&self) -> String {
        match self {
            Self::Person(id) | Self::Visitor(id) => id.clone(),
        }
    }
}

/// A fact that may earn credit, as the goal types of SPEC §4 define them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Fact {
    /// A visit to the offer page; `session` is the start of its visit session.
    Visit {
        friend: Friend,
        session: Millis,
    },
    SignUp {
        friend: Friend,
    },
    Event {
        friend: Friend,
        name: String,
    },
    Trigger {
        friend: Friend,
    },
}

/// The credit key of a fact under an offer's goal, or `None` if it does not qualify.
pub fn credit_key(
    goal: GoalType,
    event: Option<&str>,
    counting: VisitCounting,
    fact: &Fact,
) -> Option<String> {
    match (goal, fact) {
        (GoalType::ReferredVisits, Fact::Visit { friend, session }) => Some(match counting {
            VisitCounting::UniqueFriend => format!("visit:{}", friend.key()),
            VisitCounting::EachVisit => format!("visit:{}:{session}", friend.key()),
        }),
        (GoalType::ReferredSignups, Fact::SignUp { friend }) => {
            Some(format!("signup:{}", friend.key()))
        }
        (GoalType::CustomEvent, Fact::Event { friend, name }) if Some(name.as_str()) == event => {
            Some(format!("event:{}", friend.key()))
        }
        (GoalType::SmartListTrigger, Fact::Trigger { friend }) => {
            Some(format!("trigger:{}", friend.key()))
        }
        _ => None,
    }
}

/// The credit key of a fact that carries an event id, under `goal.credit_per`:
/// with `event`, each distinct id is a credit of its own; otherwise (or
/// without an id) the friend's one key stands.
pub fn per_event(
    key: String,
    goal: GoalType,
    per: crate::offer::CreditPer,
    event_id: Option<&str>,
) -> String {
    let counts_events = matches!(goal, GoalType::CustomEvent | GoalType::SmartListTrigger);
    match event_id {
        Some(id) if counts_events && per == crate::offer::CreditPer::Event => {
            format!("{key}:id:{id}")
        }
        _ => key,
    }
}

/// Where a visit falls: the start of its session, and whether it opens one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    pub start: Millis,
    pub new: bool,
}

/// Places a visit at `now` after the visitor's previous session (`start`, `last_seen`).
pub fn visit_session(previous: Option<(Millis, Millis)>, now: Millis) -> Session {
    match previous {
        Some((start, last_seen)) if now.saturating_sub(last_seen) < SESSION_GAP => {
            Session { start, new: false }
        }
        _ => Session {
            start: now,
            new: true,
        },
    }
}

/// A participant's standing in its offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub credit: i64,
    pub achieved: bool,
    pub fulfilled: bool,
}

/// What one new credit changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub progress: Progress,
    /// The goal was reached by this credit.
    pub achieved_now: bool,
    /// Fulfil now (automatic delivery, first time at the goal).
    pub fulfil_now: bool,
}

/// Applies one new (never seen) credit. Credit keeps counting after the goal.
pub fn after_credit(progress: Progress, goal_count: i64, delivery: Delivery) -> Outcome {
    let credit = progress.credit + 1;
    let achieved_now = !progress.achieved && credit >= goal_count;
    let fulfil_now = achieved_now && delivery == Delivery::AutoOnGoal && !progress.fulfilled;
    Outcome {
        progress: Progress {
            credit,
            achieved: progress.achieved || achieved_now,
            fulfilled: progress.fulfilled || fulfil_now,
        },
        achieved_now,
        fulfil_now,
    }
}

/// Whether an operator may fulfil a participant by hand now.
pub fn can_fulfil_manually(progress: Progress) -> bool {
    progress.achieved && !progress.fulfilled
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use proptest::prelude::*;

    /// The ledger the store keeps, reduced to the rules: credit keys seen, progress.
    struct Ledger {
        goal: GoalType,
        counting: VisitCounting,
        count: i64,
        delivery: Delivery,
        keys: HashSet<String>,
        progress: Progress,
        fulfilments: usize,
    }

    impl Ledger {
        fn new(goal: GoalType, counting: VisitCounting, count: i64, delivery: Delivery) -> Self {
            Self {
                goal,
                counting,
                count,
                delivery,
                keys: HashSet::new(),
                progress: Progress::default(),
                fulfilments: 0,
            }
        }

        fn apply(&mut self, fact: &Fact) {
            let Some(key) = credit_key(self.goal, Some("purchase"), self.counting, fact) else {
                return;
            };
            if self.keys.insert(key) {
                let outcome = after_credit(self.progress, self.count, self.delivery);
                self.progress = outcome.progress;
                self.fulfilments += usize::from(outcome.fulfil_now);
            }
        }
    }

    fn friend() -> impl Strategy<Value = Friend> {
        prop_oneof![
            (0..6u8).prop_map(|n| Friend::Person(format!("per_{n}"))),
            (0..6u8).prop_map(|n| Friend::Visitor(format!("vis_{n}"))),
        ]
    }

    fn fact() -> impl Strategy<Value = Fact> {
        prop_oneof![
            (friend(), 0..4i64).prop_map(|(friend, s)| Fact::Visit {
                friend,
                session: s * SESSION_GAP
            }),
            friend().prop_map(|friend| Fact::SignUp { friend }),
            (friend(), prop_oneof![Just("purchase"), Just("other")]).prop_map(|(friend, name)| {
                Fact::Event {
                    friend,
                    name: name.into(),
                }
            }),
            friend().prop_map(|friend| Fact::Trigger { friend }),
        ]
    }

    fn goal() -> impl Strategy<Value = GoalType> {
        prop_oneof![
            Just(GoalType::ReferredVisits),
            Just(GoalType::ReferredSignups),
            Just(GoalType::CustomEvent),
            Just(GoalType::SmartListTrigger),
        ]
    }

    fn counting() -> impl Strategy<Value = VisitCounting> {
        prop_oneof![
            Just(VisitCounting::UniqueFriend),
            Just(VisitCounting::EachVisit)
        ]
    }

    fn delivery() -> impl Strategy<Value = Delivery> {
        prop_oneof![Just(Delivery::AutoOnGoal), Just(Delivery::Manual)]
    }

    proptest! {
        /// Any order or repetition of the same facts yields the same credit and
        /// at most one fulfilment.
        #[test]
        fn order_and_repetition_do_not_change_credit(
            goal in goal(),
            counting in counting(),
            delivery in delivery(),
            count in 1..8i64,
            facts in proptest::collection::vec(fact(), 0..40),
            repeats in proptest::collection::vec(0..40usize, 0..40),
            seed in any::<u64>(),
        ) {
            let mut reference = Ledger::new(goal, counting, count, delivery);
            facts.iter().for_each(|f| reference.apply(f));

            let mut replayed: Vec<Fact> = facts.clone();
            replayed.extend(repeats.iter().filter_map(|&i| facts.get(i).cloned()));
            shuffle(&mut replayed, seed);
            let mut other = Ledger::new(goal, counting, count, delivery);
            replayed.iter().for_each(|f| other.apply(f));

            prop_assert_eq!(other.progress, reference.progress);
            prop_assert!(other.fulfilments <= 1);
            prop_assert_eq!(other.fulfilments, reference.fulfilments);
            prop_assert_eq!(other.progress.achieved, reference.keys.len() as i64 >= count);
            prop_assert_eq!(
                other.fulfilments == 1,
                delivery == Delivery::AutoOnGoal && other.progress.achieved
            );
        }

        /// A visit more than 30 minutes after the last one opens a new session;
        /// closer ones stay in the session that is open.
        #[test]
        fn sessions_follow_the_thirty_minute_rule(gaps in proptest::collection::vec(0..(2 * SESSION_GAP), 1..30)) {
            let mut previous: Option<(Millis, Millis)> = None;
            let mut now = 0;
            let mut sessions = 0;
            for gap in gaps {
                now += gap;
                let session = visit_session(previous, now);
                let expect_new = previous.is_none_or(|(_, last)| now - last >= SESSION_GAP);
                prop_assert_eq!(session.new, expect_new);
                sessions += usize::from(session.new);
                previous = Some((session.start, now));
            }
            prop_assert!(sessions >= 1);
        }
    }

    fn shuffle(items: &mut [Fact], mut seed: u64) {
        for i in (1..items.len()).rev() {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            items.swap(i, (seed >> 33) as usize % (i + 1));
        }
    }

    #[test]
    fn manual_delivery_waits_for_an_operator() {
        let outcome = after_credit(Progress::default(), 1, Delivery::Manual);
        assert!(outcome.achieved_now && !outcome.fulfil_now);
        assert!(can_fulfil_manually(outcome.progress));
        let again = after_credit(outcome.progress, 1, Delivery::Manual);
        assert!(!again.achieved_now);
        assert_eq!(again.progress.credit, 2);
    }

    #[test]
    fn custom_events_count_only_the_offer_event() {
        let fact = Fact::Event {
            friend: Friend::Visitor("v".into()),
            name: "other".into(),
        };
        let key = credit_key(
            GoalType::CustomEvent,
            Some("purchase"),
            VisitCounting::UniqueFriend,
            &fact,
        );
        assert_eq!(key, None);
    }
}
