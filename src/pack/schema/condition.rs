//! A condition as a pack writes it (`all`, `any`, `not`, or a question or score with its
//! tests), read by hand so that every key keeps its place; apart from the rest of the format
//! so that a text's conditional lines (`text.rs`) can hold one without the whole schema.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::util::yaml::Spanned;

type S<T> = Spanned<T>;

/// A condition: `{all: [...]}`, `{any: [...]}`, `{not: ...}`, or
/// `{<question or score id>: {<test>: <value>, ...}}`.
#[derive(Debug)]
pub struct RawCondition {
    /// The keys as written; a well-formed condition has exactly one.
    pub entries: Vec<(S<String>, RawConditionBody)>,
    /// Where the condition's mapping starts, for conditions with no key at all.
    pub at: std::ops::Range<usize>,
}

#[derive(Debug)]
pub enum RawConditionBody {
    List(Vec<RawCondition>),
    One(Box<RawCondition>),
    Test(Box<S<RawTest>>),
}

impl<'de> Deserialize<'de> for RawCondition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned: S<ConditionEntries> = Deserialize::deserialize(deserializer)?;
        let at = crate::util::yaml::range_of(&spanned);
        Ok(RawCondition { entries: spanned.value.0, at })
    }
}

/// The entries of a condition's mapping; a newtype so that it can sit inside `Spanned`.
#[derive(Debug)]
struct ConditionEntries(Vec<(S<String>, RawConditionBody)>);

impl<'de> Deserialize<'de> for ConditionEntries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ConditionEntries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a condition: `all`, `any`, `not`, or a question id with its test")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<S<String>>()? {
                    let body = match key.value.as_str() {
                        "all" | "any" => RawConditionBody::List(map.next_value()?),
                        "not" => RawConditionBody::One(Box::new(map.next_value()?)),
                        _ => RawConditionBody::Test(map.next_value()?),
                    };
                    entries.push((key, body));
                }
                Ok(ConditionEntries(entries))
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// The tests of one question or score; several in one mapping must all hold.
/// Values are read as text and checked against the question's kind by the validator.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Test")]
pub struct RawTest {
    #[serde(default)]
    #[schemars(with = "Option<Scalar>")]
    pub is: Option<S<String>>,
    #[serde(default, rename = "in")]
    #[schemars(with = "Option<Vec<Scalar>>")]
    pub in_: Option<S<Vec<S<String>>>>,
    #[serde(default)]
    #[schemars(with = "Option<Scalar>")]
    pub includes: Option<S<String>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<Scalar>>")]
    pub includes_any: Option<S<Vec<S<String>>>>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub at_least: Option<S<f64>>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub at_most: Option<S<f64>>,
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub answered: Option<S<bool>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub matches: Option<S<String>>,
}

impl JsonSchema for RawCondition {
    fn schema_name() -> Cow<'static, str> {
        "Condition".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let condition = generator.subschema_for::<RawCondition>();
        let test = generator.subschema_for::<RawTest>();
        json_schema!({
            "description": "`all: [...]`, `any: [...]`, `not: ...`, or a question or score id with its test.",
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "properties": {
                "all": {"type": "array", "items": condition, "minItems": 1},
                "any": {"type": "array", "items": condition, "minItems": 1},
                "not": condition
            },
            "additionalProperties": test
        })
    }
}

/// A value a test compares with: text, a number or true/false (the validator checks which).
pub struct Scalar;

impl JsonSchema for Scalar {
    fn schema_name() -> Cow<'static, str> {
        "Scalar".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["string", "number", "boolean"]})
    }
}
