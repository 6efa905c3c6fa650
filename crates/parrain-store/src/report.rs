//! What an offer report (SPEC §5.6) asks of the database: the activity log
//! tallied per bucket, and the participants behind it.
//!
//! The log is not read whole: every activity of an offer also adds to its
//! row of `activity_hours` (offer, UTC hour, type, key) in the transaction
//! that records it, so a report sums the hours its window covers; the key
//! (a network, a reward: `parrain_core::breakdown::key`) is what the
//! breakdowns by network and by reward read. An hour the window only partly
//! covers is recounted from the log, within the `seq` span its row
//! remembers, through the `(offer_id, type, seq)` index. The arithmetic on
//! the tallies is `parrain_core::report`'s and `parrain_core::breakdown`'s.

use async_trait::async_trait;
use parrain_core::activity::ActivityType;
use parrain_core::attribution::Method;
use parrain_core::breakdown::{self, Part};
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::report::{Tally, Window};
use parrain_core::{Millis, MINUTE};
use serde_json::Value;

use crate::Result;

/// The raw material of one report.
#[derive(Debug, Clone, Default)]
pub struct ReportData {
    /// Tallies keyed by bucket start (a key may appear once per activity type).
    pub tallies: Vec<(Millis, Tally)>,
    /// Participants who signed up in the window (each sign-up records one
    /// `signs_up_for_referral_offer` at the participant's creation).
    pub profiles: i64,
    /// Distinct participants whose link was clicked in the window.
    pub influencers: i64,
    /// Friends invited by email from the offer in the window: the reach of
    /// its email shares (the `recipients` of their `shares_content`).
    pub email_reach: i64,
    /// The ten participants with the most credit (all time), most first.
    pub top_referrers: Vec<TopReferrer>,
    /// Friends attributed to a referrer in the window, by method.
    pub attributed: Vec<(Method, i64)>,
    /// Credits that did not count in the window (`credit.ineligible`), by reason.
    pub ineligible: Vec<(String, i64)>,
    /// What the breakdowns by network and by reward count, keyed by bucket
    /// start (a key may repeat).
    pub parts: Vec<(Millis, Part)>,
}

/// Friends attributed in an offer in `[from, to)`, by method.
pub(crate) const ATTRIBUTED: &str = "SELECT method, COUNT(*) FROM friend_referrers
    WHERE offer_id = ?1 AND attributed_at >= ?2 AND attributed_at < ?3 GROUP BY method";

/// Credits that did not count in an offer in `[from, to)`, by reason; the
/// `{reason}` is the engine's expression for the details' `reason`.
pub(crate) const INELIGIBLE: &str = "SELECT COALESCE({reason}, ''), COUNT(*) FROM activities
    WHERE offer_id = ?1 AND type = 'credit.ineligible' AND occurred_at >= ?2 AND occurred_at < ?3
    GROUP BY 1 ORDER BY 1";

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

/// The width of an `activity_hours` row.
pub(crate) const HOUR: Millis = 60 * MINUTE;

/// What recording one activity adds to its hour's row (the row of its
/// offer, hour, type and key).
#[derive(Debug, Clone)]
pub(crate) struct HourStep {
    pub hour: Millis,
    /// What the breakdowns count it under (`parrain_core::breakdown::key`).
    pub key: String,
    pub sessions: i64,
    pub referred_sessions: i64,
    pub referred_sign_ups: i64,
}

impl HourStep {
    /// Read from the activity's details as the report counts them: a visit
    /// that opened a session, whether its visitor was referred, whether a
    /// sign-up names its referrer, and the activity's key.
    pub(crate) fn of(kind: ActivityType, details: &Value, at: Millis) -> Self {
        let yes = |k: &str| details.get(k).and_then(Value::as_bool) == Some(true);
        let new_session = yes("new_session");
        Self {
            hour: at.div_euclid(HOUR) * HOUR,
            key: breakdown::key(kind, details),
            sessions: i64::from(new_session),
            referred_sessions: i64::from(new_session && yes("referred")),
            referred_sign_ups: i64::from(details.get("referred_by").is_some_and(|v| !v.is_null())),
        }
    }
}

/// One row of `activity_hours`.
#[derive(Debug, Clone)]
pub(crate) struct HourRow {
    pub hour: Millis,
    pub kind: String,
    pub count: i64,
    pub sessions: i64,
    pub referred_sessions: i64,
    pub referred_sign_ups: i64,
    pub first_seq: i64,
    pub last_seq: i64,
}

/// A part of an hour the window cuts, to recount from the log: activities
/// of `kind` with `seq` in `first_seq..=last_seq` and `occurred_at` in
/// `[from, to)`, tallied into the bucket starting at `bucket`.
#[derive(Debug, Clone)]
pub(crate) struct Slice {
    pub kind: String,
    pub first_seq: i64,
    pub last_seq: i64,
    pub from: Millis,
    pub to: Millis,
    pub bucket: Millis,
}

/// The hours the window touches, split: whole hours go straight into the
/// tallies, cut ones come back as slices to recount. Also returns the `seq`
/// span of the window's clicks, if any (where the influencers are counted).
pub(crate) fn split_hours(
    window: &Window,
    rows: Vec<HourRow>,
    tallies: &mut Vec<(Millis, Tally)>,
) -> (Vec<Slice>, Option<(i64, i64)>) {
    let mut slices = Vec::new();
    let mut clicks: Option<(i64, i64)> = None;
    for row in rows {
        let bucket = window.interval.floor(row.hour);
        if row.kind == ActivityType::ClicksSharedLink.as_str() {
            clicks = Some(match clicks {
                Some((lo, hi)) => (lo.min(row.first_seq), hi.max(row.last_seq)),
                None => (row.first_seq, row.last_seq),
            });
        }
        if row.hour >= window.from && row.hour + HOUR <= window.to {
            tally_row(
                tallies,
                bucket,
                &row.kind,
                row.count,
                row.sessions,
                row.referred_sessions,
                row.referred_sign_ups,
            );
        } else {
            slices.push(Slice {
                from: row.hour.max(window.from),
                to: (row.hour + HOUR).min(window.to),
                kind: row.kind,
                first_seq: row.first_seq,
                last_seq: row.last_seq,
                bucket,
            });
        }
    }
    (slices, clicks)
}

/// The types whose rows carry a key the breakdowns read.
pub(crate) const KEYED_TYPES: &str = "('shares_content', 'clicks_shared_link',
    'signs_up_for_referral_offer', 'reward.earned', 'reward.given', 'reward.cancelled',
    'reward.clawback')";

/// `parrain_core::breakdown::key` in SQL, over an activity's `type` and its
/// details' fields (`field` is the engine's expression for one, as text);
/// the log's cut hours are recounted with it.
pub(crate) fn key_sql(field: impl Fn(&str) -> String) -> String {
    let (channel, referred_by) = (field("channel"), field("referred_by"));
    let (reward, state) = (field("reward_id"), field("state"));
    format!(
        "CASE
           WHEN type IN ('shares_content', 'clicks_shared_link')
             THEN COALESCE(NULLIF({channel}, ''), 'link')
           WHEN type = 'signs_up_for_referral_offer'
             THEN CASE WHEN {referred_by} IS NULL THEN ''
                       ELSE COALESCE(NULLIF({channel}, ''), 'link') END
           WHEN type IN ('reward.earned', 'reward.given', 'reward.cancelled', 'reward.clawback')
             THEN COALESCE({reward}, '')
                  || CASE WHEN type = 'reward.earned' AND {state} = 'held'
                          THEN ':held' ELSE '' END
           ELSE ''
         END"
    )
}

/// One keyed row of `activity_hours` (its key not empty).
#[derive(Debug, Clone)]
pub(crate) struct KeyedRow {
    pub hour: Millis,
    pub kind: String,
    pub key: String,
    pub count: i64,
    pub first_seq: i64,
    pub last_seq: i64,
}

/// Adds what `count` activities of `kind` under `key` count for.
pub(crate) fn add_part(
    parts: &mut Vec<(Millis, Part)>,
    bucket: Millis,
    kind: &str,
    key: &str,
    count: i64,
) {
    if let Some(part) = ActivityType::parse(kind).and_then(|k| Part::of(k, key, count)) {
        parts.push((bucket, part));
    }
}

/// As [`split_hours`] for the keyed rows: whole hours go into the parts;
/// a cut hour comes back as one slice per type (over all its keys), to
/// recount from the log grouped by key.
pub(crate) fn split_keyed(
    window: &Window,
    rows: Vec<KeyedRow>,
    parts: &mut Vec<(Millis, Part)>,
) -> Vec<Slice> {
    let mut cut: std::collections::BTreeMap<(Millis, String), Slice> = Default::default();
    for row in rows {
        let bucket = window.interval.floor(row.hour);
        if row.hour >= window.from && row.hour + HOUR <= window.to {
            add_part(parts, bucket, &row.kind, &row.key, row.count);
            continue;
        }
        cut.entry((row.hour, row.kind.clone()))
            .and_modify(|s| {
                s.first_seq = s.first_seq.min(row.first_seq);
                s.last_seq = s.last_seq.max(row.last_seq);
            })
            .or_insert(Slice {
                from: row.hour.max(window.from),
                to: (row.hour + HOUR).min(window.to),
                kind: row.kind,
                first_seq: row.first_seq,
                last_seq: row.last_seq,
                bucket,
            });
    }
    cut.into_values().collect()
}
