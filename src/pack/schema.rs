//! The pack's file format as written: raw structs with spans, before any checking.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::util::yaml::{Entries, Spanned};

pub use super::text::{Point, RawLine, RawText};

mod choosing;
pub mod condition;

/// The kinds a pack names that the model keeps as they are.
pub use crate::engine::model::{FlagKind as RawFlagKind, Phase as RawPhase, Severity as RawSeverity};
pub use choosing::{Labels, OptionValues, RawCompare, RawCriterion, RawMatching};
pub use condition::{RawCondition, RawConditionBody, RawTest, Scalar};

type S<T> = Spanned<T>;

/// One YAML file of a pack. Every section is optional, so a pack may be one file
/// or one file per section; they are joined in file-name order.
#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "File")]
pub struct RawFile {
    #[serde(default)]
    #[schemars(with = "Option<RawMeta>")]
    pub pack: Option<S<RawMeta>>,
    #[serde(default)]
    pub questions: Vec<RawQuestion>,
    #[serde(default)]
    pub scores: Vec<RawScore>,
    #[serde(default)]
    pub flags: Vec<RawFlag>,
    #[serde(default)]
    pub rules: Vec<RawRule>,
    #[serde(default)]
    pub modalities: Vec<RawModality>,
    #[serde(default)]
    pub support: Vec<RawSupport>,
    #[serde(default)]
    pub guides: Vec<RawGuide>,
    #[serde(default)]
    pub tests: Vec<RawTestCase>,
    #[serde(default)]
    #[schemars(with = "Option<RawMatching>")]
    pub matching: Option<S<RawMatching>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Meta")]
pub struct RawMeta {
    #[schemars(with = "String")]
    pub id: S<String>,
    #[schemars(with = "String")]
    pub version: S<String>,
    #[schemars(with = "RawText")]
    pub name: S<RawText>,
    #[serde(default)]
    #[schemars(with = "Option<RawText>")]
    pub description: Option<S<RawText>>,
    /// The first is the default language; texts must have it.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub languages: Vec<S<String>>,
    /// The works that `source:` fields cite, by the word a citation starts with (`004 Step 1`
    /// cites `004`), each named in a few words a person understands: a person's report names
    /// the work, the pack's tools and the Markdown and JSON reports keep the citation.
    #[serde(default)]
    #[schemars(with = "Option<std::collections::BTreeMap<String, RawText>>")]
    pub sources: Option<S<Entries<S<String>, S<RawText>>>>,
    /// The score reported as readiness (0 to 100, with its band).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub readiness: Option<S<String>>,
    /// The modalities the readiness score is about: a report shows it beside those only
    /// (empty: beside every one).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub readiness_for: Vec<S<String>>,
    /// Modalities a person may come expecting: when one is not first, a report says what
    /// would change that (the fewest answers that would put it first).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub expected: Vec<S<String>>,
    /// How aggregate (HR) reports treat this pack's results.
    #[serde(default)]
    pub aggregates: Option<RawAggregates>,
    /// How `crossroads compare` ranks several results of this pack side by side.
    #[serde(default)]
    pub compare: Option<RawCompare>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Aggregates")]
pub struct RawAggregates {
    /// A yes/no question: only a "yes" lets a person be counted by their recommendation;
    /// anyone else is counted in the confidential category.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub consent: Option<S<String>>,
    /// The name of the one category that holds confidential results and everyone who
    /// did not consent, mixed.
    #[schemars(with = "RawText")]
    pub confidential_category: S<RawText>,
    /// Single-choice questions that HR reports may group by (`screen --group-by`), such as a
    /// career stage. Never free text, and never a question that an urgent or confidential
    /// flag, or a rule for a confidential modality, reads.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub grouping: Vec<S<String>>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "Kind")]
pub enum RawKind {
    YesNo,
    Scale,
    Single,
    Multiple,
    Number,
    Text,
    Grid,
}

/// A grid question's column: a whole number from `min` to `max` in each row, or a share of
/// time (`share: true`: 0 to 100 in each row, at most 100 over the rows).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Column")]
pub struct RawColumn {
    #[schemars(with = "String")]
    pub id: S<String>,
    #[schemars(with = "RawText")]
    pub label: S<RawText>,
    #[serde(default)]
    #[schemars(with = "Option<i64>")]
    pub min: Option<S<f64>>,
    #[serde(default)]
    #[schemars(with = "Option<i64>")]
    pub max: Option<S<f64>>,
    #[serde(default)]
    pub share: bool,
}

/// What a respondent question asks for.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "Respondent")]
pub enum RawIdentity {
    Name,
    Email,
    Code,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Question")]
pub struct RawQuestion {
    #[schemars(with = "String")]
    pub id: S<String>,
    #[schemars(with = "RawKind")]
    pub kind: S<RawKind>,
    #[schemars(with = "RawText")]
    pub text: S<RawText>,
    #[serde(default)]
    #[schemars(with = "Option<RawText>")]
    pub help: Option<S<RawText>>,
    /// The help as printed by `questionnaire`, instead of `help`: on paper nothing happens
    /// when an answer is given, so a help that promises something on screen needs this.
    #[serde(default)]
    #[schemars(with = "Option<RawText>")]
    pub help_on_paper: Option<S<RawText>>,
    /// Defaults to true: a question is required unless it says otherwise.
    #[serde(default)]
    pub required: Option<bool>,
    /// Who the person is or what they came for, not a circumstance: a report never proposes
    /// answering it otherwise ("what would change it").
    #[serde(default)]
    pub fixed: bool,
    /// Who the person is (`name`, `email` or `code`): a free-text question for the people who
    /// read the answers, never read by a rule, and the respondent's key when there is no other.
    #[serde(default)]
    #[schemars(with = "Option<RawIdentity>")]
    pub respondent: Option<S<RawIdentity>>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub min: Option<S<f64>>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub max: Option<S<f64>>,
    #[serde(default)]
    #[schemars(with = "Option<std::collections::BTreeMap<String, RawText>>")]
    pub labels: Option<S<Entries<S<Point>, S<RawText>>>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawOption>>")]
    pub options: Option<S<Vec<RawOption>>>,
    #[serde(default)]
    pub show_if: Option<RawCondition>,
    /// A grid's rows, named by the pack (`{value, label}`).
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawOption>>")]
    pub rows: Option<S<Vec<RawOption>>>,
    /// How many more rows a person may name in a grid.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub own_rows: Option<S<u32>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawColumn>>")]
    pub columns: Option<S<Vec<RawColumn>>>,
    /// Two share columns of a grid, `[now, wished]`: `question.gap` is the widest gap.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub gap: Option<S<Vec<S<String>>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Option")]
pub struct RawOption {
    #[schemars(with = "String")]
    pub value: S<String>,
    #[schemars(with = "RawText")]
    pub label: S<RawText>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub score: Option<S<f64>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Score")]
pub struct RawScore {
    #[schemars(with = "String")]
    pub id: S<String>,
    #[schemars(with = "RawText")]
    pub name: S<RawText>,
    #[schemars(with = "Vec<RawScorePart>")]
    pub parts: S<Vec<RawScorePart>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawBand>>")]
    pub bands: Option<S<Vec<RawBand>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ScorePart")]
pub struct RawScorePart {
    #[schemars(with = "String")]
    pub question: S<String>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub weight: Option<S<f64>>,
    /// For scales: count `max + min - answer`, so that a low answer scores high.
    #[serde(default)]
    pub invert: bool,
    /// For yes/no questions: the points of each answer.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub yes: Option<S<f64>>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub no: Option<S<f64>>,
    /// What this part measures, in a few words ("time for practice between sessions"): the
    /// report names the parts that are low, so that a score says what is not in place.
    #[serde(default)]
    #[schemars(with = "Option<RawText>")]
    pub label: Option<S<RawText>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Band")]
pub struct RawBand {
    #[schemars(with = "String")]
    pub id: S<String>,
    #[schemars(with = "RawText")]
    pub label: S<RawText>,
    #[schemars(with = "f64")]
    pub from: S<f64>,
    #[schemars(with = "f64")]
    pub to: S<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Flag")]
pub struct RawFlag {
    #[schemars(with = "String")]
    pub id: S<String>,
    #[schemars(with = "RawSeverity")]
    pub severity: S<RawSeverity>,
    #[serde(default)]
    pub kind: RawFlagKind,
    pub when: RawCondition,
    #[schemars(with = "RawText")]
    pub message: S<RawText>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub rules_out: Vec<S<String>>,
    /// The modalities this flag concerns; a report shows it beside those only. Empty: all.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub about: Vec<S<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub puts_first: Option<S<String>>,
    /// Evidence, like a rule's: added to the modalities' totals when the flag is raised (a
    /// pitfall that argues against coaching weighs against it).
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, f64>")]
    pub weights: S<Entries<S<String>, S<f64>>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub support: Vec<S<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub guides: Vec<S<String>>,
    /// Health-related: never shown to an HR audience, even counted.
    #[serde(default)]
    pub confidential: bool,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub source: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Rule")]
pub struct RawRule {
    #[schemars(with = "String")]
    pub id: S<String>,
    #[schemars(with = "RawPhase")]
    pub phase: S<RawPhase>,
    pub when: RawCondition,
    #[schemars(with = "std::collections::BTreeMap<String, f64>")]
    pub weights: S<Entries<S<String>, S<f64>>>,
    #[schemars(with = "RawText")]
    pub because: S<RawText>,
    /// The modalities `because` was written for: the only ones it is given as a reason for.
    /// Absent: those the rule mostly adds to (a lint asks for it when that is several).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub argues_for: Option<S<Vec<S<String>>>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub source: Option<S<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub guides: Vec<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Modality")]
pub struct RawModality {
    #[schemars(with = "String")]
    pub id: S<String>,
    #[schemars(with = "RawText")]
    pub name: S<RawText>,
    #[schemars(with = "RawText")]
    pub fits_when: S<RawText>,
    /// Health-related (therapy): aggregate reports never count it by name.
    #[serde(default)]
    pub confidential: bool,
    #[serde(default)]
    #[schemars(with = "Vec<RawLine>")]
    pub next_steps: Vec<S<RawLine>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub guides: Vec<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Support")]
pub struct RawSupport {
    #[schemars(with = "String")]
    pub id: S<String>,
    #[schemars(with = "RawText")]
    pub name: S<RawText>,
    #[schemars(with = "RawText")]
    pub contact: S<RawText>,
    #[serde(default)]
    #[schemars(with = "Option<RawText>")]
    pub note: Option<S<RawText>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Guide")]
pub struct RawGuide {
    #[schemars(with = "String")]
    pub id: S<String>,
    #[schemars(with = "RawText")]
    pub title: S<RawText>,
    #[schemars(with = "Vec<RawLine>")]
    pub items: Vec<S<RawLine>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub source: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "TestCase")]
pub struct RawTestCase {
    #[schemars(with = "String")]
    pub id: S<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// An earlier test of the same file whose answers these change.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub extends: Option<S<String>>,
    #[schemars(with = "std::collections::BTreeMap<String, serde_json::Value>")]
    pub answers: S<Entries<S<String>, S<serde_json::Value>>>,
    pub expect: RawExpect,
}

/// What a pack's authors expect of an assessment.
#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Expect")]
pub struct RawExpect {
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub primary: Option<S<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub not_primary: Vec<S<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub flags: Vec<S<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub no_flags: Vec<S<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub band: Option<S<String>>,
}
