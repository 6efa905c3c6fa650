//! The body of `GET /v1/offers/{id}/report` (SPEC §5.6), built from the
//! store's tallies with `parrain_core::report`'s arithmetic, and its series
//! as CSV.

use std::collections::BTreeMap;

use parrain_core::attribution::Method;
use parrain_core::breakdown::{self, NetworkTally, RewardTally};
use parrain_core::ids::OfferId;
use parrain_core::report::{self, Funnel, Window};
use parrain_store::ReportData;
use serde::Serialize;
use utoipa::ToSchema;

use super::ts;

/// An offer's social dashboard over a window.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOut {
    #[schema(value_type = String)]
    pub offer_id: OfferId,
    /// The window, `[from, to)`, RFC 3339.
    pub from: String,
    pub to: String,
    /// `hour` or `day`: the width of a series bucket, aligned to UTC.
    pub interval: &'static str,
    pub funnel: FunnelOut,
    pub audience: AudienceOut,
    pub share_metrics: ShareMetricsOut,
    /// Every bucket the window touches, empty ones included, oldest first.
    pub series: Vec<BucketOut>,
    /// Up to ten participants with the most credit (all time), most first.
    pub top_referrers: Vec<TopReferrerOut>,
    /// Friends attributed to a referrer in the window, by the method that
    /// found the referrer.
    pub attribution: AttributionOut,
    /// Credits that did not count in the window (`credit.ineligible`), by
    /// reason: `existing_customer`, `credit_cap`, `reward_cap`,
    /// `self_referral`, `fraud_rule`, `rejected_in_review`.
    pub ineligible: BTreeMap<String, i64>,
    /// Shares, clicks and referred sign-ups in the window by the network
    /// they came through: `email`, `x`, `linkedin`, `facebook`, `link` (a
    /// share link that names no network), always in that order.
    pub networks: Vec<NetworkOut>,
    /// Each reward of the offer (in its order, then any other the window
    /// counted): what happened to its occurrences in the window and per bucket.
    pub rewards: Vec<RewardReportOut>,
}

/// One network's shares, clicks and referred sign-ups.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct NetworkOut {
    /// `email`, `x`, `linkedin`, `facebook` or `link`.
    pub network: &'static str,
    /// Shares recorded with this channel (`POST /v1/track/share`).
    pub shares: i64,
    /// Clicks on share links made for this network (`/r/{code}?ch=…`).
    pub clicks: i64,
    /// Sign-ups attributed to a referrer through such a link: the network
    /// of the link that attributed the friend's browser.
    pub registrations: i64,
}

impl NetworkOut {
    fn list(tallies: impl IntoIterator<Item = (&'static str, NetworkTally)>) -> Vec<Self> {
        tallies
            .into_iter()
            .map(|(network, t)| Self {
                network,
                shares: t.shares,
                clicks: t.clicks,
                registrations: t.sign_ups,
            })
            .collect()
    }
}

/// What happened to a reward's occurrences.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct RewardCountsOut {
    /// Occurrences earned (whatever their first state).
    pub earned: i64,
    /// Of those, earned into a hold (`hold_days`).
    pub held: i64,
    pub given: i64,
    /// Held or earned occurrences that will not be given.
    pub cancelled: i64,
    /// Given occurrences whose milestone a reversal took away.
    pub clawed_back: i64,
}

impl From<RewardTally> for RewardCountsOut {
    fn from(t: RewardTally) -> Self {
        Self {
            earned: t.earned,
            held: t.held,
            given: t.given,
            cancelled: t.cancelled,
            clawed_back: t.clawed_back,
        }
    }
}

/// One reward over the window.
#[derive(Debug, Serialize, ToSchema)]
pub struct RewardReportOut {
    pub reward_id: String,
    /// The reward's label; its id when it has none (or is no longer in the offer).
    pub label: String,
    #[serde(flatten)]
    pub counts: RewardCountsOut,
    /// Every bucket of the report's series, oldest first.
    pub series: Vec<RewardBucketOut>,
}

/// One bucket of a reward's series.
#[derive(Debug, Serialize, ToSchema)]
pub struct RewardBucketOut {
    /// The bucket's start, RFC 3339.
    pub start: String,
    #[serde(flatten)]
    pub counts: RewardCountsOut,
}

/// Friends attributed in the window, per attribution method.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct AttributionOut {
    pub link: i64,
    pub email: i64,
    pub coupon: i64,
    pub name: i64,
}

impl AttributionOut {
    fn new(counts: &[(Method, i64)]) -> Self {
        let mut out = Self::default();
        for &(method, n) in counts {
            *match method {
                Method::Link => &mut out.link,
                Method::Email => &mut out.email,
                Method::Coupon => &mut out.coupon,
                Method::Name => &mut out.name,
            } += n;
        }
        out
    }
}

/// From a visit to a referred registration.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct FunnelOut {
    /// Visit sessions on the offer page: a visitor's visits count once until
    /// 30 minutes pass without one.
    pub campaign_visits: i64,
    /// Sign-ups + shares + custom events.
    pub interactions: i64,
    pub shares: i64,
    /// Clicks on share links.
    pub resulting_clicks: i64,
    /// Sign-ups that followed a share link.
    pub registrations: i64,
}

impl From<Funnel> for FunnelOut {
    fn from(f: Funnel) -> Self {
        Self {
            campaign_visits: f.campaign_visits,
            interactions: f.interactions,
            shares: f.shares,
            resulting_clicks: f.resulting_clicks,
            registrations: f.registrations,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AudienceOut {
    /// Participants who signed up in the window.
    pub total_profiles: i64,
    /// Participants whose share link was clicked at least once in the window.
    pub influencers: i64,
    /// Friends invited by email from the offer in the window (the reach of
    /// its email shares, Marketo's social reach).
    pub email_reach: i64,
}

/// Ratios; `null` when the denominator is zero.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareMetricsOut {
    /// Shares / campaign visits.
    pub share_rate: Option<f64>,
    /// Resulting clicks / shares.
    pub clickback_rate: Option<f64>,
    /// Referred visit sessions / non-referred visit sessions.
    pub social_lift: Option<f64>,
}

/// One bucket of the series.
#[derive(Debug, Serialize, ToSchema)]
pub struct BucketOut {
    /// The bucket's start, RFC 3339.
    pub start: String,
    #[serde(flatten)]
    pub counts: FunnelOut,
    /// The bucket's shares, clicks and referred sign-ups by network.
    pub networks: Vec<NetworkOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopReferrerOut {
    pub participant_id: String,
    pub email: String,
    pub code: String,
    pub credit: i64,
}

impl ReportOut {
    /// `rewards` are the offer's rewards, in its order: id and label.
    pub fn new(
        offer_id: OfferId,
        window: Window,
        data: ReportData,
        rewards: &[(String, Option<String>)],
    ) -> Self {
        let total = report::total(&data.tallies);
        let metrics = total.share_metrics();
        let networks = breakdown::by_network(&window, &data.parts);
        let ids: Vec<String> = rewards.iter().map(|(id, _)| id.clone()).collect();
        let rewards = breakdown::by_reward(&window, &ids, &data.parts)
            .into_iter()
            .map(|r| RewardReportOut {
                label: rewards
                    .iter()
                    .find(|(id, _)| *id == r.reward_id)
                    .and_then(|(_, label)| label.clone())
                    .unwrap_or_else(|| r.reward_id.clone()),
                reward_id: r.reward_id,
                counts: r.total.into(),
                series: r
                    .series
                    .into_iter()
                    .map(|(start, t)| RewardBucketOut {
                        start: ts(start),
                        counts: t.into(),
                    })
                    .collect(),
            })
            .collect();
        Self {
            offer_id,
            from: ts(window.from),
            to: ts(window.to),
            interval: window.interval.as_str(),
            funnel: total.funnel().into(),
            audience: AudienceOut {
                total_profiles: data.profiles,
                influencers: data.influencers,
                email_reach: data.email_reach,
            },
            share_metrics: ShareMetricsOut {
                share_rate: metrics.share_rate,
                clickback_rate: metrics.clickback_rate,
                social_lift: metrics.social_lift,
            },
            series: report::series(&window, &data.tallies)
                .into_iter()
                .zip(networks.series)
                .map(|((start, f), (_, n))| BucketOut {
                    start: ts(start),
                    counts: f.into(),
                    networks: NetworkOut::list(breakdown::NETWORKS.into_iter().zip(n)),
                })
                .collect(),
            networks: NetworkOut::list(networks.total),
            rewards,
            attribution: AttributionOut::new(&data.attributed),
            ineligible: data.ineligible.iter().cloned().collect(),
            top_referrers: data
                .top_referrers
                .into_iter()
                .map(|r| TopReferrerOut {
                    participant_id: r.participant_id.to_string(),
                    email: r.email,
                    code: r.code,
                    credit: r.credit,
                })
                .collect(),
        }
    }

    /// The series as CSV: a header row, then one row per bucket. After the
    /// funnel come `shares_NETWORK`, `clicks_NETWORK`, `registrations_NETWORK`
    /// for each network, then `reward_ID_earned`, `…_held`, `…_given`,
    /// `…_cancelled`, `…_clawed_back` for each reward.
    pub fn series_csv(&self) -> Result<String, Box<dyn std::error::Error>> {
        const STATES: [&str; 5] = ["earned", "held", "given", "cancelled", "clawed_back"];
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut header: Vec<String> = [
            "start",
            "campaign_visits",
            "interactions",
            "shares",
            "resulting_clicks",
            "registrations",
        ]
        .map(String::from)
        .to_vec();
        for n in breakdown::NETWORKS {
            header.extend(["shares", "clicks", "registrations"].map(|m| format!("{m}_{n}")));
        }
        for r in &self.rewards {
            header.extend(STATES.map(|s| format!("reward_{}_{s}", r.reward_id)));
        }
        out.write_record(&header)?;
        for (i, b) in self.series.iter().enumerate() {
            let c = b.counts;
            let mut row = vec![
                b.start.clone(),
                c.campaign_visits.to_string(),
                c.interactions.to_string(),
                c.shares.to_string(),
                c.resulting_clicks.to_string(),
                c.registrations.to_string(),
            ];
            for n in &b.networks {
                row.extend([n.shares, n.clicks, n.registrations].map(|v| v.to_string()));
            }
            for r in &self.rewards {
                let t = r.series[i].counts;
                row.extend(
                    [t.earned, t.held, t.given, t.cancelled, t.clawed_back].map(|v| v.to_string()),
                );
            }
            out.write_record(&row)?;
        }
        Ok(String::from_utf8(out.into_inner()?)?)
    }
}
