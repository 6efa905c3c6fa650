//! The write flows — sign-up, clicks, visits, events, credit, fulfilment —
//! written once for every backend.
//!
//! A flow runs inside one transaction of its backend and reaches the database
//! only through [`LedgerTx`], a set of small primitives written once over the
//! shared SQL layer (`ledger.rs`), each engine adding only what it does
//! differently. The rules themselves come from `parrain-core`.

mod claim;
mod credit;
mod invitations;
pub(crate) mod ledger;
pub(crate) mod low_stock;
pub(crate) mod pending;
mod review;
pub(crate) mod rewards;
mod sign_up;
mod tracking;

use parrain_core::credit::Friend;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use serde_json::Value;

use crate::Result;

pub(crate) use claim::claim;
pub(crate) use invitations::{invite, preview};
pub(crate) use ledger::{fan_out, stmt, Endpoint, LedgerTx};
pub(crate) use pending::request as pending_code;
pub(crate) use review::{decide as decide_review, ReferrerSignals, ReviewTx, HOUR};
pub(crate) use sign_up::{confirm_friend, fulfil_by_hand, fulfil_many, sign_up};
pub(crate) use tracking::{
    click, follow, give_credit, identify, ingest, record_click, share, track_event, visit, Seen,
};

/// Who took part in an activity.
#[derive(Default)]
pub(crate) struct Who<'a> {
    pub offer: Option<&'a OfferId>,
    pub participant: Option<&'a ParticipantId>,
    pub person: Option<&'a PersonId>,
    pub visitor: Option<&'a VisitorId>,
}

/// A participant about to be inserted.
pub(crate) struct NewParticipant<'a> {
    pub id: &'a ParticipantId,
    pub offer: &'a OfferId,
    pub person: &'a PersonId,
    pub code: String,
    pub visitor: Option<&'a VisitorId>,
    pub fields: &'a Value,
    pub marketing_consent: Option<bool>,
    /// The participant that referred it, and how.
    pub referred_by: Option<&'a parrain_core::attribution::Found<ParticipantId>>,
    /// The client address it signed up from (only one that identifies a client).
    pub ip: Option<String>,
    pub now: Millis,
}

/// The address as stored, when it is one the fraud rules can use: its
/// canonical text, or `None` for a proxy's or a test's address.
pub(crate) fn client_ip(ip: Option<std::net::IpAddr>) -> Option<String> {
    ip.filter(parrain_core::fraud::identifies_a_client)
        .map(|ip| ip.to_canonical().to_string())
}

/// A friend as the ledger sees it: a person if known, and their browsers.
pub(crate) struct FriendIds {
    pub person: Option<PersonId>,
    pub visitors: Vec<VisitorId>,
    /// The browser the request came from, if it came from one: its share
    /// link finds a referrer by `link`, the person's other browsers by `email`.
    pub at_hand: Option<VisitorId>,
    /// The person was created by this transaction: nothing is recorded
    /// under them yet, so nothing is looked up under them.
    pub new_person: bool,
}

impl FriendIds {
    /// A browser, with its person (if any) and all that person's browsers.
    pub(crate) fn of_visitor(tx: &impl LedgerTx, visitor: &VisitorId) -> Result<Self> {
        match tx.visitor_person(visitor)?.flatten() {
            Some(person) => Self::of_person(tx, person, Some(visitor)),
            None => Ok(Self {
                person: None,
                visitors: vec![visitor.clone()],
                at_hand: Some(visitor.clone()),
                new_person: false,
            }),
        }
    }

    pub(crate) fn of_person(
        tx: &impl LedgerTx,
        person: PersonId,
        also: Option<&VisitorId>,
    ) -> Result<Self> {
        let mut visitors = tx.person_visitors(&person)?;
        if let Some(v) = also.filter(|v| !visitors.contains(v)) {
            visitors.push(v.clone());
        }
        Ok(Self {
            person: Some(person),
            visitors,
            at_hand: also.cloned(),
            new_person: false,
        })
    }

    /// A person this transaction has just created: their only browser can
    /// be the one at hand, so their browsers are not read.
    pub(crate) fn of_new_person(person: PersonId, also: Option<&VisitorId>) -> Self {
        Self {
            person: Some(person),
            visitors: also.into_iter().cloned().collect(),
            at_hand: also.cloned(),
            new_person: true,
        }
    }

    /// The keys the friend's recorded referrer may be under, the person
    /// first (unless just created).
    pub(crate) fn keys(&self) -> Vec<&str> {
        self.person
            .iter()
            .filter(|_| !self.new_person)
            .map(PersonId::as_str)
            .chain(self.visitors.iter().map(VisitorId::as_str))
            .collect()
    }

    /// The key a new record goes under: the person, else the browser at hand.
    pub(crate) fn key(&self) -> Option<&str> {
        match &self.person {
            Some(p) => Some(p.as_str()),
            None => self
                .at_hand
                .as_ref()
                .or(self.visitors.first())
                .map(VisitorId::as_str),
        }
    }

    fn as_friend(&self) -> Friend {
        match (&self.person, self.visitors.first()) {
            (Some(p), _) => Friend::Person(p.to_string()),
            (None, Some(v)) => Friend::Visitor(v.to_string()),
            (None, None) => Friend::Visitor(String::new()),
        }
    }
}

/// The person with this email, created if new; names fill in blanks only.
pub(crate) fn person_for_email(
    tx: &impl LedgerTx,
    email: &Email,
    first: Option<&str>,
    last: Option<&str>,
    now: Millis,
) -> Result<PersonId> {
    if let Some(id) = tx.person_by_email(email)? {
        tx.fill_person_names(&id, first, last)?;
        return Ok(id);
    }
    let id = PersonId::generate();
    tx.insert_person(&id, email, first, last, now)?;
    Ok(id)
}
