//! Word of an urgent submission, as the real binary sends it: to a webhook and through an SMTP
//! relay, each a receiver started by the test. Exactly one notification a submission, with
//! nothing about the person in it, retried while the receiver is down, failures on the admin's
//! page.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::intake::{Person, fields, persona};
use common::staff::{Browser, server_with};
use crossroads::RuleSet;
use crossroads::diag::Sources;

const NAME: &str = "Dana Whitfield";
const EMAIL: &str = "dana.whitfield@example.org";

/// A port that nothing listens on now (the receiver is down until the test starts it there).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Answers each HTTP request on `listener` with 200, sending its head and body to the test.
fn http_receiver(listener: TcpListener) -> mpsc::Receiver<(String, String)> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            while reader.read_line(&mut head).is_ok_and(|n| n > 2) {}
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
                })
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = reader
                .get_mut()
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = tx.send((head, String::from_utf8_lossy(&body).into_owned()));
        }
    });
    rx
}

/// A relay that accepts every message (SMTP without TLS, as on a local test), sending each
/// message's envelope and data to the test.
fn smtp_receiver(listener: TcpListener) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let mut writer = stream.try_clone().unwrap();
            let mut reader = BufReader::new(stream);
            let mut say = |line: &str| writer.write_all(format!("{line}\r\n").as_bytes());
            let _ = say("220 relay.test ESMTP");
            let mut message = String::new();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                let command = line.trim_end().to_ascii_uppercase();
                message.push_str(&line);
                let _ = if command.starts_with("EHLO") || command.starts_with("HELO") {
                    say("250 relay.test")
                } else if command == "DATA" {
                    let _ = say("354 go on");
                    let mut data = String::new();
                    while reader.read_line(&mut data).is_ok_and(|n| n > 0) && !data.ends_with("\r\n.\r\n") {}
                    message.push_str(&data);
                    say("250 kept")
                } else if command == "QUIT" {
                    let _ = say("221 bye");
                    break;
                } else {
                    say("250 ok")
                };
                line.clear();
            }
            let _ = tx.send(message);
        }
    });
    rx
}

/// Waits until the admin's page says `what` (the server's own report of its outbox).
fn admin_says(admin: &Browser, what: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let page = admin.get("/admin").body;
        if page.contains(what) {
            return page;
        }
        assert!(Instant::now() < deadline, "the admin's page never said {what:?}: {page}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Everything a notification must not hold: the person's name and address, every question's
/// id, every kind of support, every answer a flag raises on.
fn assert_says_nothing_about_anyone(ruleset: &RuleSet, text: &str) {
    for private in [NAME, "Whitfield", EMAIL, "self_harm"] {
        assert!(!text.contains(private), "{private:?} in {text}");
    }
    for q in &ruleset.questions {
        assert!(!text.contains(&format!("\"{}\"", q.id)), "{} in {text}", q.id);
    }
    for m in &ruleset.modalities {
        let name = m.name.default.to_lowercase();
        assert!(!text.to_lowercase().contains(&name), "{name} in {text}");
    }
}

fn notifications(store: &Path) -> i64 {
    rusqlite::Connection::open(store)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM notifications", [], |r| r.get(0))
        .unwrap()
}

fn named(ruleset: &RuleSet, urgent: bool, note: &str) -> Vec<(String, String)> {
    let calm = persona(ruleset, "wants-tactics");
    let mut changes: Vec<(&str, &[&str])> = vec![("your_name", &[NAME]), ("your_email", &[EMAIL])];
    if urgent {
        changes.push(("self_harm", &["true"]));
    }
    let mut out = fields(ruleset, &calm, &changes);
    // A free text that differs, so that the same form sent again is a new revision.
    if let Some(text) = ruleset.questions.iter().find(|q| q.id == "anything_else") {
        out.push((crossroads::serve::form::field(text), note.to_string()));
    }
    out
}

#[test]
fn an_urgent_submission_reaches_the_webhook_once_with_nothing_about_the_person() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let hook = format!("http://127.0.0.1:{port}/hook/secret-path");
    let public = "https://coach.example.org";
    let (_server, at, store) = server_with(dir.path(), &["--notify-webhook", &hook, "--public-url", public]);
    let ruleset = common::default_pack(&mut Sources::default());
    let admin = Browser::signed_in(at, "ada");

    // A calm submission sends nothing; an urgent one queues its word with it.
    assert_eq!(Person::arrive(at).post(&named(&ruleset, false, "first"), "submit").status, 200);
    assert_eq!(notifications(&store), 0);
    let person = Person::arrive(at);
    assert_eq!(person.post(&named(&ruleset, true, "first"), "submit").status, 200);
    assert_eq!(notifications(&store), 1);

    // The receiver is down: the failure is on the admin's page, by the webhook's host only.
    let page = admin_says(&admin, r#"<td data-label="Channel">webhook</td><td data-label="Attempts">1</td>"#);
    assert!(page.contains("1 not delivered yet"), "{page}");
    assert!(page.contains("a webhook at 127.0.0.1") && !page.contains("secret-path"), "{page}");
    assert!(page.contains("Connection refused"), "the last error, for the admin: {page}");

    // Up again: the word arrives, retried without anyone asking.
    let received = http_receiver(TcpListener::bind(("127.0.0.1", port)).unwrap());
    let (head, body) = received.recv_timeout(Duration::from_secs(120)).expect("the retried notification");
    assert!(head.starts_with("POST /hook/secret-path HTTP/1.1"), "{head}");
    assert!(head.to_ascii_lowercase().contains("idempotency-key: "), "{head}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["event", "inbox", "text"], "{body}");
    assert_eq!(json["inbox"], format!("{public}/coach"));
    assert!(json["text"].as_str().unwrap().ends_with(&format!("{public}/coach")), "{body}");
    assert_says_nothing_about_anyone(&ruleset, &body);
    admin_says(&admin, "1 delivered");

    // The same person sends changed answers, still urgent: no second word about them.
    assert_eq!(person.post(&named(&ruleset, true, "changed"), "submit").status, 200);
    assert_eq!(notifications(&store), 1, "a revision is not a new notification");
    // Another urgent person: their own word, and only theirs.
    assert_eq!(Person::arrive(at).post(&named(&ruleset, true, "other"), "submit").status, 200);
    assert_eq!(notifications(&store), 2);
    let (_, second) = received.recv_timeout(Duration::from_secs(120)).expect("the second person's word");
    assert_says_nothing_about_anyone(&ruleset, &second);
    let page = admin_says(&admin, "2 delivered");
    assert!(!page.contains("not delivered yet"), "{page}");
    assert!(received.try_recv().is_err(), "one notification a submission");
}

#[test]
fn an_urgent_submission_is_mailed_through_the_relay_with_nothing_about_the_person() {
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let relay = format!("smtp://{}", listener.local_addr().unwrap());
    let mails = smtp_receiver(listener);
    let more = [
        "--notify-smtp",
        relay.as_str(),
        "--notify-from",
        "crossroads@example.org",
        "--notify-to",
        "on-call@example.org",
        "--notify-to",
        "lead@example.org",
    ];
    let (_server, at, _) = server_with(dir.path(), &more);
    let ruleset = common::default_pack(&mut Sources::default());
    assert_eq!(Person::arrive(at).post(&named(&ruleset, true, "first"), "submit").status, 200);
    let mail = mails.recv_timeout(Duration::from_secs(60)).expect("the mail");
    assert!(
        mail.contains("RCPT TO:<on-call@example.org>") && mail.contains("RCPT TO:<lead@example.org>"),
        "{mail}"
    );
    assert!(mail.contains("Subject: crossroads: an urgent submission needs attention"), "{mail}");
    let inbox = format!("http://{at}/coach");
    assert!(mail.contains(&inbox), "the inbox's address, the listened one without --public-url: {mail}");
    assert_says_nothing_about_anyone(&ruleset, &mail);
    admin_says(&Browser::signed_in(at, "ada"), "1 delivered");
}

#[test]
fn notifications_that_cannot_be_sent_are_refused_when_the_server_starts() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store.sqlite");
    let store = store.to_str().unwrap();
    for (args, says) in [
        (vec!["--notify-webhook", "ftp://example.org/x", "--store", store], "an http:// or https:// URL"),
        (vec!["--notify-webhook", "https://example.org/x"], "--store"),
        (vec!["--notify-smtp", "smtp://relay:25", "--store", store], "--notify-from"),
    ] {
        let mut all = vec!["serve", "--listen", "127.0.0.1:0"];
        all.extend(args.iter());
        let out = common::crossroads(&all, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = common::text(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}
