//! `crossroads questionnaire --format google-apps-script`: a Google Apps Script that builds the
//! intake as a Google Form in one language, with exactly the titles and option labels that
//! `screen` maps from the form's download without a mapping file. Google Forms imports no
//! form definition; a script run once from script.google.com is how forms are made in bulk.
//!
//! What Google Forms cannot say is said in words: a question shown only after certain answers
//! is always shown, optional, its help saying when it applies (`screen` drops an answer the pack
//! would hide); a grid is one Google grid per column (or a short answer per cell where a
//! column's range is wider than a Google grid's ten columns), titled as Google downloads them,
//! `Column [Row]`, of the pack's rows only. Under each question an urgent flag reads, a section
//! names the support resources, always shown.

use std::io::{self, Write};

use crate::engine::model::{Kind, Question, RuleSet};
use crate::util::i18n::{self, Ui};

/// Widest range a Google grid's columns hold (one column per number).
const GRID_COLUMNS: i64 = 10;

pub fn write(r: &RuleSet, lang: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
    let ui = i18n::ui(lang);
    let s = |t: &str| serde_json::to_string(t).unwrap_or_default();
    writeln!(out, "/**")?;
    writeln!(
        out,
        " * Builds \"{}\" (pack {} {}) as a Google Form.",
        r.meta.name.get(lang).replace("*/", "* /"),
        r.meta.id,
        r.meta.version
    )?;
    writeln!(out, " * Written by `crossroads questionnaire --format google-apps-script`.")?;
    writeln!(out, " * Open script.google.com, make a new project, paste this")?;
    writeln!(
        out,
        " * file, run createIntakeForm, and allow it to make forms. The log gives the form's links."
    )?;
    writeln!(
        out,
        " * Keep the titles and options as they are: `crossroads screen` maps the form's download"
    )?;
    writeln!(out, " * (Responses > Download CSV) by them, with no mapping file.")?;
    writeln!(out, " */")?;
    writeln!(out, "function createIntakeForm() {{")?;
    writeln!(out, "  var form = FormApp.create({});", s(r.meta.name.get(lang)))?;
    writeln!(out, "  form.setDescription({});", s(r.meta.about(lang)))?;
    for (i, q) in r.questions.iter().enumerate() {
        writeln!(out, "  // {}", q.id)?;
        question(r, q, ui, lang, out)?;
        for flag in super::urgent_reading(r, i, true) {
            let lines: Vec<String> = flag
                .support
                .iter()
                .map(|&k| format!("{}: {}", r.support[k].name.get(lang), r.support[k].contact.get(lang)))
                .collect();
            writeln!(
                out,
                "  form.addSectionHeaderItem().setTitle({}).setHelpText({});",
                s(ui.reach_out_now),
                s(&lines.join("\n"))
            )?;
        }
    }
    writeln!(out, "  Logger.log('Edit the form: ' + form.getEditUrl());")?;
    writeln!(out, "  Logger.log('Send this link: ' + form.getPublishedUrl());")?;
    writeln!(out, "}}")
}

fn question(r: &RuleSet, q: &Question, ui: &Ui, lang: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
    let s = |t: &str| serde_json::to_string(t).unwrap_or_default();
    let list =
        |items: Vec<String>| format!("[{}]", items.iter().map(|i| s(i)).collect::<Vec<_>>().join(", "));
    let title = q.text.get(lang);
    // Google Forms shows every question: one shown only after certain answers says when.
    let mut help: Vec<String> =
        q.help_on_paper.as_ref().or(q.help.as_ref()).map(|h| h.get(lang).to_string()).into_iter().collect();
    if let Some(c) = &q.show_if {
        help.push(super::questionnaire::condition_for_a_form(r, c, ui, lang));
    }
    let required = q.required && q.show_if.is_none();
    let tail = |out: &mut dyn Write, help: &[String]| -> io::Result<()> {
        if !help.is_empty() {
            write!(out, ".setHelpText({})", s(&help.join("\n")))?;
        }
        writeln!(out, ".setRequired({required});")
    };
    match &q.kind {
        Kind::YesNo => {
            write!(
                out,
                "  form.addMultipleChoiceItem().setTitle({}).setChoiceValues({})",
                s(title),
                list(vec![ui.yes.into(), ui.no.into()])
            )?;
            tail(out, &help)
        }
        Kind::Scale { min, max, labels } if (0..=1).contains(min) && (2..=10).contains(max) => {
            write!(out, "  form.addScaleItem().setTitle({}).setBounds({min}, {max})", s(title))?;
            let at = |v: i64| labels.iter().find(|(x, _)| *x == v).map_or("", |(_, l)| l.get(lang));
            if labels.iter().any(|(v, _)| v == min || v == max) {
                write!(out, ".setLabels({}, {})", s(at(*min)), s(at(*max)))?;
            }
            // Labels between the ends: Google's scale has none, so the help lists them.
            let inner: Vec<String> = labels
                .iter()
                .filter(|(v, _)| v != min && v != max)
                .map(|(v, l)| format!("{v}: {}", l.get(lang)))
                .collect();
            if !inner.is_empty() {
                help.push(inner.join("; "));
            }
            tail(out, &help)
        }
        Kind::Scale { min, max, .. } => {
            let points = (*min..=*max).map(|v| v.to_string()).collect();
            write!(
                out,
                "  form.addMultipleChoiceItem().setTitle({}).setChoiceValues({})",
                s(title),
                list(points)
            )?;
            tail(out, &help)
        }
        Kind::Single { options } | Kind::Multiple { options } => {
            let add = if matches!(q.kind, Kind::Single { .. }) {
                "addMultipleChoiceItem"
            } else {
                "addCheckboxItem"
            };
            let labels = options.iter().map(|o| o.label.get(lang).to_string()).collect();
            write!(out, "  form.{add}().setTitle({}).setChoiceValues({})", s(title), list(labels))?;
            tail(out, &help)
        }
        Kind::Number { min, max } => {
            let rule = match (min, max) {
                (Some(a), Some(b)) => format!("requireNumberBetween({a}, {b})"),
                (Some(a), None) => format!("requireNumberGreaterThanOrEqualTo({a})"),
                (None, Some(b)) => format!("requireNumberLessThanOrEqualTo({b})"),
                (None, None) => "requireNumber()".into(),
            };
            write!(
                out,
                "  form.addTextItem().setTitle({}).setValidation(FormApp.createTextValidation().{rule}.build())",
                s(title)
            )?;
            tail(out, &help)
        }
        Kind::Text if q.identifies == Some(crate::engine::model::Identity::Email) => {
            write!(
                out,
                "  form.addTextItem().setTitle({}).setValidation(FormApp.createTextValidation().requireTextIsEmail().build())",
                s(title)
            )?;
            tail(out, &help)
        }
        Kind::Text if q.identifies.is_some() => {
            write!(out, "  form.addTextItem().setTitle({})", s(title))?;
            tail(out, &help)
        }
        Kind::Text => {
            write!(out, "  form.addParagraphTextItem().setTitle({})", s(title))?;
            tail(out, &help)
        }
        Kind::Grid(grid) => {
            // The grid's question and help, then a grid per column, titled by the column.
            writeln!(
                out,
                "  form.addSectionHeaderItem().setTitle({}).setHelpText({});",
                s(title),
                s(&help.join("\n"))
            )?;
            let rows: Vec<String> = grid.rows.iter().map(|r| r.label.get(lang).to_string()).collect();
            for c in &grid.columns {
                let column = c.label.get(lang);
                if c.max - c.min < GRID_COLUMNS {
                    let points = (c.min..=c.max).map(|v| v.to_string()).collect();
                    writeln!(
                        out,
                        "  form.addGridItem().setTitle({}).setRows({}).setColumns({}).setRequired(false);",
                        s(column),
                        list(rows.clone()),
                        list(points)
                    )?;
                } else {
                    for row in &rows {
                        writeln!(
                            out,
                            "  form.addTextItem().setTitle({}).setValidation(FormApp.createTextValidation().requireNumberBetween({}, {}).build()).setRequired(false);",
                            s(&format!("{column} [{row}]")),
                            c.min,
                            c.max
                        )?;
                    }
                }
            }
            Ok(())
        }
    }
}
