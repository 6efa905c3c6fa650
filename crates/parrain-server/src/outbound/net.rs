//! Where webhooks may go: public http(s) addresses only, unless
//! `allow_private_webhooks` is set. A URL naming a host is resolved, and
//! refused if any address it resolves to is loopback, private, link-local or
//! otherwise internal — so an API key cannot be used to reach inside the
//! network parrain runs in. Checked when an endpoint is saved, and at each
//! delivery, since DNS answers change: there the sender resolves names
//! through [`PublicOnly`], so it connects only to addresses that were
//! checked (a name whose answer changes between a check and the connection
//! — DNS rebinding — reaches nothing internal).

use std::net::{IpAddr, SocketAddr};

/// Checks a webhook URL when it is saved; the error says what is wrong, for
/// the `url` field.
pub async fn check_webhook_url(url: &str, allow_private: bool) -> Result<(), String> {
    let Some((host, port)) = check_written(url, allow_private)? else {
        return Ok(());
    };
    let addresses: Vec<IpAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| format!("url's host `{host}` does not resolve: {e}"))?
        .map(|a| a.ip())
        .collect();
    addresses.into_iter().try_for_each(refuse_internal)
}

/// The addresses a webhook URL reaches, resolved once and each checked
/// (unless private addresses are allowed): what to connect to when a check
/// must be followed by a connection to the very addresses it judged, as
/// `parrain doctor` does.
pub async fn webhook_addresses(url: &str, allow_private: bool) -> Result<Vec<SocketAddr>, String> {
    check_written(url, allow_private)?;
    let parsed = url::Url::parse(url).map_err(|e| format!("url is not a valid URL: {e}"))?;
    let host = parsed.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| format!("url's host `{host}` does not resolve: {e}"))?
        .collect();
    if !allow_private {
        addresses.iter().try_for_each(|a| refuse_internal(a.ip()))?;
    }
    Ok(addresses)
}

/// What the URL itself says: its scheme and host, and an address written in
/// it. Returns the host name left to resolve, if any (none when private
/// addresses are allowed). Deliveries stop here: their names are checked by
/// [`PublicOnly`] as the connection is made, so they are resolved once.
pub fn check_written(url: &str, allow_private: bool) -> Result<Option<(String, u16)>, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("url is not a valid URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("url must start with http:// or https://".into());
    }
    let Some(host) = parsed.host_str() else {
        return Err("url has no host".into());
    };
    if allow_private {
        return Ok(None);
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(ip) => refuse_internal(ip).map(|()| None),
        Err(_) => Ok(Some((
            host.to_owned(),
            parsed.port_or_known_default().unwrap_or(443),
        ))),
    }
}

fn refuse_internal(ip: IpAddr) -> Result<(), String> {
    if is_public(ip) {
        return Ok(());
    }
    Err(format!(
        "url resolves to {ip}, a private or loopback address; webhooks go to public addresses \
         (start parrain with --allow-private-webhooks to allow it)"
    ))
}

/// The webhook sender's resolver: a name resolving to any address that is
/// not public resolves to nothing, and the connection is made to the very
/// addresses checked here.
pub struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let host = name.as_str();
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, 0)).await?.collect();
            if let Some(ip) = addresses
                .iter()
                .map(SocketAddr::ip)
                .find(|ip| !is_public(*ip))
            {
                return Err(format!(
                    "{host} resolves to {ip}, a private or loopback address; webhooks go to \
                     public addresses"
                )
                .into());
            }
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether an address is reachable on the public internet: not in any
/// block of IANA's special-purpose registries (IPv4 and IPv6) that is not
/// globally reachable, nor a form that embeds such an IPv4 address.
///
/// IPv4: 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24,
/// 192.0.2/24, 192.88.99/24 (the retired 6to4 relays), 192.168/16,
/// 198.18/15, 198.51.100/24, 203.0.113/24, multicast 224/4, 240/4 and the
/// broadcast address are refused.
///
/// IPv6: only global unicast (2000::/3) can be public, which leaves out
/// ::/8 (unspecified, loopback, the IPv4-compatible `::a.b.c.d`), 64:ff9b::/96
/// and 64:ff9b:1::/48 (NAT64, which reaches whatever IPv4 address the
/// network's translator serves), 100::/64 (discard), fc00::/7 (unique
/// local), fe80::/10 (link local), fec0::/10 (the old site-local) and
/// multicast. Inside it, 2001::/23 (IETF assignments, Teredo among them),
/// 2001:db8::/32 and 3fff::/20 (documentation) are refused, and a 6to4
/// address (2002::/16) is judged by the IPv4 address it embeds. An
/// IPv4-mapped address (`::ffff:a.b.c.d`) is judged as that IPv4 address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
                || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
                || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast, retired
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            if s[0] & 0xe000 != 0x2000 {
                return false; // not global unicast
            }
            if s[0] == 0x2002 {
                // 6to4: the IPv4 address is in the second and third groups.
                let [a, b] = s[1].to_be_bytes();
                let [c, d] = s[2].to_be_bytes();
                return is_public(IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d)));
            }
            let ietf = s[0] == 0x2001 && s[1] < 0x0200; // 2001::/23
            let documentation = (s[0] == 0x2001 && s[1] == 0x0db8) // 2001:db8::/32
                || (s[0] == 0x3fff && s[1] < 0x1000); // 3fff::/20
            !(ietf || documentation)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use ipnet::IpNet;
    use proptest::prelude::*;

    use super::*;

    /// Every block that must be refused, whatever the rest of the address.
    const REFUSED: &[&str] = &[
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/8",
        "::/96",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/23",
        "2001:db8::/32",
        "3fff::/20",
        "5f00::/16",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    ];

    /// The address of `net` whose host part is `bits` (masked to fit).
    fn inside(net: &IpNet, bits: u128) -> IpAddr {
        match net {
            IpNet::V4(n) => {
                let host = u32::MAX.checked_shr(u32::from(n.prefix_len())).unwrap_or(0);
                IpAddr::V4(Ipv4Addr::from(
                    u32::from(n.network()) | (bits as u32 & host),
                ))
            }
            IpNet::V6(n) => {
                let host = u128::MAX
                    .checked_shr(u32::from(n.prefix_len()))
                    .unwrap_or(0);
                IpAddr::V6(Ipv6Addr::from(u128::from(n.network()) | (bits & host)))
            }
        }
    }

    fn six_to_four(v4: Ipv4Addr, rest: u128) -> IpAddr {
        let prefix = (0x2002u128 << 112) | (u128::from(u32::from(v4)) << 80);
        IpAddr::V6(Ipv6Addr::from(prefix | (rest & ((1u128 << 80) - 1))))
    }

    #[test]
    fn the_forms_that_slipped_through_are_refused() {
        for ip in [
            "::127.0.0.1",
            "::10.0.0.1",
            "::8.8.8.8",
            "64:ff9b::7f00:1",
            "64:ff9b::808:808",
            "2002:7f00:1::1",
            "2002:a9fe:a9fe::",
            "fec0::1",
            "192.0.0.8",
            "192.0.0.170",
            "2001::1",
            "::ffff:169.254.169.254",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(!is_public(ip), "{ip}");
        }
        for ip in [
            "93.184.215.14",
            "8.8.8.8",
            "2606:4700::1111",
            "2002:808:808::1",
            "1.1.1.1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(is_public(ip), "{ip}");
        }
    }

    proptest! {
        #[test]
        fn every_address_of_a_special_purpose_block_is_refused(
            block in 0..REFUSED.len(),
            bits in any::<u128>(),
        ) {
            let net: IpNet = REFUSED[block].parse().unwrap();
            let ip = inside(&net, bits);
            prop_assert!(!is_public(ip), "{} in {}", ip, net);
        }

        #[test]
        fn an_embedded_ipv4_address_is_judged_as_itself(v4 in any::<u32>(), rest in any::<u128>()) {
            let v4 = Ipv4Addr::from(v4);
            let public = is_public(IpAddr::V4(v4));
            prop_assert_eq!(is_public(IpAddr::V6(v4.to_ipv6_mapped())), public);
            prop_assert_eq!(is_public(six_to_four(v4, rest)), public);
            // Forms that reach it through something else are never public.
            prop_assert!(!is_public(IpAddr::V6(v4.to_ipv6_compatible())));
            let nat64 = (0x0064_ff9bu128 << 96) | u128::from(u32::from(v4));
            prop_assert!(!is_public(IpAddr::V6(Ipv6Addr::from(nat64))));
        }

        #[test]
        fn only_global_unicast_ipv6_can_be_public(bits in any::<u128>()) {
            let ip = Ipv6Addr::from(bits);
            if bits >> 125 != 0b001 && ip.to_ipv4_mapped().is_none() {
                prop_assert!(!is_public(IpAddr::V6(ip)), "{}", ip);
            }
        }
    }

    #[tokio::test]
    async fn internal_addresses_are_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1:9000/hook",
            "http://10.1.2.3/",
            "http://192.168.0.10/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]:8080/",
            "http://[fd00::1]/",
            "http://localhost:3000/",
        ] {
            assert!(check_webhook_url(url, false).await.is_err(), "{url}");
            assert!(check_webhook_url(url, true).await.is_ok(), "{url}");
        }
        assert!(check_webhook_url("http://93.184.215.14/hook", false)
            .await
            .is_ok());
        assert!(check_webhook_url("ftp://example.com/", true).await.is_err());
        assert!(check_webhook_url("not a url", true).await.is_err());
        // At delivery an address written in the URL is judged at once, and a
        // name is left to the resolver.
        assert!(check_written("http://10.1.2.3/", false).is_err());
        assert_eq!(
            check_written("http://localhost:3000/", false),
            Ok(Some(("localhost".to_owned(), 3000)))
        );
        assert_eq!(check_written("http://localhost:3000/", true), Ok(None));
    }

    #[tokio::test]
    async fn the_sender_connects_to_no_name_that_resolves_inside() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = |resolver: Option<PublicOnly>| {
            let builder = reqwest::Client::builder();
            match resolver {
                Some(r) => builder.dns_resolver(std::sync::Arc::new(r)),
                None => builder,
            }
            .build()
            .unwrap()
        };
        let url = format!("http://localhost:{port}/hook");
        let refused = client(Some(PublicOnly))
            .post(&url)
            .send()
            .await
            .unwrap_err();
        let chain = std::iter::successors(Some(&refused as &dyn std::error::Error), |e| e.source())
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(": ");
        assert!(chain.contains("private or loopback"), "{chain}");
        // Without it the same name reaches the listener.
        let wait = std::time::Duration::from_secs(5);
        let reached = tokio::spawn(async move {
            matches!(
                tokio::time::timeout(wait, listener.accept()).await,
                Ok(Ok(_))
            )
        });
        let _ = client(None)
            .post(&url)
            .timeout(std::time::Duration::from_millis(300))
            .send()
            .await;
        assert!(reached.await.unwrap());
    }
}
