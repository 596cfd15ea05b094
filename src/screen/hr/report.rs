//! The HR table written out: Markdown for people, CSV and JSON Lines for tools. Every format
//! carries the ε spent and how far the counts may be from the truth.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value};

use super::super::Format;
use super::{Accuracy, Hr, Section, Table};
use crate::util::i18n::{self, fill};

pub struct HrReport<'a, 'r> {
    hr: &'a Hr<'r>,
    table: &'a Table,
    accuracy: Accuracy,
    min_group: usize,
    lang: Option<&'a str>,
}

/// `(id, label, count)` of one row of a table.
type Counted = (String, String, u64);

/// A noisy count as shown: never below zero.
fn shown(n: i64) -> u64 {
    n.max(0) as u64
}

/// "Recommendation" from "recommendation", for a caption.
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// ε as people write it: 1, 0.5, not 1.0000000002.
fn epsilon_text(epsilon: f64) -> String {
    let rounded = format!("{:.2}", epsilon);
    rounded.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The most often one report lets a reader guess a yes-or-no fact about a person right:
/// e^ε / (1 + e^ε), rounded up so that the sentence never promises more than holds.
fn guess_percent(epsilon: f64) -> String {
    let p = epsilon.exp() / (1.0 + epsilon.exp());
    ((p * 100.0).ceil() as u32).to_string()
}

impl<'a, 'r> HrReport<'a, 'r> {
    /// What the noise guarantees: this report's ε and what it allows, how close the counts
    /// are, and what every report of the ledger together has spent on anyone counted here.
    fn note(&self, ui: &crate::util::i18n::Ui) -> String {
        let a = self.accuracy;
        let mut note = fill(
            ui.noise_note,
            &[
                ("epsilon", &epsilon_text(self.table.epsilon)),
                ("guess", &guess_percent(self.table.epsilon)),
                ("cell", &a.cell.to_string()),
                ("size", &a.size.to_string()),
            ],
        );
        if let Some((most, cap)) = self.table.spent {
            note.push(' ');
            note.push_str(&fill(
                ui.spent_note,
                &[("most", &epsilon_text(most)), ("cap", &epsilon_text(cap)), ("guess", &guess_percent(cap))],
            ));
        }
        note
    }

    pub fn new(hr: &'a Hr<'r>, table: &'a Table, min_group: usize, lang: Option<&'a str>) -> Self {
        HrReport { hr, table, accuracy: table.accuracy(), min_group, lang }
    }

    pub fn write(&self, format: Format, out: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Markdown => self.markdown(out),
            Format::Csv => self.csv(out),
            Format::Jsonl => self.jsonl(out),
            Format::Html => self.html(out),
        }
    }

    /// `(id, label, count)` per category, then per band; the "no readiness" band only when
    /// its count shows someone.
    fn rows(&self, s: &Section) -> (Vec<Counted>, Vec<Counted>) {
        let k = self.table.categories;
        let categories = self
            .hr
            .category_labels(self.lang)
            .into_iter()
            .zip(&s.cells[..k])
            .map(|((id, label), &n)| (id, label, shown(n)))
            .collect();
        let labels = self.hr.band_labels(self.lang);
        let last = labels.len() - 1;
        let bands = labels
            .into_iter()
            .zip(&s.cells[k..])
            .enumerate()
            .filter(|(i, (_, n))| *i < last || **n > 0)
            .map(|(_, ((id, label), &n))| (id, label, shown(n)))
            .collect();
        (categories, bands)
    }

    /// ±N of a section's counts and of its number of respondents.
    fn within(&self, index: usize) -> (u64, u64) {
        let a = self.accuracy;
        match a.totals {
            Some(totals) if self.table.total && index == self.table.sections.len() - 1 => totals,
            _ => (a.cell, a.size),
        }
    }

    fn markdown(&self, out: &mut dyn Write) -> io::Result<()> {
        let ui = i18n::ui(self.lang);
        let r = self.hr.ruleset();
        let a = self.accuracy;
        writeln!(out, "# {}{}{}\n", r.meta.name.get(self.lang), ui.colon, ui.hr_title)?;
        writeln!(out, "{}\n", fill(ui.hr_intro, &[("n", &self.min_group.to_string())]))?;
        let note = self.note(ui);
        writeln!(out, "{note}\n")?;
        let readiness = r.readiness.map(|i| r.scores[i].name.get(self.lang).to_string());
        for s in &self.table.sections {
            let n = shown(s.respondents).to_string();
            writeln!(out, "## {} ({})\n", s.name, fill(ui.respondents, &[("n", &n)]))?;
            let (categories, bands) = self.rows(s);
            writeln!(out, "| {} | {} |\n|---|---|", ui.recommendation, ui.count)?;
            for (_, label, n) in categories {
                writeln!(out, "| {label} | {n} |")?;
            }
            if let Some(readiness) = &readiness {
                writeln!(out, "\n| {readiness} | {} |\n|---|---|", ui.count)?;
                for (_, label, n) in bands {
                    writeln!(out, "| {label} | {n} |")?;
                }
            }
            writeln!(out)?;
        }
        if let Some((cell, size)) = a.totals {
            let line = fill(ui.noise_totals, &[("cell", &cell.to_string()), ("size", &size.to_string())]);
            writeln!(out, "{line}\n")?;
        }
        if self.table.sections.is_empty() {
            writeln!(out, "{}\n", fill(ui.nothing_to_show, &[("n", &self.min_group.to_string())]))?;
        }
        if !self.table.hidden.is_empty() && !self.table.sections.is_empty() {
            let groups = self.table.hidden.join(", ");
            let line = fill(ui.hidden_groups, &[("groups", &groups), ("n", &self.min_group.to_string())]);
            writeln!(out, "{line}\n")?;
        }
        Ok(())
    }

    /// The Markdown report's content as a printable page: a bar per category and band, each
    /// group's bars to one scale so that groups compare, every count "about N" as it is noisy.
    fn html(&self, out: &mut dyn Write) -> io::Result<()> {
        let (title, content) = self.html_content();
        crate::report::render::html::write_page(i18n::ui(self.lang).lang, &title, content, out)
    }

    /// The page's title and content, for a page of its own or inside another (`serve`'s HR view).
    pub fn html_content(&self) -> (String, maud::Markup) {
        use crate::report::render::html::{Bar, bar_chart};
        use maud::html;
        let ui = i18n::ui(self.lang);
        let r = self.hr.ruleset();
        let a = self.accuracy;
        let title = format!("{}{}{}", r.meta.name.get(self.lang), ui.colon, ui.hr_title);
        let min = self.min_group.to_string();
        let note = self.note(ui);
        let readiness = r.readiness.map(|i| r.scores[i].name.get(self.lang).to_string());
        let sections: Vec<_> = self.table.sections.iter().map(|s| (s, self.rows(s))).collect();
        // One scale for the whole page, so that groups compare.
        let most = |rows: &mut dyn Iterator<Item = &Counted>| rows.map(|c| c.2).max().unwrap_or(0).max(1);
        let most_categories = most(&mut sections.iter().flat_map(|(_, (c, _))| c));
        let most_bands = most(&mut sections.iter().flat_map(|(_, (_, b))| b));
        let bars = |rows: &[Counted], most: u64| -> Vec<(String, f64, String)> {
            rows.iter()
                .map(|(_, label, n)| {
                    (label.clone(), *n as f64 / most as f64, fill(ui.about_count, &[("n", &n.to_string())]))
                })
                .collect()
        };
        let chart = |id: String, caption: &str, rows: &[(String, f64, String)]| {
            let bars: Vec<Bar> = rows
                .iter()
                .map(|(label, share, words)| Bar { label, share: Some(*share), words: words.clone() })
                .collect();
            bar_chart(&id, caption, &bars, false, ui.colon)
        };
        let content = html! {
            h1 { (title) }
            p { (fill(ui.hr_intro, &[("n", &min)])) }
            p.note { (note) }
            @for (i, (s, (categories, bands))) in sections.iter().enumerate() {
                h2 { (s.name) " (" (fill(ui.respondents, &[("n", &shown(s.respondents).to_string())])) ")" }
                (chart(format!("recommendation-{i}"), &capitalised(ui.recommendation), &bars(categories, most_categories)))
                @if let Some(readiness) = &readiness {
                    (chart(format!("readiness-{i}"), readiness, &bars(bands, most_bands)))
                }
            }
            @if let Some((cell, size)) = a.totals {
                p.note { (fill(ui.noise_totals, &[("cell", &cell.to_string()), ("size", &size.to_string())])) }
            }
            @if self.table.sections.is_empty() { p { (fill(ui.nothing_to_show, &[("n", &min)])) } }
            @if !self.table.hidden.is_empty() && !self.table.sections.is_empty() {
                p { (fill(ui.hidden_groups, &[("groups", &self.table.hidden.join(", ")), ("n", &min)])) }
            }
        };
        (title, content)
    }

    fn csv(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "group",
            "respondents",
            "respondents_within",
            "measure",
            "category",
            "count",
            "within",
            "epsilon",
        ])?;
        let epsilon = epsilon_text(self.table.epsilon);
        for (i, s) in self.table.sections.iter().enumerate() {
            let (cell, size) = self.within(i);
            let (respondents, size, cell) =
                (shown(s.respondents).to_string(), size.to_string(), cell.to_string());
            let name = crate::util::sanitize::spreadsheet(&s.name);
            let (categories, bands) = self.rows(s);
            for (measure, rows) in [("recommendation", categories), ("readiness", bands)] {
                for (id, _, n) in rows {
                    let n = n.to_string();
                    w.write_record([&*name, &respondents, &size, measure, &id, &n, &cell, &epsilon])?;
                }
            }
        }
        w.flush()
    }

    fn jsonl(&self, out: &mut dyn Write) -> io::Result<()> {
        #[derive(Serialize)]
        struct Within {
            count: u64,
            respondents: u64,
        }
        #[derive(Serialize)]
        struct Group {
            group: String,
            respondents: u64,
            recommendation: Map<String, Value>,
            readiness: Map<String, Value>,
            epsilon: f64,
            /// ±N of the true number, 9 times in 10.
            within: Within,
        }
        let to_map = |rows: Vec<Counted>| rows.into_iter().map(|(id, _, n)| (id, Value::from(n))).collect();
        for (i, s) in self.table.sections.iter().enumerate() {
            let (count, respondents) = self.within(i);
            let (categories, bands) = self.rows(s);
            let group = Group {
                group: s.name.clone(),
                respondents: shown(s.respondents),
                recommendation: to_map(categories),
                readiness: to_map(bands),
                epsilon: epsilon_text(self.table.epsilon).parse().unwrap_or(self.table.epsilon),
                within: Within { count, respondents },
            };
            serde_json::to_writer(&mut *out, &group)?;
            writeln!(out)?;
        }
        Ok(())
    }
}
