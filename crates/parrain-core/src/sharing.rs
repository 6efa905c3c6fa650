//! How a share travels: the preview a link shows when it is posted, and
//! invitations a participant sends by email from the offer.
//!
//! A link-preview crawler (Facebook, LinkedIn, X, Slack, WhatsApp, …) fetches
//! a shared link to draw its card. Its fetch is not a friend's click: it never
//! counts as one, and with a `static` preview it gets the offer's own
//! OpenGraph tags instead of the redirect.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::offer::{valid_web_url, EmailTemplate, Problem};

/// Where a posted share link takes its card from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum PreviewKind {
    /// The landing page's own OpenGraph tags: crawlers follow the redirect.
    #[default]
    Dynamic,
    /// The title, description and image set here.
    Static,
}

/// The `share_preview` setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct SharePreview {
    #[serde(default)]
    pub kind: PreviewKind,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// An https image (crawlers refuse or downgrade plain http images).
    #[serde(default)]
    pub image_url: Option<String>,
}

impl SharePreview {
    pub fn problems(&self, out: &mut Vec<Problem>) {
        let long = |field: &str, value: &Option<String>, max: usize, out: &mut Vec<Problem>| {
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                out.push(Problem::invalid(
                    field,
                    "too_long",
                    format!("{field} is longer than {max} characters"),
                ));
            }
        };
        long("share_preview.title", &self.title, 200, out);
        long("share_preview.description", &self.description, 1000, out);
        if let Some(url) = &self.image_url {
            if !valid_web_url(url) || !url.starts_with("https://") {
                out.push(Problem::invalid(
                    "share_preview.image_url",
                    "invalid_url",
                    "share_preview.image_url must be an absolute https URL",
                ));
            }
        }
        let blank = self.title.as_deref().is_none_or(|t| t.trim().is_empty());
        if self.kind == PreviewKind::Static && blank {
            out.push(Problem::for_approval(
                "share_preview.title",
                "required",
                "a static share preview needs a title",
            ));
        }
    }
}

/// The `invitations` setting: participants invite friends by email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Invitations {
    #[serde(default)]
    pub enabled: bool,
    /// Invitations one participant may send in any 24 hours.
    #[serde(default = "default_per_day")]
    pub max_per_participant_per_day: i64,
    /// Addresses one request may carry.
    #[serde(default = "default_per_request")]
    pub max_recipients_per_request: i64,
}

fn default_per_day() -> i64 {
    20
}

fn default_per_request() -> i64 {
    10
}

impl Default for Invitations {
    fn default() -> Self {
        Self {
            enabled: false,
            max_per_participant_per_day: default_per_day(),
            max_recipients_per_request: default_per_request(),
        }
    }
}

impl Invitations {
    pub fn problems(&self, out: &mut Vec<Problem>) {
        if !(1..=1000).contains(&self.max_per_participant_per_day) {
            out.push(Problem::invalid(
                "invitations.max_per_participant_per_day",
                "out_of_range",
                "invitations.max_per_participant_per_day must be between 1 and 1000",
            ));
        }
        if !(1..=100).contains(&self.max_recipients_per_request) {
            out.push(Problem::invalid(
                "invitations.max_recipients_per_request",
                "out_of_range",
                "invitations.max_recipients_per_request must be between 1 and 100",
            ));
        }
    }
}

/// The longest personal note a participant may add to an invitation.
pub const MAX_MESSAGE: usize = 1000;

/// The invitation email an offer sends when it has not written its own.
pub fn default_invitation_email() -> EmailTemplate {
    EmailTemplate {
        subject: "{{ first_name }} invites you: {{ offer.name }}".into(),
        text:
            "Hello,\n\n{{ first_name }} {{ last_name }} thought you would like {{ offer.name }}.\n\
               {% if message %}\n{{ message }}\n{% endif %}\n\
               Take a look: {{ share_url }}\n\n\
               You received this because a friend entered your address. \
               To receive no more invitations: {{ unsubscribe_url }}\n"
                .into(),
        html: Some(
            "<p>Hello,</p>\
             <p>{{ first_name }} {{ last_name }} thought you would like {{ offer.name }}.</p>\
             {% if message %}<blockquote>{{ message }}</blockquote>{% endif %}\
             <p><a href=\"{{ share_url }}\">Take a look</a></p>\
             <hr><p style=\"font-size:small;color:#666\">You received this because a friend \
             entered your address. <a href=\"{{ unsubscribe_url }}\">Receive no more \
             invitations</a>.</p>"
                .into(),
        ),
    }
}

/// User agents of link-preview crawlers, lower-cased; matched as substrings.
///
/// Only agents that fetch a link to draw a card for a human who posted it.
/// Search-engine bots are left out on purpose: they follow links like
/// browsers and a static card is not what they should index. iMessage
/// previews announce themselves as `facebookexternalhit` and `Twitterbot`
/// together, which both entries catch.
pub const PREVIEW_CRAWLERS: [&str; 16] = [
    "facebookexternalhit",
    "facebot",
    "facebookcatalog",
    "linkedinbot",
    "twitterbot",
    "slackbot",
    "slack-imgproxy",
    "whatsapp",
    "telegrambot",
    "discordbot",
    "pinterest",
    "embedly",
    "skypeuripreview",
    "vkshare",
    "redditbot",
    "mastodon",
];

/// Whether a request's `User-Agent` is a link-preview crawler. Every share
/// link's redirect asks, so the agent is read once for all the names
/// together, whatever their case: comparing each name at each position of
/// a browser's agent (about 110 bytes) cost about 37,000 instructions a
/// redirect, about a quarter of it (BENCHMARKS.md, "Fifteenth round").
pub fn is_preview_crawler(user_agent: &str) -> bool {
    static CRAWLERS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(PREVIEW_CRAWLERS)
            .expect("a few short literal names always build")
    });
    CRAWLERS.is_match(user_agent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crawlers_are_recognised_whatever_the_case() {
        for ua in [
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
            "Twitterbot/1.0",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "WhatsApp/2.23.20.0",
            "TelegramBot (like TwitterBot)",
            "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
            "Mozilla/5.0 (Macintosh) facebookexternalhit/1.1 Facebot Twitterbot/1.0",
        ] {
            assert!(is_preview_crawler(ua), "{ua}");
        }
    }

    proptest::proptest! {
        /// The matcher finds a name wherever it is and whatever its case,
        /// as reading the lower-cased agent for each name would.
        #[test]
        fn crawlers_are_the_agents_that_contain_a_name(
            before in "[ -~]{0,40}",
            name in proptest::sample::select(PREVIEW_CRAWLERS.to_vec()),
            upper in proptest::collection::vec(proptest::bool::ANY, 20),
            after in "[ -~]{0,40}",
            keep_name in proptest::bool::ANY,
        ) {
            let cased: String = name
                .chars()
                .zip(upper.iter().cycle())
                .map(|(c, up)| if *up { c.to_ascii_uppercase() } else { c })
                .collect();
            let ua = if keep_name { format!("{before}{cased}{after}") } else { format!("{before}{after}") };
            let lower = ua.to_ascii_lowercase();
            let expected = PREVIEW_CRAWLERS.iter().any(|n| lower.contains(n));
            proptest::prop_assert_eq!(is_preview_crawler(&ua), expected, "{}", ua);
        }
    }

    #[test]
    fn browsers_and_search_engines_are_not_crawlers() {
        for ua in [
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "",
        ] {
            assert!(!is_preview_crawler(ua), "{ua}");
        }
    }

    #[test]
    fn static_previews_need_a_title_and_an_https_image() {
        let preview = SharePreview {
            kind: PreviewKind::Static,
            title: None,
            description: None,
            image_url: Some("http://cdn.example.com/card.png".into()),
        };
        let mut out = Vec::new();
        preview.problems(&mut out);
        let fields: Vec<_> = out
            .iter()
            .map(|p| (p.field.as_str(), p.approval_only))
            .collect();
        assert_eq!(
            fields,
            [
                ("share_preview.image_url", false),
                ("share_preview.title", true)
            ]
        );
    }

    #[test]
    fn the_default_invitation_email_uses_only_its_tokens() {
        let email = default_invitation_email();
        for source in [&email.subject, &email.text, email.html.as_ref().unwrap()] {
            crate::template::check_invitation(source).unwrap();
        }
    }
}
