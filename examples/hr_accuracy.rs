//! How close the HR counts are to the truth: a cohort of 500 at ε = 1, released many times,
//! without groups and over five groups. The figures in the README come from
//! `cargo run --release --example hr_accuracy`.

use crossroads::screen::hr::privacy::{self, Mechanism};
use crossroads::screen::hr::{Grouping, Hr};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

const COHORT: usize = 500;
const RUNS: usize = 500;
const EPSILON: f64 = 1.0;
const WITHIN: i64 = 5;

/// Fractions of counts within ±5: each count in a table, each group's respondents, each
/// count of the totals over groups, the total of respondents.
#[derive(Default)]
struct Tally {
    hits: [u64; 4],
    all: [u64; 4],
}

impl Tally {
    fn add(&mut self, kind: usize, noisy: i64, truth: i64) {
        self.all[kind] += 1;
        // As shown: a noisy count below zero is shown as 0.
        self.hits[kind] += u64::from((noisy.max(0) - truth).abs() <= WITHIN);
    }

    fn line(&self, kind: usize) -> String {
        match self.all[kind] {
            0 => "—".into(),
            n => format!("{:.1}%", 100.0 * self.hits[kind] as f64 / n as f64),
        }
    }
}

fn measure(ruleset: &crossroads::model::RuleSet, groups: usize, rng: &mut StdRng) -> Tally {
    let grouping = match groups {
        1 => Grouping::None,
        n => Grouping::Column {
            column: "team".into(),
            declared: (1..=n).map(|i| format!("team {i}")).collect(),
        },
    };
    let mut tally = Tally::default();
    for _ in 0..RUNS {
        let mut hr = Hr::new(ruleset, grouping.clone());
        let (categories, bands) = (hr.category_labels(None).len(), hr.band_labels(None).len() - 1);
        for _ in 0..COHORT {
            let band = rng.random_bool(0.95).then(|| rng.random_range(0..bands));
            hr.count(rng.random_range(0..groups), rng.random_range(0..categories), band);
        }
        let truth = hr.flat();
        let (noisy, spent) = privacy::release(Mechanism::DiscreteLaplace, &truth, EPSILON).unwrap();
        let table = hr.table(&noisy, spent, 5, None);
        let width = categories + bands + 1;
        let mut true_total = vec![0; width];
        for (g, section) in table.sections.iter().enumerate() {
            let is_total = table.total && g == table.sections.len() - 1;
            let cells =
                if is_total { true_total.clone() } else { truth[g * width..(g + 1) * width].to_vec() };
            for (x, t) in section.cells.iter().zip(&cells) {
                tally.add(if is_total { 2 } else { 0 }, *x, *t);
            }
            let people: i64 = cells[..categories].iter().sum();
            tally.add(if is_total { 3 } else { 1 }, section.respondents, people);
            if !is_total {
                true_total.iter_mut().zip(&cells).for_each(|(a, b)| *a += b);
            }
        }
    }
    tally
}

fn main() {
    let ruleset = crossroads::pack::load::load_embedded(&mut crossroads::diag::Sources::default())
        .unwrap_or_else(|_| panic!("the built-in pack loads"));
    let mut rng = StdRng::seed_from_u64(1);
    println!(
        "cohort {COHORT}, ε = {EPSILON}, {RUNS} releases each: share of counts within ±{WITHIN} of the truth"
    );
    println!("| grouping | each count | group's respondents | totals' counts | total respondents |");
    println!("|---|---|---|---|---|");
    for (name, groups) in [("none", 1), ("five groups", 5)] {
        let t = measure(&ruleset, groups, &mut rng);
        println!("| {name} | {} | {} | {} | {} |", t.line(0), t.line(1), t.line(2), t.line(3));
    }
}
