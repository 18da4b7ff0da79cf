//! Hover: on a finding, its rule's documentation (what `ftlint rule CODE` prints); on a
//! message (or a prompt, a completion, a Gemini turn), its tokens for the target and model of
//! the document's settings, with the whole example's against the model's context.

use super::document::Checked;
use super::encoding::Encoding;
use super::settings::FileSetup;
use crate::json::{locate, Pointer};
use crate::targets::Counter;
use crate::tokens::{count_example, thousands};
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position, Range};
use serde_json::{json, Value};

pub fn hover(
    lines: &[String],
    checked: &Checked,
    published: &[lsp_types::Diagnostic],
    setup: &FileSetup,
    at: Position,
    enc: Encoding,
) -> Option<Hover> {
    let mut parts = Vec::new();
    let mut seen = Vec::new();
    for (d, lsp) in checked.report.diagnostics.iter().zip(published) {
        if d.location.is_some() && contains(&lsp.range, at) && !seen.contains(&d.rule.rule) {
            seen.push(d.rule.rule);
            parts.push(d.rule.markdown());
        }
    }
    let line = lines.get(at.line as usize)?;
    if let Some(tokens) = tokens_at(line, enc.byte(line, at.character), setup) {
        parts.push(tokens);
    }
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n---\n\n"),
        }),
        range: None::<Range>,
    })
}

fn contains(r: &Range, p: Position) -> bool {
    let key = |p: Position| (p.line, p.character);
    key(r.start) <= key(p) && key(p) <= key(r.end)
}

/// Where an example's turns are, by format: (pointer to the list, how one element is wrapped
/// to be counted alone).
const TURN_LISTS: &[&str] = &[
    "/messages",
    "/input/messages",
    "/preferred_output",
    "/non_preferred_output",
    "/contents",
];

/// The tokens of the turn (or prompt, or completion) at byte `at` of a line, and the example's.
fn tokens_at(line: &str, at: usize, setup: &FileSetup) -> Option<String> {
    let opts = &setup.setup.opts;
    let model = opts.model.as_ref()?;
    let counter = opts.target.counter(model)?;
    let value: Value = serde_json::from_str(line.trim_end_matches('\r')).ok()?;
    value.as_object()?;
    let text = line;
    let inside = |p: &Pointer| locate::locate(text, p).filter(|l| l.value.contains(&at));
    let mut what = None;
    for list in TURN_LISTS {
        let ptr = Pointer::parse(list);
        let Some(Value::Array(items)) = value.pointer(list) else {
            continue;
        };
        if inside(&ptr).is_none() {
            continue;
        }
        for (i, item) in items.iter().enumerate() {
            if inside(&ptr.index(i)).is_some() {
                let key = list.rsplit('/').next().unwrap_or("messages");
                let alone = if key == "contents" {
                    json!({ "contents": [item] })
                } else {
                    json!({ "messages": [item] })
                };
                let mut n = count_example(counter, &alone).total;
                if key != "contents" {
                    // The reply primer is the example's, not the message's.
                    n = n.saturating_sub(3);
                }
                let role = item.get("role").and_then(Value::as_str).unwrap_or("?");
                what = Some(format!(
                    "**{} {}** (`{role}`): {} tokens",
                    turn_word(key),
                    i + 1,
                    thousands(n)
                ));
            }
        }
    }
    for key in ["prompt", "completion"] {
        let ptr = Pointer::root().key(key);
        if let (None, Some(Value::String(s)), Some(_)) = (&what, value.get(key), inside(&ptr)) {
            what = Some(format!("**{key}**: {} tokens", thousands(counter.count(s))));
        }
    }
    let what = what?;
    let total = count_example(counter, &value).total;
    let how = match counter {
        Counter::Exact(_) => "exact count",
        Counter::Estimate { .. } => "estimated",
        Counter::Hf(_) => "exact count, the model's tokenizer and chat template",
    };
    Some(format!(
        "{what}\n\nExample: {} tokens of `{}`'s {}-token context ({how}, target `{}`)",
        thousands(total),
        model.name,
        thousands(u64::from(model.context)),
        opts.target.name
    ))
}

fn turn_word(list: &str) -> &'static str {
    match list {
        "contents" => "Turn",
        "preferred_output" => "Preferred output",
        "non_preferred_output" => "Non-preferred output",
        _ => "Message",
    }
}
