//! Offers as PostgreSQL reads them for its own modules: with the sign-ups
//! not folded yet in their participant count (the `Offers` operations are
//! written once, in `crate::offers`).

/// The participant count of the offers row `o`: the folded total and the
/// sign-ups not folded yet (see `fold`).
pub(crate) const PARTICIPANTS: &str = "o.participants
    + (SELECT COUNT(*) FROM participant_deltas d WHERE d.offer_id = o.id)";
