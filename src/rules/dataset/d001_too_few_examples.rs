//! ## What it checks
//! A file with fewer examples (lines holding a JSON object) than the target's minimum:
//! 10 for OpenAI. File-level.
//!
//! ## Why it matters
//! The service rejects the job before training starts.
//!
//! ## Example
//! A file of 7 valid chat lines.
//!
//! ## Configuration
//! The minimum comes from the target (`rules/targets/`).
use crate::rules::{AtEnd, FileFacts};
use crate::diagnostic::Diagnostic;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&AtEnd(verdict)),
    ..RuleDef::new(RuleMeta {
        rule: Rule::D001,
        name: "too-few-examples",
        severity: Severity::Error,
        summary: "Fewer examples than the target's minimum",
    })
};

fn verdict(file: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
    if file.examples < file.limits.min_examples {
        out.push(diagnostic(file.examples, file.limits.min_examples));
    }
}

pub fn diagnostic(examples: u64, min: u64) -> Diagnostic {
    Diagnostic::file_level(
        &RULE.meta,
        format!(
            "the file has {examples} example{}; the target requires at least {min}",
            plural(examples)
        ),
    )
    .with_help("add examples; 50 to 100 good ones is where fine-tuning usually starts to help")
}

pub(crate) fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
