//! ## What it checks
//! A line that does not parse as JSON: a syntax error, a truncated value, trailing text after
//! the value, or a raw control character inside a string. The finding points where the parser
//! stopped, in characters (not bytes) from the start of the line.
//!
//! ## Why it matters
//! The upload is rejected as a whole for one bad line. Common causes are pretty-printed JSON
//! (one example over several lines — JSONL needs one per line), a line cut by a tool with a
//! length limit, and Python `repr` output (`'single quotes'`, `True`, `None`).
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}
//! ```
//!
//! ## Configuration
//! None.
use crate::json::ParseErrorKind;
use crate::rules::{LongLine, ParsedLine};
use crate::diagnostic::{Finding, Target};
use crate::json::ParseError;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    parse: Some(check),
    oversize: Some(check_long),
    ..RuleDef::new(RuleMeta {
        rule: Rule::J002,
        name: "invalid-json",
        severity: Severity::Error,
        summary: "A line does not parse as JSON",
    })
};

fn check(line: &ParsedLine<'_>, out: &mut Vec<Finding>) {
    if let Err(e) = line.parse {
        if e.kind == ParseErrorKind::Syntax {
            out.push(finding(e, line.text));
        }
    }
}

pub fn finding(e: &ParseError, text: &str) -> Finding {
    // A one-character span at the parser's stop, or an empty one at the end of the line.
    let end = text[e.byte..]
        .chars()
        .next()
        .map_or(e.byte, |c| e.byte + c.len_utf8());
    let help = help(
        &e.message,
        text[..e.byte].contains('\r'),
        text.contains('\''),
    );
    Finding::new(
        &RULE.meta,
        Target::Bytes(e.byte..end),
        format!("invalid JSON: {}", e.message),
    )
    .help(help)
}

/// A line too long to hold: serde_json's first error as the line streamed through it (the
/// line is valid UTF-8; J001 reports it otherwise, as for any line).
fn check_long(line: &LongLine<'_>, out: &mut Vec<Finding>) {
    let scan = line.scan;
    let Some(e) = scan.syntax.as_ref().filter(|e| e.kind == ParseErrorKind::Syntax) else {
        return;
    };
    if scan.utf8.is_some() {
        return;
    }
    let at = e.at as usize;
    out.push(
        Finding::new(
            &RULE.meta,
            Target::Raw(at..at + e.len as usize),
            format!("invalid JSON: {}", e.message),
        )
        .help(help(&e.message, e.cr_before, scan.quote)),
    );
}

/// What to do about serde_json's `message`; `cr_before`: a `\r` stands before the error,
/// `quote`: the line holds a `'`.
fn help(message: &str, cr_before: bool, quote: bool) -> &'static str {
    if message.starts_with("EOF while parsing") {
        "the line ends before its JSON value does: was it cut, or pretty-printed over several lines? JSONL needs one complete value per line"
    } else if message.starts_with("trailing characters") && cr_before {
        // A raw `\r` can only stand between JSON tokens: lines ended by `\r` alone.
        "the line holds a bare `\\r` before this value: are its lines ended with `\\r` alone (old Mac line endings)? JSONL lines end with `\\n` (or `\\r\\n`)"
    } else if message.starts_with("trailing characters") {
        "a line must hold exactly one JSON value; split this line or remove what follows the value"
    } else if message.starts_with("key must be a string") || quote {
        "JSON needs double quotes around keys and strings (Python `repr` output is not JSON)"
    } else if message.starts_with("control character") {
        "escape control characters inside strings (`\\n`, `\\t`, `\\u0000`)"
    } else {
        "fix the JSON syntax at this position"
    }
}
