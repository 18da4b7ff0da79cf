//! ## What it checks
//! An example identical to an earlier line's, compared as parsed JSON (key order and spacing do
//! not matter). The finding is on the later line, at its `{`, and names the first one.
//!
//! ## Why it matters
//! Duplicates are trained on several times per epoch, over-weighting them, and inflate the
//! cost. They usually come from concatenating overlapping exports.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! ```
//!
//! ## Fix
//! Unsafe (`--fix --unsafe-fixes`): every repeat is dropped and the first occurrence kept, in
//! one pass over the file (lines are compared after the line-level fixes of the same run).
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::json::hash;
use crate::rules::dataset::spill::{self, Budget, FirstSeen, Spilled};
use crate::rules::{DatasetRule, DatasetState, ExampleCtx, FileFacts, LineFacts, Note, StartCtx};
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&Check),
    fixed: Some(fixed),
    unsafe_fix: true,
    drops_repeats: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::D003,
        name: "duplicate-example",
        severity: Severity::Warning,
        summary: "The same example as an earlier line",
    })
};

struct Check;

impl DatasetRule for Check {
    fn note(&self, ex: &ExampleCtx<'_>) -> Option<Note> {
        Some(Note::Hash(hash::hash_value(ex.value)))
    }

    fn start(&self, _: &StartCtx<'_>) -> Box<dyn DatasetState> {
        Box::new(Seen(FirstSeen::new(Budget::DEFAULT)))
    }
}

/// Example hash → the first line that had it; past the memory budget, the lines still to
/// compare are spilled with where their findings point ([`spill`](super::spill)).
struct Seen(FirstSeen<u64, At>);

impl DatasetState for Seen {
    fn add(&mut self, line: &LineFacts, note: Option<Note>, out: &mut Vec<Diagnostic>) {
        let Some(Note::Hash(h)) = note else {
            return;
        };
        match self.0.get(h) {
            Some(&first) => out.push(duplicate(line, first)),
            None => self.0.insert(h, line.line, line.line, || At::of(line)),
        }
    }

    /// The repeats among the spilled lines.
    fn finish(self: Box<Self>, _: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
        self.0
            .finish(|first, (line, at)| out.push(duplicate(&at.facts(*line), first.0)));
    }
}

/// A repeat of `first_line`'s example, at `line`'s brace, with the fix that drops the line.
fn duplicate(line: &LineFacts, first_line: u64) -> Diagnostic {
    line.at_brace(finding(first_line).with_fix(Fix::unsafe_edits(
        "drop the duplicate line",
        vec![Edit {
            range: line.span.clone(),
            content: String::new(),
        }],
    )))
}

/// What a spilled line's finding needs: its brace (offset and column) and its bytes (the
/// span's start before the brace, and its length).
struct At {
    brace: u64,
    column: u64,
    lead: u64,
    len: u64,
}

impl At {
    fn of(line: &LineFacts) -> At {
        At {
            brace: line.brace.0,
            column: line.brace.1,
            lead: line.brace.0 - line.span.start,
            len: line.span.end - line.span.start,
        }
    }

    fn facts(&self, line: u64) -> LineFacts {
        let start = self.brace - self.lead;
        LineFacts {
            line,
            brace: (self.brace, self.column),
            span: start..start + self.len,
            detected: None,
        }
    }
}

impl Spilled for At {
    fn encode(&self, out: &mut Vec<u8>) {
        for v in [self.brace, self.column, self.lead, self.len] {
            spill::put(out, v);
        }
    }

    fn decode(b: &mut &[u8]) -> Option<At> {
        Some(At {
            brace: spill::get(b)?,
            column: spill::get(b)?,
            lead: spill::get(b)?,
            len: spill::get(b)?,
        })
    }
}

pub fn finding(first_line: u64) -> Finding {
    Finding::new(
        &RULE.meta,
        Target::Line,
        format!("same example as line {first_line}"),
    )
    .help("remove the duplicate; it is trained on twice per epoch")
}

fn fixed(n: u64) -> String {
    if n == 1 {
        "dropped 1 duplicate example".to_string()
    } else {
        format!("dropped {n} duplicate examples")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The findings of `hashes` (one per line; `None`: no note) with `budget`, in output order
    /// sorted by line, as text.
    pub(crate) fn run(state: Box<dyn DatasetState>, hashes: &[Option<u128>]) -> Vec<String> {
        let mut state = state;
        let mut out = Vec::new();
        for (i, h) in hashes.iter().enumerate() {
            let line = i as u64 + 1;
            // Lines of varied length and indentation, so positions differ per line.
            let start = line * 100;
            let facts = LineFacts {
                line,
                brace: (start + line % 3, 1 + line % 3),
                span: start..start + 50 + line % 7,
                detected: None,
            };
            state.add(&facts, h.map(Note::Hash), &mut out);
        }
        let file = FileFacts::for_tests(hashes.len() as u64, None);
        state.finish(&file, &mut out);
        out.sort_by_key(|d| d.location.map(|l| l.line));
        out.iter().map(|d| format!("{d:?}")).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// With a tiny budget (a map of a few keys, runs of a few lines) the findings are the
        /// in-memory ones: the same lines, the same first line named, the same fix.
        #[test]
        fn a_tiny_budget_finds_what_memory_finds(
            hashes in proptest::collection::vec(
                proptest::option::weighted(0.9, prop_oneof![0u128..12, any::<u128>()]), 0..200),
            map in 0usize..4,
            run_len in 1usize..6,
        ) {
            let all = run(Box::new(Seen(FirstSeen::new(Budget { map: usize::MAX, run: usize::MAX, log: 1 }))), &hashes);
            let tiny = run(Box::new(Seen(FirstSeen::new(Budget { map, run: run_len, log: 1 }))), &hashes);
            prop_assert_eq!(tiny, all);
        }
    }
}
