//! Alpaca record (LLaMA-Factory's `instruction`, `input`, `output`, `system`, `history`) → the
//! conversation. The user's last turn is `instruction` and `input` joined as LLaMA-Factory
//! joins them: [`prepare`] writes it into a copy of the line, which [`read`] borrows from.

use super::ir::{Example, Item, Kind, Message, Role};
use super::maps::ALPACA_MAP;
use super::Losses;
use crate::diagnostic::Target as At;
use crate::json::Pointer;
use serde_json::Value;

/// A copy of the line whose `instruction` is the user's turn: `instruction` and `input`, each
/// when not empty, joined by `join`.
pub fn prepare(v: &Value) -> Value {
    let mut v = v.clone();
    let part = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let joined: Vec<String> = [part("instruction"), part("input")]
        .into_iter()
        .flatten()
        .collect();
    if let Some(obj) = v.as_object_mut() {
        if obj.contains_key("instruction") || obj.contains_key("input") {
            obj.insert("instruction".into(), joined.join(&ALPACA_MAP.join).into());
        }
    }
    v
}

fn turn<'a>(role: Role, text: &'a str, at: Pointer) -> Message<'a> {
    Message {
        role,
        items: vec![Item {
            kind: Kind::Text(text),
            at: at.clone(),
        }],
        at,
    }
}

/// Reads a [`prepare`]d line.
pub fn read<'a>(v: &'a Value, l: &mut Losses) -> Option<Example<'a>> {
    let root = Pointer::root();
    let obj = v.as_object()?;
    let mut ex = Example::default();
    for key in obj.keys() {
        if !["instruction", "input", "output", "system", "history"].contains(&key.as_str()) {
            l.key(key, &root.key(key));
        }
    }
    let text = |k: &str, l: &mut Losses| -> Option<&'a str> {
        match obj.get(k) {
            Some(Value::String(s)) => Some(s),
            None | Some(Value::Null) if k == "system" => Some(""),
            _ => {
                l.malformed(format!("`{k}` is not text"), At::Value(root.key(k)));
                None
            }
        }
    };
    let system = text("system", l)?;
    if obj.contains_key("system") {
        ex.messages
            .push(turn(Role::System, system, root.key("system")));
    }
    if let Some(history) = obj.get("history") {
        let hat = root.key("history");
        let Some(pairs) = history.as_array() else {
            l.malformed("`history` is not a list", At::Value(hat));
            return None;
        };
        for (i, pair) in pairs.iter().enumerate() {
            let pat = hat.index(i);
            match pair.as_array().map(Vec::as_slice) {
                Some([Value::String(q), Value::String(a)]) => {
                    ex.messages.push(turn(Role::User, q, pat.index(0)));
                    ex.messages.push(turn(Role::Assistant, a, pat.index(1)));
                }
                _ => {
                    l.malformed(
                        format!("`{}` is not a pair of texts", pat.dotted()),
                        At::Value(pat),
                    );
                    return None;
                }
            }
        }
    }
    let instruction = text("instruction", l)?;
    ex.messages
        .push(turn(Role::User, instruction, root.key("instruction")));
    let output = text("output", l)?;
    ex.messages
        .push(turn(Role::Assistant, output, root.key("output")));
    Some(ex)
}
