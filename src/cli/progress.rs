//! Progress bars for long runs, on stderr, only when stderr is a terminal (never on stdout, so
//! findings piped to a file or `jq` stay clean; never in CI logs, which are not terminals).
//!
//! - Reading (`check`, `stats`): bytes read of the inputs' total, MB/s and ETA, shown only once
//!   the run has lasted [`READ_DELAY`]: a small file checks without a flicker.
//! - Scoring (`moderate`, `check --moderation api`): texts scored of those to fetch, how many
//!   were already cached, how many remain, ETA, and requests retried. Batches complete on
//!   several threads in any order; the bar only ever moves forward.
//!
//! Messages about retries and failures are printed whether or not there is a bar (above it when
//! there is one), since a person waiting on a failing network must hear of it at once.

use crate::moderation::transport::{Sleeper, ThreadSleeper};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::io::{IsTerminal, Read};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// A check shorter than this shows no bar.
pub const READ_DELAY: Duration = Duration::from_millis(700);

/// Where bars are drawn: stderr when it is a terminal, else nowhere.
pub fn stderr_target() -> ProgressDrawTarget {
    if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr_with_hz(8)
    } else {
        ProgressDrawTarget::hidden()
    }
}

/// The reading bar of `check` and `stats`.
pub struct ReadProgress {
    bar: ProgressBar,
    /// The thread that shows the bar once the delay has passed, unless the run ended first;
    /// and the flag (with its condition variable) that tells it the run ended.
    timer: Mutex<Option<std::thread::JoinHandle<()>>>,
    ended: std::sync::Arc<(Mutex<bool>, Condvar)>,
}

impl ReadProgress {
    /// A bar over `total` bytes (`None`: unknown, as for stdin) drawn on stderr if it is a
    /// terminal, after [`READ_DELAY`].
    pub fn new(total: Option<u64>) -> ReadProgress {
        ReadProgress::with_target(total, stderr_target(), READ_DELAY)
    }

    pub fn with_target(
        total: Option<u64>,
        target: ProgressDrawTarget,
        delay: Duration,
    ) -> ReadProgress {
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::hidden());
        let template = if total.is_some() {
            "checking [{bar:30}] {bytes}/{total_bytes} · {bytes_per_sec} · ETA {eta}"
        } else {
            "checking {spinner} {bytes} · {bytes_per_sec}"
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        let ended = std::sync::Arc::new((Mutex::new(false), Condvar::new()));
        // No terminal, no thread. Reading may finish long before the check does (the reader
        // runs ahead of the pool), so the bar is shown by time, not by the next read.
        let timer = (!target.is_hidden()).then(|| {
            let (bar, ended) = (bar.clone(), ended.clone());
            std::thread::spawn(move || {
                let (lock, cvar) = &*ended;
                let Ok(guard) = lock.lock() else { return };
                let Ok((guard, _)) = cvar.wait_timeout_while(guard, delay, |ended| !*ended) else {
                    return;
                };
                if !*guard {
                    bar.set_draw_target(target);
                    // Redrawn while reads pause, so the rate and ETA stay current.
                    bar.enable_steady_tick(Duration::from_millis(250));
                }
            })
        });
        ReadProgress {
            bar,
            timer: Mutex::new(timer),
            ended,
        }
    }

    /// `reader`, counting what is read into the bar.
    pub fn reader<'a, R: Read + Send + 'a>(&'a self, reader: R) -> Box<dyn Read + Send + 'a> {
        Box::new(Counting {
            inner: reader,
            bar: &self.bar,
        })
    }

    /// Removes the bar (before the report is printed).
    pub fn finish(&self) {
        let (lock, cvar) = &*self.ended;
        if let Ok(mut ended) = lock.lock() {
            *ended = true;
        }
        cvar.notify_all();
        if let Some(t) = self.timer.lock().ok().and_then(|mut t| t.take()) {
            let _ = t.join();
        }
        self.bar.finish_and_clear();
    }
}

impl Drop for ReadProgress {
    fn drop(&mut self) {
        self.finish();
    }
}

struct Counting<'a, R> {
    inner: R,
    bar: &'a ProgressBar,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

/// The scoring bar and messages of a moderation fetch.
pub struct ScoreProgress {
    bar: ProgressBar,
    /// The furthest any batch has reported: batches finish out of order.
    done: AtomicUsize,
    retried: AtomicU64,
    /// The last retry reason said, so that a storm of identical failures is said once.
    last_reason: Mutex<Option<String>>,
    sleeper: ThreadSleeper,
}

impl ScoreProgress {
    /// A bar over `to_fetch` texts, `cached` more already in the cache.
    pub fn new(to_fetch: usize, cached: usize) -> ScoreProgress {
        ScoreProgress::with_target(to_fetch, cached, stderr_target())
    }

    pub fn with_target(to_fetch: usize, cached: usize, target: ProgressDrawTarget) -> Self {
        let bar = ProgressBar::with_draw_target(Some(to_fetch as u64), target);
        bar.set_style(
            ProgressStyle::with_template(
                "scoring [{bar:30}] {pos}/{len} texts · {cached} cached · {remaining} to go · \
                 ETA {eta} · {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key(
                "cached",
                move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{cached}");
                },
            )
            .with_key(
                "remaining",
                |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{}", s.len().unwrap_or(0).saturating_sub(s.pos()));
                },
            )
            .progress_chars("=> "),
        );
        bar.set_message("0 retried");
        ScoreProgress {
            bar,
            done: AtomicUsize::new(0),
            retried: AtomicU64::new(0),
            last_reason: Mutex::new(None),
            sleeper: ThreadSleeper,
        }
    }

    /// A batch completed: `done` texts of the run are scored (as the batch counted them).
    pub fn batch(&self, done: usize, total: usize) {
        let before = self.done.fetch_max(done, Ordering::SeqCst);
        if done > before {
            self.bar.set_length(total as u64);
            self.bar.set_position(done as u64);
        }
    }

    /// Texts scored so far.
    pub fn done(&self) -> usize {
        self.done.load(Ordering::SeqCst)
    }

    pub fn retried(&self) -> u64 {
        self.retried.load(Ordering::SeqCst)
    }

    /// Says `line` on stderr, above the bar if there is one.
    pub fn say(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Sleeper for ScoreProgress {
    fn sleep(&self, d: Duration) {
        self.sleeper.sleep(d);
    }

    fn retrying(&self, retry: u32, max_retries: u32, delay: Duration, why: &str) {
        let n = self.retried.fetch_add(1, Ordering::SeqCst) + 1;
        self.bar.set_message(format!("{n} retried"));
        let new_reason = self
            .last_reason
            .lock()
            .map(|mut last| {
                let changed = last.as_deref() != Some(why);
                *last = Some(why.to_string());
                changed
            })
            .unwrap_or(true);
        if new_reason {
            self.say(&format!(
                "ftlint: a moderation request failed ({why}); retry {retry} of {max_retries} \
                 in {:.1} s",
                delay.as_secs_f64()
            ));
        }
    }
}

/// Lets a shared [`ScoreProgress`] be a client's sleeper.
pub struct SharedSleeper(pub std::sync::Arc<ScoreProgress>);

impl Sleeper for SharedSleeper {
    fn sleep(&self, d: Duration) {
        self.0.sleep(d)
    }

    fn retrying(&self, retry: u32, max_retries: u32, delay: Duration, why: &str) {
        self.0.retrying(retry, max_retries, delay, why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::TermLike;
    use std::sync::Arc;

    /// A terminal that records every line drawn.
    #[derive(Debug, Default, Clone)]
    struct Screen(Arc<Mutex<Vec<String>>>);

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            160
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push(s.to_string());
            Ok(())
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            if !s.is_empty() {
                self.0.lock().unwrap().push(s.to_string());
            }
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn drawn(screen: &Screen) -> Vec<String> {
        screen.0.lock().unwrap().clone()
    }

    /// Batches reported out of order (96 after 128, as concurrent workers finish) never move
    /// the bar back; its line says scored, cached, remaining, ETA and retries.
    #[test]
    fn the_scoring_bar_never_runs_backwards() {
        let screen = Screen::default();
        let p = ScoreProgress::with_target(
            6001,
            40,
            ProgressDrawTarget::term_like_with_hz(Box::new(screen.clone()), 250),
        );
        let mut positions = Vec::new();
        for done in [32, 128, 96, 160, 64, 192] {
            p.batch(done, 6001);
            positions.push(p.bar.position());
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(positions, [32, 128, 128, 160, 160, 192]);
        assert_eq!(p.done(), 192);
        p.bar.tick();
        let lines = drawn(&screen);
        let last = lines
            .iter()
            .rev()
            .find(|l| l.contains("texts"))
            .expect("the bar was drawn");
        assert!(last.contains("192/6001 texts"), "{last}");
        assert!(last.contains("40 cached"), "{last}");
        assert!(last.contains("5809 to go"), "{last}");
        assert!(last.contains("ETA "), "{last}");
        assert!(last.contains("0 retried"), "{last}");
        // Every drawn count only grows.
        let counts: Vec<u64> = lines
            .iter()
            .filter_map(|l| {
                let (before, _) = l.split_once("/6001 texts")?;
                before.rsplit(' ').next()?.parse().ok()
            })
            .collect();
        assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    }

    /// A retry counts on the bar; the first of a kind is said, the same reason again is not.
    #[test]
    fn retries_are_counted_and_said_once_per_reason() {
        let p = ScoreProgress::with_target(10, 0, ProgressDrawTarget::hidden());
        p.retrying(1, 5, Duration::from_millis(500), "connection refused");
        p.retrying(2, 5, Duration::from_secs(1), "connection refused");
        assert_eq!(p.retried(), 2);
        assert_eq!(p.bar.message(), "2 retried");
        assert_eq!(
            p.last_reason.lock().unwrap().as_deref(),
            Some("connection refused")
        );
    }

    /// The reading bar appears only after its delay, and shows bytes, rate and ETA.
    #[test]
    fn the_reading_bar_waits_then_shows_bytes_rate_and_eta() {
        let screen = Screen::default();
        let p = ReadProgress::with_target(
            Some(4 << 20),
            ProgressDrawTarget::term_like_with_hz(Box::new(screen.clone()), 250),
            Duration::from_millis(100),
        );
        let data = vec![b'x'; 1 << 20];
        std::io::copy(&mut p.reader(&data[..]), &mut std::io::sink()).unwrap();
        std::io::copy(&mut p.reader(&data[..]), &mut std::io::sink()).unwrap();
        assert!(drawn(&screen).is_empty(), "drawn before its delay");
        // Shown by time, though nothing more is read.
        std::thread::sleep(Duration::from_millis(400));
        let lines = drawn(&screen);
        let last = lines
            .iter()
            .rev()
            .find(|l| l.contains("checking"))
            .expect("the bar was drawn");
        assert!(last.contains("2.00 MiB/4.00 MiB"), "{last}");
        assert!(last.contains("/s"), "{last}");
        assert!(last.contains("ETA"), "{last}");
        p.finish();
    }

    /// Without a terminal there is no bar at all; a run shorter than the delay draws nothing.
    #[test]
    fn no_terminal_no_bar_and_short_runs_stay_quiet() {
        let p = ReadProgress::with_target(Some(10), ProgressDrawTarget::hidden(), Duration::ZERO);
        std::io::copy(&mut p.reader(&b"0123456789"[..]), &mut std::io::sink()).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        assert!(p.bar.is_hidden());
        assert!(p.timer.lock().unwrap().is_none());
        let screen = Screen::default();
        let p = ReadProgress::with_target(
            Some(10),
            ProgressDrawTarget::term_like_with_hz(Box::new(screen.clone()), 250),
            Duration::from_secs(5),
        );
        std::io::copy(&mut p.reader(&b"0123456789"[..]), &mut std::io::sink()).unwrap();
        let started = std::time::Instant::now();
        p.finish();
        // Ending the run stops the timer at once, and nothing was drawn.
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(drawn(&screen).is_empty());
    }
}
