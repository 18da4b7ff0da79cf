//! ## What it checks
//! Lines that end with `\r\n` (Windows line endings). Reported once per file, at the first
//! such line, with the number of lines that have one. A carriage return with no `\n` after it
//! is not a `\r\n`: at the end of the file it is J010's (no final newline), and between two
//! JSON values (`\r`-only line endings) the line does not parse (J002 says so).
//!
//! ## Why it matters
//! Most JSON parsers accept the `\r` as whitespace, but tools that split on `\n` keep it, and
//! a mixed file produces diffs where every line changed. It is informational.
//!
//! ## Example
//! ```text
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\r\n
//! ```
//!
//! ## Configuration
//! None. `ftlint check --fix` converts to `\n`. The one finding's fix (in `--output-format
//! json`) holds an edit for every line; past 65,536 of them it is left out, whole, and the help
//! says so: `--fix` still converts every line.
use crate::diagnostic::{Edit, Fix};
use crate::rules::{LongLine, RawLine};
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    raw: Some(check),
    oversize: Some(check_long),
    once_per_file: Some(message),
    fixed: Some(fixed),
    ..RuleDef::new(RuleMeta {
        rule: Rule::J006,
        name: "crlf-line-ending",
        severity: Severity::Info,
        summary: "Line ends with `\\r\\n`",
    })
};

fn check(line: &RawLine<'_>, out: &mut Vec<Finding>) {
    // Only a `\r` the line's `\n` follows: a last line ending in a bare `\r` is J010's.
    if line.text.is_none() || !line.crlf() || !line.has_newline {
        return;
    }
    // Fixing one `\r` may expose another (`\r\r\n`): the fix takes them all (a `\r` after a
    // JSON value is only whitespace).
    let end = line.bytes.len();
    let start = line.bytes[line.content.start..]
        .iter()
        .rposition(|b| *b != b'\r')
        .map_or(line.content.start, |i| line.content.start + i + 1);
    out.push(finding(line.content.end).with_fix(Fix::safe(
        "convert the line ending to `\\n`",
        vec![Edit::delete(start..end)],
    )));
}

/// A line too long to hold that ends with `\r\n` (no fix: the line is not held).
fn check_long(line: &LongLine<'_>, out: &mut Vec<Finding>) {
    let scan = line.scan;
    if scan.utf8.is_none() && scan.crlf && scan.has_newline {
        out.push(finding(scan.content_end() as usize));
    }
}

fn fixed(n: u64) -> String {
    if n == 1 {
        "converted 1 CRLF line ending to `\\n`".to_string()
    } else {
        format!("converted {n} CRLF line endings to `\\n`")
    }
}

/// The `\r` at `at` in the raw line.
pub fn finding(at: usize) -> Finding {
    Finding::new(&RULE.meta, Target::Raw(at..at + 1), message(1))
        .help("convert the file to `\\n` line endings")
}

pub fn message(lines: u64) -> String {
    if lines == 1 {
        "line ends with `\\r\\n`".to_string()
    } else {
        format!("line ends with `\\r\\n` ({lines} lines in this file do)")
    }
}
