//! The conversation → a ShareGPT record as LLaMA-Factory reads it: `conversations` of
//! `from`/`value` turns, `system`, and `tools` as JSON text (`rules/convert/sharegpt.toml`).

use super::ir::{Example, Kind, ResultContent, Role};
use super::maps::SHAREGPT_MAP;
use super::{compact, text_turns, LossKind, Losses};
use serde_json::{json, Map, Value};

pub fn write(ex: &Example<'_>, l: &mut Losses) -> Value {
    let map = &*SHAREGPT_MAP;
    let join = map.join.as_str();
    let (system, rest) = text_turns::system(ex, join, l);
    // (tag, value) of each turn written.
    let mut turns: Vec<(&str, String)> = Vec::new();
    let mut push = |tag: &str, text: String, l: &mut Losses, at: &crate::json::Pointer| {
        let joinable = tag != map.tags.call;
        match turns.last_mut() {
            Some((last, value)) if joinable && *last == tag => {
                l.at(LossKind::TextsJoined, at);
                value.push_str(join);
                value.push_str(&text);
            }
            _ => turns.push((tag_of(tag), text)),
        }
    };
    for m in rest {
        match m.role {
            Role::Tool => {
                for item in &m.items {
                    if let Kind::Result { content, .. } = &item.kind {
                        push(
                            &map.tags.tool,
                            result_text(content, join, l, &item.at),
                            l,
                            &m.at,
                        );
                    }
                }
            }
            Role::User | Role::System => {
                let (text, _) = text_turns::text(m, join, l);
                push(&map.tags.user, text.unwrap_or_default(), l, &m.at);
            }
            Role::Assistant => {
                let (text, calls) = text_turns::text(m, join, l);
                if calls == 0 {
                    push(&map.tags.assistant, text.unwrap_or_default(), l, &m.at);
                    continue;
                }
                let mut written = Vec::new();
                for item in &m.items {
                    match &item.kind {
                        Kind::Call { id, name, args } => {
                            if matches!(id, std::borrow::Cow::Borrowed(_)) {
                                // An id the input gave: ShareGPT turns carry none.
                                l.key("id", &item.at.key("id"));
                            }
                            let mut call = Map::new();
                            call.insert(map.call.name.clone(), (*name).into());
                            call.insert(
                                map.call.arguments.clone(),
                                Value::Object(args.as_ref().clone()),
                            );
                            written.push(Value::Object(call));
                        }
                        Kind::Text(_) => l.at(
                            LossKind::Content {
                                kind: "text beside tool calls".into(),
                            },
                            &item.at,
                        ),
                        _ => {}
                    }
                }
                let value = if written.len() == 1 {
                    written.pop().unwrap_or_default()
                } else {
                    Value::Array(written)
                };
                push(&map.tags.call, json_text(&value), l, &m.at);
            }
        }
    }
    let mut out = Map::new();
    out.insert(
        "conversations".into(),
        Value::Array(
            turns
                .into_iter()
                .map(|(from, value)| json!({ "from": from, "value": value }))
                .collect(),
        ),
    );
    if let Some(s) = system {
        out.insert("system".into(), s.into());
    }
    if !ex.tools.is_empty() {
        let tools: Vec<Value> = ex
            .tools
            .iter()
            .map(|t| {
                let mut f = Map::new();
                f.insert("name".into(), t.name.into());
                if let Some(d) = t.description {
                    f.insert("description".into(), d.into());
                }
                if let Some(p) = t.parameters {
                    f.insert("parameters".into(), p.clone());
                }
                Value::Object(f)
            })
            .collect();
        out.insert("tools".into(), json_text(&Value::Array(tools)).into());
    }
    Value::Object(out)
}

/// JSON text with its keys in reading order (`name` before `arguments`), as LLaMA-Factory's own
/// samples write it.
fn json_text(v: &Value) -> String {
    let mut out = Vec::new();
    super::json_out::write(v, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The table's tags live as long as the program; the turn list keeps them by reference.
fn tag_of(tag: &str) -> &'static str {
    let t = &SHAREGPT_MAP.tags;
    [&t.system, &t.user, &t.assistant, &t.tool, &t.call]
        .into_iter()
        .find(|x| x.as_str() == tag)
        .map_or("", |x| x.as_str())
}

fn result_text(
    content: &ResultContent<'_>,
    join: &str,
    l: &mut Losses,
    at: &crate::json::Pointer,
) -> String {
    match content {
        ResultContent::Text(t) => (*t).to_owned(),
        ResultContent::Json(v) => compact(v),
        ResultContent::Parts(parts) => {
            if parts.len() > 1 {
                l.at(LossKind::TextsJoined, at);
            }
            parts
                .iter()
                .map(|p| p.as_ref())
                .collect::<Vec<_>>()
                .join(join)
        }
    }
}
