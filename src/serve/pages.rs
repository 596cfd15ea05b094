//! The intake's pages: server-rendered HTML that works without JavaScript. Every page is one
//! form that carries the answers so far (`form.rs`), the CSRF token and the submission token.

use maud::{Markup, html};

use super::form::{field, strings};
use super::store::Kept;
use crate::engine::answers::{Answer, Answers};
use crate::engine::model::{Identity, Kind, Question, RuleSet};
use crate::report::Report;
use crate::report::describe;
use crate::report::render::html::{body, page, support_list};
use crate::util::i18n::{self, Web, fill};

/// What every page's form carries besides the answers.
pub struct Carried<'a> {
    pub csrf: &'a str,
    pub token: &'a str,
    pub lang: &'a str,
}

fn hidden(carried: &Carried, ruleset: &RuleSet, answers: &Answers, except: Option<usize>) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(carried.csrf);
        input type="hidden" name="token" value=(carried.token);
        input type="hidden" name="lang" value=(carried.lang);
        @for (i, (q, a)) in ruleset.questions.iter().zip(&answers.values).enumerate() {
            @if let (Some(a), false) = (a, except == Some(i)) {
                @for value in strings(q, a) { input type="hidden" name=(field(q)) value=(value); }
            }
        }
    }
}

/// A button that shows the same page in the pack's other language, keeping every answer.
fn switch(web: &Web, ruleset: &RuleSet) -> Markup {
    let offered = ruleset.meta.languages.iter().any(|l| l == web.other_language);
    html! {
        @if offered {
            p.switch { button.quiet type="submit" name="switch" value=(web.other_language) lang=(web.other_language) formnovalidate { (web.other_language_name) } }
        }
    }
}

fn title(ruleset: &RuleSet, lang: &str) -> String {
    ruleset.meta.name.get(Some(lang)).to_string()
}

pub fn start(ruleset: &RuleSet, carried: &Carried, kept: bool) -> Markup {
    let lang = Some(carried.lang);
    let web = i18n::web(lang);
    let n = ruleset.questions.len();
    let minutes = (n * 20).div_ceil(60).max(1);
    let what = ruleset.meta.about(lang);
    let intro = fill(web.intro, &[("what", what), ("n", &n.to_string()), ("minutes", &minutes.to_string())]);
    let content = html! {
        form method="post" action="/intake" {
            (hidden(carried, ruleset, &Answers::default(), None))
            input type="hidden" name="at" value="start";
            (switch(web, ruleset))
            h1 { (title(ruleset, carried.lang)) }
            p { (intro) }
            p { (if kept { web.kept } else { web.not_kept }) }
            button type="submit" name="go" value="next" { (web.start) }
        }
    };
    page(carried.lang, &title(ruleset, carried.lang), content, true)
}

/// One question, with its answer so far and, after a bad or missing answer, what is wrong.
/// What is wrong with an answer, as the person is told.
pub enum Problem<'a> {
    Missing,
    /// A value the question does not take (only a hand-made request sends one).
    Wrong(&'a str),
}

impl Problem<'_> {
    fn text(&self, web: &Web) -> String {
        match self {
            Problem::Missing => web.missing.to_string(),
            Problem::Wrong(why) => fill(web.fix_this, &[("problem", why)]),
        }
    }
}

pub fn question(
    ruleset: &RuleSet,
    carried: &Carried,
    answers: &Answers,
    index: usize,
    error: Option<Problem>,
    typed: Option<&str>,
) -> Markup {
    let lang = Some(carried.lang);
    let (web, ui) = (i18n::web(lang), i18n::ui(lang));
    let q = &ruleset.questions[index];
    // What was typed and could not be taken (a grid that does not add up) is shown again.
    let current: Vec<String> = match typed {
        Some(t) => vec![t.to_string()],
        None => answers.values[index].as_ref().map(|a| strings(q, a)).unwrap_or_default(),
    };
    let progress =
        fill(ui.question_of, &[("n", &(index + 1).to_string()), ("m", &ruleset.questions.len().to_string())]);
    let described = match (&q.help, &error) {
        (Some(_), Some(_)) => "help error",
        (Some(_), None) => "help",
        (None, Some(_)) => "error",
        (None, None) => "",
    };
    let content = html! {
        form method="post" action="/intake" {
            (hidden(carried, ruleset, answers, Some(index)))
            input type="hidden" name="at" value=(index);
            (switch(web, ruleset))
            p.progress { (progress) }
            fieldset aria-describedby=[(!described.is_empty()).then_some(described)] aria-invalid=[error.as_ref().map(|_| "true")] {
                legend #question {
                    (q.text.get(lang))
                    " " span.help { "(" (if q.required { web.required } else { web.optional }) ")" }
                }
                @if let Some(help) = &q.help { p.help #help { (help.get(lang)) } }
                @if let Some(error) = error { p.error #error role="alert" { (error.text(web)) } }
                (input(q, &current, lang, ui))
            }
            @if index > 0 || answers.values.iter().any(Option::is_some) {
                button.quiet type="submit" name="go" value="back" formnovalidate { (web.back) }
            }
            button type="submit" name="go" value="next" { (web.next) }
        }
    };
    page(carried.lang, &title(ruleset, carried.lang), content, true)
}

/// The control for a question's kind; choices as radios or checkboxes, each a whole labelled row.
fn input(q: &Question, current: &[String], lang: Option<&str>, ui: &i18n::Ui) -> Markup {
    let name = field(q);
    let checked = |v: &str| current.iter().any(|c| c == v);
    let choice = |kind: &'static str, value: String, label: String| {
        html! { label.choice { input type=(kind) name=(name) value=(value) checked[checked(&value)]; (label) } }
    };
    match &q.kind {
        Kind::YesNo => {
            html! { (choice("radio", "true".into(), ui.yes.into())) (choice("radio", "false".into(), ui.no.into())) }
        }
        Kind::Scale { min, max, .. } => html! {
            @for point in *min..=*max {
                (choice("radio", point.to_string(), describe(q, Some(&Answer::Number(point as f64)), ui, lang)))
            }
        },
        Kind::Single { options } => {
            html! { @for o in options { (choice("radio", o.value.clone(), o.label.get(lang).into())) } }
        }
        Kind::Multiple { options } => {
            html! { @for o in options { (choice("checkbox", o.value.clone(), o.label.get(lang).into())) } }
        }
        Kind::Number { min, max } => html! {
            input type="number" name=(name) id=(name) aria-labelledby="question" value=[current.first()] min=[min.map(crate::util::number::number)] max=[max.map(crate::util::number::number)] step="any";
        },
        // Who the person is: one line, and the browser may offer what it knows.
        Kind::Text if q.identifies.is_some() => {
            let (kind, autocomplete) = match q.identifies {
                Some(Identity::Email) => ("email", "email"),
                Some(Identity::Name) => ("text", "name"),
                _ => ("text", "off"),
            };
            html! { input type=(kind) name=(name) id=(name) aria-labelledby="question" autocomplete=(autocomplete) maxlength="200" value=[current.first()]; }
        }
        Kind::Text => {
            html! { textarea name=(name) aria-labelledby="question" rows="4" maxlength="2000" { (current.first().map(String::as_str).unwrap_or("")) } }
        }
        Kind::Grid(grid) => grid_input(q, grid, current, lang, ui),
    }
}

/// A grid as a table of number fields, a row per area (the pack's, then blank ones for the
/// person's own), filled in with what was answered before.
fn grid_input(
    q: &Question,
    grid: &crate::engine::model::Grid,
    current: &[String],
    lang: Option<&str>,
    ui: &i18n::Ui,
) -> Markup {
    // Read as it was carried or typed, even when it does not hold (to be put right).
    let typed: serde_json::Map<String, serde_json::Value> = current
        .first()
        .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok())
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    let own: Vec<(&String, &serde_json::Value)> =
        typed.iter().filter(|(name, _)| !grid.rows.iter().any(|p| &p.value == *name)).collect();
    let value = |row: Option<&serde_json::Value>, c: usize| -> Option<String> {
        match row?.get(&grid.columns[c].id)? {
            serde_json::Value::Number(n) => n.as_f64().map(crate::util::number::number),
            serde_json::Value::String(s) => Some(s.clone()),
            _ => None,
        }
    };
    let own_name = |k: usize| i18n::fill(ui.grid_own_name, &[("n", &(k + 1).to_string())]);
    let number = |name: String, label: String, c: &crate::engine::model::Column, v: Option<String>| {
        let step = if c.share { "any" } else { "1" };
        html! { td { input type="number" name=(name) aria-label=(label) min=(c.min) max=(c.max) step=(step) inputmode="decimal" value=[v]; } }
    };
    html! {
        div.grid-wrap {
            table.grid {
                thead { tr {
                    th scope="col" {}
                    @for c in &grid.columns { th scope="col" { (c.label.get(lang)) br; span.range { "(" (crate::report::balance::range_in_words(c, ui)) ")" } } }
                } }
                tbody {
                    @for r in &grid.rows {
                        @let given = typed.get(&r.value);
                        tr {
                            th scope="row" { (r.label.get(lang)) }
                            @for (i, c) in grid.columns.iter().enumerate() {
                                (number(super::form::cell_field(q, &r.value, &c.id), format!("{} - {}", r.label.get(lang), c.label.get(lang)), c, value(given, i)))
                            }
                        }
                    }
                    @for k in 0..grid.own_rows {
                        @let given = own.get(k).map(|(_, cells)| *cells);
                        @let name = own.get(k).map(|(name, _)| name.to_string());
                        tr {
                            th scope="row" {
                                input type="text" name=(super::form::own_field(q, k)) aria-label=(own_name(k)) placeholder=(own_name(k)) maxlength=(crate::engine::grid::MAX_ROW_NAME) value=[name];
                            }
                            @for (i, c) in grid.columns.iter().enumerate() {
                                (number(format!("{}.{}", super::form::own_field(q, k), c.id), format!("{} - {}", own_name(k), c.label.get(lang)), c, value(given, i)))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Shown the moment an answer raises an urgent flag: the support, calmly, and the choice to stop.
pub fn support(
    ruleset: &RuleSet,
    carried: &Carried,
    answers: &Answers,
    report: &Report,
    resume_at: usize,
) -> Markup {
    let web = i18n::web(Some(carried.lang));
    let ui = i18n::ui(Some(carried.lang));
    let content = html! {
        form method="post" action="/intake" {
            (hidden(carried, ruleset, answers, None))
            input type="hidden" name="at" value=(resume_at);
            section.support aria-labelledby="support" {
                h1 #support { (ui.reach_out_now) }
                @for flag in report.flags.iter().filter(|f| f.severity == crate::engine::model::Severity::Urgent) { p { (flag.message) } }
                (support_list(report, ui))
            }
            button type="submit" name="go" value="stop" { (web.stop_here) }
            button.quiet type="submit" name="go" value="resume" { (web.carry_on) }
        }
    };
    page(carried.lang, &title(ruleset, carried.lang), content, true)
}

/// After stopping at support: only where to get help, last.
pub fn stopped(ruleset: &RuleSet, lang: &str, report: &Report) -> Markup {
    let web = i18n::web(Some(lang));
    let ui = i18n::ui(Some(lang));
    let content = html! {
        h1 { (ui.reach_out_now) }
        p { (web.stopped) }
        (support_list(report, ui))
    };
    page(lang, &title(ruleset, lang), content, true)
}

/// Every answer, each with a button to change it, then submit.
pub fn review(ruleset: &RuleSet, carried: &Carried, answers: &Answers) -> Markup {
    review_with(ruleset, carried, answers, None)
}

/// The review again, after a submission the store could not keep: every answer still in the
/// form, to send again; and where to find help first, when something urgent was said.
pub fn unkept(ruleset: &RuleSet, carried: &Carried, answers: &Answers, report: &Report) -> Markup {
    let lang = Some(carried.lang);
    let (web, ui) = (i18n::web(lang), i18n::ui(lang));
    let notice = html! {
        p.error role="alert" { (web.unkept) }
        @if report.urgent {
            section.support aria-labelledby="support" {
                h2 #support { (ui.reach_out_now) }
                (support_list(report, ui))
            }
        }
    };
    review_with(ruleset, carried, answers, Some(notice))
}

fn review_with(ruleset: &RuleSet, carried: &Carried, answers: &Answers, notice: Option<Markup>) -> Markup {
    let lang = Some(carried.lang);
    let (web, ui) = (i18n::web(lang), i18n::ui(lang));
    let content = html! {
        form method="post" action="/intake" {
            (hidden(carried, ruleset, answers, None))
            input type="hidden" name="at" value="review";
            (switch(web, ruleset))
            h1 { (web.review) }
            @if let Some(notice) = notice { (notice) }
            p { (web.review_intro) }
            dl.answers {
                @for (i, q) in ruleset.questions.iter().enumerate().filter(|(i, _)| answers.is_shown(ruleset, *i)) {
                    dt { (q.text.get(lang)) }
                    dd {
                        (describe(q, answers.values[i].as_ref(), ui, lang)) " "
                        button.quiet type="submit" name="go" value={ "edit:" (i) } formnovalidate aria-label={ (web.change) ": " (q.text.get(lang)) } { (web.change) }
                    }
                }
            }
            button type="submit" name="go" value="submit" { (web.submit) }
        }
    };
    page(carried.lang, &title(ruleset, carried.lang), content, true)
}

/// The report, with the person's two downloads: the page itself and the answers file that
/// `crossroads evaluate` reads.
pub fn report(
    ruleset: &RuleSet,
    carried: &Carried,
    answers: &Answers,
    report: &Report,
    kept: Option<&(Kept, String)>,
) -> Markup {
    let web = i18n::web(Some(carried.lang));
    let receipt = kept.map(|(_, code)| fill(web.receipt, &[("code", code)]));
    let kept = match kept {
        Some((Kept::Revised(..), _)) => web.revised,
        Some(_) => web.saved,
        None => web.not_kept,
    };
    let content = html! {
        (body(report))
        form method="post" action="/download" {
            (hidden(carried, ruleset, answers, None))
            p { (kept) }
            @if let Some(receipt) = &receipt { p.receipt { (receipt) } }
            button type="submit" name="what" value="report" { (web.download_report) }
            button.quiet type="submit" name="what" value="answers" { (web.download_answers) }
        }
    };
    page(carried.lang, &crate::report::render::title(report), content, true)
}

/// The page where a person deletes their answers with their receipt code; `said` is the
/// outcome of a code given.
pub fn erase(lang: &str, csrf: &str, said: Option<&str>) -> Markup {
    let web = i18n::web(Some(lang));
    let content = html! {
        h1 { (web.erase_title) }
        @if let Some(said) = said { p role="alert" { (said) } }
        p { (web.erase_intro) }
        form method="post" action="/erase" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="lang" value=(lang);
            p {
                label for="code" { (web.erase_code) } br;
                input #code type="text" name="code" autocomplete="off" spellcheck="false" required;
            }
            button type="submit" { (web.erase_button) }
        }
    };
    page(lang, web.erase_title, content, true)
}
