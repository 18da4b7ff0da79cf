//! R — the reinforcement fine-tuning format (`--format rft`; never auto-detected, its lines
//! look like chat). `messages` with the roles developer, user, assistant and tool, ending with
//! the user; `tools`; any other top-level key is passed to the grader and allowed. The
//! structure is `rules/schemas/rft.schema.json` (reusing the chat schema's definitions); the
//! chat rules that make sense for a prompt apply to its messages.

pub mod r001_rft_role_not_allowed;
pub mod r002_rft_last_not_user;

use super::chat::{self, schema, Conversation, Purpose};
use super::{LineCtx, Rule};
use crate::diagnostic::Finding;
use crate::json::Pointer;

pub const RULES: &[&Rule] = &[
    &r001_rft_role_not_allowed::RULE,
    &r002_rft_last_not_user::RULE,
];

/// All reinforcement rules (and the chat rules of its messages) on one example.
pub fn check(ctx: &mut LineCtx<'_>) {
    for f in schema::findings(schema::Schema::Rft, ctx.value, translate) {
        ctx.report(f);
    }
    let Some(conv) = Conversation::of(ctx.value, Pointer::root()) else {
        return;
    };
    // No C010/C017 (the example ends with the user) and no C021 (no `system` role here).
    chat::check_conversation(ctx, &conv, Purpose::Prompt { system_rule: false });
    r002_rft_last_not_user::check(ctx, &conv);
}

fn translate(code: &str, issue: &schema::Issue<'_>) -> Vec<Finding> {
    match code {
        "R001" => r001_rft_role_not_allowed::from_schema(issue),
        _ => chat::translate(code, issue),
    }
}
