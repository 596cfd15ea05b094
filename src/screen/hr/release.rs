//! From a run's settings to an HR release: which grouping is allowed, the keys that name the
//! release in the ledger (what it counts, and the question asked of it, never the bytes of a
//! file), and the noisy table.

use std::io::Write;

use sha2::{Digest, Sha256};

use super::accountant;
use super::ledger::{self, round};
use super::privacy::{self, Mechanism};
use super::{Grouping, Hr, Table};
use crate::engine::model::{Answers, RuleSet};
use crate::screen::ScreenConfig;
use crate::util::hex::sha256_hex;

/// The grouping a run asked for, or why it may not have it. `question` is the pack's grouping
/// question that `--group-by` named, if it named one.
pub fn grouping(
    config: &ScreenConfig,
    ruleset: &RuleSet,
    question: Option<usize>,
) -> Result<Grouping, String> {
    let Some(column) = &config.group_by else {
        return match config.groups.is_empty() {
            true => Ok(Grouping::None),
            false => Err("--groups goes with --group-by".into()),
        };
    };
    if let Some(q) = question {
        if !config.groups.is_empty() {
            return Err(format!(
                "--groups: the groups of question `{}` are its options, as the pack names them; leave --groups out",
                ruleset.questions[q].id
            ));
        }
        return Ok(Grouping::Question(q));
    }
    if config.groups.is_empty() {
        return Err(format!(
            "--group-by {column} needs --groups, the names of its groups as HR knows them (for example --groups Sales,Engineering,Legal); \
             the values found in the file are not used, since a department of one would appear only if its one person answered"
        ));
    }
    Ok(Grouping::Column { column: column.clone(), declared: declared(&config.groups)? })
}

/// The groups HR named, checked, in one order whatever order HR named them in: the same groups
/// are the same question.
pub fn declared(groups: &[String]) -> Result<Vec<String>, String> {
    let mut declared: Vec<String> = Vec::new();
    for name in groups {
        let name = name.trim();
        if name.is_empty() {
            return Err("--groups has an empty name; separate names with single commas".into());
        }
        if declared.iter().any(|d| d.to_lowercase() == name.to_lowercase()) {
            return Err(format!("--groups names \"{name}\" twice"));
        }
        declared.push(name.to_string());
    }
    declared.sort_by_key(|d| (d.to_lowercase(), d.clone()));
    Ok(declared)
}

/// The question asked of the responses, as normalised: the pack, the grouping (its groups as a
/// set, already sorted by `grouping`) and ε. How the responses were written (a mapping, a
/// preset, an encoding, the columns ignored) is not in it: that changes the counts only through
/// the answers, which the content key holds.
fn query_key(hr: &Hr, epsilon: f64) -> String {
    let grouping = match hr.grouping() {
        Grouping::None => "none".to_string(),
        Grouping::Column { column, declared } => {
            // As the groups are matched: `Sales` and ` sales` are one group.
            let names: Vec<String> = declared.iter().map(|d| super::fold(d)).collect();
            format!("column {column:?} groups {names:?}")
        }
        Grouping::Question(q) => format!("question {:?}", hr.ruleset().questions[*q].id),
    };
    let text = format!(
        "crossroads hr release 2\npack {}\ngrouping {grouping}\nepsilon {}\n",
        hr.ruleset().hash,
        epsilon.to_bits()
    );
    sha256_hex(text.as_bytes())
}

/// What a release counts, whatever file it came in: each person's answers (in the pack's order,
/// without the respondent's key) and the group they are counted in, added up as digests, so
/// that the order of the rows, their encoding and the columns ignored do not matter.
#[derive(Default, Clone)]
pub struct Content {
    count: u64,
    /// Who each person counted is, before the ledger's salt: their respondent key where the
    /// export has one, else their answers (two people with the same answers and no key are
    /// one to the budget, which charges them together: the safe side).
    people: Vec<[u8; 32]>,
    /// The sum of each person's digest with their group: the key of a release.
    grouped: [u128; 2],
    /// The same without the group: the same responses, however they are grouped.
    answers: [u128; 2],
}

impl Content {
    pub fn add(&mut self, ruleset: &RuleSet, answers: &Answers, group: usize) {
        let values = crate::engine::answers::answer_values(ruleset, answers);
        // Serializing strings, numbers and lists into a Vec cannot fail.
        let document = serde_json::to_vec(&values).unwrap_or_default();
        let plain = Sha256::digest(&document);
        let grouped = Sha256::new().chain_update(&document).chain_update(group.to_le_bytes()).finalize();
        let who = match answers.respondent.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            Some(key) => Sha256::new().chain_update(b"key\0").chain_update(key.to_lowercase()).finalize(),
            None => Sha256::new().chain_update(b"answers\0").chain_update(&document).finalize(),
        };
        self.people.push(who.into());
        self.count += 1;
        for (sum, digest) in [(&mut self.answers, plain), (&mut self.grouped, grouped)] {
            let (low, high) = digest.split_at(16);
            sum[0] = sum[0].wrapping_add(u128::from_le_bytes(low.try_into().unwrap_or_default()));
            sum[1] = sum[1].wrapping_add(u128::from_le_bytes(high.try_into().unwrap_or_default()));
        }
    }

    fn key(&self, what: &str, sum: &[u128; 2]) -> String {
        let text =
            format!("crossroads hr content 2\n{what}\n{}\n{:032x}{:032x}\n", self.count, sum[0], sum[1]);
        sha256_hex(text.as_bytes())
    }

    /// The key of what is counted: the people's answers and their groups.
    pub fn grouped_key(&self) -> String {
        self.key("grouped", &self.grouped)
    }

    /// The key of the responses alone, for the ε spent on them under any grouping.
    pub fn answers_key(&self) -> String {
        self.key("answers", &self.answers)
    }

    /// Who was counted, before the ledger's salt.
    pub fn people(&self) -> &[[u8; 32]] {
        &self.people
    }
}

/// The keys of a release of `hr` at `epsilon`: what it counts and what is asked of it.
pub fn keys(hr: &Hr, epsilon: f64) -> ledger::Keys {
    let content = hr.content();
    ledger::Keys {
        content: content.grouped_key(),
        responses: content.answers_key(),
        query: query_key(hr, epsilon),
    }
}

/// The release of `hr` at `epsilon` from `book`: the one it holds for these responses and this
/// question, or one drawn now and recorded in it, unless that would take anyone past the cap.
/// `name` names the book's ledger in messages.
pub fn give(
    book: &mut accountant::Book,
    hr: &Hr,
    epsilon: f64,
    budget: Option<f64>,
    name: &str,
) -> Result<ledger::Released, ledger::Refusal> {
    let cells = hr.flat();
    let keys = keys(hr, epsilon);
    let asked =
        ledger::Asked { keys: &keys, people: hr.content().people(), budget, epsilon, cells: cells.len() };
    book.give(&asked, name, || privacy::release(Mechanism::DiscreteLaplace, &cells, epsilon))
}

/// The noisy table: the ledger's release for this input and query, or a new one drawn now.
pub fn release(hr: &Hr, config: &ScreenConfig, err: &mut dyn Write) -> Result<Table, ledger::Refusal> {
    let other = |e: String| ledger::Refusal::Other(e);
    let ledger_path = config.ledger.as_deref().ok_or_else(|| other("an HR report needs --ledger".into()))?;
    let epsilon = config.epsilon.unwrap_or(privacy::EPSILON_DEFAULT);
    let cells = hr.flat();
    let keys = keys(hr, epsilon);
    let asked = ledger::Asked {
        keys: &keys,
        people: hr.content().people(),
        budget: config.budget,
        epsilon,
        cells: cells.len(),
    };
    let released = ledger::release(ledger_path, super::registry::location().as_deref(), &asked, || {
        privacy::release(Mechanism::DiscreteLaplace, &cells, epsilon)
    })?;
    let say = |err: &mut dyn Write, line: String| writeln!(err, "{line}").map_err(|e| other(e.to_string()));
    for w in &released.warnings {
        say(err, format!("warning: {w}"))?;
    }
    let spent = released.epsilon;
    let ledger = ledger_path.display();
    say(
        err,
        if released.new {
            format!("privacy: a new release, ε = {spent}, recorded in {ledger}")
        } else {
            format!(
                "privacy: these responses and this report are in {ledger}: the same counts as before, no new budget spent"
            )
        },
    )?;
    if released.file_releases > 1 {
        say(
            err,
            format!(
                "privacy: {} different reports on these same responses have spent ε = {} in all",
                released.file_releases,
                round(released.file_epsilon)
            ),
        )?;
    }
    say(
        err,
        format!(
            "privacy: the most ε spent on anyone counted here, by every report of {ledger} together: {} of the cap of {} a person",
            round(released.most_spent),
            round(released.cap)
        ),
    )?;
    let mut table = hr.table(&released.counts, spent, config.min_group, config.lang.as_deref());
    table.spent = Some((released.most_spent, released.cap));
    Ok(table)
}
