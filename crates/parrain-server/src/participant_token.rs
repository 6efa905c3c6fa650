//! Participant tokens (SPEC §12): the browser that signed up, and whoever
//! follows an emailed sign-in link, holds one; it opens the participant's
//! page and lets a web page act for that participant (progress,
//! invitations) with the publishable key. A participant id or share code is
//! public and proves nothing; a token is 256 random bits, stored hashed.

use base64::Engine as _;
use parrain_core::ids::ParticipantId;
use rand::RngCore;

use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// What every participant token starts with.
pub const PREFIX: &str = "pt_";

/// A new token (the caller stores its [`hash`]).
pub fn draw() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    crate::auth::hash_key(token)
}

/// The participant an access token acts for, if any.
pub async fn participant(state: &AppState, token: &str) -> ApiResult<Option<ParticipantId>> {
    if !token.starts_with(PREFIX) || token.len() > 100 {
        return Ok(None);
    }
    Ok(state.store.participant_by_token(&hash(token)).await?)
}

/// Checks that `token` acts for `participant`; the error names the field.
pub async fn require(
    state: &AppState,
    token: Option<&str>,
    participant: &ParticipantId,
) -> ApiResult<()> {
    let Some(token) = token else {
        return Err(ApiError::Forbidden(
            "participant_token is required with a publishable key: \
             the token the sign-up returned, or the one of the participant's page",
        ));
    };
    match self::participant(state, token).await? {
        Some(p) if &p == participant => Ok(()),
        _ => Err(ApiError::Forbidden(
            "participant_token does not act for this participant",
        )),
    }
}
