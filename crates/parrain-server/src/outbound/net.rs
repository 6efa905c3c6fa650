//! Where webhooks may go: public http(s) addresses only, unless
//! `allow_private_webhooks` is set. A URL naming a host is resolved, and
//! refused if any address it resolves to is loopback, private, link-local or
//! otherwise internal — so an API key cannot be used to reach inside the
//! network parrain runs in. Checked when an endpoint is saved and again at
//! each delivery, since DNS answers change.

use std::net::IpAddr;

/// Checks a webhook URL; the error says what is wrong, for the `url` field.
pub async fn check_webhook_url(url: &str, allow_private: bool) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("url is not a valid URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("url must start with http:// or https://".into());
    }
    let Some(host) = parsed.host_str() else {
        return Err("url has no host".into());
    };
    if allow_private {
        return Ok(());
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("url's host `{host}` does not resolve: {e}"))?
            .map(|a| a.ip())
            .collect(),
    };
    match addresses.iter().find(|ip| !is_public(**ip)) {
        Some(ip) => Err(format!(
            "url resolves to {ip}, a private or loopback address; webhooks go to public addresses \
             (start parrain with --allow-private-webhooks to allow it)"
        )),
        None => Ok(()),
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
    }
}
