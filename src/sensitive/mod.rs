//! Sensitive-data detection (the S family of rules) as a library.
//!
//! Offline heuristics for what privacy and moderation review react to: secrets, e-mail
//! addresses, phone numbers, payment cards, national IDs, special tokens, street addresses,
//! birth dates ([`Kind`]), and, at file level, personal profiles of one named person. It returns
//! typed matches; the S rules word them.
//!
//! - Patterns are data in `rules/sensitive/*.toml`, embedded and compiled once into a
//!   [`Scanner`] ([`Scanner::builtin`], or [`Scanner::new`] with user additions).
//! - One pass per string decides which patterns can match (an Aho-Corasick automaton over the
//!   patterns' trigger literals and a digit-cluster count); only those regexes run for
//!   positions, then hits are validated (Luhn, My Number, SSN ranges, …), allow-listed and
//!   de-overlapped.
//! - [`Scanner::scan_example`] works on the decoded texts of one example's messages (a birth date needs
//!   the previous user message to know whether an answer states a birth date). Ranges are bytes
//!   of the decoded text; map them to the raw line with [`crate::escapes::EscapeMap`].
//! - [`ProfileAccumulator`] gathers the [`Fact`]s of every line into personal profiles.

mod example;
mod lazy_regex;
mod patterns;
mod pii;
mod prefilter;
mod profile;
mod redact;
mod scanner;
mod secrets;
mod texts;
mod validators;

use std::ops::Range;
use std::sync::Arc;

pub use patterns::PatternDef;
pub use profile::{Fact, FactKind, ProfileAccumulator, ProfileFinding};
pub use redact::{
    mask_digits, mask_secrets, mask_secrets_in_raw, redact_secret, secret_ranges_in_raw,
};
pub use scanner::{Scanner, ScannerOptions};
pub use texts::{line_texts, message_texts, LineText, TextPointer};

/// The text of one message, decoded (what `serde_json` gives for `content`), with its role.
/// For array content, join the text parts (or pass one `MessageText` per part with the same
/// role; `message_index` then indexes the slice you passed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageText<'a> {
    pub role: &'a str,
    pub text: &'a str,
}

/// What a match is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Secret,
    /// A credential published as an example (`AKIAIOSFODNN7EXAMPLE`): S011, an info.
    ExampleSecret,
    EmailAddress,
    PhoneNumber,
    PaymentCard,
    NationalId,
    SpecialToken,
    StreetAddress,
    BirthDate,
    Iban,
}

impl Kind {
    /// Pattern files (built-in and the config's `[sensitive]`) name a pattern's kind by the code
    /// of the rule that reports it (`code = "S002"`), the name users know: read here, once,
    /// when a pattern is compiled.
    pub fn from_pattern_code(code: &str) -> Option<Kind> {
        Some(match code {
            "S001" => Kind::Secret,
            "S002" => Kind::EmailAddress,
            "S003" => Kind::PhoneNumber,
            "S004" => Kind::PaymentCard,
            "S005" => Kind::NationalId,
            "S007" => Kind::SpecialToken,
            "S008" => Kind::StreetAddress,
            "S009" => Kind::BirthDate,
            "S010" => Kind::Iban,
            "S011" => Kind::ExampleSecret,
            _ => return None,
        })
    }

    /// Which kind wins when two hits overlap: a secret over anything, a card over a phone, …
    fn rank(self) -> u8 {
        match self {
            // A published example key is also a match of its provider's pattern: it says which.
            Kind::ExampleSecret => 0,
            Kind::Secret => 1,
            Kind::SpecialToken => 2,
            // An IBAN's digits are never read as a card or a phone.
            Kind::Iban => 3,
            Kind::PaymentCard => 4,
            Kind::NationalId => 5,
            Kind::EmailAddress => 6,
            Kind::PhoneNumber => 7,
            Kind::StreetAddress => 8,
            Kind::BirthDate => 9,
        }
    }
}

/// One match inside a message's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SensitiveMatch {
    /// Index into the slice passed to [`Scanner::scan_example`].
    pub message_index: usize,
    pub kind: Kind,
    /// Id of the pattern that matched (`openai-api-key`, `jp-street-address`, …).
    pub pattern_id: Arc<str>,
    /// The pattern's label (`OpenAI API key`, `US SSN`, …).
    pub label: Arc<str>,
    /// Byte range of the match in the decoded text.
    pub range: Range<usize>,
    /// For a birth date: the cue that makes it one (`生年月日`, `date of birth`), and whether
    /// the cue is in the question the message answers rather than beside the date.
    pub cue: Option<(String, bool)>,
}

/// What one example yields: matches, and the facts they state about people.
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
        "sensitive patterns: pattern `{id}`: code `{code}` is not one of S001–S005, S007–S011"
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
    /// `prefixes` in a user's pattern: redaction reads only the built-in files' prefixes.
    #[error("sensitive patterns: pattern `{id}`: `prefixes` is read only in ftlint's own pattern files (rules/sensitive/)")]
    UserPrefixes { id: String },
    #[error("sensitive patterns: empty trigger literal")]
    EmptyTrigger,
    /// The trigger automaton could not be built (too large).
    #[error("sensitive patterns: trigger literals: {source}")]
    TriggerLiterals {
        #[source]
        source: aho_corasick::BuildError,
    },
}
