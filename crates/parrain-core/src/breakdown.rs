//! A report's breakdowns (SPEC §5.6, §11): shares, clicks and referred
//! sign-ups by the network they came through, and rewards by id and state.
//!
//! Each activity that a breakdown counts is tallied under a key (see
//! [`key`]): the network of a share, a click or a referred sign-up, the
//! reward of a reward's activity. The store keeps its hourly tallies per
//! key; this module says what each key means and sums them per bucket.

use serde_json::Value;

use crate::activity::ActivityType;
use crate::report::Window;
use crate::Millis;

/// The networks a report breaks down by, in the order it shows them. A
/// click or a referred sign-up whose link named no network is `link`.
pub const NETWORKS: [&str; 5] = ["email", "x", "linkedin", "facebook", "link"];

/// Appended to a reward's key for an occurrence earned into a hold.
const HELD: &str = ":held";

/// The key an activity is tallied under ('' for none): the network of a
/// share, a click or a sign-up that followed a share link; the reward of a
/// reward's activity (`ID:held` for one earned into a hold).
pub fn key(kind: ActivityType, details: &Value) -> String {
    let text = |k: &str| details.get(k).and_then(Value::as_str).unwrap_or_default();
    let network = || match text("channel") {
        "" => "link".to_owned(),
        c => c.to_owned(),
    };
    match kind {
        ActivityType::SharesContent | ActivityType::ClicksSharedLink => network(),
        ActivityType::SignsUp if details.get("referred_by").is_some_and(|v| !v.is_null()) => {
            network()
        }
        ActivityType::RewardEarned if text("state") == "held" => {
            format!("{}{HELD}", text("reward_id"))
        }
        ActivityType::RewardEarned
        | ActivityType::RewardGiven
        | ActivityType::RewardCancelled
        | ActivityType::RewardClawback => text("reward_id").to_owned(),
        _ => String::new(),
    }
}

/// Shares, clicks and referred sign-ups through one network.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetworkTally {
    pub shares: i64,
    pub clicks: i64,
    pub sign_ups: i64,
}

impl NetworkTally {
    fn add(&mut self, other: &Self) {
        self.shares += other.shares;
        self.clicks += other.clicks;
        self.sign_ups += other.sign_ups;
    }
}

/// What happened to one reward's occurrences: earned (of which `held`
/// were earned into a hold), given, cancelled, clawed back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RewardTally {
    pub earned: i64,
    pub held: i64,
    pub given: i64,
    pub cancelled: i64,
    pub clawed_back: i64,
}

impl RewardTally {
    fn add(&mut self, other: &Self) {
        self.earned += other.earned;
        self.held += other.held;
        self.given += other.given;
        self.cancelled += other.cancelled;
        self.clawed_back += other.clawed_back;
    }
}

/// What `count` activities of a type under a key add to a breakdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Network(&'static str, NetworkTally),
    Reward(String, RewardTally),
}

impl Part {
    /// `None` for what no breakdown counts (a sign-up nobody referred, a
    /// visit, a type without a key).
    pub fn of(kind: ActivityType, key: &str, count: i64) -> Option<Self> {
        let network = |t: NetworkTally| {
            // Only the five networks are recorded; anything else is a plain link.
            let name = NETWORKS.iter().find(|n| **n == key).unwrap_or(&"link");
            Some(Self::Network(name, t))
        };
        let reward = |id: &str, t: RewardTally| Some(Self::Reward(id.to_owned(), t));
        if key.is_empty() {
            return None;
        }
        match kind {
            ActivityType::SharesContent => network(NetworkTally {
                shares: count,
                ..NetworkTally::default()
            }),
            ActivityType::ClicksSharedLink => network(NetworkTally {
                clicks: count,
                ..NetworkTally::default()
            }),
            ActivityType::SignsUp => network(NetworkTally {
                sign_ups: count,
                ..NetworkTally::default()
            }),
            ActivityType::RewardEarned => match key.strip_suffix(HELD) {
                Some(id) => reward(
                    id,
                    RewardTally {
                        earned: count,
                        held: count,
                        ..RewardTally::default()
                    },
                ),
                None => reward(
                    key,
                    RewardTally {
                        earned: count,
                        ..RewardTally::default()
                    },
                ),
            },
            ActivityType::RewardGiven => reward(
                key,
                RewardTally {
                    given: count,
                    ..RewardTally::default()
                },
            ),
            ActivityType::RewardCancelled => reward(
                key,
                RewardTally {
                    cancelled: count,
                    ..RewardTally::default()
                },
            ),
            ActivityType::RewardClawback => reward(
                key,
                RewardTally {
                    clawed_back: count,
                    ..RewardTally::default()
                },
            ),
            _ => None,
        }
    }
}

/// The five networks over a window and per bucket, in [`NETWORKS`]' order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByNetwork {
    pub total: [(&'static str, NetworkTally); 5],
    /// Every bucket of the window, oldest first.
    pub series: Vec<(Millis, [NetworkTally; 5])>,
}

/// The five networks over the whole window and per bucket (every bucket of
/// `window`, empty ones included); `parts` are keyed by bucket start.
pub fn by_network(window: &Window, parts: &[(Millis, Part)]) -> ByNetwork {
    let starts = window.bucket_starts();
    let mut series = vec![[NetworkTally::default(); 5]; starts.len()];
    let mut total = [NetworkTally::default(); 5];
    for (start, part) in parts {
        let Part::Network(name, t) = part else {
            continue;
        };
        let n = NETWORKS.iter().position(|x| x == name).unwrap_or(4);
        total[n].add(t);
        if let Ok(b) = starts.binary_search(start) {
            series[b][n].add(t);
        }
    }
    ByNetwork {
        total: std::array::from_fn(|i| (NETWORKS[i], total[i])),
        series: starts.into_iter().zip(series).collect(),
    }
}

/// One reward's tallies over the window and per bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardSeries {
    pub reward_id: String,
    pub total: RewardTally,
    /// Every bucket of the window, oldest first.
    pub series: Vec<(Millis, RewardTally)>,
}

/// Every reward of `ids` (the offer's, in its order) and then any other
/// reward the window counted, each over the window and per bucket.
pub fn by_reward(window: &Window, ids: &[String], parts: &[(Millis, Part)]) -> Vec<RewardSeries> {
    let starts = window.bucket_starts();
    let mut out: Vec<RewardSeries> = ids
        .iter()
        .map(|id| RewardSeries {
            reward_id: id.clone(),
            total: RewardTally::default(),
            series: starts
                .iter()
                .map(|s| (*s, RewardTally::default()))
                .collect(),
        })
        .collect();
    for (start, part) in parts {
        let Part::Reward(id, t) = part else {
            continue;
        };
        let i = match out.iter().position(|r| r.reward_id == *id) {
            Some(i) => i,
            None => {
                out.push(RewardSeries {
                    reward_id: id.clone(),
                    total: RewardTally::default(),
                    series: starts
                        .iter()
                        .map(|s| (*s, RewardTally::default()))
                        .collect(),
                });
                out.len() - 1
            }
        };
        out[i].total.add(t);
        if let Ok(b) = starts.binary_search(start) {
            out[i].series[b].1.add(t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Interval;
    use proptest::prelude::*;
    use serde_json::json;

    const H: Millis = 3_600_000;

    #[test]
    fn keys_name_the_network_or_the_reward() {
        let share = json!({"channel": "x"});
        assert_eq!(key(ActivityType::SharesContent, &share), "x");
        let click = json!({"channel": null});
        assert_eq!(key(ActivityType::ClicksSharedLink, &click), "link");
        let referred = json!({"referred_by": "par_1", "channel": "linkedin"});
        assert_eq!(key(ActivityType::SignsUp, &referred), "linkedin");
        let alone = json!({"referred_by": null, "channel": null});
        assert_eq!(key(ActivityType::SignsUp, &alone), "");
        let held = json!({"reward_id": "tier-1", "state": "held"});
        assert_eq!(key(ActivityType::RewardEarned, &held), "tier-1:held");
        assert_eq!(
            Part::of(ActivityType::RewardEarned, "tier-1:held", 2),
            Some(Part::Reward(
                "tier-1".into(),
                RewardTally {
                    earned: 2,
                    held: 2,
                    ..RewardTally::default()
                }
            ))
        );
        assert_eq!(key(ActivityType::VisitsOfferPage, &json!({})), "");
    }

    fn kinds() -> impl Strategy<Value = ActivityType> {
        prop::sample::select(vec![
            ActivityType::SharesContent,
            ActivityType::ClicksSharedLink,
            ActivityType::SignsUp,
            ActivityType::RewardEarned,
            ActivityType::RewardGiven,
            ActivityType::RewardCancelled,
            ActivityType::RewardClawback,
            ActivityType::VisitsOfferPage,
        ])
    }

    proptest! {
        /// Whatever the activities, each is counted once: the buckets add up
        /// to the window's totals, every network and reward counted is one
        /// that was recorded, and held never exceeds earned.
        #[test]
        fn buckets_add_up_to_the_totals(
            acts in prop::collection::vec((kinds(), 0..6usize, 0..3usize, any::<bool>(), 0..5i64), 0..60)
        ) {
            let window = Window::new(0, 5 * H, Interval::Hour).unwrap();
            let channels = ["email", "x", "linkedin", "facebook", "link", ""];
            let mut parts = Vec::new();
            let (mut shares, mut earned) = (0, 0);
            for (kind, c, r, held, hour) in &acts {
                let details = json!({
                    "channel": channels[*c], "referred_by": "par_1",
                    "reward_id": format!("r{r}"), "state": if *held { "held" } else { "earned" },
                });
                let k = key(*kind, &details);
                shares += i64::from(*kind == ActivityType::SharesContent);
                earned += i64::from(*kind == ActivityType::RewardEarned);
                if let Some(p) = Part::of(*kind, &k, 1) {
                    parts.push((hour * H, p));
                }
            }
            let ByNetwork { total, series } = by_network(&window, &parts);
            prop_assert_eq!(total.iter().map(|(_, t)| t.shares).sum::<i64>(), shares);
            for (i, (_, t)) in total.iter().enumerate() {
                let mut sum = NetworkTally::default();
                for (_, b) in &series {
                    sum.add(&b[i]);
                }
                prop_assert_eq!(sum, *t);
            }
            let rewards = by_reward(&window, &["r0".into()], &parts);
            prop_assert_eq!(rewards[0].reward_id.as_str(), "r0");
            prop_assert_eq!(rewards.iter().map(|r| r.total.earned).sum::<i64>(), earned);
            for r in &rewards {
                prop_assert!(r.total.held <= r.total.earned);
                let mut sum = RewardTally::default();
                for (_, b) in &r.series {
                    sum.add(b);
                }
                prop_assert_eq!(sum, r.total);
            }
        }
    }
}
