//! What a target asks of the chat format beyond its schema: which roles it accepts and in
//! what order they must come.

use serde::{Deserialize, Serialize};

/// A target's rules for `messages`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatPolicy {
    /// The roles the target accepts; absent: every role of the format (C005 checks the
    /// format's; this narrows it, e.g. Together and Fireworks accept no `tool` messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// After an optional leading `system` message, `user` and `assistant` alternate, starting
    /// with `user` (C022).
    #[serde(default)]
    pub alternate: bool,
    /// The last message must be from the assistant (C022).
    #[serde(default)]
    pub end_with_assistant: bool,
    /// Why: the documentation these rules come from (URL and the date it was read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl ChatPolicy {
    /// Whether the target accepts `role` (when the format does).
    pub fn accepts_role(&self, role: &str) -> bool {
        self.roles
            .as_ref()
            .is_none_or(|r| r.iter().any(|x| x == role))
    }

    /// Whether the target says anything about order.
    pub fn has_order(&self) -> bool {
        self.alternate || self.end_with_assistant
    }
}
