//! ## What it checks
//! Tokenizer control strings written into message text: `<|endoftext|>`, `<|im_start|>`,
//! `<|im_end|>`, `<|fim_prefix|>`, `<|fim_middle|>`, `<|fim_suffix|>`, `<|endofprompt|>`, and any
//! other `<|word|>` token (harmony `<|start|>`/`<|channel|>`, Llama 3 `<|eot_id|>`), Llama 2
//! `[INST]`/`<<SYS>>`, Gemma `<start_of_turn>` and DeepSeek `<｜…｜>` forms. Haskell's `<|>`
//! stays silent.
//! ## Why it matters
//! Depending on the trainer, such a string is either rejected or encoded as the real control
//! token, which ends the example early or teaches the model to emit chat-template markers.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Continue the story."}, {"role": "assistant", "content": "And they lived happily ever after.<|endoftext|>"}]}
//! ```
//! ## Configuration
//! None.

use crate::diagnostic::Finding;
use crate::sensitive::Kind;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::S007,
        name: "special-token",
        severity: Severity::Error,
        summary: "A tokenizer control string such as `<|endoftext|>` in message text",
    })
};

/// `` special token `<|endoftext|>` in text ``
fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    super::report(ex, Kind::SpecialToken, out);
}

pub fn message(token: &str) -> String {
    format!("special token `{token}` in text")
}

pub fn help() -> String {
    "remove it; the chat format adds the model's control tokens itself".into()
}
