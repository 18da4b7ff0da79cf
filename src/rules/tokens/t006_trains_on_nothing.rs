//! ## What it checks
//! With an open model's own tokenizer and chat template (`--tokenizer`, or the model's
//! tokenizer in the local Hugging Face cache), an example longer than the limit (the model's
//! context, or the trainer's `--max-length`) whose assistant tokens all fall past the cut: the
//! truncated example keeps the prompt and none of the answer. The finding points at the
//! character where the cut falls, like T001's, and says how many assistant tokens the example
//! has.
//!
//! Assistant tokens are the tokens of the assistant messages' `content` in the rendered text
//! (found there in order; a token belongs to the message its first byte falls in).
//! ## Why it matters
//! Trainers compute the loss on the assistant's tokens (TRL's `assistant_only_loss`,
//! `completion_only_loss`); an example truncated before its answer trains on nothing and
//! still costs a step, or, without such masking, teaches the model to continue the prompt.
//! The run does not fail or warn: the example is silently wasted.
//! ## Example
//! With `--tokenizer ./my-model --max-length 2048`, a line whose user message alone renders to
//! 3,000 tokens:
//! ```jsonl
//! {"messages": [{"role": "user", "content": "<a 12,000-character document>"}, {"role": "assistant", "content": "Summary: …"}]}
//! ```
//! ## Configuration
//! `--tokenizer PATH` (config `tokenizer`), `--chat-template FILE` (`chat-template`),
//! `--max-length N` (`max-length`). Without an open model's tokenizer ftlint cannot tell which
//! tokens are cut, and this rule says nothing (T001 still reports the example's length).

use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use crate::tokens::thousands;

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    uses_tokens: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::T006,
        name: "trains-on-nothing",
        severity: Severity::Error,
        summary: "Truncation at the limit cuts every assistant token: the example trains on nothing",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<crate::diagnostic::Finding>) {
    let Some(cut) = ex.cut() else {
        return;
    };
    if cut.assistant_total == 0 || cut.assistant_kept > 0 {
        return;
    }
    let at = super::cut_at(ex, cut);
    out.push(
        crate::diagnostic::Finding::new(
            &RULE.meta,
            at.target,
            format!(
                "all `{}` assistant tokens fall past the cut at `{}` tokens ({}): the example \
                 trains on nothing",
                thousands(cut.assistant_total),
                thousands(cut.max_length),
                at.place,
            ),
        )
        .help(format!(
            "shorten the prompt by at least {} tokens so that the answer starts before the cut, \
             split the conversation, or raise the max length",
            thousands(cut.total - cut.max_length),
        )),
    );
}
