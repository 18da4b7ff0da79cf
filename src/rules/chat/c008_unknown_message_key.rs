//! ## What it checks
//! A key in a message that its role does not allow (and a `name` or `refusal` of the wrong
//! type). Allowed keys by role:
//!
//! | role | keys |
//! |---|---|
//! | system, user | `role`, `content`, `name` |
//! | assistant | `role`, `content`, `name`, `weight`, `tool_calls`, `function_call`, `refusal` |
//! | tool | `role`, `content`, `tool_call_id` |
//! | function | `role`, `content`, `name` |
//!
//! ## Why it matters
//! The service rejects the example. Extra keys are often metadata (`id`, `timestamp`) carried
//! over from a chat log.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "hi", "timestamp": 1700000000}, {"role": "assistant", "content": "hello"}]}
//! ```
//!
//! ## Fix
//! Unsafe (`--fix --unsafe-fixes`): the key is removed with its value and one comma, so the
//! line stays valid JSON.
//!
//! ## Configuration
//! None.
use crate::rules::schema::Issue;
use crate::diagnostic::{Finding, JsonEdit, JsonFix, Target};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    fixed: Some(fixed),
    unsafe_fix: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::C008,
        name: "unknown-message-key",
        severity: Severity::Error,
        summary: "A key the role does not allow",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let role = issue.role().unwrap_or("this");
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|mut f| {
            if issue.keyword == "additionalProperties" {
                let key = match &f.target {
                    Target::Key(p) => p.last_key().unwrap_or_default().to_owned(),
                    _ => String::new(),
                };
                f.message = format!(
                    "{} (`{role}`) has key `{key}`, which its role does not allow",
                    issue.path()
                );
                remove_key(f).help("remove the key; keep metadata in a separate file")
            } else {
                f.help("`name` and `refusal` are strings")
            }
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
        "removed 1 unknown message key".to_string()
    } else {
        format!("removed {n} unknown message keys")
    }
}
