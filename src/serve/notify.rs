//! Word that an urgent submission arrived, sent without anyone having to look: to a webhook the
//! organisation names and/or by e-mail through its relay. The word carries no answer, no name
//! and no category, only that a submission needs attention and where the inbox is.
//!
//! It travels through an outbox in the store: the submission and its notifications are kept in
//! one transaction (so an acknowledged urgent submission is never without its word, whatever
//! happens to the process after), and a task sends what is due, off the threads that answer
//! people, retrying with a growing wait until the receiver acknowledges. Each notification is
//! claimed before it is sent, so that several servers on one store send it once.

use std::sync::Arc;
use std::time::Duration;

use super::App;
use super::store::{Store, Value, now};
use crate::util::i18n::{Staff, fill};

/// How long one attempt may take, connection to reply.
const ATTEMPT: Duration = Duration::from_secs(10);
/// A claimed notification is another server's for this long; if that server dies mid-send,
/// it is tried again after.
const LEASE: i64 = 60;
/// The longest wait between two attempts.
const MAX_WAIT: i64 = 3600;
/// Notifications sent in one round; the rest wait for the next.
const ROUND: i64 = 16;

/// Where word of an urgent submission goes.
pub struct Channels {
    /// An HTTP(S) URL that is sent a JSON object by POST.
    pub webhook: Option<String>,
    pub mail: Option<Mail>,
    /// The address of the coach's inbox, as the people notified reach it.
    pub inbox: String,
}

/// E-mail through the organisation's relay.
#[derive(Clone)]
pub struct Mail {
    /// `smtp://user:password@host:port?tls=required`, `smtps://…` (lettre's form).
    pub relay: String,
    pub from: String,
    pub to: Vec<String>,
}

/// What the channels can send with, checked when the server starts.
pub struct Notifier {
    webhook: Option<(String, ureq::Agent)>,
    mail: Option<(lettre::SmtpTransport, lettre::message::Mailbox, Vec<lettre::message::Mailbox>)>,
    inbox: String,
    /// Woken when an urgent submission is kept, so that its word leaves at once.
    pub wake: tokio::sync::Notify,
}

/// The two kinds of channel, as the outbox names them.
pub const WEBHOOK: &str = "webhook";
pub const EMAIL: &str = "email";

impl Notifier {
    /// The notifier for `channels`; `None` when none is set. A URL or address that cannot be
    /// used is an error now, not a lost notification later.
    pub fn new(channels: Channels) -> Result<Option<Notifier>, String> {
        let webhook = match channels.webhook {
            Some(url) => {
                let uri: ureq::http::Uri =
                    url.parse().map_err(|e| format!("--notify-webhook {url}: not a URL ({e})"))?;
                if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
                    return Err(format!(
                        "--notify-webhook {url}: an http:// or https:// URL with a host is needed"
                    ));
                }
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .timeout_global(Some(ATTEMPT))
                    // A redirection elsewhere is not an acknowledgement: the admin fixes the URL.
                    .max_redirects(0)
                    .build()
                    .into();
                Some((url, agent))
            }
            None => None,
        };
        let mail = match channels.mail {
            Some(mail) => {
                let transport = lettre::SmtpTransport::from_url(&mail.relay)
                    .map_err(|e| format!("--notify-smtp: not a relay's URL such as smtp://user:password@host:587?tls=required ({e})"))?
                    .timeout(Some(ATTEMPT))
                    .build();
                let mailbox = |a: &str, flag: &str| {
                    a.parse::<lettre::message::Mailbox>()
                        .map_err(|e| format!("{flag} {a}: not an e-mail address ({e})"))
                };
                let from = mailbox(&mail.from, "--notify-from")?;
                let to = mail.to.iter().map(|a| mailbox(a, "--notify-to")).collect::<Result<Vec<_>, _>>()?;
                if to.is_empty() {
                    return Err("--notify-smtp needs at least one --notify-to address".into());
                }
                Some((transport, from, to))
            }
            None => None,
        };
        if webhook.is_none() && mail.is_none() {
            return Ok(None);
        }
        Ok(Some(Notifier { webhook, mail, inbox: channels.inbox, wake: tokio::sync::Notify::new() }))
    }

    /// The channels set, as the outbox names them: each urgent submission gets one
    /// notification on each.
    pub fn channels(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.webhook.is_some() {
            out.push(WEBHOOK);
        }
        if self.mail.is_some() {
            out.push(EMAIL);
        }
        out
    }

    /// The channels in `t`'s words, for the admin.
    pub fn described(&self, t: &Staff) -> Vec<String> {
        let mut out = Vec::new();
        if let Some((url, _)) = &self.webhook {
            // The path of a webhook's URL is often its secret: the host only.
            let host = url.parse::<ureq::http::Uri>().ok().and_then(|u| u.host().map(str::to_string));
            out.push(fill(t.webhook_at, &[("host", &host.unwrap_or_default())]));
        }
        if let Some((_, _, to)) = &self.mail {
            let to: Vec<String> = to.iter().map(ToString::to_string).collect();
            out.push(fill(t.email_to, &[("to", &to.join(", "))]));
        }
        out
    }

    /// The words sent: that a submission needs attention, and where the inbox is. Nothing
    /// about the person.
    pub fn text(&self) -> String {
        format!(
            "An urgent submission to crossroads needs attention: someone's answers say they may need support now. Open the inbox: {}",
            self.inbox
        )
    }

    /// Sends one notification; the receiver's refusal or silence as an error.
    fn send(&self, channel: &str, key: &str) -> Result<(), String> {
        match channel {
            WEBHOOK => {
                let Some((url, agent)) = &self.webhook else { return Err("no webhook is set".into()) };
                // `text` is what chat services' incoming webhooks show.
                let body = serde_json::json!({
                    "event": "urgent_submission",
                    "text": self.text(),
                    "inbox": self.inbox,
                })
                .to_string();
                agent
                    .post(url)
                    .header("content-type", "application/json")
                    // The same key on every attempt: a receiver that got a lost-reply attempt
                    // can tell the retry is the same word.
                    .header("idempotency-key", key)
                    .send(body)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            EMAIL => {
                let Some((transport, from, to)) = &self.mail else { return Err("no relay is set".into()) };
                let mut message = lettre::Message::builder()
                    .from(from.clone())
                    .subject("crossroads: an urgent submission needs attention")
                    .header(lettre::message::header::ContentType::TEXT_PLAIN);
                for to in to {
                    message = message.to(to.clone());
                }
                let message = message.body(self.text()).map_err(|e| e.to_string())?;
                lettre::Transport::send(transport, &message).map(|_| ()).map_err(|e| e.to_string())
            }
            other => Err(format!("no channel {other}")),
        }
    }
}

/// The wait after the `attempts`-th failed attempt: 2, 4, 8 … seconds, at most an hour.
fn backoff(attempts: i64) -> i64 {
    1i64.checked_shl(attempts.clamp(1, 62) as u32).unwrap_or(MAX_WAIT).min(MAX_WAIT)
}

/// Sends every notification that is due, one at a time; the seconds until the next is due.
fn round(store: &Store, notifier: &Notifier) -> Result<Option<i64>, String> {
    let channels = notifier.channels();
    let due = store.with(|tx| {
        tx.query(
            "SELECT id, channel, key, attempts FROM notifications \
             WHERE delivered_at IS NULL AND next_at <= $1 ORDER BY id LIMIT $2",
            &[now().into(), ROUND.into()],
        )
    })?;
    for r in due {
        let (id, channel, key, attempts) = (r.int(0), r.text(1), r.text(2), r.int(3));
        if !channels.contains(&channel.as_str()) {
            // Queued when the server had this channel; it waits for one that has it again.
            continue;
        }
        let claimed = store.with(|tx| {
            tx.execute(
                "UPDATE notifications SET next_at = $2 WHERE id = $1 AND delivered_at IS NULL AND next_at <= $3",
                &[id.into(), (now() + LEASE).into(), now().into()],
            )
        })?;
        if claimed == 0 {
            continue;
        }
        // The store is not held while the receiver answers.
        let sent = notifier.send(&channel, &key);
        store.with(|tx| match &sent {
            Ok(()) => tx.execute(
                "UPDATE notifications SET delivered_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1",
                &[id.into(), now().into()],
            ),
            Err(e) => tx.execute(
                "UPDATE notifications SET attempts = attempts + 1, last_error = $2, next_at = $3 WHERE id = $1",
                &[id.into(), e.as_str().into(), (now() + backoff(attempts + 1)).into()],
            ),
        })?;
    }
    let placeholders: Vec<String> = (1..=channels.len()).map(|i| format!("${i}")).collect();
    let wanted: Vec<Value> = channels.iter().map(|c| Value::from(*c)).collect();
    let next = store.with(|tx| {
        tx.first(
            &format!(
                "SELECT MIN(next_at) FROM notifications WHERE delivered_at IS NULL AND channel IN ({})",
                placeholders.join(", ")
            ),
            &wanted,
        )
    })?;
    Ok(next.and_then(|r| r.opt_int(0)).map(|at| (at - now()).max(0)))
}

/// Sends notifications for as long as the server runs: at once when woken by an urgent
/// submission, else when the next is due (looking at least every minute, for another server's
/// or a restarted one's).
pub async fn run(app: Arc<App>) {
    let Some(notifier) = app.notifier.as_ref() else { return };
    loop {
        let worker = app.clone();
        let next = tokio::task::spawn_blocking(move || match (&worker.store, &worker.notifier) {
            (Some(store), Some(notifier)) => round(store, notifier),
            _ => Ok(None),
        })
        .await;
        let wait = match next {
            Ok(Ok(Some(0))) => continue,
            Ok(Ok(Some(s))) => Duration::from_secs(s.clamp(1, 60) as u64),
            // A store that failed is tried again soon; nothing is lost meanwhile.
            _ => Duration::from_secs(if matches!(next, Ok(Err(_)) | Err(_)) { 5 } else { 60 }),
        };
        tokio::select! {
            () = notifier.wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// A notification as the admin sees it.
pub struct Pending {
    pub created_at: i64,
    pub channel: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_at: i64,
}

/// The notifications not yet acknowledged, oldest first, and how many were.
pub fn status(store: &Store) -> Result<(Vec<Pending>, i64), String> {
    store.with(|tx| {
        let pending = tx
            .query(
                "SELECT created_at, channel, attempts, last_error, next_at FROM notifications \
                 WHERE delivered_at IS NULL ORDER BY id LIMIT 100",
                &[],
            )?
            .iter()
            .map(|r| Pending {
                created_at: r.int(0),
                channel: r.text(1),
                attempts: r.int(2),
                last_error: r.opt_text(3),
                next_at: r.int(4),
            })
            .collect();
        let delivered = tx
            .first("SELECT COUNT(*) FROM notifications WHERE delivered_at IS NOT NULL", &[])?
            .map_or(0, |r| r.int(0));
        Ok((pending, delivered))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_and_stops_growing_at_an_hour() {
        let waits: Vec<i64> = (1..=14).map(backoff).collect();
        assert_eq!(&waits[..5], &[2, 4, 8, 16, 32]);
        assert_eq!(waits[11], MAX_WAIT);
        assert!(waits.windows(2).all(|w| w[0] <= w[1]), "{waits:?}");
        assert_eq!(backoff(1000), MAX_WAIT);
    }

    #[test]
    fn a_channel_that_cannot_be_used_is_refused_when_the_server_starts() {
        let inbox = || "http://127.0.0.1:8080/coach".to_string();
        let webhook = |url: &str| Channels { webhook: Some(url.into()), mail: None, inbox: inbox() };
        for bad in ["ftp://example.org/x", "not a url", "/relative"] {
            let e = Notifier::new(webhook(bad)).err().unwrap();
            assert!(e.contains("--notify-webhook"), "{bad}: {e}");
        }
        assert!(Notifier::new(webhook("https://hooks.example.org/T0/B0/secret")).unwrap().is_some());
        let mail = |relay: &str, to: &[&str]| Channels {
            webhook: None,
            mail: Some(Mail {
                relay: relay.into(),
                from: "crossroads@example.org".into(),
                to: to.iter().map(|s| s.to_string()).collect(),
            }),
            inbox: inbox(),
        };
        assert!(Notifier::new(mail("nonsense", &["a@example.org"])).err().unwrap().contains("--notify-smtp"));
        assert!(
            Notifier::new(mail("smtp://relay:25", &["not an address"]))
                .err()
                .unwrap()
                .contains("--notify-to")
        );
        assert!(Notifier::new(mail("smtp://relay:25", &[])).err().unwrap().contains("at least one"));
        let both = Notifier::new(mail("smtp://relay:25", &["coach@example.org"])).unwrap().unwrap();
        assert_eq!(both.channels(), vec![EMAIL]);
        assert!(Notifier::new(Channels { webhook: None, mail: None, inbox: inbox() }).unwrap().is_none());
    }

    #[test]
    fn the_admin_sees_a_webhook_by_its_host_never_its_secret_path() {
        let channels = Channels {
            webhook: Some("https://hooks.example.org/T0/B0/secret".into()),
            mail: None,
            inbox: "https://coach.example.org/coach".into(),
        };
        let notifier = Notifier::new(channels).unwrap().unwrap();
        let t = crate::util::i18n::staff(None);
        assert_eq!(notifier.described(t), vec!["a webhook at hooks.example.org".to_string()]);
        assert!(notifier.text().ends_with("https://coach.example.org/coach"));
    }
}
