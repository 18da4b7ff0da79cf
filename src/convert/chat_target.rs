//! Chat (or preference) records for another chat target: the same format, changed only where
//! the target's chat rules (`rules/targets/*.toml`, `[chat]`) differ from OpenAI's. Today that
//! is legacy function calling for targets without a `function` role (Together, Fireworks):
//! an assistant's `function_call` becomes a `tool_calls` entry with an id, the `function`
//! message answering it a `tool` message with that id, and `functions` become `tools` — the
//! same conversation in the newer shape. A function message that answers no call has no such
//! form (X008).

use super::maps::CHAT_MAP;
use super::{answer_by_name, LossKind, Losses};
use crate::format::Format;
use crate::json::Pointer;
use crate::targets::ChatPolicy;
use serde_json::{json, Map, Value};

/// The record changed for the target, or `None` when it needs no change.
pub fn convert(v: &Value, format: Format, policy: &ChatPolicy, l: &mut Losses) -> Option<Value> {
    if policy.accepts_role("function") || !uses_functions(v) {
        return None;
    }
    let mut out = v.clone();
    let root = Pointer::root();
    let obj = out.as_object_mut()?;
    // Calls made so far: (id, name, answered); outputs answer calls of the input.
    let mut pending = Vec::new();
    let lists: &[&[&str]] = match format {
        Format::Preference => &[
            &["input", "messages"],
            &["preferred_output"],
            &["non_preferred_output"],
        ],
        _ => &[&["messages"]],
    };
    for path in lists {
        let mut at = root.clone();
        let mut list: Option<&mut Value> = None;
        for (n, key) in path.iter().enumerate() {
            at = at.key(key);
            list = if n == 0 {
                obj.get_mut(*key)
            } else {
                list.and_then(|v| v.get_mut(*key))
            };
        }
        if let Some(Value::Array(messages)) = list {
            modernize(messages, &at, &mut pending, l);
        }
    }
    let holder = match format {
        Format::Preference => obj.get_mut("input").and_then(Value::as_object_mut),
        _ => Some(obj),
    };
    if let Some(holder) = holder {
        if let Some(Value::Array(functions)) = holder.remove("functions") {
            let tools = holder.entry("tools").or_insert_with(|| json!([]));
            if let Value::Array(tools) = tools {
                for f in functions {
                    tools.push(json!({ "type": "function", "function": f }));
                }
            }
        }
    }
    Some(out)
}

/// Does the record use legacy function calling (anywhere a chat target reads messages)?
fn uses_functions(v: &Value) -> bool {
    let in_list = |list: Option<&Value>| {
        list.and_then(Value::as_array).is_some_and(|ms| {
            ms.iter().any(|m| {
                m.get("role").and_then(Value::as_str) == Some("function")
                    || m.get("function_call").is_some()
            })
        })
    };
    v.get("functions").is_some()
        || v.get("input").and_then(|i| i.get("functions")).is_some()
        || in_list(v.get("messages"))
        || in_list(v.get("input").and_then(|i| i.get("messages")))
        || in_list(v.get("preferred_output"))
        || in_list(v.get("non_preferred_output"))
}

fn modernize(
    messages: &mut Vec<Value>,
    base: &Pointer,
    pending: &mut Vec<(String, String, bool)>,
    l: &mut Losses,
) {
    let mut keep = Vec::with_capacity(messages.len());
    for (i, m) in messages.iter_mut().enumerate() {
        let at = base.index(i);
        let Some(obj) = m.as_object_mut() else {
            keep.push(true);
            continue;
        };
        if let Some(call) = obj.remove("function_call") {
            let id = CHAT_MAP.call_id(i, 0);
            let name = call.get("name").and_then(Value::as_str).unwrap_or("");
            pending.push((id.clone(), name.to_owned(), false));
            let calls = obj.entry("tool_calls").or_insert_with(|| json!([]));
            if let Value::Array(calls) = calls {
                calls.push(json!({ "id": id, "type": "function", "function": call }));
            }
        }
        if obj.get("role").and_then(Value::as_str) != Some("function") {
            keep.push(true);
            continue;
        }
        let name = obj
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        match answer_by_name(pending, &name) {
            Some(id) => {
                let mut tool = Map::new();
                tool.insert("role".into(), "tool".into());
                tool.insert("tool_call_id".into(), id.into());
                if let Some(c) = obj.remove("content") {
                    tool.insert("content".into(), c);
                }
                // The name now lives in the call the message answers.
                obj.remove("name");
                obj.remove("role");
                // Anything else the message held stays (the target's check says if it may).
                tool.extend(std::mem::take(obj));
                *m = Value::Object(tool);
                keep.push(true);
            }
            None => {
                l.at(LossKind::UnpairedResult, &at);
                keep.push(false);
            }
        }
    }
    let mut k = keep.into_iter();
    messages.retain(|_| k.next().unwrap_or(true));
}
