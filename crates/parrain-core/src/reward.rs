//! Rewards (SPEC §11): who is given what, and when.
//!
//! An offer's `rewards` list replaces v1's single fulfillment. A referrer
//! reward is reached `at` a credit count, or `every` so many credits (up to
//! `max_times`); each time it is reached is one *occurrence*, numbered
//! from one. A friend reward has one occurrence per friend. The store keeps one row
//! per (participant, reward, occurrence) under a unique key, so whatever
//! retries or concurrent requests do, an occurrence is earned once and
//! given at most once; this module says which occurrences a credit reaches.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::offer::{Delivery, EmailTemplate, OfferSettings, Problem};
use crate::template;

/// The most rewards an offer may have.
pub const MAX_REWARDS: usize = 20;

/// The longest hold, in days.
pub const MAX_HOLD_DAYS: i64 = 365;

/// The promo-code pool of v1's upload, and of a `PUT …/promo-codes` without `pool`.
pub const DEFAULT_POOL: &str = "default";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RewardFor {
    Referrer,
    Friend,
}

/// When a friend reward is earned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum FriendOn {
    /// When the friend's qualifying fact earns its referrer a credit.
    #[default]
    Credit,
    /// When the friend signs up attributed to a referrer, whatever the goal.
    SignUp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum RewardDelivery {
    /// Given when earned, or when its hold ends.
    #[default]
    Auto,
    /// Earned, then given by an operator.
    Manual,
}

/// One reward of an offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reward {
    /// A short name, unique in the offer (`tier-3`, `friend`).
    pub id: String,
    #[serde(rename = "for")]
    pub for_: RewardFor,
    /// Referrer rewards: earned when credit reaches this count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<i64>,
    /// Referrer rewards: earned each time credit reaches a multiple of this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<i64>,
    /// With `every`: how many times at most (no limit when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_times: Option<i64>,
    /// Friend rewards: on the credit the friend earns its referrer (the
    /// default), or on the friend's sign-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<FriendOn>,
    #[serde(default)]
    pub delivery: RewardDelivery,
    /// An earned reward is held this many days before it can be given.
    #[serde(default)]
    pub hold_days: i64,
    /// The promo-code pool it draws one code from; no code when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promo_codes: Option<String>,
    /// Shown in emails (`{{ reward.label }}`), the widget and the participant's page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Sent when the reward is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailTemplate>,
}

/// Where one occurrence of a reward stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RewardState {
    /// Manual delivery: waiting for an operator.
    Earned,
    /// Waiting for its hold to end.
    Held,
    Given,
    Cancelled,
}

impl RewardState {
    pub const ALL: [RewardState; 4] = [Self::Earned, Self::Held, Self::Given, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Earned => "earned",
            Self::Held => "held",
            Self::Given => "given",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

impl Reward {
    /// How many occurrences of a referrer reward a credit count has reached.
    pub fn reached(&self, credit: i64) -> i64 {
        if self.for_ != RewardFor::Referrer || credit <= 0 {
            return 0;
        }
        match (self.at, self.every) {
            (Some(at), _) if at > 0 => i64::from(credit >= at),
            (None, Some(every)) if every > 0 => {
                (credit / every).min(self.max_times.unwrap_or(i64::MAX))
            }
            _ => 0,
        }
    }

    /// The occurrences a move of credit from `before` to `after` newly
    /// reaches (none when credit goes down).
    pub fn newly_reached(&self, before: i64, after: i64) -> std::ops::RangeInclusive<i64> {
        self.reached(before) + 1..=self.reached(after)
    }

    /// The occurrences a move of credit from `before` down to `after` no
    /// longer reaches (none when credit goes up).
    pub fn lost(&self, before: i64, after: i64) -> std::ops::RangeInclusive<i64> {
        self.reached(after) + 1..=self.reached(before)
    }

    /// The state an occurrence starts in when earned.
    pub fn first_state(&self) -> RewardState {
        if self.hold_days > 0 {
            RewardState::Held
        } else {
            match self.delivery {
                RewardDelivery::Auto => RewardState::Given,
                RewardDelivery::Manual => RewardState::Earned,
            }
        }
    }

    /// The pool it draws from, if any.
    pub fn pool(&self) -> Option<&str> {
        self.promo_codes.as_deref()
    }
}

/// Every referrer occurrence a move of credit newly reaches, in list order.
pub fn due(rewards: &[Reward], before: i64, after: i64) -> Vec<(&Reward, i64)> {
    rewards
        .iter()
        .flat_map(|r| r.newly_reached(before, after).map(move |n| (r, n)))
        .collect()
}

impl Reward {
    /// The credit count at which a referrer reward is next reached from
    /// `credit`: its `at` while below it, the next multiple of `every`
    /// while under `max_times`; none once it cannot be reached again.
    pub fn next_at(&self, credit: i64) -> Option<i64> {
        if self.for_ != RewardFor::Referrer {
            return None;
        }
        let credit = credit.max(0);
        match (self.at, self.every) {
            (Some(at), _) if at > credit => Some(at),
            (None, Some(every)) if every > 0 => {
                let next = (credit / every + 1).checked_mul(every)?;
                (self.reached(next) > self.reached(credit)).then_some(next)
            }
            _ => None,
        }
    }
}

/// The referrer reward a participant with `credit` reaches next, with the
/// credit count it is reached at (the first in list order on a tie): what
/// the widget and the participant's page show progress toward.
pub fn next_milestone(rewards: &[Reward], credit: i64) -> Option<(&Reward, i64)> {
    rewards
        .iter()
        .filter_map(|r| r.next_at(credit).map(|at| (r, at)))
        .min_by_key(|&(_, at)| at)
}

/// The public leaderboard of an offer's referrers (SPEC §11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Leaderboard {
    /// Whether `GET /v1/offers/{id}/leaderboard` answers (publishable key allowed).
    #[serde(default)]
    pub enabled: bool,
    /// How many referrers it shows, 1 to 100.
    #[serde(default = "default_leaderboard_size")]
    pub size: i64,
}

fn default_leaderboard_size() -> i64 {
    10
}

impl Default for Leaderboard {
    fn default() -> Self {
        Self {
            enabled: false,
            size: default_leaderboard_size(),
        }
    }
}

impl Leaderboard {
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    pub fn problems(&self, out: &mut Vec<Problem>) {
        if !(1..=100).contains(&self.size) {
            out.push(Problem::invalid(
                "leaderboard.size",
                "out_of_range",
                "leaderboard.size must be between 1 and 100",
            ));
        }
    }
}

/// How the leaderboard names a referrer: first name and last initial, the
/// first name alone, or "Participant {rank}"; never an email.
pub fn display_name(first: Option<&str>, last: Option<&str>, rank: usize) -> String {
    let first = first.map(str::trim).filter(|f| !f.is_empty());
    let initial = last
        .map(str::trim)
        .and_then(|l| l.chars().next())
        .map(|c| c.to_uppercase().to_string());
    match (first, initial) {
        (Some(f), Some(i)) => format!("{f} {i}."),
        (Some(f), None) => f.to_owned(),
        (None, _) => format!("Participant {rank}"),
    }
}

/// Every referrer occurrence a reversal from `before` down to `after` takes
/// away: held or waiting ones are cancelled, given ones clawed back.
pub fn lost(rewards: &[Reward], before: i64, after: i64) -> Vec<(&Reward, i64)> {
    rewards
        .iter()
        .flat_map(|r| r.lost(before, after).map(move |n| (r, n)))
        .collect()
}

/// Credit after `reversed` credits are taken back: never below zero.
pub fn after_reversal(credit: i64, reversed: i64) -> i64 {
    credit.saturating_sub(reversed.max(0)).max(0)
}

/// The reward that stands for v1's fulfillment: the referrer's `at` the goal.
pub fn fulfillment_reward(settings: &OfferSettings) -> Option<&Reward> {
    let count = settings.goal.count?;
    settings
        .rewards
        .iter()
        .find(|r| r.for_ == RewardFor::Referrer && r.at == Some(count))
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Pool names follow reward ids' rule.
pub fn valid_pool(name: &str) -> bool {
    valid_id(name)
}

/// What is wrong with an offer's `rewards`, all of it.
pub fn problems(settings: &OfferSettings, out: &mut Vec<Problem>) {
    let rewards = &settings.rewards;
    if rewards.is_empty() {
        return;
    }
    if rewards.len() > MAX_REWARDS {
        out.push(Problem::invalid(
            "rewards",
            "too_many",
            format!("an offer has at most {MAX_REWARDS} rewards"),
        ));
    }
    if settings.emails.fulfillment.is_some() {
        out.push(Problem::invalid(
            "emails.fulfillment",
            "not_with_rewards",
            "with rewards, each reward carries its own email: remove emails.fulfillment",
        ));
    }
    if settings.fulfillment.delivery != Delivery::AutoOnGoal {
        out.push(Problem::invalid(
            "fulfillment",
            "not_with_rewards",
            "with rewards, each reward has its own delivery: remove fulfillment",
        ));
    }
    for (i, r) in rewards.iter().enumerate() {
        reward_problems(i, r, rewards, out);
    }
    if let Some(count) = settings.goal.count {
        if fulfillment_reward(settings).is_none() {
            out.push(Problem::for_approval(
                "rewards",
                "no_goal_reward",
                format!(
                    "one referrer reward must be at goal.count ({count}): it is the offer's fulfillment"
                ),
            ));
        }
    }
}

fn reward_problems(i: usize, r: &Reward, all: &[Reward], out: &mut Vec<Problem>) {
    let field = |name: &str| format!("rewards[{i}].{name}");
    let mut bad = |name: &str, code: &str, message: String| {
        out.push(Problem::invalid(&field(name), code, message));
    };
    if !valid_id(&r.id) {
        bad(
            "id",
            "invalid",
            "reward ids are 1 to 64 characters of a-z, 0-9, - and _".into(),
        );
    } else if all[..i].iter().any(|o| o.id == r.id) {
        bad(
            "id",
            "duplicate",
            format!("reward id {} is used twice", r.id),
        );
    }
    match r.for_ {
        RewardFor::Referrer => {
            match (r.at, r.every) {
                (None, None) => bad(
                    "at",
                    "required",
                    "a referrer reward needs at (a credit count) or every".into(),
                ),
                (Some(_), Some(_)) => bad(
                    "every",
                    "not_with_at",
                    "a referrer reward takes at or every, not both".into(),
                ),
                _ => {}
            }
            for (name, value) in [("at", r.at), ("every", r.every), ("max_times", r.max_times)] {
                if value.is_some_and(|v| !(1..=1_000_000).contains(&v)) {
                    bad(
                        name,
                        "out_of_range",
                        format!("{} must be between 1 and 1000000", field(name)),
                    );
                }
            }
            if r.max_times.is_some() && r.every.is_none() {
                bad(
                    "max_times",
                    "not_applicable",
                    "max_times applies only to a reward given every N credits".into(),
                );
            }
            if r.on.is_some() {
                bad(
                    "on",
                    "not_applicable",
                    "on applies only to friend rewards".into(),
                );
            }
        }
        RewardFor::Friend => {
            for (name, value) in [("at", r.at), ("every", r.every), ("max_times", r.max_times)] {
                if value.is_some() {
                    bad(
                        name,
                        "not_applicable",
                        format!("a friend reward is earned once per friend: remove {name}"),
                    );
                }
            }
        }
    }
    if !(0..=MAX_HOLD_DAYS).contains(&r.hold_days) {
        bad(
            "hold_days",
            "out_of_range",
            format!("hold_days must be between 0 and {MAX_HOLD_DAYS}"),
        );
    }
    if let Some(pool) = &r.promo_codes {
        if !valid_pool(pool) {
            bad(
                "promo_codes",
                "invalid",
                "pool names are 1 to 64 characters of a-z, 0-9, - and _".into(),
            );
        }
    }
    if let Some(label) = &r.label {
        if label.trim().is_empty() || label.chars().count() > 200 {
            bad("label", "invalid", "a label is 1 to 200 characters".into());
        }
    }
    if let Some(email) = &r.email {
        let parts = [
            ("subject", Some(&email.subject)),
            ("text", Some(&email.text)),
        ];
        for (part, source) in parts.into_iter().chain([("html", email.html.as_ref())]) {
            let Some(source) = source else { continue };
            let name = format!("email.{part}");
            if part != "html" && source.trim().is_empty() {
                bad(&name, "required", format!("{} is empty", field(&name)));
            } else if let Err(p) = template::check_reward(source) {
                bad(&name, p.code(), p.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn reward(value: serde_json::Value) -> Reward {
        serde_json::from_value(value).unwrap()
    }

    fn settings(value: serde_json::Value) -> OfferSettings {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn leaderboard_names_never_show_more_than_a_last_initial() {
        assert_eq!(display_name(Some("Ana"), Some("lovelace"), 1), "Ana L.");
        assert_eq!(display_name(Some("Ana"), None, 1), "Ana");
        assert_eq!(display_name(None, Some("Lovelace"), 7), "Participant 7");
        assert_eq!(display_name(Some("  "), None, 3), "Participant 3");
    }

    #[test]
    fn the_next_milestone_is_the_nearest_reward_still_to_reach() {
        let rewards: Vec<Reward> = serde_json::from_value(json!([
            {"id": "t1", "for": "referrer", "at": 1},
            {"id": "t3", "for": "referrer", "at": 3},
            {"id": "pair", "for": "referrer", "every": 2, "max_times": 2},
            {"id": "friend", "for": "friend"}
        ]))
        .unwrap();
        let next = |credit| next_milestone(&rewards, credit).map(|(r, at)| (r.id.as_str(), at));
        assert_eq!(next(0), Some(("t1", 1)));
        assert_eq!(next(1), Some(("pair", 2)));
        assert_eq!(next(2), Some(("t3", 3)));
        assert_eq!(next(3), Some(("pair", 4)));
        assert_eq!(next(4), None, "pair reached its max_times");
    }

    proptest! {
        /// The next milestone is the first credit at which `due` gives
        /// something, and nothing is due before it.
        #[test]
        fn the_next_milestone_is_where_the_next_reward_is_due(
            ats in prop::collection::vec(1i64..12, 0..4),
            every in prop::option::of((1i64..5, prop::option::of(1i64..4))),
            credit in 0i64..20,
        ) {
            let mut rewards: Vec<Reward> = ats.iter().enumerate()
                .map(|(i, at)| reward(json!({"id": format!("t{i}"), "for": "referrer", "at": at})))
                .collect();
            if let Some((every, max_times)) = every {
                rewards.push(reward(json!({"id": "e", "for": "referrer", "every": every, "max_times": max_times})));
            }
            match next_milestone(&rewards, credit) {
                Some((r, at)) => {
                    prop_assert!(at > credit);
                    prop_assert!(due(&rewards, credit, at - 1).is_empty());
                    prop_assert!(due(&rewards, at - 1, at).iter().any(|(d, _)| d.id == r.id));
                }
                None => prop_assert!(due(&rewards, credit, 1_000).is_empty()),
            }
        }
    }

    #[test]
    fn at_is_reached_once_and_every_up_to_max_times() {
        let at = reward(json!({"id": "t", "for": "referrer", "at": 3}));
        assert_eq!((at.reached(2), at.reached(3), at.reached(9)), (0, 1, 1));
        let every = reward(json!({"id": "e", "for": "referrer", "every": 2, "max_times": 3}));
        assert_eq!([1, 2, 5, 6, 100].map(|c| every.reached(c)), [0, 1, 2, 3, 3]);
        assert_eq!(every.newly_reached(3, 4), 2..=2);
        assert!(every.newly_reached(4, 3).is_empty());
        let friend = reward(json!({"id": "f", "for": "friend"}));
        assert_eq!(friend.reached(50), 0);
    }

    #[test]
    fn every_inconsistency_is_listed() {
        let s = settings(json!({
            "name": "x",
            "goal": {"count": 5},
            "emails": {"fulfillment": {"subject": "s", "text": "t"}},
            "rewards": [
                {"id": "a", "for": "referrer", "at": 0},
                {"id": "a", "for": "referrer", "at": 2, "every": 2},
                {"id": "Bad id", "for": "friend", "at": 1, "hold_days": 400},
                {"id": "m", "for": "referrer", "at": 1, "max_times": 2, "on": "sign_up"},
                {"id": "e", "for": "referrer", "every": 1, "promo_codes": "Not OK",
                 "email": {"subject": "{{ reward.label }}", "text": "{{ coupon }}"}}
            ]
        }));
        let found: Vec<(String, String)> = s
            .problems()
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect();
        let expect = [
            ("emails.fulfillment", "not_with_rewards"),
            ("rewards[0].at", "out_of_range"),
            ("rewards[1].id", "duplicate"),
            ("rewards[1].every", "not_with_at"),
            ("rewards[2].id", "invalid"),
            ("rewards[2].at", "not_applicable"),
            ("rewards[2].hold_days", "out_of_range"),
            ("rewards[3].max_times", "not_applicable"),
            ("rewards[3].on", "not_applicable"),
            ("rewards[4].promo_codes", "invalid"),
            ("rewards[4].email.text", "unknown_token"),
            ("rewards", "no_goal_reward"),
        ];
        for (field, code) in expect {
            assert!(
                found.iter().any(|(f, c)| f == field && c == code),
                "{field} {code} missing from {found:?}"
            );
        }
    }

    #[test]
    fn a_two_tier_double_sided_offer_is_valid() {
        let s = settings(json!({
            "name": "x",
            "goal": {"count": 3},
            "offer_page_url": "https://example.com/refer",
            "rewards": [
                {"id": "tier-1", "for": "referrer", "at": 1, "label": "A sticker"},
                {"id": "tier-2", "for": "referrer", "at": 3, "promo_codes": "month",
                 "email": {"subject": "{{ reward.label }}", "text": "{{ promo_code }}"}},
                {"id": "friend", "for": "friend", "on": "sign_up", "promo_codes": "welcome"}
            ]
        }));
        assert_eq!(s.problems(), []);
        assert_eq!(fulfillment_reward(&s).unwrap().id, "tier-2");
    }

    fn referrer_reward() -> impl Strategy<Value = Reward> {
        (
            prop_oneof![
                (1..6i64).prop_map(|a| (Some(a), None)),
                (1..4i64).prop_map(|e| (None, Some(e)))
            ],
            proptest::option::of(1..4i64),
        )
            .prop_map(|((at, every), max)| Reward {
                id: String::new(),
                for_: RewardFor::Referrer,
                at,
                every,
                max_times: every.and(max),
                on: None,
                delivery: RewardDelivery::Auto,
                hold_days: 0,
                promo_codes: None,
                label: None,
                email: None,
            })
    }

    #[derive(Debug, Clone)]
    enum Op {
        Credit(u8),
        Reverse(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0..10u8).prop_map(Op::Credit),
            1 => (0..10u8).prop_map(Op::Reverse),
        ]
    }

    proptest! {
        /// Credits and reversals in any order and repetition, as the store
        /// applies them (a credit key once, a friend's credit reversed once,
        /// an occurrence's row inserted once and taken away once): credit
        /// never goes below zero, each occurrence is earned at most once and
        /// lost at most once, those earned are exactly the milestones the
        /// highest credit reached, and those still standing are reached now.
        #[test]
        fn credits_and_reversals_give_each_milestone_once(
            rewards in proptest::collection::vec(referrer_reward(), 1..6),
            ops in proptest::collection::vec(op(), 0..60),
        ) {
            let mut credited = std::collections::HashSet::new();
            let mut reversed = std::collections::HashSet::new();
            let mut credit = 0i64;
            let mut highest = 0i64;
            // (reward, occurrence) -> (times earned, times lost)
            let mut rows: HashMap<(usize, i64), (u32, u32)> = HashMap::new();
            for op in ops {
                match op {
                    Op::Credit(friend) => {
                        if !credited.insert(friend) {
                            continue;
                        }
                        let before = credit;
                        credit += 1;
                        for (i, r) in rewards.iter().enumerate() {
                            for n in r.newly_reached(before, credit) {
                                // The row's key: a second insert changes nothing.
                                rows.entry((i, n)).or_insert((0, 0));
                                let row = rows.get_mut(&(i, n)).unwrap();
                                if row.0 == 0 {
                                    row.0 += 1;
                                }
                            }
                        }
                    }
                    Op::Reverse(friend) => {
                        if !credited.contains(&friend) || !reversed.insert(friend) {
                            continue;
                        }
                        let before = credit;
                        credit = after_reversal(credit, 1);
                        for (i, r) in rewards.iter().enumerate() {
                            for n in r.lost(before, credit) {
                                let row = rows.get_mut(&(i, n)).expect("a lost occurrence was earned");
                                if row.1 == 0 {
                                    row.1 += 1;
                                }
                            }
                        }
                    }
                }
                prop_assert!(credit >= 0);
                highest = highest.max(credit);
            }
            prop_assert_eq!(credit, (credited.len() - reversed.len()) as i64);
            prop_assert!(rows.values().all(|&(earned, lost)| earned == 1 && lost <= 1));
            for (i, r) in rewards.iter().enumerate() {
                let mut earned: Vec<i64> = rows.keys().filter(|(j, _)| *j == i).map(|(_, n)| *n).collect();
                earned.sort();
                prop_assert_eq!(earned, (1..=r.reached(highest)).collect::<Vec<_>>());
                for ((_, n), _) in rows.iter().filter(|((j, _), (_, lost))| *j == i && *lost == 0) {
                    prop_assert!(*n <= r.reached(credit), "occurrence {} stands at credit {}", n, credit);
                }
            }
        }

        /// With `goal.credit_per: "event"`: purchases (a friend, an event id)
        /// and refunds (a friend) in any order and repetition, as the store
        /// applies them (a credit per distinct key from `credit::per_event`,
        /// a refund taking back every counted credit of its friend once,
        /// an occurrence's row inserted once and taken away once): credit is
        /// the credits standing, never below zero; each occurrence is
        /// earned at most once and lost at most once; those earned are the
        /// milestones the highest credit reached; those standing are reached now.
        #[test]
        fn credits_per_event_and_refunds_give_each_milestone_once(
            rewards in proptest::collection::vec(referrer_reward(), 1..6),
            ops in proptest::collection::vec(
                prop_oneof![
                    4 => (0..4u8, 0..6u8).prop_map(|(f, e)| (f, Some(e))),
                    1 => (0..4u8).prop_map(|f| (f, None)),
                ],
                0..60,
            ),
        ) {
            use crate::credit::per_event;
            use crate::offer::{CreditPer, GoalType};
            // key -> (friend, reversed)
            let mut ledger: HashMap<String, (u8, bool)> = HashMap::new();
            let mut credit = 0i64;
            let mut highest = 0i64;
            let mut rows: HashMap<(usize, i64), (u32, u32)> = HashMap::new();
            for (friend, event) in ops {
                let before = credit;
                match event {
                    Some(event) => {
                        let key = per_event(
                            format!("trigger:{friend}"),
                            GoalType::SmartListTrigger,
                            CreditPer::Event,
                            Some(&format!("ord_{event}")),
                        );
                        if ledger.contains_key(&key) {
                            continue;
                        }
                        ledger.insert(key, (friend, false));
                        credit += 1;
                        for (i, r) in rewards.iter().enumerate() {
                            for n in r.newly_reached(before, credit) {
                                let row = rows.entry((i, n)).or_insert((0, 0));
                                if row.0 == 0 {
                                    row.0 = 1;
                                }
                            }
                        }
                    }
                    None => {
                        let mut taken = 0;
                        for (f, reversed) in ledger.values_mut() {
                            if *f == friend && !*reversed {
                                *reversed = true;
                                taken += 1;
                            }
                        }
                        if taken == 0 {
                            continue;
                        }
                        credit = after_reversal(credit, taken);
                        for (i, r) in rewards.iter().enumerate() {
                            for n in r.lost(before, credit) {
                                let row = rows.get_mut(&(i, n)).expect("a lost occurrence was earned");
                                if row.1 == 0 {
                                    row.1 = 1;
                                }
                            }
                        }
                    }
                }
                prop_assert!(credit >= 0);
                highest = highest.max(credit);
            }
            let standing = ledger.values().filter(|(_, reversed)| !reversed).count() as i64;
            prop_assert_eq!(credit, standing);
            prop_assert!(rows.values().all(|&(earned, lost)| earned == 1 && lost <= 1));
            for (i, r) in rewards.iter().enumerate() {
                let mut earned: Vec<i64> = rows.keys().filter(|(j, _)| *j == i).map(|(_, n)| *n).collect();
                earned.sort();
                prop_assert_eq!(earned, (1..=r.reached(highest)).collect::<Vec<_>>());
                for ((_, n), _) in rows.iter().filter(|((j, _), (_, lost))| *j == i && *lost == 0) {
                    prop_assert!(*n <= r.reached(credit), "occurrence {} stands at credit {}", n, credit);
                }
            }
            // Per friend (the default) the same purchases are one credit per friend.
            let per_friend: std::collections::HashSet<String> = ledger
                .keys()
                .map(|k| k.split(":id:").next().unwrap().to_owned())
                .collect();
            prop_assert!(per_friend.len() <= 4);
            prop_assert_eq!(
                per_event("trigger:1".into(), GoalType::SmartListTrigger, CreditPer::Friend, Some("ord_1")),
                "trigger:1"
            );
            prop_assert_eq!(
                per_event("signup:1".into(), GoalType::ReferredSignups, CreditPer::Event, Some("ord_1")),
                "signup:1"
            );
        }

        /// Whatever order and repetition credits arrive in, the occurrences
        /// given are exactly those the final credit reaches, each once.
        #[test]
        fn occurrences_given_match_the_milestones_reached(
            rewards in proptest::collection::vec(referrer_reward(), 1..6),
            keys in proptest::collection::vec(0..12u8, 0..40),
        ) {
            let mut seen = std::collections::HashSet::new();
            let mut credit = 0;
            let mut given: HashMap<(usize, i64), u32> = HashMap::new();
            for key in keys {
                if !seen.insert(key) {
                    continue;
                }
                let before = credit;
                credit += 1;
                for (i, r) in rewards.iter().enumerate() {
                    for n in r.newly_reached(before, credit) {
                        *given.entry((i, n)).or_default() += 1;
                    }
                }
            }
            prop_assert!(given.values().all(|&times| times == 1));
            for (i, r) in rewards.iter().enumerate() {
                let mine: Vec<i64> = {
                    let mut v: Vec<i64> = given.keys().filter(|(j, _)| *j == i).map(|(_, n)| *n).collect();
                    v.sort();
                    v
                };
                prop_assert_eq!(mine, (1..=r.reached(credit)).collect::<Vec<_>>());
                if let Some(at) = r.at {
                    prop_assert_eq!(r.reached(credit), i64::from(credit >= at));
                }
            }
        }
    }
}
