//! ## What it checks
//! An empty or whitespace-only line. The newline that ends the file's last line is not a blank
//! line; an extra empty line after it is.
//!
//! ## Why it matters
//! Some loaders skip blank lines, others fail on them (`json.loads("")` raises), and line
//! numbers in a service's error message stop matching your editor's. `ftlint check --fix`
//! removes them.
//!
//! ## Example
//! ```text
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//!
//! {"messages": [{"role": "user", "content": "bye"}, {"role": "assistant", "content": "bye"}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Edit, Fix};
use crate::rules::{LongLine, RawLine};
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    raw: Some(check),
    oversize: Some(check_long),
    fixed: Some(fixed),
    ..RuleDef::new(RuleMeta {
        rule: Rule::J004,
        name: "blank-line",
        severity: Severity::Warning,
        summary: "An empty or whitespace-only line that is not the file's final newline",
    })
};

fn check(line: &RawLine<'_>, out: &mut Vec<Finding>) {
    if !line.is_blank() {
        return;
    }
    // The whole line goes, with its `\n`; a BOM before it stays (it is J005's to remove).
    let end = line.bytes.len() + usize::from(line.has_newline);
    out.push(
        finding(line.content.clone())
            .with_fix(Fix::safe("delete the line", vec![Edit::delete(line.content.start..end)])),
    );
}

/// A line too long to hold of spaces and tabs only (no fix: the line is not held).
fn check_long(line: &LongLine<'_>, out: &mut Vec<Finding>) {
    if line.scan.blank {
        out.push(finding(line.scan.bom as usize..line.scan.content_end() as usize));
    }
}

fn fixed(n: u64) -> String {
    if n == 1 {
        "removed 1 blank line".to_string()
    } else {
        format!("removed {n} blank lines")
    }
}

/// A blank line whose spaces and tabs are `span` of the raw line.
pub fn finding(span: std::ops::Range<usize>) -> Finding {
    let len = span.len();
    let what = if len == 0 {
        "empty line"
    } else {
        "whitespace-only line"
    };
    Finding::new(
        &RULE.meta,
        Target::Raw(span),
        format!("{what}; every line should hold one example"),
    )
    .help("delete the line")
}
