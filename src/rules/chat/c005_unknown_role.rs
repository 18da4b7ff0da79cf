//! ## What it checks
//! A message whose `role` is not one the format allows. Supervised chat allows `system`,
//! `user`, `assistant`, `tool` and `function`; a target may accept fewer (its `[chat] roles`:
//! Together and Fireworks take no `function` messages), and then a role the format allows
//! but the target does not is reported too.
//!
//! ## Why it matters
//! The service rejects the file. Roles from other ecosystems (`human`/`gpt` from ShareGPT,
//! `bot`, `model`, `developer` outside reinforcement fine-tuning) need mapping first.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "human", "content": "hi"}, {"role": "bot", "content": "hello"}]}
//! ```
//!
//! ## Fix
//! Unsafe (`--fix --unsafe-fixes`): a role another ecosystem spells differently is renamed —
//! `human` to `user`; `gpt`, `bot`, `model` and `ai` to `assistant`; a known role in other
//! letter case (`User`, `ASSISTANT`) to its lower-case name. Other roles are left for a person.
//!
//! ## Configuration
//! The target's `[chat] roles` (`ftlint target NAME`).
use crate::json::{Pointer, Seg};
use crate::rules::schema::{Issue, Schema};
use crate::rules::PREFERENCE_OUTPUTS;
use crate::diagnostic::{Finding, JsonEdit, JsonFix, Target};
use crate::rules::{ExampleCtx, Scope};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    example: Some(target_roles),
    fixed: Some(fixed),
    unsafe_fix: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::C005,
        name: "unknown-role",
        severity: Severity::Error,
        summary: "`role` not allowed by the format",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    // An output's role is P002's business: an unknown role there is one finding, not two.
    if issue.schema == Schema::Preference && in_preference_output(&issue.pointer) {
        return Vec::new();
    }
    let hint = match issue.instance.as_str() {
        Some("human" | "Human" | "User") => "ShareGPT's `human` is `user`",
        Some("gpt" | "bot" | "model" | "Assistant" | "ai" | "AI") => "use `assistant` for the model's turns",
        Some("developer") => "`developer` is for reinforcement fine-tuning (`--format rft`); in chat data use `system`",
        _ => "use `system`, `user`, `assistant`, `tool` or `function`",
    };
    let rename = issue.instance.as_str().and_then(synonym);
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| {
            let f = f.help(hint);
            match (&f.target, rename) {
                (Target::Value(_), Some((message, json))) => f.with_json_fix(JsonFix::unsafe_edit(
                    message,
                    JsonEdit::ReplaceValue(json.to_string()),
                )),
                _ => f,
            }
        })
        .collect()
}

/// The chat role another ecosystem's name stands for (ShareGPT's `human`/`gpt`, Gemini's
/// `model`, `bot`, `ai`, or a role in other letter case): the fix's message and the new value.
fn synonym(role: &str) -> Option<(&'static str, &'static str)> {
    const USER: (&str, &str) = ("rename the role to `user`", r#""user""#);
    const ASSISTANT: (&str, &str) = ("rename the role to `assistant`", r#""assistant""#);
    Some(match role.to_ascii_lowercase().as_str() {
        "human" | "user" => USER,
        "gpt" | "bot" | "model" | "ai" | "assistant" => ASSISTANT,
        "system" => ("rename the role to `system`", r#""system""#),
        "tool" => ("rename the role to `tool`", r#""tool""#),
        "function" => ("rename the role to `function`", r#""function""#),
        _ => return None,
    })
}

fn fixed(n: u64) -> String {
    if n == 1 {
        "renamed 1 role".to_string()
    } else {
        format!("renamed {n} roles")
    }
}

fn in_preference_output(p: &Pointer) -> bool {
    matches!(p.0.first(), Some(Seg::Key(k)) if PREFERENCE_OUTPUTS.contains(&k.as_str()))
}

/// The roles of the supervised chat format, which the schema accepts; only these can be
/// refused by a target's narrower set (anything else is the schema's finding).
const FORMAT_ROLES: [&str; 5] = ["system", "user", "assistant", "tool", "function"];

/// Roles the format accepts and the target does not.
fn target_roles(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    let policy = &ex.target.chat;
    let Some(allowed) = &policy.roles else {
        return;
    };
    for (scope, conv) in ex.conversations() {
        if !matches!(scope, Scope::Supervised | Scope::PreferenceInput) {
            continue;
        }
        for (i, role) in conv.roles.iter().enumerate() {
            let Some(role) = role else { continue };
            if !FORMAT_ROLES.contains(role) || policy.accepts_role(role) {
                continue;
            }
            let list: Vec<String> = allowed.iter().map(|r| format!("`{r}`")).collect();
            out.push(
                Finding::new(
                    &RULE.meta,
                    Target::Value(conv.pointer(i).key("role")),
                    format!(
                        "target `{}` does not accept `{role}` messages; its roles are {}",
                        ex.target.name,
                        list.join(", ")
                    ),
                )
                .help(if *role == "function" {
                    "rewrite legacy `function` messages as `tool` messages answering `tool_calls`"
                } else {
                    "drop these messages or fold them into the neighbouring turns"
                }),
            );
        }
    }
}
