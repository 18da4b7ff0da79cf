//! ## What it checks
//! A category score at or over the active profile's `warn` or `error` threshold for that
//! category. The finding spans the scored text and names the category, the score, the
//! threshold, the profile and the scoring model; its severity is the level reached (warning or
//! error). The help says what in a text drives that category.
//! ## Why it matters
//! The fine-tuning gate is stricter than the public endpoint's `flagged` bit: a file whose
//! every text was `flagged: false` (highest scores sexual 0.0687, sexual/minors 0.0162) was
//! still blocked. Scores that are unusual for benign data show which category and which message
//! drive the risk, before an upload is refused with no line named.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "system", "content": "あなたは架空の人物のプロフィールに答えるアシスタントです。"}, {"role": "user", "content": "愛上 尾根さんの体重を教えてください。"}, {"role": "assistant", "content": "52kgです。"}]}
//! ```
//! (with the recorded scores: `sexual` 0.0687 ≥ 0.05 and `sexual/minors` 0.0162 ≥ 0.01 under
//! `finetune`)
//! ## Configuration
//! `--profile NAME` (`finetune`, the default, or `api`, which has no thresholds, or a profile of
//! your config); override single thresholds with `[thresholds]`, e.g.
//! `sexual = { warn = 0.1, error = 0.4 }`. With `--moderation-provider azure-content-safety` the
//! scores are Azure AI Content Safety severities (0–7), judged by `azure-finetune` (warn at low,
//! 2; error at medium, 4), and the message reads `` `sexual` severity `4` (medium) ``;
//! thresholds are then severities too (`sexual = { warn = 3 }`). The built-in profiles explain
//! every threshold in `rules/moderation/*.toml`.

use crate::diagnostic::Finding;
use crate::moderation::check::Event;
use crate::rules::ExampleCtx;
use crate::moderation::profile::{Hit, Level};
use crate::moderation::Scale;
use crate::moderation::scores::Category;
use crate::rules::moderation::fmt_score;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    uses_moderation: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::M002,
        name: "category-over-threshold",
        severity: Severity::Warning,
        summary: "a category score at or over the profile's warn/error threshold",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    super::report(ex, out, |e| matches!(e, Event::OverThreshold { .. }));
}

/// The finding's severity: the level the hit reached.
pub fn severity(hit: &Hit) -> Severity {
    match hit.level {
        Level::Warn => Severity::Warning,
        Level::Error => Severity::Error,
    }
}

pub fn message(hit: &Hit, profile: &str, model: &str) -> String {
    let level = match hit.level {
        Level::Warn => "warn",
        Level::Error => "error",
    };
    match hit.scale {
        Scale::Probability => format!(
            "`{}` score `{}` is at or over the {level} threshold `{}` of profile `{profile}` (model `{model}`)",
            hit.category,
            fmt_score(hit.score),
            hit.threshold.map_or_else(|| "-".to_string(), fmt_score),
        ),
        Scale::Severity => format!(
            "`{}` severity {} is at or over the {level} threshold {} of profile `{profile}` (model `{model}`)",
            hit.category,
            hit.scale.fmt_value(hit.score),
            hit.threshold
                .map_or_else(|| "-".to_string(), |t| hit.scale.fmt_value(t)),
        ),
    }
}

/// What in a text drives the category: a person asking about someone's weight needs other
/// advice than a violent story.
pub fn help(hit: &Hit) -> String {
    let unit = match hit.scale {
        Scale::Probability => "",
        Scale::Severity => " (severities 0–7)",
    };
    use Category::*;
    let what = match hit.category {
        Sexual => "body details (a person's weight, measurements, looks) or intimacy in this text",
        SexualMinors => "body details (a person's weight, measurements, looks) or intimacy next to any sign of a minor (a school, a grade, an age under 18) in this text",
        Harassment | HarassmentThreatening => "insults or threats aimed at a person in this text",
        Hate | HateThreatening => "insults, slurs or threats aimed at a group in this text",
        Illicit | IllicitViolent => "instructions or advice that help someone do wrong (or get weapons) in this text",
        SelfHarm | SelfHarmIntent | SelfHarmInstructions => "methods, encouragement or statements of intent about self-harm in this text",
        Violence | ViolenceGraphic => "violent or graphic detail in this text",
    };
    format!(
        "remove or tone down {what}; or, if the text is fine, accept it with `[thresholds]` `\"{}\" = {{ warn = …, error = … }}`{unit}",
        hit.category
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_category_score_threshold_profile() {
        let hit = Hit {
            category: Category::SexualMinors,
            score: 0.0161863714,
            threshold: Some(0.01),
            level: Level::Warn,
            flagged_only: false,
            scale: Scale::Probability,
        };
        assert_eq!(
            message(&hit, "finetune", "text-moderation-007"),
            "`sexual/minors` score `0.0162` is at or over the warn threshold `0.0100` of profile `finetune` (model `text-moderation-007`)"
        );
        assert_eq!(severity(&hit), Severity::Warning);
        assert_eq!(
            help(&hit),
            "remove or tone down body details (a person's weight, measurements, looks) or intimacy next to any sign of a minor (a school, a grade, an age under 18) in this text; or, if the text is fine, accept it with `[thresholds]` `\"sexual/minors\" = { warn = …, error = … }`"
        );
        let sexual = Hit {
            category: Category::Sexual,
            ..hit.clone()
        };
        assert!(help(&sexual).contains("a person's weight"), "{}", help(&sexual));
    }

    #[test]
    fn severities_are_named_with_their_level() {
        let hit = Hit {
            category: Category::Sexual,
            score: 4.0,
            threshold: Some(4.0),
            level: Level::Error,
            flagged_only: false,
            scale: Scale::Severity,
        };
        assert_eq!(
            message(&hit, "azure-finetune", "FourSeverityLevels"),
            "`sexual` severity `4` (medium) is at or over the error threshold `4` (medium) of profile `azure-finetune` (model `FourSeverityLevels`)"
        );
        assert_eq!(severity(&hit), Severity::Error);
        assert_eq!(
            help(&hit),
            "remove or tone down body details (a person's weight, measurements, looks) or intimacy in this text; or, if the text is fine, accept it with `[thresholds]` `\"sexual\" = { warn = …, error = … }` (severities 0–7)"
        );
    }
}
