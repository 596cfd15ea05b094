//! `crossroads questionnaire --format fhir`: the pack as an HL7 FHIR R4 `Questionnaire`, the
//! form health systems exchange intakes in: linkIds are question ids, options are codings whose
//! codes are the pack's values, `show_if` becomes `enableWhen`, the other language goes in
//! FHIR's translation extension. `screen` reads the `QuestionnaireResponse`s it gives back
//! (`screen/fhir.rs`).
//!
//! A grid is a group of rows, each a group of its columns' integers (linkId
//! `question.row.column`). Under each question an urgent flag reads, a display item enabled by
//! the flag's answer names the support resources.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use crate::engine::model::{Condition, Kind, Question, RuleSet, Target, Test, Text};

const TRANSLATION: &str = "http://hl7.org/fhir/StructureDefinition/translation";

/// The code system of a question's options: one per question, so that codes need not be
/// unique across the pack.
pub fn system(r: &RuleSet, question: &str) -> String {
    format!("urn:crossroads:{}:{question}", r.meta.id)
}

/// The Questionnaire, and the questions whose `show_if` FHIR's `enableWhen` cannot say (they
/// are always enabled; an answer the pack would hide is dropped when screened, as ever).
pub fn questionnaire(r: &RuleSet) -> (Value, Vec<String>) {
    let mut items = Vec::new();
    let mut always = Vec::new();
    for (i, q) in r.questions.iter().enumerate() {
        let mut item = question(r, q);
        if let Some(condition) = &q.show_if {
            match enable_when(r, condition) {
                Some((when, behavior)) => {
                    item.insert("enableWhen".into(), Value::Array(when));
                    if let Some(b) = behavior {
                        item.insert("enableBehavior".into(), json!(b));
                    }
                }
                None => always.push(q.id.clone()),
            }
        }
        items.push(Value::Object(item));
        items.extend(support_items(r, i));
    }
    let name: String = r
        .meta
        .id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w[..1].to_uppercase() + &w[1..])
        .collect();
    let mut q = Map::new();
    q.insert("resourceType".into(), json!("Questionnaire"));
    q.insert("id".into(), json!(format!("crossroads-{}", r.meta.id)));
    q.insert("url".into(), json!(format!("urn:crossroads:{}", r.meta.id)));
    q.insert("version".into(), json!(r.meta.version));
    q.insert("name".into(), json!(format!("Crossroads{name}")));
    put_text(&mut q, "title", &r.meta.name);
    q.insert("status".into(), json!("active"));
    if let Some(lang) = r.meta.languages.first() {
        q.insert("language".into(), json!(lang));
    }
    if let Some(d) = &r.meta.description {
        put_text(&mut q, "description", d);
    }
    q.insert("item".into(), Value::Array(items));
    (Value::Object(q), always)
}

pub fn write(r: &RuleSet, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &questionnaire(r).0)?;
    writeln!(out)
}

/// A string element with its translations, as FHIR writes them: `text` and `_text`.
fn put_text(map: &mut Map<String, Value>, key: &str, t: &Text) {
    map.insert(key.into(), json!(t.default));
    if !t.translations.is_empty() {
        let extension: Vec<Value> = t
            .translations
            .iter()
            .map(|(lang, s)| {
                json!({ "url": TRANSLATION, "extension": [
                    { "url": "lang", "valueCode": lang },
                    { "url": "content", "valueString": s },
                ]})
            })
            .collect();
        map.insert(format!("_{key}"), json!({ "extension": extension }));
    }
}

fn question(r: &RuleSet, q: &Question) -> Map<String, Value> {
    let mut item = Map::new();
    item.insert("linkId".into(), json!(q.id));
    put_text(&mut item, "text", &q.text);
    let kind = match &q.kind {
        Kind::YesNo => "boolean",
        Kind::Scale { .. } => "integer",
        Kind::Single { .. } | Kind::Multiple { .. } => "choice",
        Kind::Number { .. } => "decimal",
        Kind::Text if q.identifies.is_some() => "string",
        Kind::Text => "text",
        Kind::Grid(_) => "group",
    };
    item.insert("type".into(), json!(kind));
    if q.required {
        item.insert("required".into(), json!(true));
    }
    if matches!(q.kind, Kind::Multiple { .. }) {
        item.insert("repeats".into(), json!(true));
    }
    match &q.kind {
        Kind::Single { options } | Kind::Multiple { options } => {
            let system = system(r, &q.id);
            let options: Vec<Value> = options
                .iter()
                .map(|o| {
                    let mut coding = Map::new();
                    coding.insert("system".into(), json!(system));
                    coding.insert("code".into(), json!(o.value));
                    put_text(&mut coding, "display", &o.label);
                    json!({ "valueCoding": coding })
                })
                .collect();
            item.insert("answerOption".into(), Value::Array(options));
        }
        Kind::Scale { min, max, .. } => {
            let options: Vec<Value> = (*min..=*max).map(|v| json!({ "valueInteger": v })).collect();
            item.insert("answerOption".into(), Value::Array(options));
        }
        Kind::Number { min, max } => {
            let mut extension = Vec::new();
            if let Some(min) = min {
                extension.push(
                    json!({ "url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueDecimal": min }),
                );
            }
            if let Some(max) = max {
                extension.push(
                    json!({ "url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueDecimal": max }),
                );
            }
            if !extension.is_empty() {
                item.insert("extension".into(), Value::Array(extension));
            }
        }
        Kind::Grid(grid) => {
            let rows: Vec<Value> = grid
                .rows
                .iter()
                .map(|row| {
                    let mut group = Map::new();
                    group.insert("linkId".into(), json!(format!("{}.{}", q.id, row.value)));
                    put_text(&mut group, "text", &row.label);
                    group.insert("type".into(), json!("group"));
                    let cells: Vec<Value> = grid
                        .columns
                        .iter()
                        .map(|c| {
                            let mut cell = Map::new();
                            cell.insert("linkId".into(), json!(format!("{}.{}.{}", q.id, row.value, c.id)));
                            put_text(&mut cell, "text", &c.label);
                            cell.insert("type".into(), json!("integer"));
                            cell.insert(
                                "extension".into(),
                                json!([
                                    { "url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": c.min },
                                    { "url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": c.max },
                                ]),
                            );
                            Value::Object(cell)
                        })
                        .collect();
                    group.insert("item".into(), Value::Array(cells));
                    Value::Object(group)
                })
                .collect();
            let mut rows = rows;
            if grid.own_rows > 0 {
                rows.push(own_rows(r, q, grid));
            }
            item.insert("item".into(), Value::Array(rows));
        }
        _ => {}
    }
    if let Some(help) = q.help_on_paper.as_ref().or(q.help.as_ref()) {
        let mut display = Map::new();
        display.insert("linkId".into(), json!(format!("{}.help", q.id)));
        put_text(&mut display, "text", help);
        display.insert("type".into(), json!("display"));
        let children = item.entry("item").or_insert_with(|| json!([]));
        if let Value::Array(children) = children {
            children.insert(0, Value::Object(display));
        }
    }
    item
}

/// The rows a person names: a repeating group (`question.own`, at most `own_rows` times) of a
/// name and the grid's columns.
fn own_rows(r: &RuleSet, q: &Question, grid: &crate::engine::model::Grid) -> Value {
    let words = |pick: &dyn Fn(&crate::util::i18n::Ui) -> String| Text {
        default: pick(crate::util::i18n::ui(None)),
        translations: r
            .meta
            .languages
            .iter()
            .skip(1)
            .map(|l| (l.clone(), pick(crate::util::i18n::ui(Some(l)))))
            .collect(),
    };
    let n = grid.own_rows.to_string();
    let mut group = Map::new();
    group.insert("linkId".into(), json!(format!("{}.own", q.id)));
    put_text(&mut group, "text", &words(&|ui| crate::util::i18n::fill(ui.grid_own_rows, &[("n", &n)])));
    group.insert("type".into(), json!("group"));
    group.insert("repeats".into(), json!(true));
    group.insert(
        "extension".into(),
        json!([{ "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs", "valueInteger": grid.own_rows }]),
    );
    let mut name = Map::new();
    name.insert("linkId".into(), json!(format!("{}.own.name", q.id)));
    put_text(
        &mut name,
        "text",
        &words(&|ui| crate::util::i18n::fill(ui.grid_own_name, &[("n", "")]).trim().to_string()),
    );
    name.insert("type".into(), json!("string"));
    let mut cells = vec![Value::Object(name)];
    for c in &grid.columns {
        let mut cell = Map::new();
        cell.insert("linkId".into(), json!(format!("{}.own.{}", q.id, c.id)));
        put_text(&mut cell, "text", &c.label);
        cell.insert("type".into(), json!("integer"));
        cells.push(Value::Object(cell));
    }
    group.insert("item".into(), Value::Array(cells));
    Value::Object(group)
}

/// A display item under the last question each urgent flag reads, enabled by the flag's answer.
fn support_items(r: &RuleSet, index: usize) -> Vec<Value> {
    super::urgent_reading(r, index, true)
        .filter_map(|f| {
            let (when, behavior) = enable_when(r, &f.when)?;
            let line = |lang: Option<&str>| -> String {
                f.support
                    .iter()
                    .map(|&s| format!("{}: {}", r.support[s].name.get(lang), r.support[s].contact.get(lang)))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            let text = Text {
                default: line(None),
                translations: r.meta.languages.iter().skip(1).map(|l| (l.clone(), line(Some(l)))).collect(),
            };
            let mut item = Map::new();
            item.insert("linkId".into(), json!(format!("support.{}", f.id)));
            put_text(&mut item, "text", &text);
            item.insert("type".into(), json!("display"));
            item.insert("enableWhen".into(), Value::Array(when));
            if let Some(b) = behavior {
                item.insert("enableBehavior".into(), json!(b));
            }
            Some(Value::Object(item))
        })
        .collect()
}

/// A condition as `enableWhen` (with `enableBehavior` when it has several parts): a test, or
/// tests that must all or any hold, or a negated one; `None` for what it cannot say.
fn enable_when(r: &RuleSet, c: &Condition) -> Option<(Vec<Value>, Option<&'static str>)> {
    match c {
        Condition::Test(target, test) => {
            let parts = tests(r, *target, test, false)?;
            let behavior = (parts.len() > 1).then_some("any");
            Some((parts, behavior))
        }
        Condition::Not(inner) => match inner.as_ref() {
            Condition::Test(target, test) => {
                let parts = tests(r, *target, test, true)?;
                let behavior = (parts.len() > 1).then_some("all");
                Some((parts, behavior))
            }
            _ => None,
        },
        Condition::All(items) | Condition::Any(items) => {
            let behavior = if matches!(c, Condition::All(_)) { "all" } else { "any" };
            let mut parts = Vec::new();
            for item in items {
                let (mut more, inner) = enable_when(r, item)?;
                // Only one level: parts that need their own behavior cannot be nested.
                if more.len() > 1 && inner != Some(behavior) {
                    return None;
                }
                parts.append(&mut more);
            }
            Some((parts, Some(behavior)))
        }
    }
}

/// One test as `enableWhen` entries (several for "one of these", which take "any"; negated,
/// they take "all").
fn tests(r: &RuleSet, target: Target, test: &Test, negated: bool) -> Option<Vec<Value>> {
    let Target::Question(q) = target else { return None };
    let question = &r.questions[q];
    let link = &question.id;
    let eq = if negated { "!=" } else { "=" };
    let entry = |op: &str, key: &str, value: Value| {
        let mut m = Map::new();
        m.insert("question".into(), json!(link));
        m.insert("operator".into(), json!(op));
        m.insert(key.into(), value);
        Value::Object(m)
    };
    let number = |x: f64| -> (&'static str, Value) {
        match question.kind {
            Kind::Scale { .. } => ("answerInteger", json!(x as i64)),
            _ => ("answerDecimal", json!(x)),
        }
    };
    let codings = |bits: u64| -> Vec<Value> {
        let coding = |o: &crate::engine::model::Choice| json!({ "system": system(r, link), "code": o.value });
        question.kind.chosen(bits).map(|o| entry(eq, "answerCoding", coding(o))).collect()
    };
    Some(match test {
        Test::IsBool(b) => vec![entry(eq, "answerBoolean", json!(b))],
        Test::IsNumber(x) => {
            let (key, value) = number(*x);
            vec![entry(eq, key, value)]
        }
        Test::OneOf(bits) | Test::IncludesAny(bits) => codings(*bits),
        Test::NumberIn(xs) => xs
            .iter()
            .map(|x| {
                let (key, value) = number(*x);
                entry(eq, key, value)
            })
            .collect(),
        Test::AtLeast(x) => {
            let (key, value) = number(*x);
            vec![entry(if negated { "<" } else { ">=" }, key, value)]
        }
        Test::AtMost(x) => {
            let (key, value) = number(*x);
            vec![entry(if negated { ">" } else { "<=" }, key, value)]
        }
        Test::Answered(a) => vec![entry("exists", "answerBoolean", json!(*a != negated))],
        Test::Matches(_) => return None,
    })
}
