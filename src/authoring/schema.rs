//! `crossroads rules schema`: JSON Schemas for pack files and answers files, generated from
//! the types that read them, so that an editor's YAML language server checks a file as it is
//! typed.

use serde_json::Value;

use crate::engine::answers::RawAnswersFile;
use crate::pack::schema::RawFile;

fn finish(mut schema: Value, title: &str) -> Value {
    if let Some(object) = schema.as_object_mut() {
        object.insert("title".into(), Value::from(title));
    }
    schema
}

/// The schema of one file of a pack (every section optional; one file holds `pack:`).
pub fn pack() -> Value {
    finish(schemars::schema_for!(RawFile).to_value(), "crossroads pack file")
}

/// The schema of an answers file.
pub fn answers() -> Value {
    finish(schemars::schema_for!(RawAnswersFile).to_value(), "crossroads answers file")
}

/// The schema of a roster in YAML (`crossroads match --coaches`); its CSV form has the same
/// fields as columns, lists split by `;`.
pub fn roster() -> Value {
    finish(schemars::schema_for!(crate::choose::roster::RawRoster).to_value(), "crossroads roster")
}
