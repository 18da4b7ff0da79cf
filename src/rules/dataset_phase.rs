//! The dataset phase: rules that judge the whole file. Each keeps a small note per example
//! (taken in the pool, with the line), folds the notes in file order, and gives its verdict
//! at the end of the file. Memory is a few words per example, never the examples, and bounded:
//! past a budget the states spill to a temporary file (`dataset::spill`).

use super::ExampleCtx;
use crate::diagnostic::{Diagnostic, Finding, Location};
use crate::format::Format;
use crate::moderation::check::FileReport as ModerationReport;
use crate::sensitive::Scanner;
use std::any::Any;

/// The target's dataset-level limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatasetLimits {
    pub min_examples: u64,
    pub recommended_examples: u64,
    pub max_file_bytes: u64,
    pub max_image_examples: u64,
    /// More examples than this and the service rejects the file (`u64::MAX`: no limit).
    pub max_examples: u64,
    /// A longer line is no example any service takes: it streams, never held
    /// (`rules/line.toml`).
    pub max_line_bytes: u64,
}

impl DatasetLimits {
    /// No limit at all (fix passes, tests of single rules).
    pub const NONE: DatasetLimits = DatasetLimits {
        min_examples: 0,
        recommended_examples: 0,
        max_file_bytes: u64::MAX,
        max_image_examples: u64::MAX,
        max_examples: u64::MAX,
        max_line_bytes: u64::MAX,
    };

    /// The limits `target` sets.
    pub fn of(target: &crate::targets::Target) -> DatasetLimits {
        DatasetLimits {
            min_examples: target.min_examples,
            recommended_examples: target.recommended_examples,
            max_file_bytes: target.max_file_bytes,
            max_image_examples: target.max_image_examples.unwrap_or(u64::MAX),
            max_examples: target.max_examples.unwrap_or(u64::MAX),
            max_line_bytes: crate::input::oversize::max_line_bytes(),
        }
    }
}

/// What a dataset rule keeps of one example.
pub enum Note {
    /// A content hash.
    Hash(u128),
    /// Two content hashes (e.g. a conversation and its answer).
    Pair(u128, u128),
    /// The example has what the rule counts.
    Flag,
    /// Anything larger, rarely taken.
    Other(Box<dyn Any + Send>),
}

impl Note {
    /// A copy, for a caller that folds the same notes more than once (the language server
    /// re-runs the dataset phase on each edit); `None` for [`Note::Other`], which cannot be
    /// copied: that line is checked again instead.
    pub fn try_clone(&self) -> Option<Note> {
        match self {
            Note::Hash(h) => Some(Note::Hash(*h)),
            Note::Pair(a, b) => Some(Note::Pair(*a, *b)),
            Note::Flag => Some(Note::Flag),
            Note::Other(_) => None,
        }
    }
}

/// One example line as the dataset phase sees it, in file order.
pub struct LineFacts {
    pub line: u64,
    /// File offset and column of the line's top-level `{`, where findings about it point.
    pub brace: (u64, u64),
    /// The physical line's bytes in the file, its `\n` included.
    pub span: std::ops::Range<u64>,
    /// The format the line was detected as (`None`: no format's signature key).
    pub detected: Option<Format>,
}

impl LineFacts {
    /// A finding about this line, pointing at its top-level `{`.
    pub fn at_brace(&self, f: Finding) -> Diagnostic {
        let (offset, column) = self.brace;
        let location = Location {
            line: self.line,
            column,
            end_line: self.line,
            end_column: column + 1,
            byte_offset: offset,
            byte_length: 1,
        };
        f.into_diagnostic(location, Some(String::new()), None, 0)
    }
}

/// What the dataset rules know when a file is done.
pub struct FileFacts<'a> {
    /// Lines holding a JSON object.
    pub examples: u64,
    pub bytes: u64,
    pub limits: &'a DatasetLimits,
    /// The target the file is judged for.
    pub target: &'a crate::targets::Target,
    /// The run's model, when the target knows it.
    pub model: Option<&'a crate::targets::Model>,
    /// `--format` forced one format on every line (no detection).
    pub format_fixed: bool,
    /// The day lifecycle facts are judged by.
    pub today: crate::targets::Date,
    /// The file's main format (the one of most lines; a tie goes to the one seen first) and
    /// the first line of it.
    pub dominant: Option<(Format, u64)>,
    /// The moderation verdict, when moderation ran.
    pub moderation: Option<&'a ModerationReport>,
}

impl FileFacts<'static> {
    /// A file of `examples` examples for the dataset rules' unit tests: the built-in `openai`
    /// target, no limits, no model, no moderation, a fixed day.
    #[cfg(test)]
    pub fn for_tests(examples: u64, dominant: Option<(Format, u64)>) -> Self {
        FileFacts {
            examples,
            bytes: 0,
            limits: &DatasetLimits::NONE,
            target: crate::targets::Target::builtin("openai").expect("the built-in openai target"),
            model: None,
            format_fixed: false,
            today: crate::targets::Date::new(2026, 1, 1).expect("a valid date"),
            dominant,
            moderation: None,
        }
    }
}

/// What a dataset rule may need to start a file.
pub struct StartCtx<'a> {
    pub scanner: &'a Scanner,
}

/// A rule of the dataset phase.
pub trait DatasetRule: Sync {
    /// In the pool, per example: what this rule keeps of it.
    fn note(&self, _ex: &ExampleCtx<'_>) -> Option<Note> {
        None
    }

    /// A fresh state for one file.
    fn start(&self, ctx: &StartCtx<'_>) -> Box<dyn DatasetState>;
}

/// One dataset rule's state over one file.
pub trait DatasetState {
    /// Each example line in file order, with the note this rule took of it.
    fn add(&mut self, _line: &LineFacts, _note: Option<Note>, _out: &mut Vec<Diagnostic>) {}

    /// After the last line.
    fn finish(self: Box<Self>, _file: &FileFacts<'_>, _out: &mut Vec<Diagnostic>) {}
}

/// A dataset rule that only judges the finished file (counts, sizes, the moderation gate): its
/// verdict function, called once at the end.
pub struct AtEnd(pub fn(&FileFacts<'_>, &mut Vec<Diagnostic>));

impl DatasetRule for AtEnd {
    fn start(&self, _: &StartCtx<'_>) -> Box<dyn DatasetState> {
        Box::new(AtEndState(self.0))
    }
}

struct AtEndState(fn(&FileFacts<'_>, &mut Vec<Diagnostic>));

impl DatasetState for AtEndState {
    fn finish(self: Box<Self>, file: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
        (self.0)(file, out)
    }
}
