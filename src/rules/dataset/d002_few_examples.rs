//! ## What it checks
//! A file with at least the minimum but fewer than the recommended 50 examples. File-level.
//!
//! ## Why it matters
//! OpenAI's guidance: clear improvements usually need 50 to 100 well-crafted examples; with
//! fewer, a better prompt is often the cheaper fix.
//!
//! ## Example
//! A file of 20 valid chat lines.
//!
//! ## Configuration
//! The recommendation comes from the target (`rules/targets/`).
use crate::rules::{AtEnd, FileFacts};
use super::d001_too_few_examples::plural;
use crate::diagnostic::Diagnostic;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&AtEnd(verdict)),
    ..RuleDef::new(RuleMeta {
        rule: Rule::D002,
        name: "few-examples",
        severity: Severity::Info,
        summary: "Fewer than the recommended 50 examples",
    })
};

fn verdict(file: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
    let (n, l) = (file.examples, file.limits);
    // Under the minimum, D001 says it: one finding about the count, not two.
    if n >= l.min_examples && n < l.recommended_examples {
        out.push(diagnostic(n, l.recommended_examples));
    }
}

pub fn diagnostic(examples: u64, recommended: u64) -> Diagnostic {
    Diagnostic::file_level(
        &RULE.meta,
        format!(
            "the file has {examples} example{}; {recommended} or more are recommended",
            plural(examples)
        ),
    )
    .with_help(format!(
        "with fewer than {recommended} well-crafted examples, results are usually weak; add examples of the cases that matter"
    ))
}
