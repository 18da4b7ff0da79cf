//! The conversation → an OpenAI chat record (`messages`, `tools`), as every chat target reads
//! it. A message's content is text when it is one text, else a list of parts.

use super::ir::{Example, Image, Kind, Message, ResultContent, Role};
use super::{compact, ImageLoss, LossKind, Losses};
use serde_json::{json, Map, Value};

pub fn write(ex: &Example<'_>, l: &mut Losses) -> Value {
    write_kept(ex, l).0
}

/// [`write`], and the indices in `ex.messages` of the messages written (a tool result with no
/// call to answer is left out).
pub fn write_kept(ex: &Example<'_>, l: &mut Losses) -> (Value, Vec<usize>) {
    let mut messages = Vec::new();
    let mut kept = Vec::new();
    for (i, m) in ex.messages.iter().enumerate() {
        if let Some(msg) = message(m, l) {
            messages.push(msg);
            kept.push(i);
        }
    }
    let mut out = Map::new();
    out.insert("messages".into(), Value::Array(messages));
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
                json!({ "type": "function", "function": f })
            })
            .collect();
        out.insert("tools".into(), Value::Array(tools));
    }
    (Value::Object(out), kept)
}

fn message(m: &Message<'_>, l: &mut Losses) -> Option<Value> {
    let mut msg = Map::new();
    msg.insert("role".into(), m.role.as_str().into());
    if m.role == Role::Tool {
        let item = m.items.first()?;
        let Kind::Result { id, content, .. } = &item.kind else {
            return None;
        };
        let Some(id) = id else {
            l.at(LossKind::UnpairedResult, &item.at);
            return None;
        };
        msg.insert("tool_call_id".into(), id.as_ref().into());
        let content = match content {
            ResultContent::Text(t) => Value::from(*t),
            ResultContent::Parts(ts) => Value::Array(
                ts.iter()
                    .map(|t| json!({ "type": "text", "text": t }))
                    .collect(),
            ),
            ResultContent::Json(v) => compact(v).into(),
        };
        msg.insert("content".into(), content);
        return Some(Value::Object(msg));
    }
    let mut parts = Vec::new();
    let mut calls = Vec::new();
    for item in &m.items {
        match &item.kind {
            Kind::Text(t) => parts.push(json!({ "type": "text", "text": t })),
            Kind::Image(img) => {
                let url = match img {
                    Image::Url(u) => (*u).to_owned(),
                    Image::Data { mime, base64 } => format!("data:{mime};base64,{base64}"),
                    Image::Gs { .. } | Image::S3 { .. } => {
                        l.at(
                            LossKind::Image(ImageLoss::Storage {
                                given: img.describe(),
                            }),
                            &item.at,
                        );
                        continue;
                    }
                };
                parts.push(json!({ "type": "image_url", "image_url": { "url": url } }));
            }
            Kind::Call { id, name, args } => calls.push(json!({
                "id": id.as_ref(),
                "type": "function",
                "function": { "name": name, "arguments": serde_json::to_string(args.as_ref()).unwrap_or_default() },
            })),
            Kind::Result { .. } => {}
        }
    }
    let one_text = parts.len() == 1 && parts[0].get("type").and_then(Value::as_str) == Some("text");
    if one_text {
        let text = parts[0]["text"].clone();
        msg.insert("content".into(), text);
    } else if !parts.is_empty() || calls.is_empty() {
        msg.insert("content".into(), Value::Array(parts));
    }
    if !calls.is_empty() {
        msg.insert("tool_calls".into(), Value::Array(calls));
    }
    Some(Value::Object(msg))
}
