//! Outbound HTTP for plugins: only allowlisted hosts, never private addresses (unless the
//! deployment allows them), redirects re-checked hop by hop, bodies capped.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether `ip` is loopback, private, link-local, shared, benchmarking, multicast or otherwise
/// not a public unicast address, including IPv6 addresses that carry an IPv4 address inside
/// (mapped, compatible, NAT64, 6to4, Teredo), which are judged by that address.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                // 198.18.0.0/15: benchmarking, often routed inside networks.
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = embedded_v4(v6) {
                return is_private(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                // fec0::/10: site-local (deprecated, still routed inside some networks).
                || (first & 0xffc0) == 0xfec0
        }
    }
}

/// The IPv4 address an IPv6 address stands for, when it is one of the forms that reach an
/// IPv4 host: mapped (`::ffff:a.b.c.d`), compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`),
/// 6to4 (`2002:AABB:CCDD::/48`) or Teredo (`2001:0::/32`, client address inverted).
fn embedded_v4(v6: std::net::Ipv6Addr) -> Option<std::net::Ipv4Addr> {
    use std::net::Ipv4Addr;
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    let s = v6.segments();
    let tail = |hi: u16, lo: u16| Ipv4Addr::from(((u32::from(hi)) << 16) | u32::from(lo));
    // ::a.b.c.d (but not :: and ::1, which are judged as IPv6)
    if s[..6].iter().all(|x| *x == 0) && (s[6] != 0 || s[7] > 1) {
        return Some(tail(s[6], s[7]));
    }
    // 64:ff9b::/96 and the local-use 64:ff9b:1::/48
    if s[0] == 0x0064 && s[1] == 0xff9b {
        return Some(tail(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        return Some(tail(s[1], s[2]));
    }
    if s[0] == 0x2001 && s[1] == 0x0000 {
        return Some(tail(!s[6], !s[7]));
    }
    None
}

/// Whether `url`'s host is in `hosts` (entries are a name, or `name:port`).
pub fn host_listed(url: &url::Url, hosts: &[String]) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    let host_port = url.port_or_known_default().map(|p| format!("{host}:{p}"));
    hosts.iter().any(|entry| {
        let entry = entry.trim().to_ascii_lowercase();
        entry == host || host_port.as_deref().is_some_and(|hp| entry == hp)
    })
}

/// A resolver that drops private addresses, so a public name that resolves to an internal
/// address (DNS rebinding) cannot reach inside the network.
#[derive(Debug, Clone)]
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = addrs
                .into_iter()
                .filter(|a| allow_private || !is_private(a.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(format!("{host} resolves only to private addresses").into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// Network policy for one deployment.
#[derive(Debug, Clone)]
pub struct NetPolicy {
    /// Allow loopback and private addresses (development and tests only).
    pub allow_private: bool,
    /// Allow `http://` URLs (development and tests only).
    pub allow_plain_http: bool,
    /// Largest request body.
    pub max_request_bytes: usize,
    /// Largest response body.
    pub max_response_bytes: usize,
    /// Longest a request may take.
    pub max_timeout: Duration,
}

/// A request after the plugin's view was checked.
#[derive(Debug, Clone)]
pub struct OutboundRequest {
    /// Method.
    pub method: reqwest::Method,
    /// URL.
    pub url: url::Url,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Option<Vec<u8>>,
    /// Timeout.
    pub timeout: Duration,
}

/// A response as the plugin will see it.
#[derive(Debug, Clone)]
pub struct InboundResponse {
    /// Status.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

/// Why a request was not (fully) made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    /// Refused by policy.
    #[error("{0}")]
    Denied(String),
    /// Too large.
    #[error("{0}")]
    TooLarge(String),
    /// No answer in time.
    #[error("the request timed out")]
    Timeout,
    /// Connection failure.
    #[error("{0}")]
    Connection(String),
    /// Malformed request.
    #[error("{0}")]
    Invalid(String),
}

/// Sends plugin requests under a [`NetPolicy`].
#[derive(Debug, Clone)]
pub struct Outbound {
    client: reqwest::Client,
    policy: Arc<NetPolicy>,
}

impl Outbound {
    /// A client enforcing `policy`.
    pub fn new(policy: NetPolicy) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            // Never through a proxy from the environment: the proxy would resolve names
            // itself, past the private-address guard below.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private: policy.allow_private,
            }))
            .user_agent(concat!("Stride/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        Ok(Self {
            client,
            policy: Arc::new(policy),
        })
    }

    /// The policy in force.
    pub fn policy(&self) -> &NetPolicy {
        &self.policy
    }

    /// Checks a URL's scheme, host allowlist and (for IP literals) address.
    pub fn check_url(&self, url: &url::Url, allowed_hosts: &[String]) -> Result<(), NetError> {
        match url.scheme() {
            "https" => {}
            "http" if self.policy.allow_plain_http => {}
            other => {
                return Err(NetError::Denied(format!(
                    "the `{other}` scheme is not allowed; use https"
                )));
            }
        }
        let host = url
            .host_str()
            .ok_or_else(|| NetError::Invalid("the URL has no host".to_owned()))?;
        if !host_listed(url, allowed_hosts) {
            return Err(NetError::Denied(format!(
                "{host} is not among the hosts this plugin may reach"
            )));
        }
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<IpAddr>()
            && is_private(ip)
            && !self.policy.allow_private
        {
            return Err(NetError::Denied(format!("{ip} is a private address")));
        }
        Ok(())
    }

    /// Sends `request`, following up to five redirects, each re-checked against
    /// `allowed_hosts`. Credentials are not forwarded to a different host.
    pub async fn send(
        &self,
        mut request: OutboundRequest,
        allowed_hosts: &[String],
    ) -> Result<InboundResponse, NetError> {
        if request
            .body
            .as_ref()
            .is_some_and(|b| b.len() > self.policy.max_request_bytes)
        {
            return Err(NetError::TooLarge(format!(
                "the request body exceeds {} bytes",
                self.policy.max_request_bytes
            )));
        }
        let timeout = request.timeout.min(self.policy.max_timeout);
        let deadline = tokio::time::Instant::now() + timeout;
        for _hop in 0..6 {
            self.check_url(&request.url, allowed_hosts)?;
            let mut builder = self
                .client
                .request(request.method.clone(), request.url.clone());
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            if let Some(body) = &request.body {
                builder = builder.body(body.clone());
            }
            let response = tokio::time::timeout_at(deadline, builder.send())
                .await
                .map_err(|_| NetError::Timeout)?
                .map_err(|e| describe(&e))?;
            let status = response.status();
            if status.is_redirection()
                && let Some(location) = response.headers().get(reqwest::header::LOCATION)
            {
                let location = location
                    .to_str()
                    .map_err(|_| NetError::Invalid("unreadable redirect".to_owned()))?;
                let next = request
                    .url
                    .join(location)
                    .map_err(|e| NetError::Invalid(format!("bad redirect: {e}")))?;
                if next.host_str() != request.url.host_str() {
                    request
                        .headers
                        .retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
                }
                if status == reqwest::StatusCode::SEE_OTHER {
                    request.method = reqwest::Method::GET;
                    request.body = None;
                }
                request.url = next;
                continue;
            }
            let headers = response
                .headers()
                .iter()
                .filter_map(|(name, value)| {
                    value
                        .to_str()
                        .ok()
                        .map(|v| (name.as_str().to_owned(), v.to_owned()))
                })
                .collect();
            if response
                .content_length()
                .is_some_and(|len| len as usize > self.policy.max_response_bytes)
            {
                return Err(self.too_large());
            }
            let mut body = Vec::new();
            let mut stream = response.bytes_stream();
            loop {
                let chunk = tokio::time::timeout_at(deadline, stream.next())
                    .await
                    .map_err(|_| NetError::Timeout)?;
                match chunk {
                    None => break,
                    Some(Ok(bytes)) => {
                        if body.len() + bytes.len() > self.policy.max_response_bytes {
                            return Err(self.too_large());
                        }
                        body.extend_from_slice(&bytes);
                    }
                    Some(Err(e)) => return Err(describe(&e)),
                }
            }
            return Ok(InboundResponse {
                status: status.as_u16(),
                headers,
                body,
            });
        }
        Err(NetError::Connection("too many redirects".to_owned()))
    }

    fn too_large(&self) -> NetError {
        NetError::TooLarge(format!(
            "the response body exceeds {} bytes",
            self.policy.max_response_bytes
        ))
    }
}

fn describe(error: &reqwest::Error) -> NetError {
    if error.is_timeout() {
        return NetError::Timeout;
    }
    // reqwest nests the cause; the innermost message says what happened.
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message = cause.to_string();
        source = cause.source();
    }
    if message.contains("private addresses") {
        NetError::Denied(message)
    } else {
        NetError::Connection(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
            "0.0.0.0",
            // NAT64, 6to4, Teredo and IPv4-compatible forms of private addresses.
            "64:ff9b::a9fe:a9fe",
            "64:ff9b::7f00:1",
            "2002:a9fe:a9fe::1",
            "2002:0a00:0001::",
            "2001:0:4136:e378:8000:63bf:f5ff:fffe",
            "::127.0.0.1",
            "::10.0.0.1",
            // Site-local, and the benchmarking range.
            "fec0::1",
            "198.18.0.1",
            "198.19.255.254",
        ] {
            assert!(is_private(ip.parse().expect("ip")), "{ip}");
        }
        for ip in [
            "8.8.8.8",
            "151.101.1.1",
            "2606:4700::1111",
            "64:ff9b::808:808",
            "2002:0808:0808::1",
        ] {
            assert!(!is_private(ip.parse().expect("ip")), "{ip}");
        }
    }

    fn outbound(allow_private: bool) -> Outbound {
        Outbound::new(NetPolicy {
            allow_private,
            allow_plain_http: false,
            max_request_bytes: 1024,
            max_response_bytes: 1024,
            max_timeout: Duration::from_secs(1),
        })
        .expect("client")
    }

    #[test]
    fn only_listed_hosts_over_https() {
        let out = outbound(false);
        let hosts = vec!["www.strava.com".to_owned(), "10.0.0.5".to_owned()];
        let ok = url::Url::parse("https://www.strava.com/api/v3/athlete").expect("url");
        assert_eq!(out.check_url(&ok, &hosts), Ok(()));
        let other = url::Url::parse("https://evil.example/steal").expect("url");
        assert!(
            matches!(out.check_url(&other, &hosts), Err(NetError::Denied(m)) if m.contains("evil.example"))
        );
        let plain = url::Url::parse("http://www.strava.com/").expect("url");
        assert!(matches!(
            out.check_url(&plain, &hosts),
            Err(NetError::Denied(_))
        ));
        let private = url::Url::parse("https://10.0.0.5/").expect("url");
        assert!(
            matches!(out.check_url(&private, &hosts), Err(NetError::Denied(m)) if m.contains("private"))
        );
        assert_eq!(outbound(true).check_url(&private, &hosts), Ok(()));
    }
}
