//! ## What it checks
//! A text (a message's content or a tool call's arguments; the whole example with
//! `--moderation-unit example`) that the moderation source marked `flagged`. The finding spans
//! that text's value and names the flagged categories with their scores and the scoring model.
//! ## Why it matters
//! The fine-tuning service runs moderation over every example and rejects the whole file at
//! `validating_files` when too many are flagged ("This training file was blocked by our
//! moderation system…"), without naming the lines. A flagged example is the clearest case.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Write a threat to my neighbour."}, {"role": "assistant", "content": "I will hurt you and your family if you park there again."}]}
//! ```
//! (with a score for the assistant message whose `flagged` is `true`)
//! ## Configuration
//! Scores come from the cache, `--scores FILE` or `--moderation api`. A profile with
//! `use_flagged = false` ignores the source's verdict.

use crate::diagnostic::Finding;
use crate::moderation::check::Event;
use crate::rules::ExampleCtx;
use crate::moderation::profile::Hit;
use crate::moderation::Scale;
use crate::rules::moderation::fmt_score;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    uses_moderation: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::M001,
        name: "moderation-flagged",
        severity: Severity::Error,
        summary: "the moderation source set `flagged` for this text",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    super::report(ex, out, |e| matches!(e, Event::Flagged { .. }));
}

/// `hits` are the `flagged_only` hits of the text (may be empty when the source flagged the
/// text without marking a category).
pub fn message(hits: &[Hit], model: &str) -> String {
    let cats: Vec<String> = hits
        .iter()
        .filter(|h| h.flagged_only)
        .map(|h| match h.scale {
            Scale::Probability => format!("`{}` {}", h.category, fmt_score(h.score)),
            Scale::Severity => format!("`{}` severity {}", h.category, h.scale.fmt_value(h.score)),
        })
        .collect();
    if cats.is_empty() {
        format!("moderation flagged this text (model `{model}`)")
    } else {
        format!(
            "moderation flagged this text: {} (model `{model}`)",
            cats.join(", ")
        )
    }
}

pub fn help() -> String {
    "rewrite or remove this example: the service blocks training files with too many flagged examples"
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::profile::Level;
    use crate::moderation::scores::Category;

    #[test]
    fn names_categories_and_model() {
        let hit = Hit {
            category: Category::Violence,
            score: 0.91234,
            threshold: None,
            level: Level::Error,
            flagged_only: true,
            scale: Scale::Probability,
        };
        assert_eq!(
            message(&[hit], "omni-moderation-2024-09-26"),
            "moderation flagged this text: `violence` 0.9123 (model `omni-moderation-2024-09-26`)"
        );
        assert_eq!(
            message(&[], "m"),
            "moderation flagged this text (model `m`)"
        );
    }
}
