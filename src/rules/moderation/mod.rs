//! M — moderation rules. They need scores: the cache, `--scores FILE`, or `--moderation api`;
//! the scoring and thresholds live in `crate::moderation`, these files hold each rule's
//! documentation and wording.

pub mod m001_moderation_flagged;
pub mod m002_category_over_threshold;
pub mod m003_too_many_flagged;
pub mod m004_unscored;
pub mod m005_stale_scores;

use super::Rule;

/// The family's rules, in code order.
pub const RULES: &[&Rule] = &[
    &m001_moderation_flagged::RULE,
    &m002_category_over_threshold::RULE,
    &m003_too_many_flagged::RULE,
    &m004_unscored::RULE,
    &m005_stale_scores::RULE,
];

/// A score as messages print it: four decimals, or two significant digits when tiny.
pub fn fmt_score(s: f64) -> String {
    if s >= 0.0001 || s == 0.0 {
        format!("{s:.4}")
    } else {
        format!("{s:.1e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_ordered() {
        let codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
        assert_eq!(codes, ["M001", "M002", "M003", "M004", "M005"]);
    }

    #[test]
    fn docs_have_the_four_sections_in_order() {
        for src in [
            include_str!("m001_moderation_flagged.rs"),
            include_str!("m002_category_over_threshold.rs"),
            include_str!("m003_too_many_flagged.rs"),
            include_str!("m004_unscored.rs"),
            include_str!("m005_stale_scores.rs"),
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

    #[test]
    fn scores_print_compactly() {
        assert_eq!(fmt_score(0.0686868802), "0.0687");
        assert_eq!(fmt_score(0.0161863714), "0.0162");
        assert_eq!(fmt_score(2.0551e-06), "2.1e-6");
        assert_eq!(fmt_score(0.0), "0.0000");
    }
}
