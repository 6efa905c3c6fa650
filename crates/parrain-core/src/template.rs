//! Email templates: which tokens they may use, and rendering.
//!
//! Templates are minijinja (`{{ first_name }}`). An unknown token is caught
//! when the offer is written or approved, never when a mail is sent.
//!
//! Marketo's tokens are accepted as written in Marketo (SPEC §13), so emails
//! moved from a Marketo program pass approval unchanged: `{{social.Share
//! Url}}`, `{{social.Promo Code}}`, `{{lead.First Name}}`, `{{lead.Last
//! Name}}` and `{{lead.Email Address}}`, with Marketo's `:default=` fallback
//! (`{{lead.First Name:default=friend}}`). Each is read as parrain's own
//! token ([`MARKETO_TOKENS`]) before the template is parsed; any other
//! `lead.`, `social.`, `my.`, `company.` or `system.` token is refused by
//! name, as an unknown token.
//!
//! Rendering is bounded: at most [`FUEL`] steps of minijinja's engine and
//! [`MAX_OUTPUT`] bytes of output, so a template with a huge loop fails
//! instead of stalling the mail worker. A template is tried on sample
//! values when it is checked, so one that needs more is refused when the
//! offer is saved, not when its mail is due.

use minijinja::{Environment, ErrorKind};
use serde::Serialize;

/// The steps (minijinja's fuel) one rendering may take: a long email is a
/// few thousand.
pub const FUEL: u64 = 100_000;

/// The most one rendering may write, in bytes.
pub const MAX_OUTPUT: usize = 512 * 1024;

/// The tokens of SPEC §7, as dotted paths.
pub const TOKENS: [&str; 8] = [
    "first_name",
    "last_name",
    "email",
    "share_url",
    "offer.name",
    "credit",
    "goal.count",
    "promo_code",
];

/// The tokens of a reward's email: SPEC §7's and the reward's label.
pub const REWARD_TOKENS: [&str; 9] = [
    "first_name",
    "last_name",
    "email",
    "share_url",
    "offer.name",
    "credit",
    "goal.count",
    "promo_code",
    "reward.label",
];

/// Marketo's tokens (lower case, as matched) and the token each stands for.
pub const MARKETO_TOKENS: [(&str, &str); 5] = [
    ("social.share url", "share_url"),
    ("social.promo code", "promo_code"),
    ("lead.first name", "first_name"),
    ("lead.last name", "last_name"),
    ("lead.email address", "email"),
];

/// How Marketo's tokens begin; such a token parrain does not know is
/// refused by its Marketo name rather than as a syntax error.
const MARKETO_PREFIXES: [&str; 5] = ["lead.", "social.", "my.", "company.", "system."];

/// The template with Marketo's tokens written as parrain's, or the first
/// Marketo-style token it does not know.
fn from_marketo(source: &str) -> Result<std::borrow::Cow<'_, str>, TemplateProblem> {
    if !source.contains("{{") {
        return Ok(source.into());
    }
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    let mut changed = false;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let inner = &rest[start + 2..start + 2 + len];
        let token = inner.trim();
        let (name, default) = match token.split_once(":default=") {
            Some((name, default)) => (name.trim(), Some(default)),
            None => (token, None),
        };
        let lower = name.to_lowercase();
        let known = MARKETO_TOKENS.iter().find(|(m, _)| *m == lower);
        out.push_str(&rest[..start]);
        match known {
            Some((_, ours)) => {
                changed = true;
                match default {
                    // A JSON string is a valid minijinja string literal.
                    Some(d) => out.push_str(&format!(
                        "{{{{ {ours} or {} }}}}",
                        serde_json::Value::String(d.to_owned())
                    )),
                    None => out.push_str(&format!("{{{{ {ours} }}}}")),
                }
            }
            None if MARKETO_PREFIXES.iter().any(|p| lower.starts_with(p))
                && (name.contains(' ') || default.is_some()) =>
            {
                return Err(TemplateProblem::UnknownToken(name.to_owned()));
            }
            None => out.push_str(&rest[start..start + 2 + len + 2]),
        }
        rest = &rest[start + 2 + len + 2..];
    }
    out.push_str(rest);
    Ok(match changed {
        true => out.into(),
        false => source.into(),
    })
}

/// The tokens of the invitation email, sent to a friend rather than a participant.
pub const INVITATION_TOKENS: [&str; 6] = [
    "first_name",
    "last_name",
    "share_url",
    "offer.name",
    "unsubscribe_url",
    "message",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateProblem {
    #[error("template does not parse: {0}")]
    Syntax(String),
    #[error("unknown token `{0}`; allowed: {allowed}", allowed = TOKENS.join(", "))]
    UnknownToken(String),
    #[error("unknown token `{0}`; allowed: {allowed}", allowed = INVITATION_TOKENS.join(", "))]
    UnknownInvitationToken(String),
    #[error("unknown token `{0}`; allowed: {allowed}", allowed = REWARD_TOKENS.join(", "))]
    UnknownRewardToken(String),
    #[error(
        "the template does too much work: an email may take {FUEL} steps and write {} KiB \
         (is a loop too long?)",
        MAX_OUTPUT / 1024
    )]
    TooMuchWork,
}

impl TemplateProblem {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Syntax(_) => "template_syntax",
            Self::UnknownToken(_)
            | Self::UnknownInvitationToken(_)
            | Self::UnknownRewardToken(_) => "unknown_token",
            Self::TooMuchWork => "template_too_costly",
        }
    }
}

/// Parses a template, checks that it uses only known tokens, and that it
/// renders sample values within the bounds.
pub fn check(source: &str) -> Result<(), TemplateProblem> {
    let source = &from_marketo(source)?;
    check_tokens(source, &TOKENS).map_err(|e| match e {
        TemplateProblem::UnknownInvitationToken(t) => TemplateProblem::UnknownToken(t),
        other => other,
    })?;
    check_work(source, &Context::sample())
}

/// Like [`check`], for a reward's email and its tokens.
pub fn check_reward(source: &str) -> Result<(), TemplateProblem> {
    let source = &from_marketo(source)?;
    check_tokens(source, &REWARD_TOKENS).map_err(|e| match e {
        TemplateProblem::UnknownInvitationToken(t) => TemplateProblem::UnknownRewardToken(t),
        other => other,
    })?;
    check_work(source, &Context::sample())
}

/// Like [`check`], for the invitation email and its tokens.
pub fn check_invitation(source: &str) -> Result<(), TemplateProblem> {
    check_tokens(source, &INVITATION_TOKENS)?;
    check_work(source, &InvitationContext::sample())
}

/// Refuses a template that runs out of steps or output on sample values;
/// other failures depend on real values and are the sender's to report.
fn check_work(source: &str, context: &impl Serialize) -> Result<(), TemplateProblem> {
    for html in [false, true] {
        if let Err(TemplateProblem::TooMuchWork) = render(source, context, html) {
            return Err(TemplateProblem::TooMuchWork);
        }
    }
    Ok(())
}

fn check_tokens(source: &str, tokens: &[&str]) -> Result<(), TemplateProblem> {
    let env = environment();
    let template = env
        .template_from_str(source)
        .map_err(|e| TemplateProblem::Syntax(e.to_string()))?;
    let mut unknown: Vec<String> = template
        .undeclared_variables(true)
        .into_iter()
        .filter(|token| {
            !tokens.contains(&token.as_str())
                && !tokens.iter().any(|t| t.starts_with(&format!("{token}.")))
        })
        .collect();
    unknown.sort();
    match unknown.into_iter().next() {
        Some(token) => Err(TemplateProblem::UnknownInvitationToken(token)),
        None => Ok(()),
    }
}

/// What a template can say about the person it is sent to.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub share_url: String,
    pub offer: OfferContext,
    pub credit: i64,
    pub goal: GoalContext,
    pub promo_code: String,
    /// The reward a reward's email is about (empty in other emails).
    pub reward: RewardContext,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct RewardContext {
    pub label: String,
}

/// What the invitation email can say: who invites, where to, and how to stop.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationContext {
    pub first_name: String,
    pub last_name: String,
    pub share_url: String,
    pub offer: OfferContext,
    pub unsubscribe_url: String,
    /// The participant's own note, if any (empty otherwise).
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OfferContext {
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GoalContext {
    pub count: i64,
}

/// Renders a template; `html` escapes values for HTML bodies.
pub fn render(
    source: &str,
    context: &impl Serialize,
    html: bool,
) -> Result<String, TemplateProblem> {
    let mut env = environment();
    if html {
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    }
    let source = &from_marketo(source)?;
    let template = env
        .template_from_str(source)
        .map_err(|e| TemplateProblem::Syntax(e.to_string()))?;
    let mut out = Capped(Vec::new());
    let rendered = template.render_captured_to(context, &mut out).map(drop);
    match rendered {
        Ok(()) => Ok(String::from_utf8_lossy(&out.0).into_owned()),
        Err(e) if matches!(e.kind(), ErrorKind::OutOfFuel | ErrorKind::WriteFailure) => {
            Err(TemplateProblem::TooMuchWork)
        }
        Err(e) => Err(TemplateProblem::Syntax(e.to_string())),
    }
}

/// The output of one rendering, refusing to grow past [`MAX_OUTPUT`].
struct Capped(Vec<u8>);

impl std::io::Write for Capped {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + bytes.len() > MAX_OUTPUT {
            return Err(std::io::Error::other("the output is too long"));
        }
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_fuel(Some(FUEL));
    env
}

/// Sample values as long as real ones get, for the trial rendering.
fn long(what: &str, len: usize) -> String {
    what.repeat(len / what.len().max(1) + 1)[..len].to_owned()
}

impl Context {
    fn sample() -> Self {
        Self {
            first_name: long("Ada", 100),
            last_name: long("Lovelace", 100),
            email: long("a", 254),
            share_url: long("https://refer.example.com/r/", 200),
            offer: OfferContext {
                name: long("Offer", 200),
            },
            credit: 1_000_000,
            goal: GoalContext { count: 1_000_000 },
            promo_code: long("CODE", 64),
            reward: RewardContext {
                label: long("Reward", 200),
            },
        }
    }
}

impl InvitationContext {
    fn sample() -> Self {
        Self {
            first_name: long("Ada", 100),
            last_name: long("Lovelace", 100),
            share_url: long("https://refer.example.com/r/", 200),
            offer: OfferContext {
                name: long("Offer", 200),
            },
            unsubscribe_url: long("https://refer.example.com/u/", 200),
            message: long("Join me! ", 1000),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context {
        Context {
            first_name: "Ana".into(),
            last_name: "<b>".into(),
            email: "ana@example.com".into(),
            share_url: "https://r.example.com/r/abc".into(),
            offer: OfferContext {
                name: "Spring".into(),
            },
            credit: 3,
            goal: GoalContext { count: 5 },
            promo_code: "SPRING-1".into(),
            reward: RewardContext::default(),
        }
    }

    #[test]
    fn known_tokens_pass_and_render() {
        let source =
            "{{ first_name }} {{ offer.name }} {{ credit }}/{{ goal.count }} {{ promo_code }}";
        check(source).unwrap();
        assert_eq!(
            render(source, &context(), false).unwrap(),
            "Ana Spring 3/5 SPRING-1"
        );
    }

    #[test]
    fn unknown_tokens_and_bad_syntax_fail() {
        assert_eq!(
            check("{{ coupon }}"),
            Err(TemplateProblem::UnknownToken("coupon".into()))
        );
        assert_eq!(
            check("{{ offer.price }}"),
            Err(TemplateProblem::UnknownToken("offer.price".into()))
        );
        assert_eq!(
            check_invitation("{{ promo_code }}"),
            Err(TemplateProblem::UnknownInvitationToken("promo_code".into()))
        );
        check_invitation("{{ unsubscribe_url }} {{ message }}").unwrap();
        assert!(matches!(
            check("{{ first_name "),
            Err(TemplateProblem::Syntax(_))
        ));
    }

    #[test]
    fn a_huge_loop_fails_quickly_instead_of_running_on() {
        let started = std::time::Instant::now();
        for source in [
            // `range` is not a token; a repeated string loops as well.
            "{% set n = 'x' * 100000 %}{% for i in n %}{% for j in n %}{{ j }}{% endfor %}{% endfor %}",
            "{% for i in 'x' * 100000 %}{% set y = i ~ i %}{% endfor %}",
            "{{ 'x' * 1000000 }}",
        ] {
            assert_eq!(
                render(source, &context(), false),
                Err(TemplateProblem::TooMuchWork),
                "{source}"
            );
            assert_eq!(check(source), Err(TemplateProblem::TooMuchWork), "{source}");
            assert_eq!(check_invitation(source), Err(TemplateProblem::TooMuchWork));
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // A long but honest email is fine.
        let list =
            "{% for c in 'abcde' * 100 %}Line {{ loop.index }}: {{ first_name }}\n{% endfor %}";
        check(list).unwrap();
        assert_eq!(
            render(list, &context(), false).unwrap().lines().count(),
            500
        );
    }

    #[test]
    fn marketo_tokens_pass_as_written_in_marketo() {
        let source = "Hi {{lead.First Name}} {{ lead.Last Name }} <{{lead.Email Address}}>: \
                      {{social.Share Url}} {{social.Promo Code}}";
        check(source).unwrap();
        assert_eq!(
            render(source, &context(), false).unwrap(),
            "Hi Ana <b> <ana@example.com>: https://r.example.com/r/abc SPRING-1"
        );
        let ours =
            "Hi {{ first_name }} {{ last_name }} <{{ email }}>: {{ share_url }} {{ promo_code }}";
        assert_eq!(
            render(source, &context(), true).unwrap(),
            render(ours, &context(), true).unwrap(),
            "escaped in HTML like parrain's own tokens"
        );
        let mut nameless = context();
        nameless.first_name = String::new();
        let source = "Hi {{lead.First Name:default=my friend}}!";
        check(source).unwrap();
        assert_eq!(render(source, &nameless, false).unwrap(), "Hi my friend!");
        assert_eq!(render(source, &context(), false).unwrap(), "Hi Ana!");
        assert_eq!(
            check("{{lead.Company Name}}"),
            Err(TemplateProblem::UnknownToken("lead.Company Name".into()))
        );
        assert_eq!(
            check("{{my.Offer Terms}}"),
            Err(TemplateProblem::UnknownToken("my.Offer Terms".into()))
        );
    }

    #[test]
    fn html_bodies_are_escaped() {
        assert_eq!(
            render("{{ last_name }}", &context(), true).unwrap(),
            "&lt;b&gt;"
        );
        assert_eq!(render("{{ last_name }}", &context(), false).unwrap(), "<b>");
    }
}
