//! The arithmetic of an offer report (SPEC §5.6): the window and its
//! buckets, what each count means, and the ratios between them.
//!
//! The store tallies the activity log per bucket; everything derived from
//! those tallies lives here so that it is the same on every backend and is
//! tested without a database. Buckets are aligned to UTC hours or days (the
//! epoch is a UTC midnight), and a window `[from, to)` is cut into every
//! bucket it touches, empty ones included, so a chart has no gaps.

use crate::{Millis, DAY, MINUTE};

/// The most buckets one report may hold; a longer window is refused.
pub const MAX_BUCKETS: i64 = 2_000;

/// The width of a time-series bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Hour,
    Day,
}

impl Interval {
    /// Parses `hour` or `day`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "hour" => Some(Self::Hour),
            "day" => Some(Self::Day),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "hour",
            Self::Day => "day",
        }
    }

    /// The bucket width in milliseconds.
    pub fn millis(self) -> Millis {
        match self {
            Self::Hour => 60 * MINUTE,
            Self::Day => DAY,
        }
    }

    /// The start of the bucket holding `t`.
    pub fn floor(self, t: Millis) -> Millis {
        t.div_euclid(self.millis()) * self.millis()
    }
}

/// Why a window cannot be reported on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("`from` must be before `to`")]
    Empty,
    #[error(
        "the window holds more than {MAX_BUCKETS} buckets; use a shorter window or `interval=day`"
    )]
    TooLong,
}

/// The time a report covers: activities at `from` or later and before `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: Millis,
    pub to: Millis,
    pub interval: Interval,
}

impl Window {
    pub fn new(from: Millis, to: Millis, interval: Interval) -> Result<Self, WindowError> {
        if from >= to {
            return Err(WindowError::Empty);
        }
        let window = Self { from, to, interval };
        if window.bucket_starts().len() as i64 > MAX_BUCKETS {
            return Err(WindowError::TooLong);
        }
        Ok(window)
    }

    /// The start of every bucket the window touches, oldest first.
    pub fn bucket_starts(&self) -> Vec<Millis> {
        let step = self.interval.millis();
        let first = self.interval.floor(self.from);
        let count = (self.to - first + step - 1) / step;
        (0..count.min(MAX_BUCKETS + 1))
            .map(|i| first + i * step)
            .collect()
    }
}

/// What the log holds for one bucket, before it is summed into the funnel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// `visits_offer_page` that opened a session (30 minutes of silence before).
    pub visit_sessions: i64,
    /// Those sessions whose visitor was referred by a participant.
    pub referred_sessions: i64,
    pub sign_ups: i64,
    /// Sign-ups that followed a share link (`referred_by` set).
    pub referred_sign_ups: i64,
    pub shares: i64,
    pub clicks: i64,
    pub custom_events: i64,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.visit_sessions += other.visit_sessions;
        self.referred_sessions += other.referred_sessions;
        self.sign_ups += other.sign_ups;
        self.referred_sign_ups += other.referred_sign_ups;
        self.shares += other.shares;
        self.clicks += other.clicks;
        self.custom_events += other.custom_events;
    }

    /// The funnel of these activities.
    pub fn funnel(&self) -> Funnel {
        Funnel {
            campaign_visits: self.visit_sessions,
            interactions: self.sign_ups + self.shares + self.custom_events,
            shares: self.shares,
            resulting_clicks: self.clicks,
            registrations: self.referred_sign_ups,
        }
    }

    /// The share metrics; a ratio over zero is `None`.
    pub fn share_metrics(&self) -> ShareMetrics {
        let non_referred = self.visit_sessions - self.referred_sessions;
        ShareMetrics {
            share_rate: ratio(self.shares, self.visit_sessions),
            clickback_rate: ratio(self.clicks, self.shares),
            social_lift: ratio(self.referred_sessions, non_referred),
        }
    }
}

/// The five steps from a visit to a referred registration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Funnel {
    /// Visit sessions on the offer page.
    pub campaign_visits: i64,
    /// Sign-ups, shares and custom events.
    pub interactions: i64,
    pub shares: i64,
    /// Clicks on share links.
    pub resulting_clicks: i64,
    /// Sign-ups that followed a share link.
    pub registrations: i64,
}

/// How well sharing works.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShareMetrics {
    /// Shares per campaign visit.
    pub share_rate: Option<f64>,
    /// Clicks per share.
    pub clickback_rate: Option<f64>,
    /// Referred visit sessions per non-referred one.
    pub social_lift: Option<f64>,
}

fn ratio(numerator: i64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// The funnel of every bucket of `window`, empty buckets included;
/// `tallies` are keyed by bucket start, in any order, and may repeat a key.
pub fn series(window: &Window, tallies: &[(Millis, Tally)]) -> Vec<(Millis, Funnel)> {
    window
        .bucket_starts()
        .into_iter()
        .map(|start| {
            let mut sum = Tally::default();
            for (_, t) in tallies.iter().filter(|(s, _)| *s == start) {
                sum.add(t);
            }
            (start, sum.funnel())
        })
        .collect()
}

/// All tallies summed.
pub fn total(tallies: &[(Millis, Tally)]) -> Tally {
    let mut sum = Tally::default();
    for (_, t) in tallies {
        sum.add(t);
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: Millis = 60 * MINUTE;

    #[test]
    fn buckets_are_aligned_and_cover_the_whole_window() {
        let w = Window::new(10 * H + 5 * MINUTE, 13 * H, Interval::Hour).unwrap();
        assert_eq!(w.bucket_starts(), vec![10 * H, 11 * H, 12 * H]);
        let w = Window::new(DAY + 1, 2 * DAY + 1, Interval::Day).unwrap();
        assert_eq!(w.bucket_starts(), vec![DAY, 2 * DAY]);
    }

    #[test]
    fn empty_and_huge_windows_are_refused() {
        assert_eq!(Window::new(5, 5, Interval::Hour), Err(WindowError::Empty));
        let long = Window::new(0, (MAX_BUCKETS + 1) * H, Interval::Hour);
        assert_eq!(long, Err(WindowError::TooLong));
        assert!(Window::new(0, MAX_BUCKETS * H, Interval::Hour).is_ok());
    }

    #[test]
    fn ratios_over_zero_are_none() {
        let m = Tally::default().share_metrics();
        assert_eq!(
            (m.share_rate, m.clickback_rate, m.social_lift),
            (None, None, None)
        );
        let t = Tally {
            visit_sessions: 4,
            referred_sessions: 1,
            shares: 2,
            clicks: 3,
            ..Tally::default()
        };
        let m = t.share_metrics();
        assert_eq!(m.share_rate, Some(0.5));
        assert_eq!(m.clickback_rate, Some(1.5));
        assert_eq!(m.social_lift, Some(1.0 / 3.0));
    }

    #[test]
    fn series_fills_empty_buckets_and_sums_repeats() {
        let w = Window::new(0, 3 * H, Interval::Hour).unwrap();
        let one = Tally {
            shares: 1,
            ..Tally::default()
        };
        let s = series(&w, &[(2 * H, one), (2 * H, one)]);
        let shares: Vec<i64> = s.iter().map(|(_, f)| f.shares).collect();
        assert_eq!(shares, vec![0, 0, 2]);
        assert_eq!(s[2].1.interactions, 2);
    }
}
