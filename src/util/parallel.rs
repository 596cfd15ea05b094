//! A few independent pieces of work shared among the machine's cores, their results handed
//! back in the order of the work. For work counted in milliseconds a piece (a pack's files);
//! `screen`'s endless rows have their own pipeline.

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
    let done: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    let run = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            let result = work(item);
            done.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(run);
        }
        run();
    });
    let done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.into_iter().map(|r| r.expect("every item was worked on")).collect()
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

    #[test]
    #[should_panic(expected = "item 5")]
    fn a_panic_in_a_thread_is_the_callers() {
        let items: Vec<usize> = (0..10).collect();
        map(3, &items, |&i| {
            if i == 5 {
                panic!("item 5");
            }
        });
    }
}
