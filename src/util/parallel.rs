//! A few independent pieces of work shared among the machine's cores, their results handed
//! back in the order of the work. For work counted in milliseconds a piece (a pack's files);
//! `screen`'s endless rows have their own pipeline.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `work` applied to every item, on up to `jobs` threads (the calling one among them), each
/// taking the next item not yet taken: items given largest first finish together. A panic in
/// any thread is the caller's panic.
pub fn map<T: Sync, R: Send>(jobs: usize, items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = jobs.min(items.len());
    if threads <= 1 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<std::thread::Result<R>>>> = Mutex::new(items.iter().map(|_| None).collect());
    let run = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            // Caught, so that the caller sees the panic itself rather than the scope's own
            // "a scoped thread panicked"; the others stop taking work.
            let result = catch_unwind(AssertUnwindSafe(|| work(item)));
            if result.is_err() {
                next.store(items.len(), Ordering::Relaxed);
            }
            done.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(run);
        }
        run();
    });
    // Every item before the first that panicked was taken, so was worked on; the panic comes
    // before any item left untaken.
    let mut out = Vec::with_capacity(items.len());
    for result in done.into_inner().unwrap_or_else(|e| e.into_inner()) {
        match result.expect("every item before a panic was worked on") {
            Ok(value) => out.push(value),
            Err(panic) => resume_unwind(panic),
        }
    }
    out
}

/// Threads to use when none is asked: every core the process may run on.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_the_order_of_the_items_whatever_the_threads() {
        let items: Vec<u64> = (0..200).collect();
        for jobs in [1, 2, 3, 8, 500] {
            let out = map(jobs, &items, |&n| {
                // Uneven work, so that threads finish out of order.
                (0..(n % 7) * 1000).for_each(|x| {
                    std::hint::black_box(x);
                });
                n * 2
            });
            assert_eq!(out, items.iter().map(|n| n * 2).collect::<Vec<_>>(), "jobs {jobs}");
        }
        assert!(map(4, &[] as &[u8], |_| 0).is_empty());
    }

    /// The panic of a spawned thread reaches the caller as itself, not as the scope's "a scoped
    /// thread panicked": three items meet before any ends, so each is on a thread of its own,
    /// and the two not on the calling thread panic.
    #[test]
    fn a_panic_in_a_spawned_thread_is_the_callers_own() {
        let caller = std::thread::current().id();
        let met = (std::sync::Mutex::new(0), std::sync::Condvar::new());
        let caught = catch_unwind(AssertUnwindSafe(|| {
            map(3, &[0, 1, 2], |&i| {
                let mut arrived = met.0.lock().unwrap();
                *arrived += 1;
                met.1.notify_all();
                // Bounded, so that a map that ran the items one by one fails instead of hanging.
                let timeout = std::time::Duration::from_secs(60);
                let (arrived, _) = met.1.wait_timeout_while(arrived, timeout, |n| *n < 3).unwrap();
                assert_eq!(*arrived, 3, "the three items were never worked on at once");
                drop(arrived);
                if std::thread::current().id() != caller {
                    panic!("item {i}");
                }
            })
        }));
        let panic = caught.expect_err("the panic reaches the caller");
        let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(message.starts_with("item "), "{message:?}");
    }
}
