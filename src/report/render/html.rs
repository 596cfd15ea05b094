//! The HTML report: one self-contained, printable page (no network, no script) with a chart of
//! how well each kind of support fits and a readiness gauge. `serve` shows the same page.

use std::io::{self, Write};

use maud::{DOCTYPE, Markup, PreEscaped, html};
use sha2::{Digest, Sha256};

use super::{Cited, Notes, argued, changes, fits, flag_rules_out, join_names, round, title};
use crate::engine::model::{FlagKind, Severity};
use crate::report::{Readiness, Report};
use crate::util::i18n::{self, Ui, fill};

const STYLE: &str = "\
:root{--ink:#1f2328;--soft:#57606a;--line:#d0d7de;--accent:#0b5cad;--calm:#eef4fb}\
*{box-sizing:border-box}\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);line-height:1.5;margin:0;background:#fff}\
main{max-width:46rem;margin:0 auto;padding:1.5rem 1rem 3rem}\
h1{font-size:1.5rem;margin:0 0 1rem}h2{font-size:1.15rem;margin:1.6rem 0 .5rem}h3{font-size:1rem;margin:1.2rem 0 .3rem}\
.lead{border-left:4px solid var(--accent);padding:.2rem 0 .2rem 1rem}.lead h2{margin-top:0;font-size:1.35rem}\
.support{background:var(--calm);border:1px solid #9cc0e6;border-radius:.5rem;padding:.8rem 1.1rem;margin:0 0 1.2rem}\
.support h2{margin-top:.2rem}.support li{margin:.3rem 0}.note{color:var(--soft);font-size:.92em}\
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.4rem}svg{width:100%;height:auto;display:block}\
.bar{fill:#7aa7d9}li.first .bar{fill:var(--accent)}.track{fill:#f0f3f6}\
.bars{list-style:none;padding:0;margin:0}.bars li{display:grid;grid-template-columns:minmax(6rem,15rem) minmax(3rem,1fr) 9rem;gap:.1rem .8rem;align-items:center;margin:.35rem 0}\
.bars .label{text-align:right}.bars li.first .label{font-weight:600}.word{color:var(--soft)}svg.meter{height:1.1rem}\
.bars.above li{grid-template-columns:minmax(3rem,1fr) minmax(5rem,auto)}.bars.above .label{grid-column:1/-1;text-align:left}\
@media (max-width:36rem){.bars li{grid-template-columns:minmax(3rem,1fr) minmax(5rem,auto)}.bars .label{grid-column:1/-1;text-align:left}}\
.band{fill:#e3ecf6;stroke:#fff;stroke-width:3}.band.here{fill:#9cc0e6}.marker{fill:var(--ink)}svg.gauge{max-width:40rem}\
.scale{display:flex;flex-wrap:wrap;gap:.2rem 1.5rem;list-style:none;padding:0;margin:.1rem 0;color:var(--soft)}.scale .here{color:var(--ink);font-weight:600}\
.arc-track{fill:none;stroke:#e3ecf6;stroke-width:7;stroke-linecap:round}.arc{fill:none;stroke:var(--accent);stroke-width:7;stroke-linecap:round}\
.now{fill:#8c959f}.wished{fill:var(--accent)}\
.areas{list-style:none;padding:0;margin:0}.areas li{display:grid;grid-template-columns:3rem minmax(6rem,13rem) minmax(8rem,1fr);gap:.1rem .7rem;align-items:center;margin:.5rem 0}\
.areas .widest .label{font-weight:700}.rating{position:relative;width:3rem;height:3rem}svg.arc-of{width:3rem;height:3rem}\
.num{position:absolute;inset:0;display:flex;align-items:center;justify-content:center;font-weight:600}.pair{display:grid;grid-template-columns:minmax(3rem,1fr) 3.2rem;gap:.5rem;align-items:center}\
.key{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;color:var(--soft);margin:.2rem 0}svg.swatch{display:inline-block;width:.9rem;height:.8rem;vertical-align:middle;margin-right:.3rem}\
@media (max-width:36rem){.areas li{grid-template-columns:3rem minmax(6rem,1fr)}.areas .pairs{grid-column:1/-1}}\
table.grid input[type=number]{width:4.2rem;padding:.4rem}table.grid th input{width:100%;min-width:6rem}table.grid th{font-weight:600}table.grid .range{font-weight:normal;color:var(--soft);font-size:.85em}.grid-wrap{overflow-x:auto}\
ul,ol{padding-left:1.4rem}li{margin:.25rem 0}sup{font-size:.75em;color:var(--soft)}\
.sources{font-size:.9em;color:var(--soft)}footer{border-top:1px solid var(--line);margin-top:2rem;padding-top:.6rem;font-size:.85em;color:var(--soft)}\
footer code{word-break:break-all}\
fieldset{border:0;padding:0;margin:0 0 1rem;min-width:0}legend{font-size:1.25rem;font-weight:600;margin-bottom:.5rem}\
.choice{display:block;padding:.55rem .7rem;margin:.35rem 0;border:1px solid var(--line);border-radius:.4rem}\
.choice input{margin-right:.6rem;transform:scale(1.2)}.help{color:var(--soft)}.progress{color:var(--soft);margin:0}\
textarea,input[type=number]{font:inherit;width:100%;padding:.5rem;border:1px solid var(--soft);border-radius:.3rem}\
button{font:inherit;padding:.55rem 1.1rem;border-radius:.4rem;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;margin:.3rem .5rem .3rem 0}\
button.quiet{background:#fff;color:var(--accent)}:focus-visible{outline:3px solid #b35c00;outline-offset:2px}\
.error{color:#a40e26;font-weight:600}.switch{text-align:right;margin:0}.answers dt{font-weight:600;margin-top:.7rem}.answers dd{margin:0}\
@media print{main{max-width:none;padding:0}body{font-size:10pt}h2{break-after:avoid}figure,.support,li{break-inside:avoid}\
.bar,.band,.marker,.support,.arc,.now,.wished,.track{print-color-adjust:exact;-webkit-print-color-adjust:exact}}\
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}";

/// What the pages with forms (`serve`'s) add: the staff's tables, their bar and their alerts.
const FORMS_STYLE: &str = "\
nav.staff{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem;border-bottom:1px solid var(--line);margin-bottom:1rem}\
nav.staff p{margin:0}main:has(.table){max-width:72rem}.table{overflow-x:auto}table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}\
@media (max-width:36rem){.table thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}.table table,.table tbody,.table tr,.table td{display:block}.table tr{padding:.4rem 0;border-bottom:1px solid var(--line)}.table td{border:0;padding:.1rem .5rem}.table td:empty{display:none}.table td::before{content:attr(data-label) \": \";font-weight:600}}\
th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-bottom:1px solid var(--line)}\
tr.urgent td{background:#fdecec}time{white-space:nowrap}.urgent,.problem{color:#a40e26;font-weight:600}\
input[type=text],input[type=email],input[type=password],select{font:inherit;padding:.4rem;border:1px solid var(--soft);border-radius:.3rem;max-width:100%}fieldset input[type=text],fieldset input[type=email]{width:100%}";

/// The style of a page: with forms, the staff's too.
fn style(forms: bool) -> String {
    if forms { format!("{STYLE}{FORMS_STYLE}") } else { STYLE.to_string() }
}

/// The Content-Security-Policy of a page: nothing loads, nothing runs, only its own style
/// applies; and its forms, if it has any (`serve`'s pages), post only to where it came from.
pub fn content_security_policy(forms: bool) -> String {
    use base64::Engine;
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(style(forms).as_bytes()));
    let action = if forms { "'self'" } else { "'none'" };
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src data:; base-uri 'none'; form-action {action}"
    )
}

pub fn render(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    write_page(&r.language, &title(r), body(r), out)
}

/// A whole page around `content`, written out: the person's report, HR's, and `serve`'s pages.
pub fn write_page(lang: &str, title: &str, content: Markup, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(page(lang, title, content, false).into_string().as_bytes())?;
    writeln!(out)
}

/// A whole page around `content`, as markup; `forms` for `serve`'s pages, which post.
pub fn page(lang: &str, title: &str, content: Markup, forms: bool) -> Markup {
    let ui = i18n::ui(Some(lang));
    html! {
        (DOCTYPE)
        html lang=(ui.lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="Content-Security-Policy" content=(content_security_policy(forms));
                title { (title) }
                style { (PreEscaped(style(forms))) }
            }
            body { main { (content) } }
        }
    }
}

/// The report itself, without the page around it.
pub fn body(r: &Report) -> Markup {
    let ui = i18n::ui(Some(&r.language));
    let primary = r.recommendation.primary.as_deref();
    let mut notes = Notes::for_person(r);
    let argued = argued(r);
    let changes = changes(r);
    let readiness =
        r.readiness.as_ref().filter(|x| x.about_recommendation && r.recommendation.put_first_by.is_none());
    let cautions: Vec<_> =
        r.flags.iter().filter(|f| !r.urgent && f.kind != FlagKind::Pitfall && f.concerns(primary)).collect();
    let pitfalls: Vec<_> =
        r.flags.iter().filter(|f| !r.urgent && f.kind == FlagKind::Pitfall && f.concerns(primary)).collect();
    // Cited in reading order, so that the notes are numbered as they appear.
    let why = cited(&argued.why, &mut notes);
    let against = cited(&argued.against, &mut notes);
    let why_not = cited(&argued.why_not, &mut notes);
    let changes_markup: Vec<Markup> = changes
        .iter()
        .map(|(sentence, list)| html! { (sentence) @if !list.is_empty() { (cited(list, &mut notes)) } })
        .collect();
    let caution_markup: Vec<Markup> = cautions
        .iter()
        .map(|flag| {
            let ruled = flag_rules_out(r, flag);
            html! {
                (flag.message) (note(notes.mark(&flag.source)))
                @if !ruled.is_empty() { " " (fill(ui.rules_out_for_now, &[("names", &join_names(&ruled, ui.and))])) }
            }
        })
        .collect();
    let pitfall_list: Vec<Cited> = pitfalls.iter().map(|f| (f.message.as_str(), &f.source)).collect();
    let pitfalls_markup = cited(&pitfall_list, &mut notes);
    let others = super::about_others(r, true);
    let others: Vec<Cited> = others.iter().map(|(t, s)| (t.as_str(), *s)).collect();
    let others_markup = cited(&others, &mut notes);
    let guide_notes: Vec<Option<String>> = r.guides.iter().map(|g| notes.mark(&g.source)).collect();
    let notes = notes.take();

    html! {
        h1 { (title(r)) }
        @if r.urgent {
            section.support aria-labelledby="support" {
                h2 #support { (ui.reach_out_now) }
                @for flag in r.flags.iter().filter(|f| f.severity == Severity::Urgent) { p { (flag.message) } }
                (support_list(r, ui))
            }
        }
        section.lead {
            @match &r.recommendation.primary_name {
                Some(name) => {
                    h2 { (fill(ui.what_fits, &[("name", name)])) }
                    @if let Some(fits) = &r.recommendation.fits_when { p { (fits) } }
                }
                None => {
                    h2 { (ui.no_recommendation) }
                    p { (ui.no_recommendation_text) }
                }
            }
        }
        @if let Some(readiness) = readiness { (gauge(readiness, ui)) }
        @if !r.urgent && !r.recommendation.ranking.is_empty() { (chart(r, ui)) }
        @if !argued.why.is_empty() { h2 { (ui.why) } (why) }
        @if !argued.against.is_empty() { h2 { (ui.counted_against) } (against) }
        @if let (Some(runner_up), false) = (argued.runner_up, argued.why_not.is_empty()) {
            h2 { (fill(ui.why_not, &[("name", &runner_up.name)])) } (why_not)
        }
        @for (i, g) in r.grids.iter().enumerate() { (super::balance::html(g, i, ui)) }
        @if !changes_markup.is_empty() {
            h2 { (ui.what_would_change) }
            ul { @for c in &changes_markup { li { (c) } } }
        }
        @if !caution_markup.is_empty() {
            h2 { (ui.please_note) }
            ul { @for c in &caution_markup { li { (c) } } }
        }
        @if !r.urgent && !r.support.is_empty() {
            section.support aria-labelledby="help" { h2 #help { (ui.where_to_find_help) } (support_list(r, ui)) }
        }
        @if !pitfalls.is_empty() { h2 { (ui.watch_out_for) } (pitfalls_markup) }
        @if !others.is_empty() { h2 { (ui.about_others) } (others_markup) }
        @if !r.next_steps.is_empty() {
            h2 { (ui.next_steps) }
            ol { @for step in &r.next_steps { li { (step) } } }
        }
        @for (guide, n) in r.guides.iter().zip(&guide_notes) {
            h3 { (guide.title) (note(n.clone())) }
            ul { @for item in &guide.items { li { (item) } } }
        }
        @if r.urgent { p { (ui.other_answers_wait) } }
        @if !r.ignored_answers.is_empty() {
            h2 { (ui.answers_not_used) }
            ul { @for q in &r.ignored_answers { li { "\u{201c}" (q.text) "\u{201d}" (ui.colon) (ui.skipped_by_other_answers) } } }
        }
        @if !notes.is_empty() {
            h2 { (ui.sources) }
            ol.sources { @for note in &notes { li { (note) } } }
        }
        footer {
            // The pack's hash is for its authors: it is in the JSON and Markdown reports.
            (fill(ui.report_footer, &[("id", &r.pack.id), ("version", &r.pack.version)]))
        }
    }
}

/// A list of sentences, each with the number of its source's note.
fn cited(list: &[Cited], notes: &mut Notes) -> Markup {
    html! { ul { @for (text, source) in list { li { (text) (note(notes.mark(source))) } } } }
}

fn note(mark: Option<String>) -> Markup {
    html! { @if let Some(mark) = mark { " " sup { (mark) } } }
}

/// The support resources, each phone number in them a link a phone can call (`serve`'s pages
/// show the same list).
pub fn support_list(r: &Report, ui: &Ui) -> Markup {
    html! {
        ul {
            @for s in &r.support {
                li {
                    strong { (s.name) } (ui.colon) (with_phone_links(&s.contact))
                    @if let Some(note) = &s.note { br; span.note { (note) } }
                }
            }
        }
    }
}

/// A phone number as a resource writes it: three digits or more, spaces allowed between them
/// (`988`, `116 123`, `+44 20 7946 0000`).
static PHONE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"\+?\b\d(?: ?\d){2,14}\b").expect("a pattern"));

/// Text with each phone number in it a `tel:` link; the rest is text, escaped.
pub fn with_phone_links(text: &str) -> Markup {
    let mut at = 0;
    let mut parts: Vec<(&str, Option<String>)> = Vec::new();
    for m in PHONE.find_iter(text) {
        parts.push((&text[at..m.start()], None));
        let digits: String = m.as_str().chars().filter(|c| *c == '+' || c.is_ascii_digit()).collect();
        parts.push((m.as_str(), Some(digits)));
        at = m.end();
    }
    parts.push((&text[at..], None));
    html! {
        @for (shown, number) in parts {
            @match number {
                Some(number) => a href={ "tel:" (number) } { (shown) },
                None => (shown),
            }
        }
    }
}

/// One bar of a chart: its label, its length as a share of the longest (0 to 1; none drawn for
/// `None`), and the words beside it.
pub struct Bar<'a> {
    pub label: &'a str,
    pub share: Option<f64>,
    pub words: String,
}

/// A horizontal bar chart, captioned: each row's label and words are text of the page (so
/// that a phone shows them at the size of the rest), the bar alone a drawing that stretches
/// with the row. The first bar may be marked as the one that matters most.
pub fn bar_chart(id: &str, caption: &str, bars: &[Bar], first_marked: bool, colon: &str) -> Markup {
    // Labels that would not fit beside their bar (a band described in a sentence) go above it.
    let above = bars.iter().any(|b| b.label.chars().count() > LABEL_CHARS);
    html! {
        figure {
            figcaption #(id) { (caption) }
            ul.bars.above[above] aria-labelledby=(id) {
                @for (i, b) in bars.iter().enumerate() {
                    li.first[first_marked && i == 0] {
                        span.label { (b.label) span.visually-hidden { (colon) } }
                        (super::bar(b.share, "bar"))
                        span.word { (b.words) }
                    }
                }
            }
        }
    }
}

/// The longest label shown beside its bar; longer ones are shown above it.
const LABEL_CHARS: usize = 32;

/// How well each kind of support fits: a bar relative to the best and a word, never a weight.
fn chart(r: &Report, ui: &Ui) -> Markup {
    let bars: Vec<Bar> = fits(r)
        .iter()
        .map(|f| Bar {
            label: f.name,
            share: (f.word != ui.not_for_now).then_some(f.share),
            words: f.word.to_string(),
        })
        .collect();
    bar_chart("fit-chart", ui.fit_chart, &bars, true, ui.colon)
}

/// The readiness score on its bands: the person's band darker, a marker at the score (a drawing;
/// the score and the band are the caption's and the paragraph's words), each band's range
/// beneath as text.
fn gauge(readiness: &Readiness, ui: &Ui) -> Markup {
    let x = |v: f64| round(v.clamp(0.0, 100.0) * 6.0);
    let score = f64::from(readiness.score);
    let caption = fill(
        ui.score_of_100,
        &[("name", &readiness.name), ("score", &readiness.score.to_string()), ("band", "")],
    );
    html! {
        figure {
            figcaption #readiness { (caption.trim()) }
            svg.gauge xmlns="http://www.w3.org/2000/svg" viewBox="-8 0 616 34" aria-hidden="true" focusable="false" {
                @for band in &readiness.bands {
                    @let here = readiness.band.as_deref() == Some(band.id.as_str());
                    rect.band.here[here] x=(x(band.from)) y="2" width=(x(band.to) - x(band.from)) height="20" {}
                }
                path.marker d={ "M" (x(score)) " 22 l-7 -12 h14 z" } {}
            }
            ul.scale {
                @for band in &readiness.bands {
                    @let here = readiness.band.as_deref() == Some(band.id.as_str());
                    li.here[here] { (band.from) "\u{2013}" (band.to) }
                }
            }
            @if let Some(label) = &readiness.band_label { p #readiness-band { (label) } }
            @if !readiness.low.is_empty() { p { (fill(ui.readiness_low, &[("parts", &readiness.low.join(ui.semicolon))])) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_in_support_become_links_a_phone_can_call() {
        let shown = with_phone_links(
            "In the US, call or text 988. In the UK, call Samaritans on 116 123; <b>24/7</b>.",
        )
        .into_string();
        assert!(shown.contains(r#"<a href="tel:988">988</a>"#), "{shown}");
        assert!(shown.contains(r#"<a href="tel:116123">116 123</a>"#), "{shown}");
        assert!(shown.contains("&lt;b&gt;24/7&lt;/b&gt;"), "the rest is text: {shown}");
        let shown = with_phone_links("Call +44 20 7946 0000 now").into_string();
        assert!(shown.contains(r#"href="tel:+442079460000""#), "{shown}");
    }
}
