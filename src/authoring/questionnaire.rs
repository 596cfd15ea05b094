//! `crossroads questionnaire`: the intake as a document a coach can send or print, in
//! Markdown or as one self-contained, printable HTML file.

use std::io::{self, Write};

use crate::engine::model::{Condition, Kind, Question, RuleSet, Target, Test};
use crate::util::i18n::{self, Ui, fill};
use crate::util::number::number;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
}

/// One question, ready for either format.
struct Item {
    number: usize,
    text: String,
    help: Option<String>,
    required: bool,
    /// What kind of answer, in words ("Choose one.").
    kind: String,
    /// Options or scale points with their labels.
    choices: Vec<String>,
    /// A checklist (several answers) rather than one answer.
    many: bool,
    /// Short choices on one line (a scale, yes/no), so that a scale takes a line, not a page.
    inline: bool,
    condition: Option<String>,
    /// A grid to fill in: its column headings, and its rows (blank ones for the person's own).
    grid: Option<(Vec<String>, Vec<String>)>,
    /// Support resources printed under a question an urgent flag reads: on paper nothing
    /// can show them the moment the answer is given.
    support: Vec<(String, String)>,
}

/// A condition in words for the person answering: which earlier answers show a question.
fn condition_in_words(r: &RuleSet, condition: &Condition, ui: &Ui, lang: Option<&str>) -> String {
    words(r, condition, ui, lang, &|q| (q + 1).to_string())
}

/// A condition in words for a form that numbers no question (Google Forms): each question
/// named by its text, as the person sees it.
pub(super) fn condition_for_a_form(
    r: &RuleSet,
    condition: &Condition,
    ui: &Ui,
    lang: Option<&str>,
) -> String {
    let named = |q: usize| format!("\"{}\"", r.questions[q].text.get(lang));
    format!("{} {}.", ui.asked_only_if, words(r, condition, ui, lang, &named))
}

/// A condition in words, each question it reads named by `name`.
fn words(
    r: &RuleSet,
    condition: &Condition,
    ui: &Ui,
    lang: Option<&str>,
    name: &dyn Fn(usize) -> String,
) -> String {
    match condition {
        Condition::All(items) => items
            .iter()
            .map(|c| words(r, c, ui, lang, name))
            .collect::<Vec<_>>()
            .join(&format!(", {} ", ui.and)),
        Condition::Any(items) => items
            .iter()
            .map(|c| words(r, c, ui, lang, name))
            .collect::<Vec<_>>()
            .join(&format!(" {} ", ui.or)),
        Condition::Not(inner) => {
            format!("{} {}", ui.it_is_not_so_that, words(r, inner, ui, lang, name))
        }
        // `show_if` never reads scores (the loader refuses it).
        Condition::Test(Target::Score(_), _) => String::new(),
        // A grid's measure, as the answer to its question.
        Condition::Test(Target::Measure(q, _), _) => fill(ui.answered_question, &[("n", &name(*q))]),
        Condition::Test(Target::Question(q), test) => {
            let question = &r.questions[*q];
            let n = name(*q);
            let label = |i: usize| question.kind.options()[i].label.get(lang).to_string();
            let labels = |bits: u64| {
                question
                    .kind
                    .chosen(bits)
                    .map(|o| format!("\"{}\"", o.label.get(lang)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match test {
                Test::IsBool(b) => {
                    fill(ui.answered_to, &[("answer", if *b { ui.yes } else { ui.no }), ("n", &n)])
                }
                Test::OneOf(bits) if bits.count_ones() == 1 => {
                    fill(ui.answered_to, &[("answer", &label(bits.trailing_zeros() as usize)), ("n", &n)])
                }
                Test::OneOf(bits) | Test::IncludesAny(bits) => {
                    fill(ui.answered_any_to, &[("answers", &labels(*bits)), ("n", &n)])
                }
                Test::IsNumber(x) => fill(ui.answered_to, &[("answer", &number(*x)), ("n", &n)]),
                Test::NumberIn(xs) => {
                    let values =
                        xs.iter().map(|x| format!("\"{}\"", number(*x))).collect::<Vec<_>>().join(", ");
                    fill(ui.answered_any_to, &[("answers", &values), ("n", &n)])
                }
                Test::AtLeast(x) => fill(ui.answer_at_least, &[("value", &number(*x)), ("n", &n)]),
                Test::AtMost(x) => fill(ui.answer_at_most, &[("value", &number(*x)), ("n", &n)]),
                Test::Answered(true) => fill(ui.answered_question, &[("n", &n)]),
                Test::Answered(false) => fill(ui.not_answered_question, &[("n", &n)]),
                Test::Matches(re) => {
                    fill(ui.matching, &[("pattern", &format!("/{}/", re.as_str())), ("n", &n)])
                }
            }
        }
    }
}

/// The questions each urgent flag reads, with the support it names.
fn urgent_support(r: &RuleSet, index: usize, lang: Option<&str>) -> Vec<(String, String)> {
    let mut support: Vec<(String, String)> = Vec::new();
    for flag in super::urgent_reading(r, index, false) {
        for &s in &flag.support {
            let entry = (r.support[s].name.get(lang).to_string(), r.support[s].contact.get(lang).to_string());
            if !support.contains(&entry) {
                support.push(entry);
            }
        }
    }
    support
}

fn item(r: &RuleSet, index: usize, q: &Question, ui: &Ui, lang: Option<&str>) -> Item {
    let inline = matches!(q.kind, Kind::YesNo | Kind::Scale { .. });
    let (kind, choices, many) = match &q.kind {
        Kind::YesNo => (ui.choose_one.to_string(), vec![ui.yes.to_string(), ui.no.to_string()], false),
        Kind::Scale { min, max, labels } => {
            let points = (*min..=*max)
                .map(|p| match labels.iter().find(|(x, _)| *x == p) {
                    Some((_, l)) => format!("{p}: {}", l.get(lang)),
                    None => p.to_string(),
                })
                .collect();
            (fill(ui.scale_from_to, &[("min", &min.to_string()), ("max", &max.to_string())]), points, false)
        }
        Kind::Single { options } => (
            ui.choose_one.to_string(),
            options.iter().map(|o| o.label.get(lang).to_string()).collect(),
            false,
        ),
        Kind::Multiple { options } => {
            (ui.choose_any.to_string(), options.iter().map(|o| o.label.get(lang).to_string()).collect(), true)
        }
        Kind::Number { min: Some(lo), max: Some(hi) } => {
            (fill(ui.number_between, &[("min", &number(*lo)), ("max", &number(*hi))]), Vec::new(), false)
        }
        Kind::Number { .. } => (ui.number_any.to_string(), Vec::new(), false),
        Kind::Text => (ui.free_text.to_string(), Vec::new(), false),
        Kind::Grid(g) => {
            let columns = crate::report::balance::columns_in_words(g, ui, lang);
            let mut kind = fill(ui.grid_fill, &[("columns", &columns)]);
            if g.own_rows > 0 {
                kind = format!("{kind} {}", fill(ui.grid_own_rows, &[("n", &g.own_rows.to_string())]));
            }
            (kind, Vec::new(), false)
        }
    };
    let grid = match &q.kind {
        Kind::Grid(g) => {
            let columns =
                g.columns.iter().map(|c| crate::report::balance::column_in_words(c, ui, lang)).collect();
            let mut rows: Vec<String> = g.rows.iter().map(|r| r.label.get(lang).to_string()).collect();
            rows.extend(std::iter::repeat_n(String::new(), g.own_rows));
            Some((columns, rows))
        }
        _ => None,
    };
    Item {
        number: index + 1,
        text: q.text.get(lang).to_string(),
        // On paper nothing happens as an answer is given: a pack says so in `help_on_paper`.
        help: q.help_on_paper.as_ref().or(q.help.as_ref()).map(|h| h.get(lang).to_string()),
        required: q.required,
        kind,
        choices,
        many,
        inline,
        condition: q.show_if.as_ref().map(|c| condition_in_words(r, c, ui, lang)),
        grid,
        support: urgent_support(r, index, lang),
    }
}

/// The document around the questions: what a person fills in and where it goes.
struct Paper<'a> {
    title: &'a str,
    description: Option<&'a str>,
    intro: String,
    /// Who the paper goes back to, as the coach wrote it; else a line to fill by hand.
    return_to: Option<&'a str>,
    ui: &'static Ui,
}

/// `return_to` is printed on the document: the person the answers go back to.
pub fn render(
    r: &RuleSet,
    format: Format,
    lang: Option<&str>,
    return_to: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let ui = i18n::ui(lang);
    let items: Vec<Item> = r.questions.iter().enumerate().map(|(i, q)| item(r, i, q, ui, lang)).collect();
    let paper = Paper {
        title: r.meta.name.get(lang),
        description: r.meta.description.as_ref().map(|d| d.get(lang)),
        intro: fill(ui.questionnaire_intro, &[("n", &items.len().to_string())]),
        return_to: return_to.map(str::trim).filter(|w| !w.is_empty()),
        ui,
    };
    match format {
        Format::Markdown => markdown(&items, &paper, out),
        Format::Html => html(&items, &paper, out),
    }
}

/// A line to write on by hand.
const BLANK: &str = "______________________________";

fn markdown(items: &[Item], paper: &Paper, out: &mut dyn Write) -> io::Result<()> {
    let ui = paper.ui;
    writeln!(out, "# {}\n", paper.title)?;
    writeln!(
        out,
        "**{}**{}{BLANK}  **{}**{}{}\n",
        ui.paper_name,
        ui.colon,
        ui.paper_date,
        ui.colon,
        &BLANK[..14]
    )?;
    let return_to = paper.return_to.unwrap_or(BLANK);
    writeln!(out, "**{}**{}{return_to}\n", ui.paper_return_to, ui.colon)?;
    writeln!(out, "*{}*\n", ui.paper_private)?;
    if let Some(d) = paper.description {
        writeln!(out, "{d}\n")?;
    }
    writeln!(out, "{}", paper.intro)?;
    for it in items {
        let needed = if it.required { ui.required } else { ui.optional };
        writeln!(out, "\n## {}. {}\n", it.number, it.text)?;
        if let Some(help) = &it.help {
            writeln!(out, "*{help}*\n")?;
        }
        writeln!(out, "{} ({needed})\n", it.kind)?;
        let mark = if it.many { "[ ]" } else { "( )" };
        if it.inline {
            let line: Vec<String> = it.choices.iter().map(|c| format!("{mark} {c}")).collect();
            writeln!(out, "{}", line.join(" · "))?;
        } else {
            for choice in &it.choices {
                writeln!(out, "- {mark} {choice}")?;
            }
        }
        if let Some((columns, rows)) = &it.grid {
            writeln!(out, "| | {} |", columns.join(" | "))?;
            writeln!(out, "|---|{}", "---|".repeat(columns.len()))?;
            for row in rows {
                let row = if row.is_empty() { "______" } else { row.as_str() };
                writeln!(out, "| {row} |{}", " |".repeat(columns.len()))?;
            }
        } else if it.choices.is_empty() {
            writeln!(out, "> ")?;
        }
        if let Some(condition) = &it.condition {
            writeln!(out, "\n{}{}{condition}.", ui.asked_only_if, ui.colon)?;
        }
        if !it.support.is_empty() {
            writeln!(out, "\n> **{}**", ui.reach_out_now)?;
            for (name, contact) in &it.support {
                writeln!(out, "> - {name}{}{contact}", ui.colon)?;
            }
        }
    }
    writeln!(out, "\n---\n\n**{}**{}{return_to}", ui.paper_return_to, ui.colon)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#222}\
h1{font-size:1.6rem}section{border-top:1px solid #ccc;padding:.6rem 0;break-inside:avoid}\
h2{font-size:1.05rem;margin:.4rem 0}.help{font-style:italic;color:#555}.kind{color:#555;font-size:.9em}\
ul{list-style:none;padding-left:.5rem}li::before{content:'\\25CB\\00a0\\00a0'}ul.many li::before{content:'\\2610\\00a0\\00a0'}\
ul.inline{display:flex;flex-wrap:wrap;gap:.3rem 1.6rem}\
.fill{display:grid;grid-template-columns:auto 1fr auto 10rem;gap:.8rem .6rem;align-items:end;margin:1rem 0}.fill span{border-bottom:1px solid #555;min-height:1.4rem}\
.return{margin:.4rem 0}.return span{display:inline-block;min-width:18rem;border-bottom:1px solid #555}.private{font-size:.9em;color:#444}\
.line{border-bottom:1px solid #999;height:2.2rem}\
table.grid{border-collapse:collapse;width:100%;margin:.4rem 0}table.grid th,table.grid td{border:1px solid #777;padding:.3rem .4rem;text-align:left;font-weight:normal;vertical-align:bottom}\
table.grid tr:first-child th{font-size:.85em}table.grid td{height:1.8rem;min-width:4rem}table.grid th:first-child{min-width:8rem}.support{border:2px solid #222;padding:.5rem .8rem;margin:.5rem 0}.support li::before{content:''}.condition{font-size:.9em;color:#444;border-left:3px solid #999;padding-left:.5rem}\
@media print{body{margin:0;max-width:none;font-size:9.5pt;line-height:1.3}a{color:inherit}h1{font-size:15pt;margin:0 0 .4rem}\
section{padding:.25rem 0}h2{font-size:10pt;margin:.15rem 0}p{margin:.15rem 0}ul{margin:.15rem 0}ul.inline{gap:.1rem 1.2rem}.line{height:1.6rem}}";

/// Page numbers in the bottom margin of every printed page (CSS paged media).
fn page_style(ui: &Ui) -> String {
    format!(
        "@page{{margin:1.6cm 1.6cm 2cm;@bottom-right{{content:\"{} \" counter(page) \" {} \" counter(pages);font:9pt system-ui,sans-serif;color:#555}}}}",
        ui.paper_page, ui.paper_of
    )
}

fn html(items: &[Item], paper: &Paper, out: &mut dyn Write) -> io::Result<()> {
    let ui = paper.ui;
    let title = escape(paper.title);
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">", ui.lang)?;
    writeln!(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")?;
    writeln!(out, "<title>{title}</title>\n<style>{STYLE}{}</style>\n</head>\n<body>", page_style(ui))?;
    writeln!(out, "<h1>{title}</h1>")?;
    writeln!(
        out,
        "<div class=\"fill\"><strong>{}{}</strong><span></span><strong>{}{}</strong><span></span></div>",
        escape(ui.paper_name),
        ui.colon.trim_end(),
        escape(ui.paper_date),
        ui.colon.trim_end()
    )?;
    let return_to = format!(
        "<p class=\"return\"><strong>{}</strong>{}<span>{}</span></p>",
        escape(ui.paper_return_to),
        ui.colon,
        paper.return_to.map(escape).unwrap_or_default()
    );
    writeln!(out, "{return_to}\n<p class=\"private\">{}</p>", escape(ui.paper_private))?;
    if let Some(d) = paper.description {
        writeln!(out, "<p>{}</p>", escape(d))?;
    }
    writeln!(out, "<p>{}</p>", escape(&paper.intro))?;
    for it in items {
        let needed = if it.required { ui.required } else { ui.optional };
        writeln!(out, "<section>\n<h2>{}. {}</h2>", it.number, escape(&it.text))?;
        if let Some(help) = &it.help {
            writeln!(out, "<p class=\"help\">{}</p>", escape(help))?;
        }
        writeln!(out, "<p class=\"kind\">{} ({needed})</p>", escape(&it.kind))?;
        if let Some((columns, rows)) = &it.grid {
            writeln!(out, "<table class=\"grid\"><tr><th></th>")?;
            for c in columns {
                write!(out, "<th>{}</th>", escape(c))?;
            }
            writeln!(out, "</tr>")?;
            for row in rows {
                write!(out, "<tr><th>{}</th>", escape(row))?;
                write!(out, "{}", "<td></td>".repeat(columns.len()))?;
                writeln!(out, "</tr>")?;
            }
            writeln!(out, "</table>")?;
        } else if it.choices.is_empty() {
            writeln!(out, "<div class=\"line\"></div>")?;
        } else {
            let class = match (it.many, it.inline) {
                (true, _) => " class=\"many\"",
                (false, true) => " class=\"inline\"",
                (false, false) => "",
            };
            writeln!(out, "<ul{class}>")?;
            for choice in &it.choices {
                writeln!(out, "<li>{}</li>", escape(choice))?;
            }
            writeln!(out, "</ul>")?;
        }
        if let Some(condition) = &it.condition {
            writeln!(
                out,
                "<p class=\"condition\">{}{}{}.</p>",
                escape(ui.asked_only_if),
                ui.colon,
                escape(condition)
            )?;
        }
        if !it.support.is_empty() {
            writeln!(out, "<div class=\"support\"><strong>{}</strong>\n<ul>", escape(ui.reach_out_now))?;
            for (name, contact) in &it.support {
                writeln!(out, "<li><strong>{}</strong>{}{}</li>", escape(name), ui.colon, escape(contact))?;
            }
            writeln!(out, "</ul></div>")?;
        }
        writeln!(out, "</section>")?;
    }
    writeln!(out, "{return_to}\n</body>\n</html>")
}
