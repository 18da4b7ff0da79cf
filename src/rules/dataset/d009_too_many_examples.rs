//! ## What it checks
//! More examples in the file than the target accepts in one training file (Fireworks:
//! 3,000,000). File-level.
//!
//! ## Why it matters
//! The service refuses the dataset (or the job) outright; nothing is trained on.
//!
//! ## Example
//! A 3,500,000-line file with `--target fireworks`.
//!
//! ## Configuration
//! The limit is the target's `max_examples`; targets without one never report this.
use crate::diagnostic::Diagnostic;
use crate::rules::{AtEnd, FileFacts};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};
use crate::tokens::thousands;

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&AtEnd(verdict)),
    ..RuleDef::new(RuleMeta {
        rule: Rule::D009,
        name: "too-many-examples",
        severity: Severity::Error,
        summary: "More examples than the target accepts",
    })
};

fn verdict(file: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
    if file.examples > file.limits.max_examples {
        out.push(diagnostic(file.examples, file.limits.max_examples, &file.target.name));
    }
}

pub fn diagnostic(examples: u64, limit: u64, target: &str) -> Diagnostic {
    Diagnostic::file_level(
        &RULE.meta,
        format!(
            "the file has {} examples; target `{target}` accepts at most {}",
            thousands(examples),
            thousands(limit)
        ),
    )
    .with_help("split the dataset, or sample it down")
}
