//! The SSRF guard: webhook URLs must reach public addresses, checked after DNS resolution and
//! enforced on the connection itself (the HTTP connector resolves through [`GuardedResolver`],
//! so a name can't resolve to a public address when checked and a private one when used).
//!
//! Refused unless `--webhooks-allow-private`: loopback, unspecified, RFC 1918 private,
//! shared (RFC 6598), link-local (including the cloud metadata address 169.254.169.254),
//! benchmarking, documentation, reserved, broadcast and multicast IPv4 ranges (IANA IPv4
//! Special-Purpose Address Registry), and their IPv6 counterparts: unique local `fc00::/7`
//! (including `fd00:ec2::254`), link-local `fe80::/10`, site-local, documentation, NAT64
//! and IPv4-mapped addresses of refused IPv4 ones.

use std::{
    future::Future,
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    pin::Pin,
    task::{Context, Poll},
};

use hyper_util::client::legacy::connect::dns::Name;

/// Whether `ip` is a public unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => public_v6(v6),
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return public_v4(v4);
    }
    let s = ip.segments();
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] & 0xffc0) == 0xfec0
        || (s[0] == 0x2001 && s[1] == 0x0db8)
        || (s[0] == 0x0064 && s[1] == 0xff9b))
}

/// Why a URL is refused.
#[derive(Debug, thiserror::Error)]
pub enum GuardError {
    /// Not an absolute `http`/`https` URL with a host.
    #[error("{0}")]
    Url(String),
    /// It resolves to an address the guard refuses.
    #[error("{host} resolves to {ip}, a loopback, private, link-local or reserved address; refused (start the indexer with --webhooks-allow-private to allow it)")]
    Private {
        /// The URL's host.
        host: String,
        /// The refused address.
        ip: IpAddr,
    },
    /// The name doesn't resolve.
    #[error("{host} does not resolve: {reason}")]
    Resolve {
        /// The URL's host.
        host: String,
        /// The resolver's error.
        reason: String,
    },
}

/// Parses `url` as an absolute `http`/`https` URI with a host and no user info.
///
/// # Errors
/// [`GuardError::Url`].
pub fn parse_url(url: &str) -> Result<hyper::Uri, GuardError> {
    let uri: hyper::Uri = url
        .parse()
        .map_err(|e| GuardError::Url(format!("not a URL: {e}")))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(GuardError::Url("the scheme must be http or https".into())),
    }
    let auth = uri
        .authority()
        .ok_or_else(|| GuardError::Url("the URL has no host".into()))?;
    if auth.as_str().contains('@') {
        return Err(GuardError::Url(
            "user info in the URL is not allowed; the endpoint authenticates deliveries by their signature".into(),
        ));
    }
    Ok(uri)
}

/// `url` parsed ([`parse_url`]) with an IP-literal host checked here: a literal doesn't go
/// through the connector's resolver, which checks names ([`GuardedResolver`]).
///
/// # Errors
/// [`GuardError::Url`] or [`GuardError::Private`].
pub fn target(url: &str, allow_private: bool) -> Result<hyper::Uri, GuardError> {
    let uri = parse_url(url)?;
    let host = uri.host().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        if !allow_private && !is_public(ip) {
            return Err(GuardError::Private {
                host: host.into(),
                ip,
            });
        }
    }
    Ok(uri)
}

/// Resolves `host` and refuses it if any of its addresses isn't public (unless
/// `allow_private`). Returns the addresses.
///
/// # Errors
/// [`GuardError::Private`] or [`GuardError::Resolve`].
pub async fn resolve(host: &str, allow_private: bool) -> Result<Vec<SocketAddr>, GuardError> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, 0)],
        Err(_) => tokio::net::lookup_host((bare, 0))
            .await
            .map_err(|e| GuardError::Resolve {
                host: host.into(),
                reason: e.to_string(),
            })?
            .collect(),
    };
    if addrs.is_empty() {
        return Err(GuardError::Resolve {
            host: host.into(),
            reason: "no addresses".into(),
        });
    }
    if !allow_private {
        if let Some(a) = addrs.iter().find(|a| !is_public(a.ip())) {
            return Err(GuardError::Private {
                host: host.into(),
                ip: a.ip(),
            });
        }
    }
    Ok(addrs)
}

/// The delivery client's resolver: [`resolve`] with the guard applied.
#[derive(Clone, Copy, Debug)]
pub struct GuardedResolver {
    /// `--webhooks-allow-private`.
    pub allow_private: bool,
}

impl tower::Service<Name> for GuardedResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = GuardError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, GuardError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), GuardError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let allow = self.allow_private;
        Box::pin(async move { Ok(resolve(name.as_str(), allow).await?.into_iter()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_metadata_addresses_are_not_public() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "2001:db8::1",
        ] {
            assert!(!is_public(refused.parse().unwrap()), "{refused}");
        }
        for public in [
            "1.1.1.1",
            "8.8.8.8",
            "2606:4700:4700::1111",
            "::ffff:1.1.1.1",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn loopback_names_are_refused_unless_allowed() {
        let e = resolve("localhost", false).await.unwrap_err();
        assert!(matches!(e, GuardError::Private { .. }), "{e}");
        assert!(!resolve("localhost", true).await.unwrap().is_empty());
        assert!(matches!(
            resolve("[::1]", false).await,
            Err(GuardError::Private { .. })
        ));
    }

    #[test]
    fn ip_literal_targets_are_checked_without_the_resolver() {
        for refused in [
            "http://127.0.0.1:9/x",
            "http://[::1]/x",
            "http://169.254.169.254/",
        ] {
            assert!(
                matches!(target(refused, false), Err(GuardError::Private { .. })),
                "{refused}"
            );
            assert!(target(refused, true).is_ok(), "{refused}");
        }
        assert!(target("http://1.1.1.1/x", false).is_ok());
        assert!(
            target("https://example.com/x", false).is_ok(),
            "names: the resolver checks"
        );
        assert!(matches!(
            target("ftp://1.1.1.1/", false),
            Err(GuardError::Url(_))
        ));
    }

    #[test]
    fn urls_must_be_http_with_a_host_and_no_user_info() {
        assert!(parse_url("https://example.com/hook").is_ok());
        for bad in [
            "ftp://example.com/",
            "/relative",
            "https://user:pw@example.com/",
            "nonsense",
        ] {
            assert!(matches!(parse_url(bad), Err(GuardError::Url(_))), "{bad}");
        }
    }
}
