//! C — the chat format (OpenAI-style `messages`): the structure via the JSON Schema, the
//! relations between fields via one Rust function per rule.

pub mod c001_missing_messages;
pub mod c002_unknown_top_level_key;
pub mod c003_message_not_object;
pub mod c004_missing_role;
pub mod c005_unknown_role;
pub mod c006_missing_content;
pub mod c007_invalid_content;
pub mod c008_unknown_message_key;
pub mod c009_invalid_weight;
pub mod c010_no_assistant_message;
pub mod c011_invalid_tool_call;
pub mod c012_unanswered_tool_call;
pub mod c013_orphan_tool_message;
pub mod c014_invalid_tool_definition;
pub mod c015_undefined_tool;
pub mod c016_empty_content;
pub mod c017_trailing_non_assistant;
pub mod c018_unsupported_content_part;
pub mod c019_invalid_image;
pub mod c020_missing_user_message;
pub mod c021_missing_system_message;
pub mod schema;
pub mod vision;

use super::{LineCtx, Rule};
use crate::diagnostic::Finding;
use crate::json::Pointer;
use serde_json::Value;

pub const RULES: &[&Rule] = &[
    &c001_missing_messages::RULE,
    &c002_unknown_top_level_key::RULE,
    &c003_message_not_object::RULE,
    &c004_missing_role::RULE,
    &c005_unknown_role::RULE,
    &c006_missing_content::RULE,
    &c007_invalid_content::RULE,
    &c008_unknown_message_key::RULE,
    &c009_invalid_weight::RULE,
    &c010_no_assistant_message::RULE,
    &c011_invalid_tool_call::RULE,
    &c012_unanswered_tool_call::RULE,
    &c013_orphan_tool_message::RULE,
    &c014_invalid_tool_definition::RULE,
    &c015_undefined_tool::RULE,
    &c016_empty_content::RULE,
    &c017_trailing_non_assistant::RULE,
    &c018_unsupported_content_part::RULE,
    &c019_invalid_image::RULE,
    &c020_missing_user_message::RULE,
    &c021_missing_system_message::RULE,
];

/// All chat rules on one example: the schema first, then the cross-field rules.
pub fn check(ctx: &mut LineCtx<'_>) {
    for f in schema::findings(schema::Schema::Chat, ctx.value, translate) {
        ctx.report(f);
    }
    let Some(conv) = Conversation::of(ctx.value, Pointer::root()) else {
        return;
    };
    check_conversation(ctx, &conv, Purpose::Supervised);
}

/// What a conversation is for, which decides the cross-field rules that apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Supervised chat: trained on its assistant messages.
    Supervised,
    /// A prompt that ends with the user (preference `input`, reinforcement examples): no
    /// assistant message is needed and none trails. `system_rule` says whether C021 applies
    /// (reinforcement data has `developer`, not `system`).
    Prompt { system_rule: bool },
}

/// The cross-field chat rules (everything the schema cannot say) on one conversation.
pub fn check_conversation(ctx: &mut LineCtx<'_>, conv: &Conversation<'_>, purpose: Purpose) {
    if purpose == Purpose::Supervised {
        c010_no_assistant_message::check(ctx, conv);
    }
    c011_invalid_tool_call::check(ctx, conv);
    c012_unanswered_tool_call::check(ctx, conv);
    c013_orphan_tool_message::check(ctx, conv);
    c015_undefined_tool::check(ctx, conv);
    c016_empty_content::check(ctx, conv);
    if purpose == Purpose::Supervised {
        c017_trailing_non_assistant::check(ctx, conv);
    }
    vision::check(ctx, conv);
    c020_missing_user_message::check(ctx, conv);
    if matches!(
        purpose,
        Purpose::Supervised | Purpose::Prompt { system_rule: true }
    ) {
        c021_missing_system_message::check(ctx, conv);
    }
}

/// A schema issue to the rule that owns its code.
pub fn translate(code: &str, issue: &schema::Issue<'_>) -> Vec<Finding> {
    match code {
        "C001" => c001_missing_messages::from_schema(issue),
        "C002" => c002_unknown_top_level_key::from_schema(issue),
        "C003" => c003_message_not_object::from_schema(issue),
        "C004" => c004_missing_role::from_schema(issue),
        "C005" => c005_unknown_role::from_schema(issue),
        "C006" => c006_missing_content::from_schema(issue),
        "C007" => c007_invalid_content::from_schema(issue),
        "C008" => c008_unknown_message_key::from_schema(issue),
        "C009" => c009_invalid_weight::from_schema(issue),
        "C011" => c011_invalid_tool_call::from_schema(issue),
        "C013" => c013_orphan_tool_message::from_schema(issue),
        "C014" => c014_invalid_tool_definition::from_schema(issue),
        _ => Vec::new(),
    }
}

/// The messages of one example with what several rules ask of them, computed once.
pub struct Conversation<'a> {
    /// The object holding `messages` (and `tools`): the line, or a preference `input`.
    pub holder: &'a Value,
    /// Where the messages array is in the line.
    pub list: Pointer,
    pub messages: &'a [Value],
    /// Each message's role, when it is a string.
    pub roles: Vec<Option<&'a str>>,
}

impl<'a> Conversation<'a> {
    /// The conversation in `holder.messages`, `holder` being at `base`; `None` when there is
    /// no `messages` array.
    pub fn of(holder: &'a Value, base: Pointer) -> Option<Self> {
        let messages = holder.get("messages")?.as_array()?;
        Some(Self::with(holder, base.key("messages"), messages))
    }

    /// A bare list of messages at `list` (a preference output), whose `tools` are those of
    /// `holder` (the preference `input`; `Value::Null` for none).
    pub fn list(holder: &'a Value, list: Pointer, messages: &'a [Value]) -> Self {
        Self::with(holder, list, messages)
    }

    fn with(holder: &'a Value, list: Pointer, messages: &'a [Value]) -> Self {
        let roles = messages
            .iter()
            .map(|m| m.get("role").and_then(Value::as_str))
            .collect();
        Conversation {
            holder,
            list,
            messages,
            roles,
        }
    }

    pub fn pointer(&self, i: usize) -> Pointer {
        self.list.index(i)
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.roles.contains(&Some(role))
    }

    /// The index and role of the last message when its role is a string other than `user`:
    /// a prompt (preference input, reinforcement example) must end with the user.
    pub fn last_non_user(&self) -> Option<(usize, &'a str)> {
        let last = self.messages.len().checked_sub(1)?;
        let role = self.roles[last]?;
        (role != "user").then_some((last, role))
    }

    pub fn last_assistant(&self) -> Option<usize> {
        self.roles.iter().rposition(|r| *r == Some("assistant"))
    }

    /// The text of a message's content: the string, or its text parts joined. `None` when
    /// there is no textual content.
    pub fn text(&self, i: usize) -> Option<String> {
        match self.messages[i].get("content")? {
            Value::String(s) => Some(s.clone()),
            Value::Array(parts) => {
                let texts: Vec<&str> = parts
                    .iter()
                    .filter(|p| p.get("type").and_then(Value::as_str) == Some("text"))
                    .filter_map(|p| p.get("text").and_then(Value::as_str))
                    .collect();
                (!texts.is_empty()).then(|| texts.join(""))
            }
            _ => None,
        }
    }
}
