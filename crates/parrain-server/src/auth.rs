//! API keys: creation, and the extractors that check them.
//!
//! A key is its kind's prefix (`sk_`/`pk_`) and 256 random bits in base64url.
//! Only its SHA-256 is stored; lookups hash what the caller sent. Secret keys
//! go in `Authorization: Bearer`; publishable keys may also come as a `key`
//! query parameter, for `sendBeacon`, which cannot set headers. A store
//! that keeps keys itself (PostgreSQL, under its cache's generation) is
//! asked on every call, and a key revoked on any node is refused by the next
//! request on every node (the request's own transaction confirms a kept
//! key: [`confirm_trusted`]); on the others a key found is trusted for
//! [`KEY_TTL`] before it is looked up again, so a key revoked by another
//! process stops working within that time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use parrain_core::ids::KeyId;
use parrain_core::Millis;
use parrain_store::{ApiKey, Audit, AuditEntry, KeyKind, NewKey, Store};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::AppState;

pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Creates a key; the plain key is returned here and never again.
pub async fn create_key(
    store: &dyn Store,
    kind: KeyKind,
    name: &str,
    now: Millis,
    audit: Audit<ApiKey>,
) -> Result<(ApiKey, String), parrain_store::StoreError> {
    let (key, secret) = new_key(kind, name, now);
    let record = store.insert_key(key, audit).await?;
    Ok((record, secret))
}

/// Creates a new install's first keys, a secret and a publishable one,
/// unless the store already holds keys (another node may have just made
/// them); returns the plain keys when these were created.
pub async fn create_first_keys(
    store: &dyn Store,
    now: Millis,
) -> Result<Option<(String, String)>, parrain_store::StoreError> {
    let (secret_key, secret) = new_key(KeyKind::Secret, "default secret key", now);
    let (publishable_key, publishable) =
        new_key(KeyKind::Publishable, "default publishable key", now);
    let created = store
        .insert_first_keys(vec![secret_key, publishable_key])
        .await?;
    Ok(created.then_some((secret, publishable)))
}

/// A new key's record and the plain key it is the hash of.
fn new_key(kind: KeyKind, name: &str, now: Millis) -> (NewKey, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!(
        "{}{}",
        kind.prefix(),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let key = NewKey {
        id: KeyId::generate(),
        kind,
        name: name.to_owned(),
        hint: secret[secret.len() - 4..].to_owned(),
        hash: hash_key(&secret),
        now,
    };
    (key, secret)
}

fn presented(parts: &Parts) -> Option<String> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|v| v.trim().to_owned());
    bearer.or_else(|| {
        form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .find(|(k, v)| k == "key" && v.starts_with("pk_"))
            .map(|(_, v)| v.into_owned())
    })
}

pub(crate) async fn authenticate(parts: &Parts, state: &AppState) -> Result<ApiKey, ApiError> {
    let Some(key) = presented(parts) else {
        return Err(ApiError::Unauthorized(
            "send an API key: Authorization: Bearer sk_… (or pk_… for tracking)",
        ));
    };
    if !(key.starts_with("sk_") || key.starts_with("pk_")) {
        return Err(ApiError::Unauthorized("the API key is malformed"));
    }
    let hash = hash_key(&key);
    let store_keeps = state.store.keeps_keys();
    let key = match KEYS.get(&hash).filter(|_| !store_keeps) {
        Some(key) => key,
        None => {
            let key = state
                .store
                .key_by_hash(&hash)
                .await?
                .ok_or(ApiError::Unauthorized(KEY_REFUSED))?;
            if !store_keeps {
                KEYS.keep(hash, &key);
            }
            key
        }
    };
    if let Some(limiter) = parts.extensions.get::<crate::limit::KeyLimiter>() {
        limiter.check(&key.id).await?;
    }
    note_use(state, &key);
    Ok(key)
}

/// What a request with a key that is unknown or revoked is told.
pub(crate) const KEY_REFUSED: &str = "the API key is unknown or revoked";

/// Runs a keyed request so that a store keeping keys itself may let it in
/// on a kept key and confirm that key in the request's own transaction
/// (`parrain_store::trust`). A request whose handler used the store for
/// nothing has its key confirmed here, before its answer leaves.
pub(crate) async fn confirm_trusted(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !state.store.keeps_keys() {
        return next.run(request).await;
    }
    let (response, unconfirmed) = parrain_store::trust::scope(next.run(request)).await;
    let Some(hash) = unconfirmed else {
        return response;
    };
    // Outside the scope: this lookup reads the generation itself.
    match state.store.key_by_hash(&hash).await {
        Ok(Some(_)) => response,
        Ok(None) => ApiError::Unauthorized(KEY_REFUSED).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Keeps the key's `last_used_at` to the minute: at most one write per key
/// a minute, off the request's path.
fn note_use(state: &AppState, key: &ApiKey) {
    let now = state.clock.now();
    let last = key.last_used_at.max(NOTED.last(&key.id));
    if last.is_some_and(|at| now - at < LAST_USED_STEP) {
        return;
    }
    NOTED.note(&key.id, now);
    KEYS.used(&key.id, now);
    let store = state.store.clone();
    let id = key.id.clone();
    tokio::spawn(async move {
        if let Err(e) = store.touch_key(&id, now).await {
            tracing::warn!(error = %e, "recording when a key was last used failed");
        }
    });
}

/// How precisely `last_used_at` is kept.
const LAST_USED_STEP: Millis = 60_000;

/// When this process last recorded each key's use: a key the store keeps
/// comes back as it was read, with an older `last_used_at`.
static NOTED: Noted = Noted(Mutex::new(None));

struct Noted(Mutex<Option<HashMap<KeyId, Millis>>>);

impl Noted {
    fn last(&self, id: &KeyId) -> Option<Millis> {
        let noted = self.0.lock().unwrap_or_else(|e| e.into_inner());
        noted.as_ref()?.get(id).copied()
    }

    fn note(&self, id: &KeyId, now: Millis) {
        let mut noted = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let noted = noted.get_or_insert_with(HashMap::new);
        if noted.len() >= MAX_KEYS {
            noted.clear();
        }
        noted.insert(id.clone(), now);
    }
}

/// How long a key read from a store that does not keep keys itself is
/// trusted without reading it again: a key revoked by another process
/// (`parrain keys revoke`) stops working within this time.
pub const KEY_TTL: Duration = Duration::from_secs(5);

/// Keys kept at most; past that the list starts over.
const MAX_KEYS: usize = 1_024;

/// Valid keys by hash, read from the store at most once per [`KEY_TTL`]:
/// every `/v1` call checks its key, and the store's lookup cost more than
/// some of the calls themselves. Unknown keys are never kept, so a key
/// created a moment ago works at once. A hash belongs to one key only, so
/// one list serves every store of the process.
static KEYS: KeyCache = KeyCache(Mutex::new(None));

type Kept = HashMap<String, (ApiKey, Instant)>;

struct KeyCache(Mutex<Option<Kept>>);

impl KeyCache {
    fn kept(&self) -> std::sync::MutexGuard<'_, Option<Kept>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, hash: &str) -> Option<ApiKey> {
        self.kept()
            .as_ref()?
            .get(hash)
            .filter(|(_, read)| read.elapsed() < KEY_TTL)
            .map(|(key, _)| key.clone())
    }

    fn keep(&self, hash: String, key: &ApiKey) {
        let mut kept = self.kept();
        let keys = kept.get_or_insert_with(HashMap::new);
        if keys.len() >= MAX_KEYS {
            keys.clear();
        }
        keys.insert(hash, (key.clone(), Instant::now()));
    }

    /// Drops the kept copy of a key (revoked in this process: it stops
    /// working at once here, and within [`KEY_TTL`] on other nodes).
    fn forget(&self, id: &KeyId) {
        if let Some(keys) = self.kept().as_mut() {
            keys.retain(|_, (key, _)| &key.id != id);
        }
    }

    /// The key's use at `now` is being recorded: the kept copy says so too,
    /// so the next calls within the minute do not record it again.
    fn used(&self, id: &KeyId, now: Millis) {
        if let Some(keys) = self.kept().as_mut() {
            for (key, _) in keys.values_mut().filter(|(k, _)| &k.id == id) {
                key.last_used_at = Some(now);
            }
        }
    }
}

/// Revokes a key; this process refuses it from the next request on.
pub async fn revoke_key(
    store: &dyn Store,
    id: &KeyId,
    now: Millis,
    audit: Audit<ApiKey>,
) -> Result<ApiKey, parrain_store::StoreError> {
    let revoked = store.revoke_key(id, now, audit).await;
    KEYS.forget(id);
    revoked
}

/// A caller holding a secret key.
pub struct SecretKey(pub ApiKey);

impl SecretKey {
    /// The audit log's entry of a change made with this key, recorded as
    /// `key {id} ({name})` by the store in the change's own transaction.
    pub fn audit<T>(&self, at: Millis, action: &str, target: &str, detail: &str) -> Audit<T> {
        Audit::entry(self.entry(at, action, target, detail))
    }

    /// The entry itself, for a change whose entry names what it made.
    pub fn entry(&self, at: Millis, action: &str, target: &str, detail: &str) -> AuditEntry {
        AuditEntry {
            seq: 0,
            at,
            operator: format!("key {} ({})", self.0.id, self.0.name),
            action: action.to_owned(),
            target: target.to_owned(),
            detail: detail.to_owned(),
        }
    }
}

impl FromRequestParts<AppState> for SecretKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let key = authenticate(parts, state).await?;
        match key.kind {
            KeyKind::Secret => Ok(Self(key)),
            KeyKind::Publishable => Err(ApiError::Forbidden(
                "a publishable key cannot do this; use a secret key from your server",
            )),
        }
    }
}

/// A caller holding any valid key.
pub struct AnyKey(pub ApiKey);

impl AnyKey {
    pub fn is_secret(&self) -> bool {
        self.0.kind == KeyKind::Secret
    }
}

impl FromRequestParts<AppState> for AnyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        authenticate(parts, state).await.map(Self)
    }
}
