//! The streaming pass: blocks → lines in parallel → results merged in file order → dataset
//! rules over the per-line summaries.
//!
//! A reader thread cuts the input into ~1 MiB blocks at newlines and stays a bounded number of
//! blocks ahead; a batch of blocks is checked on the rayon pool (one task per block, lines in
//! order inside it); the merger walks the batch in order, numbers lines, and feeds the dataset
//! state. Output is therefore identical whatever the thread count.

pub mod dataset;
pub mod hash;
pub mod line;

use crate::diagnostic::Diagnostic;
use crate::format::{Format, FormatChoice};
use crate::input::reader;
use crate::rules::Selection;
use crate::stats::ExampleRecord;
use crate::targets::Model;
use crate::tokens::FileTokens;
use line::{LineOutput, RawLine};
use rayon::prelude::*;
use std::io::{self, Read};

/// What the engine needs to know, fixed for the whole run.
#[derive(Debug, Clone)]
pub struct Options {
    pub selection: Selection,
    pub format: FormatChoice,
    pub limits: DatasetLimits,
    /// The model whose tokenizer and context apply, when tokens are counted (a T rule is
    /// selected, or `stats` runs). `None`: nothing is tokenized.
    pub tokens: Option<Model>,
    /// Keep a per-example record for `ftlint stats`.
    pub collect_records: bool,
    /// `--epochs N`.
    pub epochs: Option<u32>,
    /// When the target's prices were taken, for the summary line.
    pub prices_date: String,
    /// The moderation check and its score sources; `None` with `--moderation off` or no M rule.
    pub moderation: Option<std::sync::Arc<crate::moderation::ModerationRun>>,
    /// The S-family scanner with the config's extra patterns and allow-lists; `None`: the
    /// built-in one.
    pub scanner: Option<std::sync::Arc<crate::sensitive::Scanner>>,
}

impl Options {
    /// Options that run `selection` with the given limits and nothing else (no tokens, no
    /// moderation): what tests of single rule families need.
    pub fn rules_only(selection: Selection, format: FormatChoice, limits: DatasetLimits) -> Self {
        Options {
            selection,
            format,
            limits,
            tokens: None,
            collect_records: false,
            epochs: None,
            prices_date: String::new(),
            moderation: None,
            scanner: None,
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

/// The target's dataset-level limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatasetLimits {
    pub min_examples: u64,
    pub recommended_examples: u64,
    pub max_file_bytes: u64,
    pub max_image_examples: u64,
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
}

/// How many blocks one parallel batch holds (and how far the reader may run ahead).
fn batch_size() -> usize {
    (rayon::current_num_threads() * 4).clamp(4, 64)
}

/// Checks one input. I/O errors while reading are returned (the caller reports them, exit 2).
pub fn check_reader<R: Read + Send>(
    path: String,
    input: R,
    opts: &Options,
) -> io::Result<FileReport> {
    let batch = batch_size();
    std::thread::scope(|scope| {
        let rx = reader::spawn(scope, input, batch);
        let mut merger = dataset::Merger::new(opts);
        // The merger walks batch k while the pool checks batch k + 1: it runs in order on one
        // thread, and would otherwise leave the other cores idle between batches.
        let mut pending: Vec<(u64, Vec<LineOutput>)> = Vec::new();
        loop {
            let mut blocks = Vec::with_capacity(batch);
            for block in rx.iter().take(batch) {
                blocks.push(block?);
            }
            if blocks.is_empty() {
                break;
            }
            let (outputs, ()) = rayon::join(
                || {
                    blocks
                        .par_iter()
                        .map(|b| (b.data.len() as u64, check_block(b, opts)))
                        .collect::<Vec<_>>()
                },
                || {
                    for (len, lines) in pending.drain(..) {
                        merger.add_block(len, lines);
                    }
                },
            );
            pending = outputs;
        }
        for (len, lines) in pending {
            merger.add_block(len, lines);
        }
        Ok(merger.finish(path))
    })
}

fn check_block(block: &reader::Block, opts: &Options) -> Vec<LineOutput> {
    let data = &block.data[..];
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut line_no = block.first_line - 1;
    while start < data.len() {
        let (end, next, has_newline) = match memchr::memchr(b'\n', &data[start..]) {
            Some(i) => (start + i, start + i + 1, true),
            None => (data.len(), data.len(), false),
        };
        line_no += 1;
        out.push(line::check_line(
            RawLine {
                bytes: &data[start..end],
                line: line_no,
                offset: block.offset + start as u64,
                first_in_file: block.first && start == 0,
                has_newline,
            },
            opts,
        ));
        start = next;
    }
    out
}
