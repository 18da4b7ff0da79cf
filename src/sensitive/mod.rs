//! Sensitive-data detection (the S family of rules) as a library.
//!
//! Offline heuristics for what privacy and moderation review react to: secrets (S001), e-mail
//! addresses (S002), phone numbers (S003), payment cards (S004), national IDs (S005), special
//! tokens (S007), street addresses (S008), birth dates (S009), and, at file level, personal
//! profiles of one named person (S006).
//!
//! - Patterns are data in `rules/sensitive/*.toml`, embedded and compiled once into a
//!   [`Scanner`] ([`Scanner::builtin`], or [`Scanner::new`] with user additions).
//! - One pass per string decides which patterns can match (an Aho-Corasick automaton over the
//!   patterns' trigger literals and a digit-cluster count); only those regexes run for
//!   positions, then hits are validated (Luhn, My Number, SSN ranges, …), allow-listed and
//!   de-overlapped.
//! - [`Scanner::scan_example`] works on the decoded texts of one example's messages (S009 needs
//!   the previous user message to know whether an answer states a birth date). Ranges are bytes
//!   of the decoded text; map them to the raw line with [`crate::escapes::EscapeMap`].
//! - [`ProfileAccumulator`] gathers the [`Fact`]s of every line for S006.

mod example;
mod lazy_regex;
mod patterns;
mod prefilter;
mod profile;
mod redact;
mod scanner;
mod texts;
mod validators;

use std::ops::Range;
use std::sync::Arc;

pub use patterns::PatternDef;
pub use profile::{Fact, FactKind, ProfileAccumulator, ProfileFinding};
pub use redact::{mask_digits, redact_secret};
pub use scanner::{Scanner, ScannerOptions};
pub use texts::{line_texts, message_texts, LineText, TextPointer};

use crate::rules::sensitive::RULES;

/// The text of one message, decoded (what `serde_json` gives for `content`), with its role.
/// For array content, join the text parts (or pass one `MessageText` per part with the same
/// role; `message_index` then indexes the slice you passed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageText<'a> {
    pub role: &'a str,
    pub text: &'a str,
}

/// One finding inside a message's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SensitiveMatch {
    /// Index into the slice passed to [`Scanner::scan_example`].
    pub message_index: usize,
    /// `S001`…`S009` (never `S006`, which is file level).
    pub code: &'static str,
    /// Id of the pattern that matched (`openai-api-key`, `jp-street-address`, …).
    pub pattern_id: Arc<str>,
    /// Byte range of the match in the decoded text.
    pub range: Range<usize>,
    /// Terse message; secrets and numbers are redacted.
    pub message: String,
    pub help: String,
}

/// What one example yields: findings and, for S006, facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExampleScan {
    /// Ordered by message, then position.
    pub matches: Vec<SensitiveMatch>,
    pub facts: Vec<Fact>,
}

/// Invalid pattern data (built-in or user-supplied). Every message starts with
/// `sensitive patterns: `, and carries its cause's text: it is the line the CLI prints.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ScannerError {
    /// A built-in pattern file is not valid TOML for [`patterns::PatternFile`].
    #[error("sensitive patterns: {file}: {source}")]
    BuiltinFile {
        file: &'static str,
        // Boxed: toml's error is large, and every `Result` of this type would carry its size.
        #[source]
        source: Box<toml::de::Error>,
    },
    /// `section` is `birth` or `profile`.
    #[error("sensitive patterns: missing [{section}] section")]
    MissingSection { section: &'static str },
    #[error("sensitive patterns: duplicate pattern id `{id}`")]
    DuplicateId { id: String },
    /// An `[[attribute]]`'s `kind`.
    #[error("sensitive patterns: unknown fact kind `{kind}`")]
    UnknownAttributeKind { kind: String },
    #[error(
        "sensitive patterns: pattern `{id}`: code `{code}` is not one of S001–S005, S007–S009"
    )]
    UnknownCode { id: String, code: String },
    /// `what` names the regex: `pattern `ID``, `allow-regex`, ….
    #[error("sensitive patterns: {what}: invalid regex: {source}")]
    InvalidRegex {
        what: String,
        #[source]
        source: regex::Error,
    },
    #[error("sensitive patterns: pattern `{id}`: unknown validator `{validator}`")]
    UnknownValidator { id: String, validator: String },
    /// A pattern's `fact`.
    #[error("sensitive patterns: pattern `{id}`: unknown fact kind `{kind}`")]
    UnknownFactKind { id: String, kind: String },
    #[error("sensitive patterns: empty trigger literal")]
    EmptyTrigger,
    /// The trigger automaton could not be built (too large).
    #[error("sensitive patterns: trigger literals: {source}")]
    TriggerLiterals {
        #[source]
        source: aho_corasick::BuildError,
    },
}

/// The static code of an S rule that takes patterns (not S006).
fn code_of(code: &str) -> Option<&'static str> {
    RULES
        .iter()
        .map(|r| r.code)
        .find(|c| *c == code && *c != "S006")
}
