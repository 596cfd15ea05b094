//! The HR ledger (`--ledger FILE`): every noisy release, kept owner-only by whoever runs HR
//! reports, so that the same question of the same responses always gives the same counts,
//! however the file holding them was written. Without it, running a report again would draw
//! new noise each time, and the average of many runs would be the true counts. It is also the
//! privacy accountant: every release charges its ε to every person it counts (known by a salted
//! hash, never their key or answers), and a release that would take anyone past the ledger's cap
//! is refused before any noise is drawn.

use std::fs;
use std::path::Path;

use super::accountant::Book;
pub use super::accountant::{
    Asked, BUDGET_CEILING, BUDGET_DEFAULT, BUDGET_FLOOR, Keys, Refusal, Released, round,
};
use super::registry;
use crate::util::files::{Locked, write_private};

/// A ledger holds a few numbers per report; this is thousands of reports.
const MAX_LEDGER_BYTES: u64 = 64 << 20;

/// The release for these keys: the one in the ledger, or one drawn by `draw` and recorded
/// before it is returned. The ledger is locked meanwhile, so two runs at once cannot both draw.
/// `registry` is where the ledgers' registry is kept ([`registry::location`]), if anywhere.
pub fn release(
    path: &Path,
    registry: Option<&Path>,
    asked: &Asked,
    draw: impl FnOnce() -> Result<(Vec<i64>, f64), String>,
) -> Result<Released, Refusal> {
    let name = path.display().to_string();
    let (lock, text) = Locked::read(path, "ledger", MAX_LEDGER_BYTES)?;
    let mut warnings = Vec::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = lock.file().metadata().map_err(|e| format!("ledger {name}: {e}"))?.permissions().mode();
        if mode & 0o077 != 0 {
            warnings.push(format!(
                "ledger {name} can be read or changed by others (mode {:o}): whoever can change it can get new noise; it is made owner-only when next written",
                mode & 0o777
            ));
        }
    }
    let mut book = Book::read(&text, &name)?;
    // Locked after the ledger, always in that order, so two runs cannot wait on each other.
    let given = registry::Registry::open(registry, path, asked.people).and_then(|registry| {
        registry.check(&book)?;
        Ok((book.give(asked, &name, draw)?, registry))
    });
    let (mut released, mut registry) = match given {
        Ok(given) => given,
        Err(refused) => {
            // Opening the ledger made the file; a ledger made only to refuse is not left behind.
            if text.is_empty() {
                let _ = fs::remove_file(path);
            }
            drop(lock);
            return Err(refused);
        }
    };
    if book.changed() {
        let json = book.to_text().map_err(|e| e.to_string())?;
        write_private(path, &json, true).map_err(|e| format!("ledger {name} could not be written: {e}"))?;
    }
    registry.record(&book)?;
    warnings.extend(registry.take_warnings());
    warnings.append(&mut released.warnings);
    released.warnings = warnings;
    Ok(released)
}

/// `crossroads ledger show FILE`: [`show`] on standard output, or why not, exit 1.
pub fn show_command(path: &Path, io: &mut crate::run::Io) -> i32 {
    match show(path, io.stdout) {
        Ok(()) => crate::run::EXIT_OK,
        Err(e) => {
            let _ = writeln!(io.stderr, "error: {e}");
            crate::run::EXIT_INVALID
        }
    }
}

/// What a ledger has spent (see [`Book::show`]).
pub fn show(path: &Path, out: &mut dyn std::io::Write) -> Result<(), String> {
    let name = path.display().to_string();
    let text = crate::util::files::read_text(path, MAX_LEDGER_BYTES, "a ledger")
        .map_err(|e| format!("ledger {name}: {e}"))?;
    if text.trim().is_empty() {
        return Err(format!("ledger {name} is empty: no release has been recorded in it"));
    }
    let book = Book::read(&text, &name).map_err(|e| e.to_string())?;
    book.show(&name, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(counts: Vec<i64>) -> impl FnOnce() -> Result<(Vec<i64>, f64), String> {
        move || Ok((counts, 1.0))
    }

    fn keys(content: &str, query: &str) -> Keys {
        Keys { content: content.into(), responses: format!("r-{content}"), query: query.into() }
    }

    /// Everyone is one person, `[1; 32]`, counted at ε = 1 with a generous cap.
    fn one(
        path: &Path,
        k: &Keys,
        cells: usize,
        draw: impl FnOnce() -> Result<(Vec<i64>, f64), String>,
    ) -> Result<Released, Refusal> {
        release(
            path,
            None,
            &Asked { keys: k, people: &[[1; 32]], budget: Some(10.0), epsilon: 1.0, cells },
            draw,
        )
    }

    fn who(n: u8) -> [u8; 32] {
        [n; 32]
    }

    #[test]
    fn the_same_query_gets_the_same_release_and_others_spend_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.json");
        let first = one(&path, &keys("in", "q1"), 2, draw(vec![3, 4])).unwrap();
        assert!(first.new);
        let again = one(&path, &keys("in", "q1"), 2, || panic!("no new draw for a known release")).unwrap();
        assert_eq!((again.counts, again.new), (vec![3, 4], false));
        let other = one(&path, &keys("in", "q2"), 2, draw(vec![5, 6])).unwrap();
        assert!(other.new);
        assert_eq!((other.file_epsilon, other.file_releases), (2.0, 2));
        let elsewhere = one(&path, &keys("in2", "q1"), 2, draw(vec![7, 8])).unwrap();
        assert_eq!(elsewhere.file_epsilon, 1.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o077, 0);
        }
    }

    #[test]
    fn a_damaged_or_foreign_file_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        fs::write(&path, "my notes\n").unwrap();
        let err = one(&path, &keys("in", "q"), 1, draw(vec![1])).err().unwrap().to_string();
        assert!(err.contains("not a crossroads ledger"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "my notes\n");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_or_a_fifo_is_not_a_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.json");
        fs::write(&target, "").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(one(&link, &keys("in", "q"), 1, draw(vec![1])).is_err());
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = one(&fifo, &keys("in", "q"), 1, draw(vec![1])).err().unwrap().to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }

    #[test]
    fn every_release_charges_everyone_it_counts_and_none_goes_past_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.json");
        let ask = |k: &Keys, people: &[[u8; 32]], epsilon: f64, budget: Option<f64>| {
            release(&path, None, &Asked { keys: k, people, budget, epsilon, cells: 1 }, move || {
                Ok((vec![0], epsilon))
            })
        };
        let cohort = [who(1), who(2), who(3)];
        // The cap is set when the ledger is made: 3 by default.
        let first = ask(&keys("a", "q1"), &cohort, 2.0, None).unwrap();
        assert_eq!((first.most_spent, first.cap), (2.0, 3.0));
        // Person 3 again, with others: 2 + 2 > 3, refused, and nobody is charged for it.
        let refused = ask(&keys("b", "q1"), &[who(3), who(4)], 2.0, None).unwrap_err();
        assert!(matches!(&refused, Refusal::Budget(m) if m.contains("on 1 of the 2 people")), "{refused:?}");
        let fits = ask(&keys("c", "q1"), &[who(4)], 2.0, None).unwrap();
        assert_eq!(fits.most_spent, 2.0, "person 4 was not charged by the refused release");
        // A release already made is given again, whatever is spent: it says nothing new.
        let again = release(
            &path,
            None,
            &Asked { keys: &keys("a", "q1"), people: &cohort, budget: None, epsilon: 2.0, cells: 1 },
            || panic!("no new draw"),
        )
        .unwrap();
        assert!(!again.new);
        // The cap may be lowered, never raised.
        assert!(matches!(ask(&keys("d", "q1"), &[who(9)], 1.0, Some(5.0)), Err(Refusal::Budget(_))));
        let lowered = ask(&keys("d", "q1"), &[who(9)], 1.0, Some(2.5)).unwrap();
        assert_eq!(lowered.cap, 2.5);
        assert_eq!(ask(&keys("e", "q1"), &[who(8)], 1.0, None).unwrap().cap, 2.5, "kept lowered");
        let text = fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&"01".repeat(32)), "no one's hash before the salt is kept");
    }

    #[test]
    fn a_second_ledger_or_an_old_copy_gives_no_one_a_fresh_budget() {
        let dir = tempfile::tempdir().unwrap();
        let registry = dir.path().join("state/crossroads/hr-ledgers.json");
        let ask = |ledger: &Path, k: &Keys, people: &[[u8; 32]]| {
            let asked = Asked { keys: k, people, budget: None, epsilon: 1.0, cells: 1 };
            release(ledger, Some(&registry), &asked, || Ok((vec![0], 1.0)))
        };
        let first = dir.path().join("first.json");
        ask(&first, &keys("a", "q1"), &[who(1), who(2)]).unwrap();
        let copy = dir.path().join("copy.json");
        fs::copy(&first, &copy).unwrap();
        ask(&first, &keys("a", "q2"), &[who(1), who(2)]).unwrap();
        // A new ledger for someone the first counted: refused, naming the first.
        let second = dir.path().join("second.json");
        let refused = ask(&second, &keys("b", "q1"), &[who(2), who(3)]).unwrap_err();
        assert!(
            matches!(&refused, Refusal::Budget(m) if m.contains("1 of the 2 people") && m.contains("first.json")),
            "{refused:?}"
        );
        // Anyone new may be counted by a new ledger.
        ask(&second, &keys("c", "q1"), &[who(3)]).unwrap();
        // The copy made before the second release is the same ledger, with a release missing.
        let refused = ask(&copy, &keys("a", "q3"), &[who(1)]).unwrap_err();
        assert!(matches!(&refused, Refusal::Budget(m) if m.contains("earlier copy")), "{refused:?}");
        // Moved, the ledger is still itself; deleted, it still owns the people it counted.
        let moved = dir.path().join("moved.json");
        fs::rename(&first, &moved).unwrap();
        assert!(!ask(&moved, &keys("a", "q1"), &[who(1), who(2)]).unwrap().new);
        fs::remove_file(&moved).unwrap();
        let refused = ask(&dir.path().join("fresh.json"), &keys("a", "q1"), &[who(1)]).unwrap_err();
        assert!(matches!(&refused, Refusal::Budget(m) if m.contains("no longer there")), "{refused:?}");
        let text = fs::read_to_string(&registry).unwrap();
        assert!(!text.contains(&"01".repeat(32)), "no one's hash before the salt is kept");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&registry).unwrap().permissions().mode() & 0o077, 0);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Random releases over overlapping cohorts (twelve people, any subset, at any level,
        /// some asked twice): no one is ever charged past the cap, and a refused release
        /// charges no one.
        #[test]
        fn no_one_is_charged_past_the_cap(
            asks in proptest::collection::vec((0u16..4096, 0usize..5, 0u8..6), 1..40),
            cap in proptest::sample::select(vec![0.5, 1.0, 3.0]),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("ledger.json");
            let levels = crate::screen::EPSILON_LEVELS;
            let mut charged = [0.0f64; 12];
            for (members, level, key) in asks {
                let people: Vec<[u8; 32]> = (0..12u8).filter(|i| members & (1 << i) != 0).map(who).collect();
                let epsilon = levels[level];
                let k = keys(&format!("{members}-{key}"), &format!("{level}"));
                let asked = Asked { keys: &k, people: &people, budget: Some(cap), epsilon, cells: 1 };
                if let Ok(r) = release(&path, None, &asked, move || Ok((vec![0], epsilon))) && r.new {
                    for i in (0..12).filter(|i| members & (1 << i) != 0) {
                        charged[i] += epsilon;
                    }
                }
            }
            for (i, c) in charged.iter().enumerate() {
                proptest::prop_assert!(*c <= cap + super::super::accountant::SLACK, "person {i}: ε = {c} past the cap {cap}");
            }
        }
    }
}
