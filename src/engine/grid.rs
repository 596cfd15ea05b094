//! A grid answer (each row a number per column), as an answers file writes it: a mapping from
//! row to a mapping from column to number, `{vision: {engagement: 3, now: 10, wished: 40}}`.

use serde_json::{Map, Value};

use crate::engine::model::{Grid, GridRow};

/// The longest name a person may give a row of their own.
pub const MAX_ROW_NAME: usize = 60;

/// A wrong grid answer: what is wrong, and whether it is out of range (else of the wrong shape).
pub struct Wrong {
    pub out_of_range: bool,
    pub message: String,
}

fn shape(message: String) -> Wrong {
    Wrong { out_of_range: false, message }
}

fn range(message: String) -> Wrong {
    Wrong { out_of_range: true, message }
}

/// The rows of a grid answer, the pack's rows first in its order and then the person's own in
/// theirs; `None` when no cell is filled.
pub fn from_value(grid: &Grid, value: &Value) -> Result<Option<Vec<GridRow>>, Wrong> {
    let Value::Object(rows) = value else {
        return Err(shape("expected a mapping from row to a mapping from column to number".into()));
    };
    let mut ours: Vec<(usize, GridRow)> = Vec::new();
    let mut own: Vec<GridRow> = Vec::new();
    for (name, cells) in rows {
        let row = GridRow { name: name.trim().to_string(), values: cells_of(grid, name, cells)? };
        if row.values.iter().all(Option::is_none) {
            continue;
        }
        match grid.rows.iter().position(|r| r.value == row.name) {
            Some(i) => ours.push((i, row)),
            None if grid.own_rows == 0 => {
                return Err(shape(format!("`{name}` is not a row of the grid")));
            }
            None => {
                let n = row.name.chars().count();
                if n == 0 || n > MAX_ROW_NAME || row.name.chars().any(char::is_control) {
                    return Err(shape(format!(
                        "a row of your own is named by 1 to {MAX_ROW_NAME} characters, without control characters"
                    )));
                }
                if own.iter().any(|r| r.name == row.name) {
                    return Err(shape(format!("the row `{}` is given twice", row.name)));
                }
                own.push(row);
            }
        }
    }
    if own.len() > grid.own_rows {
        return Err(range(format!(
            "{} rows of your own; this grid takes at most {}",
            own.len(),
            grid.own_rows
        )));
    }
    ours.sort_by_key(|(i, _)| *i);
    let rows: Vec<GridRow> = ours.into_iter().map(|(_, r)| r).chain(own).collect();
    for (c, column) in grid.columns.iter().enumerate().filter(|(_, c)| c.share) {
        let total: f64 = rows.iter().filter_map(|r| r.values[c]).sum();
        // Shares are estimates: a rounding's worth over 100 is let through.
        if total > 100.5 {
            return Err(range(format!(
                "the shares of \"{}\" add up to {total}%, more than the whole",
                column.label.default
            )));
        }
    }
    Ok((!rows.is_empty()).then_some(rows))
}

fn cells_of(grid: &Grid, row: &str, cells: &Value) -> Result<Vec<Option<f64>>, Wrong> {
    let Value::Object(cells) = cells else {
        return Err(shape(format!("row `{row}`: expected a mapping from column to number")));
    };
    let mut values = vec![None; grid.columns.len()];
    for (id, cell) in cells {
        let Some(c) = grid.columns.iter().position(|c| &c.id == id) else {
            let ids: Vec<&str> = grid.columns.iter().map(|c| c.id.as_str()).collect();
            return Err(shape(format!(
                "row `{row}`: `{id}` is not a column (the columns are {})",
                ids.join(", ")
            )));
        };
        let column = &grid.columns[c];
        values[c] = match cell {
            Value::Null => None,
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                let whole = column.share || x.fract() == 0.0;
                if !x.is_finite() || !whole || x < column.min as f64 || x > column.max as f64 {
                    return Err(range(format!(
                        "row `{row}`, column `{id}`: {x} is not {}",
                        describe_column(column)
                    )));
                }
                Some(x)
            }
            _ => return Err(shape(format!("row `{row}`, column `{id}`: expected a number"))),
        };
    }
    Ok(values)
}

fn describe_column(column: &crate::engine::model::Column) -> String {
    if column.share {
        "a share from 0 to 100".to_string()
    } else {
        format!("a whole number from {} to {}", column.min, column.max)
    }
}

/// What a grid accepts, for the notes under an error.
pub fn describe(grid: &Grid) -> String {
    let mut rows: Vec<String> = grid.rows.iter().map(|r| format!("`{}`", r.value)).collect();
    if grid.own_rows > 0 {
        rows.push(format!("up to {} of your own", grid.own_rows));
    }
    let columns: Vec<String> =
        grid.columns.iter().map(|c| format!("`{}` ({})", c.id, describe_column(c))).collect();
    let shares =
        if grid.columns.iter().any(|c| c.share) { "; each share column adds up to 100 at most" } else { "" };
    format!(
        "a mapping from row ({}) to a mapping from column ({}) to number{shares}",
        rows.join(", "),
        columns.join(", ")
    )
}

/// A grid answer as an answers file holds it: the inverse of `from_value`.
pub fn to_value(grid: &Grid, rows: &[GridRow]) -> Value {
    let mut out = Map::new();
    for row in rows {
        let mut cells = Map::new();
        for (column, value) in grid.columns.iter().zip(&row.values) {
            if let Some(x) = value {
                let number = if x.fract() == 0.0 { Value::from(*x as i64) } else { Value::from(*x) };
                cells.insert(column.id.clone(), number);
            }
        }
        out.insert(row.name.clone(), Value::Object(cells));
    }
    Value::Object(out)
}

/// A few answers that span a grid, for searching what answers can do: every row at each
/// column's least, then at its most, and (with a gap) all the time now on the first row and
/// all the time wished on the last.
pub fn samples(grid: &Grid) -> Vec<Vec<GridRow>> {
    let names: Vec<String> = grid.rows.iter().map(|r| r.value.clone()).collect();
    if names.is_empty() {
        return Vec::new();
    }
    let n = names.len() as f64;
    let even = |c: &crate::engine::model::Column, high: bool| -> f64 {
        match (c.share, high) {
            (true, _) => (100.0 / n).floor(),
            (false, false) => c.min as f64,
            (false, true) => c.max as f64,
        }
    };
    let mut out: Vec<Vec<GridRow>> = [false, true]
        .into_iter()
        .map(|high| {
            names
                .iter()
                .map(|name| GridRow {
                    name: name.clone(),
                    values: grid.columns.iter().map(|c| Some(even(c, high))).collect(),
                })
                .collect()
        })
        .collect();
    if let Some((now, wished)) = grid.gap {
        let last = names.len() - 1;
        out.push(
            names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let mut values: Vec<Option<f64>> =
                        grid.columns.iter().map(|c| Some(even(c, false))).collect();
                    values[now] = Some(if i == 0 { 100.0 } else { 0.0 });
                    values[wished] = Some(if i == last { 100.0 } else { 0.0 });
                    GridRow { name: name.clone(), values }
                })
                .collect(),
        );
    }
    out
}

/// Rows gathered elsewhere (a prompt, a survey's cells) checked as a file's grid is: the
/// shares' total, the rows of the person's own. `Ok(None)` when no cell is filled.
pub fn check(grid: &Grid, rows: &[GridRow]) -> Result<Option<Vec<GridRow>>, Wrong> {
    from_value(grid, &to_value(grid, rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{Choice, Column, Measure, Text};
    use serde_json::json;

    fn grid() -> Grid {
        let row = |v: &str| Choice { value: v.into(), label: Text::plain(v), score: None };
        let column =
            |id: &str, min, max, share| Column { id: id.into(), label: Text::plain(id), min, max, share };
        Grid {
            rows: vec![row("vision"), row("service")],
            own_rows: 1,
            columns: vec![
                column("engagement", 1, 9, false),
                column("now", 0, 100, true),
                column("wished", 0, 100, true),
            ],
            gap: Some((1, 2)),
        }
    }

    #[test]
    fn a_grid_reads_in_the_packs_row_order_and_writes_back_the_same() {
        let value = json!({"Board": {"now": 5}, "service": {"engagement": 8, "now": 60, "wished": 30}, "vision": {"engagement": 3, "now": 10, "wished": 40}});
        let rows = from_value(&grid(), &value).ok().flatten().unwrap();
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["vision", "service", "Board"]);
        assert_eq!(from_value(&grid(), &to_value(&grid(), &rows)).ok().flatten(), Some(rows.clone()));
        assert_eq!(crate::engine::model::measure_rows(Measure::Gap(1, 2), &rows), Some(30.0));
        assert_eq!(crate::engine::model::measure_rows(Measure::Lowest(0), &rows), Some(3.0));
    }

    #[test]
    fn every_wrong_grid_says_what_is_wrong() {
        let wrong = |v: serde_json::Value| from_value(&grid(), &v).err().map(|w| (w.out_of_range, w.message));
        assert_eq!(wrong(json!({"vision": {"engagement": 0}})).map(|w| w.0), Some(true));
        assert!(
            wrong(json!({"vision": {"engagement": 2.5}})).unwrap().1.contains("a whole number from 1 to 9")
        );
        assert!(wrong(json!({"vision": {"mood": 2}})).unwrap().1.contains("`mood` is not a column"));
        assert!(wrong(json!({"vision": {"now": "lots"}})).unwrap().1.contains("expected a number"));
        assert!(
            wrong(json!({"vision": {"now": 70}, "service": {"now": 40}}))
                .unwrap()
                .1
                .contains("add up to 110%")
        );
        assert!(wrong(json!({"A": {"now": 1}, "B": {"now": 1}})).unwrap().1.contains("at most 1"));
        assert!(wrong(json!({"\u{1b}[2J": {"now": 1}})).unwrap().1.contains("control characters"));
        assert!(wrong(json!([1, 2])).unwrap().1.contains("expected a mapping"));
        // Nothing filled in is no answer, not an error.
        assert!(matches!(from_value(&grid(), &json!({"vision": {"now": null}})), Ok(None)));
    }

    #[test]
    fn a_grid_without_own_rows_takes_only_its_own() {
        let g = Grid { own_rows: 0, ..grid() };
        let err = from_value(&g, &json!({"Board": {"now": 5}})).err().unwrap();
        assert!(err.message.contains("`Board` is not a row of the grid"), "{}", err.message);
    }
}
