//! The text report, for the person: recommendation first, then why, cautions and next steps,
//! wrapped at 80 columns (at the terminal's width in `ask`).

use std::io::{self, Write};

use termcolor::{Ansi, ColorSpec, WriteColor};
use textwrap::Options;

use super::{argued, flag_rules_out, join_names};

/// At most this many reasons for the recommendation.
const SHOWN_REASONS: usize = 3;
use crate::engine::model::{FlagKind, Severity};
use crate::report::Report;
use crate::util::i18n::{self, fill};

/// The width of a report written to a file or a pipe.
pub const WIDTH: usize = 80;

struct Printer<'a> {
    out: Ansi<&'a mut dyn Write>,
    color: bool,
    notes: super::Notes<'a>,
    width: usize,
}

impl Printer<'_> {
    /// A text with its source as a numbered note.
    fn cite(&mut self, text: &str, source: &Option<String>) -> String {
        self.notes.cite(text, source)
    }

    fn styled(&mut self, text: &str, spec: ColorSpec) -> io::Result<()> {
        if self.color {
            self.out.set_color(&spec)?;
        }
        write!(self.out, "{text}")?;
        if self.color {
            self.out.reset()?;
        }
        writeln!(self.out)
    }

    fn heading(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out)?;
        self.styled(text, ColorSpec::new().set_bold(true).clone())
    }

    /// The support heading: plain bold, calm; a red alarm is not what a person in distress
    /// needs to read first.
    fn alarm(&mut self, text: &str) -> io::Result<()> {
        self.styled(text, ColorSpec::new().set_bold(true).clone())
    }

    fn para(&mut self, text: &str, indent: &str) -> io::Result<()> {
        let options = Options::new(self.width).initial_indent(indent).subsequent_indent(indent);
        writeln!(self.out, "{}", textwrap::fill(text, options))
    }

    fn cited(&mut self, items: &[super::Cited]) -> io::Result<()> {
        for (text, source) in items {
            let text = self.cite(text, source);
            self.item("  • ", &text)?;
        }
        Ok(())
    }

    fn item(&mut self, bullet: &str, text: &str) -> io::Result<()> {
        let rest = " ".repeat(bullet.chars().count());
        let options = Options::new(self.width).initial_indent(bullet).subsequent_indent(&rest);
        writeln!(self.out, "{}", textwrap::fill(text, options))
    }
}

pub fn render(r: &Report, width: usize, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let mut p = Printer { out: Ansi::new(out), color, notes: super::Notes::for_person(r), width };
    let primary = r.recommendation.primary.as_deref();
    let ui = i18n::ui(Some(&r.language));
    p.styled(&super::title(r), ColorSpec::new().set_bold(true).clone())?;

    if r.urgent {
        support_block(r, &mut p, ui)?;
    }

    match (&r.recommendation.primary, &r.recommendation.primary_name) {
        (Some(_), Some(name)) => {
            p.heading(&fill(ui.what_fits, &[("name", name)]))?;
            if let Some(fits) = &r.recommendation.fits_when {
                p.para(fits, "  ")?;
            }
            // Beside a flag that decided the recommendation (care first), readiness for
            // something else would only confuse.
            let shown = |x: &&crate::report::Readiness| {
                x.about_recommendation && r.recommendation.put_first_by.is_none()
            };
            if let Some(readiness) = r.readiness.as_ref().filter(shown) {
                let band = readiness.band_label.as_deref().unwrap_or("");
                writeln!(p.out)?;
                let score = readiness.score.to_string();
                let line =
                    fill(ui.score_of_100, &[("name", &readiness.name), ("score", &score), ("band", band)]);
                p.para(&line, "  ")?;
                // The three lowest: enough to say what to work on, short enough to read.
                if !readiness.low.is_empty() {
                    let parts = readiness.low.iter().take(3).cloned().collect::<Vec<_>>().join(ui.semicolon);
                    p.para(&fill(ui.readiness_low, &[("parts", &parts)]), "  ")?;
                }
            }
            // The strongest of each, so that the report fits a screen and a half; the HTML
            // report (which also says what counted against the recommendation), the Markdown
            // report and `explain` have the rest.
            let argued = argued(r);
            if !argued.why.is_empty() {
                p.heading(ui.why)?;
                p.cited(&argued.why[..argued.why.len().min(SHOWN_REASONS)])?;
            }
            if let (Some(runner_up), false) = (argued.runner_up, argued.why_not.is_empty()) {
                p.heading(&fill(ui.why_not, &[("name", &runner_up.name)]))?;
                // Every one: the report counts them as said here, and says them nowhere else.
                p.cited(&argued.why_not)?;
            }
            for g in &r.grids {
                p.heading(ui.balance)?;
                for line in super::balance::text(g, ui) {
                    p.item("  ", &line)?;
                }
            }
            let changes = super::changes(r);
            if !changes.is_empty() {
                p.heading(ui.what_would_change)?;
                for (sentence, against) in &changes {
                    p.item("  • ", sentence)?;
                    for (text, source) in against.iter().take(2) {
                        let text = p.cite(text, source);
                        p.item("    - ", &text)?;
                    }
                }
            }
            if !argued.others.is_empty() {
                let names: Vec<&str> = argued.others.iter().map(|m| m.name.as_str()).collect();
                writeln!(p.out)?;
                p.para(&format!("{}{}{}.", ui.also_consider, ui.colon, join_names(&names, ui.and)), "")?;
            }
        }
        _ => {
            p.heading(ui.no_recommendation)?;
            p.para(ui.no_recommendation_text, "  ")?;
        }
    }

    // Under an urgent flag the report stays short: support, then next steps.
    let cautions: Vec<_> =
        r.flags.iter().filter(|f| !r.urgent && f.kind != FlagKind::Pitfall && f.concerns(primary)).collect();
    // What is said of other kinds of support goes under the same heading, each after the names
    // it concerns: the text report fits a screen and a half.
    let others = super::about_others(r, true);
    if !cautions.is_empty() || !others.is_empty() {
        p.heading(ui.please_note)?;
        for flag in cautions {
            let ruled = flag_rules_out(r, flag);
            let mut text = p.cite(&flag.message, &flag.source);
            if !ruled.is_empty() {
                text.push(' ');
                text.push_str(&fill(ui.rules_out_for_now, &[("names", &join_names(&ruled, ui.and))]));
            }
            p.item("  • ", &text)?;
        }
        let list: Vec<super::Cited> = others.iter().map(|(t, s)| (t.as_str(), *s)).collect();
        p.cited(&list)?;
    }
    if !r.urgent && !r.support.is_empty() {
        p.heading(ui.where_to_find_help)?;
        support_list(r, &mut p)?;
    }
    let pitfalls: Vec<_> =
        r.flags.iter().filter(|f| f.kind == FlagKind::Pitfall && f.concerns(primary)).collect();
    if !pitfalls.is_empty() && !r.urgent {
        p.heading(ui.watch_out_for)?;
        for flag in pitfalls {
            let text = p.cite(&flag.message, &flag.source);
            p.item("  • ", &text)?;
        }
    }

    if !r.next_steps.is_empty() {
        p.heading(ui.next_steps)?;
        for (i, step) in r.next_steps.iter().enumerate() {
            p.item(&format!("  {}. ", i + 1), step)?;
        }
    }
    // The guides a step or the balance of time points to are printed; the others are named:
    // the text report fits a screen and a half, and the HTML and Markdown reports (and the one
    // `ask` saves) have them in full.
    for guide in r.guides.iter().filter(|g| g.in_full) {
        let title = p.cite(&guide.title, &guide.source);
        p.heading(&title)?;
        for item in &guide.items {
            p.item("  • ", item)?;
        }
    }
    let named: Vec<&str> = r.guides.iter().filter(|g| !g.in_full).map(|g| g.title.as_str()).collect();
    let more = (!named.is_empty()).then(|| fill(ui.more_guides, &[("titles", &named.join(ui.semicolon))]));
    if r.urgent {
        writeln!(p.out)?;
        p.para(ui.other_answers_wait, "")?;
    }
    if !r.ignored_answers.is_empty() {
        p.heading(ui.answers_not_used)?;
        for q in &r.ignored_answers {
            p.item(
                "  • ",
                &format!("\"{}\" ({}){}{}", q.text, q.question, ui.colon, ui.skipped_by_other_answers),
            )?;
        }
    }
    let notes = p.notes.take();
    writeln!(p.out)?;
    if !notes.is_empty() {
        let notes: Vec<String> = notes.iter().enumerate().map(|(i, n)| format!("[{}] {n}", i + 1)).collect();
        p.para(&format!("{}{}{}.", ui.sources, ui.colon, notes.join(ui.semicolon)), "")?;
    }
    // The pack and its hash are in the JSON, Markdown and HTML reports; here, words for the reader.
    match more {
        Some(more) => p.para(&format!("{more} {}", ui.screen_footer), ""),
        None => p.para(ui.screen_footer, ""),
    }
}

/// Where to get help now, the way the report leads with it; `ask` shows the same the moment
/// an urgent flag is raised.
pub fn render_support(r: &Report, width: usize, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let mut p = Printer { out: Ansi::new(out), color, notes: Default::default(), width };
    support_block(r, &mut p, i18n::ui(Some(&r.language)))
}

fn support_block(r: &Report, p: &mut Printer, ui: &i18n::Ui) -> io::Result<()> {
    writeln!(p.out)?;
    p.alarm(ui.reach_out_now)?;
    for flag in r.flags.iter().filter(|f| f.severity == Severity::Urgent) {
        p.para(&flag.message, "  ")?;
    }
    writeln!(p.out)?;
    support_list(r, p)
}

/// Only the places to get help, under a heading: the last words after stopping at support.
pub fn render_support_list(
    r: &Report,
    heading: &str,
    width: usize,
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    let mut p = Printer { out: Ansi::new(out), color, notes: Default::default(), width };
    writeln!(p.out)?;
    p.alarm(heading)?;
    support_list(r, &mut p)
}

fn support_list(r: &Report, p: &mut Printer) -> io::Result<()> {
    let colon = i18n::ui(Some(&r.language)).colon;
    for s in &r.support {
        p.item("  • ", &format!("{}{colon}{}", s.name, s.contact))?;
        if let Some(note) = &s.note {
            p.para(note, "    ")?;
        }
    }
    Ok(())
}
