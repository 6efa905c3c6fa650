//! Rewards as an operator or a worker asks for them: each a flow of
//! `flows::rewards` in one write, written once over the shared SQL layer
//! (`crate::sql`).

use async_trait::async_trait;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::Millis;

use crate::flows::rewards;
use crate::sql::{audited, Db, Engine};
use crate::{Audit, FriendRef, Leader, ParticipantReward, Result, Reversal, Rewards};

#[async_trait]
impl<E: Engine> Rewards for E {
    async fn release_held(&self, now: Millis, limit: u32) -> Result<u64> {
        self.write_flow_db(move |tx| rewards::release_due(tx, now, limit))
            .await
    }

    async fn holds_due(&self, now: Millis) -> Result<i64> {
        self.read_db(move |db| {
            let due = db.query(
                "SELECT COUNT(*) FROM participant_rewards
                 WHERE state = 'held' AND release_at <= ?1",
                &[now.into()],
            )?;
            due.first().map_or(Ok(0), |r| r.int(0))
        })
        .await
    }

    async fn reverse_credit(
        &self,
        participant: &ParticipantId,
        friend: FriendRef,
        reason: Option<String>,
        now: Millis,
    ) -> Result<Reversal> {
        let participant = participant.clone();
        self.write_flow_db(move |tx| {
            rewards::reverse(tx, &participant, &friend, reason.as_deref(), now)
        })
        .await
    }

    async fn give_reward(
        &self,
        participant: &ParticipantId,
        reward_id: String,
        occurrence: Option<i64>,
        note: Option<String>,
        now: Millis,
        audit: Audit<ParticipantReward>,
    ) -> Result<ParticipantReward> {
        let participant = participant.clone();
        self.write_flow_db(audited::<E, _, _>(audit, move |tx| {
            rewards::give_by_hand(
                tx,
                &participant,
                &reward_id,
                occurrence,
                note.as_deref(),
                now,
            )
        }))
        .await
    }

    async fn cancel_reward(
        &self,
        participant: &ParticipantId,
        reward_id: String,
        occurrence: Option<i64>,
        reason: Option<String>,
        now: Millis,
        audit: Audit<ParticipantReward>,
    ) -> Result<ParticipantReward> {
        let participant = participant.clone();
        self.write_flow_db(audited::<E, _, _>(audit, move |tx| {
            rewards::cancel_by_hand(
                tx,
                &participant,
                &reward_id,
                occurrence,
                reason.as_deref(),
                now,
            )
        }))
        .await
    }

    async fn leaderboard(&self, offer: &OfferId, size: i64) -> Result<Vec<Leader>> {
        let offer = offer.clone();
        self.read_db(move |db| rewards::leaders(db, &offer, size))
            .await
    }
}
