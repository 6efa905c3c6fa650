//! Webhook deliveries (SPEC §5.5): one signed POST per attempt, logged with
//! its status, latency and the start of the response.
//!
//! A 2xx answer succeeds. 410 Gone disables the endpoint (the receiver said
//! it is gone for good). Anything else — another status, a time-out, a
//! refused connection — is retried per the schedule, then the delivery fails.
//! Redirects are not followed and proxies from the environment are not used:
//! either would dodge the address check.

use std::time::{Duration, Instant};

use parrain_core::ids::MessageId;

use parrain_store::{Attempt, AttemptRecord, Job, JobKind, JobOutcome};

use super::{net, next_attempt, signature};
use crate::AppState;

pub(super) const LEASE: Duration = Duration::from_secs(120);
/// How much of a response body the delivery log keeps.
const EXCERPT: usize = 1024;

#[derive(Clone)]
pub(super) struct Sender {
    client: reqwest::Client,
}

impl Sender {
    pub(super) fn new(state: &AppState) -> anyhow::Result<Self> {
        let mut builder = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            // A proxy (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY) would resolve the
            // name itself, past the address check: deliveries never use one.
            .no_proxy()
            .user_agent(concat!("parrain-webhooks/", env!("CARGO_PKG_VERSION")));
        if !state.config.allow_private_webhooks {
            builder = builder.dns_resolver(std::sync::Arc::new(net::PublicOnly));
        }
        Ok(Self {
            client: builder.build()?,
        })
    }

    pub(super) async fn deliver(&self, state: &AppState, job: Job) {
        let message = job.webhook().ok().map(|w| w.delivery_id.clone());
        let found = match &message {
            Some(m) => state.store.delivery_to_send(m).await,
            None => Ok(None),
        };
        let now = state.clock.now();
        let (delivery, webhook) = match found {
            Ok(Some(found)) => found,
            Ok(None) => {
                // The endpoint was deleted: nothing to send.
                let outcome = JobOutcome::Failed {
                    error: "the endpoint no longer exists".into(),
                };
                let _ = state.store.settle_job(&job, outcome, None, now).await;
                return;
            }
            Err(e) => {
                tracing::error!(job = job.id, error = %e, "loading a webhook delivery failed");
                let outcome = JobOutcome::Retry {
                    at: now + 5_000,
                    error: e.to_string(),
                };
                let _ = state.store.settle_job(&job, outcome, None, now).await;
                return;
            }
        };
        let (attempt, disable) = if webhook.enabled {
            let body = parrain_store::share_url_into(&delivery.payload, &state.config.public_url);
            self.attempt(state, &delivery.id, &webhook, &body).await
        } else {
            let reason = webhook
                .disabled_reason
                .clone()
                .unwrap_or_else(|| "disabled".into());
            let attempt = Attempt {
                attempted_at: now,
                status: None,
                latency_ms: 0,
                response: None,
                error: Some(format!("not sent: the endpoint is disabled ({reason})")),
            };
            (attempt, None)
        };
        let now = state.clock.now();
        let ok = attempt.status.is_some_and(|s| (200..300).contains(&s));
        let outcome = if ok {
            JobOutcome::Done
        } else {
            let error = attempt.error.clone().unwrap_or_else(|| {
                format!(
                    "the endpoint answered {}",
                    attempt.status.unwrap_or_default()
                )
            });
            let schedule = &state.config.outbound.webhook_retry_schedule;
            match next_attempt(schedule, job.attempt, now, false) {
                Some(at) if webhook.enabled && disable.is_none() => JobOutcome::Retry { at, error },
                _ => JobOutcome::Failed { error },
            }
        };
        crate::metrics::delivery(JobKind::Webhook, &outcome);
        let record = AttemptRecord {
            delivery: delivery.id.clone(),
            attempt,
            outcome,
            disable,
        };
        if let Err(e) = state.store.record_attempt(&job, record, now).await {
            tracing::error!(job = job.id, error = %e, "could not record a webhook attempt");
        }
    }

    /// One POST; returns what happened and, on 410, why to disable the endpoint.
    async fn attempt(
        &self,
        state: &AppState,
        message: &MessageId,
        webhook: &parrain_store::Webhook,
        body: &str,
    ) -> (Attempt, Option<String>) {
        let attempted_at = state.clock.now();
        let failed = |error: String, latency_ms| Attempt {
            attempted_at,
            status: None,
            latency_ms,
            response: None,
            error: Some(error),
        };
        if let Err(e) = net::check_written(&webhook.url, state.config.allow_private_webhooks) {
            return (failed(e, 0), None);
        }
        let timestamp = attempted_at / 1000;
        let mut signatures: Vec<String> = Vec::new();
        signatures.extend(signature::sign(
            &webhook.secret,
            message.as_str(),
            timestamp,
            body.as_bytes(),
        ));
        if webhook
            .previous_until
            .is_some_and(|until| until > attempted_at)
        {
            if let Some(old) = &webhook.previous_secret {
                signatures.extend(signature::sign(
                    old,
                    message.as_str(),
                    timestamp,
                    body.as_bytes(),
                ));
            }
        }
        let started = Instant::now();
        let sent = self
            .client
            .post(&webhook.url)
            .header("content-type", "application/json")
            .header("webhook-id", message.as_str())
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signatures.join(" "))
            .body(body.to_owned())
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => {
                let latency = started.elapsed().as_millis() as i64;
                return (failed(format!("no response: {e}"), latency), None);
            }
        };
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let latency_ms = started.elapsed().as_millis() as i64;
        let excerpt: String = text.chars().take(EXCERPT).collect();
        let ok = (200..300).contains(&status);
        let disable = (status == 410).then(|| "the endpoint answered 410 Gone".to_owned());
        let attempt = Attempt {
            attempted_at,
            status: Some(status),
            latency_ms,
            response: (!excerpt.is_empty()).then_some(excerpt),
            error: (!ok).then(|| format!("the endpoint answered {status}")),
        };
        (attempt, disable)
    }
}
