//! ## What it checks
//! That the model named with `--model` (or `model` in the config) is one the target knows:
//! a model of the target's built-in table or one added in the config. An unknown name is
//! reported once, with the list of known names.
//! ## Why it matters
//! The model decides the tokenizer, the training context and the price. With a misspelt or
//! unsupported name, token counts, truncation warnings and the cost estimate would all be
//! guesses — and the fine-tuning job itself would be refused.
//! ## Example
//! With `--model gpt-4o-mini` (an alias, not a fine-tunable snapshot name), any line:
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
//! ```
//! ## Configuration
//! Add models to the config's models table, each with `name`, `context` (tokens), `encoding`
//! (`o200k_base` or `cl100k_base`) and optionally `price_per_mtok` (USD per 1M training tokens).

use crate::diagnostic::{Finding, Target};
use crate::rules::{RunCtx, Rule, RuleDef, RuleMeta, Severity};
use crate::targets::UnknownModel;

pub static RULE: RuleDef = RuleDef {
    run: Some(check),
    // The report's token summary is the T family's: `--select T002` keeps it.
    uses_tokens: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::T002,
        name: "unknown-model",
        severity: Severity::Error,
        summary: "The selected model is not in the target's model table",
    })
};

fn check(run: &RunCtx<'_>, out: &mut Vec<Finding>) {
    if let Some(unknown) = run.unknown_model {
        out.push(Finding::new(&RULE.meta, Target::Line, message(unknown)).help(help()));
    }
}

/// `` `gpt-5` is not a model of target `openai`; known: `gpt-4o-mini-2024-07-18`, … ``
pub fn message(err: &UnknownModel) -> String {
    let known: Vec<String> = err.known.iter().map(|n| format!("`{n}`")).collect();
    format!(
        "`{}` is not a model of target `{}`; known: {}",
        err.requested,
        err.target,
        known.join(", ")
    )
}

/// Help: what to do about it.
pub fn help() -> String {
    "pass one of the known names to `--model`, or add the model (name, context, encoding, \
     price_per_mtok) to the models table of your config"
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::Target;

    #[test]
    fn lists_every_known_name() {
        let target = Target::builtin("openai").unwrap();
        let err = target.resolve_model(Some("gpt-4o-mini")).unwrap_err();
        let text = message(&err);
        assert!(text.starts_with("`gpt-4o-mini` is not a model of target `openai`; known: "));
        for name in target.model_names() {
            assert!(
                text.contains(&format!("`{name}`")),
                "{name} missing: {text}"
            );
        }
        assert!(help().contains("--model"));
    }
}
