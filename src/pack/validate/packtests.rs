//! A pack's own tests: example answers, checked as an answers file is, and what their authors
//! expect of them.

use super::*;

pub(super) fn test_cases(
    ruleset: &RuleSet,
    files: &[(FileId, RawFile)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<TestCase> {
    let mut out = Vec::new();
    for (file, raw) in files {
        // Each test's full answers, after `extends`, for later tests of the file to extend.
        let mut full: HashMap<&str, answers::RawEntries> = HashMap::new();
        // Tests whose answers did not fit; a test extending one would only repeat its errors.
        let mut failed: HashSet<&str> = HashSet::new();
        for case in &raw.tests {
            let mut entries = case.answers.clone();
            if let Some(base) = &case.extends {
                match full.get(base.value.as_str()) {
                    Some(base_entries) => {
                        let own = &case.answers.value.0;
                        let inherited = base_entries
                            .value
                            .0
                            .iter()
                            .filter(|(k, _)| own.iter().all(|(o, _)| o.value != k.value));
                        entries.value.0 = inherited.chain(own).cloned().collect();
                    }
                    None => diagnostics.push(
                        Diagnostic::error(
                            Code::UnknownReference,
                            format!("`{}` is not an earlier test of this file", base.value),
                        )
                        .at(
                            *file,
                            range_of(base),
                            "a test extends a test written before it, in the same file",
                        ),
                    ),
                }
            }
            let base_failed = case.extends.as_ref().is_some_and(|b| failed.contains(b.value.as_str()));
            let answers = match answers::check(ruleset, *file, &entries, None) {
                Ok(a) => Some(a),
                Err(mut errs) => {
                    failed.insert(case.id.value.as_str());
                    if !base_failed {
                        diagnostics.append(&mut errs);
                    }
                    None
                }
            };
            let expect = resolve_expect(ruleset, *file, &case.expect, diagnostics);
            full.insert(case.id.value.as_str(), entries);
            if let Some(answers) = answers {
                out.push(TestCase {
                    id: case.id.value.clone(),
                    description: case.description.clone(),
                    answers,
                    expect,
                });
            }
        }
    }
    out
}

/// Resolves what a test expects against a finished rule set, reporting every unknown name.
pub fn resolve_expect(
    ruleset: &RuleSet,
    file: FileId,
    raw: &RawExpect,
    diagnostics: &mut Vec<Diagnostic>,
) -> Expect {
    let mut modality = |m: &Spanned<String>| {
        let found = ruleset.modality(&m.value);
        if found.is_none() {
            let candidates = ruleset.modalities.iter().map(|x| x.id.as_str());
            diagnostics.push(not_found(Code::UnknownModality, "modality", file, m, candidates));
        }
        found
    };
    let primary = raw.primary.as_ref().and_then(&mut modality);
    let not_primary = raw.not_primary.iter().filter_map(&mut modality).collect();
    let mut flag = |f: &Spanned<String>| {
        let found = ruleset.flag(&f.value);
        if found.is_none() {
            let candidates = ruleset.flags.iter().map(|x| x.id.as_str());
            diagnostics.push(not_found(Code::UnknownReference, "flag", file, f, candidates));
        }
        found
    };
    let flags = raw.flags.iter().filter_map(&mut flag).collect();
    let no_flags = raw.no_flags.iter().filter_map(&mut flag).collect();
    if let Some(band) = &raw.band {
        let bands = ruleset.readiness.map(|r| &ruleset.scores[r].bands[..]).unwrap_or(&[]);
        if !bands.iter().any(|b| b.id == band.value) {
            let candidates = bands.iter().map(|b| b.id.as_str());
            diagnostics.push(not_found(Code::UnknownReference, "readiness band", file, band, candidates));
        }
    }
    Expect { primary, not_primary, flags, no_flags, band: raw.band.as_ref().map(|b| b.value.clone()) }
}
