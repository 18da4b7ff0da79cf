//! Hugging Face TRL's conversational records: prompt-completion (`prompt` and `completion` as
//! message lists) through the conversation, and preference pairs (`prompt`, `chosen`,
//! `rejected`) to and from OpenAI's DPO records (`input`, `preferred_output`,
//! `non_preferred_output`; also Together's and Fireworks'). Messages are OpenAI chat messages
//! in both (huggingface.co/docs/trl/dataset_formats, read 2026-12-01), so a pair is carried
//! as it is, message for message.

use super::chat_in::{read_messages, read_tools};
use super::ir::Example;
use super::{chat_out, Losses};
use crate::diagnostic::Target as At;
use crate::json::Pointer;
use serde_json::{Map, Value};

/// `{"prompt": [...], "completion": [...], "tools": [...]}` → the conversation.
pub fn read_completion<'a>(v: &'a Value, l: &mut Losses) -> Option<Example<'a>> {
    let root = Pointer::root();
    let obj = v.as_object()?;
    let mut ex = Example::default();
    for (key, value) in obj {
        match key.as_str() {
            "prompt" | "completion" => {}
            "tools" => read_tools(value, &root.key(key), false, &mut ex.tools, l),
            _ => l.key(key, &root.key(key)),
        }
    }
    let mut pending = Vec::new();
    let mut first = 0;
    for key in ["prompt", "completion"] {
        let Some(list) = obj.get(key).and_then(Value::as_array) else {
            l.malformed(
                format!("`{key}` is not a list of messages"),
                At::Value(root.key(key)),
            );
            return None;
        };
        read_messages(list, &root.key(key), first, &mut ex, &mut pending, l)?;
        first += list.len();
    }
    Some(ex)
}

/// The conversation → `{"prompt", "completion", "tools"}`: the completion is what follows the
/// last message that is not the assistant's (the turn the model answers).
pub fn write_completion(ex: &Example<'_>, l: &mut Losses) -> Option<Value> {
    let Value::Object(mut chat) = chat_out::write(ex, l) else {
        return None;
    };
    let Some(Value::Array(mut messages)) = chat.remove("messages") else {
        return None;
    };
    let split = messages
        .iter()
        .rposition(|m| m.get("role").and_then(Value::as_str) != Some("assistant"))
        .map_or(0, |i| i + 1);
    let at = |i: Option<usize>| {
        At::Value(
            i.and_then(|i| ex.messages.get(i))
                .map_or(Pointer::root(), |m| m.at.clone()),
        )
    };
    if split == 0 {
        l.malformed(
            "it has no prompt: every message is the assistant's",
            at(Some(0)),
        );
        return None;
    }
    if split == messages.len() {
        l.malformed(
            "it has no completion: it does not end with the assistant",
            at(ex.messages.len().checked_sub(1)),
        );
        return None;
    }
    let completion = messages.split_off(split);
    let mut out = Map::new();
    out.insert("prompt".into(), Value::Array(messages));
    out.insert("completion".into(), Value::Array(completion));
    if let Some(tools) = chat.remove("tools") {
        out.insert("tools".into(), tools);
    }
    Some(Value::Object(out))
}

/// OpenAI DPO record → TRL preference pair: the input's messages are the prompt, the
/// preferred and non-preferred outputs the chosen and rejected answers, the input's tools the
/// pair's. What TRL has no place for (`parallel_tool_calls`, other keys) is reported.
pub fn to_pair(v: &Value, l: &mut Losses) -> Option<Value> {
    let root = Pointer::root();
    let obj = v.as_object()?;
    let mut out = Map::new();
    let input_at = root.key("input");
    let Some(input) = obj.get("input").and_then(Value::as_object) else {
        l.malformed("`input` is not an object", At::Value(input_at));
        return None;
    };
    for (key, value) in input {
        match key.as_str() {
            "messages" => {
                out.insert("prompt".into(), value.clone());
            }
            "tools" => {}
            _ => l.key(key, &input_at.key(key)),
        }
    }
    for (from, to) in [
        ("preferred_output", "chosen"),
        ("non_preferred_output", "rejected"),
    ] {
        let Some(list) = obj.get(from).filter(|v| v.is_array()) else {
            l.malformed(format!("`{from}` is not a list"), At::Value(root.key(from)));
            return None;
        };
        out.insert(to.into(), list.clone());
    }
    if let Some(tools) = input.get("tools") {
        out.insert("tools".into(), tools.clone());
    }
    for key in obj.keys() {
        if !["input", "preferred_output", "non_preferred_output"].contains(&key.as_str()) {
            l.key(key, &root.key(key));
        }
    }
    if !out.contains_key("prompt") {
        l.malformed("`input` has no `messages`", At::ObjectStart(input_at));
        return None;
    }
    Some(Value::Object(out))
}

/// TRL preference pair (conversational) → OpenAI DPO record. An implicit prompt is the
/// messages `chosen` and `rejected` share from the start (TRL's own reading); standard
/// (string) pairs have no messages to carry and cannot be converted.
pub fn from_pair(v: &Value, l: &mut Losses) -> Option<Value> {
    let root = Pointer::root();
    let obj = v.as_object()?;
    let mut lists = Vec::new();
    for key in ["chosen", "rejected"] {
        match obj.get(key) {
            Some(Value::Array(list)) => lists.push(list.as_slice()),
            _ => {
                l.malformed(
                    format!("`{key}` is not a list of messages (standard, text-only pairs have no messages to carry)"),
                    At::Value(root.key(key)),
                );
                return None;
            }
        }
    }
    let (chosen, rejected) = (lists[0], lists[1]);
    let (prompt, chosen, rejected) = match obj.get("prompt") {
        Some(Value::Array(p)) => (p.clone(), chosen.to_vec(), rejected.to_vec()),
        Some(_) => {
            l.malformed(
                "`prompt` is not a list of messages (standard, text-only pairs have no messages to carry)",
                At::Value(root.key("prompt")),
            );
            return None;
        }
        None => {
            let shared = chosen
                .iter()
                .zip(rejected)
                .take_while(|(a, b)| a == b)
                .count();
            (
                chosen[..shared].to_vec(),
                chosen[shared..].to_vec(),
                rejected[shared..].to_vec(),
            )
        }
    };
    for key in obj.keys() {
        if !["prompt", "chosen", "rejected", "tools"].contains(&key.as_str()) {
            l.key(key, &root.key(key));
        }
    }
    let mut input = Map::new();
    input.insert("messages".into(), Value::Array(prompt));
    if let Some(tools) = obj.get("tools") {
        input.insert("tools".into(), tools.clone());
    }
    let mut out = Map::new();
    out.insert("input".into(), Value::Object(input));
    out.insert("preferred_output".into(), Value::Array(chosen));
    out.insert("non_preferred_output".into(), Value::Array(rejected));
    Some(Value::Object(out))
}
