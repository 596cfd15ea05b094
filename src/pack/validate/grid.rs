//! Grid questions: their rows and columns, and the measures a condition or score reads of
//! them (`question.column.lowest`, `question.column.highest`, `question.gap`).

use super::*;

/// The most rows (the pack's and the person's own together) and columns a grid may have: a
/// grid is read and answered on one screen.
pub const MAX_ROWS: usize = 20;
pub const MAX_COLUMNS: usize = 6;

impl Validator<'_> {
    pub(super) fn grid(&mut self, file: FileId, q: &RawQuestion) -> Kind {
        let kind_range = range_of(&q.kind);
        let rows = match &q.rows {
            Some(raw) => self.choices(file, raw, "row"),
            None => Vec::new(),
        };
        let own_rows = q.own_rows.as_ref().map_or(0, |n| n.value as usize);
        if rows.len() + own_rows == 0 {
            self.push(
                Diagnostic::error(Code::BadGrid, format!("grid question `{}` has no rows", q.id.value)).at(
                    file,
                    kind_range.clone(),
                    "a grid needs `rows: [{value: ..., label: ...}]`, `own_rows: N`, or both",
                ),
            );
        }
        if rows.len() + own_rows > MAX_ROWS {
            let at = q
                .own_rows
                .as_ref()
                .map(range_of)
                .or(q.rows.as_ref().map(range_of))
                .unwrap_or(kind_range.clone());
            self.push(
                Diagnostic::error(
                    Code::BadGrid,
                    format!(
                        "grid question `{}` has {} rows; a grid has at most {MAX_ROWS}",
                        q.id.value,
                        rows.len() + own_rows
                    ),
                )
                .at(file, at, "fewer rows, or two grids"),
            );
        }
        let mut columns: Vec<Column> = Vec::new();
        match &q.columns {
            None => self.push(
                Diagnostic::error(Code::BadGrid, format!("grid question `{}` has no columns", q.id.value))
                    .at(
                        file,
                        kind_range,
                        "a grid needs `columns: [{id: ..., label: ..., min: ..., max: ...}]`",
                    ),
            ),
            Some(raw) => {
                if raw.value.is_empty() || raw.value.len() > MAX_COLUMNS {
                    self.push(
                        Diagnostic::error(
                            Code::BadGrid,
                            format!("grid question `{}` has {} columns", q.id.value, raw.value.len()),
                        )
                        .at(
                            file,
                            range_of(raw),
                            format!("a grid has 1 to {MAX_COLUMNS} columns"),
                        ),
                    );
                }
                for c in &raw.value {
                    if let Some(column) = self.column(file, c, &columns) {
                        columns.push(column);
                    }
                }
            }
        }
        let gap = q.gap.as_ref().and_then(|raw| {
            let found: Vec<Option<usize>> = raw
                .value
                .iter()
                .map(|id| {
                    let i = columns.iter().position(|c| c.id == id.value && c.share);
                    if i.is_none() {
                        self.push(
                            Diagnostic::error(
                                Code::BadGrid,
                                format!("`gap` names `{}`, not a share column of the grid", id.value),
                            )
                            .at(
                                file,
                                range_of(id),
                                "a gap is between two share columns: `[now, wished]`",
                            ),
                        );
                    }
                    i
                })
                .collect();
            match found.as_slice() {
                [Some(now), Some(wished)] if now != wished => Some((*now, *wished)),
                [Some(_), Some(_)] | [_, _] => None,
                _ => {
                    self.push(
                        Diagnostic::error(Code::BadGrid, "`gap` names two share columns, `[now, wished]`")
                            .at(file, range_of(raw), format!("{} named", raw.value.len())),
                    );
                    None
                }
            }
        });
        Kind::Grid(Grid { rows, own_rows, columns, gap })
    }

    fn column(&mut self, file: FileId, c: &RawColumn, before: &[Column]) -> Option<Column> {
        if before.iter().any(|b| b.id == c.id.value) {
            self.push(Diagnostic::error(Code::BadGrid, format!("column `{}` appears twice", c.id.value)).at(
                file,
                range_of(&c.id),
                "column ids must be unique within a grid",
            ));
        }
        if !c.id.value.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
            || c.id.value.is_empty()
        {
            self.push(
                Diagnostic::error(
                    Code::BadId,
                    format!("column id `{}` is not lower-case letters, digits and `_`", c.id.value),
                )
                .at(
                    file,
                    range_of(&c.id),
                    "a column id is part of a condition's key (`question.column.lowest`)",
                ),
            );
        }
        let label = self.text(file, &c.label);
        if c.share {
            for bound in [&c.min, &c.max].into_iter().flatten() {
                self.misplaced(
                    file,
                    range_of(bound),
                    "min/max",
                    "grid columns that are not shares (a share runs from 0 to 100)",
                );
            }
            return Some(Column { id: c.id.value.clone(), label, min: 0, max: 100, share: true });
        }
        let (Some(min), Some(max)) = (&c.min, &c.max) else {
            self.push(
                Diagnostic::error(
                    Code::BadScale,
                    format!("column `{}` needs `min` and `max`, or `share: true`", c.id.value),
                )
                .at(file, range_of(&c.id), "a rating such as `min: 1` and `max: 9`"),
            );
            return None;
        };
        let whole = |x: f64| x.fract() == 0.0 && x.abs() <= MAX_NUMBER;
        if !whole(min.value)
            || !whole(max.value)
            || min.value >= max.value
            || max.value - min.value > MAX_SCALE_STEPS as f64
        {
            self.push(
                Diagnostic::error(
                    Code::BadScale,
                    format!(
                        "column `{}` needs whole-number bounds with `min` below `max`, at most {} points",
                        c.id.value,
                        MAX_SCALE_STEPS + 1
                    ),
                )
                .at(
                    file,
                    range_of(min),
                    format!("the column runs from {} to {}", min.value, max.value),
                ),
            );
            return None;
        }
        Some(Column {
            id: c.id.value.clone(),
            label,
            min: min.value as i64,
            max: max.value as i64,
            share: false,
        })
    }

    /// `question.column.lowest`, `question.column.highest` or `question.gap` of a grid: the
    /// target, and the least and most it can be; `None` if `name` is no such measure.
    pub(super) fn measure_target(&self, name: &str, questions: &[Question]) -> Option<(Target, f64, f64)> {
        let (id, rest) = name.split_once('.')?;
        let Some(Target::Question(q)) = self.names.targets.get(id).copied() else { return None };
        let Kind::Grid(grid) = &questions.get(q)?.kind else { return None };
        if rest == "gap" {
            let (now, wished) = grid.gap?;
            return Some((Target::Measure(q, Measure::Gap(now, wished)), -100.0, 100.0));
        }
        let (column, which) = rest.split_once('.')?;
        let c = grid.columns.iter().position(|c| c.id == column)?;
        let (lo, hi) = (grid.columns[c].min as f64, grid.columns[c].max as f64);
        match which {
            "lowest" => Some((Target::Measure(q, Measure::Lowest(c)), lo, hi)),
            "highest" => Some((Target::Measure(q, Measure::Highest(c)), lo, hi)),
            _ => None,
        }
    }
}
