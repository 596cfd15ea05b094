//! Turns a pack's raw files into a `RuleSet`, collecting every problem instead of
//! stopping at the first, and refusing to build anything from a pack with an error.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use regex::RegexBuilder;

use crate::engine::answers;
use crate::engine::model::*;
use crate::pack::schema::*;
use crate::util::diag::{Code, Diagnostic, FileId, did_you_mean};
use crate::util::yaml::{Entries, Spanned, range_of};

mod choosing;

pub use choosing::MAX_SHORTLIST;

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
    ruleset.question_index = ruleset.questions.iter().enumerate().map(|(i, q)| (q.id.clone(), i)).collect();
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

    fn questions(&mut self, files: &[(FileId, RawFile)]) -> Vec<Question> {
        let mut out = Vec::new();
        for (file, raw) in files {
            for q in &raw.questions {
                let index = out.len();
                let kind = self.kind(*file, q);
                let show_if = q
                    .show_if
                    .as_ref()
                    .and_then(|c| self.condition_in(*file, c, Scope::ShowIf { question: index }, &out));
                out.push(Question {
                    id: q.id.value.clone(),
                    kind,
                    text: self.text(*file, &q.text),
                    help: q.help.as_ref().map(|h| self.text(*file, h)),
                    help_on_paper: q.help_on_paper.as_ref().map(|h| self.text(*file, h)),
                    required: q.required.unwrap_or(true),
                    fixed: q.fixed,
                    show_if,
                });
            }
        }
        out
    }

    fn kind(&mut self, file: FileId, q: &RawQuestion) -> Kind {
        let kind = q.kind.value;
        let kind_range = range_of(&q.kind);
        let uses_bounds = matches!(kind, RawKind::Scale | RawKind::Number);
        if !uses_bounds {
            for bound in [&q.min, &q.max].into_iter().flatten() {
                self.misplaced(file, range_of(bound), "min/max", "scale and number questions");
            }
        }
        if kind != RawKind::Scale
            && let Some(labels) = &q.labels
        {
            self.misplaced(file, range_of(labels), "labels", "scale questions");
        }
        let has_options = matches!(kind, RawKind::Single | RawKind::Multiple);
        if !has_options && let Some(options) = &q.options {
            self.misplaced(file, range_of(options), "options", "single and multiple choice questions");
        }
        for bound in [&q.min, &q.max].into_iter().flatten() {
            self.finite(file, bound, "bound");
        }
        match kind {
            RawKind::YesNo => Kind::YesNo,
            RawKind::Text => Kind::Text,
            RawKind::Number => {
                let (min, max) = (q.min.as_ref().map(|m| m.value), q.max.as_ref().map(|m| m.value));
                if let (Some(lo), Some(hi)) = (&q.min, &q.max)
                    && lo.value > hi.value
                {
                    self.push(
                        Diagnostic::error(
                            Code::BadScale,
                            format!("`min` ({}) is above `max` ({})", lo.value, hi.value),
                        )
                        .at(file, range_of(lo), "no answer could fit"),
                    );
                }
                Kind::Number { min, max }
            }
            RawKind::Scale => {
                let (Some(min), Some(max)) = (&q.min, &q.max) else {
                    self.push(
                        Diagnostic::error(
                            Code::BadScale,
                            format!("scale question `{}` needs `min` and `max`", q.id.value),
                        )
                        .at(
                            file,
                            kind_range,
                            "a scale such as `min: 1` and `max: 5`",
                        ),
                    );
                    return Kind::Scale { min: 0, max: 0, labels: Vec::new() };
                };
                let whole = |x: f64| x.fract() == 0.0 && x.abs() <= MAX_NUMBER;
                if !whole(min.value) || !whole(max.value) || min.value >= max.value {
                    self.push(
                        Diagnostic::error(
                            Code::BadScale,
                            format!(
                                "scale question `{}` needs whole-number bounds with `min` below `max`",
                                q.id.value
                            ),
                        )
                        .at(
                            file,
                            range_of(min),
                            format!("the scale runs from {} to {}", min.value, max.value),
                        ),
                    );
                    return Kind::Scale { min: 0, max: 0, labels: Vec::new() };
                }
                let (lo, hi) = (min.value as i64, max.value as i64);
                // Every point of a scale is shown, on screen and on paper.
                if hi - lo > MAX_SCALE_STEPS {
                    self.push(
                        Diagnostic::error(
                            Code::BadScale,
                            format!(
                                "scale question `{}` has {} points; a scale has at most {}",
                                q.id.value,
                                hi - lo + 1,
                                MAX_SCALE_STEPS + 1
                            ),
                        )
                        .at(
                            file,
                            range_of(max),
                            "use a number question for a wider range",
                        ),
                    );
                    return Kind::Scale { min: 0, max: 0, labels: Vec::new() };
                }
                let mut labels = Vec::new();
                if let Some(raw_labels) = &q.labels {
                    for (spanned, text) in &raw_labels.value.0 {
                        let point = spanned.value.0;
                        if point < lo || point > hi {
                            self.push(
                                Diagnostic::error(
                                    Code::LabelOutOfRange,
                                    format!("a label for {}, outside the scale", point),
                                )
                                .at(
                                    file,
                                    range_of(spanned),
                                    format!("the scale runs from {lo} to {hi}"),
                                ),
                            );
                        }
                        labels.push((point, self.text(file, text)));
                    }
                }
                labels.sort_by_key(|(p, _)| *p);
                Kind::Scale { min: lo, max: hi, labels }
            }
            RawKind::Single | RawKind::Multiple => {
                let options = self.options(file, q, kind_range);
                if kind == RawKind::Single { Kind::Single { options } } else { Kind::Multiple { options } }
            }
        }
    }

    fn options(&mut self, file: FileId, q: &RawQuestion, kind_range: Range<usize>) -> Vec<Choice> {
        let Some(raw) = &q.options else {
            self.push(
                Diagnostic::error(
                    Code::BadOptions,
                    format!("choice question `{}` has no options", q.id.value),
                )
                .at(file, kind_range, "a choice needs `options: [{value: ..., label: ...}]`"),
            );
            return Vec::new();
        };
        if raw.value.is_empty() {
            self.push(
                Diagnostic::error(
                    Code::BadOptions,
                    format!("choice question `{}` has no options", q.id.value),
                )
                .at(file, range_of(raw), "empty"),
            );
        }
        if raw.value.len() > 64 {
            self.push(
                Diagnostic::error(
                    Code::TooManyOptions,
                    format!("choice question `{}` has {} options", q.id.value, raw.value.len()),
                )
                .at(file, range_of(raw), "at most 64 are allowed"),
            );
        }
        let mut out: Vec<Choice> = Vec::new();
        for option in &raw.value {
            if out.iter().any(|o| o.value == option.value.value) {
                self.push(
                    Diagnostic::error(
                        Code::BadOptions,
                        format!("option `{}` appears twice", option.value.value),
                    )
                    .at(
                        file,
                        range_of(&option.value),
                        "option values must be unique within a question",
                    ),
                );
            }
            if let Some(score) = &option.score {
                self.finite(file, score, "score");
            }
            out.push(Choice {
                value: option.value.value.clone(),
                label: self.text(file, &option.label),
                score: option.score.as_ref().map(|s| s.value),
            });
        }
        out
    }

    fn misplaced(&mut self, file: FileId, range: Range<usize>, field: &str, only: &str) {
        self.push(
            Diagnostic::error(
                Code::MisplacedField,
                format!("`{field}` does not apply to this question's kind"),
            )
            .at(file, range, format!("only {only} use `{field}`")),
        );
    }

    /// Conditions read the question list as built so far (for `show_if`) or the whole of it.
    fn condition(&mut self, file: FileId, raw: &RawCondition, scope: Scope) -> Option<Condition> {
        let questions = self.questions;
        self.condition_in(file, raw, scope, questions)
    }

    fn condition_in(
        &mut self,
        file: FileId,
        raw: &RawCondition,
        scope: Scope,
        questions: &[Question],
    ) -> Option<Condition> {
        let [(key, body)] = raw.entries.as_slice() else {
            let (range, label) = match raw.entries.get(1) {
                Some((second, _)) => (range_of(second), "a second key in one condition"),
                None => (raw.at.clone(), "an empty condition"),
            };
            self.push(
                Diagnostic::error(Code::BadCondition, "a condition has exactly one key")
                    .at(file, range, label)
                    .note("to require several things, write `all: [ ... ]`; for either, `any: [ ... ]`"),
            );
            return None;
        };
        match body {
            RawConditionBody::List(items) => {
                if items.is_empty() {
                    self.push(
                        Diagnostic::error(Code::BadCondition, format!("`{}` has no conditions", key.value))
                            .at(file, range_of(key), "an empty list would make this always or never hold"),
                    );
                    return None;
                }
                let compiled: Vec<_> =
                    items.iter().map(|c| self.condition_in(file, c, scope, questions)).collect();
                let compiled: Option<Vec<_>> = compiled.into_iter().collect();
                let compiled = compiled?;
                Some(if key.value == "all" { Condition::All(compiled) } else { Condition::Any(compiled) })
            }
            RawConditionBody::One(inner) => {
                Some(Condition::Not(Box::new(self.condition_in(file, inner, scope, questions)?)))
            }
            RawConditionBody::Test(test) => self.test(file, key, test, scope, questions),
        }
    }

    fn test(
        &mut self,
        file: FileId,
        key: &Spanned<String>,
        test: &Spanned<RawTest>,
        scope: Scope,
        questions: &[Question],
    ) -> Option<Condition> {
        let name = key.value.as_str();
        let target = match self.names.targets.get(name).copied() {
            Some(target) => target,
            None => {
                let candidates: Vec<&str> = self.names.targets.keys().map(String::as_str).collect();
                let mut sorted = candidates.clone();
                sorted.sort_unstable();
                let help = did_you_mean(name, sorted.iter().copied());
                self.push(
                    Diagnostic::error(
                        Code::UnknownQuestion,
                        format!("the condition tests `{name}`, which the pack does not have"),
                    )
                    .at(file, range_of(key), help)
                    .note("a condition's key is `all`, `any`, `not`, or the id of a question or score"),
                );
                return None;
            }
        };
        if let Scope::ShowIf { question } = scope {
            match target {
                Target::Score(_) => {
                    self.push(
                        Diagnostic::error(Code::ShowIfForward, format!("`show_if` reads the score `{name}`"))
                            .at(
                                file,
                                range_of(key),
                                "scores need every answer, so a question cannot wait on one",
                            )
                            .note("base `show_if` on earlier questions"),
                    );
                    return None;
                }
                Target::Question(i) if i == question => {
                    self.push(
                        Diagnostic::error(
                            Code::ShowIfCycle,
                            format!("question `{name}` is shown only if it is answered"),
                        )
                        .at(
                            file,
                            range_of(key),
                            "a question cannot depend on itself",
                        ),
                    );
                    return None;
                }
                Target::Question(i) if i > question => {
                    self.push(
                        Diagnostic::error(
                            Code::ShowIfForward,
                            format!("`show_if` depends on `{name}`, which is asked later"),
                        )
                        .at(file, range_of(key), "a question can depend only on questions before it")
                        .note("move this question after the one it depends on"),
                    );
                    return None;
                }
                Target::Question(_) => {}
            }
        }
        let kind = match target {
            Target::Question(i) => questions.get(i).map(|q| &q.kind),
            Target::Score(_) => None,
        };
        let raw = &test.value;
        let mut ok = true;
        let what = match kind {
            Some(k) => format!("`{name}` is a {} question", k.name()),
            None => format!("`{name}` is a score"),
        };
        let allowed = allowed_tests(kind);
        let present: Vec<(&str, Range<usize>)> = [
            raw.is.as_ref().map(|s| ("is", range_of(s))),
            raw.in_.as_ref().map(|s| ("in", range_of(s))),
            raw.includes.as_ref().map(|s| ("includes", range_of(s))),
            raw.includes_any.as_ref().map(|s| ("includes_any", range_of(s))),
            raw.at_least.as_ref().map(|s| ("at_least", range_of(s))),
            raw.at_most.as_ref().map(|s| ("at_most", range_of(s))),
            raw.answered.as_ref().map(|s| ("answered", range_of(s))),
            raw.matches.as_ref().map(|s| ("matches", range_of(s))),
        ]
        .into_iter()
        .flatten()
        .collect();
        if present.is_empty() {
            self.push(Diagnostic::error(Code::BadCondition, format!("the test of `{name}` is empty")).at(
                file,
                range_of(test),
                format!("write one of: {}", allowed.join(", ")),
            ));
            return None;
        }
        for (field, range) in &present {
            if !allowed.contains(field) {
                self.push(
                    Diagnostic::error(Code::TestKindMismatch, format!("`{field}` does not fit `{name}`"))
                        .at(file, range.clone(), what.clone())
                        .note(format!("it allows: {}", allowed.join(", "))),
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }

        let options = kind.map_or(&[][..], Kind::options);
        let (lo, hi) = match (kind, target) {
            (Some(Kind::Scale { min, max, .. }), _) => (Some(*min as f64), Some(*max as f64)),
            (Some(Kind::Number { min, max }), _) => (*min, *max),
            (_, Target::Score(_)) => (Some(0.0), Some(100.0)),
            _ => (None, None),
        };

        // Each test compiles to `Some`, or reports why not and gives `None`; all are tried,
        // so every problem of a condition is reported at once.
        let mut compiled: Vec<Option<Test>> = Vec::new();
        if let Some(is) = &raw.is {
            compiled.push(match kind {
                Some(Kind::YesNo) => self.boolean(file, name, is),
                Some(Kind::Single { .. }) => {
                    self.option_bits(file, name, options, std::slice::from_ref(is)).map(Test::OneOf)
                }
                _ => self.number(file, name, is, lo, hi).map(Test::IsNumber),
            });
        }
        if let Some(list) = &raw.in_ {
            compiled.push(self.non_empty(file, "in", list).and_then(|items| {
                if matches!(kind, Some(Kind::Single { .. })) {
                    self.option_bits(file, name, options, items).map(Test::OneOf)
                } else {
                    let numbers: Vec<Option<f64>> =
                        items.iter().map(|v| self.number(file, name, v, lo, hi)).collect();
                    numbers.into_iter().collect::<Option<Vec<f64>>>().map(Test::NumberIn)
                }
            }));
        }
        if let Some(one) = &raw.includes {
            compiled.push(
                self.option_bits(file, name, options, std::slice::from_ref(one)).map(Test::IncludesAny),
            );
        }
        if let Some(list) = &raw.includes_any {
            compiled.push(
                self.non_empty(file, "includes_any", list)
                    .and_then(|items| self.option_bits(file, name, options, items))
                    .map(Test::IncludesAny),
            );
        }
        for (bound, is_floor) in [(&raw.at_least, true), (&raw.at_most, false)] {
            let Some(b) = bound else { continue };
            let value = b.value;
            // A floor above the top, or a ceiling below the bottom, can never hold.
            let never = !value.is_finite()
                || (is_floor && hi.is_some_and(|h| value > h))
                || (!is_floor && lo.is_some_and(|l| value < l));
            if never {
                self.push(
                    Diagnostic::error(
                        Code::ValueOutOfRange,
                        format!("`{name}` can never satisfy this bound"),
                    )
                    .at(file, range_of(b), range_label(lo, hi)),
                );
            }
            compiled
                .push((!never).then(|| if is_floor { Test::AtLeast(value) } else { Test::AtMost(value) }));
        }
        if let Some(answered) = &raw.answered {
            compiled.push(Some(Test::Answered(answered.value)));
        }
        if let Some(pattern) = &raw.matches {
            compiled.push(self.regex(file, name, pattern).map(Test::Matches));
        }
        let mut tests: Vec<Condition> = compiled
            .into_iter()
            .collect::<Option<Vec<Test>>>()?
            .into_iter()
            .map(|t| Condition::Test(target, t))
            .collect();
        Some(if tests.len() == 1 { tests.remove(0) } else { Condition::All(tests) })
    }

    fn boolean(&mut self, file: FileId, name: &str, raw: &Spanned<String>) -> Option<Test> {
        match raw.value.as_str() {
            "true" => Some(Test::IsBool(true)),
            "false" => Some(Test::IsBool(false)),
            other => {
                self.push(
                    Diagnostic::error(
                        Code::TestKindMismatch,
                        format!("`{name}` is a yes/no question, so `is` takes true or false"),
                    )
                    .at(file, range_of(raw), format!("`{other}` is neither"))
                    .note("write `is: true` or `is: false`"),
                );
                None
            }
        }
    }

    fn non_empty<'v>(
        &mut self,
        file: FileId,
        field: &str,
        list: &'v Spanned<Vec<Spanned<String>>>,
    ) -> Option<&'v [Spanned<String>]> {
        if list.value.is_empty() {
            self.push(Diagnostic::error(Code::BadCondition, format!("`{field}` has no values")).at(
                file,
                range_of(list),
                "it could never hold",
            ));
            return None;
        }
        Some(&list.value)
    }

    fn regex(&mut self, file: FileId, name: &str, pattern: &Spanned<String>) -> Option<regex::Regex> {
        // Size-limited, and the regex crate runs in linear time: a pack cannot hang us.
        match RegexBuilder::new(&pattern.value).size_limit(1 << 20).build() {
            Ok(re) => Some(re),
            Err(err) => {
                let reason = err.to_string();
                let reason = reason.lines().last().unwrap_or("").trim().to_string();
                self.push(
                    Diagnostic::error(Code::BadRegex, format!("the pattern for `{name}` does not compile"))
                        .at(file, range_of(pattern), reason)
                        .note("patterns use the syntax of Rust's `regex` crate; (?i) makes one ignore case"),
                );
                None
            }
        }
    }

    fn number(
        &mut self,
        file: FileId,
        name: &str,
        raw: &Spanned<String>,
        lo: Option<f64>,
        hi: Option<f64>,
    ) -> Option<f64> {
        let Ok(n) = raw.value.trim().parse::<f64>() else {
            self.push(
                Diagnostic::error(
                    Code::TestKindMismatch,
                    format!("`{name}` is compared with `{}`, which is not a number", raw.value),
                )
                .at(file, range_of(raw), "expected a number"),
            );
            return None;
        };
        if !n.is_finite() || lo.is_some_and(|l| n < l) || hi.is_some_and(|h| n > h) {
            self.push(Diagnostic::error(Code::ValueOutOfRange, format!("`{name}` can never be {n}")).at(
                file,
                range_of(raw),
                range_label(lo, hi),
            ));
            return None;
        }
        Some(n)
    }

    fn option_bits(
        &mut self,
        file: FileId,
        name: &str,
        options: &[Choice],
        values: &[Spanned<String>],
    ) -> Option<u64> {
        let mut bits = 0u64;
        let mut ok = true;
        for value in values {
            match options.iter().position(|o| o.value == value.value) {
                Some(i) if i < 64 => bits |= 1 << i,
                _ => {
                    let help = did_you_mean(&value.value, options.iter().map(|o| o.value.as_str()));
                    self.push(
                        Diagnostic::error(
                            Code::UnknownOption,
                            format!("question `{name}` has no option `{}`", value.value),
                        )
                        .at(file, range_of(value), help),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(bits)
    }

    fn scores(&mut self, files: &[(FileId, RawFile)]) -> Vec<Score> {
        let mut out = Vec::new();
        for (file, raw) in files {
            for s in &raw.scores {
                let mut parts = Vec::new();
                if s.parts.value.is_empty() {
                    self.push(
                        Diagnostic::error(Code::BadScore, format!("score `{}` has no parts", s.id.value)).at(
                            *file,
                            range_of(&s.parts),
                            "add `- question: ...`",
                        ),
                    );
                }
                for part in &s.parts.value {
                    if let Some(p) = self.score_part(*file, part) {
                        parts.push(p);
                    }
                }
                let bands = s.bands.as_ref().map(|b| self.bands(*file, b)).unwrap_or_default();
                out.push(Score { id: s.id.value.clone(), name: self.text(*file, &s.name), parts, bands });
            }
        }
        out
    }

    fn score_part(&mut self, file: FileId, part: &RawScorePart) -> Option<ScorePart> {
        let name = &part.question.value;
        let index = match self.names.targets.get(name) {
            Some(Target::Question(i)) => *i,
            other => {
                let candidates: Vec<&str> = self.questions.iter().map(|q| q.id.as_str()).collect();
                let what =
                    if other.is_some() { "a score, not a question" } else { "not a question of the pack" };
                self.push(
                    Diagnostic::error(
                        Code::UnknownQuestion,
                        format!("the score reads `{name}`, which is {what}"),
                    )
                    .at(
                        file,
                        range_of(&part.question),
                        did_you_mean(name, candidates.iter().copied()),
                    ),
                );
                return None;
            }
        };
        let question = &self.questions[index];
        let weight = part.weight.as_ref().map_or(1.0, |w| w.value);
        let mut numbers_ok = true;
        for (number, what) in [(&part.weight, "weight"), (&part.yes, "point"), (&part.no, "point")] {
            if let Some(number) = number {
                numbers_ok &= self.finite(file, number, what);
            }
        }
        if !numbers_ok {
            return None;
        }
        let bad = |v: &mut Self, why: String| {
            v.push(
                Diagnostic::error(Code::BadScore, format!("question `{name}` cannot be scored as written"))
                    .at(file, range_of(&part.question), why),
            );
        };
        for field in [&part.yes, &part.no].into_iter().flatten() {
            if !matches!(question.kind, Kind::YesNo) {
                bad(self, "`yes` and `no` points belong to yes/no questions".into());
                let _ = field;
                return None;
            }
        }
        if part.invert && !matches!(question.kind, Kind::Scale { .. }) {
            bad(self, "only scales can be inverted".into());
            return None;
        }
        let (least, most) = match &question.kind {
            Kind::Scale { min, max, .. } => (*min as f64, *max as f64),
            Kind::YesNo => {
                let (Some(yes), Some(no)) = (&part.yes, &part.no) else {
                    bad(self, "a yes/no question needs `yes:` and `no:` points".into());
                    return None;
                };
                (yes.value.min(no.value), yes.value.max(no.value))
            }
            Kind::Single { options } => {
                let Some(scores) = options.iter().map(|o| o.score).collect::<Option<Vec<f64>>>() else {
                    bad(self, "every option needs a `score:` to be counted".into());
                    return None;
                };
                (
                    scores.iter().copied().fold(f64::INFINITY, f64::min),
                    scores.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                )
            }
            Kind::Multiple { options } => {
                let Some(scores) = options.iter().map(|o| o.score).collect::<Option<Vec<f64>>>() else {
                    bad(self, "every option needs a `score:` to be counted".into());
                    return None;
                };
                (scores.iter().filter(|s| **s < 0.0).sum(), scores.iter().filter(|s| **s > 0.0).sum())
            }
            Kind::Number { min: Some(lo), max: Some(hi) } => (*lo, *hi),
            Kind::Number { .. } => {
                bad(self, "a number question needs `min` and `max` to be scored".into());
                return None;
            }
            Kind::Text => {
                bad(self, "free text cannot be scored".into());
                return None;
            }
        };
        let (least, most) =
            if weight >= 0.0 { (least * weight, most * weight) } else { (most * weight, least * weight) };
        Some(ScorePart {
            question: index,
            weight,
            invert: part.invert,
            yes: part.yes.as_ref().map_or(0.0, |y| y.value),
            no: part.no.as_ref().map_or(0.0, |n| n.value),
            least,
            most,
            label: part.label.as_ref().map(|l| self.text(file, l)),
        })
    }

    fn bands(&mut self, file: FileId, raw: &Spanned<Vec<RawBand>>) -> Vec<Band> {
        let mut order: Vec<&RawBand> = raw.value.iter().collect();
        order.sort_by(|a, b| a.from.value.total_cmp(&b.from.value));
        let mut expected_from = 0.0;
        let mut problem = None;
        for band in &order {
            let (from, to) = (band.from.value, band.to.value);
            if from != expected_from {
                let why =
                    format!("band `{}` starts at {from} where {expected_from} was expected", band.id.value);
                problem = Some((why, range_of(&band.from)));
                break;
            }
            if to <= from {
                let why = format!("band `{}` ends at {to}, not after its start", band.id.value);
                problem = Some((why, range_of(&band.to)));
                break;
            }
            expected_from = to;
        }
        if problem.is_none() && expected_from != 100.0 {
            problem = Some((format!("the bands end at {expected_from}, not 100"), range_of(raw)));
        }
        if let Some((why, range)) = problem {
            self.push(
                Diagnostic::error(Code::BadBands, why)
                    .at(file, range, "bands must cover 0 to 100 without gaps or overlaps")
                    .note("each band runs from `from` up to `to`; the next starts where it ends; the last includes 100"),
            );
        }
        order
            .into_iter()
            .map(|b| Band {
                id: b.id.value.clone(),
                label: self.text(file, &b.label),
                from: b.from.value,
                to: b.to.value,
            })
            .collect()
    }

    /// The aggregates section, and where each grouping question is named (checked against
    /// the flags and rules once they are compiled).
    fn aggregates(&mut self, file: FileId, raw: Option<&RawAggregates>) -> (Aggregates, GroupingSpans) {
        let Some(raw) = raw else {
            // A pack that says nothing still gets a safe category: results it marks
            // confidential are never counted by name.
            let aggregates = Aggregates {
                consent: None,
                confidential_category: Text::plain("Other or confidential support"),
                grouping: Vec::new(),
            };
            return (aggregates, Vec::new());
        };
        let consent = raw.consent.as_ref().and_then(|c| {
            let i = self.question_ref(file, c)?;
            if matches!(self.questions[i].kind, Kind::YesNo) {
                return Some(i);
            }
            self.push(
                Diagnostic::error(
                    Code::TestKindMismatch,
                    format!("consent question `{}` is not a yes/no question", c.value),
                )
                .at(file, range_of(c), "consent is a yes or a no"),
            );
            None
        });
        let mut grouping = Vec::new();
        let mut spans = Vec::new();
        for g in &raw.grouping {
            let Some(i) = self.question_ref(file, g) else { continue };
            if matches!(self.questions[i].kind, Kind::Single { .. }) {
                grouping.push(i);
                spans.push((i, file, range_of(g)));
                continue;
            }
            self.push(
                Diagnostic::error(
                    Code::BadGrouping,
                    format!(
                        "grouping question `{}` is a {} question; only a single choice groups",
                        g.value,
                        self.questions[i].kind.name()
                    ),
                )
                .at(file, range_of(g), "groups are the options of a single choice")
                .note("free text or numbers would make groups named after what people answered"),
            );
        }
        let confidential_category = self.text(file, &raw.confidential_category);
        (Aggregates { consent, confidential_category, grouping }, spans)
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

    fn flags(&mut self, files: &[(FileId, RawFile)]) -> Vec<Flag> {
        let mut out = Vec::new();
        for (file, raw) in files {
            for f in &raw.flags {
                let when = self.condition(*file, &f.when, Scope::Anywhere);
                let rules_out = f.rules_out.iter().filter_map(|m| self.modality_ref(*file, m)).collect();
                let about = f.about.iter().filter_map(|m| self.modality_ref(*file, m)).collect();
                let puts_first = f.puts_first.as_ref().and_then(|m| self.modality_ref(*file, m));
                let weights = self.weights(*file, &f.weights.value);
                let support = self.references(*file, &f.support, "support resource");
                let guides = self.references(*file, &f.guides, "guide");
                if f.severity.value == RawSeverity::Urgent && f.support.is_empty() {
                    self.push(
                        Diagnostic::error(
                            Code::UrgentWithoutSupport,
                            format!("urgent flag `{}` names no support resource", f.id.value),
                        )
                        .at(
                            *file,
                            range_of(&f.id),
                            "a person in distress must be shown where to get help now",
                        )
                        .note(
                            "add `support: [<id>, ...]` naming resources from the pack's `support:` section",
                        ),
                    );
                }
                let message = self.text(*file, &f.message);
                if let Some(when) = when {
                    out.push(Flag {
                        id: f.id.value.clone(),
                        severity: f.severity.value,
                        kind: f.kind,
                        when,
                        message,
                        rules_out,
                        about,
                        puts_first,
                        weights,
                        support,
                        guides,
                        confidential: f.confidential || f.severity.value == RawSeverity::Urgent,
                        source: f.source.as_ref().map(|s| s.value.clone()),
                    });
                }
            }
        }
        out
    }

    fn rules(&mut self, files: &[(FileId, RawFile)]) -> Vec<Rule> {
        let mut out = Vec::new();
        for (file, raw) in files {
            for r in &raw.rules {
                let when = self.condition(*file, &r.when, Scope::Anywhere);
                let weights = self.weights(*file, &r.weights.value);
                let because = self.text(*file, &r.because);
                let guides = self.references(*file, &r.guides, "guide");
                if let Some(when) = when {
                    out.push(Rule {
                        id: r.id.value.clone(),
                        phase: r.phase.value,
                        when,
                        weights,
                        because,
                        source: r.source.as_ref().map(|s| s.value.clone()),
                        guides,
                    });
                }
            }
        }
        out
    }

    fn modalities(&mut self, files: &[(FileId, RawFile)]) -> Vec<Modality> {
        let mut out = Vec::new();
        for (file, raw) in files {
            for m in &raw.modalities {
                out.push(Modality {
                    id: m.id.value.clone(),
                    name: self.text(*file, &m.name),
                    fits_when: self.text(*file, &m.fits_when),
                    confidential: m.confidential,
                    next_steps: m.next_steps.iter().map(|s| self.line(*file, s)).collect(),
                    guides: self.references(*file, &m.guides, "guide"),
                });
            }
        }
        out
    }

    /// A line of a list; its condition, checked like every other, joins `line_conditions`.
    fn line(&mut self, file: FileId, raw: &Spanned<RawLine>) -> Line {
        match &raw.value {
            RawLine::Always(text) => {
                let text = Spanned { value: text.clone(), referenced: raw.referenced };
                Line { text: self.text(file, &text), when: None }
            }
            RawLine::When { text, when } => {
                let text = self.text(file, text);
                let when = self.condition(file, when, Scope::Anywhere).map(|c| {
                    self.line_conditions.push(c);
                    self.line_conditions.len() - 1
                });
                Line { text, when }
            }
        }
    }

    fn support(&mut self, files: &[(FileId, RawFile)]) -> Vec<Support> {
        let mut out = Vec::new();
        for (file, raw) in files {
            for s in &raw.support {
                out.push(Support {
                    id: s.id.value.clone(),
                    name: self.text(*file, &s.name),
                    contact: self.text(*file, &s.contact),
                    note: s.note.as_ref().map(|n| self.text(*file, n)),
                });
            }
        }
        out
    }

    fn guides(&mut self, files: &[(FileId, RawFile)]) -> Vec<Guide> {
        let mut out = Vec::new();
        for (file, raw) in files {
            for g in &raw.guides {
                out.push(Guide {
                    id: g.id.value.clone(),
                    title: self.text(*file, &g.title),
                    items: g.items.iter().map(|i| self.line(*file, i)).collect(),
                    source: g.source.as_ref().map(|s| s.value.clone()),
                });
            }
        }
        out
    }
}

fn allowed_tests(kind: Option<&Kind>) -> Vec<&'static str> {
    let mut allowed = match kind {
        Some(Kind::YesNo) => vec!["is"],
        Some(Kind::Scale { .. } | Kind::Number { .. }) => vec!["is", "in", "at_least", "at_most"],
        Some(Kind::Single { .. }) => vec!["is", "in"],
        Some(Kind::Multiple { .. }) => vec!["includes", "includes_any"],
        Some(Kind::Text) => vec!["matches"],
        None => vec!["at_least", "at_most"],
    };
    allowed.push("answered");
    allowed
}

fn range_label(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(l), Some(h)) => format!("its values run from {l} to {h}"),
        (Some(l), None) => format!("its values start at {l}"),
        (None, Some(h)) => format!("its values end at {h}"),
        (None, None) => "it must be a finite number".to_string(),
    }
}

fn test_cases(
    ruleset: &RuleSet,
    files: &[(FileId, RawFile)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<TestCase> {
    let mut out = Vec::new();
    for (file, raw) in files {
        // Each test's full answers, after `extends`, for later tests of the file to extend.
        let mut full: HashMap<&str, answers::RawEntries> = HashMap::new();
        // Tests whose answers did not fit; a test extending one would only repeat its errors.
        let mut failed: HashSet<&str> = HashSet::new();
        for case in &raw.tests {
            let mut entries = case.answers.clone();
            if let Some(base) = &case.extends {
                match full.get(base.value.as_str()) {
                    Some(base_entries) => {
                        let own = &case.answers.value.0;
                        let inherited = base_entries
                            .value
                            .0
                            .iter()
                            .filter(|(k, _)| own.iter().all(|(o, _)| o.value != k.value));
                        entries.value.0 = inherited.chain(own).cloned().collect();
                    }
                    None => diagnostics.push(
                        Diagnostic::error(
                            Code::UnknownReference,
                            format!("`{}` is not an earlier test of this file", base.value),
                        )
                        .at(
                            *file,
                            range_of(base),
                            "a test extends a test written before it, in the same file",
                        ),
                    ),
                }
            }
            let base_failed = case.extends.as_ref().is_some_and(|b| failed.contains(b.value.as_str()));
            let answers = match answers::check(ruleset, *file, &entries, None) {
                Ok(a) => Some(a),
                Err(mut errs) => {
                    failed.insert(case.id.value.as_str());
                    if !base_failed {
                        diagnostics.append(&mut errs);
                    }
                    None
                }
            };
            let expect = resolve_expect(ruleset, *file, &case.expect, diagnostics);
            full.insert(case.id.value.as_str(), entries);
            if let Some(answers) = answers {
                out.push(TestCase {
                    id: case.id.value.clone(),
                    description: case.description.clone(),
                    answers,
                    expect,
                });
            }
        }
    }
    out
}

/// Resolves what a test expects against a finished rule set, reporting every unknown name.
pub fn resolve_expect(
    ruleset: &RuleSet,
    file: FileId,
    raw: &RawExpect,
    diagnostics: &mut Vec<Diagnostic>,
) -> Expect {
    let mut modality = |m: &Spanned<String>| {
        let found = ruleset.modality(&m.value);
        if found.is_none() {
            let candidates = ruleset.modalities.iter().map(|x| x.id.as_str());
            diagnostics.push(not_found(Code::UnknownModality, "modality", file, m, candidates));
        }
        found
    };
    let primary = raw.primary.as_ref().and_then(&mut modality);
    let not_primary = raw.not_primary.iter().filter_map(&mut modality).collect();
    let mut flag = |f: &Spanned<String>| {
        let found = ruleset.flag(&f.value);
        if found.is_none() {
            let candidates = ruleset.flags.iter().map(|x| x.id.as_str());
            diagnostics.push(not_found(Code::UnknownReference, "flag", file, f, candidates));
        }
        found
    };
    let flags = raw.flags.iter().filter_map(&mut flag).collect();
    let no_flags = raw.no_flags.iter().filter_map(&mut flag).collect();
    if let Some(band) = &raw.band {
        let bands = ruleset.readiness.map(|r| &ruleset.scores[r].bands[..]).unwrap_or(&[]);
        if !bands.iter().any(|b| b.id == band.value) {
            let candidates = bands.iter().map(|b| b.id.as_str());
            diagnostics.push(not_found(Code::UnknownReference, "readiness band", file, band, candidates));
        }
    }
    Expect { primary, not_primary, flags, no_flags, band: raw.band.as_ref().map(|b| b.value.clone()) }
}

/// "`x` is not a {what} of the pack", pointing at `x`, with the nearest name or the list of them.
/// `(question, file, span)` of each grouping question named.
type GroupingSpans = Vec<(usize, FileId, std::ops::Range<usize>)>;

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
