//! The questionnaire's logic, driven by a scripted prompter: order and skipping, going back,
//! review and change, dropping hidden answers, urgent support shown at once, saving after
//! every answer, resuming, and resuming after the pack changed.

mod common;

use std::collections::{HashMap, VecDeque};
use std::path::Path;

use crossroads::diag::Sources;
use crossroads::intake::{Intake, Interrupt, Outcome, Prompter, Reply, Review, ReviewRow, Step};
use crossroads::report::Report;
use crossroads::{Answer, Answers, RuleSet, answers, embedded, pack};
use serde_json::Value;

/// Something the script does when a given question comes up (instead of answering it).
enum Event {
    Answer(Value),
    Back,
    Interrupt,
}

struct Script<'a> {
    ruleset: &'a RuleSet,
    /// How to answer any question that comes up, by id.
    answers: HashMap<String, Value>,
    /// Consumed in order: at the named question, do this instead.
    events: VecDeque<(&'static str, Event)>,
    /// Consumed in order at each review; when empty, the review is done.
    changes: VecDeque<&'static str>,
    /// Whether to carry on when support is shown.
    carry_on: bool,
    /// What happened, in order: `ask <id> <n>/<m> [current]`, `urgent`, `review`.
    log: Vec<String>,
}

impl<'a> Script<'a> {
    fn new(ruleset: &'a RuleSet, persona: &str) -> Self {
        let mut sources = Sources::default();
        let path = Path::new("tests/cases").join(persona).join("answers.yaml");
        let file = sources.add("a.yaml", std::fs::read_to_string(path).unwrap());
        let raw = answers::parse(&sources, file).unwrap();
        let answers = raw.answers.value.0.iter().map(|(k, v)| (k.value.clone(), v.value.clone())).collect();
        Script {
            ruleset,
            answers,
            events: VecDeque::new(),
            changes: VecDeque::new(),
            carry_on: true,
            log: Vec::new(),
        }
    }

    fn asked(&self) -> Vec<&str> {
        self.log.iter().filter_map(|l| l.strip_prefix("ask ")).map(|l| l.split(' ').next().unwrap()).collect()
    }
}

impl Prompter for Script<'_> {
    fn ask(&mut self, step: &Step) -> Result<Reply, Interrupt> {
        let id = step.question.id.as_str();
        let current = step.current.as_ref().map_or(String::new(), |a| format!(" [{a:?}]"));
        self.log.push(format!("ask {id} {}/{}{current}", step.number, step.total));
        let value = match self.events.front() {
            Some((at, _)) if *at == id => match self.events.pop_front().unwrap().1 {
                Event::Back => return Ok(Reply::Back),
                Event::Interrupt => return Err(Interrupt::Interrupted),
                Event::Answer(v) => v,
            },
            _ => self.answers.get(id).cloned().unwrap_or(Value::Null),
        };
        let question = &self.ruleset.questions[step.index];
        Ok(Reply::Answer(answers::from_value(question, &value).unwrap()))
    }

    fn urgent(&mut self, report: &Report) -> Result<bool, Interrupt> {
        assert!(report.urgent && !report.support.is_empty(), "support is shown with the urgent flag");
        self.log.push("urgent".into());
        Ok(self.carry_on)
    }

    fn review(&mut self, rows: &[ReviewRow]) -> Result<Review, Interrupt> {
        self.log.push("review".into());
        Ok(match self.changes.pop_front() {
            Some(id) => {
                Review::Change(rows.iter().find(|r| r.question.id == id).expect("shown in review").index)
            }
            None => Review::Done,
        })
    }

    fn confirm(&mut self, _: &str, default: bool) -> Result<bool, Interrupt> {
        Ok(default)
    }

    fn path(&mut self, _: &str, default: &str) -> Result<String, Interrupt> {
        Ok(default.to_string())
    }

    fn say(&mut self, text: &str) -> Result<(), Interrupt> {
        self.log.push(format!("say {text}"));
        Ok(())
    }
}

fn ruleset() -> RuleSet {
    common::default_pack(&mut Sources::default())
}

/// Runs an intake from `start` and returns it with every saved state.
fn run<'r>(
    ruleset: &'r RuleSet,
    script: &mut Script,
    start: Answers,
) -> (Intake<'r>, Result<Outcome, Interrupt>, Vec<Answers>) {
    let mut intake = Intake::new(ruleset, start, None);
    let mut saves = Vec::new();
    let outcome = intake.run(script, &mut |a: &Answers| {
        saves.push(a.clone());
        Ok(())
    });
    (intake, outcome, saves)
}

fn value<'a>(ruleset: &RuleSet, answers: &'a Answers, id: &str) -> Option<&'a Answer> {
    answers.values[ruleset.question(id).unwrap()].as_ref()
}

#[test]
fn asks_in_order_skipping_hidden_questions_numbered_as_in_the_pack() {
    let ruleset = ruleset();
    let mut script = Script::new(&ruleset, "hidden-answer"); // goal_specific: false
    let (intake, outcome, saves) = run(&ruleset, &mut script, Answers::default());
    assert_eq!(outcome, Ok(Outcome::Complete));
    let asked = script.asked();
    // Hidden by its answers: the goal (goal_specific: false), and the coach preferences (no
    // wish to give them).
    let hidden = [
        "goal",
        "coach_style",
        "coach_approach",
        "coach_structure",
        "coach_languages",
        "coach_fee",
        "coach_background",
        "coach_gender",
        "coach_age",
    ];
    let expected: Vec<&str> =
        ruleset.questions.iter().map(|q| q.id.as_str()).filter(|id| !hidden.contains(id)).collect();
    assert_eq!(asked, expected, "every shown question, in the pack's order, once");
    assert_eq!(script.log[0], "ask your_name 1/42");
    assert!(script.log.contains(&"ask anything_else 41/42".to_string()), "{:?}", script.log);
    assert_eq!(script.log.last().unwrap(), "review");
    assert_eq!(saves.len(), expected.len(), "saved after every answer");
    assert_eq!(value(&ruleset, intake.answers(), "goal"), None);
}

#[test]
fn the_count_stays_the_same_when_an_answer_shows_a_question() {
    let ruleset = ruleset();
    let mut script = Script::new(&ruleset, "ready-senior-leader"); // goal_specific: true
    let (_, outcome, _) = run(&ruleset, &mut script, Answers::default());
    assert_eq!(outcome, Ok(Outcome::Complete));
    assert!(script.log.contains(&"ask goal_specific 20/42".to_string()), "{:?}", script.log);
    assert!(script.log.contains(&"ask goal 21/42".to_string()), "{:?}", script.log);
}

#[test]
fn back_returns_to_the_previous_question_with_its_answer_filled_in() {
    let ruleset = ruleset();
    let mut script = Script::new(&ruleset, "ready-senior-leader");
    script.events.push_back(("mastered_basics", Event::Back));
    script.events.push_back(("career_stage", Event::Answer(Value::from("mid"))));
    let (intake, outcome, _) = run(&ruleset, &mut script, Answers::default());
    assert_eq!(outcome, Ok(Outcome::Complete));
    assert_eq!(
        &script.log[2..7],
        [
            "ask help_with 3/42",
            "ask career_stage 4/42",
            "ask mastered_basics 5/42",
            "ask career_stage 4/42 [Choice(2)]",
            "ask mastered_basics 5/42",
        ]
    );
    assert_eq!(value(&ruleset, intake.answers(), "career_stage"), Some(&Answer::Choice(1)));
}

#[test]
fn back_on_the_first_question_asks_it_again() {
    let ruleset = ruleset();
    let mut script = Script::new(&ruleset, "ready-senior-leader");
    script.events.push_back(("your_name", Event::Back));
    let (_, outcome, _) = run(&ruleset, &mut script, Answers::default());
    assert_eq!(outcome, Ok(Outcome::Complete));
    assert_eq!(&script.log[..2], ["ask your_name 1/42", "ask your_name 1/42"]);
}

#[test]
fn the_review_changes_an_answer_and_comes_back() {
    let ruleset = ruleset();
    let mut script = Script::new(&ruleset, "ready-senior-leader");
    script.changes.push_back("budget");
    script.events.push_back(("budget", Event::Answer(Value::from("sponsor")))); // first time
    script.events.push_back(("budget", Event::Answer(Value::from("none")))); // the change
    let (intake, outcome, _) = run(&ruleset, &mut script, Answers::default());
    assert_eq!(outcome, Ok(Outcome::Complete));
    let tail: Vec<&str> = script.log.iter().rev().take(3).map(String::as_str).collect();
    assert_eq!(tail, ["review", "ask budget 24/42 [Choice(1)]", "review"]);
    let none = ruleset.questions[ruleset.question("budget").unwrap()]
        .kind
        .options()
        .iter()
        .position(|o| o.value == "none");
    assert_eq!(value(&ruleset, intake.answers(), "budget"), Some(&Answer::Choice(none.unwrap())));
}

#[test]
fn changing_an_answer_that_hides_a_question_drops_its_answer_and_showing_it_asks_again() {
    let ruleset = ruleset();
    let mut script = Script::new(&ruleset, "ready-senior-leader");
    script.changes.extend(["goal_specific", "goal_specific"]);
    script.events.push_back(("goal_specific", Event::Answer(Value::Bool(true))));
    script.events.push_back(("goal_specific", Event::Answer(Value::Bool(false))));
    script.events.push_back(("goal_specific", Event::Answer(Value::Bool(true))));
    script.events.push_back(("goal", Event::Answer(Value::from("A new goal"))));
    let mut saves_after_hiding = None;
    let mut intake = Intake::new(&ruleset, Answers::default(), None);
    let goal = ruleset.question("goal").unwrap();
    let goal_specific = ruleset.question("goal_specific").unwrap();
    // The first save once the answer that shows the goal is changed to "no".
    let outcome = intake.run(&mut script, &mut |a: &Answers| {
        if saves_after_hiding.is_none() && a.values[goal_specific] == Some(Answer::Bool(false)) {
            saves_after_hiding = Some(a.values[goal].clone());
        }
        Ok(())
    });
    assert_eq!(outcome, Ok(Outcome::Complete));
    assert_eq!(saves_after_hiding, Some(None), "hiding the goal dropped its answer from what is saved");
    let after_review: Vec<&str> =
        script.log.iter().skip_while(|l| *l != "review").map(String::as_str).collect();
    assert_eq!(
        after_review,
        [
            "review",
            "ask goal_specific 20/42 [Bool(true)]",
            "review",
            "ask goal_specific 20/42 [Bool(false)]",
            "ask goal 21/42",
            "review"
        ],
        "the goal is asked again, empty, once it is shown again"
    );
    assert_eq!(intake.answers().values[goal], Some(Answer::Text("A new goal".into())));
}

#[test]
fn support_is_shown_the_moment_an_urgent_flag_is_raised() {
    let ruleset = ruleset();
    let mut script = Script::new(&ruleset, "crisis-self-harm");
    let (_, outcome, _) = run(&ruleset, &mut script, Answers::default());
    assert_eq!(outcome, Ok(Outcome::Complete));
    let at = script.log.iter().position(|l| l == "urgent").expect("support shown");
    assert!(
        script.log[at - 1].starts_with("ask self_harm "),
        "right after the answer: {:?}",
        &script.log[at - 1..]
    );
    assert!(script.log[at + 1].starts_with("ask harm_others "), "before the next question");
    assert_eq!(script.log.iter().filter(|l| *l == "urgent").count(), 1, "shown once");
}

#[test]
fn the_person_may_stop_when_support_is_shown_and_their_answers_are_kept() {
    let ruleset = ruleset();
    let mut script = Script::new(&ruleset, "crisis-self-harm");
    script.carry_on = false;
    let (intake, outcome, saves) = run(&ruleset, &mut script, Answers::default());
    assert_eq!(outcome, Ok(Outcome::StoppedAtUrgent));
    assert_eq!(script.log.last().unwrap(), "urgent", "nothing is asked after stopping");
    assert_eq!(value(&ruleset, saves.last().unwrap(), "self_harm"), Some(&Answer::Bool(true)));
    assert_eq!(value(&ruleset, intake.answers(), "self_harm"), Some(&Answer::Bool(true)));
}

#[test]
fn ctrl_c_stops_with_every_answer_given_already_saved() {
    let ruleset = ruleset();
    let mut script = Script::new(&ruleset, "ready-senior-leader");
    script.events.push_back(("feel_stuck", Event::Interrupt));
    let (_, outcome, saves) = run(&ruleset, &mut script, Answers::default());
    assert_eq!(outcome, Err(Interrupt::Interrupted));
    let last = saves.last().unwrap();
    let answered: Vec<&str> = ruleset
        .questions
        .iter()
        .zip(&last.values)
        .filter(|(_, v)| v.is_some())
        .map(|(q, _)| q.id.as_str())
        .collect();
    assert_eq!(answered, ["help_with", "career_stage", "mastered_basics"]);
}

#[test]
fn resuming_asks_only_what_is_left() {
    let ruleset = ruleset();
    let mut first = Script::new(&ruleset, "ready-senior-leader");
    first.events.push_back(("openness", Event::Interrupt));
    let (_, _, saves) = run(&ruleset, &mut first, Answers::default());
    let mut second = Script::new(&ruleset, "ready-senior-leader");
    let (intake, outcome, _) = run(&ruleset, &mut second, saves.last().unwrap().clone());
    assert_eq!(outcome, Ok(Outcome::Complete));
    assert_eq!(second.log[0], "ask openness 17/42");
    assert!(!second.asked().contains(&"help_with"));
    let expected = answers::read(
        &ruleset,
        &{
            let mut s = Sources::default();
            s.add("a", std::fs::read_to_string("tests/cases/ready-senior-leader/answers.yaml").unwrap());
            s
        },
        0,
    )
    .unwrap();
    assert_eq!(intake.answers().values, expected.values, "the same answers as in one sitting");
}

#[test]
fn resuming_after_the_pack_changed_re_asks_only_what_no_longer_fits() {
    let original = ruleset();
    let mut first = Script::new(&original, "ready-senior-leader");
    first.events.push_back(("manager_coach", Event::Interrupt));
    let (_, _, saves) = run(&original, &mut first, Answers::default());
    let saved = crossroads::answers::document(&original, saves.last().unwrap());

    // The new version renames the `sponsor` option of `budget`.
    let changed_files = embedded::INTAKE
        .iter()
        .map(|(name, text)| {
            let text = text
                .replace("      - value: sponsor\n", "      - value: employer\n")
                .replace("[self, sponsor]", "[self, employer]")
                .replace("budget: sponsor", "budget: employer");
            (name.to_string(), name.to_string(), text)
        })
        .collect();
    let mut sources = Sources::default();
    let changed = pack::load_files(changed_files, &mut sources)
        .unwrap_or_else(|d| panic!("{}", common::diagnostics_text(&sources, &d)));
    assert_ne!(changed.hash, original.hash);

    let file = sources.add("progress.yaml", saved);
    let raw = answers::parse(&sources, file).unwrap();
    assert_eq!(raw.pack.as_ref().unwrap().hash, original.hash, "the progress file names its pack");
    let (kept, dropped) = answers::salvage(&changed, file, &raw.answers, raw.respondent.clone());
    assert_eq!(dropped.len(), 1);
    assert!(dropped[0].message.contains("budget"), "{}", dropped[0].message);

    let mut second = Script::new(&changed, "ready-senior-leader");
    second.events.push_back(("budget", Event::Answer(Value::from("employer"))));
    let (_, outcome, _) = run(&changed, &mut second, kept);
    assert_eq!(outcome, Ok(Outcome::Complete));
    assert_eq!(second.asked()[..2], ["budget", "manager_coach"], "{:?}", second.log);
}

mod plain_prompter {
    use super::*;
    use crossroads::i18n;
    use crossroads::intake::plain::Plain;
    use crossroads::model::Question;
    use std::io::Cursor;

    /// Asks `question` with `typed` as the person's keyboard; returns the reply and the screen.
    fn ask(
        question: &Question,
        typed: &str,
        lang: Option<&str>,
        can_go_back: bool,
    ) -> (Result<Reply, Interrupt>, String) {
        let mut screen = Vec::new();
        let reply = {
            let ui = i18n::ui(lang);
            let mut plain = Plain::new(
                Cursor::new(typed.as_bytes().to_vec()),
                &mut screen,
                ui,
                lang.map(String::from),
                false,
            );
            let step = Step { index: 0, number: 1, total: 1, question, current: None, can_go_back };
            plain.ask(&step)
        };
        (reply, String::from_utf8(screen).unwrap())
    }

    fn question(ruleset: &RuleSet, id: &str) -> Question {
        ruleset.questions[ruleset.question(id).unwrap()].clone()
    }

    fn answer(reply: Result<Reply, Interrupt>) -> Option<Answer> {
        match reply {
            Ok(Reply::Answer(a)) => a,
            Ok(Reply::Back) => panic!("went back"),
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn yes_and_no_in_french_and_a_wrong_word_asked_again() {
        let ruleset = ruleset();
        let q = question(&ruleset, "feel_stuck");
        let (reply, screen) = ask(&q, "peut-être\no\n", Some("fr"), false);
        assert_eq!(answer(reply), Some(Answer::Bool(true)));
        assert!(screen.contains("Ce n'est pas une des réponses possibles"), "{screen}");
        assert!(screen.contains("Malgré ce que vous savez"), "the question is in French: {screen}");
    }

    #[test]
    fn a_scale_takes_its_own_values_and_refuses_others() {
        let ruleset = ruleset();
        let q = question(&ruleset, "wants_support");
        let (reply, screen) = ask(&q, "7\n4\n", None, false);
        assert_eq!(answer(reply), Some(Answer::Number(4.0)));
        assert!(screen.contains("  1. Not at all") && screen.contains("  5. Very much"), "{screen}");
        assert_eq!(screen.matches("That is not one of the answers").count(), 1, "{screen}");
    }

    #[test]
    fn a_required_question_is_not_left_empty_and_b_goes_back() {
        let ruleset = ruleset();
        let q = question(&ruleset, "budget");
        let (reply, screen) = ask(&q, "\nb\n", None, true);
        assert!(matches!(reply, Ok(Reply::Back)));
        assert!(screen.contains("This question needs an answer."), "{screen}");
    }

    #[test]
    fn an_optional_text_may_be_skipped() {
        let ruleset = ruleset();
        let q = question(&ruleset, "anything_else");
        let (reply, screen) = ask(&q, "\n", None, false);
        assert_eq!(answer(reply), None);
        assert!(screen.contains("Optional: press Enter to skip."));
    }

    #[test]
    fn end_of_input_is_leaving_not_an_answer() {
        let ruleset = ruleset();
        let q = question(&ruleset, "budget");
        let (reply, _) = ask(&q, "", None, false);
        assert_eq!(reply.err(), Some(Interrupt::Interrupted));
    }

    #[test]
    fn numbers_and_checklists_from_a_small_pack() {
        let mut sources = Sources::default();
        let text = std::fs::read_to_string("tests/packs-valid/mini/pack.yaml").unwrap().replace(
            "  - id: note\n",
            "  - id: age\n    kind: number\n    text: Age?\n    min: 16\n    max: 99\n  - id: days\n    kind: multiple\n    text: Which days?\n    options:\n      - {value: mon, label: Monday}\n      - {value: tue, label: Tuesday}\n      - {value: wed, label: Wednesday}\n  - id: note\n",
        );
        let ruleset = pack::load_files(vec![("p.yaml".into(), "p.yaml".into(), text)], &mut sources)
            .unwrap_or_else(|d| panic!("{}", common::diagnostics_text(&sources, &d)));
        let (reply, screen) = ask(&question(&ruleset, "age"), "12\nforty\n41,5\n", Some("fr"), false);
        assert_eq!(answer(reply), Some(Answer::Number(41.5)), "a French decimal comma is read");
        assert!(screen.contains("Donnez un nombre de 16 à 99."), "{screen}");
        let (reply, _) = ask(&question(&ruleset, "days"), "1 4\n3, 1\n", None, false);
        assert_eq!(answer(reply), Some(Answer::Multi(0b101)), "4 is refused, then 3 and 1");
    }
}
