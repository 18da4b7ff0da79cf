//! ## What it checks
//! The file's last line has no newline after it.
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
use crate::rules::RawLine;
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    raw: Some(check),
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
    let f = finding(line.content.end);
    // A blank last line is J004's to delete; ending it would only make another blank line.
    if line.is_blank() {
        out.push(f);
        return;
    }
    // The new ending matches the file's: after a kept `\r`, or like the line before.
    let ending = if line.prev_crlf && !line.crlf() {
        "\r\n"
    } else {
        "\n"
    };
    out.push(f.with_fix(Fix::safe(
        "add a newline at the end of the file",
        vec![Edit::insert(line.bytes.len(), ending)],
    )));
}

fn fixed(_: u64) -> String {
    "added the final newline".to_string()
}

pub fn finding(at: usize) -> Finding {
    Finding::new(&RULE.meta, Target::Raw(at..at), "no newline at end of file")
        .help("end the file with a newline")
}
