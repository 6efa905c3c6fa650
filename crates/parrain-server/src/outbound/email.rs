//! The sign-up and fulfillment emails (SPEC §7), sent over SMTP.
//!
//! Both are operational, so they go whatever the marketing consent. A
//! message is rendered when it is sent, from the offer's live templates, as
//! text and HTML alternatives. Its Message-ID is fixed per job, so if a
//! crash strikes between the server's acceptance and the job's settlement,
//! the one resend is recognisable as the same message.

use std::time::Duration;

use anyhow::Context as _;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use parrain_core::activity::ActivityType;
use parrain_core::offer::EmailTemplate;
use parrain_core::template::{self, Context, GoalContext, OfferContext, RewardContext};
use parrain_store::{EmailJob, Job, JobKind, JobOutcome, NewActivity, Participant, StoreError};
use serde_json::json;

use super::next_attempt;
use crate::AppState;

/// Longer than a send can take (30 s time-out); a crash mid-send delays that mail by at most this.
pub(super) const LEASE: Duration = Duration::from_secs(60);

/// An SMTP connection pool and the From address.
#[derive(Clone)]
pub struct Mailer {
    pub(super) transport: AsyncSmtpTransport<Tokio1Executor>,
    pub(super) from: Mailbox,
}

/// Why an email was not sent.
pub(super) enum Failure {
    /// Worth another try (an outage, a 4xx answer).
    Transient(String),
    /// Will not get better (a 5xx answer, a template that no longer renders).
    Permanent(String),
}

impl Mailer {
    /// Checks the SMTP URL and the From address.
    pub fn new(smtp_url: &str, from: &str) -> anyhow::Result<Self> {
        let from: Mailbox = from
            .parse()
            .with_context(|| format!("smtp_from `{from}` is not an email address"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .context("smtp_url must look like smtp://user:pass@host:port (or smtps://)")?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(Self { transport, from })
    }

    /// Connects to the SMTP server and greets it (`parrain doctor`).
    pub async fn check(&self) -> anyhow::Result<()> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => anyhow::bail!("the server did not answer the greeting"),
            Err(e) => Err(e.into()),
        }
    }

    /// Sends one queued email and settles its job.
    pub(super) async fn send_job(&self, state: &AppState, job: Job) {
        let email = match job.email() {
            Ok(email) => email.clone(),
            Err(error) => return super::give_up(state, &job, error).await,
        };
        if let EmailJob::Invitation { .. } = email {
            return self.send_invitation(state, job, email).await;
        }
        let which = email.template();
        let participant_id = email.participant_id();
        let message_id = format!(
            "<parrain.{}.{participant_id}@{}>",
            job.id,
            self.from.email.domain()
        );
        let result = self
            .prepare_and_send(state, &job, &email, &message_id)
            .await;
        let now = state.clock.now();
        let (outcome, kind, participant, mut details) = match result {
            Ok(p) => (
                JobOutcome::Done,
                ActivityType::EmailSent,
                Some(p),
                json!({"template": which, "message_id": message_id, "attempt": job.attempt}),
            ),
            Err((participant, failure)) => {
                let schedule = &state.config.outbound.email_retry_schedule;
                let (outcome, error) = match failure {
                    Failure::Transient(error) => {
                        let at = next_attempt(schedule, job.attempt, now, true).unwrap_or(now);
                        (
                            JobOutcome::Retry {
                                at,
                                error: error.clone(),
                            },
                            error,
                        )
                    }
                    Failure::Permanent(error) => (
                        JobOutcome::Failed {
                            error: error.clone(),
                        },
                        error,
                    ),
                };
                tracing::warn!(job = job.id, attempt = job.attempt, %error, "email not sent");
                let retry_at = match &outcome {
                    JobOutcome::Retry { at, .. } => Some(crate::views::ts(*at)),
                    _ => None,
                };
                (
                    outcome,
                    ActivityType::EmailFailed,
                    participant,
                    json!({"template": which, "message_id": message_id, "attempt": job.attempt,
                           "error": error, "will_retry": retry_at.is_some(), "next_attempt_at": retry_at}),
                )
            }
        };
        if let Some(p) = &participant {
            details["to"] = p.email.clone().into();
        }
        let activity = NewActivity {
            kind,
            offer_id: participant.as_ref().map(|p| p.offer_id.clone()),
            participant_id: participant.as_ref().map(|p| p.id.clone()),
            person_id: participant.as_ref().map(|p| p.person_id.clone()),
            details,
        };
        crate::metrics::delivery(JobKind::Email, &outcome);
        if let Err(e) = state
            .store
            .settle_job(&job, outcome, Some(activity), now)
            .await
        {
            tracing::error!(job = job.id, error = %e, "could not settle an email job");
        }
    }

    async fn prepare_and_send(
        &self,
        state: &AppState,
        job: &Job,
        email: &EmailJob,
        message_id: &str,
    ) -> Result<Participant, (Option<Participant>, Failure)> {
        let store_failure = |e: StoreError| match e {
            StoreError::Database(e) => Failure::Transient(e.to_string()),
            other => Failure::Permanent(other.to_string()),
        };
        let detail = state
            .store
            .participant(email.participant_id())
            .await
            .map_err(|e| (None, store_failure(e)))?;
        let participant = detail.participant;
        let fail = |f: Failure| (Some(participant.clone()), f);
        let offer = state
            .store
            .offer(email.offer_id())
            .await
            .map_err(|e| fail(store_failure(e)))?;
        let settings = offer.live.as_ref().unwrap_or_else(|| offer.editable());
        let sign_in;
        // A reward's email: its template, label and the code it was given.
        let reward = match email {
            EmailJob::Reward {
                reward_id,
                occurrence,
                ..
            } => {
                let given = detail
                    .rewards
                    .iter()
                    .find(|r| &r.reward_id == reward_id && r.occurrence == *occurrence);
                Some((
                    settings.rewards.iter().find(|r| &r.id == reward_id),
                    given.and_then(|r| r.promo_code.clone()),
                ))
            }
            _ => None,
        };
        let template = match email {
            EmailJob::SignUp { .. } => settings.emails.sign_up.as_ref(),
            EmailJob::Fulfillment { .. } => settings.emails.fulfillment.as_ref(),
            EmailJob::Reward { .. } => reward
                .as_ref()
                .and_then(|(r, _)| r.as_ref())
                .and_then(|r| r.email.as_ref()),
            EmailJob::SignIn { .. } => {
                sign_in = sign_in_email(state, &participant)
                    .await
                    .map_err(|e| fail(store_failure(e)))?;
                Some(&sign_in)
            }
            EmailJob::ConfirmFriend { .. } => {
                sign_in = confirm_email(state, &participant)
                    .await
                    .map_err(|e| fail(store_failure(e)))?;
                Some(&sign_in)
            }
            EmailJob::Invitation { .. } => None,
        }
        .ok_or_else(|| {
            fail(Failure::Permanent(format!(
                "the offer has no {} email",
                email.template()
            )))
        })?;
        let share_url = format!(
            "{}/r/{}",
            state.config.public_url.trim_end_matches('/'),
            participant.code
        );
        let context = Context {
            first_name: participant.first_name.clone().unwrap_or_default(),
            last_name: participant.last_name.clone().unwrap_or_default(),
            email: participant.email.clone(),
            share_url,
            offer: OfferContext {
                name: settings.name.clone(),
            },
            credit: participant.credit,
            goal: GoalContext {
                count: settings.goal.count.unwrap_or_default(),
            },
            promo_code: match &reward {
                Some((_, code)) => code.clone().unwrap_or_default(),
                None => participant.promo_code.clone().unwrap_or_default(),
            },
            reward: RewardContext {
                label: reward
                    .as_ref()
                    .and_then(|(r, _)| r.as_ref())
                    .and_then(|r| r.label.clone())
                    .unwrap_or_default(),
            },
        };
        let message = self
            .compose(template, &context, &participant, message_id)
            .map_err(|e| fail(Failure::Permanent(e)))?;
        still_held(state, job).await.map_err(fail)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(participant),
            Err(e) if e.is_permanent() => Err(fail(Failure::Permanent(e.to_string()))),
            Err(e) => Err(fail(Failure::Transient(e.to_string()))),
        }
    }

    fn compose(
        &self,
        template: &EmailTemplate,
        context: &Context,
        participant: &Participant,
        message_id: &str,
    ) -> Result<Message, String> {
        let render =
            |source: &str, html| template::render(source, context, html).map_err(|e| e.to_string());
        let subject = render(&template.subject, false)?;
        let text = render(&template.text, false)?;
        let html = match &template.html {
            Some(html) => render(html, true)?,
            None => text_as_html(&text),
        };
        let name = [&participant.first_name, &participant.last_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let to = Mailbox::new(
            (!name.is_empty()).then_some(name),
            participant
                .email
                .parse()
                .map_err(|e| format!("bad recipient: {e}"))?,
        );
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject.trim())
            .message_id(Some(message_id.to_owned()))
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|e| e.to_string())
    }
}

/// The sign-in email (SPEC §12): a link to the participant's page with a
/// new one-time token, drawn as the mail is sent so that no usable token
/// rests in the outbox. A retried send draws another; an unused one expires.
async fn sign_in_email(
    state: &AppState,
    participant: &Participant,
) -> Result<EmailTemplate, StoreError> {
    let token = crate::participant_token::draw();
    state
        .store
        .add_sign_in_token(
            &crate::participant_token::hash(&token),
            &participant.id,
            state.clock.now(),
        )
        .await?;
    let link = format!(
        "{}/p/{token}",
        state.config.public_url.trim_end_matches('/')
    );
    Ok(EmailTemplate {
        subject: "Your page for {{ offer.name }}".into(),
        text: format!(
            "Hello,\n\nHere is your page for {{{{ offer.name }}}}: your share \
             link, your progress and the friends who joined.\n\n{link}\n\nThe link works once, \
             within 24 hours. If you did not ask for it, you can ignore this email.\n"
        ),
        html: Some(format!(
            "<!doctype html><html><body><p>Hello,</p>\
             <p>Here is your page for {{{{ offer.name }}}}: your share link, your progress and \
             the friends who joined.</p><p><a href=\"{link}\">Open my page</a></p>\
             <p>The link works once, within 24 hours. If you did not ask for it, you can \
             ignore this email.</p></body></html>"
        )),
    })
}

/// The confirmation email of a referred friend (`fraud.verify_friend_email`):
/// the referrer's credit waits for its link, which works once within a week.
async fn confirm_email(
    state: &AppState,
    participant: &Participant,
) -> Result<EmailTemplate, StoreError> {
    let token = crate::participant_token::draw();
    state
        .store
        .add_confirm_token(
            &crate::participant_token::hash(&token),
            &participant.id,
            state.clock.now(),
        )
        .await?;
    let link = format!(
        "{}/c/{token}",
        state.config.public_url.trim_end_matches('/')
    );
    Ok(EmailTemplate {
        subject: "Confirm your email for {{ offer.name }}".into(),
        text: format!(
            "Hello,\n\nPlease confirm that this is your email, for {{{{ offer.name }}}}:\n\n\
             {link}\n\nThe link works once, within 7 days.\n"
        ),
        html: Some(format!(
            "<!doctype html><html><body><p>Hello,</p><p>Please confirm that this is your \
             email, for {{{{ offer.name }}}}:</p><p><a href=\"{link}\">Confirm my email</a></p>\
             <p>The link works once, within 7 days.</p></body></html>"
        )),
    })
}

/// An HTML body for a template that has only text: escaped, line breaks kept.
pub(super) fn text_as_html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    format!(
        "<!doctype html><html><body><p>{}</p></body></html>",
        escaped.replace('\n', "<br>\n")
    )
}

/// Looks once more, just before a message is handed to the mail server,
/// that its job is still this worker's: an erasure deletes the jobs of
/// mail to (or from) the person it erases, and one a worker had claimed
/// before it would otherwise still go, composed from what was read before.
/// Settling the withdrawn job then finds nothing and writes nothing.
pub(super) async fn still_held(state: &AppState, job: &Job) -> Result<(), Failure> {
    match state.store.job_held(job).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(Failure::Permanent(
            "withdrawn before sending (its person was erased)".into(),
        )),
        Err(e) => Err(Failure::Transient(e.to_string())),
    }
}
