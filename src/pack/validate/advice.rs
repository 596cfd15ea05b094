//! What a pack says: flags, rules, modalities with their lines, support and guides.

use super::*;

impl Validator<'_> {
    pub(super) fn flags(&mut self, files: &[(FileId, RawFile)]) -> Vec<Flag> {
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

    pub(super) fn rules(&mut self, files: &[(FileId, RawFile)]) -> Vec<Rule> {
        let mut out = Vec::new();
        for (file, raw) in files {
            for r in &raw.rules {
                let when = self.condition(*file, &r.when, Scope::Anywhere);
                let weights = self.weights(*file, &r.weights.value);
                let because = self.text(*file, &r.because);
                let guides = self.references(*file, &r.guides, "guide");
                let argues_for = match &r.argues_for {
                    None => crate::engine::model::mostly_for(&weights),
                    Some(named) => self.argues_for(*file, named, &weights),
                };
                if let Some(when) = when {
                    out.push(Rule {
                        id: r.id.value.clone(),
                        phase: r.phase.value,
                        when,
                        weights,
                        because,
                        argues_for,
                        source: r.source.as_ref().map(|s| s.value.clone()),
                        guides,
                    });
                }
            }
        }
        out
    }

    /// A rule's `argues_for`: modalities its weights add to, each named once.
    fn argues_for(
        &mut self,
        file: FileId,
        named: &Spanned<Vec<Spanned<String>>>,
        weights: &[(usize, f64)],
    ) -> Vec<usize> {
        let mut out = Vec::new();
        for m in &named.value {
            let Some(i) = self.modality_ref(file, m) else { continue };
            if !weights.iter().any(|&(w, x)| w == i && x > 0.0) {
                self.push(
                    Diagnostic::error(
                        Code::BadArguesFor,
                        format!("`argues_for` names `{}`, which the rule's weights do not add to", m.value),
                    )
                    .at(file, range_of(m), "a reason for a modality must add to it")
                    .note("name only modalities with a positive weight in `weights:`, or give this one a weight"),
                );
            } else if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }

    pub(super) fn modalities(&mut self, files: &[(FileId, RawFile)]) -> Vec<Modality> {
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
    pub(super) fn line(&mut self, file: FileId, raw: &Spanned<RawLine>) -> Line {
        match &raw.value {
            RawLine::Always(text) => {
                let text = Spanned { value: text.clone(), referenced: raw.referenced };
                Line { text: self.text(file, &text), when: None, guide: None }
            }
            RawLine::When { text, when, guide } => {
                let text = self.text(file, text);
                let when =
                    when.as_ref().and_then(|when| self.condition(file, when, Scope::Anywhere)).map(|c| {
                        self.line_conditions.push(c);
                        self.line_conditions.len() - 1
                    });
                let guide = guide
                    .as_ref()
                    .and_then(|g| self.references(file, std::slice::from_ref(g), "guide").first().copied());
                Line { text, when, guide }
            }
        }
    }

    pub(super) fn support(&mut self, files: &[(FileId, RawFile)]) -> Vec<Support> {
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

    pub(super) fn guides(&mut self, files: &[(FileId, RawFile)]) -> Vec<Guide> {
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
