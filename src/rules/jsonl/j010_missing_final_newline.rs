//! ## What it checks
//! The file's last line has no newline after it. A last line ending in a bare carriage return
//! (`\r` with no `\n`) has none either: the message says so, and the fix ends it as the file's
//! other lines end (`\r` becomes `\n` in a file of `\n` endings; `\n` completes `\r\n` in a
//! file of `\r\n` endings).
//!
//! ## Why it matters
//! `cat a.jsonl b.jsonl > train.jsonl` then glues the last example of one file to the first of
//! the next, making one invalid line. POSIX defines a line as ending with a newline.
//!
//! ## Example
//! A file whose last byte is `}` rather than `\n`.
//!
//! ## Configuration
//! None. `ftlint check --fix` adds the newline.
use crate::diagnostic::{Edit, Fix};
use crate::rules::{LongLine, RawLine};
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    raw: Some(check),
    oversize: Some(check_long),
    fixed: Some(fixed),
    ..RuleDef::new(RuleMeta {
        rule: Rule::J010,
        name: "missing-final-newline",
        severity: Severity::Info,
        summary: "The last line has no newline",
    })
};

fn check(line: &RawLine<'_>, out: &mut Vec<Finding>) {
    if line.text.is_none() || line.has_newline {
        return;
    }
    let f = if line.crlf() {
        bare_cr_finding(line.content.end)
    } else {
        finding(line.content.end)
    };
    // A blank last line is J004's to delete; ending it would only make another blank line.
    if line.is_blank() {
        out.push(f);
        return;
    }
    // The new ending matches the file's (like the line before): a bare `\r` becomes `\n` in a
    // file of `\n` endings, and gets its `\n` in a file of `\r\n` endings.
    let edit = match (line.crlf(), line.prev_crlf) {
        (true, false) => Edit {
            range: line.content.end as u64..line.bytes.len() as u64,
            content: "\n".into(),
        },
        (true, true) | (false, false) => Edit::insert(line.bytes.len(), "\n"),
        (false, true) => Edit::insert(line.bytes.len(), "\r\n"),
    };
    out.push(f.with_fix(Fix::safe("add a newline at the end of the file", vec![edit])));
}

/// A line too long to hold that ends the file without a newline (no fix: the line is not
/// held).
fn check_long(line: &LongLine<'_>, out: &mut Vec<Finding>) {
    let scan = line.scan;
    if scan.utf8.is_some() || scan.has_newline {
        return;
    }
    let end = scan.content_end() as usize;
    out.push(if scan.crlf { bare_cr_finding(end) } else { finding(end) });
}

fn fixed(_: u64) -> String {
    "added the final newline".to_string()
}

pub fn finding(at: usize) -> Finding {
    Finding::new(&RULE.meta, Target::Raw(at..at), "no newline at end of file")
        .help("end the file with a newline")
}

/// The last line ends with the bare `\r` at `at`.
pub fn bare_cr_finding(at: usize) -> Finding {
    Finding::new(
        &RULE.meta,
        Target::Raw(at..at + 1),
        "no newline at end of file: the last line ends with a bare `\\r` (a carriage return without `\\n`)",
    )
    .help("end the file with a newline (`\\n`); JSONL lines end with `\\n` or `\\r\\n`, never `\\r` alone")
}
