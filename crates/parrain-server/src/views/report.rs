//! The body of `GET /v1/offers/{id}/report` (SPEC §5.6), built from the
//! store's tallies with `parrain_core::report`'s arithmetic, and its series
//! as CSV.

use std::collections::BTreeMap;

use parrain_core::attribution::Method;
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
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopReferrerOut {
    pub participant_id: String,
    pub email: String,
    pub code: String,
    pub credit: i64,
}

impl ReportOut {
    pub fn new(offer_id: OfferId, window: Window, data: ReportData) -> Self {
        let total = report::total(&data.tallies);
        let metrics = total.share_metrics();
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
                .map(|(start, f)| BucketOut {
                    start: ts(start),
                    counts: f.into(),
                })
                .collect(),
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

    /// The series as CSV: a header row, then one row per bucket.
    pub fn series_csv(&self) -> Result<String, Box<dyn std::error::Error>> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record([
            "start",
            "campaign_visits",
            "interactions",
            "shares",
            "resulting_clicks",
            "registrations",
        ])?;
        for b in &self.series {
            let c = b.counts;
            out.write_record([
                b.start.clone(),
                c.campaign_visits.to_string(),
                c.interactions.to_string(),
                c.shares.to_string(),
                c.resulting_clicks.to_string(),
                c.registrations.to_string(),
            ])?;
        }
        Ok(String::from_utf8(out.into_inner()?)?)
    }
}
