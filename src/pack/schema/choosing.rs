//! The sections of a pack for choosing among several, as written: `pack.compare` (results side
//! by side) and `matching` (a shortlist from a roster).

use schemars::JsonSchema;
use serde::Deserialize;

use super::{RawCondition, RawText, S};
use crate::util::yaml::Entries;

/// Several results of one pack side by side (one answers file each, such as one per coach met).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Compare")]
pub struct RawCompare {
    /// Every modality once, best first: results are listed in this order.
    #[schemars(with = "Vec<String>")]
    pub order: S<Vec<S<String>>>,
    /// A score: among results of one modality, the higher first.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub then_by: Option<S<String>>,
    /// A free-text question whose answer names what each result is about (a coach); without
    /// an answer, the file's name does.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub label: Option<S<String>>,
    /// A question that counts what the results are about (the coaches met): each result is
    /// assessed with its answer raised to at least the number of results compared, so that the
    /// sixth session does not read "meet the others first". A number question, or a single
    /// choice whose options' `score` is the count each means.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub count: Option<S<String>>,
    /// When fewer results than this are compared, `fewer` is said first.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub at_least: Option<S<u32>>,
    #[serde(default)]
    #[schemars(with = "Option<RawText>")]
    pub fewer: Option<S<RawText>>,
    #[serde(default)]
    pub source: Option<String>,
}

/// How `crossroads match` proposes whom to meet from a roster (`rules schema roster`), given a
/// person's answers: what counts, how much, and what a roster may say.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Matching")]
pub struct RawMatching {
    /// The modalities a shortlist is for: none is proposed when an urgent flag is raised, or
    /// when a flag put something else first or rules these out.
    #[serde(rename = "for")]
    #[schemars(with = "Vec<String>")]
    pub for_: S<Vec<S<String>>>,
    /// How many to propose: at least (or all who qualify, and why not more), at most.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub at_least: Option<S<u32>>,
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub at_most: Option<S<u32>>,
    /// Said before the shortlist: how to use it.
    #[schemars(with = "RawText")]
    pub advice: S<RawText>,
    /// For each roster field, the values a roster may give and their labels; a roster with
    /// another value is refused. A field not listed takes any value, shown as written.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, std::collections::BTreeMap<String, RawText>>")]
    pub values: Entries<S<String>, S<Labels>>,
    #[schemars(with = "Vec<RawCriterion>")]
    pub criteria: S<Vec<RawCriterion>>,
    #[serde(default)]
    pub source: Option<String>,
}

/// Roster values and their labels, as written.
pub type Labels = Entries<S<String>, S<RawText>>;

/// Each option of a question, as the roster values that meet it, as written.
pub type OptionValues = Entries<S<String>, S<Vec<S<String>>>>;

/// One thing that counts for a roster entry. It reads either the person's answer to a
/// question (`answer`, its options mapped to roster values by `values`), or values the pack
/// names (`has`); it applies only when that answer was given and `when` holds.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Criterion")]
pub struct RawCriterion {
    #[schemars(with = "String")]
    pub id: S<String>,
    /// The roster field it reads.
    #[schemars(with = "String")]
    pub field: S<String>,
    /// A single or multiple choice question: the entry must hold (one of) the value(s) chosen.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub answer: Option<S<String>>,
    /// Each option of `answer`, as the roster values that meet it (`[]`: any entry does, as
    /// for "no preference"). Without it, an option means the roster value of the same name.
    #[serde(default)]
    #[schemars(with = "Option<std::collections::BTreeMap<String, Vec<String>>>")]
    pub values: Option<S<OptionValues>>,
    /// The entry must hold one of these values.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub has: Option<S<Vec<S<String>>>>,
    #[serde(default)]
    pub when: Option<RawCondition>,
    /// An entry that does not meet it is left out (when it applies).
    #[serde(default)]
    pub must: bool,
    /// Added to an entry that meets it.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub weight: Option<S<f64>>,
    /// Why it counts, said of an entry that meets it.
    #[schemars(with = "RawText")]
    pub because: S<RawText>,
    /// Said of an entry that does not (weighted criteria only).
    #[serde(default)]
    #[schemars(with = "Option<RawText>")]
    pub unmet: Option<S<RawText>>,
    #[serde(default)]
    pub source: Option<String>,
}
