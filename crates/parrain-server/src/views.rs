//! Response bodies: what the API shows of stored records.

mod outbound;
mod report;
mod rewards;
pub use outbound::*;
pub use report::*;
pub use rewards::*;

use std::collections::BTreeMap;

use parrain_core::attribution::Method;
use parrain_core::offer::{
    GoalEvent, GoalType, Link, MarketingConsent, Network, OfferSettings, OfferStatus, PersonField,
    SignUpFlow,
};
use parrain_core::reward::RewardState;
use parrain_core::widget::{ButtonStyle, Colours, Language, ShareCount};
use parrain_core::Millis;
use parrain_store::{
    Activity, Offer, Page, Participant, ParticipantDetail, ParticipantReward, PromoCounts,
};
use serde::Serialize;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// RFC 3339 in UTC, to the millisecond.
pub fn ts(millis: Millis) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

pub fn parse_ts(field: &str, value: &str) -> Result<Millis, crate::ApiError> {
    OffsetDateTime::parse(value, &Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as Millis)
        .map_err(|_| crate::ApiError::bad_field(field, format!("{field} must be an RFC 3339 time")))
}

#[derive(Serialize, ToSchema)]
pub struct OfferOut {
    pub id: String,
    pub status: OfferStatus,
    /// The name of the draft when there is one, else of the live settings.
    pub name: String,
    /// Whether the public can use the offer right now.
    pub is_live: bool,
    pub not_live_reason: Option<&'static str>,
    pub live: Option<OfferSettings>,
    pub draft: Option<OfferSettings>,
    pub participants: i64,
    pub created_at: String,
    pub updated_at: String,
    pub approved_at: Option<String>,
}

impl OfferOut {
    pub fn new(offer: Offer, now: Millis) -> Self {
        Self {
            id: offer.id.to_string(),
            status: offer.status,
            name: offer.editable().name.clone(),
            is_live: offer.live_at(now).is_some(),
            not_live_reason: offer.not_live_reason(now),
            participants: offer.participants,
            created_at: ts(offer.created_at),
            updated_at: ts(offer.updated_at),
            approved_at: offer.approved_at.map(ts),
            live: offer.live,
            draft: offer.draft,
        }
    }
}

/// What a web page may read of an offer (publishable key).
#[derive(Serialize, ToSchema)]
pub struct PublicOfferOut {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub live: bool,
    pub not_live_reason: Option<&'static str>,
    pub goal: PublicGoalOut,
    pub sign_up_flow: SignUpFlow,
    pub networks: Vec<Network>,
    /// The message each network's share starts with, where one is set.
    pub share_messages: BTreeMap<Network, String>,
    pub person_fields: Vec<PersonField>,
    pub marketing_consent: MarketingConsent,
    pub rules_url: Option<String>,
    pub privacy_policy: Option<Link>,
    /// The widget's look and words, every string resolved in its language.
    pub widget: PublicWidgetOut,
    /// Whether participants may invite friends by email, and how many at once.
    pub invitations: PublicInvitationsOut,
    /// The providers whose "Continue with …" buttons the widget shows, in
    /// the offer's order (those no longer configured are left out).
    pub social_sign_up: Vec<PublicProviderOut>,
    /// The query parameter that carries a share code from links shared by
    /// another program, read as well as `parrain_ref` (null: none).
    pub referral_param: Option<String>,
    /// The offer's rewards (SPEC §11) in its order, for the widget's
    /// progress toward each; empty on an offer with v1's single reward.
    pub rewards: Vec<PublicRewardOut>,
    pub leaderboard: PublicLeaderboardOut,
    /// Whether a friend may name its referrer (`name` is among the offer's
    /// attribution methods): the widget then asks "Were you referred by
    /// someone?" of a visitor who came without a share link.
    pub name_search: bool,
}

/// An OpenID Connect provider a person may sign up with.
#[derive(Serialize, ToSchema)]
pub struct PublicProviderOut {
    pub id: String,
    /// What follows "Continue with" on its button.
    pub name: String,
}

/// The goal as a web page shows it.
#[derive(Serialize, ToSchema)]
pub struct PublicGoalOut {
    #[serde(rename = "type")]
    pub kind: GoalType,
    pub count: Option<i64>,
    /// The event's name, for a `custom_event` goal.
    pub event: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PublicWidgetOut {
    pub language: Language,
    /// Every string of the widget by key, in its language.
    pub strings: BTreeMap<&'static str, String>,
    pub colours: Colours,
    pub font_family: Option<String>,
    pub button_style: ButtonStyle,
    /// Each network's button image (a `data:` URL), where one is set.
    pub button_images: BTreeMap<Network, String>,
    pub share_count: ShareCount,
}

#[derive(Serialize, ToSchema)]
pub struct PublicInvitationsOut {
    pub enabled: bool,
    pub max_recipients_per_request: i64,
}

impl PublicOfferOut {
    pub fn new(offer: &Offer, now: Millis, providers: &crate::social::Providers) -> Self {
        let s = offer.live.as_ref().unwrap_or_else(|| offer.editable());
        let social_sign_up = (s.social_sign_up.iter())
            .filter_map(|id| providers.get(id))
            .map(|p| PublicProviderOut {
                id: p.config.id.clone(),
                name: p.config.name.clone(),
            })
            .collect();
        let goal_event = match (&s.goal.kind, &s.goal.event) {
            (GoalType::CustomEvent, Some(GoalEvent::Name(name))) => Some(name.clone()),
            _ => None,
        };
        Self {
            id: offer.id.to_string(),
            name: s.name.clone(),
            description: s.description.clone(),
            live: offer.live_at(now).is_some(),
            not_live_reason: offer.not_live_reason(now),
            goal: PublicGoalOut {
                kind: s.goal.kind,
                count: s.goal.count,
                event: goal_event,
            },
            sign_up_flow: s.sign_up_flow,
            networks: s.networks.clone(),
            share_messages: s.share_messages.clone(),
            person_fields: s.person_fields.clone(),
            marketing_consent: s.marketing_consent,
            rules_url: s.rules_url.clone(),
            privacy_policy: s.privacy_policy.clone(),
            widget: PublicWidgetOut {
                language: s.widget.language,
                strings: s.widget.strings(),
                colours: s.widget.colours.clone(),
                font_family: s.widget.font_family.clone(),
                button_style: s.widget.button_style,
                button_images: s.widget.button_images.clone(),
                share_count: s.widget.share_count,
            },
            invitations: PublicInvitationsOut {
                enabled: s.invitations.enabled,
                max_recipients_per_request: s.invitations.max_recipients_per_request,
            },
            social_sign_up,
            referral_param: s.referral_param.clone(),
            rewards: s.rewards.iter().map(PublicRewardOut::from).collect(),
            leaderboard: PublicLeaderboardOut::new(s),
            name_search: s.attribution.methods.contains(&Method::Name),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProgressOut {
    pub credit: i64,
    pub goal_count: Option<i64>,
    pub achieved: bool,
    pub fulfilled: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantOut {
    pub id: String,
    pub offer_id: String,
    pub person_id: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub code: String,
    pub share_url: String,
    #[schema(value_type = Object)]
    pub fields: Value,
    pub marketing_consent: Option<bool>,
    pub referred_by: Option<String>,
    /// How it was attributed to `referred_by`: link, email, coupon or name.
    pub referred_method: Option<Method>,
    pub credit: i64,
    pub progress: ProgressOut,
    pub achieved_at: Option<String>,
    pub fulfilled_at: Option<String>,
    pub promo_code: Option<String>,
    pub created_at: String,
}

pub fn share_url(public_url: &str, code: &str) -> String {
    format!("{}/r/{code}", public_url.trim_end_matches('/'))
}

fn progress(p: &Participant) -> ProgressOut {
    ProgressOut {
        credit: p.credit,
        goal_count: p.goal_count,
        achieved: p.achieved_at.is_some(),
        fulfilled: p.fulfilled_at.is_some(),
    }
}

impl ParticipantOut {
    pub fn new(p: Participant, public_url: &str) -> Self {
        Self {
            progress: progress(&p),
            share_url: share_url(public_url, &p.code),
            id: p.id.to_string(),
            offer_id: p.offer_id.to_string(),
            person_id: p.person_id.to_string(),
            email: p.email,
            first_name: p.first_name,
            last_name: p.last_name,
            code: p.code,
            fields: p.fields,
            marketing_consent: p.marketing_consent,
            referred_by: p.referred_by.map(Into::into),
            referred_method: p.referred_method,
            credit: p.credit,
            achieved_at: p.achieved_at.map(ts),
            fulfilled_at: p.fulfilled_at.map(ts),
            promo_code: p.promo_code,
            created_at: ts(p.created_at),
        }
    }
}

/// What a publishable key sees of the participant it just signed up.
#[derive(Serialize, ToSchema)]
pub struct PublicParticipantOut {
    pub id: String,
    pub code: String,
    pub share_url: String,
    pub progress: ProgressOut,
    /// Its own rewards (SPEC §11), oldest first, with their promo codes:
    /// the tiers it reached and, for a referred friend, the friend's reward.
    pub rewards: Vec<MyRewardOut>,
}

impl PublicParticipantOut {
    pub fn new(p: &Participant, rewards: Vec<MyRewardOut>, public_url: &str) -> Self {
        Self {
            id: p.id.to_string(),
            code: p.code.clone(),
            share_url: share_url(public_url, &p.code),
            progress: progress(p),
            rewards,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FriendOut {
    pub person_id: Option<String>,
    pub email: Option<String>,
    pub visitor_id: Option<String>,
    pub credits: i64,
    pub first_credited_at: String,
    /// How the friend was attributed to the participant: link, email, coupon or name.
    pub method: Option<Method>,
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantDetailOut {
    #[serde(flatten)]
    pub participant: ParticipantOut,
    pub friends: Vec<FriendOut>,
    /// The rewards it earned (SPEC §11), oldest first; empty on an offer without `rewards`.
    pub rewards: Vec<RewardOut>,
    /// Credits its friends brought that did not count (SPEC §15), oldest first.
    pub ineligible_credits: Vec<IneligibleCreditOut>,
    /// The referrer reward it reaches next and at which credit; null on an
    /// offer without `rewards` or when none is left to reach.
    pub next_reward: Option<NextRewardOut>,
}

/// Progress toward the next referrer reward.
#[derive(Serialize, ToSchema)]
pub struct NextRewardOut {
    pub reward_id: String,
    pub label: Option<String>,
    /// The credit count it is reached at.
    pub at: i64,
    /// Credits still to earn.
    pub remaining: i64,
}

/// A credit that did not count, and why.
#[derive(Serialize, ToSchema)]
pub struct IneligibleCreditOut {
    /// `existing_customer`, `credit_cap`, `reward_cap`, `self_referral`,
    /// `fraud_rule` or `rejected_in_review`.
    pub reason: String,
    /// The fraud rules that blocked it (`fraud_rule` only).
    pub rules: Vec<String>,
    /// The friend's email, when the friend is known by one.
    pub friend_email: Option<String>,
    pub at: String,
}

impl ParticipantDetailOut {
    pub fn new(
        detail: ParticipantDetail,
        public_url: &str,
        settings: Option<&OfferSettings>,
    ) -> Self {
        let credit = detail.participant.credit;
        Self {
            next_reward: settings
                .and_then(|s| parrain_core::reward::next_milestone(&s.rewards, credit))
                .map(|(r, at)| NextRewardOut {
                    reward_id: r.id.clone(),
                    label: r.label.clone(),
                    at,
                    remaining: (at - credit).max(0),
                }),
            ineligible_credits: detail
                .ineligible
                .into_iter()
                .map(|c| IneligibleCreditOut {
                    reason: c.reason,
                    rules: c.rules,
                    friend_email: c.friend_email,
                    at: ts(c.at),
                })
                .collect(),
            rewards: detail
                .rewards
                .into_iter()
                .map(|r| RewardOut::new(r, settings))
                .collect(),
            participant: ParticipantOut::new(detail.participant, public_url),
            friends: detail
                .friends
                .into_iter()
                .map(|f| FriendOut {
                    person_id: f.person_id.map(Into::into),
                    email: f.email,
                    visitor_id: f.visitor_id.map(Into::into),
                    credits: f.credits,
                    first_credited_at: ts(f.first_credited_at),
                    method: f.method,
                })
                .collect(),
        }
    }
}

/// One promo-code pool's counts.
#[derive(Serialize, ToSchema)]
pub struct PromoCountsOut {
    pub total: i64,
    pub available: i64,
    pub assigned: i64,
    /// The count below which `promo_codes.low` is recorded; `null` when the
    /// pool has no low-stock warning.
    pub low_stock: Option<i64>,
    /// Whether the available codes are below `low_stock` now (a pool with
    /// no upload yet is not).
    pub low: bool,
}

impl From<PromoCounts> for PromoCountsOut {
    fn from(c: PromoCounts) -> Self {
        Self {
            low: c.is_low(),
            total: c.total,
            available: c.available,
            assigned: c.assigned,
            low_stock: c.low_stock,
        }
    }
}

/// One occurrence of a reward a participant earned.
#[derive(Serialize, ToSchema)]
pub struct RewardOut {
    pub reward_id: String,
    /// 1 for an `at` or friend reward; the n-th time for an `every` reward.
    pub occurrence: i64,
    pub label: Option<String>,
    #[schema(inline)]
    pub state: RewardState,
    pub promo_code: Option<String>,
    /// For a friend reward: the referrer the friend came through.
    pub friend_of: Option<String>,
    pub earned_at: String,
    /// For a held reward: when its hold ends.
    pub release_at: Option<String>,
    pub given_at: Option<String>,
    pub cancelled_at: Option<String>,
    /// A given reward whose milestone a reversal took away (`reward.clawback`).
    pub clawback_at: Option<String>,
}

impl RewardOut {
    pub fn new(r: ParticipantReward, settings: Option<&OfferSettings>) -> Self {
        let label = settings
            .and_then(|s| s.rewards.iter().find(|d| d.id == r.reward_id))
            .and_then(|d| d.label.clone());
        Self {
            label,
            reward_id: r.reward_id,
            occurrence: r.occurrence,
            state: r.state,
            promo_code: r.promo_code,
            friend_of: r.friend_of.map(Into::into),
            earned_at: ts(r.earned_at),
            release_at: r.release_at.map(ts),
            given_at: r.given_at.map(ts),
            cancelled_at: r.cancelled_at.map(ts),
            clawback_at: r.clawback_at.map(ts),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ActivityOut {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub offer_id: Option<String>,
    pub participant_id: Option<String>,
    pub person_id: Option<String>,
    pub visitor_id: Option<String>,
    #[schema(value_type = Object)]
    pub details: Value,
    pub occurred_at: String,
}

impl From<Activity> for ActivityOut {
    fn from(a: Activity) -> Self {
        Self {
            id: a.id.into(),
            kind: a.kind.as_str().into(),
            offer_id: a.offer_id.map(Into::into),
            participant_id: a.participant_id.map(Into::into),
            person_id: a.person_id.map(Into::into),
            visitor_id: a.visitor_id.map(Into::into),
            details: a.details,
            occurred_at: ts(a.occurred_at),
        }
    }
}

/// A page of a list: `data`, and the cursor of the next page if there is one.
#[derive(Serialize, ToSchema)]
pub struct List<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> List<T> {
    pub fn of<S>(page: Page<S>, f: impl FnMut(S) -> T) -> Self {
        Self {
            data: page.items.into_iter().map(f).collect(),
            next_cursor: page.next_cursor,
        }
    }
}
