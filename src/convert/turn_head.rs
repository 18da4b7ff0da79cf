//! The start of a turn in the formats that keep the system prompt apart and nest a list of
//! blocks in each turn — Gemini's `contents[i]` (`role`, `parts`) and Bedrock's
//! `messages[i]` (`role`, `content`): the same checks, said in each format's words.

use super::ir::Role;
use super::Losses;
use crate::diagnostic::Target as At;
use crate::json::Pointer;
use serde_json::Value;

/// How a format names a turn's parts.
pub(super) struct TurnShape {
    /// The turn's list of blocks: `parts`, `content`.
    pub list_key: &'static str,
    /// That list in a message: "`parts`", "`content` blocks".
    pub list_what: &'static str,
    /// The roles a turn may have, in a message: "`user` or `model`".
    pub roles: &'static str,
}

/// A turn's role (never `system`: both formats hold it elsewhere) and its list of blocks. Keys
/// other than `role` and the list are lost (said in `l`); a turn that is not an object, has
/// another role or no list is `None`, with the reason said in `l`.
pub(super) fn read<'v>(
    turn: &'v Value,
    at: &Pointer,
    shape: &TurnShape,
    role_of: impl Fn(&str) -> Option<Role>,
    l: &mut Losses,
) -> Option<(Role, &'v [Value])> {
    let Some(obj) = turn.as_object() else {
        l.malformed(
            format!("`{}` is not an object", at.dotted()),
            At::Value(at.clone()),
        );
        return None;
    };
    for key in obj
        .keys()
        .filter(|k| !["role", shape.list_key].contains(&k.as_str()))
    {
        l.key(key, &at.key(key));
    }
    let role_name = obj.get("role").and_then(Value::as_str).unwrap_or("");
    let Some(role) = role_of(role_name).filter(|r| *r != Role::System) else {
        l.malformed(
            format!("`{}` is not {}", at.key("role").dotted(), shape.roles),
            if obj.contains_key("role") {
                At::Value(at.key("role"))
            } else {
                At::ObjectStart(at.clone())
            },
        );
        return None;
    };
    let Some(list) = obj.get(shape.list_key).and_then(Value::as_array) else {
        l.malformed(
            format!("`{}` has no list of {}", at.dotted(), shape.list_what),
            At::ObjectStart(at.clone()),
        );
        return None;
    };
    Some((role, list))
}
