//! Which strings of a line the S rules read: every message text, with the JSON pointer of the
//! string so the engine can find its raw literal and map match ranges through escapes.

use std::fmt;
use std::ops::Deref;
use std::sync::OnceLock;

use serde_json::Value;

use super::MessageText;

/// One scanned string of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineText<'a> {
    /// RFC 6901 pointer of the string value, e.g. `/messages/2/content` or
    /// `/messages/1/content/0/text`.
    pub pointer: TextPointer,
    pub role: &'a str,
    pub text: &'a str,
}

/// The pointer of a [`LineText`], a `str` (through `Deref`) written out on first use: most
/// texts have no finding, and formatting a `String` for each was ~5% of the S rules' time.
#[derive(Clone)]
pub struct TextPointer {
    /// `/messages`, `/input/messages`, `/preferred_output`, …, or the whole pointer.
    base: &'static str,
    at: Within,
    written: OnceLock<String>,
}

/// Where in `base` the string is.
#[derive(Debug, Clone, Copy)]
enum Within {
    /// `base` is the string.
    Base,
    /// `{base}/{i}/content`
    Content(usize),
    /// `{base}/{i}/content/{j}/text`
    Part(usize, usize),
    /// `{base}/{i}/tool_calls/{j}/function/arguments`
    Arguments(usize, usize),
    /// `{base}/{i}/parts/{j}/text`: a part of a Gemini turn (`base` is `/contents`).
    TurnPart(usize, usize),
    /// `{base}/parts/{j}/text`: a part of a Gemini system instruction.
    Parts(usize),
    /// `{base}/{j}/text`: a Bedrock `system` block.
    Text(usize),
    /// `{base}/{i}/content/{j}/reasoningContent/reasoningText/text`: Bedrock reasoning.
    Reasoning(usize, usize),
    /// `{base}/{i}/value`: a ShareGPT turn (`base` is `/conversations`).
    Value(usize),
    /// `{base}/{i}/{j}`: one side of an Alpaca history pair (`base` is `/history`).
    Pair(usize, usize),
}

impl TextPointer {
    fn new(base: &'static str, at: Within) -> TextPointer {
        TextPointer {
            base,
            at,
            written: OnceLock::new(),
        }
    }

    pub fn as_str(&self) -> &str {
        self.written.get_or_init(|| {
            let base = self.base;
            match self.at {
                Within::Base => base.to_string(),
                Within::Content(i) => format!("{base}/{i}/content"),
                Within::Part(i, j) => format!("{base}/{i}/content/{j}/text"),
                Within::Arguments(i, j) => format!("{base}/{i}/tool_calls/{j}/function/arguments"),
                Within::TurnPart(i, j) => format!("{base}/{i}/parts/{j}/text"),
                Within::Parts(j) => format!("{base}/parts/{j}/text"),
                Within::Text(j) => format!("{base}/{j}/text"),
                Within::Reasoning(i, j) => {
                    format!("{base}/{i}/content/{j}/reasoningContent/reasoningText/text")
                }
                Within::Value(i) => format!("{base}/{i}/value"),
                Within::Pair(i, j) => format!("{base}/{i}/{j}"),
            }
        })
    }
}

impl Deref for TextPointer {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for TextPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for TextPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for TextPointer {
    fn eq(&self, other: &TextPointer) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for TextPointer {}

/// The texts of a parsed line, in order, for every format ftlint knows: chat (`messages`, with
/// string content or `text` parts, and `tool_calls[].function.arguments`), preference
/// (`input.messages`, `preferred_output`, `non_preferred_output`) and prompt/completion
/// (`prompt` as role `user`, `completion` as role `assistant`), Gemini (the text parts of
/// `systemInstruction` as role `system`, then those of each turn of `contents`, a `model` turn
/// as role `assistant`) and Bedrock conversation records (`system[].text` as role `system`,
/// before the messages as in the line; content blocks' `text` and
/// `reasoningContent.reasoningText.text`), and the open-model trainers' records: TRL's
/// `text`, conversational prompt/completion and `prompt`/`chosen`/`rejected` (strings or
/// message lists), ShareGPT `system` and `conversations` turns, Alpaca `system`, `history`,
/// `instruction`, `input` and `output`. Pass
/// [`message_texts`] of the result to [`super::Scanner::scan_example`]; `message_index` of a
/// match indexes this vector.
pub fn line_texts(line: &Value) -> Vec<LineText<'_>> {
    let mut out = Vec::new();
    // A ShareGPT or Alpaca record's (or a Claude-on-Bedrock record's) system prompt: a string.
    push_string(&mut out, line, "system", "/system", "system");
    // A Bedrock record's system prompt: a list of text blocks (no OpenAI format has one).
    if let Some(system) = line.get("system").and_then(Value::as_array) {
        for (j, block) in system.iter().enumerate() {
            if let Some(text) = block.get("text").and_then(Value::as_str) {
                out.push(LineText {
                    pointer: TextPointer::new("/system", Within::Text(j)),
                    role: "system",
                    text,
                });
            }
        }
    }
    if let Some(msgs) = line.get("messages").and_then(Value::as_array) {
        push_messages(&mut out, "/messages", msgs);
    }
    if let Some(msgs) = line.pointer("/input/messages").and_then(Value::as_array) {
        push_messages(&mut out, "/input/messages", msgs);
    }
    for (key, base) in [
        ("preferred_output", "/preferred_output"),
        ("non_preferred_output", "/non_preferred_output"),
    ] {
        if let Some(msgs) = line.get(key).and_then(Value::as_array) {
            push_messages(&mut out, base, msgs);
        }
    }
    // Prompt/completion, TRL's preference pairs (`prompt`, `chosen`, `rejected`) and unpaired
    // preference: each a string, or (TRL's conversational forms) a list of messages.
    for (key, base, role) in [
        ("prompt", "/prompt", "user"),
        ("completion", "/completion", "assistant"),
        ("chosen", "/chosen", "assistant"),
        ("rejected", "/rejected", "assistant"),
    ] {
        push_string(&mut out, line, key, base, role);
        if let Some(msgs) = line.get(key).and_then(Value::as_array) {
            push_messages(&mut out, base, msgs);
        }
    }
    // TRL's language-modelling `text`: no roles.
    push_string(&mut out, line, "text", "/text", "");
    push_gemini(&mut out, line);
    push_sharegpt(&mut out, line);
    push_alpaca(&mut out, line);
    out
}

/// `line[key]` when it is a string, as one text with `role`.
fn push_string<'a>(
    out: &mut Vec<LineText<'a>>,
    line: &'a Value,
    key: &str,
    base: &'static str,
    role: &'a str,
) {
    if let Some(text) = line.get(key).and_then(Value::as_str) {
        out.push(LineText {
            pointer: TextPointer::new(base, Within::Base),
            role,
            text,
        });
    }
}

/// A ShareGPT record's turns: LLaMA-Factory's `from`/`value` (its five tags read as the chat
/// roles they stand for, as `rules/sharegpt/tags.toml` places them) or Axolotl's
/// `role`/`content`.
fn push_sharegpt<'a>(out: &mut Vec<LineText<'a>>, line: &'a Value) {
    let Some(turns) = line.get("conversations").and_then(Value::as_array) else {
        return;
    };
    for (i, turn) in turns.iter().enumerate() {
        if let Some(text) = turn.get("value").and_then(Value::as_str) {
            let tag = turn.get("from").and_then(Value::as_str).unwrap_or("");
            out.push(LineText {
                pointer: TextPointer::new("/conversations", Within::Value(i)),
                role: sharegpt_role(tag),
                text,
            });
        } else if let Some(text) = turn.get("content").and_then(Value::as_str) {
            let role = turn.get("role").and_then(Value::as_str).unwrap_or("");
            out.push(LineText {
                pointer: TextPointer::new("/conversations", Within::Content(i)),
                role: sharegpt_role(role),
                text,
            });
        }
    }
}

/// The chat role a ShareGPT tag (or an Axolotl role name) stands for; an unknown tag keeps no
/// role, as an unknown chat role does.
fn sharegpt_role(tag: &str) -> &str {
    match tag {
        "human" | "user" => "user",
        "gpt" | "function_call" | "assistant" => "assistant",
        "observation" | "tool" => "tool",
        "system" => "system",
        other => other,
    }
}

/// An Alpaca record's texts: the history's questions and answers, then `instruction` and
/// `input` (the user's turn, as LLaMA-Factory joins them) and `output` (the answer).
fn push_alpaca<'a>(out: &mut Vec<LineText<'a>>, line: &'a Value) {
    if !line.get("instruction").is_some_and(Value::is_string)
        && !line.get("output").is_some_and(Value::is_string)
    {
        return;
    }
    if let Some(history) = line.get("history").and_then(Value::as_array) {
        for (i, pair) in history.iter().enumerate() {
            let Some(pair) = pair.as_array() else {
                continue;
            };
            for (j, role) in [(0, "user"), (1, "assistant")] {
                if let Some(text) = pair.get(j).and_then(Value::as_str) {
                    out.push(LineText {
                        pointer: TextPointer::new("/history", Within::Pair(i, j)),
                        role,
                        text,
                    });
                }
            }
        }
    }
    push_string(out, line, "instruction", "/instruction", "user");
    // `input` is a string only in Alpaca (OpenAI preference data's is an object).
    push_string(out, line, "input", "/input", "user");
    push_string(out, line, "output", "/output", "assistant");
}

/// A Gemini record's texts: the system instruction's text parts, then each turn's.
fn push_gemini<'a>(out: &mut Vec<LineText<'a>>, line: &'a Value) {
    use crate::gemini;
    if let Some((key, parts)) = gemini::system_parts(line) {
        // Both spellings are static, so the pointer needs no allocation until it is written.
        let base = if key == gemini::SYSTEM_INSTRUCTION.camel {
            "/systemInstruction"
        } else {
            "/system_instruction"
        };
        for (j, part) in parts.iter().enumerate() {
            if let Some(text) = gemini::part_text(part) {
                out.push(LineText {
                    pointer: TextPointer::new(base, Within::Parts(j)),
                    role: "system",
                    text,
                });
            }
        }
    }
    for turn in gemini::turns(line) {
        let role = gemini::chat_role(turn.role);
        for (j, part) in turn.parts.iter().enumerate() {
            if let Some(text) = gemini::part_text(part) {
                out.push(LineText {
                    pointer: TextPointer::new("/contents", Within::TurnPart(turn.index, j)),
                    role,
                    text,
                });
            }
        }
    }
}

/// The `MessageText`s of [`line_texts`], same order.
pub fn message_texts<'a>(texts: &[LineText<'a>]) -> Vec<MessageText<'a>> {
    texts
        .iter()
        .map(|t| MessageText {
            role: t.role,
            text: t.text,
        })
        .collect()
}

/// A Bedrock block's `reasoningContent.reasoningText.text` (Nova 2 trains on it).
fn reasoning_text(block: &Value) -> Option<&str> {
    block
        .get("reasoningContent")?
        .get("reasoningText")?
        .get("text")?
        .as_str()
}

fn push_messages<'a>(out: &mut Vec<LineText<'a>>, base: &'static str, msgs: &'a [Value]) {
    for (i, m) in msgs.iter().enumerate() {
        let role = m.get("role").and_then(Value::as_str).unwrap_or("");
        match m.get("content") {
            Some(Value::String(text)) => out.push(LineText {
                pointer: TextPointer::new(base, Within::Content(i)),
                role,
                text,
            }),
            Some(Value::Array(parts)) => {
                for (j, part) in parts.iter().enumerate() {
                    if let Some(text) = part.get("text").and_then(Value::as_str) {
                        out.push(LineText {
                            pointer: TextPointer::new(base, Within::Part(i, j)),
                            role,
                            text,
                        });
                    }
                    if let Some(text) = reasoning_text(part) {
                        out.push(LineText {
                            pointer: TextPointer::new(base, Within::Reasoning(i, j)),
                            role,
                            text,
                        });
                    }
                }
            }
            _ => {}
        }
        if let Some(calls) = m.get("tool_calls").and_then(Value::as_array) {
            for (j, call) in calls.iter().enumerate() {
                if let Some(args) = call.pointer("/function/arguments").and_then(Value::as_str) {
                    out.push(LineText {
                        pointer: TextPointer::new(base, Within::Arguments(i, j)),
                        role,
                        text: args,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_parts_tools_preference_and_completion() {
        let v: Value = serde_json::from_str(
            r#"{"messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": "image_url", "image_url": {"url": "x"}}]},
                {"role": "assistant", "tool_calls": [{"id": "1", "type": "function", "function": {"name": "f", "arguments": "{\"a\": 1}"}}]},
                {"role": "tool", "content": "ok"}],
               "input": {"messages": [{"role": "user", "content": "q"}]},
               "preferred_output": [{"role": "assistant", "content": "p"}],
               "prompt": "P", "completion": " C"}"#,
        )
        .unwrap();
        let t = line_texts(&v);
        let got: Vec<(&str, &str, &str)> = t
            .iter()
            .map(|x| (x.pointer.as_str(), x.role, x.text))
            .collect();
        assert_eq!(
            got,
            [
                ("/messages/0/content/0/text", "user", "hi"),
                (
                    "/messages/1/tool_calls/0/function/arguments",
                    "assistant",
                    "{\"a\": 1}"
                ),
                ("/messages/2/content", "tool", "ok"),
                ("/input/messages/0/content", "user", "q"),
                ("/preferred_output/0/content", "assistant", "p"),
                ("/prompt", "user", "P"),
                ("/completion", "assistant", " C"),
            ]
        );
        assert_eq!(message_texts(&t).len(), 7);
    }

    #[test]
    fn gemini_system_instruction_and_turn_parts() {
        let v: Value = serde_json::from_str(
            r#"{"contents": [{"role": "user", "parts": [{"text": "q"}, {"fileData": {"mimeType": "image/png", "fileUri": "gs://b/c.png"}}, {"text": "r"}]},
                {"role": "model", "parts": [{"text": "a"}]}, {"parts": [{"text": "x"}]}],
               "system_instruction": {"parts": [{"text": "s"}]}}"#,
        )
        .unwrap();
        let got: Vec<(String, &str, &str)> = line_texts(&v)
            .iter()
            .map(|x| (x.pointer.to_string(), x.role, x.text))
            .collect();
        let want = [
            ("/system_instruction/parts/0/text", "system", "s"),
            ("/contents/0/parts/0/text", "user", "q"),
            ("/contents/0/parts/2/text", "user", "r"),
            ("/contents/1/parts/0/text", "assistant", "a"),
            ("/contents/2/parts/0/text", "", "x"),
        ];
        let want: Vec<(String, &str, &str)> = want
            .iter()
            .map(|(p, r, t)| (p.to_string(), *r, *t))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn bedrock_system_blocks_and_reasoning() {
        let v: Value = serde_json::from_str(
            r#"{"schemaVersion": "bedrock-conversation-2024", "system": [{"text": "S0"}, {"text": "S1"}],
                "messages": [{"role": "user", "content": [{"text": "u"}, {"image": {"format": "png"}}]},
                {"role": "assistant", "content": [{"reasoningContent": {"reasoningText": {"text": "r"}}}, {"text": "a"}]}]}"#,
        )
        .unwrap();
        let got: Vec<(String, &str, &str)> = line_texts(&v)
            .iter()
            .map(|x| (x.pointer.to_string(), x.role, x.text))
            .collect();
        let want = [
            ("/system/0/text", "system", "S0"),
            ("/system/1/text", "system", "S1"),
            ("/messages/0/content/0/text", "user", "u"),
            (
                "/messages/1/content/0/reasoningContent/reasoningText/text",
                "assistant",
                "r",
            ),
            ("/messages/1/content/1/text", "assistant", "a"),
        ];
        let want: Vec<(String, &str, &str)> = want
            .iter()
            .map(|(p, r, t)| (p.to_string(), *r, *t))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn open_model_formats() {
        let got = |line: &str| -> Vec<(String, String, String)> {
            let v: Value = serde_json::from_str(line).unwrap();
            line_texts(&v)
                .iter()
                .map(|x| {
                    (
                        x.pointer.to_string(),
                        x.role.to_string(),
                        x.text.to_string(),
                    )
                })
                .collect()
        };
        let want = |w: &[(&str, &str, &str)]| -> Vec<(String, String, String)> {
            w.iter()
                .map(|(p, r, t)| (p.to_string(), r.to_string(), t.to_string()))
                .collect()
        };
        assert_eq!(
            got(
                r#"{"system": "S", "conversations": [{"from": "human", "value": "q"}, {"from": "function_call", "value": "c"}, {"from": "observation", "value": "o"}, {"from": "gpt", "value": "a"}], "tools": "[]"}"#
            ),
            want(&[
                ("/system", "system", "S"),
                ("/conversations/0/value", "user", "q"),
                ("/conversations/1/value", "assistant", "c"),
                ("/conversations/2/value", "tool", "o"),
                ("/conversations/3/value", "assistant", "a"),
            ])
        );
        assert_eq!(
            got(
                r#"{"conversations": [{"role": "human", "content": "q"}, {"role": "gpt", "content": "a"}]}"#
            ),
            want(&[
                ("/conversations/0/content", "user", "q"),
                ("/conversations/1/content", "assistant", "a"),
            ])
        );
        assert_eq!(
            got(
                r#"{"instruction": "i", "input": "n", "output": "o", "system": "s", "history": [["q1", "a1"], ["q2"]]}"#
            ),
            want(&[
                ("/system", "system", "s"),
                ("/history/0/0", "user", "q1"),
                ("/history/0/1", "assistant", "a1"),
                ("/history/1/0", "user", "q2"),
                ("/instruction", "user", "i"),
                ("/input", "user", "n"),
                ("/output", "assistant", "o"),
            ])
        );
        assert_eq!(
            got(
                r#"{"prompt": [{"role": "user", "content": "q"}], "chosen": [{"role": "assistant", "content": "c"}], "rejected": "r"}"#
            ),
            want(&[
                ("/prompt/0/content", "user", "q"),
                ("/chosen/0/content", "assistant", "c"),
                ("/rejected", "assistant", "r"),
            ])
        );
        assert_eq!(got(r#"{"text": "t"}"#), want(&[("/text", "", "t")]));
    }
}
