//! What parrain's test suites share (the API tests on both stores, the
//! browser tests and the binary's tests), written once: a free loopback
//! port, a real SMTP server that keeps what it is sent ([`mail`]), and a
//! real HTTP webhook receiver ([`receiver`]). Real parts, no mocks: parrain
//! talks SMTP and HTTP to them as it does in production.

pub mod mail;
pub mod receiver;

use std::net::TcpListener;

/// A loopback port nothing listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
