//! Black-box tests of the HTTP API: a real server on a real SQLite file,
//! driven over HTTP like a client would.

mod helpers;
mod mailbox;
mod receiver;

mod credit;
mod email;
mod errors;
mod offers;
mod participants;
mod people;
mod redirect;
mod webhooks;
