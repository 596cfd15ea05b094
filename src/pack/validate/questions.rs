//! Questions: ids, texts, kinds (scale, choices, yes/no, number, free text) and their options,
//! each field checked against the kind it belongs to.

use super::*;

impl Validator<'_> {
    pub(super) fn questions(&mut self, files: &[(FileId, RawFile)]) -> Vec<Question> {
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
                    identifies: q.respondent.as_ref().map(|r| self.identity(*file, q, r)),
                });
            }
        }
        out
    }

    /// A respondent question's identity; it must be free text.
    fn identity(&mut self, file: FileId, q: &RawQuestion, raw: &Spanned<RawIdentity>) -> Identity {
        if q.kind.value != RawKind::Text {
            self.push(
                Diagnostic::error(
                    Code::BadRespondent,
                    format!("question `{}` names the respondent but is not free text", q.id.value),
                )
                .at(file, range_of(raw), "a respondent question")
                .note("a name, an e-mail address or a code is typed: give it `kind: text`"),
            );
        }
        match raw.value {
            RawIdentity::Name => Identity::Name,
            RawIdentity::Email => Identity::Email,
            RawIdentity::Code => Identity::Code,
        }
    }

    pub(super) fn kind(&mut self, file: FileId, q: &RawQuestion) -> Kind {
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
        if kind != RawKind::Grid {
            let grid_fields = [
                q.rows.as_ref().map(|r| ("rows", range_of(r))),
                q.own_rows.as_ref().map(|r| ("own_rows", range_of(r))),
                q.columns.as_ref().map(|r| ("columns", range_of(r))),
                q.gap.as_ref().map(|r| ("gap", range_of(r))),
            ];
            for (field, range) in grid_fields.into_iter().flatten() {
                self.misplaced(file, range, field, "grid questions");
            }
        }
        match kind {
            RawKind::Grid => self.grid(file, q),
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

    pub(super) fn options(&mut self, file: FileId, q: &RawQuestion, kind_range: Range<usize>) -> Vec<Choice> {
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
        self.choices(file, raw, "option")
    }

    /// A list of `{value, label, score}`: a choice question's options, or a grid's rows.
    pub(super) fn choices(&mut self, file: FileId, raw: &Spanned<Vec<RawOption>>, what: &str) -> Vec<Choice> {
        let mut out: Vec<Choice> = Vec::new();
        for option in &raw.value {
            if out.iter().any(|o| o.value == option.value.value) {
                self.push(
                    Diagnostic::error(
                        Code::BadOptions,
                        format!("{what} `{}` appears twice", option.value.value),
                    )
                    .at(
                        file,
                        range_of(&option.value),
                        format!("{what} values must be unique within a question"),
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

    pub(super) fn misplaced(&mut self, file: FileId, range: Range<usize>, field: &str, only: &str) {
        self.push(
            Diagnostic::error(
                Code::MisplacedField,
                format!("`{field}` does not apply to this question's kind"),
            )
            .at(file, range, format!("only {only} use `{field}`")),
        );
    }
}
