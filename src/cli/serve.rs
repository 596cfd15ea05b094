//! `crossroads serve`'s flags: the intake, the store, and what an organisation sets around them
//! (TLS, retention, notifications, its proxies).

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Args;

use super::PackArgs;
use crate::serve::ServeConfig;
use crate::serve::notify::Mail;

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pack: PackArgs,
    /// The address and port to listen on; loopback unless told otherwise.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Keep every submitted response in this SQLite file (owner-only), which
    /// `crossroads screen` reads. Without it, nothing is kept.
    #[arg(long, value_name = "FILE")]
    store: Option<PathBuf>,
    /// Requests a second each client address may send, after a burst of six seconds'
    /// worth; 0 turns the limit off (behind a proxy that limits, or for a benchmark).
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(0..=10_000))]
    rate_limit: u32,
    /// The server sits behind a TLS proxy (see the README): its cookies are marked
    /// `Secure`, sent over HTTPS only.
    #[arg(long)]
    behind_tls: bool,
    /// A proxy in front of the server, by address: its `X-Forwarded-For` names the client,
    /// for the rate limit, the sign-in limit and the audit trail. Repeat for several.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    trusted_proxies: Vec<IpAddr>,
    /// Delete submissions (and the audit trail's lines about them) last changed more than
    /// this many days ago: when the server starts, then every hour.
    #[arg(long, value_name = "DAYS", requires = "store", value_parser = clap::value_parser!(u32).range(1..=36_500))]
    retain_days: Option<u32>,
    /// The address people reach this server at, such as https://coach.example.org: the
    /// notifications link to its inbox. Default: the address listened on.
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// POST word of each urgent submission (JSON, no answer or name) to this URL, retried
    /// until it answers 2xx.
    #[arg(
        long,
        value_name = "URL",
        env = "CROSSROADS_NOTIFY_WEBHOOK",
        hide_env_values = true,
        requires = "store"
    )]
    notify_webhook: Option<String>,
    /// E-mail word of each urgent submission through this relay:
    /// smtp://user:password@host:587?tls=required (or smtps://…:465).
    #[arg(long, value_name = "URL", env = "CROSSROADS_NOTIFY_SMTP", hide_env_values = true, requires_all = ["store", "notify_from", "notify_to"])]
    notify_smtp: Option<String>,
    /// The sender of those e-mails.
    #[arg(long, value_name = "ADDRESS", requires = "notify_smtp")]
    notify_from: Option<String>,
    /// Who gets those e-mails; repeat for several.
    #[arg(long, value_name = "ADDRESS", requires = "notify_smtp")]
    notify_to: Vec<String>,
}

impl ServeArgs {
    pub fn config(self) -> ServeConfig {
        let notify_mail = self.notify_smtp.map(|relay| Mail {
            relay,
            from: self.notify_from.unwrap_or_default(),
            to: self.notify_to,
        });
        ServeConfig {
            rules: self.pack.choice(),
            listen: self.listen,
            store: self.store,
            rate_limit: self.rate_limit,
            behind_tls: self.behind_tls,
            retain_days: self.retain_days,
            notify_webhook: self.notify_webhook,
            notify_mail,
            public_url: self.public_url,
            trusted_proxies: self.trusted_proxies,
        }
    }
}
