//! The records the store reads and writes.

use base64::Engine as _;
use parrain_core::email::Email;
use parrain_core::ids::{ActivityId, KeyId, OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::offer::{OfferSettings, OfferStatus};
use parrain_core::{activity::ActivityType, Millis};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    Secret,
    Publishable,
}

impl KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Secret => "secret",
            Self::Publishable => "publishable",
        }
    }

    pub fn prefix(self) -> &'static str {
        match self {
            Self::Secret => "sk_",
            Self::Publishable => "pk_",
        }
    }
}

pub struct NewKey {
    pub id: KeyId,
    pub kind: KeyKind,
    pub name: String,
    /// The last characters of the key, to tell keys apart in lists.
    pub hint: String,
    pub hash: String,
    pub now: Millis,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiKey {
    pub id: KeyId,
    pub kind: KeyKind,
    pub name: String,
    pub hint: String,
    pub created_at: Millis,
    pub revoked_at: Option<Millis>,
    /// When a request last came with the key (to the minute).
    pub last_used_at: Option<Millis>,
}

#[derive(Debug, Clone)]
pub struct Offer {
    pub id: OfferId,
    pub status: OfferStatus,
    pub live: Option<OfferSettings>,
    pub draft: Option<OfferSettings>,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub approved_at: Option<Millis>,
    pub participants: i64,
}

impl Offer {
    /// The settings an editor works on: the draft, else the live settings.
    pub fn editable(&self) -> &OfferSettings {
        self.draft
            .as_ref()
            .or(self.live.as_ref())
            .expect("an offer always has settings")
    }

    /// The live settings, when the public may use the offer at `now`.
    pub fn live_at(&self, now: Millis) -> Option<&OfferSettings> {
        self.live
            .as_ref()
            .filter(|s| self.status == OfferStatus::Approved && s.live_at(now))
    }

    /// Why the public may not use the offer now, if it may not.
    pub fn not_live_reason(&self, now: Millis) -> Option<&'static str> {
        match (self.status, &self.live) {
            (OfferStatus::Approved, Some(s)) if s.live_at(now) => None,
            (OfferStatus::Approved, Some(s)) if !s.live_at(now) => Some("outside_window"),
            (OfferStatus::Draft, _) => Some("not_approved"),
            (OfferStatus::Archived, _) => Some("archived"),
            _ => Some("unapproved"),
        }
    }
}

/// One promo-code pool of an offer and its counts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PromoCounts {
    pub pool: String,
    pub total: i64,
    pub available: i64,
    pub assigned: i64,
    /// The count below which `promo_codes.low` is recorded (SPEC §15).
    pub low_stock: Option<i64>,
}

impl PromoCounts {
    pub fn empty(pool: &str) -> Self {
        Self {
            pool: pool.to_owned(),
            ..Self::default()
        }
    }

    /// Whether the available codes are below the pool's threshold (a pool
    /// with no upload yet is not: it has nothing to run out of).
    pub fn is_low(&self) -> bool {
        self.total > 0 && self.low_stock.is_some_and(|low| self.available < low)
    }
}

/// A referrer on an offer's leaderboard, as stored (the API shows a
/// display name made from the names, never the email).
#[derive(Debug, Clone)]
pub struct Leader {
    /// Whose row it is, to point out a participant's own; never shown.
    pub participant_id: ParticipantId,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub credit: i64,
}

/// What a reversal did (SPEC §11).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Reversal {
    /// Credits taken back (0 when none was left to take).
    pub reversed: i64,
    /// The participant's credit now.
    pub credit: i64,
}

/// One occurrence of a reward a participant earned (SPEC §11).
#[derive(Debug, Clone, Serialize)]
pub struct ParticipantReward {
    pub reward_id: String,
    pub occurrence: i64,
    pub state: parrain_core::reward::RewardState,
    pub promo_code: Option<String>,
    /// For a friend reward: the referrer the friend came through.
    pub friend_of: Option<ParticipantId>,
    pub earned_at: Millis,
    pub release_at: Option<Millis>,
    pub given_at: Option<Millis>,
    pub cancelled_at: Option<Millis>,
    /// A given reward whose milestone a reversal took away.
    pub clawback_at: Option<Millis>,
}

#[derive(Debug, Clone)]
pub struct SignUp {
    pub email: Email,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub marketing_consent: Option<bool>,
    pub visitor_id: Option<VisitorId>,
    pub referral_code: Option<String>,
    /// The person's client address, when the sign-up came from their browser.
    pub ip: Option<std::net::IpAddr>,
    /// Whether the caller may tie `visitor_id` to an email already known
    /// (a secret key, or a page with the email's identity token). A
    /// browser that is not vouched for is tied only to a person it creates.
    pub vouched: bool,
    /// The OpenID Connect provider that verified the email, for a social
    /// sign-up (recorded in the `signs_up` activity).
    pub social_provider: Option<String>,
    /// The stored form of the access token the new participant is given
    /// (SPEC §12), kept by the sign-up's own transaction when it creates
    /// the participant; unused when the email had already signed up.
    pub access_token: Option<String>,
}

/// A browser's share code before its owner signs up (share first, then
/// sign up); its sign-up on the offer makes it the participant's.
#[derive(Debug, Clone)]
pub struct PendingCode {
    pub code: String,
    /// False when the browser had asked before (the same code again).
    pub created: bool,
}

#[derive(Debug, Clone)]
pub struct SignedUp {
    pub participant: Participant,
    pub created: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    pub id: ParticipantId,
    pub offer_id: OfferId,
    pub person_id: PersonId,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub code: String,
    pub fields: serde_json::Value,
    pub marketing_consent: Option<bool>,
    pub referred_by: Option<ParticipantId>,
    /// How it was attributed to `referred_by`.
    pub referred_method: Option<parrain_core::attribution::Method>,
    pub credit: i64,
    pub goal_count: Option<i64>,
    pub achieved_at: Option<Millis>,
    pub fulfilled_at: Option<Millis>,
    pub promo_code: Option<String>,
    pub created_at: Millis,
}

/// A friend through whom a participant earned credit.
#[derive(Debug, Clone, Serialize)]
pub struct ReferredFriend {
    pub person_id: Option<PersonId>,
    pub email: Option<String>,
    pub visitor_id: Option<VisitorId>,
    pub credits: i64,
    pub first_credited_at: Millis,
    /// How the friend was attributed to the participant, when recorded.
    pub method: Option<parrain_core::attribution::Method>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ParticipantDetail {
    pub participant: Participant,
    /// The friends whose credit counts or waits for review: a credit that
    /// did not count (self-referral, existing customer, a cap, a fraud block,
    /// a rejection) is in `ineligible`, not here.
    pub friends: Vec<ReferredFriend>,
    pub rewards: Vec<ParticipantReward>,
    /// Credits its friends brought that did not count, oldest first.
    pub ineligible: Vec<IneligibleCredit>,
}

/// A credit kept in the ledger that does not count (SPEC §15), and why.
#[derive(Debug, Clone, Serialize)]
pub struct IneligibleCredit {
    /// `existing_customer`, `credit_cap`, `reward_cap`, `self_referral`,
    /// `fraud_rule` or `rejected_in_review`.
    pub reason: String,
    /// The fraud rules that blocked it, for `fraud_rule`.
    pub rules: Vec<String>,
    /// The friend's email, when parrain knows the friend by one.
    pub friend_email: Option<String>,
    pub at: Millis,
}

#[derive(Debug, Clone, Default)]
pub struct ParticipantFilter {
    pub achieved: Option<bool>,
    pub fulfilled: Option<bool>,
    /// Only emails containing this text (emails are stored in lowercase).
    pub email: Option<String>,
    /// Only participants with an occurrence of this reward (SPEC §11).
    pub reward: Option<String>,
    /// Only participants with an occurrence in this state (of `reward`
    /// when that is given too, else of any reward).
    pub reward_state: Option<parrain_core::reward::RewardState>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FulfillOutcome {
    pub participant_id: ParticipantId,
    pub fulfilled: bool,
    pub error: Option<(String, String)>,
    pub promo_code: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Click {
    pub code: String,
    pub channel: Option<String>,
    pub visitor_id: Option<VisitorId>,
    pub ip: Option<std::net::IpAddr>,
}

#[derive(Debug, Clone)]
pub struct Clicked {
    pub visitor_id: VisitorId,
    pub code: String,
    /// Where to send the browser, before parrain's query parameters.
    pub target: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Visit {
    pub offer_id: OfferId,
    pub visitor_id: VisitorId,
    pub url: Option<String>,
    pub referral_code: Option<String>,
    pub ip: Option<std::net::IpAddr>,
}

#[derive(Debug, Clone)]
pub struct PageEvent {
    pub offer_id: OfferId,
    pub visitor_id: VisitorId,
    pub name: String,
    pub ip: Option<std::net::IpAddr>,
    /// The event's own id (a site's server reporting an order): with
    /// `goal.credit_per: "event"`, each distinct one is a credit.
    pub event_id: Option<String>,
}

/// How a server call names a friend.
#[derive(Debug, Clone)]
pub enum FriendRef {
    Email(Email),
    Person(PersonId),
    Visitor(VisitorId),
}

/// What a tracking call did about credit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tracked {
    pub credited: bool,
    /// Why no credit, in snake_case, when none was given.
    pub reason: Option<&'static str>,
    pub participant_id: Option<ParticipantId>,
}

#[derive(Debug, Clone)]
pub struct ServerEvent {
    pub id: Option<String>,
    pub person: FriendRef,
    pub name: String,
    pub properties: serde_json::Value,
    pub occurred_at: Option<Millis>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventOutcome {
    pub id: Option<String>,
    /// `false` when this event id was applied before (nothing done again).
    pub applied: bool,
    /// One entry per offer whose trigger rule matched.
    pub credits: Vec<EventCredit>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventCredit {
    pub offer_id: OfferId,
    pub credited: bool,
    pub reason: Option<String>,
    pub participant_id: Option<ParticipantId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Activity {
    pub id: ActivityId,
    #[serde(rename = "type")]
    pub kind: ActivityType,
    pub offer_id: Option<OfferId>,
    pub participant_id: Option<ParticipantId>,
    pub person_id: Option<PersonId>,
    pub visitor_id: Option<VisitorId>,
    pub details: serde_json::Value,
    pub occurred_at: Millis,
}

#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub offer_id: Option<OfferId>,
    pub kind: Option<ActivityType>,
    pub person_id: Option<PersonId>,
    pub participant_id: Option<ParticipantId>,
    pub since: Option<Millis>,
}

/// A page request: an opaque cursor from the previous page, and a size.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub cursor: Option<String>,
    pub limit: u32,
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Cursors are opaque to clients: the position of the last row, encoded.
pub(crate) fn encode_cursor(position: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(position.to_string())
}

pub(crate) fn decode_cursor(cursor: Option<&str>) -> crate::Result<Option<i64>> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.parse().ok())
        .map(Some)
        .ok_or_else(|| crate::StoreError::BadInput {
            field: "cursor",
            message: "cursor is not one this API gave".into(),
        })
}

/// Turns `limit + 1` fetched rows into a page.
pub(crate) fn page_of<T>(mut rows: Vec<(i64, T)>, limit: u32) -> Page<T> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| rows.last().map(|(pos, _)| encode_cursor(*pos)))
        .flatten();
    Page {
        items: rows.into_iter().map(|(_, item)| item).collect(),
        next_cursor,
    }
}
