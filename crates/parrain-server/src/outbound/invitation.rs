//! The invitation email: from a participant's invitation to a friend's inbox.
//!
//! The friend's address is read from the invitation and forgotten once the
//! mail is accepted, so only its hash stays. A job whose invitation has no
//! address left (sent before a crash, or erased) has nothing to do. Each
//! message carries `List-Unsubscribe` and `List-Unsubscribe-Post`
//! (RFC 8058), so mail clients offer a one-click unsubscribe that reaches
//! the same `/u/{token}` as the link in the body.

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncTransport, Message};
use parrain_core::activity::ActivityType;
use parrain_core::sharing::default_invitation_email;
use parrain_core::template::{self, InvitationContext, OfferContext};
use parrain_store::{EmailJob, Job, JobKind, JobOutcome, NewActivity, StoreError};
use serde_json::json;

use super::email::{text_as_html, Failure, Mailer};
use super::next_attempt;
use crate::AppState;

impl Mailer {
    /// Sends one queued invitation and settles its job.
    pub(super) async fn send_invitation(&self, state: &AppState, job: Job, email: EmailJob) {
        let EmailJob::Invitation {
            invitation_id: id,
            offer_id,
            participant_id,
        } = email
        else {
            return super::give_up(state, &job, "not an invitation".into()).await;
        };
        let message_id = format!("<parrain.{}.{id}@{}>", job.id, self.from.email.domain());
        let result = self.invitation(state, &job, &id, &message_id).await;
        let now = state.clock.now();
        let base = json!({"template": "invitation", "invitation_id": id,
                          "message_id": message_id, "attempt": job.attempt});
        let (outcome, kind, details, sender) = match result {
            Ok(None) => (JobOutcome::Done, None, base, None),
            Ok(Some(sender)) => (
                JobOutcome::Done,
                Some(ActivityType::EmailSent),
                base,
                Some(sender),
            ),
            Err(failure) => {
                let (outcome, error) = match failure {
                    Failure::Transient(error) => {
                        let schedule = &state.config.outbound.email_retry_schedule;
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
                tracing::warn!(job = job.id, attempt = job.attempt, %error, "invitation not sent");
                let mut details = base;
                details["error"] = error.into();
                details["will_retry"] = matches!(outcome, JobOutcome::Retry { .. }).into();
                (outcome, Some(ActivityType::EmailFailed), details, None)
            }
        };
        let activity = kind.map(|kind| NewActivity {
            kind,
            offer_id: Some(offer_id),
            participant_id: Some(participant_id),
            person_id: sender,
            details,
        });
        crate::metrics::delivery(JobKind::Email, &outcome);
        if let Err(e) = state.store.settle_job(&job, outcome, activity, now).await {
            tracing::error!(job = job.id, error = %e, "could not settle an invitation job");
        }
    }

    /// Sends the invitation; `Ok(None)` when there is nothing left to send.
    async fn invitation(
        &self,
        state: &AppState,
        job: &Job,
        id: &str,
        message_id: &str,
    ) -> Result<Option<parrain_core::ids::PersonId>, Failure> {
        let store_failure = |e: StoreError| match e {
            StoreError::Database(e) => Failure::Transient(e.to_string()),
            other => Failure::Permanent(other.to_string()),
        };
        let Some(invitation) = state
            .store
            .invitation_to_send(id)
            .await
            .map_err(store_failure)?
        else {
            return Ok(None);
        };
        let Some(to) = invitation.email.clone() else {
            return Ok(None);
        };
        let sender = state
            .store
            .participant(&invitation.participant_id)
            .await
            .map_err(store_failure)?
            .participant;
        let offer = state
            .store
            .offer(&invitation.offer_id)
            .await
            .map_err(store_failure)?;
        let settings = offer.live.as_ref().unwrap_or_else(|| offer.editable());
        let template = settings
            .emails
            .invitation
            .clone()
            .unwrap_or_else(default_invitation_email);
        let public_url = state.config.public_url.trim_end_matches('/');
        let unsubscribe_url = format!("{public_url}/u/{}", invitation.token);
        let context = InvitationContext {
            first_name: sender.first_name.clone().unwrap_or_default(),
            last_name: sender.last_name.clone().unwrap_or_default(),
            share_url: format!("{public_url}/r/{}?ch=email", sender.code),
            offer: OfferContext {
                name: settings.name.clone(),
            },
            unsubscribe_url: unsubscribe_url.clone(),
            message: invitation.message.clone().unwrap_or_default(),
        };
        let render = |source: &str, html| {
            template::render(source, &context, html).map_err(|e| Failure::Permanent(e.to_string()))
        };
        let subject = render(&template.subject, false)?;
        let text = render(&template.text, false)?;
        let html = match &template.html {
            Some(html) => render(html, true)?,
            None => text_as_html(&text),
        };
        let to: Mailbox = to
            .parse()
            .map_err(|e| Failure::Permanent(format!("bad recipient: {e}")))?;
        let header = |name: &'static str, value: String| {
            HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject.trim())
            .message_id(Some(message_id.to_owned()))
            .raw_header(header("List-Unsubscribe", format!("<{unsubscribe_url}>")))
            .raw_header(header(
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".into(),
            ))
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|e| Failure::Permanent(e.to_string()))?;
        super::email::still_held(state, job).await?;
        match self.transport.send(message).await {
            Ok(_) => {}
            Err(e) if e.is_permanent() => return Err(Failure::Permanent(e.to_string())),
            Err(e) => return Err(Failure::Transient(e.to_string())),
        }
        // Accepted: the clear address is no longer needed. Should this fail,
        // a retry sends once more, which is the outbox's usual promise.
        state
            .store
            .invitation_sent(id, state.clock.now())
            .await
            .map_err(store_failure)?;
        Ok(Some(sender.person_id))
    }
}
