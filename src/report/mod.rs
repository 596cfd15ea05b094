//! The report: an assessment resolved into words in one language, shared by every renderer.
//! Its JSON form is the versioned document programs read (`schema_version`).

pub mod balance;
mod build;
mod changes;
pub mod render;

pub use build::build;
pub use changes::for_person;

use serde::Serialize;

use crate::engine::model::Answer;
use crate::engine::model::{FlagKind, Kind, Phase, Question, RuleSet, Severity};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    /// The language of the texts: the one asked for if the pack has it, else its default.
    pub language: String,
    pub respondent: Option<String>,
    /// An urgent flag was raised: lead with `support`, recommend nothing else.
    pub urgent: bool,
    pub support: Vec<SupportOut>,
    pub recommendation: Recommendation,
    pub readiness: Option<Readiness>,
    pub scores: Vec<ScoreOut>,
    pub flags: Vec<FlagOut>,
    pub reasons: Vec<Reason>,
    pub pitfalls: Vec<String>,
    pub next_steps: Vec<String>,
    pub guides: Vec<GuideOut>,
    /// The grids answered (seed 002's balance of time across areas), with their widest gap.
    pub grids: Vec<balance::GridOut>,
    pub ignored_answers: Vec<IgnoredOut>,
    /// What would put the runner-up, or a modality the person may expect, first; absent when
    /// not asked for (`screen` does not), empty when nothing within reach would.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<ChangeOut>>,
    pub pack: PackOut,
    /// The works the pack cites, in the report's language, by the word a citation starts with:
    /// what the person's text and HTML reports name (the JSON keeps each citation as written).
    #[serde(skip)]
    pub sources: std::collections::BTreeMap<String, String>,
}

impl Report {
    /// What a person reads for a citation: each work it cites (`004 Step 1; 003 Goals`), by
    /// the name the pack gives it, once; a citation of a work the pack does not name, as
    /// written but for the detail in parentheses.
    pub fn source_words(&self, citation: &str) -> String {
        let mut words: Vec<String> = Vec::new();
        for part in crate::engine::model::works(citation) {
            let work = part.split_whitespace().next().unwrap_or(part);
            let word = match self.sources.get(work) {
                Some(named) => named.clone(),
                None => without_detail(part),
            };
            if !words.contains(&word) {
                words.push(word);
            }
        }
        words.join("; ")
    }
}

/// A citation without the detail in parentheses, for a line of notes.
fn without_detail(citation: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in citation.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Debug, Serialize)]
pub struct ChangeOut {
    pub modality: String,
    pub name: String,
    /// The modality is one the pack says people may expect (`pack.expected`).
    pub expected: bool,
    /// The fewest answers that would put it first; empty when more than `whatif::MAX_CHANGES`
    /// would have to differ (only an expected modality is listed then).
    pub answers: Vec<AnswerChange>,
}

#[derive(Debug, Serialize)]
pub struct AnswerChange {
    pub question: String,
    pub text: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct Recommendation {
    pub primary: Option<String>,
    pub primary_name: Option<String>,
    pub fits_when: Option<String>,
    /// The flag that put the primary first, whatever the weights.
    pub put_first_by: Option<String>,
    /// Best first; under an urgent flag, only what it puts first.
    pub ranking: Vec<RankOut>,
    pub ruled_out: Vec<RuledOut>,
}

#[derive(Debug, Serialize)]
pub struct RankOut {
    pub id: String,
    pub name: String,
    pub score: f64,
}

#[derive(Debug, Serialize)]
pub struct RuledOut {
    pub id: String,
    pub name: String,
    pub by_flag: String,
}

#[derive(Debug, Serialize)]
pub struct Readiness {
    pub name: String,
    pub score: u32,
    pub band: Option<String>,
    pub band_label: Option<String>,
    /// What the answers say is not in place yet: the score's labelled parts in their lower half.
    pub low: Vec<String>,
    /// The recommendation is one the score is about (the pack's `readiness_for`), so that a
    /// report shows it beside it; "ready for coaching" under direct teaching would confuse.
    pub about_recommendation: bool,
    pub bands: Vec<BandOut>,
}

#[derive(Debug, Serialize)]
pub struct BandOut {
    pub id: String,
    pub label: String,
    pub from: f64,
    pub to: f64,
}

#[derive(Debug, Serialize)]
pub struct ScoreOut {
    pub id: String,
    pub name: String,
    pub score: Option<f64>,
    pub band: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FlagOut {
    pub id: String,
    pub severity: Severity,
    pub kind: FlagKind,
    pub message: String,
    pub rules_out: Vec<String>,
    /// Evidence the flag added to the totals, as a rule's weights.
    pub weights: Vec<WeightOut>,
    /// The flag concerns these modalities only (empty: all of them).
    pub about: Vec<String>,
    pub source: Option<String>,
}

impl FlagOut {
    /// Whether the flag is worth showing beside a recommendation of `primary`.
    pub fn concerns(&self, primary: Option<&str>) -> bool {
        self.about.is_empty() || primary.is_some_and(|p| self.about.iter().any(|a| a == p))
    }
}

#[derive(Debug, Serialize)]
pub struct Reason {
    pub rule: String,
    pub phase: Phase,
    pub because: String,
    /// The modalities `because` argues for: the only ones it is a reason for.
    pub argues_for: Vec<String>,
    pub source: Option<String>,
    pub weights: Vec<WeightOut>,
}

#[derive(Debug, Serialize)]
pub struct WeightOut {
    pub modality: String,
    pub weight: f64,
}

#[derive(Debug, Serialize)]
pub struct SupportOut {
    pub id: String,
    pub name: String,
    pub contact: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct GuideOut {
    pub id: String,
    pub title: String,
    pub items: Vec<String>,
    pub source: Option<String>,
    /// Shown in full in every format, the short text report too: the recommendation's own first
    /// guide, which its next steps may point to ("the questions below"), and the prompt a rule
    /// on a grid's balance calls for. The text report names the others.
    pub in_full: bool,
}

#[derive(Debug, Serialize)]
pub struct IgnoredOut {
    pub question: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct PackOut {
    pub id: String,
    pub version: String,
    pub name: String,
    pub hash: String,
}

impl PackOut {
    /// The pack that made a document, its name in `lang`.
    pub fn of(ruleset: &RuleSet, lang: Option<&str>) -> PackOut {
        PackOut {
            id: ruleset.meta.id.clone(),
            version: ruleset.meta.version.clone(),
            name: ruleset.meta.name.get(lang).to_string(),
            hash: ruleset.hash.clone(),
        }
    }

    /// The first twelve digits of the hash, as a footer shows it.
    pub fn short_hash(&self) -> &str {
        self.hash.get(..12).unwrap_or(&self.hash)
    }
}

/// The language a document is written in: the one asked for if the pack has it, else the
/// pack's default.
pub fn language(ruleset: &RuleSet, lang: Option<&str>) -> String {
    lang.filter(|l| ruleset.meta.languages.iter().any(|x| x == l))
        .unwrap_or(&ruleset.meta.languages[0])
        .to_string()
}

/// An answer as the person would say it, in their language.
pub fn describe(
    question: &Question,
    answer: Option<&Answer>,
    ui: &crate::util::i18n::Ui,
    lang: Option<&str>,
) -> String {
    let Some(answer) = answer else { return ui.no_answer.to_string() };
    match (&question.kind, answer) {
        (_, Answer::Bool(true)) => ui.yes.to_string(),
        (_, Answer::Bool(false)) => ui.no.to_string(),
        (Kind::Scale { labels, .. }, Answer::Number(x)) => match labels.iter().find(|(p, _)| *p as f64 == *x)
        {
            Some((_, label)) => format!("{x} ({})", label.get(lang)),
            None => x.to_string(),
        },
        (_, Answer::Number(x)) => x.to_string(),
        (kind, Answer::Choice(i)) => kind.options()[*i].label.get(lang).to_string(),
        (kind, Answer::Multi(bits)) => {
            kind.chosen(*bits).map(|o| o.label.get(lang)).collect::<Vec<_>>().join("; ")
        }
        (Kind::Grid(grid), Answer::Grid(rows)) => rows
            .iter()
            .map(|row| {
                let cells: Vec<String> = grid
                    .columns
                    .iter()
                    .zip(&row.values)
                    .filter_map(|(c, v)| {
                        v.map(|v| format!("{} {}{}", c.label.get(lang), v, if c.share { "%" } else { "" }))
                    })
                    .collect();
                format!("{}{}{}", grid.row_label(row, lang), ui.colon, cells.join(", "))
            })
            .collect::<Vec<_>>()
            .join(ui.semicolon),
        (_, Answer::Grid(_)) => String::new(),
        (_, Answer::Text(t)) => t.clone(),
    }
}
