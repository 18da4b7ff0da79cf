//! Merging per-line results in file order, and the rules that need the whole file.
//!
//! Duplicates and conflicts are found on the fly (a hash map from content hash to first line);
//! formats are tallied and judged at the end, when the dominant one is known. Memory is a few
//! words per line, never the lines themselves.

use super::line::{LineKind, LineOutput, LineSummary};
use super::{FileReport, Options};
use crate::diagnostic::{Diagnostic, Location};
use crate::format::Format;
use crate::rules::chat::{c020_missing_user_message as c020, c021_missing_system_message as c021};
use crate::rules::dataset as d;
use crate::rules::jsonl::j006_crlf_line_ending as j006;
use crate::stats::ExampleRecord;
use crate::tokens::FileTokens;
use std::collections::HashMap;

/// (line, file offset of its `{`, column of its `{`): where a dataset finding points.
type BraceAt = (u64, u64, u64);

/// The maps' keys are already 128-bit content hashes (xxh3): hashing them again with SipHash
/// on the one thread that merges in order would only cost time.
type PreHashed = std::hash::BuildHasherDefault<KeyBits>;

/// A hasher that takes the key's own first 8 bytes.
#[derive(Default)]
struct KeyBits(u64);

impl std::hash::Hasher for KeyBits {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // `[u64; 2]` arrives as one 16-byte write (after its length, as a `usize`).
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(word);
        }
    }
    fn write_usize(&mut self, _: usize) {}
}

pub struct Merger<'o> {
    opts: &'o Options,
    base: u64,
    bytes: u64,
    examples: u64,
    image_examples: u64,
    diagnostics: Vec<Diagnostic>,
    /// Rules reported once per file with a count: (code, index of the first, count).
    once: Vec<(&'static str, usize, u64)>,
    /// Example hash → first line. Keys as `[u64; 2]`, not `u128`: 8-byte alignment makes an
    /// entry 24 bytes instead of 32, which matters at millions of lines.
    seen: HashMap<[u64; 2], u64, PreHashed>,
    /// Conversation-prefix hash → (answer hash, first line). The answer is compared with one
    /// earlier answer only, so 64 bits of it are plenty.
    conversations: HashMap<[u64; 2], (u64, u64), PreHashed>,
    tokens: FileTokens,
    records: Vec<ExampleRecord>,
    moderation: crate::moderation::check::Tally,
    profiles: crate::sensitive::ProfileAccumulator,
    /// Per format, every line of that format.
    formats: Vec<(Format, Vec<BraceAt>)>,
}

impl<'o> Merger<'o> {
    pub fn new(opts: &'o Options) -> Self {
        Merger {
            opts,
            base: 0,
            bytes: 0,
            examples: 0,
            image_examples: 0,
            diagnostics: Vec::new(),
            once: Vec::new(),
            tokens: FileTokens::default(),
            records: Vec::new(),
            moderation: Default::default(),
            // Only S006 needs the scanner's setting; other runs must not pay for compiling it.
            profiles: crate::sensitive::ProfileAccumulator::new(
                if opts
                    .selection
                    .is_enabled(&crate::rules::sensitive::s006_personal_profile::RULE)
                {
                    opts.scanner().min_profile_kinds()
                } else {
                    1
                },
            ),
            seen: HashMap::default(),
            conversations: HashMap::default(),
            formats: Vec::new(),
        }
    }

    pub fn add_block(&mut self, bytes: u64, lines: Vec<LineOutput>) {
        self.bytes += bytes;
        let count = lines.len() as u64;
        for (i, out) in lines.into_iter().enumerate() {
            let line = self.base + i as u64 + 1;
            for diag in out.diagnostics {
                if once_message(diag.rule.code, 1).is_some() {
                    // A file-wide habit (CRLF, no system prompt) is said once, with a count,
                    // not once per line.
                    let code = diag.rule.code;
                    if let Some(entry) = self.once.iter_mut().find(|(c, _, _)| *c == code) {
                        entry.2 += 1;
                        continue;
                    }
                    self.once.push((code, self.diagnostics.len(), 1));
                }
                self.diagnostics.push(diag);
            }
            self.summarize(line, &out.summary);
        }
        self.base += count;
    }

    fn summarize(&mut self, line: u64, s: &LineSummary) {
        let LineKind::Example(format) = s.kind else {
            return;
        };
        self.examples += 1;
        if let (Some(t), Some(model)) = (s.tokens, &self.opts.tokens) {
            self.tokens.add(t, model.context);
        }
        if let Some(r) = s.record {
            self.records.push(r);
        }
        if let Some(m) = &s.moderation {
            self.moderation.add(m);
        }
        if let Some(scan) = &s.sensitive {
            self.profiles.add(line, scan);
        }
        if s.has_images {
            self.image_examples += 1;
        }
        if let Some(h) = s.example_hash {
            let h = halves(h);
            match self.seen.get(&h) {
                Some(&first) => self.push(line, s, d::d003_duplicate_example::finding(first)),
                None => {
                    self.seen.insert(h, line);
                }
            }
        }
        if let Some((prefix, answer)) = s.conversation {
            let (prefix, answer) = (halves(prefix), answer as u64);
            match self.conversations.get(&prefix) {
                Some(&(earlier, first)) if earlier != answer => {
                    self.push(line, s, d::d004_conflicting_answers::finding(first));
                }
                Some(_) => {}
                None => {
                    self.conversations.insert(prefix, (answer, line));
                }
            }
        }
        if let Some(f) = format {
            let entry = match self.formats.iter_mut().find(|(g, _)| *g == f) {
                Some(e) => e,
                None => {
                    self.formats.push((f, Vec::new()));
                    self.formats.last_mut().expect("just pushed")
                }
            };
            entry.1.push((line, s.brace.0, s.brace.1));
        }
    }

    /// A dataset finding about one line, pointing at its top-level `{`.
    fn push(&mut self, line: u64, s: &LineSummary, f: crate::diagnostic::Finding) {
        if !self.opts.selection.is_enabled(f.rule) {
            return;
        }
        self.diagnostics.push(at_brace(f, line, s.brace));
    }

    pub fn finish(mut self, path: String) -> FileReport {
        let sel = self.opts.selection.clone();
        let limits = self.opts.limits;
        for &(code, i, count) in &self.once {
            if let Some(message) = once_message(code, count) {
                self.diagnostics[i].message = message;
            }
        }
        // Dominant format: most lines; ties go to the format seen first.
        let dominant = self
            .formats
            .iter()
            .enumerate()
            .max_by_key(|(i, (_, lines))| (lines.len(), std::cmp::Reverse(*i)))
            .map(|(_, (f, lines))| (*f, lines[0].0));
        if let Some((main, first_line)) = dominant {
            if sel.is_enabled(&d::d005_mixed_formats::RULE) {
                for (f, lines) in &self.formats {
                    if *f == main {
                        continue;
                    }
                    for &(line, off, col) in lines {
                        let finding = d::d005_mixed_formats::finding(
                            *f,
                            main,
                            first_line,
                            lines.len() as u64,
                        );
                        self.diagnostics.push(at_brace(finding, line, (off, col)));
                    }
                }
            }
        }
        let mut file_level = Vec::new();
        let (mut riskiest, mut moderation_note) = (Vec::new(), None);
        if let Some(m) = &self.opts.moderation {
            let verdict = m.check.finish(std::mem::take(&mut self.moderation));
            if let Some(g) = verdict.gate {
                let mut d = Diagnostic::file_level(g.rule, g.message).with_help(g.help);
                d.severity = g.severity;
                file_level.push(d);
            }
            riskiest = crate::moderation::check::format_riskiest(&verdict.riskiest);
            moderation_note = verdict.not_checked_note;
        }
        for p in std::mem::replace(
            &mut self.profiles,
            crate::sensitive::ProfileAccumulator::new(0),
        )
        .finish()
        {
            file_level.push(
                Diagnostic::file_level(
                    &crate::rules::sensitive::s006_personal_profile::RULE,
                    p.message,
                )
                .with_help(p.help),
            );
        }
        let n = self.examples;
        if n < limits.min_examples {
            file_level.push(d::d001_too_few_examples::diagnostic(n, limits.min_examples));
        } else if n < limits.recommended_examples {
            file_level.push(d::d002_few_examples::diagnostic(
                n,
                limits.recommended_examples,
            ));
        }
        if self.bytes > limits.max_file_bytes {
            file_level.push(d::d006_file_too_large::diagnostic(
                self.bytes,
                limits.max_file_bytes,
            ));
        }
        if self.image_examples > limits.max_image_examples {
            file_level.push(d::d007_too_many_image_examples::diagnostic(
                self.image_examples,
                limits.max_image_examples,
            ));
        }
        self.diagnostics
            .extend(file_level.into_iter().filter(|d| sel.is_enabled(d.rule)));
        self.diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let (tokens, epochs, cost, token_summary) = match &self.opts.tokens {
            Some(model) => {
                let epochs = crate::tokens::epochs(n, self.opts.epochs);
                (
                    Some(self.tokens),
                    Some(epochs),
                    crate::tokens::estimated_cost(model, self.tokens.billed, epochs),
                    Some(crate::tokens::summary_line(
                        &self.tokens,
                        epochs,
                        model,
                        &self.opts.prices_date,
                    )),
                )
            }
            None => (None, None, None, None),
        };
        FileReport {
            path,
            diagnostics: self.diagnostics,
            lines: self.base,
            examples: self.examples,
            format: dominant.map(|(f, _)| f),
            bytes: self.bytes,
            tokens,
            epochs,
            estimated_cost_usd: cost,
            token_summary,
            records: self.records,
            riskiest,
            moderation_note,
        }
    }
}

fn at_brace(f: crate::diagnostic::Finding, line: u64, (offset, column): (u64, u64)) -> Diagnostic {
    let location = Location {
        line,
        column,
        end_line: line,
        end_column: column + 1,
        byte_offset: offset,
        byte_length: 1,
    };
    f.into_diagnostic(location, Some(String::new()), None)
}

/// The message of a once-per-file rule for `count` occurrences; `None` for other rules.
fn once_message(code: &str, count: u64) -> Option<String> {
    match code {
        c if c == j006::RULE.code => Some(j006::message(count)),
        c if c == c020::RULE.code => Some(c020::message(count)),
        c if c == c021::RULE.code => Some(c021::message(count)),
        _ => None,
    }
}

fn halves(h: u128) -> [u64; 2] {
    [h as u64, (h >> 64) as u64]
}
