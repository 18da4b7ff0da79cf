//! The conversation → a Vertex AI Gemini tuning record (`systemInstruction`, `contents` of
//! alternating `user`/`model` turns, `tools`). See `rules/convert/gemini.toml` for the
//! decisions.

use super::ir::{Example, Image, Kind, Message, ResultContent, Role};
use super::maps::GEMINI_MAP;
use super::{ImageLoss, LossKind, Losses};
use serde_json::{json, Map, Value};

pub fn write(ex: &Example<'_>, l: &mut Losses) -> Value {
    let mut out = Map::new();
    let (system, rest) = ex.split_system(l);
    if !system.is_empty() {
        let parts: Vec<Value> = system.iter().map(|t| json!({ "text": t })).collect();
        out.insert("systemInstruction".into(), json!({ "parts": parts }));
    }
    // (role, parts, holds only tool results so far)
    let mut turns: Vec<(Role, Vec<Value>, bool)> = Vec::new();
    let mut calls: Vec<(String, String)> = Vec::new();
    for m in rest {
        let role = if m.role == Role::Tool {
            Role::User
        } else {
            m.role
        };
        let parts = parts_of(m, &mut calls, l);
        match turns.last_mut() {
            Some((last, prev, only_results)) if *last == role => {
                // Results share the next user turn; anything else joining a turn of its own
                // role loses the boundary between the two messages.
                let expected = role == Role::User && (*only_results || m.role == Role::Tool);
                if !expected {
                    l.at(LossKind::Joined { role: m.role }, &m.at);
                }
                *only_results &= m.role == Role::Tool;
                prev.extend(parts);
            }
            _ => turns.push((role, parts, m.role == Role::Tool)),
        }
    }
    let contents: Vec<Value> = turns
        .into_iter()
        .map(|(role, parts, _)| json!({ "role": GEMINI_MAP.role(role), "parts": parts }))
        .collect();
    out.insert("contents".into(), Value::Array(contents));
    if !ex.tools.is_empty() {
        let decls: Vec<Value> = ex
            .tools
            .iter()
            .map(|t| {
                let mut d = Map::new();
                d.insert("name".into(), t.name.into());
                if let Some(desc) = t.description {
                    d.insert("description".into(), desc.into());
                }
                if let Some(p) = t.parameters {
                    d.insert("parameters".into(), p.clone());
                }
                Value::Object(d)
            })
            .collect();
        out.insert("tools".into(), json!([{ "functionDeclarations": decls }]));
    }
    Value::Object(out)
}

/// A message's parts; `calls` remembers each call's id and name, which a result needs.
fn parts_of(m: &Message<'_>, calls: &mut Vec<(String, String)>, l: &mut Losses) -> Vec<Value> {
    let mut parts = Vec::new();
    for item in &m.items {
        match &item.kind {
            Kind::Text(t) => parts.push(json!({ "text": t })),
            Kind::Image(img) => {
                let file = match img {
                    Image::Url(url) => match GEMINI_MAP.image_type(url) {
                        Some(mime) => Some((mime, *url)),
                        None => {
                            l.at(LossKind::Image(ImageLoss::UnknownType), &item.at);
                            None
                        }
                    },
                    Image::Gs { uri, mime } => Some((*mime, *uri)),
                    Image::Data { .. } => {
                        l.at(LossKind::Image(ImageLoss::Inline), &item.at);
                        None
                    }
                    Image::S3 { .. } => {
                        l.at(
                            LossKind::Image(ImageLoss::Storage {
                                given: img.describe(),
                            }),
                            &item.at,
                        );
                        None
                    }
                };
                if let Some((mime, uri)) = file {
                    parts.push(json!({ "fileData": { "mimeType": mime, "fileUri": uri } }));
                }
            }
            Kind::Call { id, name, args } => {
                let mut call = Map::new();
                call.insert("id".into(), id.as_ref().into());
                calls.push((id.to_string(), (*name).to_owned()));
                call.insert("name".into(), (*name).into());
                call.insert("args".into(), Value::Object(args.as_ref().clone()));
                parts.push(json!({ "functionCall": call }));
            }
            Kind::Result { id, name, content } => {
                let name = name.map(str::to_owned).or_else(|| {
                    let id = id.as_deref()?;
                    calls.iter().find(|(i, _)| i == id).map(|(_, n)| n.clone())
                });
                let Some(name) = name else {
                    l.at(LossKind::UnpairedResult, &item.at);
                    continue;
                };
                let mut resp = Map::new();
                if let Some(id) = id {
                    resp.insert("id".into(), id.as_ref().into());
                }
                resp.insert("name".into(), name.into());
                resp.insert("response".into(), response(content));
                parts.push(json!({ "functionResponse": resp }));
            }
        }
    }
    parts
}

/// A result as a `response` object: text (or text parts) under the wrapper key, a JSON object
/// as it is.
fn response(content: &ResultContent<'_>) -> Value {
    let wrap = GEMINI_MAP.function_response.wrap.clone();
    let mut m = Map::new();
    match content {
        ResultContent::Text(t) => {
            m.insert(wrap, (*t).into());
        }
        ResultContent::Parts(texts) => {
            let parts: Vec<Value> = texts
                .iter()
                .map(|t| json!({ "type": "text", "text": t }))
                .collect();
            m.insert(wrap, Value::Array(parts));
        }
        ResultContent::Json(Value::Object(obj)) => return Value::Object(obj.clone()),
        ResultContent::Json(other) => {
            m.insert(wrap, (*other).clone());
        }
    }
    Value::Object(m)
}
