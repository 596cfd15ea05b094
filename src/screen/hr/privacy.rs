//! The noise on HR counts: OpenDP's discrete Laplace mechanism over the whole table at once,
//! the privacy budget (ε) it spends, and how far a count may be from the truth, in words.
//!
//! One person is in exactly one group, one recommendation category and one readiness band, so
//! adding or removing anyone changes the table by 1 in two cells: the L1 sensitivity is 2. The
//! mechanism is built for that sensitivity, and the ε it states is the one the report prints.
//! Everything shown to HR (respondents, hidden groups, totals) is computed from the noisy
//! cells afterwards, which spends nothing more.

use opendp::domains::{AtomDomain, VectorDomain};
use opendp::measurements::make_laplace;
use opendp::measures::MaxDivergence;
use opendp::metrics::L1Distance;

pub const EPSILON_DEFAULT: f64 = 1.0;
/// The budgets one report may spend: a choice of a few levels, not a dial, so that nudging ε
/// (0.999, 0.998, ...) cannot buy a fresh draw of the same counts. From 0.1 (below it the
/// noise, a scale of 20, would drown most counts of a real cohort) to 2 (above it a yes/no fact
/// about someone could be guessed right more than 88 times in 100).
pub const EPSILON_LEVELS: [f64; 5] = [0.1, 0.25, 0.5, 1.0, 2.0];
/// `epsilon` if it is one of the levels, or why not.
pub fn level(epsilon: f64) -> Result<f64, String> {
    if EPSILON_LEVELS.contains(&epsilon) {
        return Ok(epsilon);
    }
    let levels: Vec<String> = EPSILON_LEVELS.iter().map(f64::to_string).collect();
    Err(format!(
        "--epsilon {epsilon}: the privacy budget of one report is one of the levels {} ({} is the most private and noisiest; the default is {EPSILON_DEFAULT}). \
         A few levels, not a dial: a budget a little apart from another would buy fresh noise on the same counts",
        levels.join(", "),
        levels[0]
    ))
}

/// One recommendation cell and one readiness cell per person.
pub const SENSITIVITY: i64 = 2;
/// "9 times in 10", the confidence of every accuracy the report states.
pub const CONFIDENCE: f64 = 0.9;

/// How the cells are released. Only a test build can turn the noise off, to show that the
/// attack tests fail without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    DiscreteLaplace,
    #[cfg(test)]
    Off,
}

/// The scale of the discrete Laplace noise that spends `epsilon` on the whole table.
pub fn scale(epsilon: f64) -> f64 {
    SENSITIVITY as f64 / epsilon
}

/// Noisy cells, and the ε that OpenDP states the release spent.
pub fn release(mechanism: Mechanism, cells: &[i64], epsilon: f64) -> Result<(Vec<i64>, f64), String> {
    match mechanism {
        Mechanism::DiscreteLaplace => {
            let failed = |e: opendp::error::Error| format!("the noise could not be drawn: {e}");
            let measurement = make_laplace::<_, _, MaxDivergence>(
                VectorDomain::new(AtomDomain::<i64>::default()),
                L1Distance::<i64>::default(),
                scale(epsilon),
                None,
            )
            .map_err(failed)?;
            let spent = measurement.map(&SENSITIVITY).map_err(failed)?;
            // OpenDP rounds its privacy map up; more than a hair over would mean a wrong scale.
            if spent > epsilon * (1.0 + 1e-9) {
                return Err(format!(
                    "the mechanism would spend ε = {spent}, more than the ε = {epsilon} asked"
                ));
            }
            Ok((measurement.invoke(&cells.to_vec()).map_err(failed)?, spent))
        }
        #[cfg(test)]
        Mechanism::Off => Ok((cells.to_vec(), f64::INFINITY)),
    }
}

/// An estimate made from noisy cells: `round(Σ numerator × (sum of n cells) / denominator)`.
/// A count shown as it was released is one cell with numerator and denominator 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    parts: Vec<(u64, i64)>,
    denominator: i64,
}

impl Estimate {
    pub fn cell() -> Estimate {
        Estimate::sum(1)
    }

    /// A sum of `n` released cells.
    pub fn sum(n: u64) -> Estimate {
        Estimate { parts: vec![(n, 1)], denominator: 1 }
    }

    /// The best mix of two sums that count the same people (by recommendation and by
    /// readiness): each weighted by the inverse of its variance, which grows with the number
    /// of cells it adds.
    pub fn size(categories: u64, bands: u64) -> Estimate {
        Estimate {
            parts: vec![(categories, bands as i64), (bands, categories as i64)],
            denominator: (categories + bands).max(1) as i64,
        }
    }

    /// The estimate from the sums of its parts' cells.
    pub fn of(&self, sums: &[i64]) -> i64 {
        let numerator: i64 = self.parts.iter().zip(sums).map(|((_, w), &x)| w * x).sum();
        (numerator as f64 / self.denominator as f64).round() as i64
    }
}

/// The smallest N such that the estimate is within ±N of the truth with probability at least
/// [`CONFIDENCE`], from the exact distribution of the noise (tails under 1e-15 dropped).
pub fn within(epsilon: f64, estimate: &Estimate) -> u64 {
    let alpha = (-1.0 / scale(epsilon)).exp();
    let cell = Pmf::laplace(alpha);
    // The noise of the numerator is an integer: the sum of each part's noise times its weight.
    let mut numerator = Pmf::point();
    for &(n, weight) in &estimate.parts {
        numerator = numerator.add_times(&cell.times(n), weight);
    }
    let mut error = std::collections::BTreeMap::<i64, f64>::new();
    for (i, m) in numerator.mass.iter().enumerate() {
        let z = numerator.offset + i as i64;
        *error.entry((z as f64 / estimate.denominator as f64).round() as i64).or_insert(0.0) += m;
    }
    let mass_at = |k: i64| error.get(&k).copied().unwrap_or(0.0);
    let mut covered = mass_at(0);
    let mut n = 0;
    while covered < CONFIDENCE && n < 1_000_000 {
        n += 1;
        covered += mass_at(n) + mass_at(-n);
    }
    n as u64
}

/// A probability mass function on the integers, from `offset` on.
#[derive(Debug, Clone)]
struct Pmf {
    offset: i64,
    mass: Vec<f64>,
}

const NEGLIGIBLE: f64 = 1e-15;

impl Pmf {
    fn point() -> Pmf {
        Pmf { offset: 0, mass: vec![1.0] }
    }

    fn laplace(alpha: f64) -> Pmf {
        let norm = (1.0 - alpha) / (1.0 + alpha);
        let width = (NEGLIGIBLE.ln() / alpha.ln()).ceil() as i64;
        let mass = (-width..=width).map(|k| norm * alpha.powi(k.unsigned_abs() as i32)).collect();
        Pmf { offset: -width, mass }
    }

    /// The distribution of `self + weight × other`, for independent draws.
    fn add_times(&self, other: &Pmf, weight: i64) -> Pmf {
        let len = (self.mass.len() - 1) as i64 + weight * (other.mass.len() - 1) as i64 + 1;
        let mut mass = vec![0.0; len as usize];
        for (i, a) in self.mass.iter().enumerate().filter(|(_, a)| **a > 0.0) {
            for (j, b) in other.mass.iter().enumerate() {
                mass[i + weight as usize * j] += a * b;
            }
        }
        Pmf { offset: self.offset + weight * other.offset, mass }.trimmed()
    }

    fn trimmed(mut self) -> Pmf {
        let first = self.mass.iter().position(|&m| m > NEGLIGIBLE).unwrap_or(0);
        let last = self.mass.iter().rposition(|&m| m > NEGLIGIBLE).unwrap_or(0);
        self.mass = self.mass[first..=last].to_vec();
        self.offset += first as i64;
        self
    }

    /// The sum of `n` independent draws, by repeated doubling.
    fn times(&self, mut n: u64) -> Pmf {
        let (mut result, mut power) = (Pmf::point(), self.clone());
        while n > 0 {
            if n & 1 == 1 {
                result = result.add_times(&power, 1);
            }
            n >>= 1;
            if n > 0 {
                power = power.add_times(&power, 1);
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_cell_agrees_with_opendps_tail_bound() {
        for epsilon in [0.1, 0.5, 1.0, 2.0] {
            let ours = within(epsilon, &Estimate::cell());
            let theirs =
                opendp::accuracy::discrete_laplacian_scale_to_accuracy(scale(epsilon), 1.0 - CONFIDENCE)
                    .unwrap();
            // OpenDP's bound is a float whose floor keeps the coverage; ours is the least integer.
            assert!(ours as f64 <= theirs.floor(), "ε {epsilon}: {ours} against {theirs}");
            assert!(ours as f64 >= theirs.floor() - 1.0, "ε {epsilon}: {ours} against {theirs}");
        }
    }

    #[test]
    fn sums_are_wider_than_cells_and_a_mixed_size_is_narrower_than_either_sum() {
        let cell = within(1.0, &Estimate::cell());
        let nine = within(1.0, &Estimate::sum(9));
        let four = within(1.0, &Estimate::sum(4));
        let size = within(1.0, &Estimate::size(9, 4));
        assert!(cell < four && four < nine, "{cell} {four} {nine}");
        assert!(size <= four, "{size} {four}");
    }

    #[test]
    fn the_release_spends_the_epsilon_asked_and_moves_counts() {
        let cells = vec![50; 200];
        let (noisy, spent) = release(Mechanism::DiscreteLaplace, &cells, 1.0).unwrap();
        assert!((spent - 1.0).abs() < 1e-6, "{spent}");
        assert_eq!(noisy.len(), cells.len());
        // With a scale of 2, 200 cells all left alone has a chance of about 0.24^200.
        assert!(noisy.iter().any(|&x| x != 50));
    }
}
