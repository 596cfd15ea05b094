//! The attacks of an HR analyst who wants to learn one person's result, each run many times
//! over cohorts drawn from fixed seeds, against the mechanism the tool ships. The target's
//! secret is a yes/no fact (a health result or not), equally likely either way; differential
//! privacy with budget ε lets no attacker guess it right more often than e^ε / (1 + e^ε).
//! Each attack is also run with the noise off, where it must beat that bound: proof that the
//! test can fail, and that the noise is what stops it.
//!
//! The noise is OpenDP's, which takes no seed by design; each bound is checked with a margin
//! of 4.5 standard errors, so a false failure is a one in 300 000 event.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::engine::answers::{Answer, Answers};
use crate::engine::evaluate::Assessment;
use crate::engine::model::RuleSet;
use crate::screen::hr::privacy::Mechanism;
use crate::screen::hr::{Grouping, Hr, Table};

pub(super) const TRIALS: usize = 3000;
pub(super) const EPSILON: f64 = 1.0;

pub(super) fn pack() -> RuleSet {
    crate::pack::load::load_embedded(&mut crate::util::diag::Sources::default())
        .expect("the built-in pack loads")
}

/// One respondent as HR's counts see them.
#[derive(Clone, Copy)]
pub(super) struct Person {
    pub(super) group: usize,
    pub(super) site: usize,
    /// A health (confidential) result, or a named one.
    pub(super) health: bool,
    pub(super) named: usize,
    pub(super) band: usize,
}

pub(super) const DEPARTMENTS: [&str; 4] = ["legal", "engineering", "sales", "product"];
pub(super) const SITES: [&str; 2] = ["north", "south"];

pub(super) fn random_person(rng: &mut StdRng, ruleset: &RuleSet) -> Person {
    let named: Vec<usize> =
        (0..ruleset.modalities.len()).filter(|&m| !ruleset.modalities[m].confidential).collect();
    Person {
        // Nobody random is in legal: the target is its only member when an attack wants that.
        group: rng.random_range(1..DEPARTMENTS.len()),
        site: rng.random_range(0..SITES.len()),
        health: rng.random_bool(0.2),
        named: named[rng.random_range(0..named.len())],
        band: rng.random_range(0..3),
    }
}

pub(super) fn assessment(ruleset: &RuleSet, p: &Person) -> Assessment {
    let therapy = ruleset.modalities.iter().position(|m| m.confidential).expect("a confidential modality");
    let mut bands = vec![None; ruleset.scores.len()];
    bands[ruleset.readiness.expect("a readiness score")] = Some(p.band);
    Assessment {
        respondent: None,
        primary: Some(if p.health { therapy } else { p.named }),
        ranking: Vec::new(),
        totals: Vec::new(),
        ruled_out: Vec::new(),
        put_first_by: None,
        urgent: false,
        scores: Vec::new(),
        bands,
        flags: Vec::new(),
        fired: Vec::new(),
        ignored: Vec::new(),
    }
}

/// Everyone agreed to be counted by kind: attack (e)'s worst case, and the others' too.
pub(super) fn consenting(ruleset: &RuleSet) -> Answers {
    let mut values = vec![None; ruleset.questions.len()];
    if let Some(q) = ruleset.aggregates.consent {
        values[q] = Some(Answer::Bool(true));
    }
    Answers { respondent: None, language: None, values, ignored: Vec::new() }
}

enum By {
    Nothing,
    Department,
    Site,
}

fn report(ruleset: &RuleSet, people: &[Person], by: By, mechanism: Mechanism) -> Table {
    let names = |all: &[&str]| all.iter().map(|s| s.to_string()).collect();
    let grouping = match by {
        By::Nothing => Grouping::None,
        By::Department => Grouping::Column { column: "department".into(), declared: names(&DEPARTMENTS) },
        By::Site => Grouping::Column { column: "site".into(), declared: names(&SITES) },
    };
    let mut hr = Hr::new(ruleset, grouping);
    let answers = consenting(ruleset);
    for p in people {
        let group = match by {
            By::Nothing => None,
            By::Department => Some(DEPARTMENTS[p.group]),
            By::Site => Some(SITES[p.site]),
        };
        hr.add(group, &answers, &assessment(ruleset, p));
    }
    hr.release(mechanism, EPSILON, crate::screen::MIN_GROUP)
}

/// The mixed category's count in a section (the last category), if the section is shown:
/// noise can push any group, or a whole small cohort, under the minimum.
pub(super) fn mixed(table: &Table, section: usize) -> Option<i64> {
    table.sections.get(section).map(|s| s.cells[table.categories - 1])
}

/// The total over the groups shown, if there is one.
fn total(table: &Table) -> Option<i64> {
    if table.total { mixed(table, table.sections.len() - 1) } else { None }
}

/// What an attacker does who was shown nothing to subtract: guess.
fn guess(rng: &mut StdRng, difference: Option<i64>) -> bool {
    difference.map_or_else(|| rng.random_bool(0.5), |d| d >= 1)
}

/// The fraction of trials in which `attack` guessed the target's secret right.
fn success(seed: u64, mechanism: Mechanism, attack: impl Fn(&mut StdRng, bool, Mechanism) -> bool) -> f64 {
    let mut rng = StdRng::seed_from_u64(seed);
    let right = (0..TRIALS)
        .filter(|_| {
            let secret = rng.random_bool(0.5);
            attack(&mut rng, secret, mechanism) == secret
        })
        .count();
    right as f64 / TRIALS as f64
}

/// What ε allows an attacker who is right with probability `rate`, against `epsilon` spent
/// on the target: fails with the noise off, holds with it on.
fn assert_bounded(name: &str, epsilon: f64, attack: impl Fn(&mut StdRng, bool, Mechanism) -> bool + Copy) {
    let bound = epsilon.exp() / (1.0 + epsilon.exp());
    let margin = 4.5 * (bound * (1.0 - bound) / TRIALS as f64).sqrt();
    let without = success(7, Mechanism::Off, attack);
    assert!(
        without > bound + margin,
        "{name}: without noise the attack must beat {bound:.3}; it got {without:.3}"
    );
    let with = success(7, Mechanism::DiscreteLaplace, attack);
    eprintln!("{name}: right {with:.3} with noise, {without:.3} without; ε = {epsilon} allows {bound:.3}");
    assert!(
        with <= bound + margin,
        "{name}: right {with:.3} of the time, more than ε = {epsilon} allows ({bound:.3} + {margin:.3})"
    );
}

pub(super) fn cohort(rng: &mut StdRng, ruleset: &RuleSet, n: usize) -> Vec<Person> {
    (0..n).map(|_| random_person(rng, ruleset)).collect()
}

#[test]
fn a_one_more_response_difference_does_not_give_the_newcomer_away() {
    let ruleset = pack();
    // (a) Report, one more response arrives, report again: the difference is the newcomer.
    // The first report does not hold the newcomer, so what is spent on them is one report's ε.
    assert_bounded("(a)", EPSILON, |rng, secret, mechanism| {
        let mut people = cohort(rng, &ruleset, 40);
        let before = report(&ruleset, &people, By::Nothing, mechanism);
        let newcomer = Person { health: secret, ..random_person(rng, &ruleset) };
        people.push(newcomer);
        let after = report(&ruleset, &people, By::Nothing, mechanism);
        guess(rng, mixed(&after, 0).zip(mixed(&before, 0)).map(|(a, b)| a - b))
    });
}

#[test]
fn two_groupings_subtracted_do_not_give_a_hidden_person_away() {
    let ruleset = pack();
    // (b) The target is alone in legal (hidden by department) and shown by site: the two
    // "all groups shown" totals differ by the target. Two reports hold the target: 2ε.
    assert_bounded("(b)", 2.0 * EPSILON, |rng, secret, mechanism| {
        let mut people = cohort(rng, &ruleset, 40);
        people.push(Person { group: 0, health: secret, ..random_person(rng, &ruleset) });
        let by_department = report(&ruleset, &people, By::Department, mechanism);
        let by_site = report(&ruleset, &people, By::Site, mechanism);
        // A legal group that shows up counts its member: the attacker then reads it directly.
        let legal = by_department.sections.iter().position(|g| g.name == "legal");
        let difference = match legal {
            Some(g) => mixed(&by_department, g),
            None => total(&by_site).zip(total(&by_department)).map(|(s, d)| s - d),
        };
        guess(rng, difference)
    });
}

#[test]
fn a_group_of_five_with_four_known_does_not_give_the_fifth_away() {
    let ruleset = pack();
    // (c) The analyst knows four members' results: the group's count minus theirs.
    assert_bounded("(c)", EPSILON, |rng, secret, mechanism| {
        let mut people = cohort(rng, &ruleset, 30);
        people.retain(|p| p.group != 2);
        let known: Vec<Person> =
            (0..4).map(|_| Person { group: 2, ..random_person(rng, &ruleset) }).collect();
        people.extend(&known);
        people.push(Person { group: 2, health: secret, ..random_person(rng, &ruleset) });
        let table = report(&ruleset, &people, By::Department, mechanism);
        let known_mixed = known.iter().filter(|p| p.health).count() as i64;
        let sales = table.sections.iter().position(|s| s.name == "sales");
        guess(rng, sales.and_then(|s| mixed(&table, s)).map(|m| m - known_mixed))
    });
}

#[test]
fn group_names_come_from_hr_never_from_what_people_typed() {
    let ruleset = pack();
    // (d) A free-text answer as a group name: whatever people write, the sections are the
    // declared groups, "Other or not given" and the total, and nothing else.
    let mut rng = StdRng::seed_from_u64(11);
    let mut hr = Hr::new(
        &ruleset,
        Grouping::Column { column: "comments".into(), declared: vec!["north".into(), "south".into()] },
    );
    let answers = consenting(&ruleset);
    let typed = ["I am not coping", "north", "SOUTH ", "call me: 555-0100", ""];
    for i in 0..200 {
        let p = random_person(&mut rng, &ruleset);
        hr.add(Some(typed[i % typed.len()]), &answers, &assessment(&ruleset, &p));
    }
    let table = hr.release(Mechanism::Off, EPSILON, crate::screen::MIN_GROUP);
    let names: Vec<&str> = table.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["north", "south", "Other or not given", "All the groups shown"]);
    // Matching ignores case and spaces: "SOUTH " is south; the rest are other.
    let sizes: Vec<i64> = table.sections.iter().map(|s| s.respondents).collect();
    assert_eq!(sizes, [40, 40, 120, 200]);
}

#[test]
fn the_confidential_category_is_no_exact_count_of_health_results() {
    let ruleset = pack();
    // (e) Everyone consented and the analyst knows everyone's result but the target's: the
    // mixed category minus the known health results would be the target's.
    assert_bounded("(e)", EPSILON, |rng, secret, mechanism| {
        let mut people = cohort(rng, &ruleset, 25);
        let known = people.iter().filter(|p| p.health).count() as i64;
        people.push(Person { health: secret, ..random_person(rng, &ruleset) });
        let table = report(&ruleset, &people, By::Nothing, mechanism);
        guess(rng, mixed(&table, 0).map(|m| m - known))
    });
}
