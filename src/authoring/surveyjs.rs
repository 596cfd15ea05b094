//! `crossroads questionnaire --format surveyjs`: the pack as a SurveyJS form definition, so
//! that the intake runs in SurveyJS (or any tool that imports its JSON) with no retyping, and
//! its results screen with no mapping: question names are the pack's ids, choice values the
//! pack's values, grids SurveyJS matrices keyed by row and column ids, every language the
//! pack has through SurveyJS's localised strings, `show_if` as `visibleIf`.
//!
//! Under each question an urgent flag reads, a note that appears when the answer raises the
//! flag names the support resources: a person filling in the form alone must see them then.
//!
//! A grid is a matrix of the pack's rows only: SurveyJS's matrices have fixed rows, so rows a
//! person names themselves are not offered (the FHIR Questionnaire has them).

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use crate::engine::model::{Condition, Kind, Question, RuleSet, Target, Test, Text};

/// The form, and the questions whose `show_if` SurveyJS cannot test (they always show; an
/// answer given to one that the pack would hide is dropped by `screen`, as ever).
pub fn form(r: &RuleSet) -> (Value, Vec<String>) {
    let mut elements = Vec::new();
    let mut always_shown = Vec::new();
    for (i, q) in r.questions.iter().enumerate() {
        let mut element = question(q);
        if let Some(condition) = &q.show_if {
            match expression(r, condition) {
                Some(e) => {
                    element.insert("visibleIf".into(), Value::String(e));
                }
                None => always_shown.push(q.id.clone()),
            }
        }
        elements.push(Value::Object(element));
        elements.extend(support_notes(r, i));
    }
    let mut survey = Map::new();
    survey.insert("title".into(), text(&r.meta.name));
    if let Some(d) = &r.meta.description {
        survey.insert("description".into(), text(d));
    }
    survey.insert("showQuestionNumbers".into(), json!("on"));
    survey.insert("pages".into(), json!([{ "name": r.meta.id, "elements": elements }]));
    (Value::Object(survey), always_shown)
}

pub fn write(r: &RuleSet, out: &mut dyn Write) -> io::Result<()> {
    let (form, _) = form(r);
    serde_json::to_writer_pretty(&mut *out, &form)?;
    writeln!(out)
}

/// A localisable string: plain when the pack has one language, else SurveyJS's
/// `{"default": ..., "fr": ...}`.
fn text(t: &Text) -> Value {
    if t.translations.is_empty() {
        return Value::String(t.default.clone());
    }
    let mut map = Map::new();
    map.insert("default".into(), Value::String(t.default.clone()));
    for (lang, s) in &t.translations {
        map.insert(lang.clone(), Value::String(s.clone()));
    }
    Value::Object(map)
}

fn question(q: &Question) -> Map<String, Value> {
    let mut e = Map::new();
    let mut set = |k: &str, v: Value| {
        e.insert(k.to_string(), v);
    };
    let choices = |options: &[crate::engine::model::Choice]| -> Value {
        options.iter().map(|o| json!({ "value": o.value, "text": text(&o.label) })).collect()
    };
    match &q.kind {
        Kind::YesNo => set("type", json!("boolean")),
        Kind::Scale { min, max, labels } => {
            set("type", json!("rating"));
            let at_ends = labels.iter().all(|(v, _)| v == min || v == max);
            if at_ends {
                set("rateMin", json!(min));
                set("rateMax", json!(max));
                for (v, label) in labels {
                    let key = if v == min { "minRateDescription" } else { "maxRateDescription" };
                    set(key, text(label));
                }
            } else {
                let values: Vec<Value> = (*min..=*max)
                    .map(|v| match labels.iter().find(|(x, _)| *x == v) {
                        Some((_, label)) => json!({ "value": v, "text": text(label) }),
                        None => json!({ "value": v, "text": v.to_string() }),
                    })
                    .collect();
                set("rateValues", Value::Array(values));
            }
        }
        Kind::Single { options } => {
            set("type", json!("radiogroup"));
            set("choices", choices(options));
        }
        Kind::Multiple { options } => {
            set("type", json!("checkbox"));
            set("choices", choices(options));
        }
        Kind::Number { min, max } => {
            set("type", json!("text"));
            set("inputType", json!("number"));
            if let Some(min) = min {
                set("min", json!(min));
            }
            if let Some(max) = max {
                set("max", json!(max));
            }
        }
        Kind::Text if q.identifies == Some(crate::engine::model::Identity::Email) => {
            set("type", json!("text"));
            set("inputType", json!("email"));
        }
        Kind::Text if q.identifies.is_some() => set("type", json!("text")),
        Kind::Text => set("type", json!("comment")),
        Kind::Grid(grid) => {
            set("type", json!("matrixdropdown"));
            let columns: Vec<Value> = grid
                .columns
                .iter()
                .map(|c| {
                    json!({
                        "name": c.id,
                        "title": text(&c.label),
                        "cellType": "text",
                        "inputType": "number",
                        "min": c.min,
                        "max": c.max,
                    })
                })
                .collect();
            set("columns", Value::Array(columns));
            set("rows", choices(&grid.rows));
        }
    }
    let mut element = Map::new();
    element.insert("name".into(), json!(q.id));
    element.insert("title".into(), text(&q.text));
    if let Some(help) = &q.help_on_paper.as_ref().or(q.help.as_ref()) {
        element.insert("description".into(), text(help));
    }
    if q.required {
        element.insert("isRequired".into(), json!(true));
    }
    element.extend(e);
    element
}

/// For each urgent flag that reads question `index` (and no earlier question's note already
/// covers), a note shown when the flag is raised, naming its support.
fn support_notes(r: &RuleSet, index: usize) -> Vec<Value> {
    super::urgent_reading(r, index, true)
        .filter_map(|f| {
            let visible = expression(r, &f.when)?;
            let mut langs: Vec<Option<&str>> = vec![None];
            langs.extend(r.meta.languages.iter().skip(1).map(|l| Some(l.as_str())));
            let html_in = |lang: Option<&str>| -> String {
                f.support
                    .iter()
                    .map(|&s| {
                        let s = &r.support[s];
                        format!("<p><strong>{}</strong>: {}</p>", escape(s.name.get(lang)), escape(s.contact.get(lang)))
                    })
                    .collect()
            };
            let html = match langs.len() {
                1 => Value::String(html_in(None)),
                _ => {
                    let mut map = Map::new();
                    map.insert("default".into(), Value::String(html_in(None)));
                    for lang in langs.into_iter().flatten() {
                        map.insert(lang.to_string(), Value::String(html_in(Some(lang))));
                    }
                    Value::Object(map)
                }
            };
            Some(json!({ "type": "html", "name": format!("support_{}", f.id), "visibleIf": visible, "html": html }))
        })
        .collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A condition in SurveyJS's expression language; `None` where it has no equivalent (a
/// pattern, a grid's measure, a score).
fn expression(r: &RuleSet, c: &Condition) -> Option<String> {
    let join = |items: &[Condition], op: &str| -> Option<String> {
        let parts: Option<Vec<String>> =
            items.iter().map(|c| expression(r, c).map(|e| format!("({e})"))).collect();
        Some(parts?.join(&format!(" {op} ")))
    };
    match c {
        Condition::All(items) => join(items, "and"),
        Condition::Any(items) => join(items, "or"),
        Condition::Not(inner) => Some(format!("!({})", expression(r, inner)?)),
        Condition::Test(Target::Question(q), test) => {
            let question = &r.questions[*q];
            let name = format!("{{{}}}", question.id);
            let quoted = |s: &str| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"));
            let values = |bits: u64| -> String {
                let chosen: Vec<String> = question.kind.chosen(bits).map(|o| quoted(&o.value)).collect();
                format!("[{}]", chosen.join(", "))
            };
            let n = crate::util::number::number;
            Some(match test {
                Test::IsBool(b) => format!("{name} = {b}"),
                Test::IsNumber(x) => format!("{name} = {}", n(*x)),
                Test::OneOf(bits) if bits.count_ones() == 1 => {
                    format!(
                        "{name} = {}",
                        quoted(&question.kind.options()[bits.trailing_zeros() as usize].value)
                    )
                }
                Test::OneOf(bits) | Test::IncludesAny(bits) => format!("{name} anyof {}", values(*bits)),
                Test::NumberIn(xs) => {
                    format!("{name} anyof [{}]", xs.iter().map(|x| n(*x)).collect::<Vec<_>>().join(", "))
                }
                Test::AtLeast(x) => format!("{name} >= {}", n(*x)),
                Test::AtMost(x) => format!("{name} <= {}", n(*x)),
                Test::Answered(true) => format!("{name} notempty"),
                Test::Answered(false) => format!("{name} empty"),
                Test::Matches(_) => return None,
            })
        }
        Condition::Test(Target::Measure(..) | Target::Score(_), _) => None,
    }
}
