//! The conversation → an Alpaca record as LLaMA-Factory reads it: earlier rounds in `history`,
//! the last user turn in `instruction` (with an empty `input`), the assistant's answer in
//! `output`, the system prompt in `system` (`rules/convert/alpaca.toml`).

use super::ir::{Example, Kind, Role};
use super::maps::ALPACA_MAP;
use super::{text_turns, LossKind, Losses};
use crate::diagnostic::Target as At;
use crate::json::Pointer;
use serde_json::{json, Map, Value};

pub fn write(ex: &Example<'_>, l: &mut Losses) -> Option<Value> {
    let map = &*ALPACA_MAP;
    let join = map.join.as_str();
    let (system, rest) = text_turns::system(ex, join, l);
    for t in &ex.tools {
        l.at(
            LossKind::Content {
                kind: "tool definition".into(),
            },
            &t.at,
        );
    }
    // (role, text) turns, one side after the other.
    let mut turns: Vec<(Role, String)> = Vec::new();
    for m in rest {
        if m.role == Role::Tool {
            for item in &m.items {
                l.at(
                    LossKind::Content {
                        kind: "tool result".into(),
                    },
                    &item.at,
                );
            }
            continue;
        }
        for item in &m.items {
            if let Kind::Call { .. } = item.kind {
                l.at(
                    LossKind::Content {
                        kind: "tool call".into(),
                    },
                    &item.at,
                );
            }
        }
        let (text, _) = text_turns::text(m, join, l);
        let Some(text) = text else {
            continue;
        };
        let role = if m.role == Role::Assistant {
            Role::Assistant
        } else {
            Role::User
        };
        match turns.last_mut() {
            Some((last, value)) if *last == role => {
                l.at(LossKind::TextsJoined, &m.at);
                value.push_str(join);
                value.push_str(&text);
            }
            _ => turns.push((role, text)),
        }
    }
    let first = ex
        .messages
        .first()
        .map_or(Pointer::root(), |m| m.at.clone());
    if turns.first().map(|t| t.0) != Some(Role::User) {
        l.malformed(
            "it does not start with the user: Alpaca rounds are a question, then its answer",
            At::Value(first),
        );
        return None;
    }
    if turns.last().map(|t| t.0) != Some(Role::Assistant) {
        l.malformed(
            "it does not end with an assistant answer (Alpaca's `output`)",
            At::Value(ex.messages.last().map_or(Pointer::root(), |m| m.at.clone())),
        );
        return None;
    }
    let mut pairs: Vec<(String, String)> = turns
        .chunks(2)
        .filter_map(|c| match c {
            [(_, q), (_, a)] => Some((q.clone(), a.clone())),
            _ => None,
        })
        .collect();
    let (instruction, output) = pairs.pop()?;
    let mut out = Map::new();
    out.insert("instruction".into(), instruction.into());
    out.insert("input".into(), map.input.as_str().into());
    out.insert("output".into(), output.into());
    if let Some(s) = system {
        out.insert("system".into(), s.into());
    }
    if !pairs.is_empty() {
        out.insert(
            "history".into(),
            Value::Array(pairs.into_iter().map(|(q, a)| json!([q, a])).collect()),
        );
    }
    Some(Value::Object(out))
}
