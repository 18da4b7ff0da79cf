//! ## What it checks
//! With an open model's own chat template (`--tokenizer`, `--chat-template`, or the model's
//! tokenizer in the local Hugging Face cache), a chat example the template fails on: its
//! `raise_exception(…)` ("Conversation roles must alternate user/assistant/user/assistant/…",
//! "This model only supports single tool-calls at once!") or another template error (a key the
//! template needs, an operation on the wrong type). The message is the template's own.
//! ## Why it matters
//! Trainers render every example with the chat template before training (TRL's
//! `SFTTrainer`, `apply_chat_template`): one example the template rejects stops the run at
//! dataset preparation, often after the model has been downloaded and loaded, with a Jinja
//! traceback that does not say which line of the file is at fault.
//! ## Example
//! With a template that requires alternating roles (Mistral, Gemma, Llama 3 in its strict
//! variants), two user messages in a row:
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Hello!"}]}
//! ```
//! ## Configuration
//! `--tokenizer PATH` (config `tokenizer`) and `--chat-template FILE` (`chat-template`). The
//! example's token count then falls back to the formula of other models, with the model's
//! tokenizer.

use crate::diagnostic::{Finding, Target};
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    uses_tokens: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::T007,
        name: "chat-template-error",
        severity: Severity::Error,
        summary: "The model's chat template fails on the example",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    let Some(hf) = ex.hf else {
        return;
    };
    if let Err(e) = hf.render {
        out.push(
            Finding::new(
                &RULE.meta,
                Target::Line,
                format!("the chat template fails on this example: {}", e.0),
            )
            .help(
                "fix the conversation so the model's chat template accepts it (role order, \
                 one tool call per message, the keys the template reads), or drop the example; \
                 a trainer stops on it while preparing the dataset",
            ),
        );
    }
}
