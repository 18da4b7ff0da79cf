//! The conversation → an Amazon Bedrock conversation record (`schemaVersion`, `system` blocks,
//! `messages` of alternating `user`/`assistant` content blocks, `toolConfig`). See
//! `rules/convert/bedrock-conversation.toml` for the decisions.

use super::ir::{Example, Image, Kind, Message, ResultContent, Role};
use super::maps::{BEDROCK_MAP, EMPTY_INPUT_SCHEMA};
use super::{compact, ImageLoss, LossKind, Losses};
use serde_json::{json, Map, Value};

pub fn write(ex: &Example<'_>, l: &mut Losses) -> Value {
    let mut out = Map::new();
    out.insert(
        "schemaVersion".into(),
        BEDROCK_MAP.schema_version.clone().into(),
    );
    let (system, rest) = ex.split_system(l);
    if !system.is_empty() {
        let blocks: Vec<Value> = system.iter().map(|t| json!({ "text": t })).collect();
        out.insert("system".into(), Value::Array(blocks));
    }
    let mut turns: Vec<(Role, Vec<Value>, bool)> = Vec::new();
    for m in rest {
        let role = if m.role == Role::Tool {
            Role::User
        } else {
            m.role
        };
        let blocks = blocks_of(m, l);
        match turns.last_mut() {
            Some((last, prev, only_results)) if *last == role => {
                let expected = role == Role::User && (*only_results || m.role == Role::Tool);
                if !expected {
                    l.at(LossKind::Joined { role: m.role }, &m.at);
                }
                *only_results &= m.role == Role::Tool;
                prev.extend(blocks);
            }
            _ => turns.push((role, blocks, m.role == Role::Tool)),
        }
    }
    let messages: Vec<Value> = turns
        .into_iter()
        .map(|(role, content, _)| json!({ "role": BEDROCK_MAP.role(role), "content": content }))
        .collect();
    out.insert("messages".into(), Value::Array(messages));
    if !ex.tools.is_empty() {
        let tools: Vec<Value> = ex
            .tools
            .iter()
            .map(|t| {
                let description = match t.description {
                    Some(d) if !d.is_empty() => d.to_owned(),
                    _ => {
                        l.at(
                            LossKind::Filled {
                                field: "description",
                                value: format!("`{}` (the tool's name)", t.name),
                            },
                            &t.at,
                        );
                        t.name.to_owned()
                    }
                };
                let schema = match t.parameters {
                    Some(Value::Object(p)) if p.contains_key("type") => Value::Object(p.clone()),
                    Some(Value::Object(p)) => {
                        l.at(
                            LossKind::Filled {
                                field: "inputSchema.json.type",
                                value: "`\"object\"`".into(),
                            },
                            &t.at,
                        );
                        let mut p = p.clone();
                        p.insert("type".into(), "object".into());
                        Value::Object(p)
                    }
                    _ => {
                        l.at(
                            LossKind::Filled {
                                field: "inputSchema.json",
                                value: format!("`{}`", BEDROCK_MAP.tools.empty_input_schema),
                            },
                            &t.at,
                        );
                        EMPTY_INPUT_SCHEMA.clone()
                    }
                };
                json!({ "toolSpec": {
                    "name": t.name,
                    "description": description,
                    "inputSchema": { "json": schema },
                }})
            })
            .collect();
        out.insert("toolConfig".into(), json!({ "tools": tools }));
    }
    Value::Object(out)
}

fn blocks_of(m: &Message<'_>, l: &mut Losses) -> Vec<Value> {
    let mut blocks = Vec::new();
    for item in &m.items {
        match &item.kind {
            Kind::Text(t) => blocks.push(json!({ "text": t })),
            Kind::Image(Image::S3 { uri, format, owner }) => {
                let mut loc = Map::new();
                loc.insert("uri".into(), (*uri).into());
                if let Some(o) = owner {
                    loc.insert("bucketOwner".into(), (*o).into());
                }
                blocks.push(
                    json!({ "image": { "format": format, "source": { "s3Location": loc } } }),
                );
            }
            Kind::Image(img) => l.at(
                LossKind::Image(match img {
                    Image::Gs { .. } => ImageLoss::Storage {
                        given: img.describe(),
                    },
                    _ => ImageLoss::NotS3 {
                        given: img.describe(),
                    },
                }),
                &item.at,
            ),
            Kind::Call { id, name, args } => {
                blocks.push(json!({ "toolUse": {
                    "toolUseId": id,
                    "name": name,
                    "input": Value::Object(args.as_ref().clone()),
                }}));
            }
            Kind::Result { id, content, .. } => {
                let Some(id) = id else {
                    l.at(LossKind::UnpairedResult, &item.at);
                    continue;
                };
                let items: Vec<Value> = match content {
                    ResultContent::Text(t) => vec![json!({ "text": t })],
                    ResultContent::Parts(ts) => ts.iter().map(|t| json!({ "text": t })).collect(),
                    ResultContent::Json(v @ Value::Object(_)) => vec![json!({ "json": v })],
                    ResultContent::Json(v) => vec![json!({ "text": compact(v) })],
                };
                blocks.push(json!({ "toolResult": { "toolUseId": id, "content": items } }));
            }
        }
    }
    blocks
}
