//! Rewards as a web page sees them with the publishable key (SPEC §11,
//! §12): the offer's milestones, and a participant's own rewards with their
//! codes, for the token holder only. Pools, emails and other people never
//! appear here.

use parrain_core::offer::OfferSettings;
use parrain_core::reward::{FriendOn, Reward, RewardFor, RewardState};
use parrain_store::ParticipantReward;
use serde::Serialize;
use utoipa::ToSchema;

use super::ts;

/// One reward of the offer, as the widget shows it to anyone.
#[derive(Serialize, ToSchema)]
pub struct PublicRewardOut {
    pub id: String,
    #[serde(rename = "for")]
    #[schema(inline)]
    pub for_: RewardFor,
    pub at: Option<i64>,
    pub every: Option<i64>,
    pub max_times: Option<i64>,
    /// Friend rewards: `credit` (the friend's qualifying fact) or `sign_up`.
    #[schema(inline)]
    pub on: Option<FriendOn>,
    pub label: Option<String>,
}

impl From<&Reward> for PublicRewardOut {
    fn from(r: &Reward) -> Self {
        Self {
            id: r.id.clone(),
            for_: r.for_,
            at: r.at,
            every: r.every,
            max_times: r.max_times,
            on: (r.for_ == RewardFor::Friend).then(|| r.on.unwrap_or_default()),
            label: r.label.clone(),
        }
    }
}

/// Whether the widget shows the leaderboard (`GET /v1/offers/{id}/leaderboard`).
#[derive(Serialize, ToSchema)]
pub struct PublicLeaderboardOut {
    pub enabled: bool,
    pub size: i64,
}

impl PublicLeaderboardOut {
    pub fn new(s: &OfferSettings) -> Self {
        Self {
            enabled: s.leaderboard.enabled,
            size: s.leaderboard.size,
        }
    }
}

/// One of the participant's own rewards, for the holder of its token.
#[derive(Serialize, ToSchema)]
pub struct MyRewardOut {
    pub reward_id: String,
    /// 1 for an `at` or friend reward; the n-th time for an `every` reward.
    pub occurrence: i64,
    /// True for the reward the participant got as a friend (double-sided).
    pub as_friend: bool,
    pub label: Option<String>,
    #[schema(inline)]
    pub state: RewardState,
    /// Its promo code, once given.
    pub promo_code: Option<String>,
    pub earned_at: String,
    /// For a held reward: when its hold ends.
    pub release_at: Option<String>,
    pub given_at: Option<String>,
}

impl MyRewardOut {
    pub fn new(r: &ParticipantReward, settings: Option<&OfferSettings>) -> Self {
        let label = settings
            .and_then(|s| s.rewards.iter().find(|d| d.id == r.reward_id))
            .and_then(|d| d.label.clone());
        Self {
            reward_id: r.reward_id.clone(),
            occurrence: r.occurrence,
            as_friend: r.friend_of.is_some(),
            label,
            state: r.state,
            promo_code: r.promo_code.clone(),
            earned_at: ts(r.earned_at),
            release_at: r.release_at.map(ts),
            given_at: r.given_at.map(ts),
        }
    }

    pub fn list(rewards: &[ParticipantReward], settings: Option<&OfferSettings>) -> Vec<Self> {
        rewards.iter().map(|r| Self::new(r, settings)).collect()
    }
}
