//! Many inputs worked on in parallel, their results handed over in input order as soon as each
//! is next: the output streams while the work goes on (no batch waits for its slowest input, and
//! writing overlaps with computing), and memory holds only a window of results.

use crate::error::Result;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

/// Where the hand-over stands, shared by the workers and the caller.
struct Progress {
    /// Results handed to the sink so far (the index of the next one to hand over).
    handed: usize,
    /// Set when the sink failed: workers stop taking inputs.
    stop: bool,
}

/// Apply `work` to every item, on as many threads as rayon would use, and give the results to
/// `sink` in the items' order. No thread starts an item more than `window` places ahead of the
/// next result to hand over, so at most about `window` results wait in memory. When `sink`
/// returns an error, no new item is started and that error is returned.
pub fn for_each_in_order<T, R>(
    items: &[T],
    window: usize,
    work: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<()>,
) -> Result<()>
where
    T: Sync,
    R: Send,
{
    let window = window.max(1);
    let threads = rayon::current_num_threads().clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let progress = Mutex::new(Progress {
        handed: 0,
        stop: false,
    });
    let moved = Condvar::new();
    let lock = || progress.lock().unwrap_or_else(|e| e.into_inner());
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, work, moved) = (&next, &work, &moved);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= items.len() {
                    break;
                }
                {
                    let mut p = lock();
                    while !p.stop && i >= p.handed + window {
                        p = moved.wait(p).unwrap_or_else(|e| e.into_inner());
                    }
                    if p.stop {
                        break;
                    }
                }
                if tx.send((i, work(&items[i]))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut waiting: BTreeMap<usize, R> = BTreeMap::new();
        let mut handed = 0;
        let mut outcome = Ok(());
        for (i, r) in rx.iter() {
            waiting.insert(i, r);
            // The sink runs without the lock, so workers start new items meanwhile.
            while let Some(r) = waiting.remove(&handed) {
                outcome = sink(r);
                handed += 1;
                let mut p = lock();
                p.handed = handed;
                p.stop = outcome.is_err();
                moved.notify_all();
                if p.stop {
                    break;
                }
            }
            if outcome.is_err() {
                break;
            }
        }
        // Leaving the loop early drops the receiver: a worker still computing finds its send
        // refused and stops.
        drop(rx);
        outcome
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn results_come_in_input_order_whatever_finishes_first() {
        let items: Vec<u64> = (0..200).collect();
        let mut got = Vec::new();
        for_each_in_order(
            &items,
            3,
            |&i| {
                // Early items take longest, so later ones finish first.
                std::thread::sleep(std::time::Duration::from_micros((200 - i) * 20));
                i * 2
            },
            |r| {
                got.push(r);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(got, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn no_item_starts_more_than_a_window_ahead() {
        let items: Vec<usize> = (0..100).collect();
        let handed = AtomicUsize::new(0);
        let worst = AtomicUsize::new(0);
        for_each_in_order(
            &items,
            4,
            |&i| {
                let ahead = i - handed.load(Ordering::SeqCst);
                worst.fetch_max(ahead, Ordering::SeqCst);
                i
            },
            |_| {
                handed.fetch_add(1, Ordering::SeqCst);
                Ok(())
            },
        )
        .unwrap();
        assert!(worst.load(Ordering::SeqCst) < 4);
    }

    #[test]
    fn a_failing_sink_stops_the_work_and_returns_its_error() {
        let items: Vec<usize> = (0..10_000).collect();
        let started = AtomicUsize::new(0);
        let mut seen = 0;
        let r = for_each_in_order(
            &items,
            8,
            |&i| {
                started.fetch_add(1, Ordering::SeqCst);
                i
            },
            |i| {
                seen += 1;
                if i == 5 {
                    Err(Error::Usage("stop here".into()))
                } else {
                    Ok(())
                }
            },
        );
        assert!(matches!(r, Err(Error::Usage(m)) if m == "stop here"));
        assert_eq!(seen, 6);
        assert!(started.load(Ordering::SeqCst) < 100);
    }

    #[test]
    fn no_items_is_fine() {
        let items: Vec<u8> = Vec::new();
        for_each_in_order(&items, 4, |&b| b, |_| panic!("nothing to hand over")).unwrap();
    }
}
