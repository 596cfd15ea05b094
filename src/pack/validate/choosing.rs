//! Checks the sections of a pack for choosing among several: `pack.compare` (results side by
//! side) and `matching` (a shortlist from a roster).

use std::collections::HashSet;

use super::{Scope, Validator};
use crate::engine::model::Field;
use crate::engine::model::{Compare, Criterion, Kind, Matching, Reads, Text};
use crate::pack::schema::{RawCompare, RawCriterion, RawFile, RawMatching};
use crate::util::diag::{Code, Diagnostic, FileId, did_you_mean};
use crate::util::yaml::{Spanned, range_of};

/// The most a shortlist may propose, and the most results `compare` ranks.
pub const MAX_SHORTLIST: u32 = 100;

impl Validator<'_> {
    pub(super) fn compare(&mut self, file: FileId, raw: Option<&RawCompare>) -> Option<Compare> {
        let raw = raw?;
        let mut order = Vec::new();
        for m in &raw.order.value {
            if let Some(i) = self.modality_ref(file, m) {
                if order.contains(&i) {
                    self.push(
                        Diagnostic::error(
                            Code::BadCompare,
                            format!("`{}` is listed twice in `compare.order`", m.value),
                        )
                        .at(file, range_of(m), "the second time"),
                    );
                }
                order.push(i);
            }
        }
        let mut missing: Vec<&str> = self
            .names
            .modalities
            .iter()
            .filter(|(_, i)| !order.contains(i))
            .map(|(id, _)| id.as_str())
            .collect();
        missing.sort_unstable();
        if !missing.is_empty() {
            self.push(
                Diagnostic::error(
                    Code::BadCompare,
                    format!("`compare.order` leaves out {}", missing.join(", ")),
                )
                .at(file, range_of(&raw.order), "list every modality once, best first")
                .note("a result of a modality not listed would have no place"),
            );
        }
        let then_by = raw.then_by.as_ref().and_then(|s| self.score_ref(file, s));
        let label =
            raw.label.as_ref().and_then(|q| {
                let i = self.question_ref(file, q)?;
                if matches!(self.questions[i].kind, Kind::Text) {
                    return Some(i);
                }
                let kind = self.questions[i].kind.name();
                self.push(
                    Diagnostic::error(Code::BadCompare, format!("`compare.label` names a {kind} question"))
                        .at(file, range_of(q), "a label is the free text that names what was assessed"),
                );
                None
            });
        let count = raw.count.as_ref().and_then(|q| {
            let i = self.question_ref(file, q)?;
            let kind = &self.questions[i].kind;
            let counts = match kind {
                Kind::Number { .. } => true,
                Kind::Single { options } => options.iter().all(|o| o.score.is_some()),
                _ => false,
            };
            if counts {
                return Some(i);
            }
            let kind = kind.name();
            self.push(
                Diagnostic::error(
                    Code::BadCompare,
                    format!("`compare.count` names a {kind} question that does not count"),
                )
                .at(
                    file,
                    range_of(q),
                    "a count is a number, or a single choice whose options each have a `score`",
                )
                .note("give each option the count it means, e.g. `{value: two, label: Two, score: 2}`"),
            );
            None
        });
        let at_least = raw.at_least.as_ref().map_or(0, |n| n.value);
        if at_least > MAX_SHORTLIST {
            let at = raw.at_least.as_ref().map(range_of).unwrap_or_default();
            self.push(
                Diagnostic::error(
                    Code::BadCompare,
                    format!("`compare.at_least` is more than {MAX_SHORTLIST}"),
                )
                .at(file, at, "a number of results a person could compare"),
            );
        }
        let fewer = raw.fewer.as_ref().map(|t| self.text(file, t));
        if at_least > 1 && fewer.is_none() {
            let at = raw.at_least.as_ref().map(range_of).unwrap_or_default();
            self.push(Diagnostic::error(Code::BadCompare, "`compare.at_least` without `fewer`").at(
                file,
                at,
                "what should a person who compared fewer be told?",
            ));
        }
        Some(Compare {
            order,
            then_by,
            label,
            count,
            at_least: at_least as usize,
            fewer,
            source: raw.source.clone(),
        })
    }

    /// The pack's one `matching:` section, if any.
    pub(super) fn matching(&mut self, files: &[(FileId, RawFile)]) -> Option<Matching> {
        let found: Vec<_> =
            files.iter().filter_map(|(file, raw)| raw.matching.as_ref().map(|m| (*file, m))).collect();
        let (file, raw) = *found.first()?;
        for (other, extra) in &found[1..] {
            self.push(Diagnostic::error(Code::DuplicatePackMetadata, "a second `matching:` section").at(
                *other,
                range_of(extra),
                "the pack's matching is already described elsewhere",
            ));
        }
        let raw: &RawMatching = &raw.value;
        let for_: Vec<usize> = raw.for_.value.iter().filter_map(|m| self.modality_ref(file, m)).collect();
        if raw.for_.value.is_empty() {
            self.push(
                Diagnostic::error(Code::BadCriterion, "`matching.for` names no modality")
                    .at(file, range_of(&raw.for_), "whom is a shortlist for?")
                    .note("list the modalities a shortlist is offered for, such as [coaching]"),
            );
        }
        let at_least = raw.at_least.as_ref().map_or(3, |n| n.value);
        let at_most = raw.at_most.as_ref().map_or(5.max(at_least), |n| n.value);
        if at_least == 0 || at_most < at_least || at_most > MAX_SHORTLIST {
            let at = raw.at_most.as_ref().or(raw.at_least.as_ref()).map(range_of).unwrap_or_default();
            self.push(
                Diagnostic::error(
                    Code::BadCriterion,
                    format!("a shortlist of at least {at_least} and at most {at_most}"),
                )
                .at(
                    file,
                    at,
                    format!("from 1 to {MAX_SHORTLIST}, `at_least` no more than `at_most`"),
                ),
            );
        }
        let advice = self.text(file, &raw.advice);
        let mut values: Vec<(Field, Vec<(String, Text)>)> = Vec::new();
        for (field, entries) in &raw.values.0 {
            let Some(f) = self.field(file, field) else { continue };
            if values.iter().any(|(x, _)| *x == f) {
                self.push(
                    Diagnostic::error(Code::DuplicateKey, format!("`{}` is listed twice", field.value)).at(
                        file,
                        range_of(field),
                        "the second time",
                    ),
                );
                continue;
            }
            let mut seen = HashSet::new();
            let mut list = Vec::new();
            for (value, label) in &entries.value.0 {
                if !seen.insert(value.value.clone()) {
                    self.push(
                        Diagnostic::error(Code::DuplicateKey, format!("`{}` is listed twice", value.value))
                            .at(file, range_of(value), "the second time"),
                    );
                }
                let label = self.text(file, label);
                list.push((value.value.clone(), label));
            }
            values.push((f, list));
        }
        let mut ids = HashSet::new();
        let mut criteria = Vec::new();
        for c in &raw.criteria.value {
            if !ids.insert(c.id.value.clone()) {
                self.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("two criteria have the id `{}`", c.id.value),
                    )
                    .at(file, range_of(&c.id), "the second"),
                );
            }
            if let Some(criterion) = self.criterion(file, c, &values) {
                criteria.push(criterion);
            }
        }
        if raw.criteria.value.is_empty() {
            self.push(Diagnostic::error(Code::BadCriterion, "`matching` has no criteria").at(
                file,
                range_of(&raw.criteria),
                "say what counts, and how much",
            ));
        }
        Some(Matching {
            for_,
            at_least: at_least as usize,
            at_most: at_most as usize,
            advice,
            values,
            criteria,
            source: raw.source.clone(),
        })
    }

    fn field(&mut self, file: FileId, raw: &Spanned<String>) -> Option<Field> {
        let found = Field::named(&raw.value);
        if found.is_none() {
            let names = Field::ALL.map(Field::name);
            self.push(
                Diagnostic::error(Code::UnknownValue, format!("`{}` is not a roster field", raw.value))
                    .at(file, range_of(raw), did_you_mean(&raw.value, names))
                    .note(format!("a roster's fields are {}", names.join(", "))),
            );
        }
        found
    }

    fn criterion(
        &mut self,
        file: FileId,
        c: &RawCriterion,
        values: &[(Field, Vec<(String, Text)>)],
    ) -> Option<Criterion> {
        self.check_id_form(file, &c.id);
        let field = self.field(file, &c.field)?;
        let allowed = values.iter().find(|(f, _)| *f == field).map(|(_, v)| v);
        // A value a roster can never hold would make the criterion silently never met.
        let known = |v: &mut Self, value: &Spanned<String>| {
            if let Some(allowed) = allowed
                && !allowed.iter().any(|(x, _)| *x == value.value)
            {
                let names = allowed.iter().map(|(x, _)| x.as_str());
                v.push(
                    Diagnostic::error(
                        Code::UnknownValue,
                        format!("`{}` is not a value of `{}` (`matching.values`)", value.value, field.name()),
                    )
                    .at(file, range_of(value), did_you_mean(&value.value, names)),
                );
            }
        };
        let reads = match (&c.answer, &c.has) {
            (Some(q), None) => {
                let question = self.question_ref(file, q)?;
                let options: Vec<String> = match &self.questions[question].kind {
                    Kind::Single { options } | Kind::Multiple { options } => {
                        options.iter().map(|o| o.value.clone()).collect()
                    }
                    other => {
                        let kind = other.name();
                        self.push(
                            Diagnostic::error(
                                Code::BadCriterion,
                                format!("criterion `{}` reads a {kind} question", c.id.value),
                            )
                            .at(
                                file,
                                range_of(q),
                                "a criterion reads a single or multiple choice",
                            ),
                        );
                        return None;
                    }
                };
                let mut mapped = Vec::new();
                match &c.values {
                    Some(map) => {
                        for (option, to) in &map.value.0 {
                            if !options.contains(&option.value) {
                                self.push(
                                    Diagnostic::error(
                                        Code::UnknownOption,
                                        format!("`{}` is not an option of `{}`", option.value, q.value),
                                    )
                                    .at(
                                        file,
                                        range_of(option),
                                        did_you_mean(&option.value, options.iter().map(String::as_str)),
                                    ),
                                );
                            }
                            for value in &to.value {
                                known(self, value);
                            }
                        }
                        let missing: Vec<&str> = options
                            .iter()
                            .filter(|o| !map.value.0.iter().any(|(k, _)| &k.value == *o))
                            .map(String::as_str)
                            .collect();
                        if !missing.is_empty() {
                            self.push(
                                Diagnostic::error(
                                    Code::BadCriterion,
                                    format!(
                                        "criterion `{}` does not say what {} means",
                                        c.id.value,
                                        missing.join(", ")
                                    ),
                                )
                                .at(
                                    file,
                                    range_of(map),
                                    "map every option; `[]` for one that asks nothing",
                                ),
                            );
                        }
                        for o in &options {
                            let to = map.value.0.iter().find(|(k, _)| &k.value == o);
                            mapped.push(to.map_or_else(Vec::new, |(_, v)| {
                                v.value.iter().map(|x| x.value.clone()).collect()
                            }));
                        }
                    }
                    None => {
                        if let Some(allowed) = allowed {
                            let unknown: Vec<&str> = options
                                .iter()
                                .filter(|o| !allowed.iter().any(|(x, _)| x == *o))
                                .map(String::as_str)
                                .collect();
                            if !unknown.is_empty() {
                                self.push(
                                    Diagnostic::error(
                                        Code::UnknownValue,
                                        format!(
                                            "options {} of `{}` are not values of `{}`",
                                            unknown.join(", "),
                                            q.value,
                                            field.name()
                                        ),
                                    )
                                    .at(file, range_of(q), "add `values:` to say what each option means")
                                    .note("`[]` for an option such as \"no preference\""),
                                );
                            }
                        }
                        mapped = options.iter().map(|o| vec![o.clone()]).collect();
                    }
                }
                Reads::Answer { question, values: mapped }
            }
            (None, Some(has)) => {
                if field.is_personal() {
                    self.push(
                        Diagnostic::error(
                            Code::BadCriterion,
                            format!("criterion `{}` weighs `{}` without the person's answer", c.id.value, field.name()),
                        )
                        .at(file, range_of(&c.field), "read it only through `answer:`")
                        .note("who a coach is counts only when a person said it matters to them; it is never inferred"),
                    );
                }
                for value in &has.value {
                    known(self, value);
                }
                if has.value.is_empty() {
                    self.push(
                        Diagnostic::error(
                            Code::BadCriterion,
                            format!("criterion `{}` has no values", c.id.value),
                        )
                        .at(file, range_of(has), "name the values that meet it"),
                    );
                }
                Reads::Has(has.value.iter().map(|v| v.value.clone()).collect())
            }
            _ => {
                self.push(
                    Diagnostic::error(
                        Code::BadCriterion,
                        format!("criterion `{}` needs one of `answer` and `has`", c.id.value),
                    )
                    .at(file, range_of(&c.id), "what does it read?"),
                );
                return None;
            }
        };
        if c.values.is_some() && c.answer.is_none() {
            let at = c.values.as_ref().map(range_of).unwrap_or_default();
            self.push(Diagnostic::error(Code::MisplacedField, "`values` maps the options of `answer`").at(
                file,
                at,
                "this criterion reads no answer",
            ));
        }
        let when = c.when.as_ref().and_then(|w| self.condition(file, w, Scope::Anywhere));
        let weight = match &c.weight {
            Some(w) if self.finite(file, w, "weight") => w.value,
            Some(_) => 0.0,
            None if c.must => 0.0,
            None => {
                self.push(
                    Diagnostic::error(
                        Code::BadCriterion,
                        format!("criterion `{}` has neither `must` nor `weight`", c.id.value),
                    )
                    .at(
                        file,
                        range_of(&c.id),
                        "say whether it filters or how much it counts",
                    ),
                );
                0.0
            }
        };
        if c.must && c.unmet.is_some() {
            let at = c.unmet.as_ref().map(range_of).unwrap_or_default();
            self.push(Diagnostic::error(Code::MisplacedField, "`unmet` on a criterion that must be met").at(
                file,
                at,
                "an entry that does not meet it is left out, never shown",
            ));
        }
        Some(Criterion {
            id: c.id.value.clone(),
            field,
            reads,
            when,
            must: c.must,
            weight,
            because: self.text(file, &c.because),
            unmet: c.unmet.as_ref().map(|t| self.text(file, t)),
            source: c.source.clone(),
        })
    }
}
