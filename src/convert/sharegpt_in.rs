//! ShareGPT record (LLaMA-Factory's `conversations` of `from`/`value`, or Axolotl's
//! `role`/`content`) → the conversation. `function_call` values and `tools` are JSON text:
//! [`prepare`] parses them into a copy of the line, which [`read`] then borrows from (losses
//! still point into the line as written).

use super::chat_in::read_tools;
use super::ir::{Example, Item, Kind, Message, ResultContent, Role};
use super::maps::{CHAT_MAP, SHAREGPT_MAP};
use super::Losses;
use crate::diagnostic::Target as At;
use crate::json::Pointer;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The turn's tag and text keys, in the style the turn uses.
fn keys(turn: &Map<String, Value>) -> (&'static str, &'static str) {
    if turn.contains_key("from") || turn.contains_key("value") {
        ("from", "value")
    } else {
        ("role", "content")
    }
}

/// A copy of the line with its JSON texts parsed: `tools` and each `function_call` value.
pub fn prepare(v: &Value, l: &mut Losses) -> Option<Value> {
    let mut v = v.clone();
    if let Some(tools) = v.get_mut("tools") {
        if let Value::String(text) = tools {
            match serde_json::from_str::<Value>(text) {
                Ok(parsed) => *tools = parsed,
                Err(_) => {
                    l.malformed(
                        "`tools` is not the JSON text of a list of tools",
                        At::Value(Pointer::root().key("tools")),
                    );
                    return None;
                }
            }
        }
    }
    if let Some(turns) = v.get_mut("conversations").and_then(Value::as_array_mut) {
        for (i, turn) in turns.iter_mut().enumerate() {
            let Some(obj) = turn.as_object_mut() else {
                continue;
            };
            let (tag, text) = keys(obj);
            let is_call = obj
                .get(tag)
                .and_then(Value::as_str)
                .and_then(|t| SHAREGPT_MAP.read.get(t))
                .is_some_and(|k| k == "call");
            if !is_call {
                continue;
            }
            if let Some(Value::String(s)) = obj.get(text) {
                match serde_json::from_str::<Value>(s) {
                    Ok(parsed) => {
                        obj.insert(text.to_owned(), parsed);
                    }
                    Err(_) => {
                        let at = Pointer::root().key("conversations").index(i).key(text);
                        l.malformed(
                            format!("`{}` is not the JSON text of a call", at.dotted()),
                            At::Value(at),
                        );
                        return None;
                    }
                }
            }
        }
    }
    Some(v)
}

/// Reads a [`prepare`]d line.
pub fn read<'a>(v: &'a Value, l: &mut Losses) -> Option<Example<'a>> {
    let root = Pointer::root();
    let obj = v.as_object()?;
    let mut ex = Example::default();
    for (key, value) in obj {
        let at = root.key(key);
        match key.as_str() {
            "conversations" | "system" => {}
            "tools" => read_tools(value, &at, true, &mut ex.tools, l),
            _ => l.key(key, &at),
        }
    }
    let base = root.key("conversations");
    let Some(turns) = obj.get("conversations").and_then(Value::as_array) else {
        l.malformed(
            "it has no `conversations` list",
            At::ObjectStart(root.clone()),
        );
        return None;
    };
    let system_turn = turns
        .first()
        .and_then(|t| t.as_object())
        .and_then(|t| t.get(keys(t).0)?.as_str())
        .and_then(|t| SHAREGPT_MAP.read.get(t))
        .is_some_and(|k| k == "system");
    match obj.get("system") {
        // LLaMA-Factory takes a first system turn over the `system` column.
        Some(_) if system_turn => l.key("system", &root.key("system")),
        Some(Value::String(s)) => ex.messages.push(Message {
            role: Role::System,
            items: vec![Item {
                kind: Kind::Text(s),
                at: root.key("system"),
            }],
            at: root.key("system"),
        }),
        Some(_) => {
            l.malformed("`system` is not text", At::Value(root.key("system")));
            return None;
        }
        None => {}
    }
    // Calls made so far: (id, name, answered).
    let mut pending: Vec<(String, String, bool)> = Vec::new();
    for (i, turn) in turns.iter().enumerate() {
        let at = base.index(i);
        let Some(t) = turn.as_object() else {
            l.malformed(format!("`{}` is not an object", at.dotted()), At::Value(at));
            return None;
        };
        let (tag_key, text_key) = keys(t);
        for key in t.keys().filter(|k| *k != tag_key && *k != text_key) {
            l.key(key, &at.key(key));
        }
        let tag = t.get(tag_key).and_then(Value::as_str).unwrap_or_default();
        let Some(kind) = SHAREGPT_MAP.read.get(tag) else {
            l.malformed(
                format!(
                    "`{}` is `{tag}`, a tag with no counterpart",
                    at.key(tag_key).dotted()
                ),
                At::Value(at.key(tag_key)),
            );
            return None;
        };
        let text_at = at.key(text_key);
        let value = t.get(text_key).unwrap_or(&Value::Null);
        let message = match (kind.as_str(), value) {
            ("call", call) => {
                let calls: Vec<&Value> = match call {
                    Value::Array(list) => list.iter().collect(),
                    one => vec![one],
                };
                let mut items = Vec::new();
                for (k, c) in calls.into_iter().enumerate() {
                    let name = c.get(&SHAREGPT_MAP.call.name).and_then(Value::as_str);
                    let args = match c.get(&SHAREGPT_MAP.call.arguments) {
                        Some(Value::Object(m)) => Some(Cow::Borrowed(m)),
                        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                            Ok(Value::Object(m)) => Some(Cow::Owned(m)),
                            _ => None,
                        },
                        None => Some(Cow::Owned(Map::new())),
                        _ => None,
                    };
                    let (Some(name), Some(args)) = (name, args) else {
                        l.malformed(
                            format!(
                                "`{}` is not a call `{{\"name\", \"arguments\"}}`",
                                text_at.dotted()
                            ),
                            At::Value(text_at.clone()),
                        );
                        return None;
                    };
                    let id = CHAT_MAP.call_id(i, k);
                    pending.push((id.clone(), name.to_owned(), false));
                    items.push(Item {
                        kind: Kind::Call {
                            id: Cow::Owned(id),
                            name,
                            args,
                        },
                        at: text_at.clone(),
                    });
                }
                Message {
                    role: Role::Assistant,
                    items,
                    at: at.clone(),
                }
            }
            (kind, Value::String(s)) => {
                let role = match kind {
                    "system" => Role::System,
                    "user" => Role::User,
                    "assistant" => Role::Assistant,
                    _ => Role::Tool,
                };
                let kind = if role == Role::Tool {
                    // Answers the first call not answered yet.
                    let call = pending.iter_mut().find(|(_, _, done)| !done);
                    let (id, name) = match call {
                        Some(c) => {
                            c.2 = true;
                            (Some(Cow::Owned(c.0.clone())), None)
                        }
                        None => (None, None),
                    };
                    Kind::Result {
                        id,
                        name,
                        content: ResultContent::Text(s),
                    }
                } else {
                    Kind::Text(s)
                };
                Message {
                    role,
                    items: vec![Item {
                        kind,
                        at: text_at.clone(),
                    }],
                    at: at.clone(),
                }
            }
            _ => {
                l.malformed(
                    format!("`{}` is not text", text_at.dotted()),
                    At::Value(text_at),
                );
                return None;
            }
        };
        ex.messages.push(message);
    }
    Some(ex)
}
