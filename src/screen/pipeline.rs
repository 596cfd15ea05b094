//! Rows read in order on the calling thread, worked on by every core, and handed back in the
//! order they were read. Only a few batches are ever in flight, so memory stays flat however
//! long the input; a worker's panic is the caller's panic, never a hang.

use std::collections::BTreeMap;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Mutex, mpsc};

/// The most items, and bytes of them, in one batch: small enough that every thread has work
/// early, large enough that handing a batch over costs nothing next to working on it.
const BATCH_ITEMS: usize = 256;
const BATCH_BYTES: usize = 1 << 20;

/// Calls `work` (made once per thread by `worker`) on every item that `read` gives, on `jobs`
/// threads, and `take` on each result, in the order the items were read. `read` gives an item
/// and its size in bytes, or `None` at the end; the first error of `read` or `take` stops the
/// reading and is returned once the threads have stopped. With one job nothing is spawned.
pub fn ordered<I, O, W>(
    jobs: usize,
    mut read: impl FnMut() -> io::Result<Option<(I, usize)>>,
    worker: impl Fn() -> W + Sync,
    mut take: impl FnMut(O) -> io::Result<()>,
) -> io::Result<()>
where
    I: Send,
    O: Send,
    W: FnMut(I) -> O,
{
    // A batch at most, or one job: worked on here, since threads would cost more than they save.
    let (first, mut end) = fill(&mut read)?;
    if jobs <= 1 || end {
        let mut work = worker();
        for item in first {
            take(work(item))?;
        }
        while let Some((item, _)) = read()? {
            take(work(item))?;
        }
        return Ok(());
    }
    // Enough batches that every thread has one queued while the reader fills the next.
    let in_flight = 2 * jobs + 2;
    let (work_tx, work_rx) = mpsc::sync_channel::<(u64, Vec<I>)>(in_flight);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<(u64, std::thread::Result<Vec<O>>)>();
    std::thread::scope(|scope| {
        // Owned here, so that however this returns (or unwinds) the workers see the end of
        // the work and stop, and the scope can join them.
        let work_tx = work_tx;
        for _ in 0..jobs {
            let (done_tx, work_rx, worker) = (done_tx.clone(), &work_rx, &worker);
            scope.spawn(move || {
                let mut work = worker();
                loop {
                    let next = work_rx.lock().map_err(|_| ()).and_then(|rx| rx.recv().map_err(|_| ()));
                    let Ok((seq, batch)) = next else { return };
                    let out = catch_unwind(AssertUnwindSafe(|| batch.into_iter().map(&mut work).collect()));
                    let failed = out.is_err();
                    if done_tx.send((seq, out)).is_err() || failed {
                        return;
                    }
                }
            });
        }
        drop(done_tx);

        let (mut sent, mut taken) = (0u64, 0u64);
        let mut waiting: BTreeMap<u64, Vec<O>> = BTreeMap::new();
        let mut next = Some(first);
        loop {
            while sent - taken < in_flight as u64 {
                let batch = match next.take() {
                    Some(batch) => batch,
                    None if end => break,
                    None => {
                        let (batch, last) = fill(&mut read)?;
                        end = last;
                        batch
                    }
                };
                if batch.is_empty() {
                    break;
                }
                if work_tx.send((sent, batch)).is_err() {
                    return Err(io::Error::other("the threads screening rows stopped"));
                }
                sent += 1;
            }
            if taken == sent {
                return Ok(());
            }
            let Ok((seq, out)) = done_rx.recv() else {
                return Err(io::Error::other("the threads screening rows stopped"));
            };
            match out {
                Ok(out) => waiting.insert(seq, out),
                Err(panic) => resume_unwind(panic),
            };
            while let Some(out) = waiting.remove(&taken) {
                taken += 1;
                for o in out {
                    take(o)?;
                }
            }
        }
    })
}

/// The next batch of items, and whether the input ended with it.
fn fill<I>(read: &mut impl FnMut() -> io::Result<Option<(I, usize)>>) -> io::Result<(Vec<I>, bool)> {
    let mut batch = Vec::with_capacity(BATCH_ITEMS);
    let mut bytes = 0;
    while batch.len() < BATCH_ITEMS && bytes < BATCH_BYTES {
        match read()? {
            Some((item, size)) => {
                batch.push(item);
                bytes += size;
            }
            None => return Ok((batch, true)),
        }
    }
    Ok((batch, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(jobs: usize, items: u64) -> Vec<u64> {
        let mut next = 0;
        let mut got = Vec::new();
        ordered(
            jobs,
            || {
                next += 1;
                Ok((next <= items).then_some((next, 8)))
            },
            || {
                // Uneven work, so that batches finish out of order.
                |x: u64| {
                    std::hint::black_box((0..(x * 7919) % 5000).fold(0u64, |a, b| a.wrapping_add(b)));
                    x
                }
            },
            |x| {
                got.push(x);
                Ok(())
            },
        )
        .unwrap();
        got
    }

    #[test]
    fn results_come_back_in_the_order_read_whatever_the_threads() {
        let expected: Vec<u64> = (1..=5000).collect();
        for jobs in [1, 2, 3, 8] {
            assert_eq!(run(jobs, 5000), expected, "{jobs} jobs");
        }
        assert!(run(4, 0).is_empty());
    }

    #[test]
    fn an_error_stops_the_reading_and_is_returned() {
        let mut next = 0;
        let mut taken = 0;
        let result = ordered(
            2,
            || {
                next += 1;
                if next == 1000 { Err(io::Error::other("broken")) } else { Ok(Some((next, 1))) }
            },
            || |x: u32| x,
            |_| {
                taken += 1;
                Ok(())
            },
        );
        assert_eq!(result.unwrap_err().to_string(), "broken");
        assert!(next == 1000 && taken < 1000);
        let result = ordered(2, || Ok(Some((1u8, 1))), || |x: u8| x, |_| Err(io::Error::other("full")));
        assert_eq!(result.unwrap_err().to_string(), "full");
    }

    #[test]
    fn a_worker_that_panics_panics_the_caller() {
        let caught = catch_unwind(|| {
            let mut next = 0;
            ordered(
                2,
                || {
                    next += 1;
                    Ok((next <= 10_000).then_some((next, 1)))
                },
                || {
                    |x: u32| {
                        assert!(x != 777, "row 777");
                        x
                    }
                },
                |_| Ok(()),
            )
        });
        // The worker's own panic, not a message of the pipeline's.
        let panic = caught.expect_err("the panic reaches the caller");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"row 777"));
    }
}
