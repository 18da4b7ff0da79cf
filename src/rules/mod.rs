//! The rules: one file each, owning its metadata, documentation, detection, wording and fix.
//!
//! A rule file is `src/rules/<family>/<code>_<name>.rs` (e.g. `chat/c005_unknown_role.rs`). Its
//! `//!` comment is the rule's documentation (`ftlint rule CODE` prints it), and its
//! `pub static RULE: RuleDef` gives the metadata and the hooks of the phases it runs in.
//! `build.rs` finds the files: the `Rule` enum, the family's `mod` declarations and the
//! [`registry`] are generated from them, so a rule is added by adding a file (and its
//! `fixtures/<CODE>/` folder and snapshot).
//!
//! The phases, in the order the engine drives them:
//! - **raw line** ([`RawLine`]): the bytes of one physical line — framing, UTF-8, BOM, CRLF,
//!   blank lines;
//! - **parse** ([`ParsedLine`]): what the one JSON parse of the line says — syntax, duplicate
//!   keys, lone surrogates, nesting, a value that is not an object;
//! - **oversize** ([`LongLine`]): instead of every phase above and below, for a line too long
//!   to hold (`rules/line.toml`): what streaming it found (UTF-8, syntax, nesting, lone
//!   surrogates, top-level kind, BOM, line ending);
//! - **schema**: a failing keyword of the format's JSON Schema, which the schema maps to the
//!   rule that words it ([`schema`]);
//! - **example** ([`ExampleCtx`]): one parsed example in its format;
//! - **dataset** ([`DatasetRule`]): a note per example, folded in file order, and a verdict at
//!   the end of the file;
//! - **run** ([`RunCtx`]): once per run, before any file (the model exists).
//!
//! Outside `check`, `ftlint convert` words what a conversion cannot carry over with the
//! **convert** hook ([`convert::LossCtx`]): the `X` family.

pub mod alpaca;
pub mod bedrock;
pub mod chat;
pub mod completion;
mod context;
pub mod convert;
pub mod dataset;
mod dataset_phase;
pub mod gemini;
pub mod jsonl;
pub mod moderation;
mod plan;
pub mod preference;
pub mod registry;
pub mod rft;
pub mod schema;
pub mod select;
pub mod sensitive;
pub mod sharegpt;
pub mod tokens;
pub mod trl;

pub use crate::diagnostic::{Rule, RuleMeta, RuleSet, Severity};
pub use context::{
    run_checks, Conversation, ExampleCtx, HfExample, LongLine, ParsedLine, RawLine, RunCtx, Scope,
    SensitiveLine, PREFERENCE_OUTPUTS, TRL_PROMPT_AND_ANSWERS,
};
pub use dataset_phase::{
    AtEnd, DatasetLimits, DatasetRule, DatasetState, FileFacts, LineFacts, Note, StartCtx,
};
pub use plan::Plan;
pub use registry::{all, by_code, def, meta};
pub use select::select;

use crate::diagnostic::Finding;

/// A raw-line rule: looks at one physical line's bytes.
pub type RawCheck = fn(&RawLine<'_>, &mut Vec<Finding>);
/// A rule for lines too long to hold: looks at what streaming the line found. Its findings
/// point at bytes of the raw line (`Target::Raw`) that the stream marked.
pub type OversizeCheck = fn(&LongLine<'_>, &mut Vec<Finding>);
/// A parse rule: looks at what the line's JSON parse found.
pub type ParseCheck = fn(&ParsedLine<'_>, &mut Vec<Finding>);
/// A schema rule: words one failing keyword of the format's schema.
pub type SchemaCheck = fn(&schema::Issue<'_>) -> Vec<Finding>;
/// An example rule: looks at one parsed example.
pub type ExampleCheck = fn(&ExampleCtx<'_>, &mut Vec<Finding>);
/// A run rule: looks at the run's settings once.
pub type RunCheck = fn(&RunCtx<'_>, &mut Vec<Finding>);
/// A conversion rule: words one loss `ftlint convert` reports (nothing when the loss is not
/// its kind).
pub type ConvertCheck = fn(&convert::LossCtx<'_>, &mut Vec<Finding>);

/// A rule: what it is and the hooks of the phases it runs in. Every hook is optional; a rule
/// has at least one.
pub struct RuleDef {
    pub meta: RuleMeta,
    pub raw: Option<RawCheck>,
    pub parse: Option<ParseCheck>,
    /// A line too long to hold, instead of the line's other phases.
    pub oversize: Option<OversizeCheck>,
    pub schema: Option<SchemaCheck>,
    pub example: Option<ExampleCheck>,
    pub dataset: Option<&'static dyn DatasetRule>,
    pub run: Option<RunCheck>,
    /// `ftlint convert`: a loss of a conversion (the `X` family).
    pub convert: Option<ConvertCheck>,
    /// A file-wide habit (CRLF everywhere, no system prompt anywhere) is said once per file,
    /// at its first line, with this message for the number of lines it was found on.
    pub once_per_file: Option<fn(u64) -> String>,
    /// A value repeated over the file (one hotline on 297 lines) is said once, at its first
    /// occurrence, with the count and the other lines: see [`Repeats`].
    pub once_per_value: Option<Repeats>,
    /// What `--fix` says it did after applying this rule's fix `n` times (rules with a fix).
    pub fixed: Option<fn(u64) -> String>,
    /// A finding of this rule says the file is not JSON Lines at all (one JSON array over many
    /// lines): it is then the file's one finding. Every other finding of its line and of the
    /// lines after it is dropped, those lines are not examples, and no dataset rule judges the
    /// file — hundreds of invalid-JSON errors would only hide what to do.
    pub ends_file: bool,
    /// The rule's fix changes content: applied only with `--unsafe-fixes`.
    pub unsafe_fix: bool,
    /// A dataset rule whose note is what makes an example a repeat (a content hash): its fix
    /// drops every line whose note an earlier line had, keeping the first.
    pub drops_repeats: bool,
    /// The rule reads the example's token count (and the report's token summary follows it).
    pub uses_tokens: bool,
    /// The rule reads moderation scores: moderation runs only when such a rule is selected.
    pub uses_moderation: bool,
}

/// How a rule reports one value repeated over a file once: the findings whose `key` (of the
/// matched text, as the snippet shows it) is equal are one finding, at the first, whose message
/// becomes `message(first message, count, the other lines)` (the first dozen distinct ones and
/// how many there are, see [`OtherLines`]); its fix carries every
/// occurrence's edits.
#[derive(Clone, Copy)]
pub struct Repeats {
    pub key: fn(&str) -> String,
    pub message: fn(&str, u64, &OtherLines) -> String,
}

/// The other lines of a value said once per file ([`Repeats`]): the first few and how many,
/// so that memory does not grow with the repeats (the engine pushes them in file order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OtherLines {
    /// The first [`OtherLines::KEPT`] distinct lines, in file order.
    pub first: Vec<u64>,
    /// Distinct lines in all.
    pub distinct: u64,
    /// The last line pushed (a line may hold the value more than once).
    last: Option<u64>,
}

impl OtherLines {
    /// Lines kept by number: a message shows a dozen and counts the rest.
    pub const KEPT: usize = 12;

    /// One more occurrence, on `line` (lines come in file order).
    pub fn push(&mut self, line: u64) {
        if self.last == Some(line) {
            return;
        }
        self.last = Some(line);
        self.distinct += 1;
        if self.first.len() < Self::KEPT {
            self.first.push(line);
        }
    }

    /// Made from every other line, in file order (tests, and callers with a list at hand).
    pub fn of(lines: &[u64]) -> OtherLines {
        let mut o = OtherLines::default();
        for &l in lines {
            o.push(l);
        }
        o
    }
}

impl RuleDef {
    /// A rule with metadata and no hook yet: fill in the hooks with struct update syntax.
    pub const fn new(meta: RuleMeta) -> RuleDef {
        RuleDef {
            meta,
            raw: None,
            parse: None,
            oversize: None,
            schema: None,
            example: None,
            dataset: None,
            run: None,
            convert: None,
            once_per_file: None,
            once_per_value: None,
            fixed: None,
            ends_file: false,
            unsafe_fix: false,
            drops_repeats: false,
            uses_tokens: false,
            uses_moderation: false,
        }
    }
}
