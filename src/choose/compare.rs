//! `crossroads compare`: several results of one pack side by side (one answers file each, such
//! as one per coach met), in the order the pack's `compare` gives, urgent ones first.

use std::cmp::Ordering;
use std::io::{self, Write};
use std::path::PathBuf;

use serde::Serialize;

use crate::engine::model::{Compare, Kind, Severity};
use crate::report::render::Cited;
use crate::report::render::markdown_cite;
use crate::report::render::prose::{Cites, wrap};
use crate::report::{self, PackOut, Report};
use crate::run::{self, EXIT_INVALID, EXIT_OK, Input, Io, PackChoice};
use crate::util::diag::Sources;
use crate::util::i18n::{self, fill};

/// The most files one comparison reads: far more than anyone meets before choosing.
pub const MAX_FILES: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

pub struct CompareConfig {
    pub files: Vec<PathBuf>,
    pub rules: PackChoice,
    pub format: Format,
    pub lang: Option<String>,
}

/// The comparison: its JSON form is a versioned document, like a report's.
#[derive(Debug, Serialize)]
pub struct Comparison {
    pub schema_version: u32,
    pub language: String,
    pub pack: PackOut,
    /// Said first when fewer were compared than the pack's `compare.at_least`.
    pub fewer: Option<String>,
    /// Best first, by the pack's order; any with an urgent flag before all.
    pub results: Vec<Compared>,
    /// Files that could not be assessed (each reported on stderr).
    pub unread: Vec<String>,
    pub source: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Compared {
    pub file: String,
    /// The answer to the pack's `compare.label` question, else the file's name.
    pub label: String,
    pub report: Report,
}

pub fn compare(config: &CompareConfig, io: &mut Io) -> i32 {
    let mut sources = Sources::default();
    let ruleset = match run::prepare(&config.rules, config.lang.as_deref(), &mut sources, io) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let Some(how) = &ruleset.compare else {
        let _ = writeln!(
            io.stderr,
            "error: pack `{}` does not say how to compare its results\n  = note: add `compare:` to its `pack:` section (README: Comparing results)",
            ruleset.meta.id
        );
        return EXIT_INVALID;
    };
    if config.files.len() > MAX_FILES {
        let _ = writeln!(
            io.stderr,
            "error: {} files given; at most {MAX_FILES} are compared",
            config.files.len()
        );
        return run::EXIT_USAGE;
    }
    let lang = config.lang.as_deref();
    let mut results = Vec::new();
    let mut unread = Vec::new();
    // One unreadable file is reported and named in the comparison; the others are still read.
    let mut read = Vec::new();
    for (i, path) in config.files.iter().enumerate() {
        let input = Input::File(path.clone());
        match run::read_answers(&input, &ruleset, &mut sources, io) {
            Ok(answers) => read.push((i, path, answers)),
            Err(_) => unread.push(path.display().to_string()),
        }
    }
    let met = read.len();
    for (i, path, mut answers) in read {
        if let Some(q) = how.count {
            at_least_count(&ruleset, q, met, &mut answers);
        }
        let assessment = crate::engine::evaluate::evaluate(&ruleset, &answers);
        let report = report::build(&ruleset, &assessment, &answers, lang);
        let label = how
            .label
            .and_then(|q| match &answers.values[q] {
                Some(crate::Answer::Text(t)) if !t.trim().is_empty() => Some(t.trim().to_string()),
                _ => None,
            })
            .unwrap_or_else(|| {
                path.file_stem()
                    .map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned())
            });
        results.push((i, assessment, Compared { file: path.display().to_string(), label, report }));
    }
    results.sort_by(|a, b| order(how, (a.0, &a.1), (b.0, &b.1)));
    let compared = results.len();
    let comparison = Comparison {
        schema_version: report::SCHEMA_VERSION,
        language: report::language(&ruleset, lang),
        pack: PackOut::of(&ruleset, lang),
        fewer: how.fewer.as_ref().filter(|_| compared < how.at_least).map(|t| t.get(lang).to_string()),
        results: results.into_iter().map(|(_, _, c)| c).collect(),
        unread,
        source: how.source.clone(),
    };
    let shown = match config.format {
        Format::Text => text(&comparison, io.stdout),
        Format::Markdown => markdown(&comparison, io.stdout),
        Format::Json => serde_json::to_writer_pretty(&mut *io.stdout, &comparison)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(io.stdout)),
    };
    match run::written(shown, "the comparison", io) {
        EXIT_OK if comparison.unread.is_empty() => EXIT_OK,
        EXIT_OK => EXIT_INVALID,
        code => code,
    }
}

/// Raises the answer to the pack's counting question to at least `n`, the results compared:
/// each file says how many coaches had been met when it was written, and the comparison knows
/// better. A single choice takes the option whose count (`score`) is the highest within `n`.
fn at_least_count(ruleset: &crate::RuleSet, q: usize, n: usize, answers: &mut crate::Answers) {
    let n = n as f64;
    let value = &mut answers.values[q];
    match &ruleset.questions[q].kind {
        Kind::Number { max, .. } => {
            let raised = n.min(max.unwrap_or(f64::INFINITY));
            match value {
                Some(crate::Answer::Number(x)) if *x >= raised => {}
                _ => *value = Some(crate::Answer::Number(raised)),
            }
        }
        Kind::Single { options } => {
            let count = |o: usize| options[o].score.unwrap_or(0.0);
            let best =
                (0..options.len()).filter(|&o| count(o) <= n).max_by(|&a, &b| count(a).total_cmp(&count(b)));
            let now = match value {
                Some(crate::Answer::Choice(o)) => count(*o),
                _ => f64::NEG_INFINITY,
            };
            if let Some(best) = best.filter(|&b| count(b) > now) {
                *value = Some(crate::Answer::Choice(best));
            }
        }
        _ => {}
    }
}

/// Urgent first (support comes before any choice), then by the pack's order of outcomes, then by
/// its score, higher first; ties keep the order the files were given in.
fn order(how: &Compare, a: (usize, &crate::Assessment), b: (usize, &crate::Assessment)) -> Ordering {
    let place = |x: &crate::Assessment| {
        x.primary.and_then(|m| how.order.iter().position(|o| *o == m)).unwrap_or(usize::MAX)
    };
    let score = |x: &crate::Assessment| how.then_by.and_then(|s| x.scores[s]).unwrap_or(f64::NEG_INFINITY);
    b.1.urgent
        .cmp(&a.1.urgent)
        .then(place(a.1).cmp(&place(b.1)))
        .then(score(b.1).total_cmp(&score(a.1)))
        .then(a.0.cmp(&b.0))
}

/// One result's lines: its outcome and score, then its cautions (red flags before anything
/// else is said for it), then the strongest reasons.
fn summary(r: &Report) -> (String, Vec<Cited<'_>>, Vec<Cited<'_>>) {
    let ui = i18n::ui(Some(&r.language));
    let mut head = r.recommendation.primary_name.clone().unwrap_or_else(|| ui.no_recommendation.to_string());
    if let Some(score) = r.readiness.as_ref() {
        let line = fill(
            ui.score_of_100,
            &[("name", &score.name), ("score", &score.score.to_string()), ("band", "")],
        );
        head = format!("{head}. {}", line.trim_end());
    }
    let flags = r
        .flags
        .iter()
        .filter(|f| f.severity != Severity::Note || f.concerns(r.recommendation.primary.as_deref()))
        .map(|f| (f.message.as_str(), &f.source))
        .collect();
    let why = crate::report::render::argued(r).why.into_iter().take(2).collect();
    (head, flags, why)
}

fn text(c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
    let words = i18n::choose(Some(&c.language));
    let ui = i18n::ui(Some(&c.language));
    let mut cites = Cites::default();
    let mut cite = |text: &str, source: &Option<String>| cites.cite(text, source);
    writeln!(
        out,
        "{}{}{}",
        c.pack.name,
        ui.colon,
        fill(words.compared, &[("n", &c.results.len().to_string())])
    )?;
    if let Some(fewer) = &c.fewer {
        writeln!(out, "\n{}", wrap(&cite(fewer, &c.source), "", ""))?;
    }
    for (i, result) in c.results.iter().enumerate() {
        let r = &result.report;
        let label = crate::util::sanitize::terminal(&result.label);
        let (head, flags, why) = summary(r);
        writeln!(out, "\n{}", wrap(&format!("{}. {label}{}{head}", i + 1, ui.colon), "", "   "))?;
        if r.urgent {
            crate::report::render::render_support(r, crate::report::render::TEXT_WIDTH, out, false)?;
            continue;
        }
        for (text, source) in flags {
            writeln!(out, "{}", wrap(&cite(text, source), "   ! ", "     "))?;
        }
        for (text, source) in why {
            writeln!(out, "{}", wrap(&cite(text, source), "   • ", "     "))?;
        }
    }
    if let Some(first) = c.results.first().filter(|f| !f.report.urgent && !f.report.next_steps.is_empty()) {
        let name = crate::util::sanitize::terminal(&first.label);
        writeln!(out, "\n{}", fill(words.next_steps_for, &[("name", &name)]))?;
        for (i, step) in first.report.next_steps.iter().enumerate() {
            let n = format!("  {}. ", i + 1);
            writeln!(out, "{}", wrap(step, &n, "     "))?;
        }
    }
    if !c.unread.is_empty() {
        let files: Vec<String> =
            c.unread.iter().map(|f| crate::util::sanitize::terminal(f).into_owned()).collect();
        writeln!(out, "\n{}", wrap(&fill(words.unread, &[("files", &files.join(", "))]), "", ""))?;
    }
    cites.finish(&c.language, words.compare_footer, out)
}

fn markdown(c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
    let words = i18n::choose(Some(&c.language));
    let ui = i18n::ui(Some(&c.language));
    let cite = markdown_cite;
    writeln!(
        out,
        "# {}{}{}",
        c.pack.name,
        ui.colon,
        fill(words.compared, &[("n", &c.results.len().to_string())])
    )?;
    if let Some(fewer) = &c.fewer {
        writeln!(out, "\n> {}", cite(fewer, &c.source))?;
    }
    for (i, result) in c.results.iter().enumerate() {
        let r = &result.report;
        let (head, flags, why) = summary(r);
        writeln!(out, "\n## {}. {}\n\n{head}\n", i + 1, crate::util::sanitize::markdown(&result.label))?;
        if r.urgent {
            writeln!(out, "**{}**\n", ui.reach_out_now)?;
            for s in &r.support {
                writeln!(out, "- **{}**{}{}", s.name, ui.colon, s.contact)?;
            }
            continue;
        }
        for (text, source) in flags {
            writeln!(out, "- **!** {}", cite(text, source))?;
        }
        for (text, source) in why {
            writeln!(out, "- {}", cite(text, source))?;
        }
    }
    if let Some(first) = c.results.first().filter(|f| !f.report.urgent && !f.report.next_steps.is_empty()) {
        let name = crate::util::sanitize::markdown(&first.label);
        writeln!(out, "\n## {}\n", fill(words.next_steps_for, &[("name", &name)]))?;
        for (i, step) in first.report.next_steps.iter().enumerate() {
            writeln!(out, "{}. {step}", i + 1)?;
        }
    }
    if !c.unread.is_empty() {
        let files: Vec<String> =
            c.unread.iter().map(|f| format!("`{}`", crate::util::sanitize::terminal(f))).collect();
        writeln!(out, "\n{}", fill(words.unread, &[("files", &files.join(", "))]))?;
    }
    writeln!(
        out,
        "\n---\n\n{} {} {}, sha256 {}",
        words.compare_footer,
        c.pack.id,
        c.pack.version,
        c.pack.short_hash()
    )
}
