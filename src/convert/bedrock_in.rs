//! Amazon Bedrock conversation record → the conversation. A user message becomes its tool
//! results (`toolResult` blocks), then one user message with its other blocks.

use super::ir::{Example, Image, Item, Kind, Message, ResultContent, Role, ToolDef};
use super::maps::BEDROCK_MAP;
use super::turn_head::{self, TurnShape};
use super::{answer_by_id, compact, LossKind, Losses};
use crate::diagnostic::Target as At;
use crate::json::Pointer;
use serde_json::Value;
use std::borrow::Cow;

/// Bedrock's `messages[i]`: `role` and `content` blocks.
const SHAPE: TurnShape = TurnShape {
    list_key: "content",
    list_what: "`content` blocks",
    roles: "`user` or `assistant`",
};

pub fn read<'a>(v: &'a Value, l: &mut Losses) -> Option<Example<'a>> {
    let root = Pointer::root();
    let obj = v.as_object()?;
    let mut ex = Example::default();
    for (key, value) in obj {
        let at = root.key(key);
        match key.as_str() {
            // The format's own marker: the output format has its own, or none.
            "schemaVersion" | "messages" => {}
            "system" => {
                let Some(blocks) = value.as_array() else {
                    if !value.is_null() {
                        l.malformed(format!("`{}` is not a list", at.dotted()), At::Value(at));
                        return None;
                    }
                    continue;
                };
                let mut msg = Message {
                    role: Role::System,
                    items: Vec::new(),
                    at: at.clone(),
                };
                for (k, block) in blocks.iter().enumerate() {
                    let bat = at.index(k);
                    match block.get("text").and_then(Value::as_str) {
                        Some(t) => msg.items.push(Item {
                            kind: Kind::Text(t),
                            at: bat,
                        }),
                        None => l.at(
                            LossKind::Content {
                                kind: "non-text system block".into(),
                            },
                            &bat,
                        ),
                    }
                }
                ex.messages.insert(0, msg);
            }
            "toolConfig" => read_tools(value, &at, &mut ex.tools, l),
            _ => l.key(key, &at),
        }
        if l.has_fatal() {
            return None;
        }
    }
    let base = root.key("messages");
    let Some(list) = obj.get("messages").and_then(Value::as_array) else {
        l.malformed("it has no list of `messages`", At::ObjectStart(root));
        return None;
    };
    let mut pending: Vec<(String, String, bool)> = Vec::new();
    for (i, m) in list.iter().enumerate() {
        let at = base.index(i);
        let (role, blocks) = turn_head::read(m, &at, &SHAPE, |r| BEDROCK_MAP.role_of(r), l)?;
        let mut msg = Message {
            role,
            items: Vec::new(),
            at: at.clone(),
        };
        let mut results = Vec::new();
        for (k, block) in blocks.iter().enumerate() {
            let bat = at.key("content").index(k);
            let Some(kind) = read_block(block, &bat, &mut pending, l) else {
                if l.has_fatal() {
                    return None;
                }
                continue;
            };
            if let Kind::Result { .. } = kind {
                if !msg.items.is_empty() {
                    l.at(LossKind::Reordered, &bat);
                }
                results.push(Message {
                    role: Role::Tool,
                    items: vec![Item {
                        kind,
                        at: bat.clone(),
                    }],
                    at: bat,
                });
            } else {
                if let Kind::Call { id, name, .. } = &kind {
                    pending.push((id.to_string(), (*name).to_owned(), false));
                }
                msg.items.push(Item { kind, at: bat });
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

fn read_block<'a>(
    block: &'a Value,
    at: &Pointer,
    pending: &mut [(String, String, bool)],
    l: &mut Losses,
) -> Option<Kind<'a>> {
    let Some(obj) = block.as_object() else {
        l.malformed(
            format!("`{}` is not an object", at.dotted()),
            At::Value(at.clone()),
        );
        return None;
    };
    let kinds: Vec<&str> = obj
        .keys()
        .map(String::as_str)
        .filter(|k| crate::format::BEDROCK_BLOCK_KEYS.contains(k))
        .collect();
    for key in obj.keys().filter(|k| !kinds.contains(&k.as_str())) {
        l.key(key, &at.key(key));
    }
    let [kind] = kinds[..] else {
        if kinds.is_empty() {
            l.malformed(
                format!("`{}` is no content block", at.dotted()),
                At::ObjectStart(at.clone()),
            );
        } else {
            l.malformed(
                format!(
                    "`{}` holds more than one of {}",
                    at.dotted(),
                    kinds.join(", ")
                ),
                At::Value(at.clone()),
            );
        }
        return None;
    };
    let v = &obj[kind];
    let vat = at.key(kind);
    let bad = |l: &mut Losses, what: &str| {
        l.malformed(format!("`{}` {what}", vat.dotted()), At::Value(vat.clone()));
    };
    match kind {
        "text" => match v.as_str() {
            Some(t) => Some(Kind::Text(t)),
            None => {
                bad(l, "is not text");
                None
            }
        },
        "image" => {
            let format = v.get("format").and_then(Value::as_str);
            let loc = v.get("source").and_then(|s| s.get("s3Location"));
            let uri = loc.and_then(|s| s.get("uri")).and_then(Value::as_str);
            let (Some(format), Some(uri)) = (format, uri) else {
                bad(l, "has no `format` and `source.s3Location.uri`");
                return None;
            };
            let owner = loc
                .and_then(|s| s.get("bucketOwner"))
                .and_then(Value::as_str);
            Some(Kind::Image(Image::S3 { uri, format, owner }))
        }
        "toolUse" => {
            let id = v.get("toolUseId").and_then(Value::as_str);
            let name = v.get("name").and_then(Value::as_str);
            let (Some(id), Some(name)) = (id, name) else {
                bad(l, "has no `toolUseId` and `name`");
                return None;
            };
            let args = match v.get("input") {
                Some(Value::Object(m)) => Cow::Borrowed(m),
                _ => {
                    bad(l, "has no `input` object");
                    return None;
                }
            };
            Some(Kind::Call {
                id: Cow::Borrowed(id),
                name,
                args,
            })
        }
        "toolResult" => {
            let Some(id) = v.get("toolUseId").and_then(Value::as_str) else {
                bad(l, "has no `toolUseId`");
                return None;
            };
            answer_by_id(pending, id);
            if let Some(status) = v.get("status") {
                if status.as_str() != Some("success") {
                    l.key("status", &vat.key("status"));
                }
            }
            let Some(items) = v.get("content").and_then(Value::as_array) else {
                bad(l, "has no `content` list");
                return None;
            };
            let content = match &items[..] {
                [one] if one.get("json").is_some() => ResultContent::Json(&one["json"]),
                [one] if one.get("text").is_some_and(Value::is_string) => {
                    ResultContent::Text(one["text"].as_str().unwrap_or_default())
                }
                _ => {
                    let mut texts = Vec::new();
                    for (k, item) in items.iter().enumerate() {
                        match (item.get("text").and_then(Value::as_str), item.get("json")) {
                            (Some(t), _) => texts.push(Cow::Borrowed(t)),
                            (None, Some(j)) => texts.push(Cow::Owned(compact(j))),
                            _ => l.at(
                                LossKind::Content {
                                    kind: "tool result item that is neither text nor JSON".into(),
                                },
                                &vat.key("content").index(k),
                            ),
                        }
                    }
                    ResultContent::Parts(texts)
                }
            };
            Some(Kind::Result {
                id: Some(Cow::Borrowed(id)),
                name: None,
                content,
            })
        }
        // video, document, reasoningContent
        other => {
            l.at(
                LossKind::Content {
                    kind: format!("`{other}` block"),
                },
                at,
            );
            None
        }
    }
}

fn read_tools<'a>(v: &'a Value, at: &Pointer, out: &mut Vec<ToolDef<'a>>, l: &mut Losses) {
    let Some(obj) = v.as_object() else {
        if !v.is_null() {
            l.malformed(
                format!("`{}` is not an object", at.dotted()),
                At::Value(at.clone()),
            );
        }
        return;
    };
    for key in obj.keys().filter(|k| k.as_str() != "tools") {
        l.key(key, &at.key(key));
    }
    let tat = at.key("tools");
    let Some(list) = obj.get("tools").and_then(Value::as_array) else {
        l.malformed(
            format!("`{}` is not a list", tat.dotted()),
            At::ObjectStart(at.clone()),
        );
        return;
    };
    for (k, tool) in list.iter().enumerate() {
        let sat = tat.index(k).key("toolSpec");
        let Some(spec) = tool.get("toolSpec").and_then(Value::as_object) else {
            l.malformed(
                format!("`{}` has no `toolSpec`", tat.index(k).dotted()),
                At::ObjectStart(tat.index(k)),
            );
            return;
        };
        let Some(name) = spec.get("name").and_then(Value::as_str) else {
            l.malformed(
                format!("`{}` has no name", sat.dotted()),
                At::ObjectStart(sat),
            );
            return;
        };
        for key in spec
            .keys()
            .filter(|k| !["name", "description", "inputSchema"].contains(&k.as_str()))
        {
            l.key(key, &sat.key(key));
        }
        out.push(ToolDef {
            name,
            description: spec.get("description").and_then(Value::as_str),
            parameters: spec.get("inputSchema").and_then(|s| s.get("json")),
            at: tat.index(k),
        });
    }
}
