//! Merging per-line results in file order, and the dataset phase: each dataset rule folds the
//! notes it took of every example, in file order, and gives its verdict when the file ends.
//! Memory is a few words per line, never the lines themselves; findings go to a
//! [`Store`](super::findings::Store), which keeps a bounded number of them in memory.

use super::findings::{Findings, Patch, PatchData, Spill, Store};
use super::line::{LineKind, LineOutput, LineSummary};
use super::{FileReport, Options};
use crate::diagnostic::{Diagnostic, Edit, Rule};
use crate::format::Format;
use crate::rules::{self, DatasetState, FileFacts, LineFacts, StartCtx};
use crate::stats::ExampleRecord;
use crate::tokens::FileTokens;
use std::collections::HashMap;
use std::sync::Arc;

pub struct Merger<'o> {
    opts: &'o Options,
    base: u64,
    bytes: u64,
    examples: u64,
    findings: Store,
    /// What a dataset rule adds, moved to `findings` after each call.
    scratch: Vec<Diagnostic>,
    /// Rules said once per file with a count.
    once: Vec<(Rule, Once)>,
    /// Values said once per file (`RuleDef::once_per_value`): (rule, a 128-bit hash of the
    /// key) → the first and what the others add. A hash, so that a file of distinct values
    /// costs a few words each.
    once_values: HashMap<(Rule, u128), Once>,
    /// The once-said findings' memory: how many values `once_values` may track, and how many
    /// other occurrences' edits they may keep, before the bounds below apply.
    once_bounds: OnceBounds,
    /// Edits kept by the once-said findings, against `once_bounds.edits`.
    once_kept: usize,
    /// `once_values` stays full even without its single values: new values are not tracked.
    values_full: bool,
    tokens: FileTokens,
    records: Vec<ExampleRecord>,
    moderation: crate::moderation::check::Tally,
    signals: crate::moderation::verdict::SignalTally,
    /// One state per dataset rule of the plan, in plan order.
    states: Vec<Box<dyn DatasetState>>,
    /// Per detected format: how many lines, and the first.
    formats: Vec<(Format, u64, u64)>,
    /// A finding of a rule that ends the file (`RuleDef::ends_file`) was seen: the lines from
    /// then on are not examples and have no other finding.
    ended: bool,
}

/// How much the once-said findings may keep: a file of a million CRLF lines or of a million
/// distinct phone numbers must not cost memory per line (issue 19: memory must not depend on
/// how many findings there are).
#[derive(Debug, Clone, Copy)]
pub struct OnceBounds {
    /// Distinct values tracked by `once_values`. When the table is full, the values seen only
    /// once so far are forgotten (their finding is already in the store and needs no patch);
    /// if it is still half full after that, new values are not tracked any more and each of
    /// their occurrences is its own finding. A forgotten value seen again starts over: a second
    /// finding, counting from there.
    pub values: usize,
    /// Edits of other occurrences kept, over every once-said finding of the file. The finding
    /// whose edit would pass it loses its fix instead (a fix is whole or absent, never partial):
    /// its help says `--fix` still applies it, line by line.
    pub edits: usize,
}

impl OnceBounds {
    /// 65,536 values (about 10 MiB) and 65,536 edits (2.5–5 MiB).
    pub const DEFAULT: OnceBounds = OnceBounds {
        values: 1 << 16,
        edits: 1 << 16,
    };

    /// [`OnceBounds::DEFAULT`], or `FTLINT_ONCE_BOUNDS=VALUES,EDITS` (a hidden setting for
    /// tests, like `FTLINT_FINDINGS_BUDGET`).
    pub fn from_env() -> OnceBounds {
        let parsed = std::env::var("FTLINT_ONCE_BOUNDS").ok().and_then(|v| {
            let (values, edits) = v.split_once(',')?;
            Some(OnceBounds {
                values: values.trim().parse().ok()?,
                edits: edits.trim().parse().ok()?,
            })
        });
        parsed.unwrap_or(OnceBounds::DEFAULT)
    }
}

/// A finding said once for many: its sequence number in the store and what the others add.
struct Once {
    seq: u64,
    /// Whether the first has a fix (the others' edits join it then).
    has_fix: bool,
    /// The fix was dropped: the others' edits passed [`OnceBounds::edits`].
    fix_dropped: bool,
    count: u64,
    others: crate::rules::OtherLines,
    edits: Vec<Edit>,
}

impl Once {
    fn new(seq: u64, has_fix: bool) -> Once {
        Once {
            seq,
            has_fix,
            fix_dropped: false,
            count: 1,
            others: Default::default(),
            edits: Vec::new(),
        }
    }

    /// One more occurrence, on `line`. `kept`: the edits kept by every once-said finding of
    /// the file, against `bound`.
    fn add(
        &mut self,
        line: u64,
        fix: Option<crate::diagnostic::Fix>,
        kept: &mut usize,
        bound: usize,
    ) {
        self.count += 1;
        self.others.push(line);
        if let (true, false, Some(f)) = (self.has_fix, self.fix_dropped, fix) {
            if kept.saturating_add(f.edits.len()) > bound {
                *kept -= self.edits.len();
                self.edits = Vec::new();
                self.fix_dropped = true;
                return;
            }
            // The one finding stands for every line: its fix fixes them all.
            *kept += f.edits.len();
            self.edits.extend(f.edits);
        }
    }

    fn patch(self, message: fn(&Diagnostic, &PatchData) -> String) -> Patch {
        Patch {
            message: Some(message),
            data: PatchData {
                count: self.count,
                others: self.others,
            },
            edits: self.edits,
            fix_dropped: self.fix_dropped,
        }
    }
}

/// The once-per-file message of the patched finding's rule.
fn once_per_file_message(d: &Diagnostic, p: &PatchData) -> String {
    match rules::def(d.rule.rule).once_per_file {
        Some(message) => message(p.count),
        None => d.message.clone(),
    }
}

/// The once-per-value message of the patched finding's rule.
fn once_per_value_message(d: &Diagnostic, p: &PatchData) -> String {
    match rules::def(d.rule.rule).once_per_value {
        Some(rep) => (rep.message)(&d.message, p.count, &p.others),
        None => d.message.clone(),
    }
}

impl<'o> Merger<'o> {
    /// A merger that keeps every finding in memory: one editor document, `--fix`, `convert`.
    pub fn new(opts: &'o Options) -> Self {
        Merger::with_spill(opts, Spill::unbounded())
    }

    /// A merger whose findings spill to `spill`'s temporary file beyond its budget.
    pub fn with_spill(opts: &'o Options, spill: Arc<Spill>) -> Self {
        let start = StartCtx {
            scanner: opts.scanner(),
        };
        Merger {
            opts,
            base: 0,
            bytes: 0,
            examples: 0,
            findings: Store::new(spill),
            scratch: Vec::new(),
            once: Vec::new(),
            once_values: Default::default(),
            once_bounds: OnceBounds::from_env(),
            once_kept: 0,
            values_full: false,
            tokens: FileTokens::default(),
            records: Vec::new(),
            moderation: Default::default(),
            signals: Default::default(),
            states: opts
                .plan
                .dataset
                .iter()
                .filter_map(|r| r.dataset)
                .map(|d| d.start(&start))
                .collect(),
            formats: Vec::new(),
            ended: false,
        }
    }

    /// A block's lines; an error is the findings' temporary file's (the run stops).
    pub fn add_block(&mut self, bytes: u64, lines: Vec<LineOutput>) -> std::io::Result<()> {
        self.bytes += bytes;
        for out in lines {
            self.add_line(0, out);
        }
        match self.findings.take_error() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The next line of the file, `bytes` long (with its `\n`): what the language server
    /// feeds from its kept per-line results, one line at a time.
    pub fn add_line(&mut self, bytes: u64, out: LineOutput) {
        self.bytes += bytes;
        self.base += 1;
        let line = self.base;
        if self.ended {
            return;
        }
        if out
            .diagnostics
            .iter()
            .any(|d| rules::def(d.rule.rule).ends_file)
        {
            self.ended = true;
            for d in out.diagnostics {
                if rules::def(d.rule.rule).ends_file {
                    self.findings.push(d);
                }
            }
            return;
        }
        for diag in out.diagnostics {
            if rules::def(diag.rule.rule).once_per_file.is_some() {
                // A file-wide habit (CRLF, no system prompt) is said once, with a count,
                // not once per line.
                let rule = diag.rule.rule;
                if let Some((_, once)) = self.once.iter_mut().find(|(r, _)| *r == rule) {
                    once.add(line, diag.fix, &mut self.once_kept, self.once_bounds.edits);
                    continue;
                }
                let has_fix = diag.fix.is_some();
                let seq = self.findings.push(diag);
                self.once.push((rule, Once::new(seq, has_fix)));
                continue;
            }
            if let Some(rep) = rules::def(diag.rule.rule).once_per_value {
                if let Some(s) = &diag.snippet {
                    // A value repeated over the file (a hotline, a company address) is said
                    // once, at its first line, with the others in the message.
                    let key = (rep.key)(&s.text[s.span.clone()]);
                    let key = (diag.rule.rule, xxhash_rust::xxh3::xxh3_128(key.as_bytes()));
                    if let Some(once) = self.once_values.get_mut(&key) {
                        once.add(line, diag.fix, &mut self.once_kept, self.once_bounds.edits);
                        continue;
                    }
                    let has_fix = diag.fix.is_some();
                    let seq = self.findings.push(diag);
                    if self.track_new_value() {
                        self.once_values.insert(key, Once::new(seq, has_fix));
                    }
                    continue;
                }
            }
            self.findings.push(diag);
        }
        self.summarize(line, out.summary);
    }

    /// Whether `once_values` may take one more value (see [`OnceBounds::values`]).
    fn track_new_value(&mut self) -> bool {
        if self.values_full {
            return false;
        }
        if self.once_values.len() < self.once_bounds.values {
            return true;
        }
        // A value seen once has no patch to make: forgetting it loses nothing said so far.
        self.once_values.retain(|_, o| o.count > 1);
        if self.once_values.len() > self.once_bounds.values / 2 {
            self.values_full = true;
            return false;
        }
        true
    }

    fn summarize(&mut self, line: u64, s: LineSummary) {
        let LineKind::Example(detected) = s.kind else {
            return;
        };
        self.examples += 1;
        if let (Some(t), Some(p)) = (s.tokens, &self.opts.tokens) {
            self.tokens.add(t, p.model.context);
        }
        if let Some(r) = s.record {
            self.records.push(r);
        }
        if let Some(m) = &s.moderation {
            self.moderation.add(m);
        }
        if let Some(signals) = &s.signals {
            self.signals.add(line, signals);
        }
        if let Some(f) = detected {
            match self.formats.iter_mut().find(|(g, _, _)| *g == f) {
                Some(entry) => entry.1 += 1,
                None => self.formats.push((f, 1, line)),
            }
        }
        let facts = LineFacts {
            line,
            brace: s.brace,
            span: s.span.clone(),
            detected,
        };
        let mut notes = s.notes.into_iter().peekable();
        for (i, state) in self.states.iter_mut().enumerate() {
            let note = notes.next_if(|(j, _)| *j == i).map(|(_, n)| n);
            state.add(&facts, note, &mut self.scratch);
        }
        for d in self.scratch.drain(..) {
            self.findings.push(d);
        }
    }

    /// The report with every finding in `diagnostics`: for a merger made by [`Merger::new`].
    pub fn finish(self, path: String) -> FileReport {
        let (mut report, findings) = self
            .finish_findings(path)
            .expect("a merger that keeps its findings in memory never writes a file");
        report.diagnostics = findings
            .into_vec()
            .expect("findings kept in memory read back without I/O");
        report
    }

    /// The report (its `diagnostics` empty) and its findings in output order, which may be in
    /// the temporary file. An error is that file's.
    pub fn finish_findings(mut self, path: String) -> std::io::Result<(FileReport, Findings)> {
        let mut patches: HashMap<u64, Patch> = HashMap::new();
        for (_, once) in std::mem::take(&mut self.once) {
            patches.insert(once.seq, once.patch(once_per_file_message));
        }
        for (_, once) in std::mem::take(&mut self.once_values) {
            if once.count > 1 {
                patches.insert(once.seq, once.patch(once_per_value_message));
            }
        }
        // Main format: most lines; ties go to the format seen first.
        let dominant = self
            .formats
            .iter()
            .enumerate()
            .max_by_key(|(i, (_, n, _))| (*n, std::cmp::Reverse(*i)))
            .map(|(_, (f, _, first))| (*f, *first));
        let (mut riskiest, mut moderation_note, mut verdict) = (Vec::new(), None, None);
        let mut summary = None;
        if let Some(m) = &self.opts.moderation {
            let v = m.finish(
                std::mem::take(&mut self.moderation),
                std::mem::take(&mut self.signals),
                self.opts.scanner().min_profile_kinds(),
            );
            riskiest = crate::moderation::check::format_riskiest(&v.riskiest);
            moderation_note = v.not_checked_note.clone();
            summary = Some(crate::moderation::summary::ModerationSummary::of(m, &v));
            verdict = Some(v);
        }
        let facts = FileFacts {
            examples: self.examples,
            bytes: self.bytes,
            limits: &self.opts.limits,
            target: &self.opts.target,
            model: self.opts.model.as_ref(),
            format_fixed: matches!(self.opts.format, crate::format::FormatChoice::Fixed(_)),
            today: self.opts.today,
            dominant,
            moderation: verdict.as_ref(),
        };
        // A file that is not JSON Lines has no examples to judge.
        if !self.ended {
            for state in std::mem::take(&mut self.states) {
                state.finish(&facts, &mut self.scratch);
            }
            for d in self.scratch.drain(..) {
                self.findings.push(d);
            }
        }
        // The order of the output comes from the store's merge (see `findings`).
        let n = self.examples;
        let (tokens, epochs, cost, token_summary) = match &self.opts.tokens {
            Some(p) => {
                let epochs = p.epochs(n, self.opts.epochs);
                let cost = p.cost(self.tokens.billed, epochs).usd();
                (
                    Some(self.tokens),
                    Some(epochs),
                    cost,
                    // Nothing was counted in a file that is not JSON Lines.
                    (!self.ended).then(|| p.summary_line(&self.tokens, epochs)),
                )
            }
            None => (None, None, None, None),
        };
        let report = FileReport {
            path,
            diagnostics: Vec::new(),
            lines: self.base,
            examples: self.examples,
            format: dominant.map(|(f, _)| f),
            bytes: self.bytes,
            tokens,
            tokens_exact: self.opts.tokens.as_ref().map(|p| p.counter.is_exact()),
            epochs,
            estimated_cost_usd: cost,
            token_summary,
            records: self.records,
            riskiest,
            moderation_note,
            moderation: summary,
            accepted: 0,
        };
        Ok((report, Findings::new(self.findings, patches)?))
    }
}
