//! The questionnaire's logic for `crossroads ask`: order, `show_if`, going back, review,
//! urgent flags shown at once, saving after every answer. No terminal here: a [`Prompter`]
//! asks, so the logic is tested with a scripted one.

mod grid;
pub mod lines;
pub mod plain;
pub mod terminal;

use crate::engine::answers::{Answer, Answers};
use crate::engine::evaluate::evaluate;
use crate::engine::model::{Question, RuleSet};
use crate::report::{self, Report, describe};
use crate::util::i18n::Ui;

/// One question to ask, with where it stands among the questions shown.
pub struct Step<'a> {
    pub index: usize,
    /// 1-based, the question's place in the pack (as the printed questionnaire numbers it):
    /// stable while answers show or hide later questions.
    pub number: usize,
    /// Every question of the pack; some may be skipped as the answers hide them.
    pub total: usize,
    pub question: &'a Question,
    /// The answer given before, to fill in.
    pub current: Option<Answer>,
    pub can_go_back: bool,
}

pub enum Reply {
    /// `None` leaves an optional question unanswered.
    Answer(Option<Answer>),
    Back,
}

pub struct ReviewRow<'a> {
    pub index: usize,
    pub question: &'a Question,
    pub answer: Option<Answer>,
}

pub enum Review {
    Done,
    Change(usize),
}

/// Why the questionnaire stopped before its end.
#[derive(Debug, PartialEq)]
pub enum Interrupt {
    /// Ctrl-C: the answers so far are saved.
    Interrupted,
    /// The terminal or a file failed.
    Failed(String),
}

/// Asks a person. Implementations: the terminal (inquire), plain numbered text for screen
/// readers, and scripts in tests.
pub trait Prompter {
    fn ask(&mut self, step: &Step) -> Result<Reply, Interrupt>;
    /// An urgent flag was just raised: show its support now. `Ok(true)` carries on.
    fn urgent(&mut self, report: &Report) -> Result<bool, Interrupt>;
    fn review(&mut self, rows: &[ReviewRow]) -> Result<Review, Interrupt>;
    fn confirm(&mut self, question: &str, default: bool) -> Result<bool, Interrupt>;
    fn path(&mut self, question: &str, default: &str) -> Result<String, Interrupt>;
    fn say(&mut self, text: &str) -> Result<(), Interrupt>;
}

#[derive(Debug, PartialEq)]
pub enum Outcome {
    Complete,
    /// The person chose to stop when support was shown.
    StoppedAtUrgent,
}

pub struct Intake<'r> {
    ruleset: &'r RuleSet,
    lang: Option<String>,
    answers: Answers,
    /// Questions put to the person at least once; a question hidden and shown again is unseen.
    seen: Vec<bool>,
    /// An urgent flag is raised and its support was shown.
    urgent_shown: bool,
}

impl<'r> Intake<'r> {
    /// Starts from `answers` (empty, or resumed); the questions they answer, and the optional
    /// ones before the last answer, count as seen.
    pub fn new(ruleset: &'r RuleSet, answers: Answers, lang: Option<String>) -> Self {
        let mut answers = Answers::settle(ruleset, answers.values, answers.respondent);
        answers.ignored.clear();
        // Questions are asked in order: an optional one before the last answer was passed over,
        // so resuming does not ask it again (nor walk back through everything after it).
        let last = answers.values.iter().rposition(Option::is_some);
        let seen = (0..ruleset.questions.len())
            .map(|i| {
                answers.values[i].is_some() || last.is_some_and(|l| i < l && !ruleset.questions[i].required)
            })
            .collect();
        let urgent_shown = evaluate(ruleset, &answers).urgent;
        Intake { ruleset, lang, answers, seen, urgent_shown }
    }

    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    /// The questions that the answers so far show, in order.
    pub fn shown(&self) -> Vec<usize> {
        (0..self.ruleset.questions.len()).filter(|&i| self.answers.is_shown(self.ruleset, i)).collect()
    }

    /// Asks until the person is done. `save` runs after every answer; a failure to save stops
    /// the questionnaire rather than let answers be lost unnoticed.
    pub fn run(
        &mut self,
        prompter: &mut dyn Prompter,
        save: &mut dyn FnMut(&Answers) -> Result<(), Interrupt>,
    ) -> Result<Outcome, Interrupt> {
        let mut changing = false;
        let mut cursor = self.first_unseen();
        loop {
            let Some(index) = cursor else {
                let rows = self.review_rows();
                match prompter.review(&rows)? {
                    Review::Done => return Ok(Outcome::Complete),
                    Review::Change(index) => {
                        cursor = Some(index);
                        changing = true;
                        continue;
                    }
                }
            };
            let step = self.step(index);
            match prompter.ask(&step)? {
                Reply::Back => {
                    changing = false;
                    cursor = Some(self.previous_shown(index).unwrap_or(index));
                }
                Reply::Answer(None) if self.ruleset.questions[index].required => {}
                Reply::Answer(answer) => {
                    self.set(index, answer);
                    save(&self.answers)?;
                    if !self.urgent_check(prompter)? {
                        return Ok(Outcome::StoppedAtUrgent);
                    }
                    // After a change from the review, ask only what the change newly shows.
                    cursor = if changing { self.first_unseen() } else { self.next_shown(index) };
                }
            }
        }
    }

    fn set(&mut self, index: usize, answer: Option<Answer>) {
        let mut values = std::mem::take(&mut self.answers.values);
        values[index] = answer;
        self.seen[index] = true;
        let respondent = self.answers.respondent.take();
        self.answers = Answers::settle(self.ruleset, values, respondent);
        // Answers that the change hides are dropped, not kept aside: the person moved on.
        for &hidden in &self.answers.ignored {
            self.seen[hidden] = false;
        }
        self.answers.ignored.clear();
    }

    /// Shows support the moment an urgent flag is raised. `Ok(false)`: the person stops.
    fn urgent_check(&mut self, prompter: &mut dyn Prompter) -> Result<bool, Interrupt> {
        let assessment = evaluate(self.ruleset, &self.answers);
        let newly = assessment.urgent && !self.urgent_shown;
        self.urgent_shown = assessment.urgent;
        if newly {
            let report = report::build(self.ruleset, &assessment, &self.answers, self.lang.as_deref());
            return prompter.urgent(&report);
        }
        Ok(true)
    }

    fn step(&self, index: usize) -> Step<'r> {
        Step {
            index,
            number: index + 1,
            total: self.ruleset.questions.len(),
            question: &self.ruleset.questions[index],
            current: self.answers.values[index].clone(),
            can_go_back: self.previous_shown(index).is_some(),
        }
    }

    fn first_unseen(&self) -> Option<usize> {
        self.shown().into_iter().find(|&i| !self.seen[i])
    }

    fn next_shown(&self, index: usize) -> Option<usize> {
        self.shown().into_iter().find(|&i| i > index)
    }

    fn previous_shown(&self, index: usize) -> Option<usize> {
        self.shown().into_iter().rev().find(|&i| i < index)
    }

    fn review_rows(&self) -> Vec<ReviewRow<'r>> {
        self.shown()
            .into_iter()
            .map(|index| ReviewRow {
                index,
                question: &self.ruleset.questions[index],
                answer: self.answers.values[index].clone(),
            })
            .collect()
    }
}

/// One line of the review: the question, then the answer in brackets.
pub fn review_line(row: &ReviewRow, ui: &Ui, lang: Option<&str>) -> String {
    format!("{} [{}]", row.question.text.get(lang), describe(row.question, row.answer.as_ref(), ui, lang))
}

/// Yes and no in the languages the tool speaks.
pub(crate) fn parse_yes_no(s: &str) -> Result<bool, ()> {
    match s.trim().to_lowercase().as_str() {
        "y" | "yes" | "o" | "oui" => Ok(true),
        "n" | "no" | "non" => Ok(false),
        _ => Err(()),
    }
}
