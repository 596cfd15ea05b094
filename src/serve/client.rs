//! Who a request comes from: the peer's address, or, when the peer is a proxy the server was
//! told to trust (`--trusted-proxy`), the address that proxy says it forwarded for. The rate
//! limit, the sign-in limit and the audit trail all go by it.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Request, StatusCode};
use tower_governor::GovernorError;
use tower_governor::key_extractor::KeyExtractor;

use super::App;

/// The proxies whose word on the client's address is taken.
#[derive(Clone, Debug, Default)]
pub struct Proxies(Arc<Vec<IpAddr>>);

impl Proxies {
    pub fn new(trusted: Vec<IpAddr>) -> Proxies {
        Proxies(Arc::new(trusted))
    }

    /// The client's address. Through trusted proxies, the rightmost address in
    /// `X-Forwarded-For` that is not one of them: each proxy appends the address it was
    /// reached from, so what lies left of that may be anything the client wrote.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.0.contains(&peer) {
            return peer;
        }
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for entry in forwarded.iter().rev() {
            let Some(ip) = parse(entry) else { return peer };
            if !self.0.contains(&ip) {
                return ip;
            }
        }
        peer
    }
}

/// An address as proxies write it: bare, with a port, or bracketed IPv6.
fn parse(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| entry.strip_prefix('[')?.strip_suffix(']')?.parse().ok())
}

/// The client's address, as a handler's argument.
pub struct Client(pub IpAddr);

impl FromRequestParts<Arc<App>> for Client {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Client, StatusCode> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or(StatusCode::INTERNAL_SERVER_ERROR)?;
        Ok(Client(app.proxies.client(peer, &parts.headers)))
    }
}

/// The rate limit's key: the client, as above.
impl KeyExtractor for Proxies {
    type Key = IpAddr;

    fn extract<T>(&self, request: &Request<T>) -> Result<IpAddr, GovernorError> {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or(GovernorError::UnableToExtractKey)?;
        Ok(self.client(peer, request.headers()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append("x-forwarded-for", v.parse().unwrap());
        }
        map
    }

    #[test]
    fn a_forwarded_address_is_believed_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let stranger: IpAddr = "198.51.100.7".parse().unwrap();
        let proxies = Proxies::new(vec![proxy, "10.0.0.3".parse().unwrap()]);
        let forged = headers(&["203.0.113.9"]);
        // Anyone else's header is ignored: they are who they connect from.
        assert_eq!(proxies.client(stranger, &forged), stranger);
        assert_eq!(Proxies::default().client(proxy, &forged), proxy);
        // Through the proxy: the address it appended, not what the client wrote before it.
        let through = headers(&["203.0.113.9, 192.0.2.1", "10.0.0.3"]);
        assert_eq!(proxies.client(proxy, &through), "192.0.2.1".parse::<IpAddr>().unwrap());
        assert_eq!(
            proxies.client(proxy, &headers(&["[2001:db8::1]"])),
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            proxies.client(proxy, &headers(&["192.0.2.1:5050"])),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
        // Nothing usable: the proxy itself, never a guess.
        assert_eq!(proxies.client(proxy, &headers(&["192.0.2.1, nonsense"])), proxy);
        assert_eq!(proxies.client(proxy, &HeaderMap::new()), proxy);
    }
}
