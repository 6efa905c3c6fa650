//! What an offer report (SPEC §5.6) asks of the database: the activity log
//! tallied per bucket, and the participants behind it.
//!
//! Every query is scoped to one offer and walks the `(offer_id, type, seq)`
//! index of `activities`, so a report never reads another offer's log. The
//! arithmetic on the tallies is `parrain_core::report`'s.

use async_trait::async_trait;
use parrain_core::activity::ActivityType;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::report::{Tally, Window};
use parrain_core::Millis;

use crate::Result;

/// The raw material of one report.
#[derive(Debug, Clone, Default)]
pub struct ReportData {
    /// Tallies keyed by bucket start (a key may appear once per activity type).
    pub tallies: Vec<(Millis, Tally)>,
    /// Participants who signed up in the window.
    pub profiles: i64,
    /// Distinct participants whose link was clicked in the window.
    pub influencers: i64,
    /// The ten participants with the most credit (all time), most first.
    pub top_referrers: Vec<TopReferrer>,
}

/// A participant ranked by credit.
#[derive(Debug, Clone)]
pub struct TopReferrer {
    pub participant_id: ParticipantId,
    /// Empty once the person was erased.
    pub email: String,
    pub code: String,
    pub credit: i64,
}

/// How many referrers a report ranks.
pub const TOP_REFERRERS: i64 = 10;

#[async_trait]
pub trait Reports: Send + Sync {
    /// Tallies the offer's log over `window` (the offer must exist).
    async fn report_data(&self, offer: &OfferId, window: Window) -> Result<ReportData>;
}

/// Adds one `GROUP BY bucket, type` row to the tallies.
pub(crate) fn tally_row(
    tallies: &mut Vec<(Millis, Tally)>,
    start: Millis,
    kind: &str,
    count: i64,
    sessions: i64,
    referred_sessions: i64,
    referred_sign_ups: i64,
) {
    let mut t = Tally::default();
    match ActivityType::parse(kind) {
        Some(ActivityType::VisitsOfferPage) => {
            t.visit_sessions = sessions;
            t.referred_sessions = referred_sessions;
        }
        Some(ActivityType::SignsUp) => {
            t.sign_ups = count;
            t.referred_sign_ups = referred_sign_ups;
        }
        Some(ActivityType::SharesContent) => t.shares = count,
        Some(ActivityType::ClicksSharedLink) => t.clicks = count,
        Some(ActivityType::CustomEvent) => t.custom_events = count,
        _ => return,
    }
    tallies.push((start, t));
}
