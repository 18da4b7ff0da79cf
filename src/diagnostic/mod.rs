//! What a rule reports, before and after it is given a position: the bottom layer, which names
//! rules ([`Rule`], [`RuleMeta`], [`RuleSet`]) but knows nothing of what they detect.
//!
//! Rules produce [`Finding`]s that say *what* is wrong and *where* in structural terms (a byte
//! range, a JSON pointer, a duplicate key), and may carry a [`Fix`]. The engine turns them into
//! [`Diagnostic`]s with line, column and a snippet — only for lines that have findings, since
//! most lines have none.

mod fix;
mod rule;

pub use fix::{apply_edits, Applicability, Edit, Fix, JsonEdit, JsonFix};
pub use rule::{Rule, RuleMeta, RuleSet, Severity};

use crate::json::Pointer;
use std::ops::Range;

/// Where in a line a finding points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Bytes of the physical line as read (a BOM included, the `\n` not): framing findings.
    Raw(Range<usize>),
    /// Bytes of the line text (after the line ending and any BOM are removed).
    Bytes(Range<usize>),
    /// The raw text of the value at a pointer (strings include their quotes).
    Value(Pointer),
    /// The key of the member at a pointer (for unknown keys).
    Key(Pointer),
    /// The opening `{` of the object at a pointer (for missing keys).
    ObjectStart(Pointer),
    /// The `occurrence`-th appearance of `key` in the object at `object`.
    DuplicateKey {
        object: Pointer,
        key: String,
        occurrence: usize,
    },
    /// The whole line's content.
    Line,
}

/// A finding inside one line, not yet positioned.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    /// Overrides the rule's default severity (profiles, `--require-scores`).
    pub severity: Option<Severity>,
    pub message: String,
    pub help: Option<String>,
    pub target: Target,
    /// The span is a secret: snippets show it masked, never whole (CI logs keep output).
    pub redact: bool,
    /// Edits in bytes of the physical line (see [`Edit`]).
    pub fix: Option<Fix>,
    /// A fix in terms of the value the target points at, made into `fix` by the engine.
    pub json_fix: Option<JsonFix>,
}

impl Finding {
    pub fn new(rule: &'static RuleMeta, target: Target, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: None,
            message: message.into(),
            help: None,
            target,
            redact: false,
            fix: None,
            json_fix: None,
        }
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_json_fix(mut self, fix: JsonFix) -> Self {
        self.json_fix = Some(fix);
        self
    }

    pub fn redacted(mut self) -> Self {
        self.redact = true;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// The finding with its position resolved; `line_start` is the file offset of the
    /// physical line's first byte, which the fix's edits are moved by.
    pub fn into_diagnostic(
        self,
        location: Location,
        pointer: Option<String>,
        snippet: Option<Snippet>,
        line_start: u64,
    ) -> Diagnostic {
        Diagnostic {
            rule: self.rule,
            severity: self.severity.unwrap_or(self.rule.severity),
            message: self.message,
            help: self.help,
            location: Some(location),
            pointer,
            snippet,
            fix: self.fix.map(|f| f.shifted(line_start)),
        }
    }
}

/// A position in a file. Lines and columns are 1-based; columns count Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub line: u64,
    pub column: u64,
    pub end_line: u64,
    pub end_column: u64,
    pub byte_offset: u64,
    pub byte_length: u64,
}

/// A window of the line around the span, so that a megabyte line renders as one screen line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The window's text; `…` marks a cut on either side.
    pub text: String,
    /// The span inside `text`, in bytes.
    pub span: Range<usize>,
}

/// A positioned finding, ready to render.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// `None` for file-level findings (line 0 in JSON).
    pub location: Option<Location>,
    /// RFC 6901 pointer of the value, when the finding is about one.
    pub pointer: Option<String>,
    pub snippet: Option<Snippet>,
    /// Edits in bytes of the file.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A finding about the whole file (counts, gates): no position, no snippet.
    pub fn file_level(rule: &'static RuleMeta, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.severity,
            message: message.into(),
            help: None,
            location: None,
            pointer: None,
            snippet: None,
            fix: None,
        }
    }

    /// A file-level diagnostic from a finding (its target is ignored).
    pub fn from_file_finding(f: Finding) -> Self {
        Diagnostic {
            rule: f.rule,
            severity: f.severity.unwrap_or(f.rule.severity),
            message: f.message,
            help: f.help,
            location: None,
            pointer: None,
            snippet: None,
            fix: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `--fix` would fix it: it carries a safe fix, or an unsafe one and the run has
    /// `--unsafe-fixes` (`unsafe_fixes`: a setting of the run, not of the process, so that a
    /// language server's requests may differ).
    pub fn is_fixable(&self, unsafe_fixes: bool) -> bool {
        self.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe || unsafe_fixes)
    }

    /// It carries an unsafe fix that this run does not apply (without `--unsafe-fixes`).
    pub fn has_hidden_fix(&self, unsafe_fixes: bool) -> bool {
        self.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Unsafe && !unsafe_fixes)
    }

    /// Sort key: line, column, code (file-level first). Paths are ordered by the caller.
    pub fn sort_key(&self) -> (u64, u64, &'static str) {
        let (l, c) = self.location.map_or((0, 0), |l| (l.line, l.column));
        (l, c, self.rule.code())
    }
}
