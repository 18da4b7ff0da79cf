//! ## What it checks
//! A file that starts with a UTF-8 byte order mark (`EF BB BF`), as Windows tools often write.
//!
//! ## Why it matters
//! JSON forbids a BOM (RFC 8259 §8.1), and a strict parser reads the first line as invalid
//! JSON. Columns on line 1 are counted after the BOM, as editors show them.
//!
//! ## Example
//! ```text
//! \xEF\xBB\xBF{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! ```
//!
//! ## Configuration
//! The target decides: a target that asks for a BOM (`bom = "required"`, Azure OpenAI) turns
//! this rule off and J011 on. `ftlint check --fix` removes it.
use crate::diagnostic::{Edit, Fix};
use crate::rules::{LongLine, RawLine};
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    raw: Some(check),
    oversize: Some(check_long),
    fixed: Some(fixed),
    ..RuleDef::new(RuleMeta {
        rule: Rule::J005,
        name: "byte-order-mark",
        severity: Severity::Warning,
        summary: "File starts with a UTF-8 BOM",
    })
};

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn check(line: &RawLine<'_>, out: &mut Vec<Finding>) {
    if line.bom() == 0 || line.bom_policy == crate::targets::BomPolicy::Required {
        return;
    }
    // Repeated BOMs would surface one by one on each rerun: take them all at once.
    let mut end = 0;
    while line.bytes[end..].starts_with(BOM) {
        end += BOM.len();
    }
    out.push(finding().with_fix(Fix::safe(
        "remove the byte order mark",
        vec![Edit::delete(0..end)],
    )));
}

/// A line too long to hold that starts the file with a BOM (no fix: the line is not held).
fn check_long(line: &LongLine<'_>, out: &mut Vec<Finding>) {
    if line.scan.bom > 0 && line.bom_policy != crate::targets::BomPolicy::Required {
        out.push(finding());
    }
}

fn fixed(_: u64) -> String {
    "removed the byte order mark".to_string()
}

pub fn finding() -> Finding {
    Finding::new(
        &RULE.meta,
        Target::Raw(0..BOM.len()),
        "the file starts with a UTF-8 byte order mark",
    )
    .help("save the file as UTF-8 without BOM")
}
