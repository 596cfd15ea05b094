//! The organisation's side of `serve` as a test drives it: a server with a store and an
//! account of each role, and a browser at its staff pages (cookies, CSRF, sign-in).

use std::net::{IpAddr, SocketAddr};
use std::path::Path;

use super::intake::ME;
use super::process::{Killed, Reply, request, serve};

pub const PASSWORD: &str = "correct horse battery staple";

/// A server with a store and one account of each role.
pub fn server(dir: &Path) -> (Killed, SocketAddr, std::path::PathBuf) {
    server_with(dir, &[])
}

/// The same, started with `more` arguments.
pub fn server_with(dir: &Path, more: &[&str]) -> (Killed, SocketAddr, std::path::PathBuf) {
    let store = dir.join("store.sqlite");
    let mut args = vec!["--store", store.to_str().unwrap(), "--rate-limit", "0"];
    args.extend_from_slice(more);
    let (child, at) = serve(&args, dir);
    for (name, role) in [("ana", "coach"), ("hal", "hr"), ("ada", "admin")] {
        super::add_account(dir, &store, name, role, PASSWORD);
    }
    (child, at, store)
}

/// A browser at the staff pages: its cookies and the CSRF token its forms carry.
pub struct Browser {
    pub server: SocketAddr,
    pub from: IpAddr,
    pub csrf: String,
    pub session: Option<String>,
    /// Headers sent with every request: what a proxy in front says this browser's address is
    /// (`X-Forwarded-For`), the languages it prefers.
    pub extra: Vec<(&'static str, String)>,
}

impl Browser {
    pub fn new(server: SocketAddr, from: IpAddr) -> Browser {
        let page = request(from, server, "GET", "/login", &[], b"");
        assert_eq!(page.status, 200, "{}", page.body);
        let csrf = page.cookie("csrf").expect("a CSRF cookie");
        Browser { server, from, csrf, session: None, extra: Vec::new() }
    }

    /// A browser behind a proxy at `from`, which says it forwards for `client`.
    pub fn behind_proxy(server: SocketAddr, from: IpAddr, client: &str) -> Browser {
        Browser { extra: vec![("X-Forwarded-For", client.to_string())], ..Browser::new(server, from) }
    }

    fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut all = headers.to_vec();
        all.extend(self.extra.iter().map(|(k, v)| (*k, v.as_str())));
        request(self.from, self.server, method, path, &all, body)
    }

    pub fn cookies(&self) -> String {
        match &self.session {
            Some(s) => format!("csrf={}; session={s}", self.csrf),
            None => format!("csrf={}", self.csrf),
        }
    }

    pub fn get(&self, path: &str) -> Reply {
        self.send("GET", path, &[("Cookie", &self.cookies())], b"")
    }

    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(all).finish();
        let cookies = self.cookies();
        let headers = [("Cookie", cookies.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
        self.send("POST", path, &headers, body.as_bytes())
    }

    pub fn login(&mut self, name: &str, password: &str) -> Reply {
        let reply = self.post("/login", &[("name", name), ("password", password)]);
        if let Some(session) = reply.cookie("session") {
            self.session = Some(session);
        }
        reply
    }

    pub fn signed_in(server: SocketAddr, name: &str) -> Browser {
        let mut browser = Browser::new(server, ME);
        let reply = browser.login(name, PASSWORD);
        assert_eq!(reply.status, 303, "{name} signs in: {}", reply.body);
        let cookie = reply.header("set-cookie").unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
        browser
    }
}
