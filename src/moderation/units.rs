//! Text units: the pieces of an example that are scored one by one.
//!
//! Per message by default (so a finding points at a message), or the whole example joined
//! (`--moderation-unit example`). The order of units is part of the `--scores` contract: a raw
//! API response aligned to a line gives `results[i]` to the i-th unit listed here.

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
/// `non_preferred_output`), RFT (`messages`) and completion (`prompt`, `completion`) shapes are
/// read; content is a string or the `text` of its parts joined by newlines; tool-call and
/// function-call `arguments` are their own units. Whitespace-only texts are skipped.
pub fn text_units(value: &Value, mode: UnitMode) -> Vec<TextUnit> {
    let mut units = Vec::new();
    if let Some(obj) = value.as_object() {
        if let Some(msgs) = obj.get("messages") {
            messages(msgs, "/messages", &mut units);
        }
        if let Some(msgs) = obj.get("input").and_then(|i| i.get("messages")) {
            messages(msgs, "/input/messages", &mut units);
        }
        for key in ["preferred_output", "non_preferred_output"] {
            if let Some(msgs) = obj.get(key) {
                messages(msgs, &format!("/{key}"), &mut units);
            }
        }
        for key in ["prompt", "completion"] {
            if let Some(Value::String(s)) = obj.get(key) {
                push(&mut units, format!("/{key}"), s.clone());
            }
        }
    }
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

fn push(units: &mut Vec<TextUnit>, pointer: String, text: String) {
    if !text.trim().is_empty() {
        units.push(TextUnit { pointer, text });
    }
}

fn messages(msgs: &Value, base: &str, units: &mut Vec<TextUnit>) {
    let Some(list) = msgs.as_array() else { return };
    for (i, m) in list.iter().enumerate() {
        let Some(m) = m.as_object() else { continue };
        let at = format!("{base}/{i}");
        match m.get("content") {
            Some(Value::String(s)) => push(units, format!("{at}/content"), s.clone()),
            Some(Value::Array(parts)) => {
                let texts: Vec<&str> = parts
                    .iter()
                    .filter_map(|p| p.get("text").and_then(Value::as_str))
                    .collect();
                push(units, format!("{at}/content"), texts.join("\n"));
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
                        units,
                        format!("{at}/tool_calls/{j}/function/arguments"),
                        args.to_string(),
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
                units,
                format!("{at}/function_call/arguments"),
                args.to_string(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
