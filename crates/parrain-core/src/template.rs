//! Email templates: which tokens they may use, and rendering.
//!
//! Templates are minijinja (`{{ first_name }}`). An unknown token is caught
//! when the offer is written or approved, never when a mail is sent.

use minijinja::Environment;
use serde::Serialize;

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
}

impl TemplateProblem {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Syntax(_) => "template_syntax",
            Self::UnknownToken(_) | Self::UnknownInvitationToken(_) => "unknown_token",
        }
    }
}

/// Parses a template and checks that it uses only known tokens.
pub fn check(source: &str) -> Result<(), TemplateProblem> {
    check_tokens(source, &TOKENS).map_err(|e| match e {
        TemplateProblem::UnknownInvitationToken(t) => TemplateProblem::UnknownToken(t),
        other => other,
    })
}

/// Like [`check`], for the invitation email and its tokens.
pub fn check_invitation(source: &str) -> Result<(), TemplateProblem> {
    check_tokens(source, &INVITATION_TOKENS)
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
    let template = env
        .template_from_str(source)
        .map_err(|e| TemplateProblem::Syntax(e.to_string()))?;
    template
        .render(context)
        .map_err(|e| TemplateProblem::Syntax(e.to_string()))
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
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
    fn html_bodies_are_escaped() {
        assert_eq!(
            render("{{ last_name }}", &context(), true).unwrap(),
            "&lt;b&gt;"
        );
        assert_eq!(render("{{ last_name }}", &context(), false).unwrap(), "<b>");
    }
}
