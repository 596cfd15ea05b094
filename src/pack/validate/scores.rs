//! Scores and their bands, and the aggregates HR may group by.

use super::*;

impl Validator<'_> {
    pub(super) fn scores(&mut self, files: &[(FileId, RawFile)]) -> Vec<Score> {
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

    pub(super) fn score_part(&mut self, file: FileId, part: &RawScorePart) -> Option<ScorePart> {
        let name = &part.question.value;
        let measure = self.measure_target(name, self.questions);
        let index = match (self.names.targets.get(name), measure) {
            (Some(Target::Question(i)), _) => *i,
            (_, Some((Target::Measure(i, _), _, _))) => i,
            (other, _) => {
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
        let measure = measure.and_then(|m| match m.0 {
            Target::Measure(_, measure) => Some((measure, m.1, m.2)),
            _ => None,
        });
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
        if part.invert && (measure.is_some() || !matches!(question.kind, Kind::Scale { .. })) {
            bad(self, "only scales can be inverted".into());
            return None;
        }
        let (least, most) = match &question.kind {
            Kind::Grid(_) => match measure {
                Some((_, lo, hi)) => (lo, hi),
                None => {
                    bad(
                        self,
                        format!(
                            "a grid is scored by a measure: `{name}.gap`, or `{name}.<column>.lowest` or `.highest`"
                        ),
                    );
                    return None;
                }
            },
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
            measure: measure.map(|m| m.0),
            weight,
            invert: part.invert,
            yes: part.yes.as_ref().map_or(0.0, |y| y.value),
            no: part.no.as_ref().map_or(0.0, |n| n.value),
            least,
            most,
            label: part.label.as_ref().map(|l| self.text(file, l)),
        })
    }

    pub(super) fn bands(&mut self, file: FileId, raw: &Spanned<Vec<RawBand>>) -> Vec<Band> {
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
    pub(super) fn aggregates(
        &mut self,
        file: FileId,
        raw: Option<&RawAggregates>,
    ) -> (Aggregates, GroupingSpans) {
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
}
