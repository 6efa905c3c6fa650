//! Rewards in the ledger (SPEC §11), written once for both backends over
//! the shared [`Sql`] statements.
//!
//! One row of `participant_rewards` per (participant, reward, occurrence),
//! under its primary key: earning inserts it (a second insert, by a retry
//! or a concurrent request, changes nothing), and giving moves it from
//! `earned` or `held` to `given` with one conditional update, so only one
//! transaction ever gives it. A promo code is taken from its pool in the
//! same transaction, locked and marked only while still free.

use parrain_core::activity::ActivityType;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::offer::OfferSettings;
use parrain_core::reward::{self, FriendOn, Reward, RewardFor, RewardState};
use parrain_core::{Millis, DAY};
use serde_json::{json, Map, Value};

use super::{FriendIds, LedgerTx, Who};
use crate::sql::Sql;
use crate::EmailJob;
use crate::{Leader, Offer, ParticipantReward, PromoCounts, Result, Reversal, StoreError};

/// An integer parameter: the shared statements bind text, which
/// PostgreSQL would refuse for a BIGINT column without the casts.
macro_rules! int {
    ($n:literal) => {
        concat!("CAST(CAST(?", $n, " AS TEXT) AS BIGINT)")
    };
}

/// A referrer's credit went from `before` to `after` through `friend`:
/// earns every referrer occurrence newly reached, and the friend's own
/// rewards on credit if the friend is a participant of the offer.
pub(crate) fn after_credit(
    tx: &impl LedgerTx,
    offer: &Offer,
    settings: &OfferSettings,
    referrer: &ParticipantId,
    friend: &FriendIds,
    (before, after): (i64, i64),
    now: Millis,
) -> Result<()> {
    let due = reward::due(&settings.rewards, before, after);
    // Within `limits.max_rewards_per_referrer`: the referrer is locked, so
    // concurrent credits count its rewards one at a time.
    let room = match settings.limits.max_rewards_per_referrer {
        Some(_) => settings
            .limits
            .rewards_within(referrer_rewards(tx, referrer)?, due.len()),
        None => due.len(),
    };
    for (reward, occurrence) in due.into_iter().take(room) {
        earn(tx, offer, settings, reward, referrer, occurrence, None, now)?;
    }
    let on_credit =
        |r: &&Reward| r.for_ == RewardFor::Friend && r.on.unwrap_or_default() == FriendOn::Credit;
    if !settings.rewards.iter().any(|r| on_credit(&r)) {
        return Ok(());
    }
    let Some(person) = &friend.person else {
        return Ok(());
    };
    if let Some(friend_participant) = tx.participant_of(&offer.id, person)? {
        for reward in settings.rewards.iter().filter(on_credit) {
            earn(
                tx,
                offer,
                settings,
                reward,
                &friend_participant,
                1,
                Some(referrer),
                now,
            )?;
        }
    }
    Ok(())
}

/// How many rewards a referrer holds for its own referrals (its friends'
/// rewards aside): earned, held or given, not cancelled or clawed back.
pub(crate) fn referrer_rewards(tx: &impl Sql, referrer: &ParticipantId) -> Result<i64> {
    let n = tx.strings(
        "SELECT CAST(COUNT(*) AS TEXT) FROM participant_rewards
         WHERE participant_id = ?1 AND friend_of IS NULL
           AND state <> 'cancelled' AND clawback_at IS NULL",
        &[referrer.as_str()],
    )?;
    Ok(n.first().and_then(|n| n.parse().ok()).unwrap_or(0))
}

/// A friend signed up attributed to `referrer`: its `on: "sign_up"` rewards.
pub(crate) fn after_sign_up(
    tx: &impl LedgerTx,
    offer: &Offer,
    settings: &OfferSettings,
    friend: &ParticipantId,
    referrer: &ParticipantId,
    now: Millis,
) -> Result<()> {
    let on_sign_up = settings
        .rewards
        .iter()
        .filter(|r| r.for_ == RewardFor::Friend && r.on == Some(FriendOn::SignUp));
    for reward in on_sign_up {
        earn(tx, offer, settings, reward, friend, 1, Some(referrer), now)?;
    }
    Ok(())
}

/// Earns one occurrence, once: held, waiting for an operator, or given at once.
#[allow(clippy::too_many_arguments)]
fn earn(
    tx: &impl LedgerTx,
    offer: &Offer,
    settings: &OfferSettings,
    reward: &Reward,
    participant: &ParticipantId,
    occurrence: i64,
    friend_of: Option<&ParticipantId>,
    now: Millis,
) -> Result<()> {
    let first = reward.first_state();
    let (state, release_at) = match first {
        RewardState::Held => ("held", Some(now + reward.hold_days * DAY)),
        _ => ("earned", None),
    };
    let release = release_at.map(|r| r.to_string()).unwrap_or_default();
    let inserted = tx.exec(
        concat!(
            "INSERT INTO participant_rewards (participant_id, reward_id, occurrence, offer_id,
                 state, friend_of, earned_at, release_at)
             VALUES (?1, ?2, ",
            int!(3),
            ", ?4, ?5, NULLIF(?6, ''), ",
            int!(7),
            ", CAST(CAST(NULLIF(?8, '') AS TEXT) AS BIGINT))
             ON CONFLICT (participant_id, reward_id, occurrence) DO NOTHING"
        ),
        &[
            participant.as_str(),
            &reward.id,
            &occurrence.to_string(),
            offer.id.as_str(),
            state,
            friend_of.map(ParticipantId::as_str).unwrap_or_default(),
            &now.to_string(),
            &release,
        ],
    )?;
    if inserted == 0 {
        return Ok(());
    }
    tx.record(
        ActivityType::RewardEarned,
        who(&offer.id, participant),
        json!({"reward_id": reward.id, "occurrence": occurrence, "state": state,
               "release_at": release_at, "label": reward.label, "friend_of": friend_of}),
        now,
    )?;
    if first == RewardState::Given {
        give(
            tx,
            offer,
            settings,
            reward,
            participant,
            occurrence,
            By::Rule,
            now,
        )?;
    }
    Ok(())
}

/// Who gave or cancelled an occurrence, as its activity says (`details.by`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum By<'a> {
    /// The offer's rules, as the credit or sign-up happened.
    Rule,
    /// The workers, as its hold ended.
    HoldEnd,
    /// An operator (the API or the admin), with their note if any.
    Operator(Option<&'a str>),
}

impl By<'_> {
    fn describe(self, details: &mut Value) {
        let (by, note) = match self {
            By::Rule => ("rule", None),
            By::HoldEnd => ("hold_end", None),
            By::Operator(note) => ("operator", note),
        };
        details["by"] = json!(by);
        if let Some(note) = note {
            details["note"] = json!(note);
        }
    }
}

fn who<'a>(offer: &'a OfferId, participant: &'a ParticipantId) -> Who<'a> {
    Who {
        offer: Some(offer),
        participant: Some(participant),
        ..Who::default()
    }
}

/// Gives an earned or held occurrence: its code, its email, and for the
/// goal's reward v1's fulfilment. A conflict when it is not waiting (given
/// or cancelled already, or never earned).
#[allow(clippy::too_many_arguments)]
pub(crate) fn give(
    tx: &impl LedgerTx,
    offer: &Offer,
    settings: &OfferSettings,
    reward: &Reward,
    participant: &ParticipantId,
    occurrence: i64,
    by: By<'_>,
    now: Millis,
) -> Result<Option<String>> {
    let claimed = tx.exec(
        concat!(
            "UPDATE participant_rewards SET state = 'given', given_at = ",
            int!(4),
            " WHERE participant_id = ?1 AND reward_id = ?2 AND occurrence = ",
            int!(3),
            " AND state IN ('earned', 'held')"
        ),
        &[
            participant.as_str(),
            &reward.id,
            &occurrence.to_string(),
            &now.to_string(),
        ],
    )?;
    if claimed == 0 {
        return Err(StoreError::conflict(
            "reward_not_waiting",
            format!(
                "reward {} (occurrence {occurrence}) is not earned or held for this participant",
                reward.id
            ),
        ));
    }
    let code = match reward.pool() {
        Some(pool) => take_code(tx, &offer.id, pool, participant, now)?,
        None => None,
    };
    if let (Some(pool), Some(_)) = (reward.pool(), &code) {
        super::low_stock::check(tx, &offer.id, pool, now)?;
    }
    if let Some(code) = &code {
        tx.exec(
            concat!(
                "UPDATE participant_rewards SET promo_code = ?4
                 WHERE participant_id = ?1 AND reward_id = ?2 AND occurrence = ",
                int!(3)
            ),
            &[
                participant.as_str(),
                &reward.id,
                &occurrence.to_string(),
                code,
            ],
        )?;
    }
    if reward.pool().is_some() && code.is_none() {
        tx.record(
            ActivityType::PromoCodesExhausted,
            who(&offer.id, participant),
            json!({"pool": reward.pool(), "reward_id": reward.id}),
            now,
        )?;
    }
    let mut details = json!({"reward_id": reward.id, "occurrence": occurrence,
                             "promo_code": code, "label": reward.label});
    by.describe(&mut details);
    tx.record(
        ActivityType::RewardGiven,
        who(&offer.id, participant),
        details,
        now,
    )?;
    let is_goal = reward::fulfillment_reward(settings).is_some_and(|g| g.id == reward.id);
    if is_goal && tx.mark_fulfilled(participant, now)? {
        if let Some(code) = &code {
            tx.exec(
                "UPDATE participants SET promo_code = ?2 WHERE id = ?1",
                &[participant.as_str(), code],
            )?;
        }
        tx.record(
            ActivityType::OfferFulfilled,
            who(&offer.id, participant),
            json!({"promo_code": code, "reward_id": reward.id}),
            now,
        )?;
    }
    if reward.email.is_some() {
        let job = EmailJob::Reward {
            offer_id: offer.id.clone(),
            participant_id: participant.clone(),
            reward_id: reward.id.clone(),
            occurrence,
        };
        tx.enqueue(job.into(), now)?;
    }
    Ok(code)
}

/// v1's fulfil endpoints on an offer with rewards: gives the goal's reward.
pub(crate) fn fulfil(
    tx: &impl LedgerTx,
    offer: &Offer,
    settings: &OfferSettings,
    participant: &ParticipantId,
    now: Millis,
) -> Result<Option<String>> {
    let reward = reward::fulfillment_reward(settings).ok_or_else(|| {
        StoreError::conflict("no_goal_reward", "the offer has no reward at its goal")
    })?;
    let state = reward_state(tx, participant, &reward.id, 1)?;
    if state == Some(RewardState::Held) {
        return Err(StoreError::conflict(
            "reward_held",
            format!("reward {} is held until its hold ends", reward.id),
        ));
    }
    give(
        tx,
        offer,
        settings,
        reward,
        participant,
        1,
        By::Operator(None),
        now,
    )
}

/// An operator gives a participant one occurrence of a reward by hand
/// (SPEC §11, "manual"): one waiting for them (`earned`), or one the
/// participant has not reached, which is earned and given at once. Without
/// `occurrence`, the earliest waiting one, else the next one. Once only: an
/// occurrence given, cancelled or held is a conflict, so a retry or a
/// concurrent call never gives it twice.
pub(crate) fn give_by_hand(
    tx: &impl LedgerTx,
    participant: &ParticipantId,
    reward_id: &str,
    occurrence: Option<i64>,
    note: Option<&str>,
    now: Millis,
) -> Result<ParticipantReward> {
    let (offer, reward) = offer_reward(tx, participant, reward_id)?;
    let settings = offer.live.as_ref().unwrap_or_else(|| offer.editable());
    let occurrence = match occurrence {
        Some(n) => n,
        None => {
            let mine = occurrences(tx, participant, reward_id)?;
            match mine.iter().find(|(_, s)| *s == RewardState::Earned) {
                Some((n, _)) => *n,
                None if reward.every.is_some() => {
                    mine.iter().map(|(n, _)| n + 1).max().unwrap_or(1)
                }
                None => 1,
            }
        }
    };
    check_occurrence(&reward, occurrence)?;
    match reward_state(tx, participant, reward_id, occurrence)? {
        Some(RewardState::Earned) => {}
        Some(state) => return Err(not_waiting(&reward, occurrence, state)),
        None => {
            // The goal's reward stands for v1's fulfilment, which needs the goal.
            let is_goal = reward::fulfillment_reward(settings).is_some_and(|g| g.id == reward.id);
            if is_goal && !tx.progress(participant)?.achieved {
                return Err(StoreError::conflict(
                    "goal_not_achieved",
                    format!(
                        "reward {} is the offer's goal, which the participant has not achieved",
                        reward.id
                    ),
                ));
            }
            let inserted = tx.exec(
                concat!(
                    "INSERT INTO participant_rewards (participant_id, reward_id, occurrence,
                         offer_id, state, earned_at)
                     VALUES (?1, ?2, ",
                    int!(3),
                    ", ?4, 'earned', ",
                    int!(5),
                    ") ON CONFLICT (participant_id, reward_id, occurrence) DO NOTHING"
                ),
                &[
                    participant.as_str(),
                    &reward.id,
                    &occurrence.to_string(),
                    offer.id.as_str(),
                    &now.to_string(),
                ],
            )?;
            if inserted == 1 {
                let mut details = json!({"reward_id": reward.id, "occurrence": occurrence,
                                         "state": "earned", "label": reward.label});
                By::Operator(note).describe(&mut details);
                tx.record(
                    ActivityType::RewardEarned,
                    who(&offer.id, participant),
                    details,
                    now,
                )?;
            }
        }
    }
    give(
        tx,
        &offer,
        settings,
        &reward,
        participant,
        occurrence,
        By::Operator(note),
        now,
    )?;
    one_reward(tx, participant, reward_id, occurrence)
}

/// An operator cancels an occurrence not given yet (held, or waiting for
/// them); without `occurrence`, the earliest such. Once only: one given or
/// cancelled already is a conflict (a given reward is taken back by
/// reversing the credit, which records the clawback).
pub(crate) fn cancel_by_hand(
    tx: &impl LedgerTx,
    participant: &ParticipantId,
    reward_id: &str,
    occurrence: Option<i64>,
    reason: Option<&str>,
    now: Millis,
) -> Result<ParticipantReward> {
    let (offer, reward) = offer_reward(tx, participant, reward_id)?;
    let occurrence = match occurrence {
        Some(n) => n,
        None => {
            let mine = occurrences(tx, participant, reward_id)?;
            match mine
                .iter()
                .find(|(_, s)| matches!(s, RewardState::Held | RewardState::Earned))
            {
                Some((n, _)) => *n,
                // Nothing waiting: say where the latest one stands.
                None => {
                    return Err(match mine.last() {
                        Some((n, state)) => not_waiting(&reward, *n, *state),
                        None => StoreError::conflict(
                            "reward_not_waiting",
                            format!("the participant has not earned reward {reward_id}"),
                        ),
                    })
                }
            }
        }
    };
    check_occurrence(&reward, occurrence)?;
    let cancelled = tx.exec(
        concat!(
            "UPDATE participant_rewards SET state = 'cancelled', cancelled_at = ",
            int!(4),
            " WHERE participant_id = ?1 AND reward_id = ?2 AND occurrence = ",
            int!(3),
            " AND state IN ('earned', 'held')"
        ),
        &[
            participant.as_str(),
            reward_id,
            &occurrence.to_string(),
            &now.to_string(),
        ],
    )?;
    if cancelled == 0 {
        return Err(match reward_state(tx, participant, reward_id, occurrence)? {
            Some(state) => not_waiting(&reward, occurrence, state),
            None => StoreError::conflict(
                "reward_not_waiting",
                format!("the participant has not earned reward {reward_id} (occurrence {occurrence})"),
            ),
        });
    }
    let mut details = json!({"reward_id": reward.id, "occurrence": occurrence,
                             "label": reward.label, "reason": reason.unwrap_or("operator")});
    By::Operator(None).describe(&mut details);
    tx.record(
        ActivityType::RewardCancelled,
        who(&offer.id, participant),
        details,
        now,
    )?;
    one_reward(tx, participant, reward_id, occurrence)
}

/// The participant's offer and the reward of it named `reward_id`; the
/// participant's row is locked on PostgreSQL, as a credit locks it.
fn offer_reward(
    tx: &impl LedgerTx,
    participant: &ParticipantId,
    reward_id: &str,
) -> Result<(std::sync::Arc<Offer>, Reward)> {
    let owner = tx.participant(participant)?;
    tx.progress(participant)?;
    let offer = tx.offer(&owner.offer_id)?;
    let settings = offer.live.as_ref().unwrap_or_else(|| offer.editable());
    let reward = settings
        .rewards
        .iter()
        .find(|r| r.id == reward_id)
        .cloned()
        .ok_or(StoreError::not_found("reward"))?;
    Ok((offer, reward))
}

/// An occurrence a reward can have: 1 for an `at` or friend reward, up to
/// `max_times` for an `every` reward.
fn check_occurrence(reward: &Reward, occurrence: i64) -> Result<()> {
    let most = match reward.every {
        Some(_) => reward.max_times.unwrap_or(1_000_000),
        None => 1,
    };
    if (1..=most).contains(&occurrence) {
        return Ok(());
    }
    Err(StoreError::BadInput {
        field: "occurrence",
        message: format!(
            "reward {} has occurrences 1 to {most}; {occurrence} is not one",
            reward.id
        ),
    })
}

fn not_waiting(reward: &Reward, occurrence: i64, state: RewardState) -> StoreError {
    let (code, what) = match state {
        RewardState::Given => ("reward_already_given", "was given already"),
        RewardState::Cancelled => ("reward_cancelled", "was cancelled"),
        RewardState::Held => ("reward_held", "is held until its hold ends"),
        RewardState::Earned => ("reward_not_waiting", "is waiting"),
    };
    StoreError::conflict(
        code,
        format!("reward {} (occurrence {occurrence}) {what}", reward.id),
    )
}

/// The occurrences of one reward a participant has, in order, with their state.
fn occurrences(
    tx: &impl LedgerTx,
    participant: &ParticipantId,
    reward_id: &str,
) -> Result<Vec<(i64, RewardState)>> {
    let rows = tx.rows(
        "SELECT occurrence, state FROM participant_rewards
         WHERE participant_id = ?1 AND reward_id = ?2 ORDER BY occurrence",
        &[participant.as_str(), reward_id],
    )?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let n = r.get("occurrence").and_then(Value::as_i64)?;
            let state = RewardState::parse(r.get("state").and_then(Value::as_str)?)?;
            Some((n, state))
        })
        .collect())
}

fn one_reward<S: Sql>(
    db: &S,
    participant: &ParticipantId,
    reward_id: &str,
    occurrence: i64,
) -> Result<ParticipantReward> {
    let rows = db.rows(
        concat!(
            "SELECT reward_id, occurrence, state, promo_code, friend_of, earned_at, release_at,
                    given_at, cancelled_at, clawback_at
             FROM participant_rewards WHERE participant_id = ?1 AND reward_id = ?2 AND occurrence = ",
            int!(3)
        ),
        &[participant.as_str(), reward_id, &occurrence.to_string()],
    )?;
    rows.first()
        .map(reward_row)
        .ok_or(StoreError::not_found("reward"))
}

fn reward_state(
    tx: &impl LedgerTx,
    participant: &ParticipantId,
    reward: &str,
    occurrence: i64,
) -> Result<Option<RewardState>> {
    Ok(tx
        .strings(
            concat!(
                "SELECT state FROM participant_rewards
                 WHERE participant_id = ?1 AND reward_id = ?2 AND occurrence = ",
                int!(3)
            ),
            &[participant.as_str(), reward, &occurrence.to_string()],
        )?
        .first()
        .and_then(|s| RewardState::parse(s)))
}

/// The next free code of a pool, marked as the participant's.
fn take_code<S: Sql>(
    db: &S,
    offer: &OfferId,
    pool: &str,
    participant: &ParticipantId,
    now: Millis,
) -> Result<Option<String>> {
    let pick = format!(
        "SELECT code FROM promo_codes WHERE offer_id = ?1 AND pool = ?2 AND participant_id IS NULL
         ORDER BY seq LIMIT 1{}",
        S::SKIP_LOCKED
    );
    // A code another transaction marked between the pick and the mark is
    // passed over; the pick is locked on PostgreSQL, so this is rare.
    for _ in 0..8 {
        let Some(code) = db.strings(&pick, &[offer.as_str(), pool])?.pop() else {
            return Ok(None);
        };
        let marked = db.exec(
            concat!(
                "UPDATE promo_codes SET participant_id = ?3, assigned_at = ",
                int!(4),
                " WHERE offer_id = ?1 AND code = ?2 AND participant_id IS NULL"
            ),
            &[
                offer.as_str(),
                &code,
                participant.as_str(),
                &now.to_string(),
            ],
        )?;
        if marked == 1 {
            return Ok(Some(code));
        }
    }
    Ok(None)
}

/// A participant's rewards, oldest first.
pub(crate) fn rewards_of<S: Sql>(
    db: &S,
    participant: &ParticipantId,
) -> Result<Vec<ParticipantReward>> {
    let rows = db.rows(
        "SELECT reward_id, occurrence, state, promo_code, friend_of, earned_at, release_at,
                given_at, cancelled_at, clawback_at
         FROM participant_rewards WHERE participant_id = ?1 ORDER BY earned_at, reward_id, occurrence",
        &[participant.as_str()],
    )?;
    Ok(rows.iter().map(reward_row).collect())
}

fn reward_row(row: &Map<String, Value>) -> ParticipantReward {
    let text = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
    let int = |k: &str| row.get(k).and_then(Value::as_i64);
    ParticipantReward {
        reward_id: text("reward_id").unwrap_or_default(),
        occurrence: int("occurrence").unwrap_or(1),
        state: text("state")
            .and_then(|s| RewardState::parse(&s))
            .unwrap_or(RewardState::Earned),
        promo_code: text("promo_code"),
        friend_of: text("friend_of").map(ParticipantId::from_trusted),
        earned_at: int("earned_at").unwrap_or_default(),
        release_at: int("release_at"),
        given_at: int("given_at"),
        cancelled_at: int("cancelled_at"),
        clawback_at: int("clawback_at"),
    }
}

/// Replaces a pool's unused codes with an upload, all or nothing. A code
/// already in the offer (given, or waiting in another pool) is refused by
/// line, since a code is never given twice.
pub(crate) fn put_codes<T: LedgerTx>(
    db: &T,
    offer: &OfferId,
    pool: &str,
    upload: &str,
    now: Millis,
) -> Result<PromoCounts> {
    let taken: std::collections::HashSet<String> = db
        .strings(
            "SELECT code FROM promo_codes WHERE offer_id = ?1
               AND (participant_id IS NOT NULL OR pool <> ?2)",
            &[offer.as_str(), pool],
        )?
        .into_iter()
        .collect();
    let codes = parrain_core::promo::parse_upload(upload, |code| taken.contains(code))
        .map_err(StoreError::PromoLines)?;
    db.exec(
        "DELETE FROM promo_codes WHERE offer_id = ?1 AND pool = ?2 AND participant_id IS NULL",
        &[offer.as_str(), pool],
    )?;
    let start: i64 = db
        .strings(
            "SELECT CAST(COALESCE(MAX(seq), 0) AS TEXT) FROM promo_codes WHERE offer_id = ?1",
            &[offer.as_str()],
        )?
        .first()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    // Many rows per statement: an upload of a hundred thousand codes is
    // two hundred statements, not a hundred thousand.
    for (batch, chunk) in codes.chunks(500).enumerate() {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let seq = start + (batch * 500 + i) as i64 + 1;
                format!("(?1, ?2, ?{}, {seq})", i + 3)
            })
            .collect();
        let sql = format!(
            "INSERT INTO promo_codes (offer_id, pool, code, seq) VALUES {}",
            values.join(", ")
        );
        let mut params: Vec<&str> = vec![offer.as_str(), pool];
        params.extend(chunk.iter().map(String::as_str));
        db.exec(&sql, &params)?;
    }
    super::low_stock::check(db, offer, pool, now)?;
    Ok(pool_counts(db, offer)?
        .into_iter()
        .find(|c| c.pool == pool)
        .unwrap_or_else(|| PromoCounts::empty(pool)))
}

/// Every pool of the offer with its counts and low-stock threshold, by
/// name: those with codes, and those with only a threshold so far.
pub(crate) fn pool_counts<S: Sql>(db: &S, offer: &OfferId) -> Result<Vec<PromoCounts>> {
    let rows = db.rows(
        "SELECT pool, COUNT(*) AS total, COUNT(participant_id) AS assigned
         FROM promo_codes WHERE offer_id = ?1 GROUP BY pool ORDER BY pool",
        &[offer.as_str()],
    )?;
    let mut pools: Vec<PromoCounts> = rows
        .iter()
        .map(|r| {
            let total = r.get("total").and_then(Value::as_i64).unwrap_or(0);
            let assigned = r.get("assigned").and_then(Value::as_i64).unwrap_or(0);
            PromoCounts {
                pool: r
                    .get("pool")
                    .and_then(Value::as_str)
                    .unwrap_or(reward::DEFAULT_POOL)
                    .to_owned(),
                total,
                assigned,
                available: total - assigned,
                low_stock: None,
            }
        })
        .collect();
    for (pool, low) in super::low_stock::thresholds(db, offer)? {
        match pools.iter_mut().find(|c| c.pool == pool) {
            Some(c) => c.low_stock = Some(low),
            None => pools.push(PromoCounts {
                low_stock: Some(low),
                ..PromoCounts::empty(&pool)
            }),
        }
    }
    pools.sort_by(|a, b| a.pool.cmp(&b.pool));
    Ok(pools)
}

/// Approval's check that every pool a reward draws from has had an upload.
pub(crate) fn pool_problems(
    pools: &[PromoCounts],
    offer: &OfferId,
    settings: &OfferSettings,
) -> Vec<parrain_core::offer::Problem> {
    let mut out = Vec::new();
    for (i, r) in settings.rewards.iter().enumerate() {
        let Some(pool) = r.pool() else { continue };
        if !pools.iter().any(|c| c.pool == pool && c.total > 0) {
            out.push(parrain_core::offer::Problem {
                field: format!("rewards[{i}].promo_codes"),
                code: "pool_empty".into(),
                message: format!(
                    "reward {} draws from pool {pool}, which has no upload: PUT /v1/offers/{}/promo-codes?pool={pool}",
                    r.id, offer.as_str()
                ),
                approval_only: true,
            });
        }
    }
    out
}

/// Ends the holds that are over by `now`, at most `limit` of them: each is
/// given (or, for manual delivery, waits for an operator as `earned`). The
/// row's `release_at` is the timer, so a hold that ended while parrain was
/// stopped is released at the next start, by whichever node gets to it;
/// on PostgreSQL each node passes over the rows another is releasing.
pub(crate) fn release_due<T: LedgerTx>(tx: &T, now: Millis, limit: u32) -> Result<u64> {
    let due = tx.rows(
        &format!(
            "SELECT participant_id, reward_id, occurrence, offer_id FROM participant_rewards
             WHERE state = 'held' AND release_at <= {} ORDER BY release_at LIMIT {}{}",
            int!(1),
            limit,
            T::SKIP_LOCKED
        ),
        &[&now.to_string()],
    )?;
    let mut released = 0;
    for row in &due {
        let text = |k: &str| {
            row.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let participant = ParticipantId::from_trusted(text("participant_id"));
        let reward_id = text("reward_id");
        let occurrence = row.get("occurrence").and_then(Value::as_i64).unwrap_or(1);
        let offer = tx.offer(&OfferId::from_trusted(text("offer_id")))?;
        let settings = offer.live.as_ref().unwrap_or_else(|| offer.editable());
        match settings.rewards.iter().find(|r| r.id == reward_id) {
            Some(reward) if reward.delivery == reward::RewardDelivery::Auto => {
                give(
                    tx,
                    &offer,
                    settings,
                    reward,
                    &participant,
                    occurrence,
                    By::HoldEnd,
                    now,
                )?;
            }
            found => {
                // Manual delivery waits for an operator; a reward taken out
                // of the offer while held waits too, rather than vanish.
                tx.exec(
                    concat!(
                        "UPDATE participant_rewards SET state = 'earned'
                         WHERE participant_id = ?1 AND reward_id = ?2 AND occurrence = ",
                        int!(3),
                        " AND state = 'held'"
                    ),
                    &[participant.as_str(), &reward_id, &occurrence.to_string()],
                )?;
                if found.is_none() {
                    tracing::warn!(reward = %reward_id, "a held reward is no longer in its offer");
                }
            }
        }
        released += 1;
    }
    Ok(released)
}

/// Takes back the credit(s) a friend earned a participant (a refund), once:
/// each reversed credit keeps its row, marked, so it is never reversed or
/// earned again. Credit never goes below zero; the referrer rewards whose
/// milestone is gone, and the friend's own rewards on that credit, are
/// cancelled if not given yet and clawed back if given.
pub(crate) fn reverse(
    tx: &impl LedgerTx,
    participant: &ParticipantId,
    friend: &crate::FriendRef,
    reason: Option<&str>,
    now: Millis,
) -> Result<Reversal> {
    let owner = tx.participant(participant)?;
    let friend = &super::tracking::resolve(tx, friend)?.ok_or(StoreError::not_found("friend"))?;
    let offer = tx.offer(&owner.offer_id)?;
    let settings = offer.live.as_ref().unwrap_or_else(|| offer.editable());
    // Locks the participant's row on PostgreSQL, as a credit does.
    let before = tx.progress(participant)?.credit;
    let counted = "reversed_at IS NULL AND (review IS NULL OR review = 'approved')";
    let reversed = match (&friend.person, friend.visitors.first()) {
        (Some(person), _) => tx.exec(
            &format!(
                "UPDATE credits SET reversed_at = {} WHERE participant_id = ?1
                   AND friend_person = ?2 AND {counted}",
                int!(3)
            ),
            &[participant.as_str(), person.as_str(), &now.to_string()],
        )?,
        (None, Some(visitor)) => tx.exec(
            &format!(
                "UPDATE credits SET reversed_at = {} WHERE participant_id = ?1
                   AND friend_person IS NULL AND friend_visitor = ?2 AND {counted}",
                int!(3)
            ),
            &[participant.as_str(), visitor.as_str(), &now.to_string()],
        )?,
        (None, None) => 0,
    } as i64;
    if reversed == 0 {
        return Ok(Reversal {
            reversed: 0,
            credit: before,
        });
    }
    let after = reward::after_reversal(before, reversed);
    tx.set_credit(participant, after, None)?;
    tx.record(
        ActivityType::CreditReversed,
        Who {
            offer: Some(&offer.id),
            participant: Some(participant),
            person: friend.person.as_ref(),
            visitor: friend.visitors.first(),
        },
        json!({"reversed": reversed, "credit": after, "reason": reason}),
        now,
    )?;
    for (reward, occurrence) in reward::lost(&settings.rewards, before, after) {
        take_back(tx, &offer.id, reward, participant, occurrence, now)?;
    }
    if let Some(person) = &friend.person {
        if let Some(friend_participant) = tx.participant_of(&offer.id, person)? {
            let on_credit = settings.rewards.iter().filter(|r| {
                r.for_ == RewardFor::Friend && r.on.unwrap_or_default() == FriendOn::Credit
            });
            for reward in on_credit {
                take_back(tx, &offer.id, reward, &friend_participant, 1, now)?;
            }
        }
    }
    Ok(Reversal {
        reversed,
        credit: after,
    })
}

/// Cancels an occurrence not given yet, or records the clawback of one
/// given; each happens once, and an occurrence never earned is left alone.
fn take_back(
    tx: &impl LedgerTx,
    offer: &OfferId,
    reward: &Reward,
    participant: &ParticipantId,
    occurrence: i64,
    now: Millis,
) -> Result<()> {
    let key = [
        participant.as_str(),
        reward.id.as_str(),
        &occurrence.to_string(),
        &now.to_string(),
    ];
    let cancelled = tx.exec(
        concat!(
            "UPDATE participant_rewards SET state = 'cancelled', cancelled_at = ",
            int!(4),
            " WHERE participant_id = ?1 AND reward_id = ?2 AND occurrence = ",
            int!(3),
            " AND state IN ('earned', 'held')"
        ),
        &key,
    )?;
    let details = json!({"reward_id": reward.id, "occurrence": occurrence,
                         "label": reward.label, "reason": "credit_reversed"});
    if cancelled == 1 {
        return tx.record(
            ActivityType::RewardCancelled,
            who(offer, participant),
            details,
            now,
        );
    }
    let clawed = tx.exec(
        concat!(
            "UPDATE participant_rewards SET clawback_at = ",
            int!(4),
            " WHERE participant_id = ?1 AND reward_id = ?2 AND occurrence = ",
            int!(3),
            " AND state = 'given' AND clawback_at IS NULL"
        ),
        &key,
    )?;
    if clawed == 1 {
        let code = tx
            .strings(
                concat!(
                    "SELECT promo_code FROM participant_rewards
                     WHERE participant_id = ?1 AND reward_id = ?2 AND occurrence = ",
                    int!(3),
                    " AND promo_code IS NOT NULL"
                ),
                &key[..3],
            )?
            .pop();
        let mut details = details;
        details["promo_code"] = json!(code);
        tx.record(
            ActivityType::RewardClawback,
            who(offer, participant),
            details,
            now,
        )?;
    }
    Ok(())
}

/// The offer's referrers with the most credit, most first (the earlier
/// sign-up first on a tie); those without credit are left out.
pub(crate) fn leaders<S: Sql>(db: &S, offer: &OfferId, size: i64) -> Result<Vec<Leader>> {
    let rows = db.rows(
        &format!(
            "SELECT p.id, pe.first_name, pe.last_name, p.credit
             FROM participants p JOIN people pe ON pe.id = p.person_id
             WHERE p.offer_id = ?1 AND p.credit > 0
             ORDER BY p.credit DESC, p.created_at, p.id LIMIT {}",
            size.clamp(1, 100)
        ),
        &[offer.as_str()],
    )?;
    Ok(rows
        .iter()
        .map(|r| Leader {
            participant_id: ParticipantId::from_trusted(
                r.get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            ),
            first_name: r
                .get("first_name")
                .and_then(Value::as_str)
                .map(str::to_owned),
            last_name: r
                .get("last_name")
                .and_then(Value::as_str)
                .map(str::to_owned),
            credit: r.get("credit").and_then(Value::as_i64).unwrap_or(0),
        })
        .collect())
}
