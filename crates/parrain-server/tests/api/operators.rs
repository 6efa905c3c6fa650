//! Operator accounts and login sessions in the store, on each backend:
//! setting a password again ends the operator's sessions, expired sessions
//! are not found, logout removes one session only.

use parrain_core::email::Email;
use parrain_server::password;
use parrain_store::OperatorSession;

use crate::helpers::spawn_app;

/// The test's clock starts in 2100: the server's retention sweep removes
/// sessions that expired before the real now, so times near 1970 could be
/// swept while the test reads them.
const T0: i64 = 4_102_444_800_000;

fn session(token: char, email: &str, expires_at: i64) -> OperatorSession {
    OperatorSession {
        token_hash: token.to_string().repeat(64),
        email: email.into(),
        csrf_token: format!("csrf-{token}"),
        created_at: T0 + 1_000,
        expires_at: T0 + expires_at,
        role: parrain_store::Role::Owner,
    }
}

#[tokio::test]
async fn operators_sessions_expire_end_on_logout_and_on_a_new_password() {
    let app = spawn_app().await;
    let store = &app.store;
    let email = Email::parse("ops@example.com").unwrap();
    let hash = password::hash("correct horse battery").unwrap();
    assert!(store.set_operator(&email, hash, T0 + 1_000).await.unwrap());
    let operator = store.operator("ops@example.com").await.unwrap().unwrap();
    assert!(password::verify(
        "correct horse battery",
        &operator.password_hash
    ));
    assert_eq!(store.operator("nobody@example.com").await.unwrap(), None);

    let (a, b) = (
        session('a', "ops@example.com", 5_000),
        session('b', "ops@example.com", 9_000),
    );
    store.insert_session(a.clone()).await.unwrap();
    store.insert_session(b.clone()).await.unwrap();
    assert_eq!(
        store.session(&a.token_hash, T0 + 4_999).await.unwrap(),
        Some(a.clone())
    );
    assert_eq!(
        store.session(&a.token_hash, T0 + 5_000).await.unwrap(),
        None,
        "expired"
    );

    store.delete_session(&a.token_hash).await.unwrap();
    store.delete_session(&a.token_hash).await.unwrap();
    assert_eq!(
        store.session(&a.token_hash, T0 + 2_000).await.unwrap(),
        None
    );
    assert_eq!(
        store.session(&b.token_hash, T0 + 2_000).await.unwrap(),
        Some(b.clone())
    );

    let new_hash = password::hash("a brand new passphrase").unwrap();
    assert!(!store
        .set_operator(&email, new_hash, T0 + 3_000)
        .await
        .unwrap());
    assert_eq!(
        store.session(&b.token_hash, T0 + 3_000).await.unwrap(),
        None
    );
    let operator = store.operator("ops@example.com").await.unwrap().unwrap();
    assert!(password::verify(
        "a brand new passphrase",
        &operator.password_hash
    ));
    assert_eq!(operator.created_at, T0 + 1_000);
}
