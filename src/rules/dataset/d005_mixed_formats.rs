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
use crate::rules::dataset::spill::{self, Budget, Log};
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
        Box::new(Formats::new(Budget::DEFAULT.log))
    }
}

/// Per format in order of first appearance: how many lines, and where each line's top-level
/// `{` is — (line, file offset, column), written as deltas from the format's line before in a
/// few bytes each, in memory up to a budget and then on disk ([`spill::Log`]).
struct Formats {
    budget: usize,
    formats: Vec<(Format, Lines)>,
}

struct Lines {
    count: u64,
    /// The last line and brace offset written (deltas count from them).
    last: (u64, u64),
    log: Log,
}

impl Formats {
    fn new(budget: usize) -> Formats {
        Formats {
            budget,
            formats: Vec::new(),
        }
    }
}

impl DatasetState for Formats {
    fn add(&mut self, line: &LineFacts, _: Option<Note>, _: &mut Vec<Diagnostic>) {
        let Some(f) = line.detected else {
            return;
        };
        let i = match self.formats.iter().position(|(g, _)| *g == f) {
            Some(i) => i,
            None => {
                self.formats.push((
                    f,
                    Lines {
                        count: 0,
                        last: (0, 0),
                        log: Log::new(self.budget),
                    },
                ));
                self.formats.len() - 1
            }
        };
        let lines = &mut self.formats[i].1;
        let (offset, column) = line.brace;
        let buf = lines.log.buf();
        spill::put(buf, line.line - lines.last.0);
        spill::put(buf, offset - lines.last.1);
        spill::put(buf, column);
        lines.log.settle();
        lines.count += 1;
        lines.last = (line.line, offset);
    }

    /// Every line not in the file's main format (the one of most lines).
    fn finish(self: Box<Self>, file: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
        let Some((main, first_line)) = file.dominant else {
            return;
        };
        for (f, lines) in &self.formats {
            if *f == main {
                continue;
            }
            let mut at = (0u64, 0u64);
            let mut carry: Vec<u8> = Vec::new();
            lines.log.for_each_piece(|piece| {
                carry.extend_from_slice(piece);
                let mut b = &carry[..];
                loop {
                    let mut next = b;
                    let (Some(dl), Some(doff), Some(column)) = (
                        spill::get(&mut next),
                        spill::get(&mut next),
                        spill::get(&mut next),
                    ) else {
                        break;
                    };
                    b = next;
                    at = (at.0 + dl, at.1 + doff);
                    let facts = LineFacts {
                        line: at.0,
                        brace: (at.1, column),
                        // Only the brace is needed: D005 has no fix.
                        span: at.1..at.1,
                        detected: Some(*f),
                    };
                    out.push(facts.at_brace(finding(*f, main, first_line, lines.count)));
                }
                let used = carry.len() - b.len();
                carry.drain(..used);
            });
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FORMATS: [Format; 3] = [Format::Chat, Format::Completion, Format::Preference];

    /// The findings for lines of `formats` (an index into [`FORMATS`]; `None`: no format), the
    /// main one being the most common, as text.
    fn run(budget: usize, formats: &[Option<usize>]) -> Vec<String> {
        let mut state: Box<dyn DatasetState> = Box::new(Formats::new(budget));
        let mut out = Vec::new();
        let mut counts = [0u64; 3];
        let mut firsts = [0u64; 3];
        for (i, f) in formats.iter().enumerate() {
            let line = i as u64 + 1;
            if let Some(f) = f {
                counts[*f] += 1;
                if firsts[*f] == 0 {
                    firsts[*f] = line;
                }
            }
            let facts = LineFacts {
                line,
                brace: (line * 1000 + line % 5, 1 + line % 5),
                span: line * 1000..line * 1000 + 90,
                detected: f.map(|f| FORMATS[f]),
            };
            state.add(&facts, None, &mut out);
        }
        let main = (0..3)
            .filter(|&f| counts[f] > 0)
            .max_by_key(|&f| (counts[f], std::cmp::Reverse(firsts[f])));
        let file = FileFacts::for_tests(formats.len() as u64, main.map(|f| (FORMATS[f], firsts[f])));
        state.finish(&file, &mut out);
        out.iter().map(|d| format!("{d:?}")).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Lines written to disk a few bytes at a time come back as they went: the same
        /// findings, in the same order, as with everything in memory.
        #[test]
        fn a_tiny_budget_finds_what_memory_finds(
            formats in proptest::collection::vec(proptest::option::weighted(0.9, 0usize..3), 0..300),
            budget in 1usize..16,
        ) {
            prop_assert_eq!(run(budget, &formats), run(usize::MAX, &formats));
        }
    }

    #[test]
    fn the_minority_lines_at_their_braces() {
        let got = run(4, &[Some(0), Some(1), Some(0), None, Some(1), Some(0)]);
        assert_eq!(got.len(), 2);
        assert!(got[0].contains("line: 2, column: 3") && got[1].contains("line: 5, column: 1"), "{got:?}");
    }
}
