//! "What would change it", checked against a brute-force search over every answer set of small
//! random packs: the search finds the fewest changes (each arguing for the modality on its own,
//! together raising no new flag) whenever that is within its reach, and what it proposes does
//! put the modality first.

use crossroads::answers::{Answer, Answers};
use crossroads::diag::Sources;
use crossroads::model::{Kind, RuleSet};
use crossroads::whatif::{MAX_CHANGES, Search};
use crossroads::{evaluate, pack};
use proptest::prelude::*;

const QUESTIONS: &str = "
  - {id: q0, kind: yes_no, text: Zero?}
  - id: q1
    kind: single
    text: One?
    options: [{value: a, label: A}, {value: b, label: B}, {value: c, label: C}]
  - {id: q2, kind: scale, text: Two?, min: 1, max: 4}
  - id: q3
    kind: multiple
    text: Three?
    options: [{value: x, label: X}, {value: y, label: Y}, {value: z, label: Z}]
";

/// A rule of a small pack: its tests (question, pick), all of which must hold, and a weight for
/// each of the three modalities.
type SmallRule = (Vec<(usize, u8)>, [i8; 3]);

/// One test of one question, as a pack writes it.
fn test_of(question: usize, pick: u8) -> String {
    match question {
        0 => format!("q0: {{is: {}}}", pick.is_multiple_of(2)),
        1 => format!("q1: {{is: {}}}", ["a", "b", "c"][usize::from(pick % 3)]),
        2 if pick.is_multiple_of(2) => format!("q2: {{at_least: {}}}", 2 + pick % 3),
        2 => format!("q2: {{at_most: {}}}", 1 + pick % 3),
        _ => format!("q3: {{includes_any: [{}]}}", ["x", "y", "z"][usize::from(pick % 3)]),
    }
}

/// A pack of the four questions above, three modalities, and the given rules: each a test or two
/// (all of them) and a weight for each modality; `gate` rules modality 1 out on a test.
fn pack_yaml(rules: &[SmallRule], gate: Option<(usize, u8)>) -> String {
    let mut yaml = format!(
        "pack: {{id: small, version: '1', name: Small}}\nquestions:{QUESTIONS}modalities:\n\
         - {{id: m0, name: M0, fits_when: x}}\n- {{id: m1, name: M1, fits_when: x}}\n- {{id: m2, name: M2, fits_when: x}}\n\
         rules:\n"
    );
    for (i, (tests, weights)) in rules.iter().enumerate() {
        let all: Vec<String> = tests.iter().map(|&(q, p)| format!("{{{}}}", test_of(q, p))).collect();
        yaml.push_str(&format!(
            "  - id: r{i}\n    phase: preferences\n    when: {{all: [{}]}}\n    weights: {{m0: {}, m1: {}, m2: {}}}\n    because: r{i}\n",
            all.join(", "),
            weights[0],
            weights[1],
            weights[2]
        ));
    }
    if let Some((q, p)) = gate {
        yaml.push_str(&format!(
            "flags:\n  - id: gate\n    severity: note\n    kind: gate\n    when: {{{}}}\n    message: Not m1.\n    rules_out: [m1]\n",
            test_of(q, p)
        ));
    }
    yaml
}

fn load(yaml: String) -> RuleSet {
    let mut sources = Sources::default();
    match pack::load_files(vec![("pack.yaml".into(), "pack.yaml".into(), yaml.clone())], &mut sources) {
        Ok(r) => r,
        Err(d) => panic!("{yaml}\n{d:?}"),
    }
}

/// Every complete answer set of the four questions (a multiple choice needs one option at least).
fn every_answer_set(ruleset: &RuleSet) -> Vec<Vec<Option<Answer>>> {
    let mut sets = vec![Vec::new()];
    for q in &ruleset.questions {
        let values: Vec<Answer> = match &q.kind {
            Kind::YesNo => vec![Answer::Bool(false), Answer::Bool(true)],
            Kind::Single { options } => (0..options.len()).map(Answer::Choice).collect(),
            Kind::Scale { min, max, .. } => (*min..=*max).map(|x| Answer::Number(x as f64)).collect(),
            Kind::Multiple { options } => (1..(1u64 << options.len())).map(Answer::Multi).collect(),
            _ => unreachable!("the small packs ask nothing else"),
        };
        sets = sets
            .into_iter()
            .flat_map(|set| {
                values.iter().map(move |v| {
                    let mut set = set.clone();
                    set.push(Some(v.clone()));
                    set
                })
            })
            .collect();
    }
    sets
}

/// How many answers differ between two answer sets.
fn distance(a: &[Option<Answer>], b: &[Option<Answer>]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x != y).count()
}

fn rules() -> impl Strategy<Value = Vec<SmallRule>> {
    let test = (0..4usize, any::<u8>());
    prop::collection::vec((prop::collection::vec(test, 1..3), [-3i8..4, -3i8..4, -3i8..4]), 2..7)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_search_finds_the_fewest_changes_that_put_a_modality_first(
        rules in rules(),
        gate in prop::option::of((0..4usize, any::<u8>())),
        start in any::<prop::sample::Index>(),
    ) {
        let ruleset = load(pack_yaml(&rules, gate));
        let sets = every_answer_set(&ruleset);
        let answers = Answers::settle(&ruleset, sets[start.index(sets.len())].clone(), None);
        let search = Search::new(&ruleset, &answers);
        for target in 0..ruleset.modalities.len() {
            let now = evaluate(&ruleset, &answers);
            let assess = |values: Vec<Option<Answer>>| evaluate(&ruleset, &Answers::settle(&ruleset, values, None));
            // An answer that, alone, adds to the target or lifts a flag that rules it out.
            let helps = |q: usize, value: &Option<Answer>| {
                let mut values = answers.values.clone();
                values[q] = value.clone();
                let a = assess(values);
                let lifted = now.ruled_out.iter().any(|&(m, f)| m == target && !a.ruled_out.contains(&(m, f)));
                a.totals[target] > now.totals[target] || lifted
            };
            let fewest = sets
                .iter()
                .filter(|set| {
                    let a = assess((*set).clone());
                    a.primary == Some(target)
                        && a.flags.iter().all(|f| now.flags.contains(f))
                        && (0..set.len()).all(|q| set[q] == answers.values[q] || helps(q, &set[q]))
                })
                .map(|set| distance(&answers.values, set))
                .min();
            let found = search.put_first(&answers, target);
            match fewest {
                Some(0) => prop_assert_eq!(found, Some(Vec::new())),
                Some(n) if (1..=MAX_CHANGES).contains(&n) => {
                    let changes = found.unwrap_or_else(|| panic!("{n} changes put m{target} first; the search found none"));
                    prop_assert_eq!(changes.len(), n, "not the fewest changes for m{}", target);
                    let mut values = answers.values.clone();
                    for c in &changes {
                        prop_assert_eq!(values[c.question].as_ref(), Some(&c.from));
                        values[c.question] = Some(c.to.clone());
                    }
                    let changed = evaluate(&ruleset, &Answers::settle(&ruleset, values, None));
                    prop_assert_eq!(changed.primary, Some(target), "the proposed changes do not put m{} first", target);
                }
                // Out of reach, or unreachable: the search proposes nothing.
                _ => prop_assert!(found.is_none(), "m{} needs {:?} changes, yet the search proposed {:?}", target, fewest, found),
            }
        }
    }
}
