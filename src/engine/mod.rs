//! The streaming pass: blocks → lines in parallel → results merged in file order → dataset
//! rules over the per-line summaries.
//!
//! A reader thread cuts the input into ~256 KiB blocks (at most 4,096 lines) at newlines and stays a bounded number
//! of blocks ahead; each block is a task on the rayon pool (lines in order inside it); the
//! merger takes results back in block order, numbers lines, and feeds the dataset state. Output
//! is therefore identical whatever the thread count.

pub mod convert;
pub mod dataset;
pub mod findings;
pub mod line;

use crate::diagnostic::{Diagnostic, RuleSet};
use crate::format::{Format, FormatChoice};
use crate::input::reader;
use crate::rules::Plan;
use crate::stats::ExampleRecord;
use crate::targets::{Model, Target};
use crate::tokens::FileTokens;
use crate::tokens::Pricing;
use line::{LineOutput, RawInput};
use std::io::{self, Read};
use std::sync::Arc;

pub use crate::rules::DatasetLimits;

/// What the engine needs to know, fixed for the whole run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The selected rules, by phase.
    pub plan: Plan,
    /// Stop after the raw-line phase (no parse): for `--fix` when its rules need no more.
    pub framing_only: bool,
    pub format: FormatChoice,
    pub limits: DatasetLimits,
    /// The target the file is judged for (formats, chat rules, BOM, limits, models).
    pub target: Arc<Target>,
    /// The model of the run, when the target knows it.
    pub model: Option<Model>,
    /// The day lifecycle facts are judged by (`FTLINT_TODAY`, or the clock).
    pub today: crate::targets::Date,
    /// How tokens are counted and priced, when they are counted (a T rule is selected, or
    /// `stats` runs). `None`: nothing is tokenized.
    pub tokens: Option<Pricing>,
    /// Keep a per-example record for `ftlint stats`.
    pub collect_records: bool,
    /// `--epochs N`.
    pub epochs: Option<u32>,
    /// The moderation check and its score sources; `None` with `--moderation off` or no M rule.
    pub moderation: Option<std::sync::Arc<crate::moderation::ModerationRun>>,
    /// The S-family scanner with the config's extra patterns and allow-lists; `None`: the
    /// built-in one.
    pub scanner: Option<std::sync::Arc<crate::sensitive::Scanner>>,
    /// `--dataset-info`: LLaMA-Factory's `dataset_info.json` for every file.
    pub dataset_info: Option<std::path::PathBuf>,
    /// The `dataset_info.json` entry of the file being checked ([`Options::for_file`]).
    pub mapping: Option<Arc<crate::llamafactory::Mapping>>,
}

impl Options {
    /// Options that run `rules` with the given limits and nothing else (no tokens, no
    /// moderation): what tests of single rule families need.
    pub fn rules_only(rules: RuleSet, format: FormatChoice, limits: DatasetLimits) -> Self {
        Options {
            plan: Plan::new(rules),
            framing_only: false,
            format,
            limits,
            target: Arc::new(
                Target::builtin("openai")
                    .expect("the built-in openai target")
                    .clone(),
            ),
            model: None,
            // A fixed day: options built for single rules judge no lifecycle.
            today: crate::targets::Date::new(2026, 1, 1).expect("a valid date"),
            tokens: None,
            collect_records: false,
            epochs: None,
            moderation: None,
            scanner: None,
            dataset_info: None,
            mapping: None,
        }
    }

    /// The options for checking the file at `path`: with its LLaMA-Factory `dataset_info.json`
    /// entry, from `--dataset-info` or, for a target taking ShareGPT or Alpaca, the
    /// `dataset_info.json` found beside the file (LLaMA-Factory's `dataset_dir`). A file that
    /// cannot be read as one is an error (exit 2): LLaMA-Factory would not start either.
    pub fn for_file(
        &self,
        path: &std::path::Path,
    ) -> Result<std::borrow::Cow<'_, Options>, crate::llamafactory::InfoError> {
        let trainer = self.target.accepts(Format::Sharegpt) || self.target.accepts(Format::Alpaca);
        if self.dataset_info.is_none() && (!trainer || !path.is_file()) {
            return Ok(std::borrow::Cow::Borrowed(self));
        }
        match crate::llamafactory::for_file(self.dataset_info.as_deref(), path)? {
            None => Ok(std::borrow::Cow::Borrowed(self)),
            Some(m) => {
                let mut o = self.clone();
                o.format = FormatChoice::Fixed(m.format);
                o.mapping = Some(Arc::new(m));
                Ok(std::borrow::Cow::Owned(o))
            }
        }
    }

    /// The sensitive-data scanner of the run.
    pub fn scanner(&self) -> &crate::sensitive::Scanner {
        match &self.scanner {
            Some(s) => s,
            None => crate::sensitive::Scanner::builtin(),
        }
    }
}

/// Everything found in one input.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub path: String,
    /// Sorted by line, column, code; file-level findings first.
    pub diagnostics: Vec<Diagnostic>,
    /// Physical lines.
    pub lines: u64,
    /// Lines holding a JSON object.
    pub examples: u64,
    /// The most common detected format.
    pub format: Option<Format>,
    pub bytes: u64,
    /// Token totals, when tokens were counted.
    pub tokens: Option<FileTokens>,
    /// Whether those counts are exact (`false`: estimated), when tokens were counted.
    pub tokens_exact: Option<bool>,
    pub epochs: Option<u32>,
    pub estimated_cost_usd: Option<f64>,
    /// The one-line token and cost summary of the human formats.
    pub token_summary: Option<String>,
    /// Per-example records, with `Options::collect_records`.
    pub records: Vec<ExampleRecord>,
    /// The riskiest examples by moderation score, for the human summary.
    pub riskiest: Vec<String>,
    /// Set when moderation could not be judged (no scores) and the user did not ask for it.
    pub moderation_note: Option<String>,
    /// The file's moderation for the JSON report (`None`: moderation did not run).
    pub moderation: Option<crate::moderation::summary::ModerationSummary>,
    /// Findings a baseline accepted (hidden from `diagnostics`).
    pub accepted: u64,
}

/// How many blocks may be in the pool or waiting to be merged at once (and how far the reader
/// may run ahead): enough to keep every core busy, few enough to bound memory.
fn in_flight() -> usize {
    (rayon::current_num_threads() * 4).clamp(4, 64)
}

/// Checks one input. I/O errors while reading are returned (the caller reports them, exit 2).
pub fn check_reader<R: Read + Send>(
    path: String,
    input: R,
    opts: &Options,
) -> io::Result<FileReport> {
    let mut merger = dataset::Merger::new(opts);
    check_into(input, opts, &mut merger)?;
    Ok(merger.finish(path))
}

/// Checks one input as [`check_reader`] does, with the findings kept in `spill`'s budget (the
/// rest in its temporary file) and returned apart, to be read once in output order. The
/// report's `diagnostics` is empty. An error is the input's, or the temporary file's
/// ([`findings::SpillError`]).
pub fn check_reader_spilling<R: Read + Send>(
    path: String,
    input: R,
    opts: &Options,
    spill: &Arc<findings::Spill>,
) -> io::Result<(FileReport, findings::Findings)> {
    let mut merger = dataset::Merger::with_spill(opts, spill.clone());
    check_into(input, opts, &mut merger)?;
    merger.finish_findings(path)
}

/// The streaming pass of a check, feeding `merger`: one place for what both ways of keeping
/// the findings share (the line limit, the block check).
fn check_into<R: Read + Send>(
    input: R,
    opts: &Options,
    merger: &mut dataset::Merger<'_>,
) -> io::Result<()> {
    ordered_blocks(
        input,
        opts.limits.max_line_bytes,
        |block| check_block(block, opts),
        |len, lines| merger.add_block(len, lines),
    )
}

/// The streaming pass's skeleton, shared by `check` and `convert`: a reader thread cuts `input`
/// into blocks at newlines, `work` runs on each block as a pool task as soon as it is read,
/// and `merge` gets each block's byte length and result back in file order. A line longer than
/// `max_line` bytes is a block of its own that streamed past (`reader::Block::oversize`).
///
/// This thread merges results as they come back (a reorder buffer holds those that finish
/// early). There is no barrier between batches, so no core waits for the slowest block of a
/// batch; at most `in_flight()` blocks are in the pool or in the buffer. A read error, or an
/// error from `merge` (a full disk while writing output), ends the pass and is returned; the
/// blocks already in the pool finish and are dropped.
pub fn ordered_blocks<R, T, W, M>(input: R, max_line: u64, work: W, mut merge: M) -> io::Result<()>
where
    R: Read + Send,
    T: Send,
    W: Fn(&reader::Block) -> T + Sync,
    M: FnMut(u64, T) -> io::Result<()>,
{
    let max = in_flight();
    let work = &work;
    std::thread::scope(|scope| {
        let rx = reader::spawn(scope, input, max, max_line);
        if rayon::current_thread_index().is_some() {
            // Called from inside the pool: waiting here on pool tasks could deadlock it.
            for block in rx.iter() {
                let block = block?;
                merge(block.len(), work(&block))?;
            }
            return Ok(());
        }
        let mut error = None;
        rayon::in_place_scope(|pool| {
            let (done_tx, done_rx) = std::sync::mpsc::channel::<Done<T>>();
            let mut waiting: std::collections::BTreeMap<usize, (u64, T)> = Default::default();
            let (mut next, mut out) = (0usize, 0usize);
            // Takes one finished block, then merges every block now ready, in order.
            let mut receive = |waiting: &mut std::collections::BTreeMap<usize, (u64, T)>,
                               next: &mut usize|
             -> io::Result<()> {
                let (i, len, result) = done_rx.recv().expect("a task holds a sender");
                let result = result.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                waiting.insert(i, (len, result));
                while let Some((len, result)) = waiting.remove(next) {
                    *next += 1;
                    merge(len, result)?;
                }
                Ok(())
            };
            'read: for block in rx.iter() {
                let block = match block {
                    Ok(b) => b,
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                };
                while out - next >= max {
                    if let Err(e) = receive(&mut waiting, &mut next) {
                        error = Some(e);
                        break 'read;
                    }
                }
                let tx = done_tx.clone();
                let i = out;
                out += 1;
                pool.spawn(move |_| {
                    let result =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&block)));
                    let _ = tx.send((i, block.len(), result));
                });
            }
            while error.is_none() && next < out {
                if let Err(e) = receive(&mut waiting, &mut next) {
                    error = Some(e);
                }
            }
        });
        // Dropping the receiver stops the reader thread, which the scope then joins.
        drop(rx);
        match error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    })
}

/// One finished block: its index in the file, its byte length and its result.
type Done<T> = (usize, u64, std::thread::Result<T>);

fn check_block(block: &reader::Block, opts: &Options) -> Vec<LineOutput> {
    if let Some(o) = &block.oversize {
        return vec![line::check_oversize(
            o,
            block.first_line,
            block.offset,
            opts,
        )];
    }
    let data = &block.data[..];
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut line_no = block.first_line - 1;
    let mut prev_crlf = block.prev_crlf;
    while start < data.len() {
        let (end, next, has_newline) = match memchr::memchr(b'\n', &data[start..]) {
            Some(i) => (start + i, start + i + 1, true),
            None => (data.len(), data.len(), false),
        };
        line_no += 1;
        out.push(line::check_line(
            RawInput {
                bytes: &data[start..end],
                line: line_no,
                offset: block.offset + start as u64,
                first_in_file: block.first && start == 0,
                has_newline,
                prev_crlf,
            },
            opts,
        ));
        prev_crlf = reader::after_line(prev_crlf, &data[start..next]);
        start = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Yields `good` bytes, then fails: a disk error in the middle of a large file.
    struct FailsAfter {
        good: Vec<u8>,
        at: usize,
    }

    impl Read for FailsAfter {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.at >= self.good.len() {
                return Err(io::Error::other("device gone"));
            }
            let n = buf.len().min(self.good.len() - self.at);
            buf[..n].copy_from_slice(&self.good[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn all_rules() -> Options {
        Options::rules_only(
            RuleSet::all(),
            crate::format::FormatChoice::default(),
            DatasetLimits::NONE,
        )
    }

    /// Three blocks of a chat line with a C005 finding.
    fn lines() -> Vec<u8> {
        let line = b"{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"bot\", \"content\": \"x\"}]}\n";
        line.iter().copied().cycle().take(600 << 10).collect()
    }

    /// A read error after many blocks are in the pool is returned (no hang, no partial report).
    #[test]
    fn a_read_error_mid_file_is_an_error() {
        let good = lines();
        let err = check_reader("x".into(), FailsAfter { good, at: 0 }, &all_rules()).unwrap_err();
        assert_eq!(err.to_string(), "device gone");
    }

    /// Called from a pool thread (a one-thread pool, so waiting on pool tasks would deadlock),
    /// the check runs in place and reports what the parallel path reports.
    #[test]
    fn from_inside_the_pool_the_same_report_without_deadlock() {
        let data = lines();
        let opts = all_rules();
        let outside = check_reader("x".into(), &data[..], &opts).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let inside = pool.install(|| check_reader("x".into(), &data[..], &opts).unwrap());
        let codes = |r: &FileReport| -> Vec<(&str, Option<u64>)> {
            r.diagnostics
                .iter()
                .map(|d| (d.rule.code(), d.location.as_ref().map(|l| l.line)))
                .collect()
        };
        assert!(outside
            .diagnostics
            .iter()
            .any(|d| d.rule.rule == crate::diagnostic::Rule::C005));
        assert_eq!(codes(&inside), codes(&outside));
    }
}
