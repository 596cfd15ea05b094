//! The intake's state between pages, carried in the form itself: every answer so far rides in
//! the page as a hidden field, so the server keeps nothing about a person until they submit
//! (and then only with `--store`), and nobody's answers can be reached by anyone else.

use std::collections::HashMap;

use serde_json::Value;

use crate::engine::answers::{Answer, Answers, from_value};
use crate::engine::model::{Kind, Question, RuleSet};

/// A field's name for a question's answer.
pub fn field(question: &Question) -> String {
    format!("a.{}", question.id)
}

/// A posted form: every field with every value it was given, in order.
#[derive(Debug, Default)]
pub struct Posted(pub HashMap<String, Vec<String>>);

impl Posted {
    pub fn parse(body: &[u8]) -> Posted {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in form_urlencoded::parse(body) {
            map.entry(k.into_owned()).or_default().push(v.into_owned());
        }
        Posted(map)
    }

    pub fn one(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(|v| v.first()).map(String::as_str)
    }

    fn all(&self, name: &str) -> &[String] {
        self.0.get(name).map_or(&[], Vec::as_slice)
    }
}

/// What a form carries: the answers, each checked as an answers file's would be.
pub struct Read {
    pub answers: Answers,
    /// A field that does not hold one valid answer is a problem for its question (by index),
    /// and its answer is left out.
    pub problems: Vec<(usize, String)>,
    /// Every value of a question answered more than once (a field posted twice): safety
    /// before validity judges each of them, though none is taken as the answer. Each distinct
    /// value once, and at most [`MAX_ALTERNATIVES`] of them a question.
    pub alternatives: Vec<(usize, Answer)>,
    /// What was typed into a grid that does not hold (its shares add up to more than the
    /// whole), as JSON: its page shows it again to be put right, rather than twelve empty cells.
    pub typed: Vec<(usize, String)>,
}

impl Read {
    pub fn typed(&self, question: usize) -> Option<&str> {
        self.typed.iter().find(|(q, _)| *q == question).map(|(_, t)| t.as_str())
    }
}

/// The most distinct values of one question judged for urgency. A person's browser posts one;
/// a hostile client posting thousands cannot make the server judge thousands (a choice has at
/// most 64 options, so every option of any question is still judged).
pub const MAX_ALTERNATIVES: usize = 64;

pub fn answers(ruleset: &RuleSet, posted: &Posted) -> Read {
    let mut values = vec![None; ruleset.questions.len()];
    let mut problems = Vec::new();
    let mut alternatives = Vec::new();
    let mut typed = Vec::new();
    for (i, q) in ruleset.questions.iter().enumerate() {
        // A grid's page posts a field per cell; other pages carry the grid whole.
        if let Kind::Grid(grid) = &q.kind
            && let Some(value) = grid_cells(q, grid, posted)
        {
            // The person's own words for what is wrong: the table shows what a grid takes.
            match crate::engine::grid::from_value(grid, &value) {
                Ok(rows) => values[i] = rows.map(Answer::Grid),
                Err(wrong) => {
                    problems.push((i, wrong.message));
                    typed.push((i, value.to_string()));
                }
            }
            continue;
        }
        let given = posted.all(&field(q));
        let given: Vec<&str> = given.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
        if given.len() > 1 && !matches!(q.kind, Kind::Multiple { .. }) {
            // Which value is meant cannot be told: neither is taken, and the person is asked.
            let mut distinct: Vec<Answer> = Vec::new();
            for answer in given.iter().filter_map(|v| from_value(q, &to_json(q, &[v])?).ok().flatten()) {
                if distinct.len() == MAX_ALTERNATIVES {
                    break;
                }
                if !distinct.contains(&answer) {
                    distinct.push(answer);
                }
            }
            alternatives.extend(distinct.into_iter().map(|a| (i, a)));
            problems.push((i, twice(q)));
            continue;
        }
        let Some(value) = to_json(q, &given) else { continue };
        match from_value(q, &value) {
            Ok(answer) => values[i] = answer,
            Err(problem) => problems.push((i, problem)),
        }
    }
    Read { answers: Answers::settle(ruleset, values, None), problems, alternatives, typed }
}

/// A cell's field: `a.question.row.column`, `a.question.ownN` for the name of the person's own
/// Nth row, `a.question.ownN.column` for its numbers.
pub fn cell_field(question: &Question, row: &str, column: &str) -> String {
    format!("{}.{row}.{column}", field(question))
}

pub fn own_field(question: &Question, k: usize) -> String {
    format!("{}.own{k}", field(question))
}

/// The grid a grid page posted, cell by cell, as an answers file would hold it; `None` when
/// no cell field was posted (the grid rides whole in its hidden field). A cell that is not a
/// number is kept as text, so that the check says what is wrong with it.
fn grid_cells(q: &Question, grid: &crate::engine::model::Grid, posted: &Posted) -> Option<Value> {
    let mut any = false;
    let mut rows = serde_json::Map::new();
    let cell = |name: &str, any: &mut bool| -> Value {
        match posted.one(name).map(str::trim) {
            None => Value::Null,
            Some(t) => {
                *any = true;
                match t.parse::<f64>() {
                    _ if t.is_empty() => Value::Null,
                    Ok(x) if x.is_finite() => {
                        serde_json::Number::from_f64(x).map_or(Value::from(t), Value::Number)
                    }
                    _ => Value::from(t),
                }
            }
        }
    };
    let mut row_of = |row: String, cells_for: &dyn Fn(&str) -> String, any: &mut bool| {
        let cells: serde_json::Map<String, Value> =
            grid.columns.iter().map(|c| (c.id.clone(), cell(&cells_for(&c.id), any))).collect();
        if cells.values().any(|v| !v.is_null()) {
            rows.insert(row, Value::Object(cells));
        }
    };
    for r in &grid.rows {
        row_of(r.value.clone(), &|c| cell_field(q, &r.value, c), &mut any);
    }
    for k in 0..grid.own_rows {
        let name_field = own_field(q, k);
        if posted.one(&name_field).is_some() {
            any = true;
        }
        let name = posted.one(&name_field).map(str::trim).unwrap_or("").to_string();
        row_of(name, &|c| format!("{name_field}.{c}"), &mut any);
    }
    any.then_some(Value::Object(rows))
}

fn twice(question: &Question) -> String {
    format!(
        "it was answered more than once; give one answer ({})",
        crate::engine::answers::describe_allowed(question)
    )
}

/// A question's posted strings as the JSON value an answers file would hold; `None` when the
/// field is absent or empty (not answered).
fn to_json(question: &Question, given: &[&str]) -> Option<Value> {
    if given.is_empty() {
        return None;
    }
    Some(match &question.kind {
        Kind::Multiple { .. } => Value::from(given.to_vec()),
        Kind::YesNo => match given[0] {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            other => Value::from(other),
        },
        Kind::Scale { .. } | Kind::Number { .. } => match given[0].parse::<f64>() {
            Ok(x) if x.is_finite() => {
                serde_json::Number::from_f64(x).map_or(Value::from(given[0]), Value::Number)
            }
            _ => Value::from(given[0]),
        },
        Kind::Single { .. } | Kind::Text => Value::from(given[0]),
        // Carried whole, as the JSON an answers file would hold.
        Kind::Grid(_) => serde_json::from_str(given[0]).unwrap_or_else(|_| Value::from(given[0])),
    })
}

/// An answer as the strings its field posts: what a page puts in hidden fields or checks.
pub fn strings(question: &Question, answer: &Answer) -> Vec<String> {
    match (&question.kind, answer) {
        (_, Answer::Bool(b)) => vec![b.to_string()],
        (_, Answer::Number(x)) => vec![crate::util::number::number(*x)],
        (kind, Answer::Choice(i)) => vec![kind.options()[*i].value.clone()],
        (kind, Answer::Multi(bits)) => kind.chosen(*bits).map(|o| o.value.clone()).collect(),
        (_, Answer::Text(t)) => vec![t.clone()],
        (Kind::Grid(grid), Answer::Grid(rows)) => vec![crate::engine::grid::to_value(grid, rows).to_string()],
        (_, Answer::Grid(_)) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::diag::Sources;

    #[test]
    fn a_field_posted_thousands_of_times_is_judged_on_each_distinct_value_once() {
        let ruleset = crate::pack::load_embedded(&mut Sources::default()).unwrap();
        let (yes_no, scale) = (
            ruleset.questions.iter().position(|q| matches!(q.kind, Kind::YesNo)).unwrap(),
            ruleset.questions.iter().position(|q| matches!(q.kind, Kind::Scale { .. })).unwrap(),
        );
        let mut body = String::new();
        for i in 0..20_000 {
            body.push_str(&format!("{}={}&", field(&ruleset.questions[yes_no]), i % 2 == 0));
            body.push_str(&format!("{}={}&", field(&ruleset.questions[scale]), 1 + i % 3));
        }
        let read = answers(&ruleset, &Posted::parse(body.as_bytes()));
        let of = |q: usize| read.alternatives.iter().filter(|(i, _)| *i == q).count();
        assert_eq!((of(yes_no), of(scale)), (2, 3), "each distinct value once");
        assert!(read.problems.iter().any(|(q, _)| *q == yes_no) && read.answers.values[yes_no].is_none());
    }
}
