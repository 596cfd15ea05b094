//! The validated, compiled pack (`RuleSet`) that the evaluator reads: indices, not names.

use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A text in the pack's default language, with its translations.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
pub struct Text {
    pub default: String,
    pub translations: Vec<(String, String)>,
}

impl Text {
    pub fn plain(s: impl Into<String>) -> Self {
        Text { default: s.into(), translations: Vec::new() }
    }

    /// The text in `lang`, falling back to the default language.
    pub fn get(&self, lang: Option<&str>) -> &str {
        lang.and_then(|l| self.translations.iter().find(|(k, _)| k == l))
            .map_or(self.default.as_str(), |(_, v)| v.as_str())
    }
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Meta {
    pub id: String,
    pub version: String,
    pub name: Text,
    pub description: Option<Text>,
    pub languages: Vec<String>,
    /// The works cited, by the first word of a citation: what a person reads for it.
    pub sources: Vec<(String, Text)>,
}

impl Meta {
    /// What the pack says it is, for the opening of a questionnaire: its description, else
    /// its name (the tool's own words say nothing of what a pack is for).
    pub fn about(&self, lang: Option<&str>) -> &str {
        self.description.as_ref().unwrap_or(&self.name).get(lang)
    }

    /// The work a citation (`004 Step 1`) cites, if the pack names it.
    pub fn source(&self, citation: &str) -> Option<&Text> {
        let work = citation.split_whitespace().next()?;
        self.sources.iter().find(|(id, _)| id == work).map(|(_, words)| words)
    }
}

/// The works a citation cites: its parts between semicolons outside parentheses.
pub fn works(citation: &str) -> impl Iterator<Item = &str> {
    let mut depth = 0usize;
    citation
        .split(move |c| {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
            c == ';' && depth == 0
        })
        .map(str::trim)
        .filter(|part| !part.is_empty())
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: Text,
    pub score: Option<f64>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub enum Kind {
    YesNo,
    Scale {
        min: i64,
        max: i64,
        labels: Vec<(i64, Text)>,
    },
    Single {
        options: Vec<Choice>,
    },
    Multiple {
        options: Vec<Choice>,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
    },
    Text,
    /// A grid: a number per row and column (seed 002: each area's engagement 1 to 9, the share
    /// of time it takes, the share wished).
    Grid(Grid),
}

/// A grid question's rows and columns.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Grid {
    /// The rows the pack names, in order (their `score` is unused).
    pub rows: Vec<Choice>,
    /// How many more rows a person may name themselves.
    pub own_rows: usize,
    pub columns: Vec<Column>,
    /// Two share columns, `[now, wished]`: a row's gap is wished minus now.
    pub gap: Option<(usize, usize)>,
}

/// A grid column: a whole number from `min` to `max` per row, or a share (0 to 100 per row,
/// at most 100 over the rows).
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Column {
    pub id: String,
    pub label: Text,
    pub min: i64,
    pub max: i64,
    pub share: bool,
}

impl Grid {
    /// The most rows an answer may hold.
    pub fn most_rows(&self) -> usize {
        self.rows.len() + self.own_rows
    }

    /// The row whose wished share exceeds its share now by the most, and by how much.
    pub fn widest_gap<'a>(&self, rows: &'a [GridRow]) -> Option<(&'a GridRow, f64)> {
        let (now, wished) = self.gap?;
        widest_gap(now, wished, rows)
    }

    /// A row's label: the pack's, else the name the person gave it.
    pub fn row_label<'a>(&'a self, row: &'a GridRow, lang: Option<&str>) -> &'a str {
        self.rows.iter().find(|r| r.value == row.name).map_or(row.name.as_str(), |r| r.label.get(lang))
    }
}

/// A number read from a grid answer, for conditions and scores: `question.column.lowest`,
/// `question.column.highest`, `question.gap` (the widest gap between the grid's `gap` columns,
/// now and wished, whose indices it carries).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    Lowest(usize),
    Highest(usize),
    Gap(usize, usize),
}

/// The number a measure takes for a grid's rows: `None` when no row gives it.
pub fn measure_rows(measure: Measure, rows: &[GridRow]) -> Option<f64> {
    let column = |c: usize| rows.iter().filter_map(move |r| r.values.get(c).copied().flatten());
    match measure {
        Measure::Lowest(c) => column(c).min_by(f64::total_cmp),
        Measure::Highest(c) => column(c).max_by(f64::total_cmp),
        Measure::Gap(now, wished) => widest_gap(now, wished, rows).map(|(_, gap)| gap),
    }
}

/// The row whose column `wished` exceeds its column `now` by the most, and by how much.
fn widest_gap(now: usize, wished: usize, rows: &[GridRow]) -> Option<(&GridRow, f64)> {
    let cell = |r: &GridRow, c: usize| r.values.get(c).copied().flatten();
    rows.iter().filter_map(|r| Some((r, cell(r, wished)? - cell(r, now)?))).max_by(|a, b| a.1.total_cmp(&b.1))
}

/// One row of a grid answer: a pack row's value or the person's own name for it, and a number
/// per column (`None`: left empty).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct GridRow {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::YesNo => "yes/no",
            Kind::Scale { .. } => "scale",
            Kind::Single { .. } => "single choice",
            Kind::Multiple { .. } => "multiple choice",
            Kind::Number { .. } => "number",
            Kind::Text => "free text",
            Kind::Grid(_) => "grid",
        }
    }

    pub fn options(&self) -> &[Choice] {
        match self {
            Kind::Single { options } | Kind::Multiple { options } => options,
            _ => &[],
        }
    }

    /// The options whose bits are set (a bit per option index), in order.
    pub fn chosen(&self, bits: u64) -> impl Iterator<Item = &Choice> {
        self.options().iter().enumerate().filter(move |(i, _)| bits & (1 << i) != 0).map(|(_, o)| o)
    }
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Question {
    pub id: String,
    pub kind: Kind,
    pub text: Text,
    pub help: Option<Text>,
    /// The help as printed, where it differs from `help` (which may promise what a screen does).
    pub help_on_paper: Option<Text>,
    pub required: bool,
    /// Never proposed for change in "what would change it".
    pub fixed: bool,
    pub show_if: Option<Condition>,
    /// Who the person is (a name, an e-mail address, a code), for the people who read the
    /// answers: never read by a rule, and the respondent's key when nothing else gives one.
    pub identifies: Option<Identity>,
}

#[cfg(test)]
impl Question {
    /// An optional multiple-choice question with these options (value, label), for tests.
    pub(crate) fn multiple_for_tests(id: &str, options: &[(&str, &str)]) -> Question {
        let options = options
            .iter()
            .map(|(value, label)| Choice {
                value: value.to_string(),
                label: Text::plain(*label),
                score: None,
            })
            .collect();
        Question {
            id: id.into(),
            kind: Kind::Multiple { options },
            text: Text::plain("Pick any"),
            help: None,
            help_on_paper: None,
            required: false,
            fixed: false,
            show_if: None,
            identifies: None,
        }
    }
}

/// What a respondent question asks for, in the order a key is taken from them: the most
/// particular first.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Identity {
    Email,
    Code,
    Name,
}

/// What a test reads: a question's answer or a score.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Question(usize),
    Score(usize),
    /// A number a grid question's answer gives.
    Measure(usize, Measure),
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub enum Test {
    IsBool(bool),
    /// Equal to a number (scale or number questions, scores).
    IsNumber(f64),
    /// A single choice's option is one of these (a bit per option index).
    OneOf(u64),
    /// A number is one of these.
    NumberIn(Vec<f64>),
    /// A multiple choice includes at least one of these options.
    IncludesAny(u64),
    AtLeast(f64),
    AtMost(f64),
    Answered(bool),
    Matches(#[serde(with = "pattern")] Regex),
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Test(Target, Test),
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct ScorePart {
    pub question: usize,
    /// What the part reads of a grid question's answer.
    pub measure: Option<Measure>,
    pub weight: f64,
    pub invert: bool,
    pub yes: f64,
    pub no: f64,
    /// The least and most this part can add, for scaling the score to 0..100.
    pub least: f64,
    pub most: f64,
    /// What the part measures, named in a report when it is low.
    pub label: Option<Text>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Band {
    pub id: String,
    pub label: Text,
    pub from: f64,
    pub to: f64,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Score {
    pub id: String,
    pub name: Text,
    pub parts: Vec<ScorePart>,
    pub bands: Vec<Band>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Flag {
    pub id: String,
    pub severity: Severity,
    pub kind: FlagKind,
    pub when: Condition,
    pub message: Text,
    pub rules_out: Vec<usize>,
    /// Modalities the flag concerns; empty means every one.
    pub about: Vec<usize>,
    pub puts_first: Option<usize>,
    /// Added to the totals when raised, as a rule's weights are.
    pub weights: Vec<(usize, f64)>,
    pub support: Vec<usize>,
    pub guides: Vec<usize>,
    pub confidential: bool,
    pub source: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub phase: Phase,
    pub when: Condition,
    pub weights: Vec<(usize, f64)>,
    pub because: Text,
    /// The modalities `because` argues for: a report gives it as a reason for these only
    /// (a sentence written for direct teaching is no reason for coaching).
    pub argues_for: Vec<usize>,
    pub source: Option<String>,
    pub guides: Vec<usize>,
}

/// The modalities a rule mostly adds to: at least as much as it takes from any other, and at
/// least half what it gives the one it favours most (a rule that mostly counts against
/// coaching is evidence about coaching, not a reason for what it gives a little).
pub fn mostly_for(weights: &[(usize, f64)]) -> Vec<usize> {
    let most = weights.iter().map(|w| w.1).fold(0.0, f64::max);
    let against = weights.iter().map(|w| -w.1).fold(0.0, f64::max);
    weights.iter().filter(|&&(_, w)| w > 0.0 && w >= against && 2.0 * w >= most).map(|w| w.0).collect()
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Modality {
    pub id: String,
    pub name: Text,
    pub fits_when: Text,
    pub confidential: bool,
    pub next_steps: Vec<Line>,
    pub guides: Vec<usize>,
}

/// A line of a list, shown only when its condition (an index into
/// `RuleSet::line_conditions`) holds, if it has one.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Line {
    pub text: Text,
    pub when: Option<usize>,
    /// The guide the line points to ("the questions below"), shown in full with it.
    pub guide: Option<usize>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Support {
    pub id: String,
    pub name: Text,
    pub contact: Text,
    pub note: Option<Text>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Guide {
    pub id: String,
    pub title: Text,
    pub items: Vec<Line>,
    pub source: Option<String>,
}

/// How aggregate reports treat results: see `pack.aggregates` in the README.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Aggregates {
    /// A yes/no question whose "yes" is consent to be counted by recommendation.
    pub consent: Option<usize>,
    pub confidential_category: Text,
    /// Single-choice questions that HR reports may group by (`--group-by`): not health-related.
    pub grouping: Vec<usize>,
}

/// How `crossroads compare` ranks several results of the pack: see `pack.compare` in the README.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Compare {
    /// Every modality once, best first.
    pub order: Vec<usize>,
    /// A score: within one modality, the higher first.
    pub then_by: Option<usize>,
    /// A free-text question whose answer names each result.
    pub label: Option<usize>,
    /// A question that counts what the results are about: raised to the number compared.
    pub count: Option<usize>,
    pub at_least: usize,
    pub fewer: Option<Text>,
    pub source: Option<String>,
}

/// How `crossroads match` shortlists a roster: see `matching` in the README.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Matching {
    pub for_: Vec<usize>,
    pub at_least: usize,
    pub at_most: usize,
    pub advice: Text,
    /// Per roster field, the values a roster may give, with their labels.
    pub values: Vec<(Field, Vec<(String, Text)>)>,
    pub criteria: Vec<Criterion>,
    pub source: Option<String>,
}

impl Matching {
    /// The label of a roster value, as the pack names it (else as written).
    pub fn label<'a>(&'a self, field: Field, value: &'a str, lang: Option<&str>) -> &'a str {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .and_then(|(_, values)| values.iter().find(|(v, _)| v == value))
            .map_or(value, |(_, label)| label.get(lang))
    }
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Criterion {
    pub id: String,
    pub field: Field,
    pub reads: Reads,
    pub when: Option<Condition>,
    pub must: bool,
    pub weight: f64,
    pub because: Text,
    pub unmet: Option<Text>,
    pub source: Option<String>,
}

/// What a criterion asks of a roster entry's field.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub enum Reads {
    /// The person's answer to this question: each option as the roster values that meet it
    /// (in the question's option order; empty: any entry).
    Answer { question: usize, values: Vec<Vec<String>> },
    /// One of these values.
    Has(Vec<String>),
}

/// What a pack's authors expect of one example.
#[derive(Serialize, Deserialize, Debug, Clone, Default)]
pub struct Expect {
    pub primary: Option<usize>,
    pub not_primary: Vec<usize>,
    pub flags: Vec<usize>,
    pub no_flags: Vec<usize>,
    /// Band id of the readiness score.
    pub band: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct TestCase {
    pub id: String,
    pub description: Option<String>,
    pub answers: Answers,
    pub expect: Expect,
}

/// A pack that loaded and passed every check. Rules are kept in phase order
/// (stable within a phase), flags in severity order, so evaluation is one pass.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct RuleSet {
    pub meta: Meta,
    pub questions: Vec<Question>,
    pub scores: Vec<Score>,
    pub flags: Vec<Flag>,
    pub rules: Vec<Rule>,
    pub modalities: Vec<Modality>,
    pub support: Vec<Support>,
    pub guides: Vec<Guide>,
    pub tests: Vec<TestCase>,
    /// The conditions of conditional lines (next steps, guide items), evaluated with the rest.
    pub line_conditions: Vec<Condition>,
    /// Index into `scores` of the one reported as readiness.
    pub readiness: Option<usize>,
    /// The modalities readiness is about; empty: every one.
    pub readiness_for: Vec<usize>,
    /// The modalities a person may come expecting: a report says what would put them first.
    pub expected: Vec<usize>,
    pub aggregates: Aggregates,
    pub compare: Option<Compare>,
    pub matching: Option<Matching>,
    /// SHA-256 of the pack's files, names and contents, in hex.
    pub hash: String,
    /// Question index by id: screening looks up every key of every row, so the hash is a
    /// fast one (the keys are the pack's own ids, not untrusted input to a long-lived table).
    #[serde(skip)]
    pub question_index: rustc_hash::FxHashMap<String, usize>,
}

impl RuleSet {
    /// Builds `question_index` from the questions (a compiled pack carries no index).
    pub fn index_questions(&mut self) {
        self.question_index = self.questions.iter().enumerate().map(|(i, q)| (q.id.clone(), i)).collect();
    }

    pub fn question(&self, id: &str) -> Option<usize> {
        self.question_index.get(id).copied()
    }

    pub fn modality(&self, id: &str) -> Option<usize> {
        self.modalities.iter().position(|m| m.id == id)
    }

    pub fn flag(&self, id: &str) -> Option<usize> {
        self.flags.iter().position(|f| f.id == id)
    }

    /// A grid measure as a pack writes it: `question.gap`, `question.column.lowest`.
    pub fn measure_name(&self, q: usize, measure: Measure) -> String {
        let question = &self.questions[q];
        let column = |c: usize| match &question.kind {
            Kind::Grid(g) => g.columns.get(c).map_or("?", |c| c.id.as_str()),
            _ => "?",
        };
        match measure {
            Measure::Gap(..) => format!("{}.gap", question.id),
            Measure::Lowest(c) => format!("{}.{}.lowest", question.id, column(c)),
            Measure::Highest(c) => format!("{}.{}.highest", question.id, column(c)),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "Severity")]
pub enum Severity {
    Urgent,
    Caution,
    Note,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Urgent => "urgent",
            Severity::Caution => "caution",
            Severity::Note => "note",
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "FlagKind")]
pub enum FlagKind {
    #[default]
    RedFlag,
    Gate,
    Pitfall,
}

impl FlagKind {
    pub fn name(self) -> &'static str {
        match self {
            FlagKind::RedFlag => "red_flag",
            FlagKind::Gate => "gate",
            FlagKind::Pitfall => "pitfall",
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "Phase")]
pub enum Phase {
    Safety,
    Scope,
    Level,
    Readiness,
    Resources,
    Preferences,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Safety => "safety",
            Phase::Scope => "scope",
            Phase::Level => "level",
            Phase::Readiness => "readiness",
            Phase::Resources => "resources",
            Phase::Preferences => "preferences",
        }
    }
}

/// A field of a roster entry that a pack's `matching` may read.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Style,
    Structure,
    Approach,
    Languages,
    PriceBand,
    Specialities,
    Offers,
    Gender,
    AgeBand,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::Style,
        Field::Structure,
        Field::Approach,
        Field::Languages,
        Field::PriceBand,
        Field::Specialities,
        Field::Offers,
        Field::Gender,
        Field::AgeBand,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Style => "style",
            Field::Structure => "structure",
            Field::Approach => "approach",
            Field::Languages => "languages",
            Field::PriceBand => "price_band",
            Field::Specialities => "specialities",
            Field::Offers => "offers",
            Field::Gender => "gender",
            Field::AgeBand => "age_band",
        }
    }

    pub fn named(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// A list of values, rather than one.
    pub fn is_list(self) -> bool {
        matches!(self, Field::Approach | Field::Languages | Field::Specialities | Field::Offers)
    }

    /// Who the person is, not what they offer: a pack may weigh it only by what a person said
    /// they want (`answer`), never by a value of its own choosing, so nothing is inferred.
    pub fn is_personal(self) -> bool {
        matches!(self, Field::Gender | Field::AgeBand)
    }

    pub(crate) fn index(self) -> usize {
        Field::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// One checked answer, in the form its question's kind calls for.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Answer {
    Bool(bool),
    Number(f64),
    /// The index of the chosen option.
    Choice(usize),
    /// A bit per chosen option index.
    Multi(u64),
    Text(String),
    /// The rows answered, in the order given.
    Grid(Vec<GridRow>),
}

/// A person's answers, one slot per question of the pack, in its order.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
pub struct Answers {
    pub respondent: Option<String>,
    /// The language the intake was answered in, when the answers say (`ask` and the web intake
    /// write it): `match` takes it as the language to work in when none was asked for.
    pub language: Option<String>,
    pub values: Vec<Option<Answer>>,
    /// Questions that were answered but hidden by `show_if`; their answers were dropped.
    pub ignored: Vec<usize>,
}

/// A `matches:` pattern in a compiled pack: kept as its source, built again as the loader
/// builds it (with the same size limit) when the pack is read.
mod pattern {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(re: &regex::Regex, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(re.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<regex::Regex, D::Error> {
        let source = String::deserialize(d)?;
        crate::engine::model::pattern_of(&source).map_err(serde::de::Error::custom)
    }
}

/// A `matches:` pattern as the loader builds it: at most 1 MiB compiled.
pub fn pattern_of(source: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(source).size_limit(1 << 20).build()
}
