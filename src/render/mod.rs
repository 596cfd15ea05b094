//! Renderers: a `Report` written as text, JSON or Markdown to any `&mut dyn Write`.

mod json;
mod markdown;
mod text;

use std::io::{self, Write};

use crate::report::{Reason, Report};

pub use text::{render_support, render_support_list};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

/// `color` only affects text, and only callers that know the output is a terminal
/// (and that `NO_COLOR` is unset) should pass true.
pub fn render(report: &Report, format: Format, out: &mut dyn Write, color: bool) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, out, color),
        Format::Json => json::render(report, out),
        Format::Markdown => markdown::render(report, out),
    }
}

/// A number as people write it: no trailing `.0`, and powers of ten for the very large.
pub(crate) fn number(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e15 {
        format!("{x:e}")
    } else if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

/// The reasons that argue for a modality, strongest first: they added to it at least as much
/// as they took from any other, and at least half what they gave the one they favour most. A
/// rule that mostly counts against coaching, or mostly for direct teaching, is evidence about
/// those, not a reason for what it left on top.
pub(crate) fn reasons_for<'a>(report: &'a Report, modality: &str) -> Vec<&'a Reason> {
    ranked(report, modality, 1.0, true)
}

/// The reasons that added to (`sign > 0`) or took from (`sign < 0`) a modality, whatever else
/// they weighed, strongest first.
pub(crate) fn reasons_touching<'a>(report: &'a Report, modality: &str, sign: f64) -> Vec<&'a Reason> {
    ranked(report, modality, sign, false)
}

fn ranked<'a>(report: &'a Report, modality: &str, sign: f64, mostly: bool) -> Vec<&'a Reason> {
    let weight = |r: &Reason| r.weights.iter().find(|w| w.modality == modality).map_or(0.0, |w| w.weight);
    let mut found: Vec<&Reason> = report
        .reasons
        .iter()
        .filter(|r| {
            let w = weight(r);
            w * sign > 0.0
                && (!mostly || r.weights.iter().all(|o| -o.weight <= w.abs() && o.weight <= 2.0 * w.abs()))
        })
        .collect();
    found.sort_by(|a, b| weight(b).abs().total_cmp(&weight(a).abs()));
    found
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
