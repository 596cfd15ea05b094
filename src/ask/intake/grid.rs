//! Asking a grid at a prompt, either prompter: one line per row, its numbers in the columns'
//! order (`3 10 40`), then rows of the person's own (`Family 5 10 30`); the whole is checked
//! as an answers file's grid is, so a prompt takes nothing a file would refuse.

use crate::engine::answers::Answer;
use crate::engine::model::{Grid, GridRow};
use crate::util::i18n::{Ui, fill};

pub use crate::report::balance::columns_in_words as columns;

/// One row's numbers, as typed: one per column, `-` for none.
pub fn parse_numbers(
    grid: &Grid,
    text: &str,
    ui: &Ui,
    lang: Option<&str>,
) -> Result<Vec<Option<f64>>, String> {
    let words: Vec<&str> =
        text.split(|c: char| c.is_whitespace() || c == ';').filter(|w| !w.is_empty()).collect();
    let wrong = || {
        fill(
            ui.grid_numbers,
            &[("n", &grid.columns.len().to_string()), ("columns", &columns(grid, ui, lang))],
        )
    };
    if words.len() != grid.columns.len() {
        return Err(wrong());
    }
    words
        .iter()
        .zip(&grid.columns)
        .map(|(w, c)| {
            if *w == "-" {
                return Ok(None);
            }
            let x: f64 = w.trim_end_matches('%').replace(',', ".").parse().map_err(|_| wrong())?;
            let whole = c.share || x.fract() == 0.0;
            if !x.is_finite() || !whole || x < c.min as f64 || x > c.max as f64 {
                let bounds =
                    fill(ui.out_of_range, &[("min", &c.min.to_string()), ("max", &c.max.to_string())]);
                return Err(format!("{}{}{bounds}", c.label.get(lang), ui.colon));
            }
            Ok(Some(x))
        })
        .collect()
}

/// A row of the person's own, as typed: its name, then its numbers.
pub fn parse_own(grid: &Grid, text: &str, ui: &Ui, lang: Option<&str>) -> Result<GridRow, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let n = grid.columns.len();
    if words.len() <= n {
        return Err(ui.grid_own_row.to_string());
    }
    let (name, numbers) = words.split_at(words.len() - n);
    Ok(GridRow { name: name.join(" "), values: parse_numbers(grid, &numbers.join(" "), ui, lang)? })
}

/// A row's numbers as the person would type them again (to keep or change).
pub fn typed(values: &[Option<f64>]) -> String {
    values
        .iter()
        .map(|v| v.map_or("-".to_string(), crate::util::number::number))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The rows given, checked as a file's would be: `Ok(None)` when nothing was filled in.
pub fn finish(grid: &Grid, rows: &[GridRow]) -> Result<Option<Answer>, String> {
    crate::engine::grid::check(grid, rows).map(|rows| rows.map(Answer::Grid)).map_err(|w| w.message)
}

/// The rows of the person's own in the answer given before, as they would type them again.
pub fn own_typed(grid: &Grid, before: &[GridRow]) -> Vec<String> {
    before
        .iter()
        .filter(|r| !grid.rows.iter().any(|row| row.value == r.name))
        .map(|r| format!("{} {}", r.name, typed(&r.values)))
        .collect()
}

/// The rows of the answer given before, if any.
pub fn current(answer: Option<&Answer>) -> &[GridRow] {
    match answer {
        Some(Answer::Grid(rows)) => rows,
        _ => &[],
    }
}
