//! The participant's page on an offer with `rewards` (SPEC §11, §12):
//! progress toward the next referrer milestone, each milestone with its
//! state and promo codes, and the reward the participant got as a friend.
//! The same reading as the widget's, drawn on the server.

use std::collections::BTreeMap;

use parrain_core::offer::OfferSettings;
use parrain_core::reward::{next_milestone, RewardFor, RewardState};
use parrain_store::ParticipantReward;

use super::{esc, fill};

fn state_text(s: &BTreeMap<&str, String>, r: Option<&ParticipantReward>) -> String {
    let Some(r) = r else {
        return esc(&s["reward_to_come"]);
    };
    let key = format!("reward_{}", r.state.as_str());
    let date = r
        .release_at
        .map(|at| crate::views::ts(at)[..10].to_owned())
        .unwrap_or_default();
    esc(&fill(&s[key.as_str()], &[("date", &date)]))
}

fn codes(rewards: &[&ParticipantReward]) -> String {
    rewards
        .iter()
        .filter_map(|r| r.promo_code.as_deref())
        .map(|c| format!(" · <code data-part=reward-code>{}</code>", esc(c)))
        .collect()
}

/// The rewards box, in place of v1's single progress bar.
pub(super) fn rewards_box(
    s: &BTreeMap<&str, String>,
    settings: &OfferSettings,
    credit: i64,
    mine: &[ParticipantReward],
) -> String {
    let label = |id: &str| {
        let r = settings.rewards.iter().find(|r| r.id == id);
        esc(r.and_then(|r| r.label.as_deref()).unwrap_or(id))
    };
    let mut out = String::from("<div class=box data-part=rewards>");
    for r in mine.iter().filter(|r| r.friend_of.is_some()) {
        let state = if r.state == RewardState::Given {
            String::new()
        } else {
            format!(" ({})", state_text(s, Some(r)))
        };
        out += &format!(
            "<p data-part=friend-reward data-state={}><strong>{}: {}</strong>{state}{}</p>",
            r.state.as_str(),
            esc(&s["friend_reward"]),
            label(&r.reward_id),
            codes(&[r])
        );
    }
    let next = next_milestone(&settings.rewards, credit);
    let goal = next.map_or(credit, |(_, at)| at);
    let line = match next {
        Some((r, at)) => fill(
            &s["reward_next"],
            &[
                ("count", &(at - credit).to_string()),
                ("label", r.label.as_deref().unwrap_or(&r.id)),
            ],
        ),
        None => s["reward_all_reached"].clone(),
    };
    let width = if goal > 0 {
        (credit.clamp(0, goal) * 100) / goal
    } else {
        100
    };
    out += &format!(
        "<p data-part=progress><strong>{}</strong> — {}</p>\
         <div class=bar role=progressbar aria-label=\"{}\" aria-valuemin=0 aria-valuemax={goal} aria-valuenow={credit}>\
         <i style=\"width:{width}%\"></i></div><h2>{}</h2><ul>",
        esc(&fill(
            &s["credits"],
            &[("credit", &credit.to_string()), ("goal", &goal.to_string())]
        )),
        esc(&line),
        esc(&s["credits_label"]),
        esc(&s["rewards"]),
    );
    for r in settings
        .rewards
        .iter()
        .filter(|r| r.for_ == RewardFor::Referrer)
    {
        let got: Vec<&ParticipantReward> = mine
            .iter()
            .filter(|m| m.friend_of.is_none() && m.reward_id == r.id)
            .collect();
        let last = got.last().copied();
        let (key, count) = match (r.at, r.every) {
            (Some(at), _) => ("reward_at", at),
            (None, every) => ("reward_every", every.unwrap_or_default()),
        };
        let times = if got.len() > 1 {
            format!(" ×{}", got.len())
        } else {
            String::new()
        };
        out += &format!(
            "<li data-part=reward data-reward=\"{}\" data-state={}><strong>{}</strong> ({}): {}{times}{}</li>",
            esc(&r.id),
            last.map_or("to_come", |l| l.state.as_str()),
            label(&r.id),
            esc(&fill(&s[key], &[("count", &count.to_string())])),
            state_text(s, last),
            codes(&got),
        );
    }
    out + "</ul></div>"
}
