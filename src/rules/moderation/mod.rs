//! M — moderation rules. They need scores: the cache, `--scores FILE`, or `--moderation api`;
//! the scoring and thresholds live in `crate::moderation`, which returns typed results
//! (`Event`, `Gate`); these files pick theirs and hold each rule's documentation and wording.

// The family's rule files (`mNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_moderation.rs"));

pub use crate::moderation::fmt_score;

use crate::diagnostic::{Finding, Target};
use crate::json::Pointer;
use crate::moderation::check::{Event, UnitEvent};
use crate::rules::ExampleCtx;

/// A moderation result as a finding of the rule that reports it.
pub fn describe(e: &UnitEvent) -> Finding {
    let at = target(e);
    match &e.kind {
        Event::Flagged { hits, model } => Finding::new(
            &m001_moderation_flagged::RULE.meta,
            at,
            m001_moderation_flagged::message(hits, model),
        )
        .help(m001_moderation_flagged::help()),
        Event::OverThreshold {
            hit,
            profile,
            model,
        } => Finding::new(
            &m002_category_over_threshold::RULE.meta,
            at,
            m002_category_over_threshold::message(hit, profile, model),
        )
        .help(m002_category_over_threshold::help(hit))
        .severity(m002_category_over_threshold::severity(hit)),
        Event::Unscored { model, required } => {
            Finding::new(&m004_unscored::RULE.meta, at, m004_unscored::message(model))
                .help(m004_unscored::help())
                .severity(m004_unscored::severity(*required))
        }
        Event::Stale { recorded, current } => Finding::new(
            &m005_stale_scores::RULE.meta,
            at,
            m005_stale_scores::message(recorded, current),
        )
        .help(m005_stale_scores::help()),
    }
}

/// The example's moderation results that `mine` selects, as findings.
pub fn report(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>, mine: fn(&Event) -> bool) {
    for e in ex.moderation.into_iter().flatten() {
        if mine(&e.kind) {
            out.push(describe(e));
        }
    }
}

/// Where a finding about a scored text points: the text's value, or the whole line when whole
/// examples are scored.
pub fn target(e: &UnitEvent) -> Target {
    if e.pointer.is_empty() {
        Target::Line
    } else {
        Target::Value(Pointer::parse(&e.pointer))
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn docs_have_the_four_sections_in_order() {
        for src in [
            include_str!("m001_moderation_flagged.rs"),
            include_str!("m002_category_over_threshold.rs"),
            include_str!("m003_too_many_flagged.rs"),
            include_str!("m004_unscored.rs"),
            include_str!("m005_stale_scores.rs"),
            include_str!("m006_moderation_verdict.rs"),
            include_str!("m007_scores_cannot_rank.rs"),
            include_str!("m008_scoring_model_mismatch.rs"),
        ] {
            let heads: Vec<&str> = src
                .lines()
                .take_while(|l| l.starts_with("//!"))
                .filter(|l| l.starts_with("//! ## "))
                .collect();
            assert_eq!(
                heads,
                [
                    "//! ## What it checks",
                    "//! ## Why it matters",
                    "//! ## Example",
                    "//! ## Configuration"
                ]
            );
            assert!(src.contains("//! ```jsonl"));
        }
    }
}
