//! Merging per-line results in file order, and the dataset phase: each dataset rule folds the
//! notes it took of every example, in file order, and gives its verdict when the file ends.
//! Memory is a few words per line, never the lines themselves.

use super::line::{LineKind, LineOutput, LineSummary};
use super::{FileReport, Options};
use crate::diagnostic::{Diagnostic, Rule};
use crate::format::Format;
use crate::rules::{self, DatasetState, FileFacts, LineFacts, StartCtx};
use crate::stats::ExampleRecord;
use crate::tokens::FileTokens;

pub struct Merger<'o> {
    opts: &'o Options,
    base: u64,
    bytes: u64,
    examples: u64,
    diagnostics: Vec<Diagnostic>,
    /// Rules said once per file with a count: (rule, index of the first, count).
    once: Vec<(Rule, usize, u64)>,
    /// Values said once per file (`RuleDef::once_per_value`): (rule, key) → index of the first,
    /// the other lines.
    once_values: std::collections::HashMap<(Rule, String), (usize, Vec<u64>)>,
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

impl<'o> Merger<'o> {
    pub fn new(opts: &'o Options) -> Self {
        let start = StartCtx {
            scanner: opts.scanner(),
        };
        Merger {
            opts,
            base: 0,
            bytes: 0,
            examples: 0,
            diagnostics: Vec::new(),
            once: Vec::new(),
            once_values: Default::default(),
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

    pub fn add_block(&mut self, bytes: u64, lines: Vec<LineOutput>) {
        self.bytes += bytes;
        for out in lines {
            self.add_line(0, out);
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
            self.diagnostics.extend(
                out.diagnostics
                    .into_iter()
                    .filter(|d| rules::def(d.rule.rule).ends_file),
            );
            return;
        }
        for diag in out.diagnostics {
            if rules::def(diag.rule.rule).once_per_file.is_some() {
                // A file-wide habit (CRLF, no system prompt) is said once, with a count,
                // not once per line.
                let rule = diag.rule.rule;
                if let Some(entry) = self.once.iter_mut().find(|(r, _, _)| *r == rule) {
                    entry.2 += 1;
                    // The one finding stands for every line: its fix fixes them all.
                    if let (Some(first), Some(this)) =
                        (self.diagnostics[entry.1].fix.as_mut(), diag.fix)
                    {
                        first.edits.extend(this.edits);
                    }
                    continue;
                }
                self.once.push((rule, self.diagnostics.len(), 1));
            }
            if let Some(rep) = rules::def(diag.rule.rule).once_per_value {
                if let Some(s) = &diag.snippet {
                    // A value repeated over the file (a hotline, a company address) is said
                    // once, at its first line, with the others in the message.
                    let key = (diag.rule.rule, (rep.key)(&s.text[s.span.clone()]));
                    if let Some((first, others)) = self.once_values.get_mut(&key) {
                        others.push(line);
                        if let (Some(f), Some(this)) =
                            (self.diagnostics[*first].fix.as_mut(), diag.fix)
                        {
                            f.edits.extend(this.edits);
                        }
                        continue;
                    }
                    self.once_values
                        .insert(key, (self.diagnostics.len(), Vec::new()));
                }
            }
            self.diagnostics.push(diag);
        }
        self.summarize(line, out.summary);
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
            state.add(&facts, note, &mut self.diagnostics);
        }
    }

    pub fn finish(mut self, path: String) -> FileReport {
        for &(rule, i, count) in &self.once {
            if let Some(message) = rules::def(rule).once_per_file {
                self.diagnostics[i].message = message(count);
            }
        }
        for (&(rule, _), (i, others)) in &self.once_values {
            if let (false, Some(rep)) = (others.is_empty(), rules::def(rule).once_per_value) {
                let d = &mut self.diagnostics[*i];
                d.message = (rep.message)(&d.message, others.len() as u64 + 1, others);
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
                state.finish(&facts, &mut self.diagnostics);
            }
        }
        self.diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
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
        FileReport {
            path,
            diagnostics: self.diagnostics,
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
        }
    }
}
