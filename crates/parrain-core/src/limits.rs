//! Who may earn credit and how much (SPEC §15): existing customers
//! excluded, and caps per referrer and per share link.
//!
//! A credit that does not count is still kept in the ledger under its key
//! (so a retry of the same fact is a duplicate, not a second refusal) and
//! recorded as `credit.ineligible` with its [`Ineligible`] reason.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::email::Email;
use crate::offer::{valid_event_name, Problem};
use crate::promo::LineProblem;

/// `eligibility`: who may be counted as a referred friend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    /// A friend on the offer's existing-customer list earns nothing.
    #[serde(default)]
    pub exclude_existing_customers: bool,
    /// A server event of this name adds its person to the list (`customer.created`).
    #[serde(default)]
    pub customer_event: Option<String>,
}

impl Eligibility {
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    pub(crate) fn problems(&self, out: &mut Vec<Problem>) {
        if let Some(name) = &self.customer_event {
            if !valid_event_name(name) {
                out.push(Problem::invalid(
                    "eligibility.customer_event",
                    "invalid",
                    "event names are 1 to 100 characters without spaces",
                ));
            }
        }
    }
}

/// `limits`: caps on what one referrer or one share link earns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Credits a referrer may earn in the offer; past it a credit is ineligible.
    #[serde(default)]
    pub max_credits_per_referrer: Option<i64>,
    /// Referrer rewards a referrer may earn in the offer (its friends'
    /// rewards aside, cancelled ones not counted); past it a credit is
    /// ineligible, and a credit that reaches several rewards earns only
    /// those within it.
    #[serde(default)]
    pub max_rewards_per_referrer: Option<i64>,
    /// Clicks a share link records per UTC day; past it a click still
    /// redirects but records, attributes and earns nothing.
    #[serde(default)]
    pub max_clicks_per_link_per_day: Option<i64>,
}

impl Limits {
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    pub(crate) fn problems(&self, out: &mut Vec<Problem>) {
        for (field, value) in [
            (
                "limits.max_credits_per_referrer",
                self.max_credits_per_referrer,
            ),
            (
                "limits.max_rewards_per_referrer",
                self.max_rewards_per_referrer,
            ),
            (
                "limits.max_clicks_per_link_per_day",
                self.max_clicks_per_link_per_day,
            ),
        ] {
            if value.is_some_and(|v| !(1..=1_000_000_000).contains(&v)) {
                out.push(Problem::invalid(
                    field,
                    "out_of_range",
                    format!("{field} must be between 1 and 1000000000"),
                ));
            }
        }
    }

    /// Whether the click that makes `clicks` today (itself included) counts.
    pub fn click_counts(&self, clicks: i64) -> bool {
        self.max_clicks_per_link_per_day
            .is_none_or(|max| clicks <= max)
    }
}

/// Why a credit did not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    /// The friend is on the offer's existing-customer list.
    ExistingCustomer,
    /// The referrer has `limits.max_credits_per_referrer` credits already.
    CreditCap,
    /// The referrer has `limits.max_rewards_per_referrer` rewards already.
    RewardCap,
    /// The friend is the referrer itself (its email or one of its browsers).
    SelfReferral,
    /// A fraud rule blocked the credit (`fraud`'s `block` outcome).
    FraudRule,
    /// An operator rejected the credit a fraud rule held for review.
    RejectedInReview,
}

impl Ineligible {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExistingCustomer => "existing_customer",
            Self::CreditCap => "credit_cap",
            Self::RewardCap => "reward_cap",
            Self::SelfReferral => "self_referral",
            Self::FraudRule => "fraud_rule",
            Self::RejectedInReview => "rejected_in_review",
        }
    }
}

/// Whether a new credit counts, for a referrer that has `credit` counted
/// credits and `rewards` rewards, and a friend who is (or not) an existing
/// customer.
pub fn judge(
    eligibility: &Eligibility,
    limits: &Limits,
    existing_customer: bool,
    credit: i64,
    rewards: i64,
) -> Option<Ineligible> {
    if eligibility.exclude_existing_customers && existing_customer {
        return Some(Ineligible::ExistingCustomer);
    }
    if limits
        .max_credits_per_referrer
        .is_some_and(|max| credit >= max)
    {
        return Some(Ineligible::CreditCap);
    }
    if limits
        .max_rewards_per_referrer
        .is_some_and(|max| rewards >= max)
    {
        return Some(Ineligible::RewardCap);
    }
    None
}

impl Limits {
    /// How many of `due` new rewards a referrer holding `rewards` may earn.
    pub fn rewards_within(&self, rewards: i64, due: usize) -> usize {
        match self.max_rewards_per_referrer {
            Some(max) => due.min(usize::try_from((max - rewards).max(0)).unwrap_or(0)),
            None => due,
        }
    }
}

/// One line of an existing-customer upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Customer {
    Email(Email),
    /// SHA-256 of the lower-cased email, lower-case hex.
    Hash(String),
}

/// Parses an existing-customer upload (CSV, one customer per row, the first
/// column an email or a SHA-256 hash of the lower-cased email). Blank rows
/// and a first row naming the column (`email`, `hash`, `sha256`,
/// `email_hash`) are skipped; any other row that is neither is reported by
/// line, and nothing of the upload is kept.
pub fn parse_customers(text: &str) -> Result<Vec<Customer>, Vec<LineProblem>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line = index + 1;
        let first = raw.split(',').next().unwrap_or_default();
        let value = first.trim().trim_matches('"').trim();
        if value.is_empty() {
            continue;
        }
        let lower = value.to_ascii_lowercase();
        if line == 1 && ["email", "hash", "sha256", "email_hash"].contains(&lower.as_str()) {
            continue;
        }
        if lower.len() == 64 && lower.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.push(Customer::Hash(lower));
        } else if let Ok(email) = Email::parse(value) {
            out.push(Customer::Email(email));
        } else {
            problems.push(LineProblem {
                line,
                code: "invalid",
                message: "neither an email nor a SHA-256 hash (64 hex digits)".into(),
            });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn uploads_take_emails_and_hashes_and_report_bad_lines() {
        let hash = "A".repeat(64);
        let upload = format!("email\r\nAna@Example.com,Ana\n\n{hash}\n\"bob@example.com\"\n");
        let parsed = parse_customers(&upload).unwrap();
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[1], Customer::Hash("a".repeat(64)));
        let refused = parse_customers("ana@example.com\nnot an email\nabc").unwrap_err();
        assert_eq!(refused.iter().map(|p| p.line).collect::<Vec<_>>(), [2, 3]);
    }

    proptest! {
        /// Credits judged one at a time stop exactly at the cap; an existing
        /// customer never counts, whatever the cap.
        #[test]
        fn credits_stop_exactly_at_the_cap(
            max in proptest::option::of(1..20i64),
            friends in proptest::collection::vec(any::<bool>(), 0..60),
            exclude in any::<bool>(),
        ) {
            let eligibility = Eligibility { exclude_existing_customers: exclude, customer_event: None };
            let limits = Limits { max_credits_per_referrer: max, ..Limits::default() };
            let mut credit = 0;
            for &existing in &friends {
                match judge(&eligibility, &limits, existing, credit, 0) {
                    None => credit += 1,
                    Some(Ineligible::ExistingCustomer) => prop_assert!(exclude && existing),
                    Some(Ineligible::CreditCap) => prop_assert_eq!(Some(credit), max),
                    Some(other) => prop_assert!(false, "unexpected {other:?}"),
                }
            }
            let eligible = friends.iter().filter(|&&e| !(exclude && e)).count() as i64;
            prop_assert_eq!(credit, max.map_or(eligible, |m| eligible.min(m)));
        }

        /// A link's clicks count up to the day's cap, then none.
        #[test]
        fn clicks_count_up_to_the_cap(max in proptest::option::of(1..50i64), clicks in 1..100i64) {
            let limits = Limits { max_clicks_per_link_per_day: max, ..Limits::default() };
            let counted = (1..=clicks).filter(|&n| limits.click_counts(n)).count() as i64;
            prop_assert_eq!(counted, max.map_or(clicks, |m| clicks.min(m)));
        }

        /// Rewards earned credit by credit, several at a time, stop exactly
        /// at the cap; past it credits are ineligible.
        #[test]
        fn rewards_stop_exactly_at_the_cap(
            max in proptest::option::of(1..20i64),
            due_per_credit in proptest::collection::vec(0..4usize, 0..60),
        ) {
            let limits = Limits { max_rewards_per_referrer: max, ..Limits::default() };
            let mut rewards = 0i64;
            let mut wanted = 0i64;
            for &due in &due_per_credit {
                if judge(&Eligibility::default(), &limits, false, 0, rewards).is_some() {
                    prop_assert_eq!(Some(rewards), max);
                    continue;
                }
                wanted += due as i64;
                rewards += limits.rewards_within(rewards, due) as i64;
                prop_assert!(max.is_none_or(|m| rewards <= m));
            }
            prop_assert_eq!(rewards, max.map_or(wanted, |m| wanted.min(m)));
        }
    }
}
