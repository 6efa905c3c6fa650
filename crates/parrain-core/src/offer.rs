//! Offers: their settings, their lifecycle, and the rules that decide
//! whether a set of settings may go live.
//!
//! Settings are checked twice. On every write, values that are wrong in
//! themselves (a goal count of 0, a URL that is not one, a template that does
//! not parse) are refused. On approval, the settings must also be complete
//! (a goal count, an event name for a custom event, a fulfillment email for
//! automatic delivery, …). Both checks return the full list of problems.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::rule::TriggerRule;
use crate::{template, Millis};

/// Where an offer is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    Draft,
    Approved,
    Unapproved,
    Archived,
}

impl OfferStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Approved => "approved",
            Self::Unapproved => "unapproved",
            Self::Archived => "archived",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "draft" => Self::Draft,
            "approved" => Self::Approved,
            "unapproved" => Self::Unapproved,
            "archived" => Self::Archived,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum GoalType {
    ReferredVisits,
    #[default]
    ReferredSignups,
    SmartListTrigger,
    CustomEvent,
}

/// The `goal.event` setting: an event name (custom events), or a trigger rule
/// (smart-list triggers; a bare name is a rule without conditions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum GoalEvent {
    Name(String),
    Rule(TriggerRule),
}

impl GoalEvent {
    pub fn name(&self) -> &str {
        match self {
            Self::Name(name) => name,
            Self::Rule(rule) => &rule.name,
        }
    }

    /// The trigger rule this setting stands for.
    pub fn rule(&self) -> TriggerRule {
        match self {
            Self::Name(name) => TriggerRule {
                name: name.clone(),
                conditions: Vec::new(),
            },
            Self::Rule(rule) => rule.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    #[serde(rename = "type", default)]
    pub kind: GoalType,
    #[serde(default)]
    pub count: Option<i64>,
    #[serde(default)]
    pub event: Option<GoalEvent>,
    /// What earns a credit: one per friend (`friend`, v1), or one per
    /// distinct event id (`event`: two purchases by one friend are two
    /// credits), for `custom_event` and `smart_list_trigger` goals.
    #[serde(default, skip_serializing_if = "CreditPer::is_friend")]
    pub credit_per: CreditPer,
    /// A server-event rule (`{name, where}`) whose events reverse the
    /// credit(s) the friend they name earned (a refund), as
    /// `POST /v1/participants/{id}/credits/reverse` does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reversal: Option<crate::rule::TriggerRule>,
}

/// What earns a credit (`goal.credit_per`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum CreditPer {
    /// One credit per friend, whatever it does again (v1).
    #[default]
    Friend,
    /// One credit per distinct event id: each server event with its own
    /// `id`, each Give Credit call or page event with its own `event_id`.
    Event,
}

impl CreditPer {
    pub fn is_friend(&self) -> bool {
        *self == Self::Friend
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    #[default]
    AutoOnGoal,
    Manual,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Fulfillment {
    #[serde(default)]
    pub delivery: Delivery,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum ShareUrlKind {
    #[default]
    ReferringPage,
    LandingPage,
    External,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ShareUrl {
    #[serde(default)]
    pub kind: ShareUrlKind,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum SignUpFlow {
    #[default]
    CaptureThenShare,
    ShareThenCapture,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    Email,
    X,
    Linkedin,
    Facebook,
}

impl Network {
    pub const ALL: [Network; 4] = [Self::Email, Self::X, Self::Linkedin, Self::Facebook];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::X => "x",
            Self::Linkedin => "linkedin",
            Self::Facebook => "facebook",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.as_str() == value)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonField {
    pub name: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub required: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum MarketingConsent {
    #[default]
    OptIn,
    OptOut,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailTemplate {
    pub subject: String,
    pub text: String,
    #[serde(default)]
    pub html: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Emails {
    #[serde(default)]
    pub sign_up: Option<EmailTemplate>,
    #[serde(default)]
    pub fulfillment: Option<EmailTemplate>,
    /// The invitation a participant sends a friend (see `sharing`); a default when unset.
    #[serde(default)]
    pub invitation: Option<EmailTemplate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum VisitCounting {
    #[default]
    UniqueFriend,
    EachVisit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum AttributionModel {
    #[default]
    FirstTouch,
    LastTouch,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attribution {
    #[serde(default)]
    pub model: AttributionModel,
    #[serde(default = "default_window_days")]
    pub window_days: i64,
    /// How a friend's referrer is found, first to last (SPEC §15).
    #[serde(default = "default_methods")]
    pub methods: Vec<crate::attribution::Method>,
}

fn default_methods() -> Vec<crate::attribution::Method> {
    crate::attribution::Method::DEFAULT.to_vec()
}

fn default_window_days() -> i64 {
    90
}

impl Default for Attribution {
    fn default() -> Self {
        Self {
            model: AttributionModel::default(),
            window_days: default_window_days(),
            methods: default_methods(),
        }
    }
}

fn default_networks() -> Vec<Network> {
    Network::ALL.to_vec()
}

fn default_referral_param() -> Option<String> {
    Some("ref".into())
}

fn default_person_fields() -> Vec<PersonField> {
    ["first_name", "last_name"]
        .into_iter()
        .map(|name| PersonField {
            name: name.into(),
            label: None,
            required: false,
        })
        .collect()
}

/// Every setting of an offer, as the API reads and writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferSettings {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub goal: Goal,
    #[serde(default)]
    pub fulfillment: Fulfillment,
    #[serde(default)]
    pub share_url: ShareUrl,
    #[serde(default)]
    pub offer_page_url: Option<String>,
    #[serde(default)]
    pub sign_up_flow: SignUpFlow,
    #[serde(default = "default_networks")]
    pub networks: Vec<Network>,
    #[serde(default)]
    pub share_messages: BTreeMap<Network, String>,
    #[serde(default = "default_person_fields")]
    pub person_fields: Vec<PersonField>,
    #[serde(default)]
    pub marketing_consent: MarketingConsent,
    #[serde(default)]
    pub rules_url: Option<String>,
    #[serde(default)]
    pub privacy_policy: Option<Link>,
    #[serde(default)]
    pub emails: Emails,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub starts_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub visit_counting: VisitCounting,
    #[serde(default)]
    pub attribution: Attribution,
    /// The landing page's query parameter that carries a share code from
    /// links shared before parrain (by another program), read as well as
    /// `parrain_ref`; `null` reads `parrain_ref` only. Left out, it is `ref`.
    // No schema default: generated TypeScript clients would make the field
    // required in what a client sends.
    #[serde(default = "default_referral_param")]
    pub referral_param: Option<String>,
    /// Referral fraud rules (see `fraud`).
    #[serde(default)]
    pub fraud: crate::fraud::FraudSettings,
    /// The card a posted share link shows (see `sharing`).
    #[serde(default)]
    pub share_preview: crate::sharing::SharePreview,
    /// Invitations sent by email from the offer (see `sharing`).
    #[serde(default)]
    pub invitations: crate::sharing::Invitations,
    /// The widget's language, strings, colours and buttons (see `widget`).
    #[serde(default)]
    pub widget: crate::widget::WidgetSettings,
    /// Who is given what, and when (see `reward`); without it, v1's one
    /// fulfillment at the goal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rewards: Vec<crate::reward::Reward>,
    /// The public leaderboard of referrers (see `reward`).
    #[serde(
        default,
        skip_serializing_if = "crate::reward::Leaderboard::is_default"
    )]
    pub leaderboard: crate::reward::Leaderboard,
    /// The OpenID Connect providers (ids from parrain's `social_providers`
    /// configuration) whose "Continue with …" buttons the widget shows.
    #[serde(default)]
    pub social_sign_up: Vec<String>,
    /// Who may count as a referred friend (see `limits`).
    #[serde(
        default,
        skip_serializing_if = "crate::limits::Eligibility::is_default"
    )]
    pub eligibility: crate::limits::Eligibility,
    /// Caps per referrer and per share link (see `limits`).
    #[serde(default, skip_serializing_if = "crate::limits::Limits::is_default")]
    pub limits: crate::limits::Limits,
}

/// One thing wrong with a set of settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// The setting, as a dotted path (`goal.count`).
    pub field: String,
    pub code: String,
    pub message: String,
    /// Only approval refuses this problem: a draft may be incomplete or, while
    /// being edited, inconsistent.
    #[serde(skip)]
    pub approval_only: bool,
}

impl Problem {
    pub(crate) fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
            approval_only: false,
        }
    }

    pub(crate) fn for_approval(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
            approval_only: true,
        }
    }
}

/// The built-in person fields a sign-up form may ask for, besides `email`.
pub const BUILT_IN_FIELDS: [&str; 2] = ["first_name", "last_name"];

impl OfferSettings {
    pub fn live_at(&self, now: Millis) -> bool {
        let now = i128::from(now) * 1_000_000;
        self.starts_at
            .is_none_or(|s| s.unix_timestamp_nanos() <= now)
            && self.ends_at.is_none_or(|e| now < e.unix_timestamp_nanos())
    }

    /// Where `/r/{code}` sends a friend, before the attribution parameters.
    pub fn share_target(&self) -> Option<&str> {
        match self.share_url.kind {
            ShareUrlKind::ReferringPage => self.offer_page_url.as_deref(),
            ShareUrlKind::LandingPage | ShareUrlKind::External => self
                .share_url
                .url
                .as_deref()
                .or(self.offer_page_url.as_deref()),
        }
    }

    pub fn window_millis(&self) -> Millis {
        self.attribution.window_days.saturating_mul(crate::DAY)
    }

    /// Problems that refuse a write, whatever the offer's state.
    pub fn write_problems(&self) -> Vec<Problem> {
        self.problems()
            .into_iter()
            .filter(|p| !p.approval_only)
            .collect()
    }

    /// Every problem, complete or not: what approval refuses.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.name.trim().is_empty() {
            out.push(Problem::invalid(
                "name",
                "required",
                "the offer needs a name",
            ));
        } else if self.name.chars().count() > 200 {
            out.push(Problem::invalid(
                "name",
                "too_long",
                "name is longer than 200 characters",
            ));
        }
        self.goal_problems(&mut out);
        if let Some(param) = &self.referral_param {
            let fits = (1..=64).contains(&param.len())
                && param
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b));
            if !fits || param == "parrain_ref" || param == "parrain_vid" {
                out.push(Problem::invalid(
                    "referral_param",
                    "invalid",
                    "referral_param is a query parameter name: 1 to 64 letters, digits, _, - or . (not parrain_ref or parrain_vid)",
                ));
            }
        }
        self.url_problems(&mut out);
        self.form_problems(&mut out);
        self.email_problems(&mut out);
        out.extend(self.fraud.problems());
        self.widget.problems(&mut out);
        self.share_preview.problems(&mut out);
        self.invitations.problems(&mut out);
        crate::reward::problems(self, &mut out);
        self.leaderboard.problems(&mut out);
        self.social_problems(&mut out);
        if let (Some(start), Some(end)) = (self.starts_at, self.ends_at) {
            if start > end {
                out.push(Problem::for_approval(
                    "starts_at",
                    "after_end",
                    "starts_at is after ends_at",
                ));
            }
        }
        if !(1..=3650).contains(&self.attribution.window_days) {
            out.push(Problem::invalid(
                "attribution.window_days",
                "out_of_range",
                "attribution.window_days must be between 1 and 3650",
            ));
        }
        self.attribution_problems(&mut out);
        self.eligibility.problems(&mut out);
        self.limits.problems(&mut out);
        out
    }

    fn attribution_problems(&self, out: &mut Vec<Problem>) {
        let methods = &self.attribution.methods;
        if methods.is_empty() {
            out.push(Problem::invalid(
                "attribution.methods",
                "required",
                "attribution.methods needs at least one of link, email, coupon, name",
            ));
        }
        for (i, m) in methods.iter().enumerate() {
            if methods[..i].contains(m) {
                out.push(Problem::invalid(
                    "attribution.methods",
                    "duplicate",
                    format!("attribution method {} is listed twice", m.as_str()),
                ));
            }
        }
    }

    fn goal_problems(&self, out: &mut Vec<Problem>) {
        match self.goal.count {
            None => out.push(Problem::for_approval(
                "goal.count",
                "required",
                "the goal needs a count (how much credit fulfils it)",
            )),
            Some(count) if !(1..=1_000_000).contains(&count) => out.push(Problem::invalid(
                "goal.count",
                "out_of_range",
                "goal.count must be between 1 and 1000000",
            )),
            Some(_) => {}
        }
        match (self.goal.kind, &self.goal.event) {
            (GoalType::CustomEvent, None) => out.push(Problem::for_approval(
                "goal.event",
                "required",
                "a custom_event goal needs the name of the event the page fires",
            )),
            (GoalType::CustomEvent, Some(GoalEvent::Rule(_))) => out.push(Problem::invalid(
                "goal.event",
                "invalid",
                "a custom_event goal takes an event name, not a trigger rule",
            )),
            (GoalType::ReferredVisits | GoalType::ReferredSignups, Some(_)) => {
                out.push(Problem::invalid(
                    "goal.event",
                    "not_applicable",
                    "goal.event applies only to custom_event and smart_list_trigger goals",
                ))
            }
            _ => {}
        }
        if let Some(event) = &self.goal.event {
            if !valid_event_name(event.name()) {
                out.push(Problem::invalid(
                    "goal.event",
                    "invalid",
                    "event names are 1 to 100 characters without spaces",
                ));
            }
        }
        if self.goal.credit_per == CreditPer::Event
            && !matches!(
                self.goal.kind,
                GoalType::CustomEvent | GoalType::SmartListTrigger
            )
        {
            out.push(Problem::invalid(
                "goal.credit_per",
                "not_applicable",
                "credit_per event applies only to custom_event and smart_list_trigger goals",
            ));
        }
        if let Some(rule) = &self.goal.reversal {
            if !valid_event_name(&rule.name) {
                out.push(Problem::invalid(
                    "goal.reversal.name",
                    "invalid",
                    "event names are 1 to 100 characters without spaces",
                ));
            }
            if rule.conditions.len() > 20 {
                out.push(Problem::invalid(
                    "goal.reversal.where",
                    "too_many",
                    "a reversal rule has at most 20 conditions",
                ));
            }
            if self.goal.event.as_ref().is_some_and(|e| e.rule() == *rule) {
                out.push(Problem::invalid(
                    "goal.reversal",
                    "same_as_goal",
                    "the reversal rule matches the same events as goal.event: each would credit and reverse at once",
                ));
            }
        }
        if self.goal.kind == GoalType::ReferredVisits && self.offer_page_url.is_none() {
            out.push(Problem::for_approval(
                "offer_page_url",
                "required",
                "a referred_visits goal counts visits to the offer page: set offer_page_url",
            ));
        }
    }

    fn url_problems(&self, out: &mut Vec<Problem>) {
        let urls = [
            ("offer_page_url", self.offer_page_url.as_deref()),
            ("share_url.url", self.share_url.url.as_deref()),
            ("rules_url", self.rules_url.as_deref()),
            (
                "privacy_policy.url",
                self.privacy_policy.as_ref().map(|p| p.url.as_str()),
            ),
        ];
        for (field, url) in urls {
            if let Some(url) = url {
                if !valid_web_url(url) {
                    out.push(Problem::invalid(
                        field,
                        "invalid_url",
                        format!("{field} must be an absolute http(s) URL"),
                    ));
                }
            }
        }
        let target_field = match self.share_url.kind {
            ShareUrlKind::ReferringPage => ("offer_page_url", "a referring_page share URL"),
            ShareUrlKind::LandingPage => ("share_url.url", "a landing_page share URL"),
            ShareUrlKind::External => ("share_url.url", "an external share URL"),
        };
        let missing = match self.share_url.kind {
            ShareUrlKind::ReferringPage => self.offer_page_url.is_none(),
            _ => self.share_url.url.is_none(),
        };
        if missing
            && !out
                .iter()
                .any(|p| p.field == target_field.0 && p.approval_only)
        {
            out.push(Problem::for_approval(
                target_field.0,
                "required",
                format!("{} needs {}", target_field.1, target_field.0),
            ));
        }
    }

    /// Provider ids are the configuration's names: whether each is
    /// configured is the server's to say (the core does not read the
    /// configuration).
    fn social_problems(&self, out: &mut Vec<Problem>) {
        if self.social_sign_up.len() > MAX_SOCIAL_PROVIDERS {
            out.push(Problem::invalid(
                "social_sign_up",
                "too_many",
                format!("social_sign_up has more than {MAX_SOCIAL_PROVIDERS} providers"),
            ));
        }
        for (i, id) in self.social_sign_up.iter().enumerate() {
            let field = format!("social_sign_up[{i}]");
            if !valid_provider_id(id) {
                out.push(Problem::invalid(
                    &field,
                    "invalid",
                    format!("{field} must be a provider id of 1 to 40 lower-case letters, digits, - or _"),
                ));
            } else if self.social_sign_up[..i].contains(id) {
                out.push(Problem::invalid(
                    &field,
                    "duplicate",
                    format!("{field}: {id} is listed twice"),
                ));
            }
        }
    }

    fn form_problems(&self, out: &mut Vec<Problem>) {
        if self.networks.is_empty() {
            out.push(Problem::for_approval(
                "networks",
                "required",
                "choose at least one network to share on",
            ));
        }
        for (i, n) in self.networks.iter().enumerate() {
            if self.networks[..i].contains(n) {
                out.push(Problem::invalid(
                    "networks",
                    "duplicate",
                    format!("network {} is listed twice", n.as_str()),
                ));
            }
        }
        for (network, message) in &self.share_messages {
            for name in crate::widget::unknown_placeholders(message) {
                let field = format!("share_messages.{}", network.as_str());
                out.push(Problem::invalid(
                    &field,
                    "unknown_placeholder",
                    format!(
                        "{field} uses {{{name}}}; placeholders are {}",
                        crate::widget::SHARE_PLACEHOLDERS
                            .map(|p| format!("{{{p}}}"))
                            .join(", ")
                    ),
                ));
            }
            if !self.networks.contains(network) {
                out.push(Problem::invalid(
                    "share_messages",
                    "unknown_network",
                    format!(
                        "a share message for {} which is not in networks",
                        network.as_str()
                    ),
                ));
            }
        }
        for (i, field) in self.person_fields.iter().enumerate() {
            let path = format!("person_fields[{i}].name");
            if field.name == "email" {
                out.push(Problem::invalid(
                    &path,
                    "reserved",
                    "email is always asked and always required; do not list it",
                ));
            } else if !valid_field_name(&field.name) {
                out.push(Problem::invalid(
                    &path,
                    "invalid",
                    "field names are 1 to 64 characters of a-z, 0-9 and _",
                ));
            } else if self.person_fields[..i].iter().any(|f| f.name == field.name) {
                out.push(Problem::invalid(
                    &path,
                    "duplicate",
                    "this field is listed twice",
                ));
            }
        }
    }

    fn email_problems(&self, out: &mut Vec<Problem>) {
        for (which, email) in [
            ("sign_up", &self.emails.sign_up),
            ("fulfillment", &self.emails.fulfillment),
            ("invitation", &self.emails.invitation),
        ] {
            let check = if which == "invitation" {
                template::check_invitation
            } else {
                template::check
            };
            let Some(email) = email else { continue };
            let parts = [
                ("subject", Some(&email.subject)),
                ("text", Some(&email.text)),
            ];
            let html = [("html", email.html.as_ref())];
            for (part, source) in parts.into_iter().chain(html) {
                let Some(source) = source else { continue };
                let field = format!("emails.{which}.{part}");
                if part != "html" && source.trim().is_empty() {
                    out.push(Problem::invalid(
                        &field,
                        "required",
                        format!("{field} is empty"),
                    ));
                    continue;
                }
                if let Err(problem) = check(source) {
                    out.push(Problem::invalid(
                        &field,
                        problem.code(),
                        problem.to_string(),
                    ));
                }
            }
        }
        if self.fulfillment.delivery == Delivery::AutoOnGoal
            && self.emails.fulfillment.is_none()
            && self.rewards.is_empty()
        {
            out.push(Problem::for_approval(
                "emails.fulfillment",
                "required",
                "auto_on_goal delivery sends the fulfillment email: write one",
            ));
        }
    }
}

impl OfferSettings {
    /// What is wrong with a sign-up's person fields: required ones missing,
    /// unknown ones given. `first_name` and `last_name` are always accepted.
    pub fn sign_up_problems(
        &self,
        first_name: Option<&str>,
        last_name: Option<&str>,
        fields: &serde_json::Map<String, serde_json::Value>,
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        for field in &self.person_fields {
            let value = match field.name.as_str() {
                "first_name" => first_name.map(str::to_owned),
                "last_name" => last_name.map(str::to_owned),
                name => fields.get(name).map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                }),
            };
            let blank = value
                .as_deref()
                .is_none_or(|v| v.trim().is_empty() || v == "null");
            if field.required && blank {
                out.push(Problem::invalid(
                    &field.name,
                    "required",
                    format!("{} is required", field.name),
                ));
            }
        }
        for name in fields.keys() {
            let known = self.person_fields.iter().any(|f| &f.name == name);
            if !known || BUILT_IN_FIELDS.contains(&name.as_str()) {
                out.push(Problem::invalid(
                    &format!("fields.{name}"),
                    "unknown_field",
                    format!("{name} is not a person field of this offer"),
                ));
            }
        }
        out
    }
}

pub fn valid_event_name(name: &str) -> bool {
    (1..=100).contains(&name.chars().count()) && !name.chars().any(char::is_whitespace)
}

fn valid_field_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The most OpenID Connect providers one offer may offer.
pub const MAX_SOCIAL_PROVIDERS: usize = 10;

/// A social sign-up provider's id: 1 to 40 of `a-z`, `0-9`, `-`, `_`.
pub fn valid_provider_id(id: &str) -> bool {
    (1..=40).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

pub fn valid_web_url(raw: &str) -> bool {
    url::Url::parse(raw)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// RFC 7396 JSON merge patch: objects merge, `null` removes, anything else replaces.
pub fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    use serde_json::Value;
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Default::default());
    }
    let Value::Object(target) = target else {
        unreachable!("made an object above")
    };
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(value: serde_json::Value) -> OfferSettings {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn social_sign_up_takes_distinct_provider_ids() {
        let s = settings(json!({"name": "x", "social_sign_up": ["google", "Acme SSO", "google"]}));
        let problems: Vec<_> = s
            .write_problems()
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect();
        assert_eq!(
            problems,
            [
                ("social_sign_up[1]".to_owned(), "invalid".to_owned()),
                ("social_sign_up[2]".to_owned(), "duplicate".to_owned())
            ]
        );
        let fine = settings(json!({"name": "x", "social_sign_up": ["google", "acme-sso"]}));
        assert!(fine.write_problems().is_empty());
    }

    #[test]
    fn a_bare_offer_lists_every_missing_setting() {
        let s = settings(json!({"name": "Spring"}));
        let fields: Vec<_> = s.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            ["goal.count", "offer_page_url", "emails.fulfillment"]
        );
        assert!(s.write_problems().is_empty());
    }

    #[test]
    fn spec_examples_of_refused_approval() {
        let s = settings(json!({
            "name": "x",
            "goal": {"type": "custom_event", "count": 2},
            "share_url": {"kind": "external"},
            "offer_page_url": "https://example.com/refer",
            "emails": {"fulfillment": {"subject": "s", "text": "t"}},
            "starts_at": "2026-05-01T00:00:00Z",
            "ends_at": "2026-04-01T00:00:00Z"
        }));
        let fields: Vec<_> = s.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["goal.event", "share_url.url", "starts_at"]);
    }

    #[test]
    fn unknown_template_tokens_are_write_problems() {
        let s = settings(json!({
            "name": "x",
            "emails": {"sign_up": {"subject": "Hi {{ first_name }}", "text": "{{ coupon }}"}}
        }));
        let problems = s.write_problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "emails.sign_up.text");
        assert!(problems[0].message.contains("coupon"));
    }

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = json!({"a": {"b": 1, "c": 2}, "d": 3});
        merge_patch(&mut doc, &json!({"a": {"b": null, "e": 4}, "d": [1]}));
        assert_eq!(doc, json!({"a": {"c": 2, "e": 4}, "d": [1]}));
    }

    #[test]
    fn the_window_bounds_liveness() {
        let s = settings(json!({
            "name": "x",
            "starts_at": "2026-01-01T00:00:00Z",
            "ends_at": "2026-02-01T00:00:00Z"
        }));
        let jan_15 = 1_768_435_200_000;
        assert!(s.live_at(jan_15));
        assert!(!s.live_at(jan_15 - 30 * crate::DAY));
        assert!(!s.live_at(jan_15 + 30 * crate::DAY));
    }
}
