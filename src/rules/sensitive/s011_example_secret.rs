//! ## What it checks
//! A credential that its provider (or a secret scanner's documentation) publishes as an
//! example: AWS's `AKIAIOSFODNN7EXAMPLE` and `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`,
//! Stripe's documentation test key, the Anthropic and Google keys that appear in public docs and
//! scanner test suites. These are not secrets: S001 does not report them. They are noted at info
//! level because a training file full of them teaches the model to hand out the same fake key.
//! ## Why it matters
//! A model that learned `AKIAIOSFODNN7EXAMPLE` as "the" AWS key repeats it to users, who paste it
//! and wonder why authentication fails. Usually harmless; worth a look when it is frequent.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "What does an AWS access key look like?"}, {"role": "assistant", "content": "Like AKIAIOSFODNN7EXAMPLE, the ID AWS uses in its documentation."}]}
//! ```
//! ## Configuration
//! The published examples are data in `rules/sensitive/s011_example_secret.toml`, each with its
//! source. Ignore the rule (`--ignore S011`) when example keys are what the data teaches.

use crate::diagnostic::Finding;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use crate::sensitive::Kind;

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::S011,
        name: "example-secret",
        severity: Severity::Info,
        summary: "A credential published as an example (not a secret)",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    super::report(ex, Kind::ExampleSecret, out);
}

/// `` published example AWS access key ID `AKIAIOSFODNN7EXAMPLE` `` — shown whole: it is public.
pub fn message(label: &str, value: &str) -> String {
    format!("published example {label} `{value}`")
}

pub fn help() -> String {
    "a documentation example, not a credential; keep it only if the data is meant to teach it".into()
}
