//! Turns a pack's raw files into a `RuleSet`, collecting every problem instead of
//! stopping at the first, and refusing to build anything from a pack with an error.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::engine::answers;
use crate::engine::model::*;
use crate::pack::schema::*;
use crate::util::diag::{Code, Diagnostic, FileId, did_you_mean};
use crate::util::yaml::{Entries, Spanned, range_of};

mod advice;
mod choosing;
mod conditions;
mod grid;
mod packtests;
mod questions;
mod scores;

pub use choosing::MAX_SHORTLIST;
pub use packtests::resolve_expect;
use packtests::test_cases;

/// The largest magnitude of a number a pack may give (a bound, weight, point or score):
/// far above any real weighting, and small enough that no total over a pack can overflow.
pub const MAX_NUMBER: f64 = 1e9;

/// A scale has at most this many steps (101 points): every point is shown as a choice.
pub const MAX_SCALE_STEPS: i64 = 100;

/// Everything in a pack that a condition, weight or reference may name, by id.
#[derive(Default)]
struct Names {
    /// Questions and scores share one namespace: conditions name either.
    targets: HashMap<String, Target>,
    modalities: HashMap<String, usize>,
    support: HashMap<String, usize>,
    guides: HashMap<String, usize>,
}

/// Where a condition is written, which limits what it may read.
#[derive(Clone, Copy)]
enum Scope {
    /// A question's `show_if`: earlier questions only (so it can be asked in order).
    ShowIf { question: usize },
    /// A flag or rule: any question or score.
    Anywhere,
}

struct Validator<'a> {
    diagnostics: Vec<Diagnostic>,
    languages: Vec<String>,
    names: Names,
    questions: &'a [Question],
    /// The conditions of conditional lines, in the order met.
    line_conditions: Vec<Condition>,
}

pub fn validate(files: &[(FileId, RawFile)], hash: String) -> Result<RuleSet, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();

    let metas: Vec<_> =
        files.iter().filter_map(|(file, raw)| raw.pack.as_ref().map(|m| (*file, m))).collect();
    let Some(&(meta_file, raw_meta)) = metas.first() else {
        diagnostics.push(
            Diagnostic::error(Code::NoPackMetadata, "the pack has no `pack:` section")
                .note("one file of the pack must say `pack: {id: ..., version: ..., name: ...}`"),
        );
        return Err(diagnostics);
    };
    for (file, extra) in &metas[1..] {
        diagnostics.push(Diagnostic::error(Code::DuplicatePackMetadata, "a second `pack:` section").at(
            *file,
            range_of(extra),
            "the pack is already described elsewhere",
        ));
    }

    let mut languages: Vec<String> = raw_meta.value.languages.iter().map(|l| l.value.clone()).collect();
    if languages.is_empty() {
        languages.push("en".to_string());
    }

    let mut v = Validator {
        diagnostics,
        languages,
        names: Names::default(),
        questions: &[],
        line_conditions: Vec::new(),
    };
    v.collect_names(files);

    let meta = Meta {
        id: v.id_text(meta_file, &raw_meta.value.id),
        version: raw_meta.value.version.value.clone(),
        name: v.text(meta_file, &raw_meta.value.name),
        description: raw_meta.value.description.as_ref().map(|d| v.text(meta_file, d)),
        languages: v.languages.clone(),
        sources: raw_meta
            .value
            .sources
            .iter()
            .flat_map(|s| &s.value.0)
            .map(|(id, words)| (id.value.clone(), v.text(meta_file, words)))
            .collect(),
    };

    let questions = v.questions(files);
    v.questions = &questions;
    // The borrow of `questions` above lives as long as `v`; everything below reads it.
    let scores = v.scores(files);
    let readiness = raw_meta.value.readiness.as_ref().and_then(|r| v.score_ref(meta_file, r));
    let (aggregates, grouping_spans) = v.aggregates(meta_file, raw_meta.value.aggregates.as_ref());
    let readiness_for =
        raw_meta.value.readiness_for.iter().filter_map(|m| v.modality_ref(meta_file, m)).collect();
    let expected = raw_meta.value.expected.iter().filter_map(|m| v.modality_ref(meta_file, m)).collect();
    let mut flags = v.flags(files);
    // Severity order makes "urgent first" a property of the data, not of every reader.
    flags.sort_by_key(|f| f.severity);
    let mut rules = v.rules(files);
    rules.sort_by_key(|r| r.phase);
    let modalities = v.modalities(files);
    let support = v.support(files);
    let guides = v.guides(files);
    let compare = v.compare(meta_file, raw_meta.value.compare.as_ref());
    let matching = v.matching(files);

    if questions.is_empty() || modalities.is_empty() {
        v.push(
            Diagnostic::error(Code::EmptyPack, "the pack needs at least one question and one modality").at(
                meta_file,
                range_of(raw_meta),
                "this pack",
            ),
        );
    }

    let Validator { mut diagnostics, line_conditions, .. } = v;
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }

    let mut ruleset = RuleSet {
        meta,
        questions,
        scores,
        flags,
        rules,
        modalities,
        support,
        guides,
        tests: Vec::new(),
        line_conditions,
        readiness,
        readiness_for,
        expected,
        aggregates,
        compare,
        matching,
        hash,
        question_index: Default::default(),
    };
    ruleset.index_questions();
    // Only now are the flags and rules known that make a question health-related.
    let health = crate::engine::evaluate::health_related(&ruleset);
    for (q, file, range) in grouping_spans {
        if health[q] {
            diagnostics.push(
                Diagnostic::error(
                    Code::BadGrouping,
                    format!(
                        "grouping question `{}` is health-related: an urgent or confidential flag, or a rule for a confidential modality, reads it",
                        ruleset.questions[q].id
                    ),
                )
                .at(file, range, "HR reports may not group by this question")
                .note("groups named after a health answer would tell HR who gave it"),
            );
        }
    }
    // Who a person is stays with the people who read the answers: nothing may weigh it.
    let used = crate::engine::condition::questions_used(&ruleset);
    for (file, raw) in files {
        for q in raw.questions.iter().filter(|q| q.respondent.is_some()) {
            if ruleset.question(&q.id.value).is_some_and(|i| used[i]) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::BadRespondent,
                        format!("question `{}` names the respondent, and something in the pack reads it", q.id.value),
                    )
                    .at(*file, range_of(&q.id), "a respondent question")
                    .note("who a person is must not change what is recommended to them: no rule, score, flag, show_if or matching criterion may read it"),
                );
            }
        }
    }
    // Tests are checked against the finished rule set, with the same checker as answers files.
    let tests = test_cases(&ruleset, files, &mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    ruleset.tests = tests;
    Ok(ruleset)
}

impl Validator<'_> {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Whether a number that enters a bound or a sum is finite and within
    /// [`MAX_NUMBER`]; with at most that much per part, no total can overflow.
    fn finite(&mut self, file: FileId, number: &Spanned<f64>, what: &str) -> bool {
        let ok = number.value.is_finite() && number.value.abs() <= MAX_NUMBER;
        if !ok {
            self.push(
                Diagnostic::error(
                    Code::BadWeight,
                    format!("a {what} must be a finite number from -1,000,000,000 to 1,000,000,000"),
                )
                .at(
                    file,
                    range_of(number),
                    format!("this is {}", crate::util::number::number(number.value)),
                ),
            );
        }
        ok
    }

    /// Indexes every id by namespace, reporting malformed and repeated ones. A repeat still
    /// takes an index, so indices stay aligned with the lists built later in the same order.
    fn collect_names(&mut self, files: &[(FileId, RawFile)]) {
        let mut seen = HashSet::new();
        let targets = "question or score";
        let questions =
            self.index(files, targets, &mut seen, |r| r.questions.iter().map(|q| &q.id).collect());
        let scores = self.index(files, targets, &mut seen, |r| r.scores.iter().map(|s| &s.id).collect());
        self.names.targets = questions
            .into_iter()
            .map(|(id, i)| (id, Target::Question(i)))
            .chain(scores.into_iter().map(|(id, i)| (id, Target::Score(i))))
            .collect();
        self.names.modalities =
            self.index(files, "modality", &mut seen, |r| r.modalities.iter().map(|m| &m.id).collect());
        self.names.support =
            self.index(files, "support resource", &mut seen, |r| r.support.iter().map(|s| &s.id).collect());
        self.names.guides =
            self.index(files, "guide", &mut seen, |r| r.guides.iter().map(|g| &g.id).collect());
        // Nothing in a pack names these, but reports and tests do, so they must be unique too.
        self.index(files, "flag", &mut seen, |r| r.flags.iter().map(|f| &f.id).collect());
        self.index(files, "rule", &mut seen, |r| r.rules.iter().map(|r| &r.id).collect());
        self.index(files, "test", &mut seen, |r| r.tests.iter().map(|t| &t.id).collect());
    }

    fn index(
        &mut self,
        files: &[(FileId, RawFile)],
        what: &'static str,
        seen: &mut HashSet<(&'static str, String)>,
        ids: impl Fn(&RawFile) -> Vec<&Spanned<String>>,
    ) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        let mut index = 0;
        for (file, raw) in files {
            for id in ids(raw) {
                self.check_id_form(*file, id);
                if seen.insert((what, id.value.clone())) {
                    out.insert(id.value.clone(), index);
                } else {
                    self.push(
                        Diagnostic::error(
                            Code::DuplicateId,
                            format!("another {what} is already called `{}`", id.value),
                        )
                        .at(*file, range_of(id), "this id is already taken")
                        .note(format!("each {what} needs an id of its own")),
                    );
                }
                index += 1;
            }
        }
        out
    }

    fn check_id_form(&mut self, file: FileId, id: &Spanned<String>) {
        let s = id.value.as_str();
        if matches!(s, "all" | "any" | "not") {
            self.push(
                Diagnostic::error(Code::ReservedId, format!("`{s}` cannot be an id"))
                    .at(file, range_of(id), "conditions use this word")
                    .note("`all`, `any` and `not` combine conditions, so no question or score may use them"),
            );
        } else if s.is_empty()
            || !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        {
            self.push(Diagnostic::error(Code::BadId, format!("`{s}` is not a valid id")).at(
                file,
                range_of(id),
                "use lower-case letters, digits, `_` and `-`",
            ));
        }
    }

    fn id_text(&mut self, file: FileId, id: &Spanned<String>) -> String {
        self.check_id_form(file, id);
        id.value.clone()
    }

    fn text(&mut self, file: FileId, raw: &Spanned<RawText>) -> Text {
        let range = range_of(raw);
        match &raw.value {
            RawText::Plain(s) => {
                if s.trim().is_empty() {
                    self.push(Diagnostic::error(Code::EmptyText, "this text is empty").at(
                        file,
                        range,
                        "write something here",
                    ));
                }
                Text::plain(s.trim())
            }
            RawText::ByLanguage(entries) => {
                let default_lang = self.languages[0].clone();
                let mut text = Text::default();
                let mut has_default = false;
                for (lang, value) in entries {
                    if !self.languages.contains(&lang.value) {
                        let declared = self.languages.join(", ");
                        self.push(
                            Diagnostic::error(
                                Code::UnknownLanguage,
                                format!("a text in `{}`, which the pack does not declare", lang.value),
                            )
                            .at(file, range_of(lang), format!("the pack's languages are: {declared}"))
                            .note("add it to `languages:` in the pack's `pack:` section"),
                        );
                    }
                    if value.trim().is_empty() {
                        self.push(
                            Diagnostic::error(Code::EmptyText, format!("the `{}` text is empty", lang.value))
                                .at(file, range_of(lang), "write something here"),
                        );
                    }
                    if lang.value == default_lang {
                        has_default = true;
                        text.default = value.trim().to_string();
                    } else {
                        text.translations.push((lang.value.clone(), value.trim().to_string()));
                    }
                }
                if !has_default {
                    self.push(
                        Diagnostic::error(
                            Code::MissingTranslation,
                            format!("this text has no `{default_lang}` version"),
                        )
                        .at(
                            file,
                            range,
                            format!(
                                "`{default_lang}` is the pack's default language, which every text needs"
                            ),
                        ),
                    );
                }
                text
            }
        }
    }

    /// The question `raw` names; if it names none, a diagnostic that says so.
    fn question_ref(&mut self, file: FileId, raw: &Spanned<String>) -> Option<usize> {
        match self.names.targets.get(&raw.value) {
            Some(Target::Question(i)) => Some(*i),
            _ => {
                let questions = self.questions.iter().map(|q| q.id.as_str());
                self.diagnostics.push(not_found(Code::UnknownQuestion, "question", file, raw, questions));
                None
            }
        }
    }

    /// The score `raw` names; if it names none, a diagnostic that says so.
    fn score_ref(&mut self, file: FileId, raw: &Spanned<String>) -> Option<usize> {
        match self.names.targets.get(&raw.value) {
            Some(Target::Score(i)) => Some(*i),
            _ => {
                let scores = self.names.targets.iter().filter(|(_, t)| matches!(t, Target::Score(_)));
                let scores = scores.map(|(id, _)| id.as_str());
                self.diagnostics.push(not_found(Code::UnknownQuestion, "score", file, raw, scores));
                None
            }
        }
    }

    fn modality_ref(&mut self, file: FileId, raw: &Spanned<String>) -> Option<usize> {
        let found = self.names.modalities.get(&raw.value).copied();
        if found.is_none() {
            let candidates = self.names.modalities.keys().map(String::as_str);
            self.diagnostics.push(not_found(Code::UnknownModality, "modality", file, raw, candidates));
        }
        found
    }

    fn reference(&mut self, file: FileId, raw: &Spanned<String>, what: &str) -> Option<usize> {
        let names = if what == "guide" { &self.names.guides } else { &self.names.support };
        let found = names.get(&raw.value).copied();
        if found.is_none() {
            let candidates = names.keys().map(String::as_str);
            self.diagnostics.push(not_found(Code::UnknownReference, what, file, raw, candidates));
        }
        found
    }

    fn references(&mut self, file: FileId, raw: &[Spanned<String>], what: &str) -> Vec<usize> {
        raw.iter().filter_map(|r| self.reference(file, r, what)).collect()
    }

    /// A rule's or a flag's weights: finite, on modalities the pack has.
    fn weights(&mut self, file: FileId, raw: &Entries<Spanned<String>, Spanned<f64>>) -> Vec<(usize, f64)> {
        let mut weights = Vec::new();
        for (modality, weight) in &raw.0 {
            self.finite(file, weight, "weight");
            if let Some(m) = self.modality_ref(file, modality) {
                weights.push((m, weight.value));
            }
        }
        weights
    }
}

/// `(question, file, span)` of each grouping question named.
type GroupingSpans = Vec<(usize, FileId, std::ops::Range<usize>)>;

/// "`x` is not a {what} of the pack", pointing at `x`, with the nearest name or the list of them.
fn not_found<'a>(
    code: Code,
    what: &str,
    file: FileId,
    raw: &Spanned<String>,
    candidates: impl Iterator<Item = &'a str>,
) -> Diagnostic {
    let mut candidates: Vec<&str> = candidates.collect();
    candidates.sort_unstable();
    Diagnostic::error(code, format!("`{}` is not a {what} of the pack", raw.value)).at(
        file,
        range_of(raw),
        did_you_mean(&raw.value, candidates.iter().copied()),
    )
}
