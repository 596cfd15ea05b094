//! Renderers: a `Report` written as text, JSON, Markdown or HTML to any `&mut dyn Write`.

mod balance;
pub mod html;
mod json;
mod markdown;
pub(crate) mod prose;
mod text;

use std::io::{self, Write};

use maud::{Markup, html};

use crate::report::{FlagOut, RankOut, Reason, Report};

pub(crate) use markdown::cite as markdown_cite;
pub use text::{WIDTH as TEXT_WIDTH, render_support, render_support_list};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Html,
}

/// `color` only affects text, and only callers that know the output is a terminal
/// (and that `NO_COLOR` is unset) should pass true.
pub fn render(report: &Report, format: Format, out: &mut dyn Write, color: bool) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, text::WIDTH, out, color),
        Format::Json => json::render(report, out),
        Format::Markdown => markdown::render(report, out),
        Format::Html => html::render(report, out),
    }
}

/// The text report wrapped at `width` columns, for a terminal narrower or wider than a file's 80.
pub fn render_text(report: &Report, width: usize, out: &mut dyn Write, color: bool) -> io::Result<()> {
    text::render(report, width, out, color)
}

/// The report's title: the pack's name, and whom it is for. A name a respondent typed is
/// shown, never run: no escape sequence reaches a terminal.
pub(crate) fn title(r: &Report) -> String {
    let ui = crate::util::i18n::ui(Some(&r.language));
    match &r.respondent {
        Some(name) => format!(
            "{}{}{}",
            r.pack.name,
            ui.colon,
            crate::util::i18n::fill(ui.for_whom, &[("name", &crate::util::sanitize::terminal(name))])
        ),
        None => r.pack.name.clone(),
    }
}

/// The reasons that argue for a modality, strongest first: those whose `because` was written
/// for it (`argues_for`). A sentence written for direct teaching is no reason for coaching, and
/// a rule that mostly counts against coaching no reason for what it gave a little.
pub(crate) fn reasons_for<'a>(report: &'a Report, modality: &str) -> Vec<&'a Reason> {
    let mut found: Vec<&Reason> =
        report.reasons.iter().filter(|r| r.argues_for.iter().any(|m| m == modality)).collect();
    found.sort_by(|a, b| weight(b, modality).abs().total_cmp(&weight(a, modality).abs()));
    found
}

/// The reasons that added to (`sign > 0`) or took from (`sign < 0`) a modality, whatever else
/// they weighed, strongest first.
pub(crate) fn reasons_touching<'a>(report: &'a Report, modality: &str, sign: f64) -> Vec<&'a Reason> {
    let mut found: Vec<&Reason> =
        report.reasons.iter().filter(|r| weight(r, modality) * sign > 0.0).collect();
    found.sort_by(|a, b| weight(b, modality).abs().total_cmp(&weight(a, modality).abs()));
    found
}

fn weight(r: &Reason, modality: &str) -> f64 {
    r.weights.iter().find(|w| w.modality == modality).map_or(0.0, |w| w.weight)
}

/// Coordinates to a tenth: the page is the same for the same report, and short.
pub(crate) fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The sources cited so far, numbered in order of first citation: the text shows `[n]`, the
/// notes at the end the source.
#[derive(Default)]
pub(crate) struct Notes<'a> {
    cited: Vec<String>,
    /// The person's report, whose notes name the works cited rather than the citations.
    person: Option<&'a Report>,
}

impl<'a> Notes<'a> {
    /// Notes in the person's words: each work cited once, by the name the pack gives it.
    pub fn for_person(report: &'a Report) -> Self {
        Notes { cited: Vec::new(), person: Some(report) }
    }

    /// The mark of `source` in the text, `[2]` or `[1, 3]`, adding its notes if they are new:
    /// in the person's words a note per work cited, else a note per citation.
    pub fn mark(&mut self, source: &Option<String>) -> Option<String> {
        let s = source.as_ref()?;
        let notes: Vec<String> = match self.person {
            Some(report) => crate::engine::model::works(s).map(|w| report.source_words(w)).collect(),
            None => vec![s.clone()],
        };
        let mut numbers: Vec<usize> = notes.into_iter().map(|note| self.number(note)).collect();
        numbers.sort_unstable();
        numbers.dedup();
        let numbers: Vec<String> = numbers.iter().map(ToString::to_string).collect();
        Some(format!("[{}]", numbers.join(", ")))
    }

    /// `text` followed by the mark of its source, if it has one.
    pub fn cite(&mut self, text: &str, source: &Option<String>) -> String {
        match self.mark(source) {
            Some(mark) => format!("{text} {mark}"),
            None => text.to_string(),
        }
    }

    fn number(&mut self, note: String) -> usize {
        match self.cited.iter().position(|x| *x == note) {
            Some(i) => i + 1,
            None => {
                self.cited.push(note);
                self.cited.len()
            }
        }
    }

    pub fn take(&mut self) -> Vec<String> {
        std::mem::take(&mut self.cited)
    }
}

/// A sentence of evidence and the source it comes from.
pub(crate) type Cited<'a> = (&'a str, &'a Option<String>);

/// What the person's report argues, chosen once for every renderer: the reasons for the
/// recommendation, what counted against it, why the runner-up is not first (each said once),
/// and the others worth considering.
pub(crate) struct Argued<'a> {
    pub why: Vec<Cited<'a>>,
    pub against: Vec<Cited<'a>>,
    pub runner_up: Option<&'a RankOut>,
    pub why_not: Vec<Cited<'a>>,
    pub others: Vec<&'a RankOut>,
}

/// At most this many reasons under one heading: the strongest; `explain` has them all.
const SHOWN_REASONS: usize = 5;

pub(crate) fn argued(r: &Report) -> Argued<'_> {
    let mut argued =
        Argued { why: vec![], against: vec![], runner_up: None, why_not: vec![], others: vec![] };
    let Some(id) = r.recommendation.primary.as_deref() else { return argued };
    if r.urgent {
        return argued;
    }
    // Only what was written for it: when nothing was, the pack's words for it (`fits_when`)
    // stand alone rather than a reason written for something else.
    let mut for_it = reasons_for(r, id);
    for_it.truncate(SHOWN_REASONS);
    argued.why = for_it.iter().map(|x| (x.because.as_str(), &x.source)).collect();
    argued.against =
        reasons_touching(r, id, -1.0).into_iter().take(3).map(|x| (x.because.as_str(), &x.source)).collect();
    // What kept the runner-up second: the pitfalls that weigh against it, then the rules, none
    // already given as a reason above.
    if let Some(runner_up) = r.recommendation.ranking.get(1) {
        let against_flags = r
            .flags
            .iter()
            .filter(|f| !f.concerns(Some(id)))
            .filter(|f| f.weights.iter().any(|w| w.modality == runner_up.id && w.weight < 0.0))
            .map(|f| (f.message.as_str(), &f.source));
        let against_rules = reasons_touching(r, &runner_up.id, -1.0)
            .into_iter()
            .filter(|x| !for_it.iter().any(|y| y.rule == x.rule))
            .map(|x| (x.because.as_str(), &x.source));
        argued.why_not = against_flags.chain(against_rules).take(3).collect();
        argued.runner_up = Some(runner_up);
    }
    // Beside what a flag put first (care first, a red flag), nothing else competes: the pack's
    // own words for it say what may come later.
    if r.recommendation.put_first_by.is_none() {
        argued.others = r.recommendation.ranking.iter().skip(1).filter(|m| m.score > 0.0).take(3).collect();
    }
    argued
}

/// The cautions and pitfalls raised about other kinds of support than the recommendation, and
/// not already said (when `argued_too`: why the runner-up is not first, what would change it,
/// for the formats that say those), each after the names of what it concerns: every flag the
/// report holds is shown somewhere, in every format.
pub(crate) fn about_others(r: &Report, argued_too: bool) -> Vec<(String, &Option<String>)> {
    if r.urgent {
        return Vec::new();
    }
    let ui = crate::util::i18n::ui(Some(&r.language));
    let (argued, changes) = (argued(r), changes(r));
    let said = |m: &str| {
        argued_too
            && (argued.why_not.iter().any(|(t, _)| *t == m)
                || changes.iter().any(|(_, l)| l.iter().any(|(t, _)| *t == m)))
    };
    r.flags
        .iter()
        .filter(|f| !f.concerns(r.recommendation.primary.as_deref()) && !said(&f.message))
        .map(|flag| {
            let names: Vec<&str> = flag.about.iter().map(|id| name_of(r, id)).collect();
            (format!("{}{}{}", join_names(&names, ui.and), ui.colon, flag.message), &flag.source)
        })
        .collect()
}

/// A modality's name as the report gives it (ranked or ruled out), else its id.
fn name_of<'a>(r: &'a Report, id: &'a str) -> &'a str {
    let rec = &r.recommendation;
    rec.ranking
        .iter()
        .map(|m| (&m.id, &m.name))
        .chain(rec.ruled_out.iter().map(|m| (&m.id, &m.name)))
        .find(|(i, _)| *i == id)
        .map_or(id, |(_, name)| name.as_str())
}

/// Modality names joined for a sentence: "A, B and C".
pub(crate) fn join_names(names: &[&str], and: &str) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} {and} {last}", rest.join(", ")),
    }
}

/// The non-urgent flags worth telling the person about, with what each rules out, by name.
pub(crate) fn flag_rules_out<'a>(report: &'a Report, flag: &crate::report::FlagOut) -> Vec<&'a str> {
    report.recommendation.ruled_out.iter().filter(|r| r.by_flag == flag.id).map(|r| r.name.as_str()).collect()
}

/// What would change the recommendation, a sentence per modality: the answers that would put
/// it first ("Coaching would come first if you answered "Yes" to "…""), or, for a modality the
/// person may expect that is further away, what weighs against it now (the pitfalls say when
/// it may fit later), the strongest first.
pub(crate) fn changes(r: &Report) -> Vec<(String, Vec<Cited<'_>>)> {
    let ui = crate::util::i18n::ui(Some(&r.language));
    let mut out = Vec::new();
    // What "Why not ... first" already said is not said again here.
    let said = argued(r).why_not;
    for c in r.changes.iter().flatten() {
        if c.answers.is_empty() {
            // What rules it out for now, then the pitfalls that weigh against it, then the rules;
            // a flag the report shows in its own place is not said twice.
            let unshown = |f: &&FlagOut| !f.concerns(r.recommendation.primary.as_deref());
            let against_flags = r
                .flags
                .iter()
                .filter(unshown)
                .filter(|f| f.rules_out.contains(&c.modality))
                .chain(r.flags.iter().filter(unshown).filter(|f| {
                    !f.rules_out.contains(&c.modality)
                        && f.weights.iter().any(|w| w.modality == c.modality && w.weight < 0.0)
                }))
                .map(|f| (f.message.as_str(), &f.source));
            let against_rules =
                reasons_touching(r, &c.modality, -1.0).into_iter().map(|x| (x.because.as_str(), &x.source));
            let against: Vec<Cited> = against_flags
                .chain(against_rules)
                .filter(|(t, _)| !said.iter().any(|(x, _)| x == t))
                .take(2)
                .collect();
            if !against.is_empty() {
                out.push((crate::util::i18n::fill(ui.further_away, &[("name", &c.name)]), against));
            }
            continue;
        }
        let answers: Vec<String> = c
            .answers
            .iter()
            .map(|a| crate::util::i18n::fill(ui.answer_to, &[("answer", &a.to), ("question", &a.text)]))
            .collect();
        let answers: Vec<&str> = answers.iter().map(String::as_str).collect();
        let sentence = crate::util::i18n::fill(
            ui.would_come_first,
            &[("name", &c.name), ("changes", &join_names(&answers, ui.and))],
        );
        out.push((sentence, Vec::new()));
    }
    out
}

/// How well one kind of support fits, for a chart: a share of the best (0 to 1) and a word.
pub(crate) struct Fit<'a> {
    pub name: &'a str,
    pub share: f64,
    pub word: &'static str,
}

/// Every modality the report ranks, in words and bars relative to the best (never raw weights),
/// then those ruled out for now. When a flag put the recommendation first, it stands alone as
/// "first, for now": nothing else competes with it.
pub(crate) fn fits(r: &Report) -> Vec<Fit<'_>> {
    let ui = crate::util::i18n::ui(Some(&r.language));
    let ranking = &r.recommendation.ranking;
    let mut out = Vec::new();
    let mut rest = &ranking[..];
    if r.recommendation.put_first_by.is_some()
        && let Some(first) = ranking.first()
    {
        out.push(Fit { name: &first.name, share: 1.0, word: ui.first_for_now });
        rest = &[];
    }
    // Against the best total; what nothing argued for (a total of zero or less) fits less.
    let top = rest.first().map_or(0.0, |m| m.score);
    for (i, m) in rest.iter().enumerate() {
        let share = match (top > 0.0, i) {
            (true, _) => m.score.max(0.0) / top,
            (false, 0) => 1.0,
            (false, _) => 0.0,
        };
        let word = match i {
            0 => ui.fits_best,
            _ if share >= 0.8 => ui.fits_well,
            _ if share >= 0.45 => ui.could_fit,
            _ => ui.fits_less,
        };
        out.push(Fit { name: &m.name, share, word });
    }
    for m in &r.recommendation.ruled_out {
        out.push(Fit { name: &m.name, share: 0.0, word: ui.not_for_now });
    }
    out
}

/// A bar on its track, `share` of the way (0 to 1): a drawing only, its value said in words
/// beside it.
pub fn bar(share: Option<f64>, class: &str) -> Markup {
    html! {
        svg.meter xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false" {
            rect.track width="100" height="10" {}
            @if let Some(share) = share.filter(|s| *s > 0.0) {
                rect class=(class) width=(round((share * 100.0).clamp(2.0, 100.0))) height="10" {}
            }
        }
    }
}
