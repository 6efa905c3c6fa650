//! The leaderboard on the participant's page (SPEC §11, §12), when the
//! offer turns it on: the same rows as `GET /v1/offers/{id}/leaderboard`
//! (rank, display name, credit; never an email), the participant's own row
//! marked as the current one.

use std::collections::BTreeMap;

use parrain_core::ids::ParticipantId;
use parrain_core::reward::display_name;
use parrain_store::Leader;

use super::esc;

/// The leaderboard box: an ordered list, the participant's row marked.
pub(super) fn leaderboard_box(
    s: &BTreeMap<&str, String>,
    leaders: &[Leader],
    me: &ParticipantId,
) -> String {
    let mut out = format!(
        "<section class=box data-part=leaderboard aria-labelledby=lb-title>\
         <h2 id=lb-title>{}</h2>",
        esc(&s["leaderboard"])
    );
    if leaders.is_empty() {
        out += &format!("<p class=m>{}</p>", esc(&s["leaderboard_empty"]));
        return out + "</section>";
    }
    out += "<ol class=lb>";
    for (i, l) in leaders.iter().enumerate() {
        let rank = i + 1;
        let name = display_name(l.first_name.as_deref(), l.last_name.as_deref(), rank);
        let mine = if &l.participant_id == me {
            " class=me aria-current=true data-me"
        } else {
            ""
        };
        out += &format!(
            "<li{mine} data-part=leader data-rank={rank}><span>{rank}. {}</span><b>{}</b></li>",
            esc(&name),
            l.credit
        );
    }
    out + "</ol></section>"
}
