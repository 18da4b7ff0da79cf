//! ## What it checks
//! Lines of different formats in one file (chat and prompt/completion, supervised and
//! preference). The file's format is the one most lines have; every line of another format is
//! reported at its `{`.
//!
//! ## Why it matters
//! A fine-tuning job takes one format per file; the service rejects the mix. It usually comes
//! from concatenating files prepared for different jobs.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! {"prompt": "hi", "completion": " hello"}
//! ```
//!
//! ## Configuration
//! `--format` forces one format for every line instead of detecting it.
use crate::diagnostic::Diagnostic;
use crate::rules::{DatasetRule, DatasetState, FileFacts, LineFacts, Note, StartCtx};
use crate::diagnostic::{Finding, Target};
use crate::format::Format;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&Check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::D005,
        name: "mixed-formats",
        severity: Severity::Error,
        summary: "Lines of different formats in one file",
    })
};

struct Check;

impl DatasetRule for Check {
    fn start(&self, _: &StartCtx<'_>) -> Box<dyn DatasetState> {
        Box::new(Formats::default())
    }
}

/// Where a line's top-level `{` is: (line, file offset, column).
type BraceAt = (u64, u64, u64);

/// Per format, where each line of it is.
#[derive(Default)]
struct Formats(Vec<(Format, Vec<BraceAt>)>);

impl DatasetState for Formats {
    fn add(&mut self, line: &LineFacts, _: Option<Note>, _: &mut Vec<Diagnostic>) {
        let Some(f) = line.detected else {
            return;
        };
        let at = (line.line, line.brace.0, line.brace.1);
        match self.0.iter_mut().find(|(g, _)| *g == f) {
            Some((_, lines)) => lines.push(at),
            None => self.0.push((f, vec![at])),
        }
    }

    /// Every line not in the file's main format (the one of most lines).
    fn finish(self: Box<Self>, file: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
        let Some((main, first_line)) = file.dominant else {
            return;
        };
        for (f, lines) in &self.0 {
            if *f == main {
                continue;
            }
            for &(line, offset, column) in lines {
                let facts = LineFacts {
                    line,
                    brace: (offset, column),
                    // Only the brace is needed: D005 has no fix.
                    span: offset..offset,
                    detected: Some(*f),
                };
                out.push(facts.at_brace(finding(*f, main, first_line, lines.len() as u64)));
            }
        }
    }
}

pub fn finding(this: Format, main: Format, main_first: u64, this_count: u64) -> Finding {
    Finding::new(
        &RULE.meta,
        Target::Line,
        format!("this line is in {this} format ({this_count} such line{} in the file); the file is mostly {main} (first at line {main_first})", if this_count == 1 { "" } else { "s" }),
    )
    .help("put each format in its own file; a fine-tuning job takes one format")
}
