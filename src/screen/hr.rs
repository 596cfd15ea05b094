//! The HR audience's output: counts only. By recommendation and by readiness band, per group;
//! groups smaller than the minimum are not shown, and totals add up only what is shown, so no
//! small group can be found by subtraction. Confidential results (therapy, urgent or clinical
//! flags) are counted only in one category that also holds everyone who did not consent.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value};

use super::Format;
use crate::answers::{Answer, Answers};
use crate::evaluate::Assessment;
use crate::i18n::{self, fill};
use crate::model::RuleSet;

/// The id of the mixed category in CSV and JSON.
pub const CONFIDENTIAL_ID: &str = "other_or_confidential";
const NO_READINESS_ID: &str = "no_readiness";

#[derive(Default, Clone)]
struct Counts {
    respondents: u64,
    /// By modality index; the last is the confidential category.
    categories: Vec<u64>,
    /// By band index of the readiness score; the last is "no readiness".
    bands: Vec<u64>,
}

pub struct Hr<'r> {
    ruleset: &'r RuleSet,
    grouped: bool,
    groups: HashMap<String, Counts>,
}

impl<'r> Hr<'r> {
    pub fn new(ruleset: &'r RuleSet, grouped: bool) -> Self {
        Hr { ruleset, grouped, groups: HashMap::new() }
    }

    fn bands(&self) -> &[crate::model::Band] {
        self.ruleset.readiness.map_or(&[][..], |r| &self.ruleset.scores[r].bands)
    }

    /// The category a result is counted in. Anything about health, and anyone who did not
    /// say yes to being counted, goes to the one mixed category.
    fn category(&self, answers: &Answers, a: &Assessment) -> usize {
        let r = self.ruleset;
        let mixed = r.modalities.len();
        let consented = r.aggregates.consent.is_none_or(|q| answers.values[q] == Some(Answer::Bool(true)));
        let confidential_flag = a.flags.iter().any(|&f| r.flags[f].confidential);
        match a.primary {
            Some(m) if consented && !confidential_flag && !r.modalities[m].confidential => m,
            _ => mixed,
        }
    }

    pub fn add(&mut self, group: Option<&str>, answers: &Answers, a: &Assessment) {
        let category = self.category(answers, a);
        let band = a.bands.get(self.ruleset.readiness.unwrap_or(usize::MAX)).copied().flatten();
        let (n_categories, n_bands) = (self.ruleset.modalities.len() + 1, self.bands().len() + 1);
        let key = if self.grouped { group.unwrap_or("").to_string() } else { String::new() };
        let counts = self.groups.entry(key).or_insert_with(|| Counts {
            respondents: 0,
            categories: vec![0; n_categories],
            bands: vec![0; n_bands],
        });
        counts.respondents += 1;
        counts.categories[category] += 1;
        counts.bands[band.unwrap_or(n_bands - 1)] += 1;
    }

    pub fn finish(
        self,
        format: Format,
        min_group: usize,
        lang: Option<&str>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let mut shown: Vec<(String, Counts)> = Vec::new();
        let mut hidden_people = 0;
        let mut groups: Vec<_> = self.groups.iter().collect();
        groups.sort_by(|a, b| a.0.cmp(b.0));
        for (name, counts) in groups {
            if counts.respondents as usize >= min_group {
                shown.push((name.clone(), counts.clone()));
            } else {
                hidden_people += counts.respondents;
            }
        }
        // Totals over shown groups only: the cohort's total would give the hidden groups away.
        let mut total = Counts {
            respondents: 0,
            categories: vec![0; self.ruleset.modalities.len() + 1],
            bands: vec![0; self.bands().len() + 1],
        };
        for (_, c) in &shown {
            total.respondents += c.respondents;
            total.categories.iter_mut().zip(&c.categories).for_each(|(t, x)| *t += x);
            total.bands.iter_mut().zip(&c.bands).for_each(|(t, x)| *t += x);
        }
        let report = HrReport { hr: &self, shown, total, hidden_people, min_group, lang };
        match format {
            Format::Markdown => report.markdown(out),
            Format::Csv => report.csv(out),
            Format::Jsonl => report.jsonl(out),
        }
    }
}

struct HrReport<'a, 'r> {
    hr: &'a Hr<'r>,
    shown: Vec<(String, Counts)>,
    total: Counts,
    hidden_people: u64,
    min_group: usize,
    lang: Option<&'a str>,
}

impl HrReport<'_, '_> {
    /// `(id, name, count)` of each category, the confidential one last; confidential
    /// modalities never appear by name.
    fn categories(&self, c: &Counts) -> Vec<(String, String, u64)> {
        let r = self.hr.ruleset;
        let mut rows: Vec<(String, String, u64)> = r
            .modalities
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.confidential)
            .map(|(i, m)| (m.id.clone(), m.name.get(self.lang).to_string(), c.categories[i]))
            .collect();
        let mixed = c.categories[r.modalities.len()];
        rows.push((
            CONFIDENTIAL_ID.into(),
            r.aggregates.confidential_category.get(self.lang).to_string(),
            mixed,
        ));
        rows
    }

    fn bands(&self, c: &Counts) -> Vec<(String, String, u64)> {
        let bands = self.hr.bands();
        let mut rows: Vec<(String, String, u64)> = bands
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.clone(), b.label.get(self.lang).to_string(), c.bands[i]))
            .collect();
        let none = c.bands[bands.len()];
        if none > 0 {
            rows.push((NO_READINESS_ID.into(), "—".into(), none));
        }
        rows
    }

    fn sections(&self) -> Vec<(String, &Counts)> {
        let ui = i18n::ui(self.lang);
        let mut sections: Vec<(String, &Counts)> = Vec::new();
        if self.hr.grouped {
            for (name, counts) in &self.shown {
                let name = if name.is_empty() { ui.no_group.to_string() } else { name.clone() };
                sections.push((name, counts));
            }
        }
        // One total over the groups shown; without groups, or with one, it is the same table.
        if !self.shown.is_empty() && (!self.hr.grouped || self.shown.len() > 1) {
            let name = if self.hr.grouped { ui.all_shown } else { ui.all_respondents };
            sections.push((name.to_string(), &self.total));
        }
        sections
    }

    fn markdown(&self, out: &mut dyn Write) -> io::Result<()> {
        let ui = i18n::ui(self.lang);
        let r = self.hr.ruleset;
        writeln!(out, "# {}{}{}\n", r.meta.name.get(self.lang), ui.colon, ui.hr_title)?;
        writeln!(out, "{}\n", fill(ui.hr_intro, &[("n", &self.min_group.to_string())]))?;
        for (name, counts) in self.sections() {
            writeln!(
                out,
                "## {name} ({})\n",
                fill(ui.respondents, &[("n", &counts.respondents.to_string())])
            )?;
            writeln!(out, "| {} | {} |\n|---|---|", ui.recommendation, ui.count)?;
            for (_, label, n) in self.categories(counts) {
                writeln!(out, "| {label} | {n} |")?;
            }
            let readiness =
                r.readiness.map_or(String::new(), |i| r.scores[i].name.get(self.lang).to_string());
            if !readiness.is_empty() {
                writeln!(out, "\n| {readiness} | {} |\n|---|---|", ui.count)?;
                for (_, label, n) in self.bands(counts) {
                    writeln!(out, "| {label} | {n} |")?;
                }
            }
            writeln!(out)?;
        }
        if self.shown.is_empty() {
            writeln!(out, "{}\n", fill(ui.nothing_to_show, &[("n", &self.min_group.to_string())]))?;
        }
        if self.hidden_people > 0 {
            let line = fill(
                ui.hidden_groups,
                &[("people", &self.hidden_people.to_string()), ("n", &self.min_group.to_string())],
            );
            writeln!(out, "{line}\n")?;
        }
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["group", "respondents", "measure", "category", "count"])?;
        for (name, counts) in self.sections() {
            let respondents = counts.respondents.to_string();
            for (measure, rows) in
                [("recommendation", self.categories(counts)), ("readiness", self.bands(counts))]
            {
                for (id, _, n) in rows {
                    w.write_record([name.as_str(), &respondents, measure, &id, &n.to_string()])?;
                }
            }
        }
        w.flush()
    }

    fn jsonl(&self, out: &mut dyn Write) -> io::Result<()> {
        #[derive(Serialize)]
        struct Group {
            group: String,
            respondents: u64,
            recommendation: Map<String, Value>,
            readiness: Map<String, Value>,
        }
        let to_map = |rows: Vec<(String, String, u64)>| {
            rows.into_iter().map(|(id, _, n)| (id, Value::from(n))).collect()
        };
        for (name, counts) in self.sections() {
            let group = Group {
                group: name,
                respondents: counts.respondents,
                recommendation: to_map(self.categories(counts)),
                readiness: to_map(self.bands(counts)),
            };
            serde_json::to_writer(&mut *out, &group)?;
            writeln!(out)?;
        }
        Ok(())
    }
}
