//! One open document: its text as lines, each line's engine result kept, and the file's report
//! merged from them.
//!
//! An edit replaces some lines; only those (and any line whose context changed: the first line,
//! the last line's newline, the line ending before it) go through [`check_line`] again. The
//! dataset phase (duplicates, counts, file-level verdicts) is then folded again over every
//! line's kept summary by the engine's [`Merger`], which never re-reads the text. Kept results
//! count bytes from their own line's start, so a line keeps its result when lines above it
//! grow or shrink; the merge moves each to its place in the file.

use super::encoding::Encoding;
use crate::engine::dataset::Merger;
use crate::engine::line::{check_line, LineOutput, LineSummary, RawInput};
use crate::engine::{FileReport, Options};
use lsp_types::{Position, Range, TextDocumentContentChangeEvent};
use rayon::prelude::*;

/// Below this many lines to check, the pool is not worth waking.
const PARALLEL_FROM: usize = 64;

/// What a line's result depends on besides its own text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Context {
    first: bool,
    has_newline: bool,
    prev_crlf: bool,
}

struct Kept {
    context: Context,
    out: LineOutput,
}

pub struct Document {
    pub version: i32,
    /// The text split at `\n`: one more than the newlines (the last is empty when the text
    /// ends with one). A `\r` before a `\n` stays on its line, as the engine reads it.
    lines: Vec<String>,
    /// Per line: its last result, `None` when it must be checked.
    kept: Vec<Option<Kept>>,
    /// The lines checked by the last [`Document::check`] (for tests and the benchmark).
    pub last_checked: usize,
}

/// The merged report of a document and where its lines start, to turn the report's file
/// offsets back into positions.
pub struct Checked {
    pub report: FileReport,
    /// File offset of each line's first byte.
    pub starts: Vec<u64>,
}

impl Document {
    pub fn new(version: i32, text: &str) -> Document {
        let lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
        let kept = lines.iter().map(|_| None).collect();
        Document {
            version,
            lines,
            kept,
            last_checked: 0,
        }
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// Forgets every kept result (the settings changed).
    pub fn forget(&mut self) {
        self.kept.iter_mut().for_each(|k| *k = None);
    }

    /// Applies the client's changes in order: a change with a range replaces that range, one
    /// without replaces the whole text. A range past the end is clamped to it.
    pub fn apply(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        enc: Encoding,
    ) {
        self.version = version;
        for c in changes {
            match c.range {
                Some(range) => self.replace(range, &c.text, enc),
                None => *self = Document::new(version, &c.text),
            }
        }
    }

    fn replace(&mut self, range: Range, text: &str, enc: Encoding) {
        let (start, end) = {
            let a = self.byte_at(range.start, enc);
            let b = self.byte_at(range.end, enc);
            if b < a {
                (b, a)
            } else {
                (a, b)
            }
        };
        let (first, last) = (start.0, end.0);
        let joined = format!(
            "{}{}{}",
            &self.lines[first][..start.1],
            text,
            &self.lines[last][end.1..]
        );
        let new: Vec<String> = joined.split('\n').map(str::to_owned).collect();
        let n = new.len();
        // A line at either end of the edit whose text is unchanged (a line break typed at its
        // end, a whole line deleted before it) keeps its result.
        let mut kept: Vec<Option<Kept>> = std::iter::repeat_with(|| None).take(n).collect();
        let mut old_first = self.kept[first].take();
        let mut old_last = if last == first {
            None
        } else {
            self.kept[last].take()
        };
        if new[0] == self.lines[first] {
            kept[0] = old_first.take();
        }
        if new[n - 1] == self.lines[last] && kept[n - 1].is_none() {
            // The last line's result: its own, or the first's when the edit is in one line.
            kept[n - 1] = if last == first {
                old_first.take()
            } else {
                old_last.take()
            };
        }
        self.lines.splice(first..=last, new);
        self.kept.splice(first..=last, kept);
    }

    /// (line, byte in line) of a position, clamped to the text.
    pub fn byte_at(&self, p: Position, enc: Encoding) -> (usize, usize) {
        let line = (p.line as usize).min(self.lines.len() - 1);
        if (p.line as usize) >= self.lines.len() {
            return (line, self.lines[line].len());
        }
        (line, enc.byte(&self.lines[line], p.character))
    }

    /// The lines the engine sees: the empty one after a final newline is none.
    fn engine_lines(&self) -> usize {
        match self.lines.last() {
            Some(l) if l.is_empty() => self.lines.len() - 1,
            _ => self.lines.len(),
        }
    }

    /// Checks the lines that need it and merges every line's result into the file's report.
    pub fn check(&mut self, path: &str, opts: &Options) -> Checked {
        let n = self.engine_lines();
        let contexts = self.contexts(n);
        let stale: Vec<usize> = (0..n)
            .filter(|&i| {
                self.kept[i]
                    .as_ref()
                    .is_none_or(|k| k.context != contexts[i])
            })
            .collect();
        self.last_checked = stale.len();
        let lines = &self.lines;
        let run = |&i: &usize| (i, lint(lines, i, contexts[i], opts));
        let fresh: Vec<(usize, LineOutput)> = if stale.len() >= PARALLEL_FROM {
            stale.par_iter().map(run).collect()
        } else {
            stale.iter().map(run).collect()
        };
        for (i, out) in fresh {
            self.kept[i] = Some(Kept {
                context: contexts[i],
                out,
            });
        }
        let mut starts = Vec::with_capacity(self.lines.len());
        let mut offset = 0u64;
        for l in &self.lines {
            starts.push(offset);
            offset += l.len() as u64 + 1;
        }
        let mut merger = Merger::new(opts);
        for i in 0..n {
            let len = self.lines[i].len() as u64 + u64::from(contexts[i].has_newline);
            let kept = self.kept[i].as_ref().expect("every line was just checked");
            let out = match placed(&kept.out, starts[i], i as u64 + 1) {
                Some(out) => out,
                // A note that cannot be copied: the line is checked again, in place.
                None => {
                    let mut out = lint(&self.lines, i, contexts[i], opts);
                    shift(&mut out, starts[i]);
                    out
                }
            };
            merger.add_line(len, out);
        }
        Checked {
            report: merger.finish(path.to_owned()),
            starts,
        }
    }

    /// Each engine line's context: first line, newline, and the line ending before it (the
    /// last non-blank line's, as the block reader tracks it).
    fn contexts(&self, n: usize) -> Vec<Context> {
        let mut prev_crlf = false;
        let mut out = Vec::with_capacity(n);
        for (i, l) in self.lines[..n].iter().enumerate() {
            let has_newline = i + 1 < self.lines.len();
            out.push(Context {
                first: i == 0,
                has_newline,
                prev_crlf,
            });
            if has_newline {
                if l.ends_with('\r') {
                    prev_crlf = true;
                } else if !l.bytes().all(|b| b.is_ascii_whitespace()) {
                    prev_crlf = false;
                }
            }
        }
        out
    }
}

/// Line `i` through the engine, its offsets counted from its own start.
fn lint(lines: &[String], i: usize, c: Context, opts: &Options) -> LineOutput {
    check_line(
        RawInput {
            bytes: lines[i].as_bytes(),
            line: i as u64 + 1,
            offset: 0,
            first_in_file: c.first,
            has_newline: c.has_newline,
            prev_crlf: c.prev_crlf,
        },
        opts,
    )
}

/// A copy of a kept result at its place in the file: line `line`, starting at file offset
/// `start`. `None` when a dataset note cannot be copied.
fn placed(out: &LineOutput, start: u64, line: u64) -> Option<LineOutput> {
    let s = &out.summary;
    let notes = s
        .notes
        .iter()
        .map(|(i, n)| Some((*i, n.try_clone()?)))
        .collect::<Option<Vec<_>>>()?;
    let mut copy = LineOutput {
        diagnostics: out.diagnostics.clone(),
        summary: LineSummary {
            kind: s.kind,
            brace: s.brace,
            span: s.span.clone(),
            tokens: s.tokens,
            record: s.record,
            moderation: s.moderation.clone(),
            signals: s.signals.clone(),
            notes,
        },
    };
    for d in &mut copy.diagnostics {
        if let Some(l) = &mut d.location {
            l.line = line;
            l.end_line = line;
        }
    }
    shift(&mut copy, start);
    Some(copy)
}

/// Moves a result counted from its line's start to file offset `start`.
fn shift(out: &mut LineOutput, start: u64) {
    for d in &mut out.diagnostics {
        if let Some(l) = &mut d.location {
            l.byte_offset += start;
        }
        if let Some(f) = &mut d.fix {
            *f = f.shifted(start);
        }
    }
    let s = &mut out.summary;
    s.brace.0 += start;
    s.span = s.span.start + start..s.span.end + start;
}

impl Checked {
    /// The position of file offset `at`, in the client's encoding.
    pub fn position(&self, lines: &[String], at: u64, enc: Encoding) -> Position {
        let line = self.starts.partition_point(|&s| s <= at).saturating_sub(1);
        let Some(text) = lines.get(line) else {
            return Position::new(0, 0);
        };
        let byte = (at - self.starts[line]) as usize;
        Position::new(line as u32, enc.column(text, byte))
    }

    /// The range of file bytes `range`.
    pub fn range(&self, lines: &[String], range: std::ops::Range<u64>, enc: Encoding) -> Range {
        Range::new(
            self.position(lines, range.start, enc),
            self.position(lines, range.end, enc),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn ranged_changes_splice_lines() {
        let mut d = Document::new(1, "ab\ncd\nef\n");
        d.apply(2, vec![change(0, 1, 1, 1, "X\nY\nZ")], Encoding::Utf16);
        assert_eq!(d.text(), "aX\nY\nZd\nef\n");
        // An emoji counts two units in UTF-16: the insertion lands after it.
        let mut d = Document::new(1, "😀x");
        d.apply(2, vec![change(0, 2, 0, 2, "!")], Encoding::Utf16);
        assert_eq!(d.text(), "😀!x");
        // Past the end: clamped.
        d.apply(3, vec![change(9, 0, 9, 0, "\nend")], Encoding::Utf16);
        assert_eq!(d.text(), "😀!x\nend");
    }

    #[test]
    fn only_changed_lines_are_checked_again() {
        let opts = Options::rules_only(
            crate::diagnostic::RuleSet::all(),
            crate::format::FormatChoice::Auto,
            crate::engine::DatasetLimits::NONE,
        );
        let line = r#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}"#;
        let text = format!("{line}\n{line}\n{line}\n");
        let mut d = Document::new(1, &text);
        let codes = |c: &Checked| -> Vec<_> {
            c.report
                .diagnostics
                .iter()
                .map(|d| {
                    let at = d.location.map(|l| (l.line, l.column, l.byte_offset));
                    (d.rule.code(), at)
                })
                .collect()
        };
        let scratch = |d: &Document| Document::new(0, &d.text()).check("x.jsonl", &opts);
        let first = d.check("x.jsonl", &opts);
        assert_eq!(d.last_checked, 3);
        // An edit inside line 2: that line alone is checked again, and the report is the one
        // of the edited text checked from scratch.
        d.apply(2, vec![change(1, 44, 1, 44, "o")], Encoding::Utf16);
        let second = d.check("x.jsonl", &opts);
        assert_eq!(d.last_checked, 1);
        assert_eq!(codes(&second), codes(&scratch(&d)));
        assert_ne!(codes(&first), codes(&second));
        // Deleting a line checks none: the repeats are counted again from the kept notes.
        d.apply(3, vec![change(1, 0, 2, 0, "")], Encoding::Utf16);
        let third = d.check("x.jsonl", &opts);
        assert_eq!(d.last_checked, 0);
        assert_eq!(codes(&third), codes(&scratch(&d)));
        assert_eq!(codes(&third), codes(&first)[..codes(&third).len()].to_vec());
    }
}
