//! ## What it checks
//! A top-level key other than `messages`, `tools`, `functions` and `parallel_tool_calls` in a
//! chat example (and a `parallel_tool_calls` that is not a boolean).
//!
//! ## Why it matters
//! OpenAI rejects the file at validation ("Example 1 contains an extra key …"). Metadata such as
//! `id` or `source` has to live in a separate file.
//!
//! ## Example
//! ```jsonl
//! {"id": 17, "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! ```
//!
//! ## Fix
//! Unsafe (`--fix --unsafe-fixes`): the key is removed with its value and one comma, so the
//! line stays valid JSON. The data is gone from the file: keep metadata elsewhere first.
//!
//! ## Configuration
//! None.
use crate::diagnostic::Target;
use crate::rules::schema::{Issue, Schema};
use crate::diagnostic::{Finding, JsonEdit, JsonFix};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    fixed: Some(fixed),
    unsafe_fix: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::C002,
        name: "unknown-top-level-key",
        severity: Severity::Error,
        summary: "A top-level key other than `messages`, `tools`, `functions`, `parallel_tool_calls`",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let chat = issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|mut f| {
            if issue.keyword == "additionalProperties" {
                f.message = f.message.replace(" in the line", " at the top level");
                remove_key(f).help("a chat example allows only `messages`, `tools`, `functions` and `parallel_tool_calls`; keep metadata in a separate file")
            } else {
                f.help("`parallel_tool_calls` is `true` or `false`")
            }
        });
    if issue.schema != Schema::Preference {
        return chat.collect();
    }
    // A preference example's keys are its own, and so are those of its `input`.
    chat.map(|f| match &f.target {
        Target::Key(p) if p.0.len() == 1 => f.help(
            "a preference example allows only `input`, `preferred_output` and `non_preferred_output`",
        ),
        Target::Key(_) => f.help("`input` allows only `messages`, `tools` and `parallel_tool_calls`"),
        _ => f,
    })
    .collect()
}

/// The unsafe fix of an unknown key: remove it with its value (and one comma).
fn remove_key(f: Finding) -> Finding {
    match f.target {
        Target::Key(_) => f.with_json_fix(JsonFix::unsafe_edit(
            "remove the key and its value",
            JsonEdit::RemoveMember,
        )),
        _ => f,
    }
}

fn fixed(n: u64) -> String {
    if n == 1 {
        "removed 1 unknown top-level key".to_string()
    } else {
        format!("removed {n} unknown top-level keys")
    }
}
