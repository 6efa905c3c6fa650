//! An offer's lifecycle: which steps its status allows.
//!
//! Draft → approved ⇄ unapproved, any of them → archived. An archived offer
//! is read-only (its settings, its promo codes, a new approval); only an
//! approved offer can be unapproved (unapproving it twice changes nothing);
//! an offer anyone joined is never deleted, only archived, so every credit
//! and report keeps its offer.

use crate::offer::OfferStatus;

/// A step the lifecycle refuses, with the code and words the API answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The offer is archived.
    Archived,
    /// Only an approved offer can be unapproved; this one is in this status.
    NotApproved(OfferStatus),
    /// The offer has this many participants.
    HasParticipants(i64),
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::Archived => "offer_archived",
            Self::NotApproved(_) => "not_approved",
            Self::HasParticipants(_) => "offer_has_participants",
        }
    }

    pub fn message(self) -> String {
        match self {
            Self::Archived => "the offer is archived and read-only".into(),
            Self::NotApproved(status) => format!(
                "only an approved offer can be unapproved; this one is {}",
                status.as_str()
            ),
            Self::HasParticipants(n) => format!(
                "the offer has {n} participant(s) and cannot be deleted; archive it instead"
            ),
        }
    }
}

/// Whether the offer may change (its settings, pools, an approval).
pub fn editable(status: OfferStatus) -> Result<(), Refusal> {
    match status {
        OfferStatus::Archived => Err(Refusal::Archived),
        _ => Ok(()),
    }
}

/// The status unapproving leads to; `None` when it is unapproved already.
pub fn unapprove(status: OfferStatus) -> Result<Option<OfferStatus>, Refusal> {
    match status {
        OfferStatus::Approved => Ok(Some(OfferStatus::Unapproved)),
        OfferStatus::Unapproved => Ok(None),
        other => Err(Refusal::NotApproved(other)),
    }
}

/// The status archiving leads to; `None` when it is archived already.
pub fn archive(status: OfferStatus) -> Option<OfferStatus> {
    (status != OfferStatus::Archived).then_some(OfferStatus::Archived)
}

/// Whether an offer with `participants` may be deleted.
pub fn deletable(participants: i64) -> Result<(), Refusal> {
    match participants {
        0 => Ok(()),
        n => Err(Refusal::HasParticipants(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [OfferStatus; 4] = [
        OfferStatus::Draft,
        OfferStatus::Approved,
        OfferStatus::Unapproved,
        OfferStatus::Archived,
    ];

    #[test]
    fn only_an_archived_offer_is_read_only() {
        for status in ALL {
            assert_eq!(editable(status).is_err(), status == OfferStatus::Archived);
        }
    }

    #[test]
    fn unapproving_leads_to_unapproved_or_is_refused() {
        for status in ALL {
            match unapprove(status) {
                Ok(next) => {
                    let after = next.unwrap_or(status);
                    assert_eq!(after, OfferStatus::Unapproved);
                    assert_eq!(unapprove(after), Ok(None));
                }
                Err(refusal) => {
                    assert!(matches!(status, OfferStatus::Draft | OfferStatus::Archived));
                    assert_eq!(refusal.code(), "not_approved");
                    assert!(refusal.message().ends_with(status.as_str()));
                }
            }
        }
    }

    #[test]
    fn archiving_reaches_archived_once_from_anywhere() {
        for status in ALL {
            let after = archive(status).unwrap_or(status);
            assert_eq!(after, OfferStatus::Archived);
            assert_eq!(archive(after), None);
        }
    }

    #[test]
    fn an_offer_anyone_joined_is_kept() {
        assert_eq!(deletable(0), Ok(()));
        for n in [1, 2, 1_000_000] {
            assert_eq!(deletable(n).unwrap_err().code(), "offer_has_participants");
        }
    }
}
