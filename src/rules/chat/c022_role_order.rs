//! ## What it checks
//! Messages out of the order the target requires. Targets that say so (Together:
//! `alternate`) want an optional `system` message first, then `user` and `assistant` turns
//! alternating, starting with `user`; a `tool` message may sit between an assistant's tool
//! call and the next turn. Targets with `end_with_assistant` also want the last message to be
//! the assistant's. OpenAI, Azure OpenAI and Fireworks accept any order and never report this.
//!
//! ## Why it matters
//! The service's validator rejects the file at upload; chat templates that assume alternation
//! (Llama's, Mistral's) also render such conversations wrongly.
//!
//! ## Example
//! With `--target together`:
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Are you there?"}, {"role": "assistant", "content": "Yes."}]}
//! ```
//!
//! ## Configuration
//! The target's `[chat]` table: `alternate`, `end_with_assistant` (`ftlint target NAME`).
use crate::diagnostic::{Finding, Target};
use crate::rules::Conversation;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Scope, Severity};
use crate::targets::ChatPolicy;

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C022,
        name: "role-order",
        severity: Severity::Error,
        summary: "Messages out of the order the target requires",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    let policy = &ex.target.chat;
    if !policy.has_order() {
        return;
    }
    for (scope, conv) in ex.conversations() {
        if *scope == Scope::Supervised {
            check_conversation(policy, &ex.target.name, conv, out);
        }
    }
}

fn check_conversation(
    policy: &ChatPolicy,
    target: &str,
    conv: &Conversation<'_>,
    out: &mut Vec<Finding>,
) {
    let at = |i: usize| Target::Value(conv.pointer(i).key("role"));
    let name = |i: usize| format!("`{}`", conv.pointer(i).dotted());
    if policy.alternate {
        // The role of the previous user or assistant turn; a tool result resets it, since the
        // assistant speaks again after its tool calls are answered.
        let mut prev: Option<&str> = None;
        let mut turns = 0;
        for (i, role) in conv.roles.iter().enumerate() {
            match role {
                // Missing or unknown roles are C004's and C005's.
                None => continue,
                Some("system") if i == 0 => {}
                Some("system") => out.push(
                    Finding::new(
                        &RULE.meta,
                        at(i),
                        format!("{} is a `system` message after the conversation started; target `{target}` takes one only first", name(i)),
                    )
                    .help("move the instructions into the first message"),
                ),
                Some("tool") => prev = None,
                Some(r @ ("user" | "assistant")) => {
                    if turns == 0 && *r == "assistant" {
                        out.push(
                            Finding::new(
                                &RULE.meta,
                                at(i),
                                format!("the conversation starts with an assistant turn at {}; target `{target}` wants `user` first", name(i)),
                            )
                            .help("start with the user's message (after an optional system message)"),
                        );
                    } else if prev == Some(*r) {
                        out.push(
                            Finding::new(
                                &RULE.meta,
                                at(i),
                                format!("two `{r}` turns in a row ({} follows {}); target `{target}` wants `user` and `assistant` to alternate", name(i), name(i - 1)),
                            )
                            .help(format!("merge the two `{r}` messages into one, or add the missing turn between them")),
                        );
                    }
                    prev = Some(*r);
                    turns += 1;
                }
                Some(_) => {}
            }
        }
    }
    if policy.end_with_assistant {
        if let Some(last) = conv.messages.len().checked_sub(1) {
            if let Some(role) = conv.roles[last].filter(|r| *r != "assistant") {
                out.push(
                    Finding::new(
                        &RULE.meta,
                        at(last),
                        format!("the conversation ends with a `{role}` message ({}); target `{target}` wants the assistant's answer last", name(last)),
                    )
                    .help("end the conversation with the assistant's answer"),
                );
            }
        }
    }
}
