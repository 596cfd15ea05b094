//! The texts of a pack as written: a text in one or several languages, a line of a list
//! (a text, or a text with a condition), and a scale point as a mapping key.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::schema::condition::RawCondition;
use crate::util::yaml::Spanned;

type S<T> = Spanned<T>;

/// A scale point as a mapping key: `1:` in YAML, and `"1":` in JSON, whose keys are text
/// (the built-in pack is compiled to CBOR with text keys, see `build.rs`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point(pub i64);

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PointVisitor;
        impl Visitor<'_> for PointVisitor {
            type Value = Point;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Point, E> {
                Ok(Point(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Point, E> {
                i64::try_from(v).map(Point).map_err(|_| E::custom("a scale point too large"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Point, E> {
                v.parse().map(Point).map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        deserializer.deserialize_any(PointVisitor)
    }
}

/// A line of a list (a next step, a guide's item): a text, or `{text: ..., when: ...}` for a
/// line shown only when its condition holds, so that no sentence contradicts an answer; a next
/// step that points to a guide ("the questions below") names it, `guide: ...`, and every
/// format then shows that guide in full.
#[derive(Debug)]
pub enum RawLine {
    Always(RawText),
    When { text: S<RawText>, when: Option<RawCondition>, guide: Option<S<String>> },
}

impl<'de> Deserialize<'de> for RawLine {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LineVisitor;
        impl<'de> Visitor<'de> for LineVisitor {
            type Value = RawLine;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text, a map from language to text, or `{text: ..., when: ...}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawLine, E> {
                Ok(RawLine::Always(RawText::Plain(v.to_string())))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawLine, A::Error> {
                let mut languages = Vec::new();
                let (mut text, mut when, mut guide) = (None, None, None);
                while let Some(key) = map.next_key::<S<String>>()? {
                    match key.value.as_str() {
                        // `text`, `when` and `guide` are not languages: the map is a line with more.
                        "text" if languages.is_empty() => text = Some(map.next_value()?),
                        "when" if languages.is_empty() => when = Some(map.next_value()?),
                        "guide" if languages.is_empty() => guide = Some(map.next_value()?),
                        _ if text.is_some() || when.is_some() || guide.is_some() => {
                            return Err(de::Error::unknown_field(&key.value, &["text", "when", "guide"]));
                        }
                        _ => languages.push((key, map.next_value()?)),
                    }
                }
                match (text, when.is_some() || guide.is_some()) {
                    (Some(text), true) => Ok(RawLine::When { text, when, guide }),
                    (None, false) => Ok(RawLine::Always(RawText::ByLanguage(languages))),
                    (None, true) => Err(de::Error::missing_field("text")),
                    (Some(_), false) => Err(de::Error::missing_field("when")),
                }
            }
        }
        deserializer.deserialize_any(LineVisitor)
    }
}

impl JsonSchema for RawLine {
    fn schema_name() -> Cow<'static, str> {
        "Line".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let text = generator.subschema_for::<RawText>();
        let condition = generator.subschema_for::<RawCondition>();
        json_schema!({
            "description": "A text; or `text` with `when`, a condition: the line is shown only when it holds; and/or `guide`, the guide a next step points to, shown in full with it.",
            "anyOf": [
                text,
                {
                    "type": "object",
                    "properties": {"text": text, "when": condition, "guide": {"type": "string"}},
                    "required": ["text"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// A text: one string, or a map from language to string.
#[derive(Debug, Clone)]
pub enum RawText {
    Plain(String),
    ByLanguage(Vec<(S<String>, String)>),
}

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = RawText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text, or a map from language to text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawText, E> {
                Ok(RawText::Plain(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawText, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(RawText::ByLanguage(entries))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

impl JsonSchema for RawText {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A text, or a map from language to text that includes the pack's default language.",
            "oneOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(yaml: &str) -> Result<RawLine, String> {
        crate::util::yaml::parse::<RawLine>(yaml).map_err(|e| e.message)
    }

    #[test]
    fn a_line_is_a_text_or_a_text_with_a_condition() {
        assert!(matches!(line("Do it.").unwrap(), RawLine::Always(RawText::Plain(_))));
        assert!(
            matches!(line("{en: Do it., fr: Faites-le.}").unwrap(), RawLine::Always(RawText::ByLanguage(l)) if l.len() == 2)
        );
        assert!(matches!(line("{text: Do it., when: {q: {is: true}}}").unwrap(), RawLine::When { .. }));
        assert!(line("{text: Do it.}").unwrap_err().contains("missing field `when`"));
        assert!(line("{when: {q: {is: true}}}").unwrap_err().contains("missing field `text`"));
        assert!(
            line("{text: Do it., when: {q: {is: true}}, en: x}").unwrap_err().contains("unknown field `en`")
        );
    }
}
