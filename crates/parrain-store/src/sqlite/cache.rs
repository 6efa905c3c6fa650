//! What every click reads, kept by the writer between writes.
//!
//! A share link's click reads the share code's participant and offer and the
//! offer's live settings; a server event reads the list of smart-list offers.
//! Parsing the settings' JSON and looking the code up again on every click
//! was most of a click's work in the single writer, so the writer thread keeps
//! what it read here, in thread-locals (only the writer thread writes, and
//! every change to an offer is one of its writes).
//!
//! - Share codes never change owner and participants are never deleted, so
//!   code → (participant, offer) stays true once read. Unknown codes are not
//!   kept: a later sign-up may take the code.
//! - Offers are forgotten by every write that changes one (create, edit,
//!   approve, unapprove, archive, delete: [`forget_offers`]), and the next
//!   read loads them again inside that write's own transaction.
//! - The enabled webhook endpoints, which every recorded activity is matched
//!   against: forgotten by every write to the `webhooks` table (create,
//!   edit, delete, rotate, an endpoint disabled by a 410: [`forget_webhooks`]).
//! - The browser a write has just seen (`see_visitor`) and its person, for
//!   the rest of that write only: a click asks for it three times.
//! - A write rolled back, or a batch that failed to commit, may have left
//!   something here that the database no longer has: the writer then
//!   forgets everything ([`forget_all`]).
//!
//! The click log's thread (`clicks.rs`) follows share links with a cache of
//! its own, on its own read connection: every change to an offer moves
//! [`OFFERS_EPOCH`] on, once when the write makes it and again once its
//! batch has committed ([`published`]), and that thread forgets its offers
//! whenever the epoch has moved ([`catch_up`]). A click answered after an
//! offer's change was acknowledged goes where the changed offer says.
//!
//! Offers changed in the same file by another process would go unseen until
//! a restart; no parrain command does that beside a serving process (the
//! others change keys or operators, or replace or copy a whole file;
//! `parrain import` adds participants and changes only an offer's count of
//! them, which no click reads).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};

use crate::Offer;

/// Share codes kept at most; past that the list starts over.
const MAX_CODES: usize = 16_384;
/// Offers kept at most; past that the list starts over.
const MAX_OFFERS: usize = 1_024;

pub(crate) use crate::flows::Endpoint;

#[derive(Default)]
struct Kept {
    codes: HashMap<String, (ParticipantId, OfferId)>,
    offers: HashMap<OfferId, Arc<Offer>>,
    smart_list: Option<Arc<Vec<OfferId>>>,
    webhooks: Option<Arc<Vec<Endpoint>>>,
    /// The browser the current write saw last, and its person.
    visitor: Option<(VisitorId, Option<PersonId>)>,
}

thread_local! {
    static KEPT: RefCell<Kept> = RefCell::new(Kept::default());
    /// This thread changed an offer in a batch not yet committed.
    static CHANGED: Cell<bool> = const { Cell::new(false) };
    /// The epoch this thread's offers were read in.
    static SEEN: Cell<u64> = const { Cell::new(0) };
}

/// Moves on whenever an offer may have changed (in any store of the
/// process: a store that did not change reads its offers again, no more).
static OFFERS_EPOCH: AtomicU64 = AtomicU64::new(0);

pub(crate) fn code(code: &str) -> Option<(ParticipantId, OfferId)> {
    KEPT.with(|k| k.borrow().codes.get(code).cloned())
}

pub(crate) fn keep_code(code: &str, owner: &(ParticipantId, OfferId)) {
    KEPT.with(|k| {
        let codes = &mut k.borrow_mut().codes;
        if codes.len() >= MAX_CODES {
            codes.clear();
        }
        codes.insert(code.to_owned(), owner.clone());
    });
}

pub(crate) fn offer(id: &OfferId) -> Option<Arc<Offer>> {
    KEPT.with(|k| k.borrow().offers.get(id).cloned())
}

pub(crate) fn keep_offer(offer: &Arc<Offer>) {
    KEPT.with(|k| {
        let offers = &mut k.borrow_mut().offers;
        if offers.len() >= MAX_OFFERS {
            offers.clear();
        }
        offers.insert(offer.id.clone(), offer.clone());
    });
}

pub(crate) fn smart_list() -> Option<Arc<Vec<OfferId>>> {
    KEPT.with(|k| k.borrow().smart_list.clone())
}

pub(crate) fn keep_smart_list(ids: &Arc<Vec<OfferId>>) {
    KEPT.with(|k| k.borrow_mut().smart_list = Some(ids.clone()));
}

pub(crate) fn webhooks() -> Option<Arc<Vec<Endpoint>>> {
    KEPT.with(|k| k.borrow().webhooks.clone())
}

pub(crate) fn keep_webhooks(endpoints: &Arc<Vec<Endpoint>>) {
    KEPT.with(|k| k.borrow_mut().webhooks = Some(endpoints.clone()));
}

/// A webhook endpoint changed: the enabled ones are read again.
pub(crate) fn forget_webhooks() {
    KEPT.with(|k| k.borrow_mut().webhooks = None);
}

/// The current write has just recorded this browser, with this person.
pub(crate) fn saw_visitor(visitor: &VisitorId, person: Option<PersonId>) {
    KEPT.with(|k| k.borrow_mut().visitor = Some((visitor.clone(), person)));
}

/// The person of the browser the current write has just recorded, if it is
/// this one: `Some(None)` for an anonymous browser.
pub(crate) fn visitor_person(visitor: &VisitorId) -> Option<Option<PersonId>> {
    KEPT.with(|k| match &k.borrow().visitor {
        Some((seen, person)) if seen == visitor => Some(person.clone()),
        _ => None,
    })
}

/// A write is over: what it saw of browsers is not kept past it.
pub(crate) fn end_write() {
    KEPT.with(|k| k.borrow_mut().visitor = None);
}

/// An offer changed (or may have): its settings, status and the smart-list
/// offers are read again, here and by the click log's thread.
pub(crate) fn forget_offers() {
    drop_offers();
    CHANGED.set(true);
    OFFERS_EPOCH.fetch_add(1, Ordering::AcqRel);
}

fn drop_offers() {
    KEPT.with(|k| {
        let mut kept = k.borrow_mut();
        kept.offers.clear();
        kept.smart_list = None;
    });
}

/// The writer's batch is over (committed or not): an offer it changed is
/// now what every other connection reads, and their threads read it again.
pub(crate) fn published() {
    if CHANGED.replace(false) {
        OFFERS_EPOCH.fetch_add(1, Ordering::AcqRel);
    }
}

/// On a thread that only reads (the click log's): forgets the offers kept
/// if any offer changed since they were read.
pub(crate) fn catch_up() {
    let now = OFFERS_EPOCH.load(Ordering::Acquire);
    if SEEN.replace(now) != now {
        drop_offers();
    }
}

/// A write or a batch rolled back: nothing kept is trusted any more.
pub(crate) fn forget_all() {
    KEPT.with(|k| *k.borrow_mut() = Kept::default());
}
