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

/// Whether an address is reachable on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link local
                || first == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
