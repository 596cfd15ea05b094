//! The attacks that ask for many reports of one cohort: (f) byte-different copies of the same
//! export, (g) ε nudged, (h) the same groups reordered or padded with groups nobody is in, and
//! (i) many groupings. The analyst knows every result but the target's and averages whatever the
//! tool gives back. The tool answers as the one shipped does: the ε levels, the release's keys and
//! the privacy accountant with a cap of `CAP` a person, so no attack should guess the target's
//! secret right more often than e^CAP / (1 + e^CAP). Each is also run with the accounting off
//! (every request a fresh draw, as before the budget per person), where averaging must beat that
//! bound: proof that the test can fail, and that the accounting is what stops it.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};

use super::attacks::{
    DEPARTMENTS, Person, SITES, assessment, cohort, consenting, mixed, pack, random_person,
};
use crate::engine::model::RuleSet;
use crate::screen::MIN_GROUP;
use crate::screen::hr::accountant::Book;
use crate::screen::hr::privacy::{self, Mechanism};
use crate::screen::hr::{Grouping, Hr, Table, release};

/// A cap of 2: one report at the highest level, ε = 2, and the cohort is spent.
const CAP: f64 = 2.0;
/// The level the analyst asks at: the least noise a report can have.
const EPSILON: f64 = 2.0;
/// What the analyst asks for, in each trial: enough that averaging them all would give the
/// target away nearly every time.
const REQUESTS: usize = 40;
/// Fewer than the single-report attacks': every trial here asks for `REQUESTS` reports.
const TRIALS: usize = 500;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Accounting {
    On,
    Off,
}

/// The tool as the analyst meets it.
struct Tool {
    accounting: Accounting,
    book: Book,
}

impl Tool {
    fn new(accounting: Accounting) -> Self {
        Tool { accounting, book: Book::read("", "test").expect("a new book") }
    }

    /// A report of `hr` at `epsilon`, or nothing if the tool refuses it.
    fn ask(&mut self, hr: &Hr, epsilon: f64) -> Option<Table> {
        if self.accounting == Accounting::Off {
            return Some(hr.release(Mechanism::DiscreteLaplace, epsilon, MIN_GROUP));
        }
        let epsilon = privacy::level(epsilon).ok()?;
        let given = release::give(&mut self.book, hr, epsilon, Some(CAP), "test").ok()?;
        Some(hr.table(&given.counts, given.epsilon, MIN_GROUP, None))
    }
}

/// A cohort with the target last: thirty people, none in legal, and the target in sales, north.
struct Cohort {
    people: Vec<Person>,
}

impl Cohort {
    fn draw(rng: &mut StdRng, ruleset: &RuleSet, secret: bool) -> Self {
        let mut people = cohort(rng, ruleset, 30);
        people.push(Person { group: 2, site: 0, health: secret, ..random_person(rng, ruleset) });
        Cohort { people }
    }

    /// The counts of one export of the cohort: its rows in `order`, each respondent's key as
    /// the export writes it (`shout`: in capitals), grouped by `grouping`.
    fn hr<'r>(&self, ruleset: &'r RuleSet, order: &[usize], shout: bool, grouping: Grouping) -> Hr<'r> {
        let column = match &grouping {
            Grouping::Column { column, .. } => Some(column.clone()),
            _ => None,
        };
        let mut hr = Hr::new(ruleset, grouping);
        let mut answers = consenting(ruleset);
        for &i in order {
            let p = &self.people[i];
            let key = format!("person-{i}");
            answers.respondent = Some(if shout { key.to_uppercase() } else { key });
            let group = match column.as_deref() {
                Some("department") => Some(DEPARTMENTS[p.group]),
                Some("site") => Some(SITES[p.site]),
                _ => None,
            };
            hr.add(group, &answers, &assessment(ruleset, p));
        }
        hr
    }

    /// What the analyst reads from a report: the mixed count of the target's section, less
    /// the health results they know of in it.
    fn reading(&self, table: &Table, grouping: &Grouping) -> Option<i64> {
        let target = self.people.last().expect("a target");
        let column = match grouping {
            Grouping::Column { column, .. } => column.as_str(),
            _ => "",
        };
        let together = |p: &Person| match column {
            "department" => p.group == target.group,
            "site" => p.site == target.site,
            _ => true,
        };
        let named = |name: &str| table.sections.iter().position(|s| s.name == name);
        let section = match column {
            "department" => named(DEPARTMENTS[target.group]),
            "site" => named(SITES[target.site]),
            _ => Some(0),
        };
        let others = &self.people[..self.people.len() - 1];
        let known = others.iter().filter(|p| together(p) && p.health).count() as i64;
        mixed(table, section?).map(|m| m - known)
    }
}

/// One request of the analyst's: the rows' order and keys as the copy has them, the grouping
/// and ε.
struct Request {
    order: Vec<usize>,
    shout: bool,
    grouping: Grouping,
    epsilon: f64,
}

fn column(name: &str, groups: Vec<String>) -> Grouping {
    let declared = release::declared(&groups).expect("groups HR may name");
    Grouping::Column { column: name.into(), declared }
}

/// Everything the analyst gets for `requests`, averaged, each report weighted by ε² (the
/// inverse of its noise's variance), and the guess it gives: the target's secret adds 0 or 1.
fn attack(
    rng: &mut StdRng,
    ruleset: &RuleSet,
    secret: bool,
    accounting: Accounting,
    requests: impl Fn(&mut StdRng, usize) -> Request,
) -> bool {
    let cohort = Cohort::draw(rng, ruleset, secret);
    let mut tool = Tool::new(accounting);
    let (mut sum, mut weights) = (0.0, 0.0);
    for r in 0..REQUESTS {
        let request = requests(rng, r);
        let hr = cohort.hr(ruleset, &request.order, request.shout, request.grouping.clone());
        let Some(table) = tool.ask(&hr, request.epsilon) else { continue };
        if let Some(reading) = cohort.reading(&table, &request.grouping) {
            let weight = request.epsilon * request.epsilon;
            sum += weight * reading as f64;
            weights += weight;
        }
    }
    if weights == 0.0 { rng.random_bool(0.5) } else { sum / weights >= 0.5 }
}

/// The fraction of trials the attack was right, with the accounting `accounting`.
fn success(accounting: Accounting, requests: impl Fn(&mut StdRng, usize) -> Request + Copy) -> f64 {
    let ruleset = pack();
    let mut rng = StdRng::seed_from_u64(22);
    let right = (0..TRIALS)
        .filter(|_| {
            let secret = rng.random_bool(0.5);
            attack(&mut rng, &ruleset, secret, accounting, requests) == secret
        })
        .count();
    right as f64 / TRIALS as f64
}

/// Within what the cap allows with the accounting on, past it with the accounting off. The
/// margin is 4.5 standard errors: a false failure is a one in 300 000 event.
fn assert_capped(name: &str, requests: impl Fn(&mut StdRng, usize) -> Request + Copy) {
    let bound = CAP.exp() / (1.0 + CAP.exp());
    let margin = 4.5 * (bound * (1.0 - bound) / TRIALS as f64).sqrt();
    let without = success(Accounting::Off, requests);
    assert!(
        without > bound + margin,
        "{name}: with the accounting off the attack must beat {bound:.3}; it got {without:.3}"
    );
    let with = success(Accounting::On, requests);
    eprintln!(
        "{name}: right {with:.3} with the accounting, {without:.3} without; a cap of {CAP} allows {bound:.3}"
    );
    assert!(
        with <= bound + margin,
        "{name}: right {with:.3} of the time, more than a cap of ε = {CAP} allows ({bound:.3} + {margin:.3})"
    );
}

fn shuffled(rng: &mut StdRng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..31).collect();
    order.shuffle(rng);
    order
}

fn names(all: &[&str]) -> Vec<String> {
    all.iter().map(|s| s.to_string()).collect()
}

#[test]
fn byte_different_copies_of_one_export_get_the_stored_release() {
    // (f) The rows shuffled and the keys written in capitals: each copy a new file.
    assert_capped("(f)", |rng, _| Request {
        order: shuffled(rng),
        shout: rng.random_bool(0.5),
        grouping: Grouping::None,
        epsilon: EPSILON,
    });
}

#[test]
fn a_nudged_epsilon_buys_no_fresh_noise() {
    // (g) 2, 1.999, 1.998, ...: each a new budget to a dial.
    assert_capped("(g)", |_, r| Request {
        order: (0..31).collect(),
        shout: false,
        grouping: Grouping::None,
        epsilon: EPSILON - r as f64 / 1000.0,
    });
}

#[test]
fn reordered_or_padded_groups_are_the_same_release_or_refused() {
    // (h) The departments in a new order each time, and every other time padded with groups
    // that nobody is in.
    assert_capped("(h)", |rng, r| {
        let mut groups = names(&DEPARTMENTS);
        if r % 2 == 1 {
            groups.extend((0..r).map(|k| format!("closed-{k}")));
        }
        groups.shuffle(rng);
        Request {
            order: (0..31).collect(),
            shout: false,
            grouping: column("department", groups),
            epsilon: EPSILON,
        }
    });
}

#[test]
fn many_groupings_of_one_cohort_are_refused_once_the_cap_is_spent() {
    // (i) By department, by site, by nothing, by a few departments: each a different question.
    assert_capped("(i)", |_, r| {
        let grouping = match r % 4 {
            0 => Grouping::None,
            1 => column("department", names(&DEPARTMENTS)),
            2 => column("site", names(&SITES).into_iter().chain([format!("site-{r}")]).collect()),
            _ => column(
                "department",
                names(&DEPARTMENTS[1..]).into_iter().chain([format!("team-{r}")]).collect(),
            ),
        };
        Request { order: (0..31).collect(), shout: false, grouping, epsilon: EPSILON }
    });
}
