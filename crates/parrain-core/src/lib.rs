//! parrain's domain: the rules of a referral offer, free of I/O.
//!
//! Everything here is a value or a pure decision. The store loads the state a
//! decision needs, asks this crate what to do, and persists the answer in one
//! transaction. That keeps the rules testable without a database.

pub mod activity;
pub mod attribution;
pub mod breakdown;
pub mod code;
pub mod credit;
pub mod email;
pub mod fraud;
pub mod ids;
pub mod import;
pub mod lifecycle;
pub mod limits;
pub mod named;
pub mod offer;
pub mod promo;
pub mod report;
pub mod reward;
pub mod rule;
pub mod sharing;
pub mod template;
pub mod widget;

/// Milliseconds since the Unix epoch, UTC. The one time type of the domain.
pub type Millis = i64;

pub const MINUTE: Millis = 60_000;
pub const DAY: Millis = 24 * 60 * MINUTE;
