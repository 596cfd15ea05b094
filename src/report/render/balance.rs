//! The balance of time across areas (seed 002) as each format shows it: in HTML a picture,
//! each area's rating an arc (small for the lowest, large for the highest) and beside it the
//! share of time now against the share wished; in text and Markdown the same numbers, compact.

use std::io::{self, Write};

use maud::{Markup, html};

use super::round;
use crate::report::balance::{ColumnOut, GridOut};
use crate::util::i18n::{Ui, fill};
use crate::util::number::number;

/// The rating column drawn as arcs (the first that is not a share), and the two share columns
/// of the gap, `now` and `wished`, else the first two shares.
fn parts(g: &GridOut) -> (Option<usize>, Option<usize>, Option<usize>) {
    let rating = g.columns.iter().position(|c| !c.share);
    let gap = |which: &str| g.columns.iter().position(|c| c.gap == Some(which));
    let mut shares = g.columns.iter().enumerate().filter(|(_, c)| c.share).map(|(i, _)| i);
    let (now, wished) = match (gap("now"), gap("wished")) {
        (Some(n), Some(w)) => (Some(n), Some(w)),
        _ => (shares.next(), shares.next()),
    };
    (rating, now, wished)
}

fn cell(c: &ColumnOut, v: Option<f64>) -> String {
    match v {
        None => "-".to_string(),
        Some(v) if c.share => format!("{}%", number(v)),
        Some(v) => format!("{}/{}", number(v), c.max),
    }
}

/// The widest gap in words, if there is one.
pub fn widest_gap(g: &GridOut, ui: &Ui) -> Option<String> {
    g.widest_gap.as_ref().map(|w| {
        fill(ui.grid_widest_gap, &[("row", &w.label), ("now", &number(w.now)), ("wished", &number(w.wished))])
    })
}

/// Text: the columns named once, then a line per area with its numbers under them, then the
/// widest gap.
pub fn text(g: &GridOut, ui: &Ui) -> Vec<String> {
    let width = g.rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(0).min(26);
    let labels: Vec<&str> = g.columns.iter().map(|c| c.label.as_str()).collect();
    let mut lines = vec![format!("{:width$}  {}", "", labels.join(" | "))];
    lines.extend(g.rows.iter().map(|r| {
        let cells: Vec<String> = g
            .columns
            .iter()
            .zip(&r.values)
            .zip(&labels)
            .map(|((c, v), l)| format!("{:<w$}", cell(c, *v), w = l.chars().count()))
            .collect();
        let mut label: String = r.label.chars().take(width).collect();
        if r.label.chars().count() > width {
            label.pop();
            label.push('…');
        }
        format!("{label:<width$}  {}", cells.join("   ").trim_end())
    }));
    lines.extend(widest_gap(g, ui));
    lines
}

/// Markdown: a table, then the widest gap.
pub fn markdown(g: &GridOut, ui: &Ui, out: &mut dyn Write) -> io::Result<()> {
    let header: Vec<&str> = g.columns.iter().map(|c| c.label.as_str()).collect();
    writeln!(out, "| | {} |", header.join(" | "))?;
    writeln!(out, "|---|{}", "---|".repeat(header.len()))?;
    for r in &g.rows {
        let cells: Vec<String> = g.columns.iter().zip(&r.values).map(|(c, v)| cell(c, *v)).collect();
        writeln!(out, "| {} | {} |", r.label.replace('|', "\\|"), cells.join(" | "))?;
    }
    if let Some(gap) = widest_gap(g, ui) {
        writeln!(out, "\n{gap}")?;
    }
    Ok(())
}

const RADIUS: f64 = 15.0;
/// The arc of the highest rating: three quarters of a turn, so that even it reads as an arc.
const SWEEP: f64 = 270.0;

/// A point on the arc's circle, `degrees` clockwise from straight down-left (the arc's start).
fn on_circle(cx: f64, cy: f64, degrees: f64) -> (f64, f64) {
    let radians = (135.0 + degrees).to_radians();
    (round(cx + RADIUS * radians.cos()), round(cy + RADIUS * radians.sin()))
}

fn arc(cx: f64, cy: f64, degrees: f64) -> String {
    let (x0, y0) = on_circle(cx, cy, 0.0);
    let (x1, y1) = on_circle(cx, cy, degrees.max(1.0));
    let large = if degrees > 180.0 { 1 } else { 0 };
    format!("M{x0} {y0} A{RADIUS} {RADIUS} 0 {large} 1 {x1} {y1}")
}

/// HTML: the picture: a key, then a row per area, its rating an arc with its number, its name,
/// and its share of time now and wished as bars with their numbers; every number is text of
/// the page (a phone shows it at the size of the rest), the arcs and bars drawings beside it.
/// The widest gap beneath, in words.
pub fn html(g: &GridOut, index: usize, ui: &Ui) -> Markup {
    let (rating, now, wished) = parts(g);
    let id = format!("balance-{index}");
    let widest = g.widest_gap.as_ref().map(|w| w.row.as_str());
    let column = |i: Option<usize>| i.map(|i| &g.columns[i]);
    let swatch = |class: &str| {
        html! { svg.swatch xmlns="http://www.w3.org/2000/svg" viewBox="0 0 14 12" aria-hidden="true" focusable="false" { rect class=(class) width="14" height="12" rx="2" {} } }
    };
    html! {
        figure.balance {
            figcaption #(id) { (ui.balance) }
            p.key {
                @if let Some(c) = column(rating) { span { (c.label) " (" (c.min) "\u{2013}" (c.max) ")" } }
                @if let Some(c) = column(now) { span { (swatch("now")) (c.label) } }
                @if let Some(c) = column(wished) { span { (swatch("wished")) (c.label) } }
            }
            ul.areas aria-labelledby=(id) {
                @for r in &g.rows {
                    li.widest[widest == Some(r.name.as_str())] {
                        span.rating {
                            @if let (Some(i), Some(c)) = (rating, column(rating)) {
                                @let value = r.values[i];
                                @let share = value.map(|v| if c.max > c.min { (v - c.min as f64) / (c.max - c.min) as f64 } else { 1.0 });
                                svg.arc-of xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" aria-hidden="true" focusable="false" {
                                    path.arc-track d=(arc(20.0, 20.0, SWEEP)) {}
                                    @if let Some(share) = share { path.arc d=(arc(20.0, 20.0, 12.0 + share * (SWEEP - 12.0))) {} }
                                }
                                span.visually-hidden { (c.label) " " }
                                span.num { (cell(c, value)) }
                            }
                        }
                        span.label { (r.label) }
                        span.pairs {
                            @for (col, class) in [(now, "now"), (wished, "wished")] {
                                @if let Some(i) = col {
                                    span.pair {
                                        (super::bar(r.values[i].map(|v| v / 100.0), class))
                                        span.word { span.visually-hidden { (g.columns[i].label) " " } (cell(&g.columns[i], r.values[i])) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(gap) = widest_gap(g, ui) { p { (gap) } }
        }
    }
}
