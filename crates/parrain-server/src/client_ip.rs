//! The client's address: the peer of the TCP connection, or, when that peer
//! is one of the configured trusted proxies, the address the proxies say
//! they forwarded for (`X-Forwarded-For`, read from the right: each trusted
//! hop is skipped, the first untrusted one is the client).
//!
//! Without trusted proxies the header is ignored: anyone can send it.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use ipnet::IpNet;

use crate::auth::AnyKey;
use crate::error::ApiError;
use crate::AppState;

const FORWARDED_FOR: &str = "x-forwarded-for";

/// The client address of a request, resolved through trusted proxies.
pub fn resolve(headers: &HeaderMap, extensions: &Extensions, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_canonical())?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let mut client = peer;
    // Several headers are one list, in order.
    let hops = headers
        .get_all(FORWARDED_FOR)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            // A garbled entry: nothing left of it can be believed.
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    Some(client)
}

/// An entry of `X-Forwarded-For`: an address, maybe with a port
/// (`203.0.113.7:41234`, `[2001:db8::1]:443`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    hop.parse::<SocketAddr>()
        .ok()
        .map(|s| s.ip().to_canonical())
}

/// The request's client address (`None` when the server was not started
/// with connection info, as in some tests).
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(resolve(
            &parts.headers,
            &parts.extensions,
            &state.config.trusted_proxies,
        )))
    }
}

/// The address recorded for the person behind a tracking call or sign-up:
/// the caller's own when a browser calls with a publishable key; the `ip`
/// a server names when it calls with a secret key on the person's behalf
/// (its own address would make every person look alike).
pub fn of_person(
    key: &AnyKey,
    client: ClientIp,
    given: Option<String>,
) -> Result<Option<IpAddr>, ApiError> {
    match (key.is_secret(), given) {
        (false, None) => Ok(client.0),
        (false, Some(_)) => Err(ApiError::bad_field(
            "ip",
            "ip may only be given with a secret key; a browser's address is read from its request",
        )),
        (true, None) => Ok(None),
        (true, Some(ip)) => ip
            .trim()
            .parse::<IpAddr>()
            .map(|ip| Some(ip.to_canonical()))
            .map_err(|_| {
                ApiError::bad_field("ip", "ip must be an IPv4 or IPv6 address, like 203.0.113.7")
            }),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn from(peer: &str, forwarded: &[&str], trusted: &[&str]) -> Option<IpAddr> {
        let mut headers = HeaderMap::new();
        for f in forwarded {
            headers.append(FORWARDED_FOR, HeaderValue::from_str(f).unwrap());
        }
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        let trusted: Vec<IpNet> = trusted.iter().map(|t| t.parse().unwrap()).collect();
        resolve(&headers, &extensions, &trusted)
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        assert_eq!(
            from("198.51.100.9:5000", &["203.0.113.7"], &[]),
            ip("198.51.100.9")
        );
        assert_eq!(
            from("198.51.100.9:5000", &["203.0.113.7"], &["10.0.0.0/8"]),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn trusted_hops_are_skipped_from_the_right() {
        let trusted = ["127.0.0.1/32", "10.0.0.0/8"];
        assert_eq!(
            from("127.0.0.1:5000", &["203.0.113.7"], &trusted),
            ip("203.0.113.7")
        );
        // A client cannot push a fake address in front: the proxies append.
        assert_eq!(
            from(
                "127.0.0.1:5000",
                &["1.2.3.4, 203.0.113.7, 10.0.0.2"],
                &trusted
            ),
            ip("203.0.113.7")
        );
        assert_eq!(
            from("127.0.0.1:5000", &["1.2.3.4", "203.0.113.7:443"], &trusted),
            ip("203.0.113.7")
        );
        assert_eq!(
            from("[::1]:5000", &["[2001:db8::7]:443"], &["::1/128"]),
            ip("2001:db8::7")
        );
    }

    #[test]
    fn without_a_usable_header_the_last_trusted_hop_is_what_is_known() {
        let trusted = ["127.0.0.1/32", "10.0.0.0/8"];
        assert_eq!(from("127.0.0.1:5000", &[], &trusted), ip("127.0.0.1"));
        assert_eq!(
            from("127.0.0.1:5000", &["garbage, 10.0.0.2"], &trusted),
            ip("10.0.0.2")
        );
        // An IPv4 peer on a dual-stack socket is still the trusted IPv4 proxy.
        assert_eq!(
            from("[::ffff:127.0.0.1]:5000", &["203.0.113.7"], &trusted),
            ip("203.0.113.7")
        );
    }
}
