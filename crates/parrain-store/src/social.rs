//! Sign-ins with an OpenID Connect provider in progress (SPEC §14).
//!
//! A social sign-up takes two steps, each kept under the SHA-256 of a random
//! token only its browser holds: the request sent to the provider (its
//! `state`, with the nonce and PKCE verifier that must come back with it),
//! used up by the provider's answer so a replayed `state` finds nothing;
//! then the identity the provider vouched for, which the sign-up that
//! follows reads until it expires. Rows live minutes; retention deletes
//! the expired ones.

use async_trait::async_trait;
use parrain_core::Millis;
use serde_json::Value;

use crate::Result;

/// Which step a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocialStep {
    /// Sent to the provider, waiting for its answer (keyed by `state`).
    Started,
    /// The provider's verified answer, waiting for the sign-up form.
    Verified,
}

impl SocialStep {
    pub fn as_str(self) -> &'static str {
        match self {
            SocialStep::Started => "started",
            SocialStep::Verified => "verified",
        }
    }
}

#[async_trait]
pub trait SocialLogins: Send + Sync {
    /// Keeps a step under `hash` until `expires_at`.
    async fn put_social_login(
        &self,
        hash: &str,
        step: SocialStep,
        data: Value,
        now: Millis,
        expires_at: Millis,
    ) -> Result<()>;
    /// Uses a step up: it is deleted as it is read, so of two requests with
    /// one token only one gets it. `None` for a token unknown, already used
    /// or expired by `now`.
    async fn take_social_login(
        &self,
        hash: &str,
        step: SocialStep,
        now: Millis,
    ) -> Result<Option<Value>>;
    /// Reads a step without using it up; `None` once expired.
    async fn social_login(
        &self,
        hash: &str,
        step: SocialStep,
        now: Millis,
    ) -> Result<Option<Value>>;
}
