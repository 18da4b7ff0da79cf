//! ## What it checks
//! The order of a Bedrock record's messages: at least two, the first from the user, the last
//! from the assistant, and the roles alternating (`user`, `assistant`, `user`, …). Checked
//! when every role is `user` or `assistant` (a wrong role is B003's).
//!
//! ## Why it matters
//! Amazon's Nova guide: "The first turn in `messages` should always start with
//! `\"role\": \"user\"`. The last turn is the bot's response". AWS's validator rejects a record
//! with fewer than two messages ("both ['user', 'assistant'] are needed in sample"), a role out
//! of alternation and a last turn that is not the assistant's. Two user turns in a row usually
//! mean a merged or dropped reply; join them into one turn or restore the reply. Sources, read
//! 2026-12-01: docs.aws.amazon.com/nova/latest/userguide/fine-tune-prepare-data-understanding.html,
//! aws-samples/amazon-nova-samples `nova_ft_dataset_validator.py` (`check_roles_order`).
//!
//! ## Example
//! ```jsonl
//! {"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "assistant", "content": [{"text": "Welcome!"}]}, {"role": "user", "content": [{"text": "Hi"}]}, {"role": "user", "content": [{"text": "Anyone there?"}]}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::json::Pointer;
use crate::rules::bedrock::is_bedrock;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use serde_json::Value;

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::B005,
        name: "bedrock-turn-order",
        severity: Severity::Error,
        summary: "Fewer than two messages, first not `user`, last not `assistant`, or two turns of one role in a row",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if !is_bedrock(ex) {
        return;
    }
    let Some(messages) = ex.value.get("messages").and_then(Value::as_array) else {
        return;
    };
    let roles: Option<Vec<&str>> = messages
        .iter()
        .map(|m| {
            m.get("role")
                .and_then(Value::as_str)
                .filter(|r| matches!(*r, "user" | "assistant"))
        })
        .collect();
    // An empty list is B002's; a message without a valid role B003's.
    let Some(roles) = roles.filter(|r| !r.is_empty()) else {
        return;
    };
    let list = Pointer::root().key("messages");
    let role_at = |i: usize| Target::Value(list.index(i).key("role"));
    if roles.len() == 1 {
        out.push(
            Finding::new(
                &RULE.meta,
                Target::Value(list.clone()),
                format!("`messages` has one message (`{}`); a sample needs a user turn and the assistant's reply", roles[0]),
            )
            .help("add the missing turn, so the sample is `user`, `assistant`[, `user`, `assistant`…]"),
        );
        return;
    }
    if roles[0] != "user" {
        out.push(
            Finding::new(
                &RULE.meta,
                role_at(0),
                "`messages[0]` is from the `assistant`; the first turn is the user's",
            )
            .help("start with the user's turn; move an opening assistant greeting into the `system` prompt, or drop it"),
        );
    }
    for i in 1..roles.len() {
        if roles[i] == roles[i - 1] {
            out.push(
                Finding::new(
                    &RULE.meta,
                    role_at(i),
                    format!(
                        "`messages[{i}]` is a second `{}` turn in a row (after `messages[{}]`); roles alternate",
                        roles[i],
                        i - 1
                    ),
                )
                .help("join the two turns into one message, or restore the turn missing between them"),
            );
        }
    }
    let last = roles.len() - 1;
    if roles[last] != "assistant" {
        out.push(
            Finding::new(
                &RULE.meta,
                role_at(last),
                format!("the last message (`messages[{last}]`) is from the `user`; a sample ends with the assistant's reply"),
            )
            .help("add the assistant's reply, or drop the trailing user turn"),
        );
    }
}
