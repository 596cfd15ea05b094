//! The text report, for the person: recommendation first, then why, cautions and next steps,
//! wrapped at 80 columns.

use std::io::{self, Write};

use termcolor::{Ansi, Color, ColorSpec, WriteColor};
use textwrap::Options;

use super::{flag_rules_out, join_names, number, reasons_for};
use crate::model::{FlagKind, Severity};
use crate::report::Report;

const WIDTH: usize = 80;

struct Printer<'a> {
    out: Ansi<&'a mut dyn Write>,
    color: bool,
}

impl Printer<'_> {
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

    fn alarm(&mut self, text: &str) -> io::Result<()> {
        self.styled(text, ColorSpec::new().set_bold(true).set_fg(Some(Color::Red)).clone())
    }

    fn para(&mut self, text: &str, indent: &str) -> io::Result<()> {
        let options = Options::new(WIDTH).initial_indent(indent).subsequent_indent(indent);
        writeln!(self.out, "{}", textwrap::fill(text, options))
    }

    fn item(&mut self, bullet: &str, text: &str) -> io::Result<()> {
        let rest = " ".repeat(bullet.chars().count());
        let options = Options::new(WIDTH).initial_indent(bullet).subsequent_indent(&rest);
        writeln!(self.out, "{}", textwrap::fill(text, options))
    }
}

fn cite(text: &str, source: &Option<String>) -> String {
    match source {
        Some(s) => format!("{text} [{s}]"),
        None => text.to_string(),
    }
}

pub fn render(r: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let mut p = Printer { out: Ansi::new(out), color };
    let primary = r.recommendation.primary.as_deref();
    let title = match &r.respondent {
        Some(name) => format!("{}: for {name}", r.pack.name),
        None => r.pack.name.clone(),
    };
    p.styled(&title, ColorSpec::new().set_bold(true).clone())?;

    if r.urgent {
        writeln!(p.out)?;
        p.alarm("Please reach out for support now")?;
        for flag in r.flags.iter().filter(|f| f.severity == Severity::Urgent) {
            p.para(&flag.message, "  ")?;
        }
        writeln!(p.out)?;
        for s in &r.support {
            p.item("  • ", &format!("{}: {}", s.name, s.contact))?;
            if let Some(note) = &s.note {
                p.para(note, "    ")?;
            }
        }
    }

    match (&r.recommendation.primary, &r.recommendation.primary_name) {
        (Some(id), Some(name)) => {
            p.heading(&format!("What fits you now: {name}"))?;
            if let Some(fits) = &r.recommendation.fits_when {
                p.para(fits, "  ")?;
            }
            // Beside a flag that decided the recommendation (care first), readiness for
            // something else would only confuse.
            if let Some(readiness) = r.readiness.as_ref().filter(|_| r.recommendation.put_first_by.is_none())
            {
                let band = readiness.band_label.as_deref().unwrap_or("");
                writeln!(p.out)?;
                p.para(&format!("{}: {} of 100. {band}", readiness.name, readiness.score), "  ")?;
            }
            if !r.urgent {
                let for_it = reasons_for(r, id, 1.0);
                if !for_it.is_empty() {
                    p.heading("Why")?;
                    for reason in for_it {
                        p.item("  • ", &cite(&reason.because, &reason.source))?;
                    }
                }
                let against = reasons_for(r, id, -1.0);
                if !against.is_empty() {
                    p.heading("What counted against it")?;
                    for reason in against {
                        p.item("  • ", &cite(&reason.because, &reason.source))?;
                    }
                }
                let others: Vec<_> =
                    r.recommendation.ranking.iter().skip(1).filter(|m| m.score > 0.0).take(3).collect();
                if !others.is_empty() {
                    p.heading("Also worth considering")?;
                    for (i, m) in others.iter().enumerate() {
                        p.item(
                            &format!("  {}. ", i + 2),
                            &format!("{} (weight {})", m.name, number(m.score)),
                        )?;
                    }
                }
            }
        }
        _ => {
            p.heading("No recommendation")?;
            p.para("Nothing in this pack can be recommended beside what is said above.", "  ")?;
        }
    }

    // Under an urgent flag the report stays short: support, then next steps.
    let cautions: Vec<_> =
        r.flags.iter().filter(|f| !r.urgent && f.kind != FlagKind::Pitfall && f.concerns(primary)).collect();
    if !cautions.is_empty() {
        p.heading("Please note")?;
        for flag in cautions {
            let ruled = flag_rules_out(r, flag);
            let mut text = cite(&flag.message, &flag.source);
            if !ruled.is_empty() {
                text.push_str(&format!(" For now, this rules out: {}.", join_names(&ruled)));
            }
            p.item("  • ", &text)?;
        }
    }
    if !r.urgent && !r.support.is_empty() {
        p.heading("Where to find help")?;
        for s in &r.support {
            p.item("  • ", &format!("{}: {}", s.name, s.contact))?;
            if let Some(note) = &s.note {
                p.para(note, "    ")?;
            }
        }
    }
    let pitfalls: Vec<_> =
        r.flags.iter().filter(|f| f.kind == FlagKind::Pitfall && f.concerns(primary)).collect();
    if !pitfalls.is_empty() && !r.urgent {
        p.heading("Watch out for")?;
        for flag in pitfalls {
            p.item("  • ", &cite(&flag.message, &flag.source))?;
        }
    }

    if !r.next_steps.is_empty() {
        p.heading("Next steps")?;
        for (i, step) in r.next_steps.iter().enumerate() {
            p.item(&format!("  {}. ", i + 1), step)?;
        }
    }
    for guide in &r.guides {
        p.heading(&cite(&guide.title, &guide.source))?;
        for item in &guide.items {
            p.item("  • ", item)?;
        }
    }
    if r.urgent {
        writeln!(p.out)?;
        p.para(
            "Your other answers were not weighed for now. When you feel safer, you can \
             run the questionnaire again to look at other kinds of support.",
            "",
        )?;
    }
    if !r.ignored_answers.is_empty() {
        p.heading("Answers not used")?;
        for q in &r.ignored_answers {
            p.item(
                "  • ",
                &format!("\"{}\" ({}): your other answers skip this question.", q.text, q.question),
            )?;
        }
    }
    writeln!(p.out)?;
    let short = r.pack.hash.get(..12).unwrap_or(&r.pack.hash);
    p.para(
        &format!(
            "Pack {} {} (sha256 {short}). This is a screen, not a diagnosis.",
            r.pack.id, r.pack.version
        ),
        "",
    )
}
