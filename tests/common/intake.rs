//! A person at the web intake, as a browser would be: the first page's cookie and tokens, and
//! the review page's form posted with every answer.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use super::process::{Reply, request};
use crossroads::diag::Sources;
use crossroads::serve::form;
use crossroads::{Answers, RuleSet};

pub fn persona(ruleset: &RuleSet, name: &str) -> Answers {
    super::personas(ruleset, &mut Sources::default())
        .into_iter()
        .find(|(p, _)| p.ends_with(name))
        .unwrap_or_else(|| panic!("no persona {name}"))
        .1
}

pub const ME: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));

/// A person's browser: the CSRF cookie and the form's token from the first page.
pub struct Person {
    pub server: SocketAddr,
    pub cookie: String,
    pub csrf: String,
    pub token: String,
}

impl Person {
    pub fn arrive(server: SocketAddr) -> Person {
        let first = request(ME, server, "GET", "/", &[], b"");
        assert_eq!(first.status, 200);
        let cookie = first.header("set-cookie").unwrap().split(';').next().unwrap().to_string();
        let field = |name: &str| {
            let re = regex::Regex::new(&format!(r#"name="{name}" value="([0-9a-f]{{32}})""#)).unwrap();
            re.captures(&first.body).unwrap()[1].to_string()
        };
        Person { server, cookie, csrf: field("csrf"), token: field("token") }
    }

    /// Posts the review page's form as a browser would: every answer in its field, and `go`.
    pub fn post(&self, fields: &[(String, String)], go: &str) -> Reply {
        let mut all: Vec<(String, String)> = vec![
            ("csrf".into(), self.csrf.clone()),
            ("token".into(), self.token.clone()),
            ("lang".into(), "en".into()),
            ("at".into(), "review".into()),
        ];
        all.extend(fields.iter().cloned());
        all.push(("go".into(), go.into()));
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(all).finish();
        let headers =
            [("Cookie", self.cookie.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
        request(ME, self.server, "POST", "/intake", &headers, body.as_bytes())
    }
}

/// Every answer as the fields a page posts, with `changes` in place of a question's values.
pub fn fields(ruleset: &RuleSet, answers: &Answers, changes: &[(&str, &[&str])]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (q, a) in ruleset.questions.iter().zip(&answers.values) {
        let name = form::field(q);
        match changes.iter().find(|(id, _)| *id == q.id) {
            Some((_, values)) => out.extend(values.iter().map(|v| (name.clone(), v.to_string()))),
            None => {
                if let Some(a) = a {
                    out.extend(form::strings(q, a).into_iter().map(|v| (name.clone(), v)));
                }
            }
        }
    }
    out
}
