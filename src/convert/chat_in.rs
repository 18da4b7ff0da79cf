//! OpenAI chat record → the conversation. What neither Gemini nor Bedrock can hold (the
//! conversations this reader feeds) is reported here: message `name`s, `weight: 0`, image
//! `detail`, audio and file parts, `parallel_tool_calls`, unknown keys.

use super::ir::{Example, Image, Item, Kind, Message, ResultContent, Role, ToolDef};
use super::maps::CHAT_MAP;
use super::{answer_by_id, answer_by_name, ImageLoss, LossKind, Losses};
use crate::diagnostic::Target as At;
use crate::json::Pointer;
use serde_json::{Map, Value};
use std::borrow::Cow;

pub fn read<'a>(v: &'a Value, l: &mut Losses) -> Option<Example<'a>> {
    let root = Pointer::root();
    let obj = v.as_object()?;
    let mut ex = Example::default();
    for (key, value) in obj {
        let at = root.key(key);
        match key.as_str() {
            "messages" => {}
            "tools" => read_tools(value, &at, false, &mut ex.tools, l),
            "functions" => read_tools(value, &at, true, &mut ex.tools, l),
            _ => l.key(key, &at),
        }
    }
    let Some(messages) = obj.get("messages") else {
        l.malformed("it has no `messages`", At::ObjectStart(root));
        return None;
    };
    let base = root.key("messages");
    let Some(list) = messages.as_array() else {
        l.malformed("`messages` is not a list", At::Value(base));
        return None;
    };
    // Calls made so far: (id, name, answered).
    let mut pending: Vec<(String, String, bool)> = Vec::new();
    read_messages(list, &base, 0, &mut ex, &mut pending, l)?;
    Some(ex)
}

/// The chat messages of `list` (at `base` in the line) appended to `ex`; `first` is the number
/// of messages read before them (calls without an id are numbered from it, so ids stay unique
/// across a TRL prompt and its completion). `None` when the list cannot be converted.
pub fn read_messages<'a>(
    list: &'a [Value],
    base: &Pointer,
    first: usize,
    ex: &mut Example<'a>,
    pending: &mut Vec<(String, String, bool)>,
    l: &mut Losses,
) -> Option<()> {
    for (i, m) in list.iter().enumerate() {
        let at = base.index(i);
        let msg = read_message(m, first + i, &at, pending, l)?;
        ex.messages.push(msg);
    }
    Some(())
}

fn read_message<'a>(
    m: &'a Value,
    i: usize,
    at: &Pointer,
    pending: &mut Vec<(String, String, bool)>,
    l: &mut Losses,
) -> Option<Message<'a>> {
    let Some(obj) = m.as_object() else {
        l.malformed(
            format!("`{}` is not an object", at.dotted()),
            At::Value(at.clone()),
        );
        return None;
    };
    let Some(role_name) = obj.get("role").and_then(Value::as_str) else {
        l.malformed(
            format!("`{}` has no `role`", at.dotted()),
            At::ObjectStart(at.clone()),
        );
        return None;
    };
    let Some(&role) = CHAT_MAP.roles.get(role_name) else {
        l.malformed(
            format!(
                "`{}` is `{role_name}`, a role with no counterpart",
                at.key("role").dotted()
            ),
            At::Value(at.key("role")),
        );
        return None;
    };
    let legacy = role_name == "function";
    let mut msg = Message {
        role,
        items: Vec::new(),
        at: at.clone(),
    };
    for (key, value) in obj {
        let kat = at.key(key);
        match key.as_str() {
            "role" | "content" => {}
            "name" if legacy => {}
            "tool_call_id" if role == Role::Tool && !legacy => {}
            "tool_calls" | "function_call" if role == Role::Assistant => {}
            "weight" if role == Role::Assistant => match value.as_u64() {
                Some(0) => l.at(LossKind::Weight, &kat),
                Some(1) => {}
                _ => {
                    l.malformed(
                        format!("`{}` is not 0 or 1", kat.dotted()),
                        At::Value(kat.clone()),
                    );
                    return None;
                }
            },
            // An assistant's `refusal: null` says nothing.
            "refusal" if value.is_null() => {}
            _ => l.key(key, &kat),
        }
    }
    let content_at = at.key("content");
    if role == Role::Tool {
        let content = result_content(obj.get("content"), &content_at, l)?;
        // A tool message names no tool: writers that need the name find it by the call's id.
        let (id, name) = if legacy {
            let name = obj.get("name").and_then(Value::as_str);
            let id = name.and_then(|n| answer_by_name(pending, n).map(str::to_owned));
            (id, name)
        } else {
            let id = obj.get("tool_call_id").and_then(Value::as_str);
            if let Some(id) = id {
                answer_by_id(pending, id);
            }
            (id.map(str::to_owned), None)
        };
        msg.items.push(Item {
            kind: Kind::Result {
                id: id.map(Cow::Owned),
                name,
                content,
            },
            at: at.clone(),
        });
        return Some(msg);
    }
    match obj.get("content") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => msg.items.push(Item {
            kind: Kind::Text(s),
            at: content_at,
        }),
        Some(Value::Array(parts)) => {
            for (k, part) in parts.iter().enumerate() {
                let pat = content_at.index(k);
                if let Some(item) = read_part(part, &pat, l) {
                    msg.items.push(item);
                }
                if l.has_fatal() {
                    return None;
                }
            }
        }
        Some(_) => {
            l.malformed(
                format!(
                    "`{}` is neither text nor a list of parts",
                    content_at.dotted()
                ),
                At::Value(content_at),
            );
            return None;
        }
    }
    if role == Role::Assistant {
        if let Some(calls) = obj.get("tool_calls") {
            let cat = at.key("tool_calls");
            let Some(calls) = calls.as_array() else {
                l.malformed(format!("`{}` is not a list", cat.dotted()), At::Value(cat));
                return None;
            };
            for (k, call) in calls.iter().enumerate() {
                let kat = cat.index(k);
                let id = call
                    .get("id")
                    .and_then(Value::as_str)
                    .map_or_else(|| Cow::Owned(CHAT_MAP.call_id(i, k)), Cow::Borrowed);
                let item = read_call(call.get("function"), id, &kat.key("function"), &kat, l)?;
                msg.items.push(item);
            }
        }
        if let Some(call) = obj.get("function_call") {
            let fat = at.key("function_call");
            let id = Cow::Owned(CHAT_MAP.call_id(i, 0));
            let item = read_call(Some(call), id, &fat, &fat, l)?;
            msg.items.push(item);
        }
        for item in &msg.items {
            if let Kind::Call { id, name, .. } = &item.kind {
                pending.push((id.to_string(), (*name).to_owned(), false));
            }
        }
    }
    Some(msg)
}

/// One call: `function` {`name`, `arguments`} (arguments: text holding a JSON object).
fn read_call<'a>(
    function: Option<&'a Value>,
    id: Cow<'a, str>,
    fat: &Pointer,
    at: &Pointer,
    l: &mut Losses,
) -> Option<Item<'a>> {
    let Some(name) = function.and_then(|f| f.get("name")).and_then(Value::as_str) else {
        l.malformed(
            format!("`{}` has no function name", at.dotted()),
            At::ObjectStart(at.clone()),
        );
        return None;
    };
    let args_at = fat.key("arguments");
    let args = match function.and_then(|f| f.get("arguments")) {
        Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => m,
            _ => {
                l.malformed(
                    format!("`{}` is not a JSON object", args_at.dotted()),
                    At::Value(args_at),
                );
                return None;
            }
        },
        _ => {
            l.malformed(
                format!("`{}` is not text holding a JSON object", args_at.dotted()),
                At::Value(args_at),
            );
            return None;
        }
    };
    Some(Item {
        kind: Kind::Call {
            id,
            name,
            args: Cow::Owned::<Map<String, Value>>(args),
        },
        at: at.clone(),
    })
}

/// A content part of a system, user or assistant message.
fn read_part<'a>(part: &'a Value, at: &Pointer, l: &mut Losses) -> Option<Item<'a>> {
    let Some(obj) = part.as_object() else {
        l.malformed(
            format!("`{}` is not an object", at.dotted()),
            At::Value(at.clone()),
        );
        return None;
    };
    match obj.get("type").and_then(Value::as_str) {
        Some("text") => {
            let Some(text) = obj.get("text").and_then(Value::as_str) else {
                l.malformed(
                    format!("`{}` has no text", at.dotted()),
                    At::ObjectStart(at.clone()),
                );
                return None;
            };
            Some(Item {
                kind: Kind::Text(text),
                at: at.clone(),
            })
        }
        Some("image_url") => {
            let iat = at.key("image_url");
            let url = obj
                .get("image_url")
                .and_then(|i| i.get("url"))
                .and_then(Value::as_str);
            let Some(url) = url else {
                l.malformed(
                    format!("`{}` has no `url`", iat.dotted()),
                    At::ObjectStart(at.clone()),
                );
                return None;
            };
            if let Some(img) = obj.get("image_url").and_then(Value::as_object) {
                for key in img.keys().filter(|k| k.as_str() != "url") {
                    l.key(key, &iat.key(key));
                }
            }
            let image = if let Some(rest) = url.strip_prefix("data:") {
                match rest.split_once(";base64,") {
                    Some((mime, base64)) => Image::Data { mime, base64 },
                    None => {
                        l.at(LossKind::Image(ImageLoss::BadUrl), &iat.key("url"));
                        return None;
                    }
                }
            } else if url.starts_with("https://") || url.starts_with("http://") {
                Image::Url(url)
            } else {
                l.at(LossKind::Image(ImageLoss::BadUrl), &iat.key("url"));
                return None;
            };
            Some(Item {
                kind: Kind::Image(image),
                at: at.clone(),
            })
        }
        Some(other) => {
            l.at(
                LossKind::Content {
                    kind: format!("`{other}` part"),
                },
                at,
            );
            None
        }
        None => {
            l.malformed(
                format!("`{}` has no `type`", at.dotted()),
                At::ObjectStart(at.clone()),
            );
            None
        }
    }
}

/// A tool message's content: text, or text parts.
fn result_content<'a>(
    content: Option<&'a Value>,
    at: &Pointer,
    l: &mut Losses,
) -> Option<ResultContent<'a>> {
    match content {
        Some(Value::String(s)) => Some(ResultContent::Text(s)),
        Some(Value::Array(parts)) => {
            let mut texts = Vec::new();
            for (k, part) in parts.iter().enumerate() {
                let pat = at.index(k);
                match part.get("type").and_then(Value::as_str) {
                    Some("text") => match part.get("text").and_then(Value::as_str) {
                        Some(t) => texts.push(Cow::Borrowed(t)),
                        None => {
                            l.malformed(
                                format!("`{}` has no text", pat.dotted()),
                                At::ObjectStart(pat),
                            );
                            return None;
                        }
                    },
                    Some(other) => l.at(
                        LossKind::Content {
                            kind: format!("`{other}` part"),
                        },
                        &pat,
                    ),
                    None => {
                        l.malformed(format!("`{}` has no `type`", pat.dotted()), At::Value(pat));
                        return None;
                    }
                }
            }
            Some(ResultContent::Parts(texts))
        }
        _ => {
            l.malformed(
                format!("`{}` is not text or a list of text parts", at.dotted()),
                At::Value(at.clone()),
            );
            None
        }
    }
}

/// `tools` (`[{type: function, function: {…}}]`) or legacy `functions` (`[{…}]`).
pub fn read_tools<'a>(
    v: &'a Value,
    at: &Pointer,
    legacy: bool,
    out: &mut Vec<ToolDef<'a>>,
    l: &mut Losses,
) {
    let Some(list) = v.as_array() else {
        l.malformed(
            format!("`{}` is not a list", at.dotted()),
            At::Value(at.clone()),
        );
        return;
    };
    for (k, tool) in list.iter().enumerate() {
        let tat = at.index(k);
        let (f, fat) = if legacy {
            (Some(tool), tat.clone())
        } else {
            if let Some(obj) = tool.as_object() {
                for key in obj
                    .keys()
                    .filter(|k| !["type", "function"].contains(&k.as_str()))
                {
                    l.key(key, &tat.key(key));
                }
            }
            (tool.get("function"), tat.key("function"))
        };
        let Some(f) = f.and_then(Value::as_object) else {
            l.malformed(
                format!("`{}` is not a function definition", fat.dotted()),
                At::Value(fat),
            );
            return;
        };
        let Some(name) = f.get("name").and_then(Value::as_str) else {
            l.malformed(
                format!("`{}` has no name", fat.dotted()),
                At::ObjectStart(fat),
            );
            return;
        };
        for key in f.keys().filter(|k| !CHAT_MAP.tools.kept.contains(k)) {
            l.key(key, &fat.key(key));
        }
        out.push(ToolDef {
            name,
            description: f.get("description").and_then(Value::as_str),
            parameters: f.get("parameters"),
            at: tat,
        });
    }
}
