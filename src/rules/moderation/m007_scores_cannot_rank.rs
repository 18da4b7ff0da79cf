//! ## What it checks
//! File level: moderation scores that cannot rank the file's examples, said once instead of as
//! noise on every line. Either every scored example carries the same score although their texts
//! differ (one score of the whole text, or of a concatenation, copied to every example), or the
//! `--scores` file holds records of the other text unit than the run scores (records for whole
//! examples, pointer `""`, with `--moderation-unit message`, or records for single messages with
//! `--moderation-unit example`), so no text finds its score. In the second case the M004
//! finding each unscored text would get is left out. The riskiest-examples list is left out
//! when the scores cannot rank.
//! ## Why it matters
//! The service judges examples one by one. A score of the concatenated file says how the text
//! reads as a whole, not which examples to fix: its copies make every line look equally risky
//! and the "riskiest examples" list meaningless. Records of the other unit silently score
//! nothing, and the file is then reported as if it had no scores at all.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris."}]}
//! {"messages": [{"role": "user", "content": "What is the capital of Japan?"}, {"role": "assistant", "content": "Tokyo."}]}
//! ```
//! (with a `--scores` file giving both lines the same record, as a score of the two lines
//! joined would)
//! ## Configuration
//! Score each example, then check with those scores: `ftlint moderate FILE --moderation-unit
//! example --export SCORES` (network) and `--scores SCORES --moderation-unit example`; or match
//! `--moderation-unit` to the records. With `--require-scores` the unit mismatch is an error, as
//! the M004 findings it stands for would be.

use crate::diagnostic::Diagnostic;
use crate::moderation::fmt_score;
use crate::moderation::ranking::CannotRank;
use crate::moderation::summary::unit_name;
use crate::moderation::units::UnitMode;
use crate::rules::{AtEnd, FileFacts};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&AtEnd(verdict)),
    uses_moderation: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::M007,
        name: "scores-cannot-rank",
        severity: Severity::Warning,
        summary: "the scores cannot rank the examples: one score copied to every example, or records of the other unit",
    })
};

/// Whether the scores can rank is the moderation pass's finding; this rule words it.
fn verdict(file: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
    let Some(c) = file
        .moderation
        .and_then(|m| m.ranking.cannot_rank.as_ref())
    else {
        return;
    };
    let mut d = Diagnostic::file_level(&RULE.meta, message(c)).with_help(help(c));
    if let CannotRank::UnitMismatch { required: true, .. } = c {
        d.severity = Severity::Error;
    }
    out.push(d);
}

pub fn message(c: &CannotRank) -> String {
    match c {
        CannotRank::Identical {
            examples,
            model,
            top,
        } => {
            let top = top.map_or(String::new(), |(cat, s)| {
                format!("; `{cat}` {}", fmt_score(s))
            });
            format!(
                "all {examples} scored examples have the same moderation score (`{model}`{top}): one score of the whole text copied to every example cannot say which examples drive the risk; the riskiest examples are not listed"
            )
        }
        CannotRank::UnitMismatch {
            records,
            record_count,
            asked,
            unscored_texts,
            ..
        } => {
            let what = match records {
                UnitMode::Example => "whole examples (pointer `\"\"`)",
                UnitMode::Message => "single messages",
            };
            format!(
                "the scores file holds {record_count} records for {what}, but this run scores each {} (`--moderation-unit {}`): {unscored_texts} texts have no score",
                unit_name(*asked),
                unit_name(*asked)
            )
        }
    }
}

pub fn help(c: &CannotRank) -> String {
    match c {
        CannotRank::Identical { .. } => "score each example: `ftlint moderate FILE --moderation-unit example --export SCORES` (network), then `--scores SCORES --moderation-unit example`".into(),
        CannotRank::UnitMismatch { records, asked, .. } => format!(
            "check with `--moderation-unit {}` to use these records, or score each {}: `ftlint moderate FILE --moderation-unit {} --export SCORES` (network)",
            unit_name(*records),
            unit_name(*asked),
            unit_name(*asked)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::scores::Category;

    #[test]
    fn wording() {
        let c = CannotRank::Identical {
            examples: 11,
            model: "text-moderation-007".into(),
            top: Some((Category::SexualMinors, 0.0161863714)),
        };
        assert_eq!(
            message(&c),
            "all 11 scored examples have the same moderation score (`text-moderation-007`; `sexual/minors` 0.0162): one score of the whole text copied to every example cannot say which examples drive the risk; the riskiest examples are not listed"
        );
        let c = CannotRank::UnitMismatch {
            records: UnitMode::Example,
            record_count: 11,
            asked: UnitMode::Message,
            unscored_texts: 33,
            required: false,
        };
        assert_eq!(
            message(&c),
            "the scores file holds 11 records for whole examples (pointer `\"\"`), but this run scores each message (`--moderation-unit message`): 33 texts have no score"
        );
        assert_eq!(
            help(&c),
            "check with `--moderation-unit example` to use these records, or score each message: `ftlint moderate FILE --moderation-unit message --export SCORES` (network)"
        );
    }
}
