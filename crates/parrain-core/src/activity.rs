//! The activity log's vocabulary (SPEC §6), named after Marketo's triggers.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum ActivityType {
    #[serde(rename = "visits_offer_page")]
    VisitsOfferPage,
    #[serde(rename = "signs_up_for_referral_offer")]
    SignsUp,
    #[serde(rename = "shares_content")]
    SharesContent,
    #[serde(rename = "clicks_shared_link")]
    ClicksSharedLink,
    #[serde(rename = "refers_to_social_app")]
    RefersToSocialApp,
    #[serde(rename = "achieved_goal_in_referral")]
    AchievedGoal,
    #[serde(rename = "offer_fulfilled")]
    OfferFulfilled,
    #[serde(rename = "custom_event")]
    CustomEvent,
    #[serde(rename = "promo_codes.exhausted")]
    PromoCodesExhausted,
    /// A pool's available codes fell below its `low_stock` (SPEC §15).
    #[serde(rename = "promo_codes.low")]
    PromoCodesLow,
    #[serde(rename = "email.sent")]
    EmailSent,
    #[serde(rename = "email.failed")]
    EmailFailed,
    /// A fraud rule held a credit for review or blocked it.
    #[serde(rename = "credit.flagged")]
    CreditFlagged,
    /// An operator approved a held credit: it counts now.
    #[serde(rename = "credit.approved")]
    CreditApproved,
    /// An operator rejected a held credit: it never counts.
    #[serde(rename = "credit.rejected")]
    CreditRejected,
    /// A participant earned one occurrence of a reward (SPEC §11).
    #[serde(rename = "reward.earned")]
    RewardEarned,
    /// A reward was given (with its promo code, if it has a pool).
    #[serde(rename = "reward.given")]
    RewardGiven,
    /// A held or earned reward will not be given.
    #[serde(rename = "reward.cancelled")]
    RewardCancelled,
    /// A reward already given lost its milestone: the merchant takes it back.
    #[serde(rename = "reward.clawback")]
    RewardClawback,
    /// A friend's credit was reversed (a refund).
    #[serde(rename = "credit.reversed")]
    CreditReversed,
    /// A friend's credit did not count: an existing customer, a cap (SPEC §15).
    #[serde(rename = "credit.ineligible")]
    CreditIneligible,
}

impl ActivityType {
    pub const ALL: [ActivityType; 21] = [
        Self::VisitsOfferPage,
        Self::SignsUp,
        Self::SharesContent,
        Self::ClicksSharedLink,
        Self::RefersToSocialApp,
        Self::AchievedGoal,
        Self::OfferFulfilled,
        Self::CustomEvent,
        Self::PromoCodesExhausted,
        Self::PromoCodesLow,
        Self::EmailSent,
        Self::EmailFailed,
        Self::CreditFlagged,
        Self::CreditApproved,
        Self::CreditRejected,
        Self::RewardEarned,
        Self::RewardGiven,
        Self::RewardCancelled,
        Self::RewardClawback,
        Self::CreditReversed,
        Self::CreditIneligible,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::VisitsOfferPage => "visits_offer_page",
            Self::SignsUp => "signs_up_for_referral_offer",
            Self::SharesContent => "shares_content",
            Self::ClicksSharedLink => "clicks_shared_link",
            Self::RefersToSocialApp => "refers_to_social_app",
            Self::AchievedGoal => "achieved_goal_in_referral",
            Self::OfferFulfilled => "offer_fulfilled",
            Self::CustomEvent => "custom_event",
            Self::PromoCodesExhausted => "promo_codes.exhausted",
            Self::PromoCodesLow => "promo_codes.low",
            Self::EmailSent => "email.sent",
            Self::EmailFailed => "email.failed",
            Self::CreditFlagged => "credit.flagged",
            Self::CreditApproved => "credit.approved",
            Self::CreditRejected => "credit.rejected",
            Self::RewardEarned => "reward.earned",
            Self::RewardGiven => "reward.given",
            Self::RewardCancelled => "reward.cancelled",
            Self::RewardClawback => "reward.clawback",
            Self::CreditReversed => "credit.reversed",
            Self::CreditIneligible => "credit.ineligible",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde_and_parse() {
        for t in ActivityType::ALL {
            assert_eq!(ActivityType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
    }
}
