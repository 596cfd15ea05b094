//! The grids a person answered, for the report: each row's numbers with the pack's labels, and
//! the row whose wished share of time most exceeds its share now (seed 002's imbalance).

use serde::Serialize;

use crate::engine::model::{Answer, Column, Grid, Kind, RuleSet};
use crate::util::i18n::Ui;

#[derive(Debug, Serialize)]
pub struct GridOut {
    pub question: String,
    pub text: String,
    pub columns: Vec<ColumnOut>,
    pub rows: Vec<RowOut>,
    /// The row whose wished share most exceeds its share now, when one does.
    pub widest_gap: Option<GapOut>,
}

#[derive(Debug, Serialize)]
pub struct ColumnOut {
    pub id: String,
    pub label: String,
    pub min: i64,
    pub max: i64,
    pub share: bool,
    /// This column is the share of time now (`now`) or wished (`wished`) of the grid's gap.
    pub gap: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct RowOut {
    /// The pack's row value, or the name the person gave their own row.
    pub name: String,
    pub label: String,
    pub values: Vec<Option<f64>>,
}

#[derive(Debug, Serialize)]
pub struct GapOut {
    pub row: String,
    pub label: String,
    pub now: f64,
    pub wished: f64,
}

/// Every grid answered, in the pack's order.
pub fn grids(ruleset: &RuleSet, values: &[Option<Answer>], lang: Option<&str>) -> Vec<GridOut> {
    ruleset
        .questions
        .iter()
        .zip(values)
        .filter_map(|(q, answer)| match (&q.kind, answer) {
            (Kind::Grid(grid), Some(Answer::Grid(rows))) => Some(GridOut {
                question: q.id.clone(),
                text: q.text.get(lang).to_string(),
                columns: grid.columns.iter().enumerate().map(|(i, c)| column(grid, i, c, lang)).collect(),
                rows: rows
                    .iter()
                    .map(|r| RowOut {
                        name: r.name.clone(),
                        label: grid.row_label(r, lang).to_string(),
                        values: r.values.clone(),
                    })
                    .collect(),
                widest_gap: grid.widest_gap(rows).filter(|(_, gap)| *gap > 0.0).and_then(|(row, _)| {
                    let (now, wished) = grid.gap?;
                    Some(GapOut {
                        row: row.name.clone(),
                        label: grid.row_label(row, lang).to_string(),
                        now: row.values[now]?,
                        wished: row.values[wished]?,
                    })
                }),
            }),
            _ => None,
        })
        .collect()
}

fn column(grid: &Grid, i: usize, c: &Column, lang: Option<&str>) -> ColumnOut {
    let gap = match grid.gap {
        Some((now, _)) if now == i => Some("now"),
        Some((_, wished)) if wished == i => Some("wished"),
        _ => None,
    };
    ColumnOut {
        id: c.id.clone(),
        label: c.label.get(lang).to_string(),
        min: c.min,
        max: c.max,
        share: c.share,
        gap,
    }
}

/// The columns in words, for a prompt or a printed grid: "Engagement (1-9), Time now (share
/// of time, %)".
pub fn columns_in_words(grid: &Grid, ui: &Ui, lang: Option<&str>) -> String {
    grid.columns.iter().map(|c| column_in_words(c, ui, lang)).collect::<Vec<_>>().join(", ")
}

/// One column in words: "Time now (share of time, %)".
pub fn column_in_words(c: &Column, ui: &Ui, lang: Option<&str>) -> String {
    format!("{} ({})", c.label.get(lang), range_in_words(c, ui))
}

/// What a column takes, in words: "1-9", or "share of time, %".
pub fn range_in_words(c: &Column, ui: &Ui) -> String {
    if c.share { ui.grid_share.to_string() } else { format!("{}-{}", c.min, c.max) }
}
