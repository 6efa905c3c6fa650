//! The store's behaviour, the same tests on both engines: a SQLite file in
//! a directory of its own and a fresh PostgreSQL database (see
//! `PgStore`'s `scratch`). Each test is written once, over [`Store`], and
//! [`on_both!`] runs it on each engine.

use parrain_core::activity::ActivityType;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, WebhookId};
use parrain_core::offer::{OfferSettings, OfferStatus};
use parrain_core::Millis;
use parrain_store::postgres::scratch::ScratchDatabase;
use parrain_store::postgres::PgStore;
use parrain_store::sqlite::SqliteStore;
use parrain_store::*;
use serde_json::json;

const NOW: Millis = 1_750_000_000_000;
const MINUTE: Millis = 60_000;

/// A store on a SQLite file, removed with its directory.
struct OnSqlite {
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

impl OnSqlite {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open_file(&dir.path().join("parrain.db")).unwrap();
        Self { store, _dir: dir }
    }
}

/// A store on a fresh PostgreSQL database, dropped after the store.
struct OnPostgres {
    store: Option<PgStore>,
    _db: ScratchDatabase,
}

impl OnPostgres {
    async fn new() -> Self {
        let db = tokio::task::spawn_blocking(ScratchDatabase::create)
            .await
            .unwrap()
            .unwrap();
        let store = PgStore::connect(db.url(), 4).await.unwrap();
        Self {
            store: Some(store),
            _db: db,
        }
    }
}

impl Drop for OnPostgres {
    fn drop(&mut self) {
        // The pool's connections close before the database is dropped.
        drop(self.store.take());
    }
}

/// Runs each named test on a SQLite store and on a PostgreSQL store.
macro_rules! on_both {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let kept = super::OnSqlite::new();
                    super::$test(&kept.store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let kept = super::OnPostgres::new().await;
                    super::$test(kept.store.as_ref().unwrap()).await;
                }
            )*
        }
    };
}

on_both!(
    the_offer_lifecycle_refuses_what_it_must,
    an_idempotency_key_runs_its_request_once,
    a_sign_in_token_works_once_and_not_after_it_expires,
    a_social_step_is_used_up_once,
    a_claimed_job_is_settled_once_by_its_claim,
    a_webhook_logs_each_delivery_and_its_attempts,
    participants_are_listed_by_what_they_reached,
    people_are_found_counted_and_exported_by_one_filter,
    a_report_counts_the_same_from_whole_and_cut_hours,
    a_person_is_exported_then_erased_once,
    retention_sweeps_each_kind_in_batches,
    keys_are_found_by_hash_until_revoked,
    an_offer_figures_its_days,
);

fn settings() -> OfferSettings {
    serde_json::from_value(json!({
        "name": "Spring referral",
        "goal": {"type": "referred_signups", "count": 1},
        "offer_page_url": "https://shop.example.com/refer",
        "emails": {"fulfillment": {"subject": "Your reward", "text": "Here is {{ promo_code }}"}}
    }))
    .unwrap()
}

async fn live_offer(store: &impl Store) -> OfferId {
    let offer = store
        .create_offer(settings(), NOW, Audit::none())
        .await
        .unwrap();
    store.approve(&offer.id, NOW, Audit::none()).await.unwrap();
    offer.id
}

fn sign_up(email: &str) -> SignUp {
    SignUp {
        email: Email::parse(email).unwrap(),
        first_name: Some("Ada".into()),
        last_name: None,
        fields: Default::default(),
        marketing_consent: None,
        visitor_id: None,
        referral_code: None,
        ip: None,
        vouched: true,
        social_provider: None,
        access_token: None,
    }
}

fn conflict_code(e: StoreError) -> &'static str {
    match e {
        StoreError::Conflict { code, .. } => code,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn the_offer_lifecycle_refuses_what_it_must(store: &impl Store) {
    let draft = store
        .create_offer(settings(), NOW, Audit::none())
        .await
        .unwrap();
    assert_eq!(draft.status, OfferStatus::Draft);
    let refused = store.unapprove(&draft.id, NOW, Audit::none()).await;
    assert_eq!(conflict_code(refused.unwrap_err()), "not_approved");

    let live = live_offer(store).await;
    store
        .sign_up(&live, sign_up("ada@example.com"), NOW)
        .await
        .unwrap();
    let refused = store.delete_offer(&live, Audit::none()).await;
    assert_eq!(
        conflict_code(refused.unwrap_err()),
        "offer_has_participants"
    );
    let paused = store.unapprove(&live, NOW, Audit::none()).await.unwrap();
    assert_eq!(paused.status, OfferStatus::Unapproved);

    let archived = store.archive(&live, NOW, Audit::none()).await.unwrap();
    assert_eq!(archived.status, OfferStatus::Archived);
    let refused = store
        .patch_draft(&live, json!({"name": "Summer"}), NOW, Audit::none())
        .await;
    assert_eq!(conflict_code(refused.unwrap_err()), "offer_archived");
    let refused = store.approve(&live, NOW, Audit::none()).await;
    assert_eq!(conflict_code(refused.unwrap_err()), "offer_archived");
    assert_eq!(
        store.offer(&live).await.unwrap().status,
        OfferStatus::Archived
    );

    // A draft nobody joined goes for good.
    store.delete_offer(&draft.id, Audit::none()).await.unwrap();
    assert!(matches!(
        store.offer(&draft.id).await,
        Err(StoreError::NotFound { what: "offer" })
    ));
}

fn claim(key: &str, fingerprint: &str, now: Millis) -> IdempotencyClaim {
    IdempotencyClaim {
        scope: "key_1".into(),
        key: key.into(),
        fingerprint: fingerprint.into(),
        now,
        expired_before: now - 24 * 60 * MINUTE,
        stale_before: now - MINUTE,
    }
}

async fn an_idempotency_key_runs_its_request_once(store: &impl Store) {
    let first = store.claim_idempotency_key(claim("k1", "POST a", NOW));
    assert_eq!(first.await.unwrap(), ClaimOutcome::Claimed);
    let again = store.claim_idempotency_key(claim("k1", "POST a", NOW + 1));
    assert_eq!(again.await.unwrap(), ClaimOutcome::Running);
    let other = store.claim_idempotency_key(claim("k1", "POST b", NOW + 1));
    assert_eq!(other.await.unwrap(), ClaimOutcome::Mismatch);

    let saved = SavedResponse {
        status: 201,
        content_type: Some("application/json".into()),
        body: br#"{"id":"par_1"}"#.to_vec(),
    };
    store
        .complete_idempotency_key("key_1".into(), "k1".into(), saved.clone())
        .await
        .unwrap();
    let replay = store.claim_idempotency_key(claim("k1", "POST a", NOW + 2));
    assert_eq!(replay.await.unwrap(), ClaimOutcome::Replay(saved.clone()));
    // Another API key's same Idempotency-Key is its own.
    let mut theirs = claim("k1", "POST a", NOW + 2);
    theirs.scope = "key_2".into();
    let theirs = store.claim_idempotency_key(theirs);
    assert_eq!(theirs.await.unwrap(), ClaimOutcome::Claimed);
    // A released key runs again; a completed one is not released.
    store
        .release_idempotency_key("key_1".into(), "k1".into())
        .await
        .unwrap();
    let replay = store.claim_idempotency_key(claim("k1", "POST a", NOW + 3));
    assert_eq!(replay.await.unwrap(), ClaimOutcome::Replay(saved));
    let second = store.claim_idempotency_key(claim("k2", "POST a", NOW));
    assert_eq!(second.await.unwrap(), ClaimOutcome::Claimed);
    store
        .release_idempotency_key("key_1".into(), "k2".into())
        .await
        .unwrap();
    let retry = store.claim_idempotency_key(claim("k2", "POST a", NOW + 1));
    assert_eq!(retry.await.unwrap(), ClaimOutcome::Claimed);
    // A claim left running by a process that died is taken over.
    let late = store.claim_idempotency_key(claim("k2", "POST a", NOW + 2 * MINUTE));
    assert_eq!(late.await.unwrap(), ClaimOutcome::Claimed);
}

async fn a_sign_in_token_works_once_and_not_after_it_expires(store: &impl Store) {
    let offer = live_offer(store).await;
    let ada = store
        .sign_up(&offer, sign_up("ada@example.com"), NOW)
        .await
        .unwrap()
        .participant;

    store.add_access_token("a1", &ada.id, NOW).await.unwrap();
    let found = store.participant_by_token("a1").await.unwrap();
    assert_eq!(found.as_ref(), Some(&ada.id));
    assert_eq!(store.participant_by_token("nope").await.unwrap(), None);

    store.add_sign_in_token("s1", &ada.id, NOW).await.unwrap();
    assert!(store.sign_in_token_valid("s1", NOW + 1).await.unwrap());
    // An access token is not a sign-in token.
    assert!(!store.sign_in_token_valid("a1", NOW + 1).await.unwrap());
    let exchanged = store.exchange_sign_in_token("s1", "a2", NOW + 1).await;
    assert_eq!(exchanged.unwrap().as_ref(), Some(&ada.id));
    assert_eq!(
        store.participant_by_token("a2").await.unwrap().as_ref(),
        Some(&ada.id)
    );
    assert!(!store.sign_in_token_valid("s1", NOW + 2).await.unwrap());
    let twice = store.exchange_sign_in_token("s1", "a3", NOW + 2).await;
    assert_eq!(twice.unwrap(), None);
    assert_eq!(store.participant_by_token("a3").await.unwrap(), None);

    store.add_sign_in_token("s2", &ada.id, NOW).await.unwrap();
    let late = NOW + SIGN_IN_VALID_FOR + 1;
    assert!(!store.sign_in_token_valid("s2", late).await.unwrap());
    let expired = store.exchange_sign_in_token("s2", "a4", late).await;
    assert_eq!(expired.unwrap(), None);

    // Asking for a sign-in queues the email only for someone who joined.
    let known = Email::parse("ada@example.com").unwrap();
    let stranger = Email::parse("bob@example.com").unwrap();
    assert!(store.request_sign_in(&offer, &known, NOW).await.unwrap());
    assert!(!store.request_sign_in(&offer, &stranger, NOW).await.unwrap());
}

async fn a_social_step_is_used_up_once(store: &impl Store) {
    let data = json!({"state": "s", "nonce": "n"});
    let expires = NOW + 10 * MINUTE;
    store
        .put_social_login("h1", SocialStep::Started, data.clone(), NOW, expires)
        .await
        .unwrap();
    // Read without using it, only at its own step and before it expires.
    let read = store.social_login("h1", SocialStep::Started, NOW + 1).await;
    assert_eq!(read.unwrap(), Some(data.clone()));
    let other_step = store.social_login("h1", SocialStep::Verified, NOW + 1);
    assert_eq!(other_step.await.unwrap(), None);
    let late = store.social_login("h1", SocialStep::Started, expires + 1);
    assert_eq!(late.await.unwrap(), None);

    let taken = store.take_social_login("h1", SocialStep::Started, NOW + 2);
    assert_eq!(taken.await.unwrap(), Some(data.clone()));
    let again = store.take_social_login("h1", SocialStep::Started, NOW + 3);
    assert_eq!(again.await.unwrap(), None);

    store
        .put_social_login("h2", SocialStep::Verified, data, NOW, expires)
        .await
        .unwrap();
    let expired = store.take_social_login("h2", SocialStep::Verified, expires + 1);
    assert_eq!(expired.await.unwrap(), None);
}

async fn a_claimed_job_is_settled_once_by_its_claim(store: &impl Store) {
    let offer = live_offer(store).await;
    store
        .sign_up(&offer, sign_up("ada@example.com"), NOW)
        .await
        .unwrap();
    let ada = Email::parse("ada@example.com").unwrap();
    assert!(store.request_sign_in(&offer, &ada, NOW).await.unwrap());
    let lease = 5 * MINUTE;

    let claimed = store.claim_jobs(JobKind::Email, NOW, 10, lease).await;
    let claimed = claimed.unwrap();
    assert_eq!(claimed.len(), 1);
    let first = claimed[0].clone();
    assert_eq!(first.attempt, 1);
    assert!(matches!(first.email(), Ok(EmailJob::SignIn { .. })));
    // Leased: nobody else gets it until the lease runs out.
    let none = store.claim_jobs(JobKind::Email, NOW + 1, 10, lease).await;
    assert!(none.unwrap().is_empty());
    assert!(store.job_held(&first).await.unwrap());

    // Its worker died: the job is due again, and the old claim is lost.
    let again = store
        .claim_jobs(JobKind::Email, NOW + lease + 1, 10, lease)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempt, 2);
    assert!(!store.job_held(&first).await.unwrap());
    let lost = store
        .settle_job(&first, JobOutcome::Done, None, NOW + lease + 2)
        .await;
    assert!(!lost.unwrap());

    // A retry waits for its time, then is claimed again and settled.
    let retry = JobOutcome::Retry {
        at: NOW + 2 * lease,
        error: "450 try later".into(),
    };
    let settled = store.settle_job(&again[0], retry, None, NOW + lease + 2);
    assert!(settled.await.unwrap());
    let early = store.claim_jobs(JobKind::Email, NOW + lease + 3, 10, lease);
    assert!(early.await.unwrap().is_empty());
    let third = store
        .claim_jobs(JobKind::Email, NOW + 2 * lease, 10, lease)
        .await
        .unwrap();
    assert_eq!(third.len(), 1);
    let done = store.settle_job(&third[0], JobOutcome::Done, None, NOW + 2 * lease);
    assert!(done.await.unwrap());
    let later = store.claim_jobs(JobKind::Email, NOW + 10 * lease, 10, lease);
    assert!(later.await.unwrap().is_empty());
    let counts = store.queue_counts(JobKind::Email).await.unwrap();
    assert_eq!((counts.waiting, counts.failed), (0, 0));
}

async fn a_webhook_logs_each_delivery_and_its_attempts(store: &impl Store) {
    let offer = live_offer(store).await;
    let new = |offer_id: Option<OfferId>| NewWebhook {
        url: "https://hooks.example.com/parrain".into(),
        description: Some("CRM".into()),
        events: vec![ActivityType::SignsUp],
        offer_id,
        secret: "whsec_one".into(),
    };
    let unknown = store
        .create_webhook(new(Some(OfferId::generate())), NOW, Audit::none())
        .await;
    assert!(matches!(
        unknown,
        Err(StoreError::BadInput {
            field: "offer_id",
            ..
        })
    ));
    let hook = store
        .create_webhook(new(Some(offer.clone())), NOW, Audit::none())
        .await
        .unwrap();
    assert!(hook.enabled);
    assert_eq!(hook.events, vec![ActivityType::SignsUp]);
    assert_eq!(store.webhook(&hook.id).await.unwrap().url, hook.url);

    store
        .sign_up(&offer, sign_up("ada@example.com"), NOW)
        .await
        .unwrap();
    let lease = 5 * MINUTE;
    let jobs = store.claim_jobs(JobKind::Webhook, NOW, 10, lease).await;
    let jobs = jobs.unwrap();
    assert_eq!(jobs.len(), 1);
    let message = jobs[0].webhook().unwrap().delivery_id.clone();
    let (delivery, to) = store.delivery_to_send(&message).await.unwrap().unwrap();
    assert_eq!(to.id, hook.id);
    assert_eq!(delivery.event_type, "signs_up_for_referral_offer");
    assert_eq!(delivery.state, DeliveryState::Pending);
    // Replaying what is still being attempted is refused.
    let early = store
        .replay_delivery(&hook.id, &message, NOW, Audit::none())
        .await;
    assert_eq!(conflict_code(early.unwrap_err()), "delivery_pending");

    let gone = AttemptRecord {
        delivery: message.clone(),
        attempt: Attempt {
            attempted_at: NOW + 1,
            status: Some(410),
            latency_ms: 12,
            response: Some("gone".into()),
            error: None,
        },
        outcome: JobOutcome::Failed {
            error: "410 Gone".into(),
        },
        disable: Some("the receiver answered 410 Gone".into()),
    };
    assert!(store
        .record_attempt(&jobs[0], gone.clone(), NOW + 1)
        .await
        .unwrap());
    // The claim is settled: recording it again changes nothing.
    assert!(!store.record_attempt(&jobs[0], gone, NOW + 2).await.unwrap());
    let log = store
        .list_deliveries(
            &hook.id,
            PageRequest {
                cursor: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(log.items.len(), 1);
    let logged = &log.items[0];
    assert_eq!(logged.state, DeliveryState::Failed);
    assert_eq!(logged.attempts.len(), 1);
    assert_eq!(logged.attempts[0].status, Some(410));
    assert_eq!(logged.attempts[0].response.as_deref(), Some("gone"));
    let disabled = store.webhook(&hook.id).await.unwrap();
    assert!(!disabled.enabled);
    assert_eq!(
        disabled.disabled_reason.as_deref(),
        Some("the receiver answered 410 Gone")
    );

    // A finished delivery is replayed: queued again, pending again.
    let replayed = store
        .replay_delivery(&hook.id, &message, NOW + 3, Audit::none())
        .await
        .unwrap();
    assert_eq!(replayed.state, DeliveryState::Pending);
    let again = store.claim_jobs(JobKind::Webhook, NOW + 3, 10, lease).await;
    assert!(again.unwrap()[0].webhook().unwrap().replay);

    let patch = WebhookPatch {
        enabled: Some(true),
        offer_id: Some(None),
        ..WebhookPatch::default()
    };
    let enabled = store
        .update_webhook(&hook.id, patch, NOW + 4, Audit::none())
        .await
        .unwrap();
    assert!(enabled.enabled);
    assert_eq!((enabled.offer_id, enabled.disabled_reason), (None, None));
    let rotated = store
        .rotate_secret(
            &hook.id,
            "whsec_two".into(),
            NOW + MINUTE,
            NOW + 4,
            Audit::none(),
        )
        .await
        .unwrap();
    assert_eq!(rotated.secret, "whsec_two");
    assert_eq!(rotated.previous_secret.as_deref(), Some("whsec_one"));
    assert_eq!(rotated.previous_until, Some(NOW + MINUTE));

    let listed = store
        .list_webhooks(PageRequest {
            cursor: None,
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    store.delete_webhook(&hook.id, Audit::none()).await.unwrap();
    assert!(matches!(
        store.webhook(&hook.id).await,
        Err(StoreError::NotFound { what: "webhook" })
    ));
    let unknown: WebhookId = WebhookId::generate();
    assert!(store.delivery(&unknown, &message).await.is_err());
}

async fn participants_are_listed_by_what_they_reached(store: &impl Store) {
    let offer = live_offer(store).await;
    let ada = store
        .sign_up(&offer, sign_up("ada@example.com"), NOW)
        .await
        .unwrap()
        .participant;
    let mut bob = sign_up("bob@example.com");
    bob.referral_code = Some(ada.code.clone());
    let bob = store
        .sign_up(&offer, bob, NOW + 1)
        .await
        .unwrap()
        .participant;
    assert_eq!(bob.referred_by.as_ref(), Some(&ada.id));

    let list = |filter: ParticipantFilter, limit: u32, cursor: Option<String>| {
        store.list_participants(&offer, filter, PageRequest { cursor, limit })
    };
    let ids = |page: Page<Participant>| page.items.into_iter().map(|p| p.id).collect::<Vec<_>>();
    let all = list(ParticipantFilter::default(), 10, None).await.unwrap();
    assert_eq!(ids(all), vec![bob.id.clone(), ada.id.clone()]);
    let achieved = ParticipantFilter {
        achieved: Some(true),
        ..ParticipantFilter::default()
    };
    assert_eq!(
        ids(list(achieved, 10, None).await.unwrap()),
        vec![ada.id.clone()]
    );
    let not_yet = ParticipantFilter {
        achieved: Some(false),
        ..ParticipantFilter::default()
    };
    assert_eq!(
        ids(list(not_yet, 10, None).await.unwrap()),
        vec![bob.id.clone()]
    );
    let by_email = ParticipantFilter {
        email: Some("BOB@".into()),
        ..ParticipantFilter::default()
    };
    assert_eq!(
        ids(list(by_email, 10, None).await.unwrap()),
        vec![bob.id.clone()]
    );
    // A page at a time, newest first.
    let first = list(ParticipantFilter::default(), 1, None).await.unwrap();
    assert_eq!(first.items[0].id, bob.id);
    let next = list(ParticipantFilter::default(), 1, first.next_cursor).await;
    let next = next.unwrap();
    assert_eq!(ids(next.clone()), vec![ada.id.clone()]);
    assert_eq!(next.next_cursor, None);
    let elsewhere = store
        .list_participants(
            &OfferId::generate(),
            ParticipantFilter::default(),
            PageRequest {
                cursor: None,
                limit: 10,
            },
        )
        .await;
    assert!(matches!(
        elsewhere,
        Err(StoreError::NotFound { what: "offer" })
    ));

    let detail = store.participant(&ada.id).await.unwrap();
    assert_eq!(detail.participant.goal_count, Some(1));
    assert_eq!(detail.participant.credit, 1);
    assert!(detail.participant.achieved_at.is_some());
    assert_eq!(detail.friends.len(), 1);
    assert_eq!(detail.friends[0].email.as_deref(), Some("bob@example.com"));
    assert_eq!(detail.friends[0].credits, 1);
    let email = Email::parse("ada@example.com").unwrap();
    let (found, shares) = store
        .find_participant(&offer, &email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.id, shares), (ada.id, 0));
    let stranger = Email::parse("eve@example.com").unwrap();
    assert!(store
        .find_participant(&offer, &stranger)
        .await
        .unwrap()
        .is_none());
}

async fn people_are_found_counted_and_exported_by_one_filter(store: &impl Store) {
    let offer = live_offer(store).await;
    let ada = store
        .sign_up(&offer, sign_up("ada@example.com"), NOW)
        .await
        .unwrap()
        .participant;
    for (i, email) in ["bob@example.com", "cy@example.com"]
        .into_iter()
        .enumerate()
    {
        let mut friend = sign_up(email);
        friend.referral_code = Some(ada.code.clone());
        store
            .sign_up(&offer, friend, NOW + 1 + i as i64)
            .await
            .unwrap();
    }
    let other = live_offer(store).await;
    store
        .sign_up(&other, sign_up("dee@example.com"), NOW)
        .await
        .unwrap();

    let emails = |people: Vec<Person>| people.into_iter().map(|p| p.email).collect::<Vec<_>>();
    let brought = PeopleFilter {
        referred_by: Some(ada.id.clone()),
        ..PeopleFilter::default()
    };
    let page = PageRequest {
        cursor: None,
        limit: 1,
    };
    let first = store.list_people(brought.clone(), page).await.unwrap();
    assert_eq!(emails(first.items), vec!["cy@example.com"]);
    let page = PageRequest {
        cursor: first.next_cursor,
        limit: 1,
    };
    let second = store.list_people(brought.clone(), page).await.unwrap();
    assert_eq!(emails(second.items), vec!["bob@example.com"]);
    assert_eq!(store.count_people(brought.clone()).await.unwrap(), 2);

    let joined = PeopleFilter {
        signed_up_for: Some(offer.clone()),
        since: Some(NOW + 1),
        ..PeopleFilter::default()
    };
    assert_eq!(store.count_people(joined).await.unwrap(), 2);
    assert_eq!(
        store.count_people(PeopleFilter::default()).await.unwrap(),
        4
    );

    let mut export = store.export_people(brought);
    let mut exported = Vec::new();
    while let Some(batch) = export.next().await.unwrap() {
        exported.extend(emails(batch));
    }
    assert_eq!(exported, vec!["cy@example.com", "bob@example.com"]);
}

async fn a_report_counts_the_same_from_whole_and_cut_hours(store: &impl Store) {
    use parrain_core::report::{total, Interval, Window};
    let offer = live_offer(store).await;
    let ada = store
        .sign_up(&offer, sign_up("ada@example.com"), NOW)
        .await
        .unwrap()
        .participant;
    let mut bob = sign_up("bob@example.com");
    bob.referral_code = Some(ada.code.clone());
    store.sign_up(&offer, bob, NOW + MINUTE).await.unwrap();

    let day = 24 * 60 * MINUTE;
    let whole = Window::new(NOW - NOW % day, NOW - NOW % day + day, Interval::Day).unwrap();
    // Thirty minutes either side: both of its hours are cut and recounted.
    let cut = Window::new(NOW - 30 * MINUTE, NOW + 30 * MINUTE, Interval::Hour).unwrap();
    for window in [whole, cut] {
        let data = store.report_data(&offer, window).await.unwrap();
        let sum = total(&data.tallies);
        assert_eq!((sum.sign_ups, sum.referred_sign_ups), (2, 1));
        assert_eq!(data.profiles, 2);
        assert_eq!(data.top_referrers.len(), 1);
        assert_eq!(data.top_referrers[0].participant_id, ada.id);
        assert_eq!(data.top_referrers[0].credit, 1);
    }
    let before = Window::new(NOW - day, NOW - 1, Interval::Day).unwrap();
    let empty = store.report_data(&offer, before).await.unwrap();
    assert_eq!(total(&empty.tallies).sign_ups, 0);
}

async fn a_person_is_exported_then_erased_once(store: &impl Store) {
    let offer = live_offer(store).await;
    let mut ada = sign_up("ada@example.com");
    ada.ip = Some("203.0.113.7".parse().unwrap());
    ada.last_name = Some("Lovelace".into());
    let person = store.sign_up(&offer, ada, NOW).await.unwrap();
    let person = person.participant.person_id;

    let held = store.export_person(&person).await.unwrap();
    assert_eq!(held["email"], "ada@example.com");
    assert_eq!(held["first_name"], "Ada");
    let participants = held["participants"].as_array().unwrap();
    assert_eq!(participants.len(), 1);
    assert_eq!(held["last_name"], "Lovelace");
    assert_eq!(participants[0]["sign_up_ip"], "203.0.113.7");
    assert!(!held["activities"].as_array().unwrap().is_empty());

    let erased = store.erase_person(&person, NOW + MINUTE).await.unwrap();
    assert!(erased.erased);
    assert_eq!(erased.participants, 1);
    let held = store.export_person(&person).await.unwrap();
    assert_eq!(held["email"], format!("erased:{}", person.as_str()));
    assert_eq!(held["first_name"], serde_json::Value::Null);
    assert_eq!(held["erased_at"], NOW + MINUTE);
    let participants = held["participants"].as_array().unwrap();
    assert_eq!(participants[0]["fields"], json!({}));
    assert_eq!(participants[0]["sign_up_ip"], serde_json::Value::Null);
    // The participation still counts.
    assert_eq!(
        store.offer_figures(&offer, NOW).await.unwrap().participants,
        1
    );

    let again = store.erase_person(&person, NOW + 2 * MINUTE).await.unwrap();
    assert!(!again.erased);
    let stranger = parrain_core::ids::PersonId::generate();
    assert!(matches!(
        store.export_person(&stranger).await,
        Err(StoreError::NotFound { what: "person" })
    ));
}

async fn retention_sweeps_each_kind_in_batches(store: &impl Store) {
    let offer = live_offer(store).await;
    for email in ["ada@example.com", "bob@example.com", "cy@example.com"] {
        let mut one = sign_up(email);
        one.ip = Some("203.0.113.7".parse().unwrap());
        store.sign_up(&offer, one, NOW).await.unwrap();
    }
    // Nothing is older than the cutoff yet.
    assert_eq!(store.sweep(Swept::SignUpIps, NOW, 2).await.unwrap(), 0);
    let later = NOW + 400 * 24 * 60 * MINUTE;
    assert_eq!(store.sweep(Swept::SignUpIps, later, 2).await.unwrap(), 2);
    assert_eq!(store.sweep(Swept::SignUpIps, later, 2).await.unwrap(), 1);
    assert_eq!(store.sweep(Swept::SignUpIps, later, 2).await.unwrap(), 0);
    // Every kind's statements run on this engine.
    for what in Swept::ALL {
        store.sweep(what, later, 100).await.unwrap();
    }
    let figures = store.offer_figures(&offer, NOW).await.unwrap();
    assert_eq!(figures.participants, 3);
}

fn new_key(id: &str, kind: KeyKind, hash: &str) -> NewKey {
    NewKey {
        id: parrain_core::ids::KeyId::from_trusted(id.into()),
        kind,
        name: format!("{id} key"),
        hint: "abcd".into(),
        hash: hash.into(),
        now: NOW,
    }
}

async fn keys_are_found_by_hash_until_revoked(store: &impl Store) {
    let first = vec![
        new_key("key_secret", KeyKind::Secret, "hash-s"),
        new_key("key_public", KeyKind::Publishable, "hash-p"),
    ];
    assert!(store.insert_first_keys(first).await.unwrap());
    let again = vec![new_key("key_other", KeyKind::Secret, "hash-o")];
    assert!(!store.insert_first_keys(again).await.unwrap());
    let added = new_key("key_added", KeyKind::Secret, "hash-a");
    store.insert_key(added, Audit::none()).await.unwrap();

    let found = store.key_by_hash("hash-s").await.unwrap().unwrap();
    assert_eq!(found.id.as_str(), "key_secret");
    assert_eq!(found.kind, KeyKind::Secret);
    assert_eq!(found.last_used_at, None);
    assert!(store.key_by_hash("hash-o").await.unwrap().is_none());
    let listed: Vec<String> = store
        .list_keys()
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.id.as_str().to_owned())
        .collect();
    assert_eq!(listed, ["key_added", "key_public", "key_secret"]);

    store.touch_key(&found.id, NOW + MINUTE).await.unwrap();
    store.touch_key(&found.id, NOW).await.unwrap();
    let revoked = store
        .revoke_key(&found.id, NOW + 2 * MINUTE, Audit::none())
        .await
        .unwrap();
    assert_eq!(revoked.last_used_at, Some(NOW + MINUTE));
    assert_eq!(revoked.revoked_at, Some(NOW + 2 * MINUTE));
    assert!(store.key_by_hash("hash-s").await.unwrap().is_none());
    let unknown = parrain_core::ids::KeyId::from_trusted("key_unknown".into());
    assert!(matches!(
        store.revoke_key(&unknown, NOW, Audit::none()).await,
        Err(StoreError::NotFound { what: "key" })
    ));
}

async fn an_offer_figures_its_days(store: &impl Store) {
    const DAY: Millis = 24 * 60 * MINUTE;
    let offer = live_offer(store).await;
    store
        .sign_up(&offer, sign_up("ada@example.com"), NOW)
        .await
        .unwrap();
    store
        .sign_up(&offer, sign_up("bob@example.com"), NOW + DAY)
        .await
        .unwrap();
    let figures = store.offer_figures(&offer, NOW).await.unwrap();
    assert_eq!(figures.participants, 2);
    assert_eq!(figures.referred_sign_ups, 0);
    assert_eq!(figures.waiting_review, 0);
    let days: Vec<(i64, i64)> = figures
        .days
        .iter()
        .map(|d| (d.day, d.participants))
        .collect();
    assert_eq!(days, [(NOW / DAY, 1), (NOW / DAY + 1, 1)]);
    let since_second = store.offer_figures(&offer, NOW + DAY).await.unwrap();
    assert_eq!(since_second.days.len(), 1);
}

/// Makes the SQLite file `path` with a live offer and one referrer, and
/// closes it; returns the referrer's share code.
async fn file_with_a_referrer(path: &std::path::Path) -> String {
    let store = SqliteStore::open_file(path).unwrap();
    let offer = live_offer(&store).await;
    let ada = store
        .sign_up(&offer, sign_up("ada@example.com"), NOW)
        .await
        .unwrap();
    ada.participant.code
}

/// Adds to the SQLite file `path` a referrer whose share code is
/// `ghost-code` and whose offer does not exist, which only a file edited by
/// hand can hold: the ledger refuses its clicks.
fn add_a_referrer_whose_offer_is_gone(path: &std::path::Path) {
    r2d2_sqlite::rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO people (id, email, created_at) VALUES ('per_ghost', 'ghost@example.com', 1);
             INSERT INTO participants (id, offer_id, person_id, code, created_at)
                 VALUES ('par_ghost', 'off_gone', 'per_ghost', 'ghost-code', 1);",
        )
        .unwrap();
}

/// The click log's recording (SQLite) when the ledger refuses one of its
/// clicks: here the share code's offer is gone, which only a file edited
/// by hand can hold. The whole run is undone, every click is then recorded
/// alone, the refused one is left out, and the clicks before and after it
/// are each recorded once. The log keeps its rows until the log's thread
/// deletes them, so opening the file again must not record them again.
#[tokio::test]
async fn a_refused_click_leaves_the_journal_s_other_clicks_recorded_once() {
    use r2d2_sqlite::rusqlite::{params, Connection};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parrain.db");
    let code = file_with_a_referrer(&path).await;
    add_a_referrer_whose_offer_is_gone(&path);
    let log = Connection::open(dir.path().join("parrain.db-clicks")).unwrap();
    for (seq, (code, visitor)) in [
        (&*code, "vis_a"),
        ("ghost-code", "vis_b"),
        (&*code, "vis_c"),
    ]
    .into_iter()
    .enumerate()
    {
        log.execute(
            "INSERT INTO journal (seq, at, code, visitor_id, new_browser) VALUES (?1, ?2, ?3, ?4, 1)",
            params![seq as i64 + 1, NOW + MINUTE, code, visitor],
        )
        .unwrap();
    }
    drop(log);

    // Opening the file records its log before anything is served; opening
    // it again records nothing more.
    drop(SqliteStore::open_file(&path).unwrap());
    let _store = SqliteStore::open_file(&path).unwrap();
    let conn = Connection::open(&path).unwrap();
    let strings = |sql: &str| -> Vec<String> {
        conn.prepare(sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        strings("SELECT CAST(seq AS TEXT) FROM click_applied"),
        ["3"]
    );
    assert_eq!(
        strings("SELECT visitor_id FROM activities WHERE type = 'clicks_shared_link' ORDER BY seq"),
        ["vis_a", "vis_c"]
    );
    assert_eq!(
        strings("SELECT visitor_id FROM attributions ORDER BY visitor_id"),
        ["vis_a", "vis_c"]
    );
    assert_eq!(
        strings("SELECT id FROM visitors WHERE id IN ('vis_a', 'vis_b', 'vis_c') ORDER BY id"),
        ["vis_a", "vis_c"]
    );
}

/// A backup holds every click answered before it began, recorded, even
/// those still waiting in the click log (SQLite): here the log holds two
/// clicks the database has not recorded and one it has (`click_applied`).
/// The backup records the two, once, and says so, so the log's rows are
/// not recorded again if the backup is later opened beside that log.
#[tokio::test]
async fn a_backup_records_the_clicks_waiting_in_the_click_log() {
    use r2d2_sqlite::rusqlite::{params, Connection};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parrain.db");
    let code = file_with_a_referrer(&path).await;
    Connection::open(&path)
        .unwrap()
        .execute("UPDATE click_applied SET seq = 7", [])
        .unwrap();
    let log = Connection::open(dir.path().join("parrain.db-clicks")).unwrap();
    for (seq, visitor) in [(7, "vis_recorded"), (8, "vis_a"), (9, "vis_b")] {
        log.execute(
            "INSERT INTO journal (seq, at, code, visitor_id, new_browser) VALUES (?1, ?2, ?3, ?4, 1)",
            params![seq, NOW + MINUTE, code, visitor],
        )
        .unwrap();
    }
    drop(log);

    let backup = dir.path().join("backup.db");
    SqliteStore::backup_file(&path, &backup).unwrap();
    let conn = Connection::open(&backup).unwrap();
    let clicked: Vec<String> = conn
        .prepare("SELECT visitor_id FROM activities WHERE type = 'clicks_shared_link' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(clicked, ["vis_a", "vis_b"]);
    let (applied, handed): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT seq FROM click_applied), (SELECT count(*) FROM click_journal)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((applied, handed), (9, 0));
}

/// The writer records the click log in runs: one transaction with no
/// savepoint per click, the hourly tallies added up and written once at
/// the run's end (SQLite's `journal.rs`). After a refused click it records
/// every click alone instead, each in its savepoint, its tally written as
/// it goes. Either way the same clicks leave the same rows: browsers,
/// attributions, activities in the same order with the same `seq`, and the
/// same hourly tallies, first and last `seq` included. The run mixes new
/// browsers, browsers coming back within it, a cookie the database does
/// not know, unknown codes, channels and addresses, over four hours.
#[tokio::test]
async fn clicks_recorded_together_leave_the_rows_recorded_one_by_one_leave() {
    use r2d2_sqlite::rusqlite::{params, Connection};
    let dir = tempfile::tempdir().unwrap();
    let mut dumps = Vec::new();
    for one_by_one in [false, true] {
        let path = dir.path().join(format!("{one_by_one}.db"));
        let code = file_with_a_referrer(&path).await;
        let conn = Connection::open(&path).unwrap();
        let (offer, participant): (String, String) = conn
            .query_row(
                "SELECT offer_id, id FROM participants WHERE code = ?1",
                [&code],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        drop(conn);
        if one_by_one {
            add_a_referrer_whose_offer_is_gone(&path);
        }
        let log = Connection::open(path.with_extension("db-clicks")).unwrap();
        let mut seq = 0;
        let mut click =
            |code: &str, visitor: String, new: bool, channel: Option<&str>, ip: Option<String>| {
                seq += 1;
                log.execute(
                    "INSERT INTO journal (seq, at, code, visitor_id, new_browser, channel, ip)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        seq,
                        NOW + MINUTE + seq * 37_000,
                        code,
                        visitor,
                        new,
                        channel,
                        ip
                    ],
                )
                .unwrap();
            };
        for i in 0..300_i64 {
            let channel = [None, Some("link"), Some("facebook")][(i % 3) as usize];
            let ip = (i % 4 != 0).then(|| format!("203.0.113.{}", i % 7));
            match i % 11 {
                // A browser of this run coming back.
                3 | 8 => click(&code, format!("vis_t{:04}", i - 2), false, channel, ip),
                // A cookie from elsewhere.
                5 => click(&code, format!("vis_u{i:04}"), false, channel, ip),
                7 => click("nobody-here", format!("vis_t{i:04}"), true, channel, ip),
                _ => click(&code, format!("vis_t{i:04}"), true, channel, ip),
            }
        }
        if one_by_one {
            // Refused: the whole run is undone and every click recorded alone.
            click("ghost-code", "vis_ghost".into(), true, None, None);
        }
        drop(log);
        drop(SqliteStore::open_file(&path).unwrap());

        let conn = Connection::open(&path).unwrap();
        let dump = |sql: &str| -> Vec<String> {
            conn.prepare(sql)
                .unwrap()
                .query_map([], |r| r.get::<_, String>(0))
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap()
                .into_iter()
                .map(|row| {
                    row.replace(&offer, "OFFER")
                        .replace(&participant, "PARTICIPANT")
                })
                .collect()
        };
        dumps.push([
            dump(
                "SELECT concat_ws('|', id, person_id, created_at, ip, ip_seen_at) FROM visitors
                 WHERE id LIKE 'vis_%' ORDER BY id",
            ),
            dump(
                "SELECT concat_ws('|', offer_id, visitor_id, participant_id, touched_at, channel)
                 FROM attributions ORDER BY offer_id, visitor_id",
            ),
            dump(
                "SELECT concat_ws('|', seq, type, offer_id, participant_id, person_id, visitor_id,
                                  details, occurred_at)
                 FROM activities WHERE type = 'clicks_shared_link' ORDER BY seq",
            ),
            dump(
                "SELECT concat_ws('|', offer_id, hour, type, key, count, first_seq, last_seq)
                 FROM activity_hours WHERE type = 'clicks_shared_link' ORDER BY hour, key",
            ),
        ]);
    }
    let [together, alone] = &dumps[..] else {
        unreachable!()
    };
    // 300 clicks, 27 of them on an unknown code (nothing recorded); of the
    // other 273, 54 are browsers coming back, so 219 browsers are recorded,
    // 27 of them with a cookie from elsewhere.
    let counts: Vec<usize> = together.iter().map(Vec::len).collect();
    assert_eq!(counts[..3], [273 - 54, 273 - 54, 273]);
    // Four hours, each with a row for `link` and one for `facebook` (a
    // click naming no network counts as a plain link).
    assert_eq!(counts[3], 8, "{:#?}", together[3]);
    for (table, (a, b)) in ["visitors", "attributions", "activities", "hours"]
        .iter()
        .zip(together.iter().zip(alone))
    {
        assert_eq!(a, b, "{table}");
    }
}
