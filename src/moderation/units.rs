//! Text units: the pieces of an example that are scored one by one.
//!
//! Per message by default (so a finding points at a message), or the whole example joined
//! (`--moderation-unit example`). The order of units is part of the `--scores` contract: a raw
//! API response aligned to a line gives `results[i]` to the i-th unit listed here.

use std::borrow::Cow;

use serde_json::Value;

/// What one score covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnitMode {
    /// Each message's text and each tool call's arguments.
    #[default]
    Message,
    /// The whole example: every message text joined with newlines; pointer `""` (the line).
    Example,
}

/// One scored text and where it lives in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextUnit {
    /// RFC 6901 pointer of the value the text comes from (`/messages/1/content`), or `""` for
    /// the whole example.
    pub pointer: String,
    pub text: String,
}

/// The text units of one parsed line, in document order. Lines with no text give none.
///
/// Chat (`messages`), preference (`input.messages`, `preferred_output`,
/// `non_preferred_output`), RFT (`messages`), completion (`prompt`, `completion`), Gemini
/// (`systemInstruction.parts`, then each `contents[i].parts`) and Bedrock conversation
/// (`system`, then `messages`) shapes are read; content is a string or the `text` of its parts
/// joined by newlines (a Bedrock block's reasoning text too, in block order); a Bedrock
/// `system` list is one unit (`/system`, its texts joined); tool-call and function-call
/// `arguments` are their own units. Whitespace-only texts are skipped.
pub fn text_units(value: &Value, mode: UnitMode) -> Vec<TextUnit> {
    let mut units = Vec::new();
    walk(value, &mut |pointer, text| {
        units.push(TextUnit {
            pointer: pointer(),
            text: text.into_owned(),
        })
    });
    match mode {
        UnitMode::Message => units,
        UnitMode::Example if units.is_empty() => units,
        UnitMode::Example => vec![TextUnit {
            pointer: String::new(),
            text: units
                .into_iter()
                .map(|u| u.text)
                .collect::<Vec<_>>()
                .join("\n"),
        }],
    }
}

/// How many units [`text_units`] would give, without copying a text or writing a pointer (the
/// per-line cost when no scores exist at all).
pub fn unit_count(value: &Value, mode: UnitMode) -> usize {
    let mut n = 0;
    walk(value, &mut |_, _| n += 1);
    match mode {
        UnitMode::Message => n,
        UnitMode::Example => n.min(1),
    }
}

/// Receives each non-blank unit: a function writing its pointer, and its text.
type Sink<'s, 'a> = dyn FnMut(&dyn Fn() -> String, Cow<'a, str>) + 's;

/// The units of `value` in document order.
fn walk<'a>(value: &'a Value, sink: &mut Sink<'_, 'a>) {
    let Some(obj) = value.as_object() else { return };
    // A Bedrock record's system prompt, a list of text blocks (no OpenAI format has one).
    if let Some(Value::Array(blocks)) = obj.get("system") {
        let texts: Vec<&str> = blocks
            .iter()
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect();
        push(
            sink,
            &|| "/system".to_string(),
            Cow::Owned(texts.join("\n")),
        );
    }
    if let Some(msgs) = obj.get("messages") {
        messages(msgs, "/messages", sink);
    }
    if let Some(msgs) = obj.get("input").and_then(|i| i.get("messages")) {
        messages(msgs, "/input/messages", sink);
    }
    for key in ["preferred_output", "non_preferred_output"] {
        if let Some(msgs) = obj.get(key) {
            messages(msgs, &format!("/{key}"), sink);
        }
    }
    for key in ["prompt", "completion"] {
        if let Some(Value::String(s)) = obj.get(key) {
            push(sink, &|| format!("/{key}"), Cow::Borrowed(s));
        }
    }
    gemini(value, sink);
}

/// A Gemini record: the system instruction's text parts, then each turn's, one unit each.
fn gemini<'a>(value: &'a Value, sink: &mut Sink<'_, 'a>) {
    use crate::gemini::{part_text, system_parts, turns};
    let joined = |parts: &'a [Value]| -> Cow<'a, str> {
        let mut texts = parts.iter().filter_map(part_text);
        match (texts.next(), texts.next()) {
            (None, _) => Cow::Borrowed(""),
            (Some(one), None) => Cow::Borrowed(one),
            (Some(a), Some(b)) => {
                let rest: Vec<&str> = [a, b].into_iter().chain(texts).collect();
                Cow::Owned(rest.join("\n"))
            }
        }
    };
    if let Some((key, parts)) = system_parts(value) {
        push(sink, &|| format!("/{key}/parts"), joined(parts));
    }
    for turn in turns(value) {
        let i = turn.index;
        push(sink, &|| format!("/contents/{i}/parts"), joined(turn.parts));
    }
}

fn push<'a>(sink: &mut Sink<'_, 'a>, pointer: &dyn Fn() -> String, text: Cow<'a, str>) {
    if !text.trim().is_empty() {
        sink(pointer, text);
    }
}

/// A content part's text: its `text`, or a Bedrock block's reasoning text.
fn part_text(part: &Value) -> Option<&str> {
    part.get("text")
        .or_else(|| part.pointer("/reasoningContent/reasoningText/text"))
        .and_then(Value::as_str)
}

fn messages<'a>(msgs: &'a Value, base: &str, sink: &mut Sink<'_, 'a>) {
    let Some(list) = msgs.as_array() else { return };
    for (i, m) in list.iter().enumerate() {
        let Some(m) = m.as_object() else { continue };
        match m.get("content") {
            Some(Value::String(s)) => {
                push(sink, &|| format!("{base}/{i}/content"), Cow::Borrowed(s));
            }
            Some(Value::Array(parts)) => {
                let texts: Vec<&str> = parts.iter().filter_map(part_text).collect();
                push(
                    sink,
                    &|| format!("{base}/{i}/content"),
                    Cow::Owned(texts.join("\n")),
                );
            }
            _ => {}
        }
        if let Some(calls) = m.get("tool_calls").and_then(Value::as_array) {
            for (j, c) in calls.iter().enumerate() {
                if let Some(args) = c
                    .get("function")
                    .and_then(|f| f.get("arguments"))
                    .and_then(Value::as_str)
                {
                    push(
                        sink,
                        &|| format!("{base}/{i}/tool_calls/{j}/function/arguments"),
                        Cow::Borrowed(args),
                    );
                }
            }
        }
        if let Some(args) = m
            .get("function_call")
            .and_then(|f| f.get("arguments"))
            .and_then(Value::as_str)
        {
            push(
                sink,
                &|| format!("{base}/{i}/function_call/arguments"),
                Cow::Borrowed(args),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unit_count_matches_the_units() {
        let v = json!({"messages": [
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": " ", "tool_calls": [{"function": {"arguments": "{}"}}]},
        ], "prompt": "p"});
        for mode in [UnitMode::Message, UnitMode::Example] {
            assert_eq!(unit_count(&v, mode), text_units(&v, mode).len());
        }
        assert_eq!(unit_count(&json!({"messages": []}), UnitMode::Example), 0);
    }

    #[test]
    fn chat_units_in_order() {
        let v = json!({"messages": [
            {"role": "system", "content": "sys"},
            {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "image_url"}, {"type": "text", "text": "b"}]},
            {"role": "assistant", "content": null, "tool_calls": [{"function": {"name": "f", "arguments": "{\"x\":1}"}}]},
            {"role": "tool", "content": "  "},
            "junk"
        ]});
        let u = text_units(&v, UnitMode::Message);
        let ptrs: Vec<_> = u.iter().map(|u| u.pointer.as_str()).collect();
        assert_eq!(
            ptrs,
            [
                "/messages/0/content",
                "/messages/1/content",
                "/messages/2/tool_calls/0/function/arguments"
            ]
        );
        assert_eq!(u[1].text, "a\nb");
        let e = text_units(&v, UnitMode::Example);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].pointer, "");
        assert_eq!(e[0].text, "sys\na\nb\n{\"x\":1}");
    }

    #[test]
    fn bedrock_system_then_messages() {
        let v = json!({"schemaVersion": "bedrock-conversation-2024",
        "system": [{"text": "s1"}, {"text": "s2"}],
        "messages": [
            {"role": "user", "content": [{"text": "q"}, {"image": {"format": "png"}}]},
            {"role": "assistant", "content": [{"reasoningContent": {"reasoningText": {"text": "think"}}}, {"text": "a"}]}
        ]});
        let u = text_units(&v, UnitMode::Message);
        let got: Vec<(&str, &str)> = u
            .iter()
            .map(|u| (u.pointer.as_str(), u.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("/system", "s1\ns2"),
                ("/messages/0/content", "q"),
                ("/messages/1/content", "think\na")
            ]
        );
        assert_eq!(unit_count(&v, UnitMode::Message), 3);
    }

    #[test]
    fn preference_and_completion() {
        let v = json!({"input": {"messages": [{"role": "user", "content": "q"}]},
                       "preferred_output": [{"role": "assistant", "content": "good"}],
                       "non_preferred_output": [{"role": "assistant", "content": "bad"}]});
        let ptrs: Vec<_> = text_units(&v, UnitMode::Message)
            .into_iter()
            .map(|u| u.pointer)
            .collect();
        assert_eq!(
            ptrs,
            [
                "/input/messages/0/content",
                "/preferred_output/0/content",
                "/non_preferred_output/0/content"
            ]
        );
        let v = json!({"prompt": "p", "completion": " c"});
        assert_eq!(text_units(&v, UnitMode::Message).len(), 2);
        assert!(text_units(&json!([1]), UnitMode::Example).is_empty());
    }

    #[test]
    fn gemini_units() {
        let v = json!({"systemInstruction": {"parts": [{"text": "sys"}]},
        "contents": [
            {"role": "user", "parts": [{"text": "a"}, {"fileData": {}}, {"text": "b"}]},
            {"role": "model", "parts": [{"functionCall": {"name": "f"}}]},
            {"role": "user", "parts": [{"text": " "}]},
            {"role": "model", "parts": [{"text": "c"}]}
        ]});
        let u = text_units(&v, UnitMode::Message);
        let got: Vec<(&str, &str)> = u
            .iter()
            .map(|u| (u.pointer.as_str(), u.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("/systemInstruction/parts", "sys"),
                ("/contents/0/parts", "a\nb"),
                ("/contents/3/parts", "c")
            ]
        );
        for mode in [UnitMode::Message, UnitMode::Example] {
            assert_eq!(unit_count(&v, mode), text_units(&v, mode).len());
        }
        assert_eq!(text_units(&v, UnitMode::Example)[0].text, "sys\na\nb\nc");
    }
}
