//! Social sign-up (SPEC §14): the OpenID Connect providers parrain's
//! configuration names, and what parrain asks of them.
//!
//! Every check of the provider's answer is the `openidconnect` crate's:
//! discovery from the issuer, the authorization code flow with PKCE, the
//! ID token's signature against the provider's published keys, its issuer,
//! audience, expiry and nonce. The keys are kept with the discovery document
//! for [`DISCOVERY_TTL`]; a token signed with a key id they do not hold makes
//! parrain fetch the keys again once (the provider rotated them) before the
//! token is refused.

mod pages;

use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdTokenVerifier, CoreJsonWebKeySet,
    CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, SignatureVerificationError,
    TokenResponse,
};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

pub use pages::{router, verified, Verified};

/// How long a provider's discovery document and keys are kept.
pub const DISCOVERY_TTL: Duration = Duration::from_secs(3600);

/// The path every provider sends people back to: the redirect URL an
/// operator registers with the provider is the public URL followed by it.
pub const CALLBACK_PATH: &str = "/social/callback";

/// One provider as configured (`social_providers`).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// What offers list in `social_sign_up` (`google`).
    pub id: String,
    /// What the button says after "Continue with" (`Google`).
    pub name: String,
    /// The issuer URL; discovery reads `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl ProviderConfig {
    /// What is wrong with it, for the configuration's check at start.
    pub fn problem(&self) -> Option<String> {
        let id = &self.id;
        if !parrain_core::offer::valid_provider_id(id) {
            return Some(format!(
                "provider id {id:?} must be 1 to 40 lower-case letters, digits, - or _"
            ));
        }
        if self.name.trim().is_empty() || self.client_id.is_empty() || self.client_secret.is_empty()
        {
            return Some(format!(
                "provider {id} needs a name, a client_id and a client_secret"
            ));
        }
        let loopback = |host: &str| matches!(host, "localhost" | "127.0.0.1" | "[::1]");
        match url::Url::parse(&self.issuer) {
            Ok(u) if u.scheme() == "https" => None,
            Ok(u) if u.scheme() == "http" && u.host_str().is_some_and(loopback) => None,
            _ => Some(format!(
                "provider {id}: issuer must be an https URL (http only on this machine), not {:?}",
                self.issuer
            )),
        }
    }
}

/// Why a sign-in with a provider did not give a verified identity; each is
/// a message a person can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The person said no at the provider, or the provider refused.
    Refused,
    /// The sign-in is unknown, already used, or took too long.
    Expired,
    /// The provider did not say the email is verified (or gave none).
    EmailNotVerified,
    /// The provider's answer did not pass the checks, or it could not be reached.
    Failed,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Refused => "provider_refused",
            Refusal::Expired => "sign_in_expired",
            Refusal::EmailNotVerified => "email_not_verified",
            Refusal::Failed => "provider_failed",
        }
    }

    pub fn message(self, provider: &str) -> String {
        match self {
            Refusal::Refused => format!(
                "{provider} did not sign you in. You can try again, or sign up with your email."
            ),
            Refusal::Expired => "This sign-in link has expired or was already used. \
                Close this window and choose the button again."
                .to_owned(),
            Refusal::EmailNotVerified => format!(
                "{provider} has not verified your email address, so it cannot sign you up. \
                 Verify it with {provider}, or sign up with your email."
            ),
            Refusal::Failed => format!(
                "We could not confirm your sign-in with {provider}. Please try again in a moment."
            ),
        }
    }
}

/// A person as the provider vouched for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    /// Verified by the provider.
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// What must come back with the provider's answer.
pub struct Request {
    pub url: url::Url,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

struct Discovered {
    metadata: CoreProviderMetadata,
    at: Instant,
}

/// A configured provider, with its discovery document once fetched.
pub struct Provider {
    pub config: ProviderConfig,
    discovered: RwLock<Option<Discovered>>,
}

/// The configured providers. Cheap to clone.
#[derive(Clone, Default)]
pub struct Providers {
    list: Arc<Vec<Provider>>,
    http: openidconnect::reqwest::Client,
}

impl std::fmt::Debug for Providers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.list.iter().map(|p| &p.config))
            .finish()
    }
}

impl Providers {
    pub fn new(configs: Vec<ProviderConfig>) -> Self {
        let http = openidconnect::reqwest::Client::builder()
            // A provider's redirect is never followed: it could point anywhere.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        let list = configs
            .into_iter()
            .map(|config| Provider {
                config,
                discovered: RwLock::new(None),
            })
            .collect();
        Self {
            list: Arc::new(list),
            http,
        }
    }

    pub fn get(&self, id: &str) -> Option<&Provider> {
        self.list.iter().find(|p| p.config.id == id)
    }

    pub fn all(&self) -> impl Iterator<Item = &ProviderConfig> {
        self.list.iter().map(|p| &p.config)
    }

    /// The provider's discovery document, fetched when missing or older than
    /// [`DISCOVERY_TTL`] (a stale one serves while the provider is down).
    async fn metadata(&self, provider: &Provider) -> Result<CoreProviderMetadata, Refusal> {
        if let Some(d) = provider.discovered.read().await.as_ref() {
            if d.at.elapsed() < DISCOVERY_TTL {
                return Ok(d.metadata.clone());
            }
        }
        let mut slot = provider.discovered.write().await;
        let issuer = IssuerUrl::new(provider.config.issuer.clone()).map_err(|_| Refusal::Failed)?;
        match CoreProviderMetadata::discover_async(issuer, &self.http).await {
            Ok(metadata) => {
                *slot = Some(Discovered {
                    metadata: metadata.clone(),
                    at: Instant::now(),
                });
                Ok(metadata)
            }
            Err(e) => {
                tracing::warn!(provider = %provider.config.id, error = %e, "OpenID Connect discovery failed");
                slot.as_ref()
                    .map(|d| d.metadata.clone())
                    .ok_or(Refusal::Failed)
            }
        }
    }

    /// Fetches the provider's keys again (they rotated); `None` if it fails.
    async fn refresh_keys(&self, provider: &Provider) -> Option<CoreJsonWebKeySet> {
        let mut slot = provider.discovered.write().await;
        let discovered = slot.as_mut()?;
        let uri = discovered.metadata.jwks_uri().clone();
        match CoreJsonWebKeySet::fetch_async(&uri, &self.http).await {
            Ok(keys) => {
                discovered.metadata = discovered.metadata.clone().set_jwks(keys.clone());
                Some(keys)
            }
            Err(e) => {
                tracing::warn!(provider = %provider.config.id, error = %e, "fetching the provider's keys failed");
                None
            }
        }
    }

    fn client(
        provider: &Provider,
        metadata: CoreProviderMetadata,
        redirect: &str,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        Refusal,
    > {
        let redirect = RedirectUrl::new(redirect.to_owned()).map_err(|_| Refusal::Failed)?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(provider.config.client_id.clone()),
            Some(ClientSecret::new(provider.config.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }

    /// Where to send the person: the provider's authorization URL with a
    /// fresh `state`, nonce and PKCE challenge (S256).
    pub async fn request(&self, provider: &Provider, redirect: &str) -> Result<Request, Refusal> {
        let metadata = self.metadata(provider).await?;
        let client = Self::client(provider, metadata, redirect)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Request {
            url,
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the provider's code for tokens and checks the ID token;
    /// the person's verified identity, or why not.
    pub async fn identity(
        &self,
        provider: &Provider,
        redirect: &str,
        code: String,
        nonce: &str,
        pkce_verifier: String,
    ) -> Result<Identity, Refusal> {
        let id = &provider.config.id;
        let metadata = self.metadata(provider).await?;
        let client = Self::client(provider, metadata.clone(), redirect)?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|_| Refusal::Failed)?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| {
                tracing::info!(provider = %id, error = %e, "the provider refused the code");
                Refusal::Failed
            })?;
        let id_token = tokens.id_token().ok_or(Refusal::Failed)?;
        let nonce = Nonce::new(nonce.to_owned());
        let verifier = |keys: CoreJsonWebKeySet| {
            CoreIdTokenVerifier::new_confidential_client(
                ClientId::new(provider.config.client_id.clone()),
                ClientSecret::new(provider.config.client_secret.clone()),
                metadata.issuer().clone(),
                keys,
            )
        };
        let claims = match id_token.claims(&verifier(metadata.jwks().clone()), &nonce) {
            Ok(claims) => claims.clone(),
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                let keys = self.refresh_keys(provider).await.ok_or(Refusal::Failed)?;
                let claims = id_token.claims(&verifier(keys), &nonce).map_err(|e| {
                    tracing::info!(provider = %id, error = %e, "ID token refused");
                    Refusal::Failed
                })?;
                claims.clone()
            }
            Err(e) => {
                tracing::info!(provider = %id, error = %e, "ID token refused");
                return Err(Refusal::Failed);
            }
        };
        let email = match (claims.email(), claims.email_verified()) {
            (Some(email), Some(true)) => email.as_str().to_owned(),
            _ => return Err(Refusal::EmailNotVerified),
        };
        Ok(Identity {
            subject: claims.subject().as_str().to_owned(),
            email,
            first_name: claims
                .given_name()
                .and_then(|c| c.get(None))
                .map(|n| n.as_str().to_owned()),
            last_name: claims
                .family_name()
                .and_then(|c| c.get(None))
                .map(|n| n.as_str().to_owned()),
        })
    }
}
