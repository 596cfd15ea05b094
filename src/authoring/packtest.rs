//! `crossroads rules test`: a pack's own examples, each checked against what its authors
//! expect, and which rules and flags they reach.

use std::io::{self, Write};

use serde::Serialize;

use crate::engine::evaluate::{Assessment, evaluate, unmet};
use crate::engine::model::RuleSet;

pub struct CaseResult {
    pub id: String,
    pub problems: Vec<String>,
    pub assessment: Assessment,
}

pub fn run(r: &RuleSet) -> Vec<CaseResult> {
    r.tests
        .iter()
        .map(|case| {
            let assessment = evaluate(r, &case.answers);
            CaseResult { id: case.id.clone(), problems: unmet(r, &assessment, &case.expect), assessment }
        })
        .collect()
}

/// How many cases reach each rule and each flag, by index.
pub fn coverage(r: &RuleSet, results: &[CaseResult]) -> (Vec<usize>, Vec<usize>) {
    let mut rules = vec![0; r.rules.len()];
    let mut flags = vec![0; r.flags.len()];
    for result in results {
        result.assessment.fired.iter().for_each(|&i| rules[i] += 1);
        result.assessment.flags.iter().for_each(|&i| flags[i] += 1);
    }
    (rules, flags)
}

/// A line per case; for a failure, what was expected against what came, and the rules that
/// fired. With `with_coverage`, each rule and flag with the number of cases that reach it.
pub fn render(
    r: &RuleSet,
    results: &[CaseResult],
    with_coverage: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    for result in results {
        if result.problems.is_empty() {
            writeln!(out, "test {} ... ok", result.id)?;
            continue;
        }
        writeln!(out, "test {} ... FAILED", result.id)?;
        for problem in &result.problems {
            writeln!(out, "    {problem}")?;
        }
        let a = &result.assessment;
        writeln!(out, "    ranking: {}", super::ranking(r, a).join(", "))?;
        let fired: Vec<&str> = a.fired.iter().map(|&i| r.rules[i].id.as_str()).collect();
        writeln!(
            out,
            "    rules that fired: {}",
            if fired.is_empty() { "none".into() } else { fired.join(", ") }
        )?;
        let flags: Vec<&str> = a.flags.iter().map(|&i| r.flags[i].id.as_str()).collect();
        writeln!(
            out,
            "    flags raised: {}",
            if flags.is_empty() { "none".into() } else { flags.join(", ") }
        )?;
    }
    let failed = results.iter().filter(|x| !x.problems.is_empty()).count();
    writeln!(out, "\n{} passed, {failed} failed", results.len() - failed)?;
    if with_coverage {
        let (rules, flags) = coverage(r, results);
        writeln!(out, "\ncoverage: cases that reach each rule and flag")?;
        let width =
            r.rules.iter().map(|x| x.id.len()).chain(r.flags.iter().map(|x| x.id.len())).max().unwrap_or(0);
        for (rule, n) in r.rules.iter().zip(&rules) {
            writeln!(out, "  rule {:width$}  {n}", rule.id)?;
        }
        for (flag, n) in r.flags.iter().zip(&flags) {
            writeln!(out, "  flag {:width$}  {n}", flag.id)?;
        }
        let unreached: Vec<String> = r
            .rules
            .iter()
            .zip(&rules)
            .filter(|(_, n)| **n == 0)
            .map(|(x, _)| format!("rule {}", x.id))
            .chain(
                r.flags.iter().zip(&flags).filter(|(_, n)| **n == 0).map(|(x, _)| format!("flag {}", x.id)),
            )
            .collect();
        if unreached.is_empty() {
            writeln!(out, "every rule and flag is reached by a case")?;
        } else {
            writeln!(out, "no case reaches: {}", unreached.join(", "))?;
        }
    }
    Ok(())
}

/// The same as [`render`], for programs.
pub fn render_json(
    r: &RuleSet,
    results: &[CaseResult],
    with_coverage: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Case<'a> {
        id: &'a str,
        passed: bool,
        problems: &'a [String],
        ranking: Vec<String>,
        fired: Vec<&'a str>,
        flags: Vec<&'a str>,
    }
    #[derive(Serialize)]
    struct Reached<'a> {
        id: &'a str,
        cases: usize,
    }
    #[derive(Serialize)]
    struct Coverage<'a> {
        rules: Vec<Reached<'a>>,
        flags: Vec<Reached<'a>>,
    }
    #[derive(Serialize)]
    struct Run<'a> {
        passed: usize,
        failed: usize,
        cases: Vec<Case<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        coverage: Option<Coverage<'a>>,
    }
    let cases: Vec<Case> = results
        .iter()
        .map(|x| Case {
            id: &x.id,
            passed: x.problems.is_empty(),
            problems: &x.problems,
            ranking: x.assessment.ranking.iter().map(|m| r.modalities[m.modality].id.clone()).collect(),
            fired: x.assessment.fired.iter().map(|&i| r.rules[i].id.as_str()).collect(),
            flags: x.assessment.flags.iter().map(|&i| r.flags[i].id.as_str()).collect(),
        })
        .collect();
    let failed = cases.iter().filter(|c| !c.passed).count();
    let coverage = with_coverage.then(|| {
        let (rules, flags) = coverage(r, results);
        let reached = |id, cases| Reached { id, cases };
        Coverage {
            rules: r.rules.iter().zip(rules).map(|(x, n)| reached(x.id.as_str(), n)).collect(),
            flags: r.flags.iter().zip(flags).map(|(x, n)| reached(x.id.as_str(), n)).collect(),
        }
    });
    let run = Run { passed: cases.len() - failed, failed, cases, coverage };
    serde_json::to_writer_pretty(&mut *out, &run).map_err(io::Error::from)?;
    writeln!(out)
}
