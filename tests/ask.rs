//! `crossroads ask` run for real in a pseudo-terminal: a whole intake typed in, its transcript
//! and saved answers locked; Ctrl-C and resume; the menus driven by keys.

mod common;

use std::path::Path;
use std::process::Command;

use crossroads::diag::Sources;
use crossroads::model::Kind;
use crossroads::{RuleSet, answers};
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

const TIMEOUT_MS: Option<u64> = Some(20_000);

fn spawn(dir: &Path, args: &[&str]) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crossroads"));
    // `cat` as the pager: the report goes through the pager's path, and nothing waits for keys.
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("PAGER", "cat")
        .env_remove("ACCESSIBLE");
    spawn_command(command, TIMEOUT_MS).expect("spawn crossroads in a pty")
}

/// Everything the terminal showed, with line ends as a file has them.
struct Transcript {
    session: PtySession,
    text: String,
}

impl Transcript {
    fn new(session: PtySession) -> Self {
        Transcript { session, text: String::new() }
    }

    fn expect(&mut self, needle: &str) {
        let before = self
            .session
            .exp_string(needle)
            .unwrap_or_else(|e| panic!("waiting for {needle:?}: {e}\n{}", self.text));
        self.text.push_str(&before);
        self.text.push_str(needle);
    }

    fn type_line(&mut self, line: &str) {
        self.session.send_line(line).unwrap();
    }

    /// Waits for a menu prompt to be drawn (its key hint is its last line), then presses keys.
    fn press(&mut self, prompt: &str, keys: &str) {
        self.expect(prompt);
        self.expect("]");
        self.session.send(keys).unwrap();
        self.session.flush().unwrap();
    }

    /// Waits for a text prompt and the default it shows, then types `keys`.
    fn reply(&mut self, prompt: &str, default: &str, keys: &str) {
        self.expect(prompt);
        self.expect(default);
        self.session.send(keys).unwrap();
        self.session.flush().unwrap();
    }

    /// Waits for the end and returns the exit code.
    fn finish(mut self) -> (i32, String) {
        let rest = self.session.exp_eof().unwrap();
        self.text.push_str(&rest);
        let code = match self.session.process().wait().unwrap() {
            WaitStatus::Exited(_, code) => code,
            other => panic!("not an exit: {other:?}"),
        };
        // rexpect hands over each byte as a char; put the UTF-8 back together.
        let bytes: Vec<u8> = self.text.chars().map(|c| c as u32 as u8).collect();
        (code, String::from_utf8(bytes).expect("the transcript is UTF-8").replace('\r', ""))
    }
}

/// At the review, carries on to the report and saves where proposed, without the report; the
/// exit code and screen.
fn accept_review_and_save(mut t: Transcript) -> (i32, String) {
    t.expect("Type the number of your answer: ");
    t.type_line("0");
    t.expect("Save your answers to [crossroads-answers.yaml]: ");
    t.type_line("");
    t.expect("Save this report too (Type y for yes or n for no): ");
    t.type_line("n");
    t.finish()
}

/// The same at the menus' review (not `--accessible`).
fn accept_menu_review_and_save(mut t: Transcript) -> (i32, String) {
    t.press("These are right: show my report", "\r");
    t.reply("Save your answers to", "(crossroads-answers.yaml)", "\r");
    t.reply("Save this report too", "(Yes)", "n\r");
    t.finish()
}

/// A pack in `dir/pack`: the mini pack with `from` replaced by `to`.
fn mini_pack_with(dir: &Path, from: &str, to: &str) {
    let pack = dir.join("pack");
    std::fs::create_dir(&pack).unwrap();
    let mini = std::fs::read_to_string("tests/packs-valid/mini/pack.yaml").unwrap();
    assert!(mini.contains(from));
    std::fs::write(pack.join("pack.yaml"), mini.replace(from, to)).unwrap();
}

/// What the plain prompter asks for a question of this kind.
fn prompt_for(kind: &Kind) -> &'static str {
    match kind {
        Kind::YesNo => "Type y for yes or n for no: ",
        Kind::Number { .. } => "Type a number: ",
        Kind::Text => "Type your answer: ",
        Kind::Multiple { .. } => "Type the numbers of your answers, separated by spaces: ",
        // A grid asks row by row: the first of the default pack's rows.
        Kind::Grid(_) => "Running today's work: ",
        _ => "Type the number of your answer: ",
    }
}

/// What Amara (tests/cases/ready-senior-leader) types, question by question.
const AMARA: &[(&str, &str)] = &[
    ("your_name", ""),
    ("your_email", ""),
    ("help_with", "4"),
    ("career_stage", "3"),
    ("mastered_basics", "5"),
    ("feel_stuck", "y"),
    ("who_not_what", "5"),
    ("same_feedback", "y"),
    ("transition", "y"),
    ("has_mentors", "y"),
    ("advice_or_exploration", "2"),
    ("right_way", "2"),
    ("tactics_or_transformation", "2"),
    ("chose_it", "1"),
    ("wants_support", "5"),
    ("desire_for_change", "5"),
    ("openness", "4"),
    ("introspective", "5"),
    ("time_between", "3"),
    ("goal_specific", "y"),
    ("goal", "Lead the new product org with less firefighting by June"),
    ("expected_pace", "3"),
    // A line per area, then one of her own, then an empty line: no more.
    ("area_balance", "7 50 25\n4 10 30\n6 25 25\n5 10 10\nHiring leads 5 5 10\n"),
    ("budget", "2"),
    ("manager_coach", "n"),
    ("peers_available", "n"),
    ("wants_community", "n"),
    ("signs", ""),
    ("daily_life_affected", "n"),
    ("self_harm", "n"),
    ("harm_others", "n"),
    ("coach_preferences", ""),
    ("anything_else", ""),
    ("share_in_totals", ""),
];

fn ruleset() -> RuleSet {
    common::default_pack(&mut Sources::default())
}

/// `ask --accessible` in `dir`, with Amara's first five answers typed in (her name and e-mail
/// address skipped, then three answers).
fn amara_started(dir: &Path, ruleset: &RuleSet) -> Transcript {
    let mut t = Transcript::new(spawn(dir, &["ask", "--accessible"]));
    type_answers(&mut t, ruleset, &AMARA[..5]);
    t.expect(prompt_for(&Kind::YesNo));
    t
}

fn type_answers(t: &mut Transcript, ruleset: &RuleSet, answers: &[(&str, &str)]) {
    for (id, typed) in answers {
        let question = &ruleset.questions[ruleset.question(id).unwrap()];
        t.expect(&first_words(&question.text.default));
        t.expect(prompt_for(&question.kind));
        t.type_line(typed);
    }
}

/// The words a question's text starts with, which its first line holds at any width tested
/// (the rest is wrapped between words).
fn first_words(text: &str) -> String {
    let mut words = String::new();
    for word in text.split_whitespace() {
        if words.len() + word.len() >= 40 {
            break;
        }
        if !words.is_empty() {
            words.push(' ');
        }
        words.push_str(word);
    }
    words
}

fn read_answers(ruleset: &RuleSet, path: &Path) -> crossroads::Answers {
    let mut sources = Sources::default();
    let file = sources.add(path.display().to_string(), std::fs::read_to_string(path).unwrap());
    answers::read(ruleset, &sources, file)
        .unwrap_or_else(|d| panic!("{}", common::diagnostics_text(&sources, &d)))
}

fn persona(ruleset: &RuleSet, name: &str) -> crossroads::Answers {
    read_answers(ruleset, &Path::new("tests/cases").join(name).join("answers.yaml"))
}

#[cfg(unix)]
fn assert_owner_only(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "{} is readable by others: {mode:o}", path.display());
}

#[test]
fn a_whole_intake_typed_in_gives_the_report_that_evaluate_gives() {
    let ruleset = ruleset();
    let dir = tempfile::tempdir().unwrap();
    let mut t = amara_started(dir.path(), &ruleset);
    // Back once, and the previous answer is offered again.
    t.type_line("b");
    t.expect("Press Enter to keep your answer: 5 (I have mastered them)");
    t.expect("Type the number of your answer: ");
    t.type_line("");
    type_answers(&mut t, &ruleset, &AMARA[5..]);
    t.expect("Your answers. Choose one to change it, or carry on to your report.");
    let (code, transcript) = accept_review_and_save(t);
    assert_eq!(code, 0, "{transcript}");

    let saved = dir.path().join("crossroads-answers.yaml");
    assert_owner_only(&saved);
    assert!(!dir.path().join("crossroads-progress.yaml").exists(), "progress is removed once saved");
    let answers = read_answers(&ruleset, &saved);
    assert_eq!(answers.values, persona(&ruleset, "ready-senior-leader").values);

    let evaluated = Command::new(env!("CARGO_BIN_EXE_crossroads"))
        .args(["evaluate", saved.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let report = String::from_utf8(evaluated.stdout).unwrap();
    assert!(report.contains("What fits you now: Coaching"));
    // The same words; `ask` wraps them to the terminal, one column short of its 80.
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words(&transcript).contains(&words(&report)), "ask shows the report evaluate gives:\n{report}");

    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"[0-9a-f]{64}", "[pack-hash]");
    settings.add_filter(r"sha256 [0-9a-f]{12}", "sha256 [pack-hash]");
    settings.bind(|| {
        insta::assert_snapshot!("transcript", transcript);
        insta::assert_snapshot!("saved_answers", std::fs::read_to_string(&saved).unwrap());
    });
}

#[test]
fn ctrl_c_saves_says_how_to_carry_on_and_resume_finishes_the_intake() {
    let ruleset = ruleset();
    let dir = tempfile::tempdir().unwrap();
    let mut t = amara_started(dir.path(), &ruleset);
    t.session.send_control('c').unwrap();
    let (code, transcript) = t.finish();
    assert_eq!(code, 130, "{transcript}");
    assert!(
        transcript.contains("To carry on: crossroads ask --resume crossroads-progress.yaml --accessible"),
        "{transcript}"
    );
    let progress = dir.path().join("crossroads-progress.yaml");
    assert_owner_only(&progress);
    let saved = read_answers_lenient(&ruleset, &progress);
    assert_eq!(saved, 3, "the three answers given are saved");

    let mut t =
        Transcript::new(spawn(dir.path(), &["ask", "--accessible", "--resume", "crossroads-progress.yaml"]));
    // What was skipped before the last answer (the name and e-mail address) was passed over:
    // the intake carries on where it stopped.
    t.expect("Question 6 of 42");
    type_answers(&mut t, &ruleset, &AMARA[5..]);
    let (code, transcript) = accept_review_and_save(t);
    assert_eq!(code, 0, "{transcript}");
    let answers = read_answers(&ruleset, &dir.path().join("crossroads-answers.yaml"));
    assert_eq!(answers.values, persona(&ruleset, "ready-senior-leader").values);
}

/// How many answers a progress file holds (it is incomplete, so `read` would refuse it).
fn read_answers_lenient(ruleset: &RuleSet, path: &Path) -> usize {
    let mut sources = Sources::default();
    let file = sources.add("p", std::fs::read_to_string(path).unwrap());
    let raw = answers::parse(&sources, file).unwrap();
    let (kept, dropped) = answers::salvage(ruleset, file, &raw.answers, None);
    assert!(dropped.is_empty());
    kept.values.iter().flatten().count()
}

#[test]
fn support_is_shown_at_once_and_the_person_may_stop_there_with_the_support_last() {
    let ruleset = ruleset();
    let dir = tempfile::tempdir().unwrap();
    let mut t = Transcript::new(spawn(dir.path(), &["ask", "--accessible"]));
    let mut crisis: Vec<(&str, &str)> = AMARA[..29].to_vec();
    crisis.push(("self_harm", "y"));
    type_answers(&mut t, &ruleset, &crisis);
    t.expect("Please reach out for support now");
    t.expect("988");
    t.expect("Stop here");
    t.expect("Type the number of your answer: ");
    t.type_line("2");
    let (code, transcript) = t.finish();
    assert_eq!(code, 0, "{transcript}");
    assert!(!transcript.contains("Anything else you would like"), "nothing is asked after stopping");
    assert!(transcript.contains("crossroads ask --resume crossroads-progress.yaml"), "{transcript}");
    assert_owner_only(&dir.path().join("crossroads-progress.yaml"));
    // The last words on screen are where to get help, after the command to carry on.
    let resume = transcript.rfind("--resume").expect("how to carry on is said");
    let after = &transcript[resume..];
    assert!(
        after.contains("these are there for you") && after.contains("988"),
        "support comes last: {after}"
    );
    let last = transcript.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(!last.contains("crossroads ask"), "the last line is not a command: {last}");
}

#[test]
fn the_menus_answer_with_keys_and_esc_goes_back() {
    let dir = tempfile::tempdir().unwrap();
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/packs-valid/mini");
    let mut t = Transcript::new(spawn(dir.path(), &["ask", "--rules", rules.to_str().unwrap()]));
    t.press("Do you want it?", "y\r");
    t.press("How much?", "\x1b[B\x1b[B\r"); // down, down: 3
    t.press("Pick one", "\x1b"); // Esc: back to "How much?", 3 still chosen
    t.press("How much?", "\x1b[B\r"); // down from 3: 4
    t.press("Pick one", "\r");
    t.press("Anything else?", "hello\r");
    t.press("These are right: show my report", "\r");
    t.reply("Save your answers to", "(crossroads-answers.yaml)", "\r");
    t.reply("Save this report too", "(Yes)", "\r"); // yes, the default
    t.reply("Save the report to", "(crossroads-report.html)", "\r");
    t.expect("What next:");
    let (code, transcript) = t.finish();
    assert_eq!(code, 0, "{transcript}");
    assert!(transcript.contains("(back)"), "Esc went back: {transcript}");
    assert!(transcript.contains("Do you want it? (y/n)"), "yes/no shows its keys: {transcript}");
    let report = dir.path().join("crossroads-report.html");
    assert_owner_only(&report);
    assert!(
        std::fs::read_to_string(&report).unwrap().starts_with("<!DOCTYPE html>"),
        "the report, as a page"
    );
    let saved = std::fs::read_to_string(dir.path().join("crossroads-answers.yaml")).unwrap();
    assert!(saved.contains("wants: true") && saved.contains("level: 4"), "{saved}");
    assert!(saved.contains("pick: a") && saved.contains("note: hello"), "{saved}");
}

#[test]
fn an_opening_screen_says_what_this_is_and_nothing_is_saved_before_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = Transcript::new(spawn(dir.path(), &["ask", "--accessible"]));
    t.expect("It is a screen, not a diagnosis.");
    t.expect("42 questions, about 14 minutes.");
    t.expect("crossroads-progress.yaml, a file only you can read");
    t.expect("Ctrl-C stops");
    t.expect("Question 1 of 42");
    t.expect("Your name");
    t.expect(prompt_for(&Kind::Text));
    t.session.send_control('c').unwrap();
    let (code, transcript) = t.finish();
    assert_eq!(code, 130, "{transcript}");
    assert!(transcript.contains("nothing was saved"), "{transcript}");
    assert!(!transcript.contains("--resume"), "no file to resume: {transcript}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no progress file is left");
}

#[test]
fn an_optional_yes_no_is_skipped_with_enter_and_long_texts_wrap_between_words() {
    let dir = tempfile::tempdir().unwrap();
    let long = "Would you say that the situation you are in today, at work and around it, is one you would like to talk through with someone who listens well?";
    mini_pack_with(
        dir.path(),
        "  - id: wants\n    kind: yes_no\n    text: Do you want it?\n",
        &format!("  - id: wants\n    kind: yes_no\n    required: false\n    text: {long}\n"),
    );
    let mut t = Transcript::new(spawn(dir.path(), &["ask", "--rules", "pack"]));
    t.press("to skip)", "\r");
    t.press("How much?", "\r");
    t.press("Pick one", "\r");
    let (code, transcript) = accept_menu_review_and_save(t);
    assert_eq!(code, 0, "{transcript}");
    let saved = std::fs::read_to_string(dir.path().join("crossroads-answers.yaml")).unwrap();
    assert!(!saved.contains("wants:"), "skipped, so not answered: {saved}");
    // The long question reaches the terminal already cut between words, within 80 columns.
    let first_words = "Would you say that the situation";
    let at = transcript.find(first_words).expect("the question is shown");
    let shown: Vec<&str> = transcript[at..].lines().take(3).collect();
    assert!(shown[0].len() <= 80 && shown.len() > 1, "{shown:?}");
    assert!(
        long.starts_with(&format!("{} {}", shown[0].trim_end(), shown[1].split_whitespace().next().unwrap())),
        "{shown:?}"
    );
}

/// A checklist says how to tick (Space) before anything else, and ticking works.
#[test]
fn a_checklist_says_space_ticks() {
    let dir = tempfile::tempdir().unwrap();
    mini_pack_with(
        dir.path(),
        "  - id: note\n",
        "  - id: extras\n    kind: multiple\n    required: false\n    text: Which of these?\n    options:\n      - {value: x, label: Ex}\n      - {value: y, label: Why}\n  - id: note\n",
    );
    let mut t = Transcript::new(spawn(dir.path(), &["ask", "--rules", "pack"]));
    t.press("Do you want it?", "y\r");
    t.press("How much?", "\r");
    t.press("Pick one", "\r");
    t.expect("Which of these?");
    t.press("Space ticks or unticks an answer", " \r");
    t.press("Anything else?", "\r");
    let (code, transcript) = accept_menu_review_and_save(t);
    assert_eq!(code, 0, "{transcript}");
    let saved = std::fs::read_to_string(dir.path().join("crossroads-answers.yaml")).unwrap();
    assert!(saved.contains("extras:") && saved.contains("- x"), "Space ticked the first: {saved}");
}

/// A terminal closed under `ask` (its window shut, the connection dropped) ends it, its answers
/// already saved: the kernel's SIGHUP reaches a handler that can no longer print, which must
/// still end the process rather than leave the menus spinning on a terminal that is gone.
#[cfg(unix)]
#[test]
fn closing_the_terminal_ends_ask() {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::process::CommandExt;

    let dir = tempfile::tempdir().unwrap();
    let (mut master, mut slave) = (0, 0);
    let opened = unsafe {
        libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), std::ptr::null())
    };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    // Neither end leaks into the child: the terminal is closed when this test closes it.
    for fd in [master, slave] {
        assert_eq!(unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) }, 0);
    }
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut command = Command::new(env!("CARGO_BIN_EXE_crossroads"));
    command
        .arg("ask")
        .current_dir(dir.path())
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env_remove("ACCESSIBLE")
        .stdin(slave.try_clone().unwrap())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave.try_clone().unwrap());
    // A session of its own, with the pseudo-terminal as its controlling terminal, as a shell
    // in a terminal window has: closing the terminal then hangs it up.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().unwrap();
    drop((command, slave));
    let mut terminal = std::fs::File::from(master);
    let mut shown = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&shown).contains("stop.]") {
        let n = terminal.read(&mut buffer).expect("the first question is drawn");
        assert!(n > 0, "{}", String::from_utf8_lossy(&shown));
        shown.extend_from_slice(&buffer[..n]);
    }
    let pid = child.id() as libc::pid_t;
    let (done, ended) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(child.wait().unwrap()));
    drop(terminal);
    let status = ended.recv_timeout(std::time::Duration::from_secs(20));
    if status.is_err() {
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    let status = status.expect("ask still runs 20 s after its terminal was closed");
    assert_eq!(status.code(), Some(130), "{status:?}");
}
