//! ## What it checks
//! A file that does not start with a UTF-8 byte order mark, for a target that asks for one
//! (`bom = "required"` in the target: Azure OpenAI).
//!
//! ## Why it matters
//! Azure OpenAI's fine-tuning guide says training and validation files "must be encoded in
//! UTF-8 and include a byte-order mark (BOM)". Files without one are commonly accepted in
//! practice, so this is a warning, not an error: the upload may still go through, but the
//! file is not what the service documents. Every other target warns on a BOM instead (J005).
//!
//! ## Example
//! With `--target azure-openai`, a file whose first bytes are `{"messages": …` rather than
//! `EF BB BF {"messages": …`.
//!
//! ## Configuration
//! On only for targets with `bom = "required"`. `ftlint check --fix` adds the BOM.
use crate::diagnostic::{Edit, Finding, Fix, Target};
use crate::rules::RawLine;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};
use crate::targets::BomPolicy;

pub static RULE: RuleDef = RuleDef {
    raw: Some(check),
    fixed: Some(fixed),
    ..RuleDef::new(RuleMeta {
        rule: Rule::J011,
        name: "missing-byte-order-mark",
        severity: Severity::Warning,
        summary: "The target asks for a UTF-8 BOM and the file has none",
    })
};

const BOM: &str = "\u{FEFF}";

fn check(line: &RawLine<'_>, out: &mut Vec<Finding>) {
    if !line.first_in_file || line.bom_policy != BomPolicy::Required || line.bom() > 0 {
        return;
    }
    // Point at the first character (a zero-width mark at column 1 reads as a stray space).
    let first = line
        .text
        .and_then(|t| t.chars().next())
        .map_or(0, char::len_utf8);
    out.push(
        Finding::new(
            &RULE.meta,
            Target::Raw(0..first),
            "the file has no UTF-8 byte order mark, which this target asks for",
        )
        .help("save the file as \"UTF-8 with BOM\"")
        .with_fix(Fix::safe(
            "add a UTF-8 byte order mark",
            vec![Edit::insert(0, BOM)],
        )),
    );
}

fn fixed(_: u64) -> String {
    "added a UTF-8 byte order mark".to_string()
}
