//! ## What it checks
//! File level: moderation scores from a model that is shut down (`text-moderation-*`, shut down
//! by OpenAI on 2025-10-27), or from another model than the run asks for (`--moderation-model`,
//! default `omni-moderation-latest`; its dated snapshots such as `omni-moderation-2024-09-26`
//! are the same model). One finding per such model: how many texts it scored, the profile whose
//! thresholds were applied to them, and the mapping used — its categories matched to the
//! profile's by name, and the categories it has no score for.
//! ## Why it matters
//! A profile's thresholds are a judgement about one model's scores: another model scores the
//! same text differently, has other categories (text-moderation-007 has no `illicit`), and a
//! retired model's scores can never be refreshed or reproduced. Judging them as if they came
//! from the current model, without a word, makes every M002 and the verdict rest on numbers
//! nobody can check.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris."}]}
//! ```
//! (with a `--scores` record whose `model` is `text-moderation-007`)
//! ## Configuration
//! Rescore with the current model (`ftlint moderate FILE --export SCORES`, network). To judge
//! scores of another model that is still served on purpose, name it: `--moderation-model NAME`.
//! Known models and retirements are data in `rules/moderation/models.toml`.

use crate::diagnostic::Diagnostic;
use crate::moderation::ranking::{categories_of, ModelIssue};
use crate::moderation::scores::Category;
use crate::rules::{AtEnd, FileFacts};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&AtEnd(verdict)),
    uses_moderation: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::M008,
        name: "scoring-model-mismatch",
        severity: Severity::Warning,
        summary: "scores from a retired model, or from another model than `--moderation-model`",
    })
};

/// The moderation pass finds the models; this rule words them.
fn verdict(file: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
    for issue in file
        .moderation
        .map(|m| m.ranking.model_issues.as_slice())
        .unwrap_or_default()
    {
        out.push(Diagnostic::file_level(&RULE.meta, message(issue)).with_help(help(issue)));
    }
}

pub fn message(i: &ModelIssue) -> String {
    let p = &i.problem;
    let texts = if i.texts == 1 {
        "1 text was".to_string()
    } else {
        format!("{} texts were", i.texts)
    };
    let retired = p.retired.as_ref().map_or(String::new(), |r| {
        format!(", which {} shut down on {}", r.by, r.shut_down)
    });
    let against = if p.other_model {
        format!(
            ", not by `{}` that this run asks for; profile `{}`'s thresholds were applied to them",
            p.wanted, i.profile
        )
    } else {
        format!(
            "; profile `{}`'s thresholds were applied to scores that can no longer be refreshed",
            i.profile
        )
    };
    format!(
        "{texts} scored by `{}`{retired}{against}; mapping used: {}",
        p.model,
        mapping(i.categories)
    )
}

/// `its 11 categories by name; no score for `illicit`, `illicit/violent``
fn mapping(mask: u64) -> String {
    let have = categories_of(mask);
    let missing: Vec<String> = Category::ALL
        .iter()
        .filter(|c| !have.contains(c))
        .map(|c| format!("`{c}`"))
        .collect();
    let n = have.len();
    let its = format!(
        "its {n} categor{} matched to the profile's by name",
        if n == 1 { "y" } else { "ies" }
    );
    if missing.is_empty() {
        its
    } else {
        format!("{its}, no score for {}", missing.join(", "))
    }
}

pub fn help(i: &ModelIssue) -> String {
    let rescore = format!(
        "rescore with `{}`: `ftlint moderate FILE --export SCORES` (network), then `--scores SCORES`",
        i.problem.wanted
    );
    if i.problem.retired.is_some() {
        rescore
    } else {
        format!(
            "{rescore}; or, to judge these scores on purpose, `--moderation-model {}`",
            i.problem.model
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::models::ScoringModels;

    fn issue(model: &str, wanted: &str, cats: &[Category]) -> ModelIssue {
        let mask = Category::ALL
            .iter()
            .enumerate()
            .filter(|(_, c)| cats.contains(c))
            .fold(0u64, |m, (i, _)| m | 1 << i);
        ModelIssue {
            problem: ScoringModels::builtin().judge(model, wanted).unwrap(),
            texts: 11,
            categories: mask,
            profile: "finetune".into(),
        }
    }

    #[test]
    fn retired_model_with_its_mapping() {
        let legacy: Vec<Category> = Category::ALL
            .iter()
            .copied()
            .filter(|c| !matches!(c, Category::Illicit | Category::IllicitViolent))
            .collect();
        let i = issue("text-moderation-007", "omni-moderation-latest", &legacy);
        assert_eq!(
            message(&i),
            "11 texts were scored by `text-moderation-007`, which OpenAI shut down on 2025-10-27, not by `omni-moderation-latest` that this run asks for; profile `finetune`'s thresholds were applied to them; mapping used: its 11 categories matched to the profile's by name, no score for `illicit`, `illicit/violent`"
        );
        assert!(!help(&i).contains("--moderation-model"), "{}", help(&i));
        let i = issue("text-moderation-007", "text-moderation-007", &legacy);
        assert!(
            message(&i).contains("which OpenAI shut down on 2025-10-27; profile `finetune`'s thresholds were applied to scores that can no longer be refreshed"),
            "{}",
            message(&i)
        );
    }

    #[test]
    fn another_model() {
        let i = issue("llama-guard-3", "omni-moderation-latest", &Category::ALL);
        let m = message(&i);
        assert!(m.ends_with("mapping used: its 13 categories matched to the profile's by name"), "{m}");
        assert!(help(&i).ends_with("`--moderation-model llama-guard-3`"));
    }
}
