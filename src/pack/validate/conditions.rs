//! Conditions: `all`, `any`, `not` and the tests of one question or score, each test checked
//! against the kind of what it reads, and every value against what that can hold.

use super::*;

impl Validator<'_> {
    /// Conditions read the question list as built so far (for `show_if`) or the whole of it.
    pub(super) fn condition(&mut self, file: FileId, raw: &RawCondition, scope: Scope) -> Option<Condition> {
        let questions = self.questions;
        self.condition_in(file, raw, scope, questions)
    }

    pub(super) fn condition_in(
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

    pub(super) fn test(
        &mut self,
        file: FileId,
        key: &Spanned<String>,
        test: &Spanned<RawTest>,
        scope: Scope,
        questions: &[Question],
    ) -> Option<Condition> {
        let name = key.value.as_str();
        let measure = self.measure_target(name, questions);
        let target = match self.names.targets.get(name).copied().or(measure.map(|m| m.0)) {
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
                    .note("a condition's key is `all`, `any`, `not`, the id of a question or score, or a grid's measure (`question.column.lowest`, `.highest`, `question.gap`)"),
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
                Target::Question(i) | Target::Measure(i, _) if i == question => {
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
                Target::Question(i) | Target::Measure(i, _) if i > question => {
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
                Target::Question(_) | Target::Measure(..) => {}
            }
        }
        let kind = match target {
            Target::Question(i) => questions.get(i).map(|q| &q.kind),
            Target::Score(_) | Target::Measure(..) => None,
        };
        let raw = &test.value;
        let mut ok = true;
        let what = match (kind, target) {
            (Some(k), _) => format!("`{name}` is a {} question", k.name()),
            (None, Target::Measure(..)) => format!("`{name}` is a grid's measure, a number"),
            (None, _) => format!("`{name}` is a score"),
        };
        let allowed = match target {
            Target::Measure(..) => vec!["is", "in", "at_least", "at_most", "answered"],
            _ => allowed_tests(kind),
        };
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
            (_, Target::Measure(..)) => (measure.map(|m| m.1), measure.map(|m| m.2)),
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

    pub(super) fn boolean(&mut self, file: FileId, name: &str, raw: &Spanned<String>) -> Option<Test> {
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

    pub(super) fn non_empty<'v>(
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

    pub(super) fn regex(
        &mut self,
        file: FileId,
        name: &str,
        pattern: &Spanned<String>,
    ) -> Option<regex::Regex> {
        // Size-limited, and the regex crate runs in linear time: a pack cannot hang us.
        match crate::engine::model::pattern_of(&pattern.value) {
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

    pub(super) fn number(
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

    pub(super) fn option_bits(
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
}

fn allowed_tests(kind: Option<&Kind>) -> Vec<&'static str> {
    let mut allowed = match kind {
        Some(Kind::YesNo) => vec!["is"],
        Some(Kind::Scale { .. } | Kind::Number { .. }) => vec!["is", "in", "at_least", "at_most"],
        Some(Kind::Single { .. }) => vec!["is", "in"],
        Some(Kind::Multiple { .. }) => vec!["includes", "includes_any"],
        Some(Kind::Text) => vec!["matches"],
        // A grid is tested by its measures (`question.gap`, ...), as numbers.
        Some(Kind::Grid(_)) => vec![],
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
