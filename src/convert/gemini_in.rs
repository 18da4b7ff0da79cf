//! Vertex AI Gemini tuning record → the conversation. Both spellings of every key are read
//! (`systemInstruction` / `system_instruction`, …; see `crate::gemini`). A user turn becomes its
//! tool results (`functionResponse` parts), then one user message with its other parts.

use super::ir::{Example, Image, Item, Kind, Message, ResultContent, Role, ToolDef};
use super::maps::{CHAT_MAP, GEMINI_MAP};
use super::turn_head::{self, TurnShape};
use super::{answer_by_name, LossKind, Losses};
use crate::diagnostic::Target as At;
use crate::gemini::{self as g, Name};
use crate::json::Pointer;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Gemini's `contents[i]`: `role` and `parts`.
const SHAPE: TurnShape = TurnShape {
    list_key: "parts",
    list_what: "`parts`",
    roles: "`user` or `model`",
};

pub fn read<'a>(v: &'a Value, l: &mut Losses) -> Option<Example<'a>> {
    let root = Pointer::root();
    let obj = v.as_object()?;
    let mut ex = Example::default();
    for (key, value) in obj {
        let at = root.key(key);
        match key.as_str() {
            "contents" | "systemInstruction" | "system_instruction" => {}
            "tools" => read_tools(value, &at, &mut ex.tools, l),
            _ => l.key(key, &at),
        }
    }
    if let Some((key, si)) = g::SYSTEM_INSTRUCTION.get(v) {
        let at = root.key(key);
        if !si.is_null() {
            let Some(parts) = si.get("parts").and_then(Value::as_array) else {
                l.malformed(
                    format!("`{}` has no list of `parts`", at.dotted()),
                    At::ObjectStart(at),
                );
                return None;
            };
            let mut msg = Message {
                role: Role::System,
                items: Vec::new(),
                at: at.clone(),
            };
            for (k, part) in parts.iter().enumerate() {
                let pat = at.key("parts").index(k);
                match g::part_text(part) {
                    Some(t) => msg.items.push(Item {
                        kind: Kind::Text(t),
                        at: pat,
                    }),
                    None => l.at(
                        LossKind::Content {
                            kind: "non-text part of a system instruction".into(),
                        },
                        &pat,
                    ),
                }
            }
            ex.messages.push(msg);
        }
    }
    let base = root.key("contents");
    let Some(turns) = obj.get("contents").and_then(Value::as_array) else {
        l.malformed("it has no list of `contents`", At::ObjectStart(root));
        return None;
    };
    let mut pending: Vec<(String, String, bool)> = Vec::new();
    for (i, turn) in turns.iter().enumerate() {
        let at = base.index(i);
        let (role, parts) = turn_head::read(turn, &at, &SHAPE, |r| GEMINI_MAP.role_of(r), l)?;
        let mut msg = Message {
            role,
            items: Vec::new(),
            at: at.clone(),
        };
        let mut results = Vec::new();
        for (k, part) in parts.iter().enumerate() {
            let pat = at.key("parts").index(k);
            let Some(kind) = read_part(part, &pat, i, k, &mut pending, l) else {
                if l.has_fatal() {
                    return None;
                }
                continue;
            };
            if let Kind::Result { .. } = kind {
                if !msg.items.is_empty() {
                    l.at(LossKind::Reordered, &pat);
                }
                results.push(Message {
                    role: Role::Tool,
                    items: vec![Item {
                        kind,
                        at: pat.clone(),
                    }],
                    at: pat,
                });
            } else {
                msg.items.push(Item { kind, at: pat });
            }
        }
        let has_user_part = !msg.items.is_empty() || results.is_empty();
        ex.messages.extend(results);
        if has_user_part {
            ex.messages.push(msg);
        }
    }
    Some(ex)
}

fn read_part<'a>(
    part: &'a Value,
    at: &Pointer,
    turn: usize,
    index: usize,
    pending: &mut Vec<(String, String, bool)>,
    l: &mut Losses,
) -> Option<Kind<'a>> {
    let keys = g::data_keys(part);
    let Some(obj) = part.as_object() else {
        l.malformed(
            format!("`{}` is not an object", at.dotted()),
            At::Value(at.clone()),
        );
        return None;
    };
    for key in obj.keys() {
        if !is_data_field(key) {
            l.key(key, &at.key(key));
        }
    }
    let [key] = keys[..] else {
        if keys.is_empty() {
            // A part of a kind the conversation has no counterpart for (executable code, …).
            let kind = obj
                .keys()
                .next()
                .map_or("empty".to_owned(), |k| format!("`{k}`"));
            l.at(
                LossKind::Content {
                    kind: format!("{kind} part"),
                },
                at,
            );
        } else {
            l.malformed(
                format!(
                    "`{}` holds more than one of {}",
                    at.dotted(),
                    keys.join(", ")
                ),
                At::Value(at.clone()),
            );
        }
        return None;
    };
    let value = &obj[key];
    let vat = at.key(key);
    let field = |n: Name| n.camel == key || n.snake == key;
    if field(g::TEXT) {
        return match value.as_str() {
            Some(t) => Some(Kind::Text(t)),
            None => {
                l.malformed(format!("`{}` is not text", vat.dotted()), At::Value(vat));
                None
            }
        };
    }
    if field(g::FILE_DATA) || field(g::INLINE_DATA) {
        let mime = get(value, "mimeType", "mime_type")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !mime.starts_with("image/") {
            l.at(
                LossKind::Content {
                    kind: format!(
                        "`{}` media part",
                        if mime.is_empty() { "untyped" } else { mime }
                    ),
                },
                at,
            );
            return None;
        }
        if field(g::INLINE_DATA) {
            let Some(data) = get(value, "data", "data").and_then(Value::as_str) else {
                l.malformed(
                    format!("`{}` has no `data`", vat.dotted()),
                    At::ObjectStart(vat),
                );
                return None;
            };
            return Some(Kind::Image(Image::Data { mime, base64: data }));
        }
        let Some(uri) = get(value, "fileUri", "file_uri").and_then(Value::as_str) else {
            l.malformed(
                format!("`{}` has no `fileUri`", vat.dotted()),
                At::ObjectStart(vat),
            );
            return None;
        };
        return Some(Kind::Image(if uri.starts_with("gs://") {
            Image::Gs { uri, mime }
        } else {
            Image::Url(uri)
        }));
    }
    let Some(name) = value.get("name").and_then(Value::as_str) else {
        l.malformed(
            format!("`{}` has no `name`", vat.dotted()),
            At::ObjectStart(vat),
        );
        return None;
    };
    let id = value.get("id").and_then(Value::as_str);
    if field(g::FUNCTION_CALL) {
        let args = match value.get("args") {
            None | Some(Value::Null) => Cow::Owned(Map::new()),
            Some(Value::Object(m)) => Cow::Borrowed(m),
            Some(_) => {
                let aat = vat.key("args");
                l.malformed(
                    format!("`{}` is not an object", aat.dotted()),
                    At::Value(aat),
                );
                return None;
            }
        };
        let id = id.map_or_else(|| Cow::Owned(CHAT_MAP.call_id(turn, index)), Cow::Borrowed);
        pending.push((id.to_string(), name.to_owned(), false));
        return Some(Kind::Call { id, name, args });
    }
    // A function response: its id, else the first call of that name not yet answered.
    let id = match id {
        Some(id) => {
            if let Some(c) = pending.iter_mut().find(|c| c.0 == id) {
                c.2 = true;
            }
            Some(Cow::Borrowed(id))
        }
        None => answer_by_name(pending, name).map(|id| Cow::Owned(id.to_owned())),
    };
    let response = value.get("response").unwrap_or(&Value::Null);
    Some(Kind::Result {
        id,
        name: Some(name),
        content: unwrap(response),
    })
}

/// Whether `key` is one of a part's data fields (either spelling); any other key of a part
/// (`videoMetadata`, `thought`) has no counterpart and is reported.
fn is_data_field(key: &str) -> bool {
    g::DATA_FIELDS
        .iter()
        .any(|n| n.camel == key || n.snake == key)
}

fn get<'a>(v: &'a Value, camel: &str, snake: &str) -> Option<&'a Value> {
    v.get(camel).or_else(|| v.get(snake))
}

/// A `response` that is only wrapped text (or text parts) is that text; anything else is a
/// JSON result.
fn unwrap(response: &Value) -> ResultContent<'_> {
    if let Some(obj) = response.as_object() {
        if obj.len() == 1 {
            match obj.get(&GEMINI_MAP.function_response.wrap) {
                Some(Value::String(s)) => return ResultContent::Text(s),
                Some(Value::Array(parts)) => {
                    let texts: Option<Vec<Cow<'_, str>>> = parts
                        .iter()
                        .map(|p| {
                            let is_text = p.get("type").and_then(Value::as_str) == Some("text")
                                && p.as_object().is_some_and(|o| o.len() == 2);
                            is_text
                                .then(|| p.get("text").and_then(Value::as_str))
                                .flatten()
                                .map(Cow::Borrowed)
                        })
                        .collect();
                    if let Some(texts) = texts.filter(|t| !t.is_empty()) {
                        return ResultContent::Parts(texts);
                    }
                }
                _ => {}
            }
        }
    }
    ResultContent::Json(response)
}

fn read_tools<'a>(v: &'a Value, at: &Pointer, out: &mut Vec<ToolDef<'a>>, l: &mut Losses) {
    let Some(list) = v.as_array() else {
        if !v.is_null() {
            l.malformed(
                format!("`{}` is not a list", at.dotted()),
                At::Value(at.clone()),
            );
        }
        return;
    };
    for (k, tool) in list.iter().enumerate() {
        let tat = at.index(k);
        let Some(obj) = tool.as_object() else {
            l.malformed(
                format!("`{}` is not an object", tat.dotted()),
                At::Value(tat),
            );
            return;
        };
        for (key, decls) in obj {
            let dat = tat.key(key);
            if key != "functionDeclarations" && key != "function_declarations" {
                // Search, retrieval, code execution: tools with no counterpart.
                l.key(key, &dat);
                continue;
            }
            let Some(decls) = decls.as_array() else {
                l.malformed(format!("`{}` is not a list", dat.dotted()), At::Value(dat));
                return;
            };
            for (j, d) in decls.iter().enumerate() {
                let fat = dat.index(j);
                let Some(name) = d.get("name").and_then(Value::as_str) else {
                    l.malformed(
                        format!("`{}` has no name", fat.dotted()),
                        At::ObjectStart(fat),
                    );
                    return;
                };
                if let Some(obj) = d.as_object() {
                    for key in obj.keys().filter(|k| !CHAT_MAP.tools.kept.contains(k)) {
                        l.key(key, &fat.key(key));
                    }
                }
                out.push(ToolDef {
                    name,
                    description: d.get("description").and_then(Value::as_str),
                    parameters: d.get("parameters"),
                    at: fat,
                });
            }
        }
    }
}
