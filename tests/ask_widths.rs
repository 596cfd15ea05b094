//! `crossroads ask` as terminals of 60, 80 and 120 columns show it, emulated from the bytes it
//! writes: every line it draws (the opening, each question's menu and help, the answered lines,
//! the review, the report) ends before the last column, so no word is broken across lines; the
//! title is still on a 24-row screen when question 1 is asked.

mod common;

use std::path::Path;
use std::process::Command;

use crossroads::diag::Sources;
use crossroads::{Answer, RuleSet};
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

const WIDTHS: [u16; 3] = [60, 80, 120];
const ROWS: u16 = 24;
/// The end of every question's help and of the review's: the frame is drawn once it is seen.
const DRAWN: &str = "stop.]";
const TITLE: &str = "Which support fits you now";
const REVIEW: &str = "These are right: show my report";
/// The review's own prompt, as inquire draws it: a question's prompt never starts so.
const REVIEW_PROMPT: &str = "? Your answers.";

/// `ask` in a pseudo-terminal of `width` columns, and the screen it draws.
struct Terminal {
    session: PtySession,
    screen: vt100::Parser,
    width: u16,
}

impl Terminal {
    fn start(dir: &Path, width: u16, args: &[&str]) -> Self {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("stty cols {width} rows {ROWS} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_crossroads"))
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env("PAGER", "cat")
            .env_remove("COLUMNS")
            .env_remove("ACCESSIBLE");
        let session = spawn_command(command, Some(20_000)).expect("spawn crossroads in a pty");
        Terminal { session, screen: vt100::Parser::new(ROWS, width, 10_000), width }
    }

    /// Waits for `needle`, and returns what was drawn up to it.
    fn expect(&mut self, needle: &str) -> String {
        let before = self.session.exp_string(needle).unwrap_or_else(|e| {
            panic!(
                "at {} columns, waiting for {needle:?}: {e}\n{}",
                self.width,
                self.screen.screen().contents()
            )
        });
        // rexpect hands over each byte as a char.
        let bytes: Vec<u8> = before.chars().chain(needle.chars()).map(|c| c as u32 as u8).collect();
        self.screen.process(&bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn keys(&mut self, keys: &str) {
        self.session.send(keys).unwrap();
        self.session.flush().unwrap();
    }

    /// Every row on screen ends before the last column: a row that reaches it was either cut
    /// by the terminal or by inquire, inside a word, or fills the screen to its edge.
    /// The line being typed on (from the prompt to the cursor) is left out: it is the person's
    /// own typing, which a terminal's line editing wraps where the line ends; once answered,
    /// the prompt and answer are checked like any other line.
    fn assert_fits(&self, when: &str) {
        let screen = self.screen.screen();
        let last = self.width - 1;
        let rows: Vec<String> = screen.rows(0, self.width).collect();
        let (cursor, _) = screen.cursor_position();
        let typing =
            (0..=cursor).rev().find(|&r| rows[r as usize].starts_with("? ")).map(|start| start..=cursor);
        for row in (0..ROWS).filter(|r| !typing.as_ref().is_some_and(|t| t.contains(r))) {
            let edge = screen.cell(row, last).map(|c| c.contents()).unwrap_or_default();
            if !edge.trim().is_empty() {
                let text = &rows[row as usize];
                panic!(
                    "at {} columns, {when}: row {row} reaches the last column:\n{text}\n\nscreen:\n{}",
                    self.width,
                    screen.contents()
                );
            }
        }
    }

    /// The same for everything the terminal still holds, scrolled back a screen at a time.
    fn assert_all_fits(&mut self, when: &str) {
        let mut offset = 0;
        loop {
            self.screen.screen_mut().set_scrollback(offset);
            if self.screen.screen().scrollback() < offset {
                break;
            }
            self.assert_fits(&format!("{when}, {offset} rows back"));
            offset += ROWS as usize;
        }
        self.screen.screen_mut().set_scrollback(0);
    }

    fn finish(mut self) -> i32 {
        let rest = self.session.exp_eof().unwrap();
        let bytes: Vec<u8> = rest.chars().map(|c| c as u32 as u8).collect();
        self.screen.process(&bytes);
        self.assert_all_fits("at the end");
        match self.session.process().wait().unwrap() {
            WaitStatus::Exited(_, code) => code,
            other => panic!("not an exit: {other:?}"),
        }
    }
}

#[test]
fn the_opening_and_question_one_fit_and_the_title_is_still_on_screen() {
    for width in WIDTHS {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Terminal::start(dir.path(), width, &["ask"]);
        t.expect("Question 1 of 42");
        t.expect(DRAWN);
        t.assert_fits("at question 1");
        let shown = t.screen.screen().contents();
        assert!(shown.contains(TITLE), "at {width} columns the title scrolled away:\n{shown}");
        t.session.send_control('c').unwrap();
        assert_eq!(t.finish(), 130);
    }
}

/// Ana, who named areas of her own in the grid, with every question shown answered (long
/// texts among them): `ask --resume` opens on the review.
fn answered_throughout(ruleset: &RuleSet) -> crossroads::Answers {
    let (_, mut answers) = common::personas(ruleset, &mut Sources::default())
        .into_iter()
        .find(|(dir, _)| dir.ends_with("balance-of-her-own-areas"))
        .expect("the persona who names her own areas");
    let long = "I would like to talk about how I divide my week between the clinic and the residents, and about whether I should apply for the head of department role next spring.";
    for (id, answer) in [
        ("your_name", Answer::Text("Ana María Fernández-Lindqvist".into())),
        ("your_email", Answer::Text("ana.fernandez-lindqvist@hospital.example".into())),
        ("signs", Answer::Multi(0b10)),
        ("coach_preferences", Answer::Bool(false)),
        ("anything_else", Answer::Text(long.into())),
        ("share_in_totals", Answer::Bool(true)),
    ] {
        let i = ruleset.question(id).unwrap();
        assert!(answers.values[i].is_none(), "{id} was answered");
        answers.values[i] = Some(answer);
    }
    let missing: Vec<&str> = (0..ruleset.questions.len())
        .filter(|&i| answers.is_shown(ruleset, i) && answers.values[i].is_none())
        .map(|i| ruleset.questions[i].id.as_str())
        .collect();
    assert!(missing.is_empty(), "unanswered: {missing:?}");
    answers
}

/// Every question opened from the review and kept as it is (Enter), at each width: its menu or
/// prompt with its help, its answered line and the review fit; then the report and saving.
#[test]
fn every_menu_answered_line_review_and_the_report_fit() {
    let ruleset = common::default_pack(&mut Sources::default());
    let answers = answered_throughout(&ruleset);
    let shown: Vec<usize> = (0..ruleset.questions.len()).filter(|&i| answers.is_shown(&ruleset, i)).collect();
    for width in WIDTHS {
        let work = tempfile::tempdir().unwrap();
        std::fs::write(work.path().join("answers.yaml"), crossroads::answers::document(&ruleset, &answers))
            .unwrap();
        let mut t = Terminal::start(work.path(), width, &["ask", "--resume", "answers.yaml"]);
        t.expect(REVIEW);
        t.expect(DRAWN);
        t.assert_fits("at the review");
        for (row, &index) in shown.iter().enumerate() {
            let question = format!("Question {} of 42", index + 1);
            t.keys(&format!("{}\r", "\x1b[B".repeat(row + 1)));
            t.expect(&question);
            // A grid asks a line per row: Enter keeps each, until the review is back.
            loop {
                if t.expect(DRAWN).contains(REVIEW_PROMPT) {
                    break;
                }
                t.assert_fits(&question);
                t.keys("\r");
            }
            t.assert_fits(&format!("back at the review from {question}"));
        }
        t.keys("\r");
        t.expect("Save your answers to");
        t.keys("\r");
        t.expect("Save this report too");
        t.keys("n\r");
        assert_eq!(t.finish(), 0, "at {width} columns");
        let saved = std::fs::read_to_string(work.path().join("crossroads-answers.yaml")).unwrap();
        let mut sources = Sources::default();
        let file = sources.add("crossroads-answers.yaml", saved.clone());
        let kept = crossroads::answers::read(&ruleset, &sources, file).expect("the saved answers read");
        assert_eq!(kept.values, answers.values, "at {width} columns, Enter kept every answer:\n{saved}");
    }
}
