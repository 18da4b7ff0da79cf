//! ## What it checks
//! A TRL example without the keys of its format, or with one of the wrong type: `text` not a
//! string; `prompt`, `completion`, `chosen` or `rejected` neither a string nor a non-empty list
//! of messages (conversational prompt-completion takes lists only); an unpaired-preference
//! example without its `label`.
//!
//! ## Why it matters
//! TRL's trainers read these columns by name (huggingface.co/docs/trl/dataset_formats, read
//! 2026-12-01): a missing column is a `KeyError` when the trainer prepares the dataset, and a
//! `null` or a number where text is expected fails tokenization, or — loaded through
//! `datasets`, which gives a column one type — fails to load the file at all. Either stops the
//! run before the first step.
//!
//! ## Example
//! ```jsonl
//! {"prompt": [{"role": "user", "content": "Capital of Peru?"}], "completion": "Lima."}
//! {"text": null}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::Finding;
use crate::rules::schema::{Issue, Schema};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::H001,
        name: "missing-trl-field",
        severity: Severity::Error,
        summary: "A TRL example without its format's keys, or one of the wrong type",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let help = match issue.schema {
        Schema::Text => "a language-modeling example is `{\"text\": \"…\"}`",
        Schema::ConversationalCompletion => {
            "a conversational prompt-completion example is `{\"prompt\": [messages], \"completion\": [messages]}`; with strings, both are strings"
        }
        Schema::ChosenRejected => {
            "a preference example is `{\"prompt\": …, \"chosen\": …, \"rejected\": …}`, each a string or each a list of messages (`prompt` optional)"
        }
        _ => {
            "an unpaired-preference example is `{\"prompt\": …, \"completion\": …, \"label\": true}` (strings or message lists, and a boolean)"
        }
    };
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help(help))
        .collect()
}
