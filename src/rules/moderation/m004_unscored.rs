//! ## What it checks
//! A text with no moderation score available: not in the cache, not in the `--scores` file,
//! and the API was not asked (`--moderation cache`, the default, never uses the network).
//! Reported only when moderation was asked for (`--moderation`, `--scores` or the config key);
//! a plain `check` with no scores says once, in the summary, that moderation was not checked.
//! ## Why it matters
//! An unscored text is an unknown: the service will score it, and ftlint cannot say whether it
//! would be flagged. With `--require-scores` (CI gates) it is an error.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "A sentence nobody has scored yet."}, {"role": "assistant", "content": "Nor this one."}]}
//! ```
//! ## Configuration
//! `--require-scores` makes it an error. Fill the cache with `ftlint moderate FILE`, or pass
//! `--scores FILE`.

use crate::diagnostic::Finding;
use crate::moderation::check::Event;
use crate::rules::ExampleCtx;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    uses_moderation: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::M004,
        name: "unscored",
        severity: Severity::Warning,
        summary: "text with no moderation score available",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    super::report(ex, out, |e| matches!(e, Event::Unscored { .. }));
}

/// Severity: an error under `--require-scores`.
pub fn severity(require_scores: bool) -> Severity {
    if require_scores {
        Severity::Error
    } else {
        Severity::Warning
    }
}

pub fn message(model: &str) -> String {
    format!("no moderation score for this text (model `{model}`)")
}

pub fn help() -> String {
    "fetch scores into the cache with `ftlint moderate FILE`, or pass `--scores FILE`".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording() {
        assert_eq!(
            message("omni-moderation-latest"),
            "no moderation score for this text (model `omni-moderation-latest`)"
        );
        assert_eq!(severity(true), Severity::Error);
        assert_eq!(severity(false), Severity::Warning);
    }
}
