//! Referral fraud rules: what a credit looks like, and whether to count it,
//! hold it for review, or refuse it.
//!
//! The rules are an offer's settings (`fraud`), each with an outcome
//! `allow | review | block`. The store gathers the [`Signals`] of a credit
//! (its friend's and referrer's emails, how many credits the referrer got in
//! the last hour, the client addresses each was seen at, how many sign-ups
//! came from the friend's address in the last hour) and [`judge`] decides;
//! the most severe outcome of the rules that fire wins. Self-referral through the same email, the same
//! person or the same browser is never credited at all (SPEC §3); these
//! rules catch its variants.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::email::Email;
use crate::offer::Problem;
use crate::Millis;

/// What a rule does when it fires. Ordered by severity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Count the credit.
    #[default]
    Allow,
    /// Hold the credit until an operator approves it.
    Review,
    /// Never count the credit.
    Block,
}

/// A rule on a count per hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Velocity {
    /// Fires once more than this many happened in the past hour.
    pub max_per_hour: u32,
    pub outcome: Outcome,
}

/// A rule on the client address a friend and its referrer were seen at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SameIp {
    /// How far back a sighting of an address counts, in hours.
    pub window_hours: u32,
    pub outcome: Outcome,
}

/// An offer's fraud rules. The defaults refuse the obvious (an email variant
/// of the referrer's), and hold the doubtful (a disposable address; more than
/// 100 credits an hour, far above a real person's friends; a friend at the
/// referrer's own address; more than 20 sign-ups an hour from the friend's
/// address) for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FraudSettings {
    /// The friend's email is the referrer's once `+tags` and Gmail dots are dropped.
    pub email_variant: Outcome,
    /// The friend's email is at a disposable-mail domain.
    pub disposable_email: Outcome,
    /// The referrer got more than this many credits in the past hour.
    pub credit_velocity: Velocity,
    /// The friend's browser came from an address the referrer used within the window.
    pub same_ip: SameIp,
    /// More than this many people signed up to the offer from the friend's
    /// address in the past hour.
    pub ip_sign_up_velocity: Velocity,
    /// A referred sign-up earns its referrer credit only once the friend
    /// follows the confirmation link emailed to them: the strongest defence
    /// against sign-ups with made-up or borrowed addresses. Off by default.
    pub verify_friend_email: bool,
}

impl Default for FraudSettings {
    fn default() -> Self {
        Self {
            email_variant: Outcome::Block,
            disposable_email: Outcome::Review,
            credit_velocity: Velocity {
                max_per_hour: 100,
                outcome: Outcome::Review,
            },
            same_ip: SameIp {
                window_hours: 24,
                outcome: Outcome::Review,
            },
            ip_sign_up_velocity: Velocity {
                max_per_hour: 20,
                outcome: Outcome::Review,
            },
            verify_friend_email: false,
        }
    }
}

impl FraudSettings {
    /// Problems with these rules, named by field.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.credit_velocity.max_per_hour == 0 {
            out.push(Problem::invalid(
                "fraud.credit_velocity.max_per_hour",
                "out_of_range",
                "max_per_hour must be at least 1",
            ));
        }
        if self.ip_sign_up_velocity.max_per_hour == 0 {
            out.push(Problem::invalid(
                "fraud.ip_sign_up_velocity.max_per_hour",
                "out_of_range",
                "max_per_hour must be at least 1",
            ));
        }
        if !(1..=24 * 90).contains(&self.same_ip.window_hours) {
            out.push(Problem::invalid(
                "fraud.same_ip.window_hours",
                "out_of_range",
                "window_hours must be between 1 and 2160 (90 days)",
            ));
        }
        out
    }
}

/// A client address and when it was last seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sighting {
    pub ip: IpAddr,
    pub at: Millis,
}

/// Whether an address can tell people apart. Loopback, private, link-local
/// and unspecified addresses are a proxy's or a test's, shared by everyone
/// behind it, so the address rules never compare them.
pub fn identifies_a_client(ip: &IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64) // 100.64/10, carrier NAT
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80) // link-local
        }
    }
}

/// Whether the friend was seen at an address the referrer was also seen at,
/// both sightings within `window` of `now`.
pub fn shares_an_address(
    friend: &[Sighting],
    referrer: &[Sighting],
    now: Millis,
    window: Millis,
) -> bool {
    let recent = |s: &&Sighting| now - s.at <= window && identifies_a_client(&s.ip);
    friend.iter().filter(recent).any(|f| {
        referrer
            .iter()
            .filter(recent)
            .any(|r| r.ip.to_canonical() == f.ip.to_canonical())
    })
}

/// What is known about a credit when it is judged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signals {
    pub friend_email: Option<Email>,
    pub referrer_email: Option<Email>,
    /// Credits the referrer got in the past hour, this one included.
    pub referrer_credits_last_hour: u32,
    /// The addresses the friend's browsers were last seen at.
    pub friend_ips: Vec<Sighting>,
    /// The addresses the referrer signed up from and its browser was last seen at.
    pub referrer_ips: Vec<Sighting>,
    /// The most sign-ups to the offer in the past hour from one of the
    /// friend's addresses (only addresses that identify a client count).
    pub sign_ups_from_friend_ip_last_hour: u32,
    pub now: Millis,
}

/// The decision on one credit, with the rules that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub outcome: Outcome,
    pub reasons: Vec<&'static str>,
}

/// The address with what does not change the mailbox removed: a `+tag`,
/// and the dots of a Gmail local part (`a.b+x@googlemail.com` → `ab@gmail.com`).
pub fn canonical_email(email: &Email) -> String {
    let (local, domain) = email
        .as_str()
        .split_once('@')
        .unwrap_or((email.as_str(), ""));
    let local = local.split('+').next().unwrap_or(local);
    match domain {
        "gmail.com" | "googlemail.com" => format!("{}@gmail.com", local.replace('.', "")),
        _ => format!("{local}@{domain}"),
    }
}

/// Whether the address is at a known disposable-mail domain (the list of
/// the maintained `mailchecker` crate).
pub fn is_disposable(email: &Email) -> bool {
    // Only the domain is judged: a local part the list's syntax check
    // dislikes is not a disposable domain.
    let domain = email.as_str().rsplit_once('@').map_or("", |(_, d)| d);
    let known = judged_domains()
        .lock()
        .ok()
        .and_then(|d| d.get(domain).copied());
    if let Some(known) = known {
        return known;
    }
    let disposable = !mailchecker::is_valid(&format!("x@{domain}"));
    if let Ok(mut judged) = judged_domains().lock() {
        if judged.len() >= JUDGED_DOMAINS {
            judged.clear();
        }
        judged.insert(domain.to_owned(), disposable);
    }
    disposable
}

/// Domains judged at most before [`judged_domains`] starts over.
const JUDGED_DOMAINS: usize = 4_096;

/// What [`is_disposable`] found of each domain it judged. The list is one
/// of some 56,000 domains read one after another, about 400,000
/// instructions an address, where a referral's friends mostly come from a
/// handful of domains (the same list gives the same answer for a domain).
fn judged_domains() -> &'static Mutex<HashMap<String, bool>> {
    static JUDGED: OnceLock<Mutex<HashMap<String, bool>>> = OnceLock::new();
    JUDGED.get_or_init(Mutex::default)
}

/// Applies the rules: the most severe outcome of those that fire.
pub fn judge(rules: &FraudSettings, signals: &Signals) -> Verdict {
    let mut fired = Vec::new();
    if let (Some(friend), Some(referrer)) = (&signals.friend_email, &signals.referrer_email) {
        if canonical_email(friend) == canonical_email(referrer) {
            fired.push(("email_variant", rules.email_variant));
        }
    }
    if signals.friend_email.as_ref().is_some_and(is_disposable) {
        fired.push(("disposable_email", rules.disposable_email));
    }
    let velocity = rules.credit_velocity;
    if signals.referrer_credits_last_hour > velocity.max_per_hour {
        fired.push(("credit_velocity", velocity.outcome));
    }
    let same_ip = rules.same_ip;
    let window = Millis::from(same_ip.window_hours) * 60 * 60 * 1000;
    if shares_an_address(
        &signals.friend_ips,
        &signals.referrer_ips,
        signals.now,
        window,
    ) {
        fired.push(("same_ip", same_ip.outcome));
    }
    let sign_ups = rules.ip_sign_up_velocity;
    if signals.sign_ups_from_friend_ip_last_hour > sign_ups.max_per_hour {
        fired.push(("ip_sign_up_velocity", sign_ups.outcome));
    }
    fired.retain(|(_, outcome)| *outcome != Outcome::Allow);
    Verdict {
        outcome: fired
            .iter()
            .map(|(_, o)| *o)
            .max()
            .unwrap_or(Outcome::Allow),
        reasons: fired.into_iter().map(|(reason, _)| reason).collect(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn email(s: &str) -> Email {
        Email::parse(s).unwrap()
    }

    fn signals(friend: &str, referrer: &str, last_hour: u32) -> Signals {
        Signals {
            friend_email: Some(email(friend)),
            referrer_email: Some(email(referrer)),
            referrer_credits_last_hour: last_hour,
            ..Signals::default()
        }
    }

    fn seen(ip: &str, at: Millis) -> Sighting {
        Sighting {
            ip: ip.parse().unwrap(),
            at,
        }
    }

    const HOUR: Millis = 60 * 60 * 1000;

    #[test]
    fn a_friend_at_the_referrers_address_within_the_window_is_flagged() {
        let rules = FraudSettings::default();
        let now = 100 * HOUR;
        let at = |friend: Vec<Sighting>, referrer: Vec<Sighting>| Signals {
            friend_ips: friend,
            referrer_ips: referrer,
            now,
            ..signals("bob@example.com", "ada@example.com", 1)
        };
        let same = judge(
            &rules,
            &at(
                vec![seen("203.0.113.7", now)],
                vec![seen("198.51.100.1", now), seen("203.0.113.7", now - HOUR)],
            ),
        );
        assert_eq!(
            (same.outcome, same.reasons),
            (Outcome::Review, vec!["same_ip"])
        );
        let stale = judge(
            &rules,
            &at(
                vec![seen("203.0.113.7", now)],
                vec![seen("203.0.113.7", now - 25 * HOUR)],
            ),
        );
        assert_eq!(stale.outcome, Outcome::Allow, "outside the 24-hour window");
        let other = judge(
            &rules,
            &at(
                vec![seen("203.0.113.7", now)],
                vec![seen("203.0.113.8", now)],
            ),
        );
        assert_eq!(other.outcome, Outcome::Allow);
        let mapped = judge(
            &rules,
            &at(
                vec![seen("::ffff:203.0.113.7", now)],
                vec![seen("203.0.113.7", now)],
            ),
        );
        assert_eq!(
            mapped.reasons,
            ["same_ip"],
            "an IPv4-mapped IPv6 address is the IPv4 one"
        );
    }

    #[test]
    fn shared_infrastructure_addresses_never_match() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.10",
            "172.16.0.1",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "0.0.0.0",
        ] {
            assert!(!identifies_a_client(&ip.parse().unwrap()), "{ip}");
            assert!(
                !shares_an_address(&[seen(ip, 0)], &[seen(ip, 0)], 0, HOUR),
                "{ip}"
            );
        }
        for ip in ["203.0.113.7", "8.8.8.8", "2001:db8::1"] {
            assert!(identifies_a_client(&ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn many_sign_ups_from_the_friends_address_is_flagged() {
        let rules = FraudSettings {
            ip_sign_up_velocity: Velocity {
                max_per_hour: 3,
                outcome: Outcome::Block,
            },
            ..FraudSettings::default()
        };
        let count = |n| Signals {
            sign_ups_from_friend_ip_last_hour: n,
            ..signals("bob@example.com", "ada@example.com", 1)
        };
        assert_eq!(judge(&rules, &count(3)).outcome, Outcome::Allow);
        let many = judge(&rules, &count(4));
        assert_eq!(
            (many.outcome, many.reasons),
            (Outcome::Block, vec!["ip_sign_up_velocity"])
        );
    }

    #[test]
    fn tags_and_gmail_dots_are_the_same_mailbox() {
        assert_eq!(
            canonical_email(&email("A.Da+promo@Gmail.com")),
            "ada@gmail.com"
        );
        assert_eq!(
            canonical_email(&email("ada@googlemail.com")),
            "ada@gmail.com"
        );
        assert_eq!(
            canonical_email(&email("a.da+x@example.com")),
            "a.da@example.com"
        );
    }

    #[test]
    fn a_domain_judged_again_gets_the_list_s_answer() {
        for (address, listed) in [
            ("x@mailinator.com", true),
            ("y@mailinator.com", true),
            ("z@sub.10minutemail.com", true),
            ("ada@example.com", false),
            ("bob@example.com", false),
        ] {
            for _ in 0..2 {
                assert_eq!(is_disposable(&email(address)), listed, "{address}");
            }
        }
    }

    #[test]
    fn each_rule_gives_its_outcome() {
        let rules = FraudSettings::default();
        let variant = judge(&rules, &signals("ada+1@gmail.com", "a.da@gmail.com", 1));
        assert_eq!(variant.outcome, Outcome::Block);
        assert_eq!(variant.reasons, ["email_variant"]);
        let disposable = judge(&rules, &signals("x@mailinator.com", "ada@example.com", 1));
        assert_eq!(disposable.outcome, Outcome::Review);
        assert_eq!(disposable.reasons, ["disposable_email"]);
        let fast = judge(&rules, &signals("bob@example.com", "ada@example.com", 101));
        assert_eq!(
            (fast.outcome, fast.reasons),
            (Outcome::Review, vec!["credit_velocity"])
        );
        let fine = judge(&rules, &signals("bob@example.com", "ada@example.com", 100));
        assert_eq!(fine.outcome, Outcome::Allow);
    }

    #[test]
    fn an_allowed_rule_does_not_fire() {
        let rules = FraudSettings {
            disposable_email: Outcome::Allow,
            ..FraudSettings::default()
        };
        let verdict = judge(&rules, &signals("x@mailinator.com", "ada@example.com", 1));
        assert_eq!(
            verdict,
            Verdict {
                outcome: Outcome::Allow,
                reasons: vec![]
            }
        );
    }

    #[test]
    fn settings_parse_validate_and_refuse_unknown_fields() {
        let parsed: FraudSettings =
            serde_json::from_value(serde_json::json!({"disposable_email": "block"})).unwrap();
        assert_eq!(parsed.disposable_email, Outcome::Block);
        assert_eq!(
            parsed.email_variant,
            Outcome::Block,
            "the rest keeps its default"
        );
        assert!(
            serde_json::from_value::<FraudSettings>(serde_json::json!({"ip": "block"})).is_err()
        );
        let zero = FraudSettings {
            credit_velocity: Velocity {
                max_per_hour: 0,
                outcome: Outcome::Block,
            },
            ..FraudSettings::default()
        };
        assert_eq!(
            zero.problems()[0].field,
            "fraud.credit_velocity.max_per_hour"
        );
        let wide = FraudSettings {
            same_ip: SameIp {
                window_hours: 0,
                outcome: Outcome::Review,
            },
            ..FraudSettings::default()
        };
        assert_eq!(wide.problems()[0].field, "fraud.same_ip.window_hours");
    }

    fn outcome() -> impl Strategy<Value = Outcome> {
        prop_oneof![
            Just(Outcome::Allow),
            Just(Outcome::Review),
            Just(Outcome::Block)
        ]
    }

    proptest! {
        /// The verdict is the most severe outcome among the rules that fired,
        /// and a rule set to `allow` never changes it.
        #[test]
        fn the_most_severe_fired_rule_wins(
            variant in outcome(), disposable in outcome(), velocity in outcome(),
            max in 1u32..50, count in 0u32..100,
            local in "[a-z]{1,8}", tag in "[a-z0-9]{0,5}", dots in 0usize..3,
        ) {
            let rules = FraudSettings {
                email_variant: variant,
                disposable_email: disposable,
                credit_velocity: Velocity { max_per_hour: max, outcome: velocity },
                ..FraudSettings::default()
            };
            let mut dotted = local.clone();
            dotted.insert(dots.min(local.len()), '.');
            let friend = format!("{dotted}+{tag}@gmail.com");
            let verdict = judge(&rules, &signals(&friend, &format!("{local}@gmail.com"), count));
            let mut expected = variant;
            if count > max { expected = expected.max(velocity); }
            prop_assert_eq!(verdict.outcome, expected);
            prop_assert!(verdict.reasons.contains(&"email_variant") == (variant != Outcome::Allow));
        }
    }
}
