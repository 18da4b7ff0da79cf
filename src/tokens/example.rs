//! Tokens of one training example, by the OpenAI cookbook's formula.
//!
//! Chat (`{"messages": [...]}`, also RFT lines, which carry `messages` plus grader fields):
//!
//! ```text
//! tokens = Σ over messages (3 + Σ tokens of each string field (+1 if the field is `name`)) + 3
//! ```
//!
//! "Each string field" includes `role`. Beyond the cookbook (which assumes every value is a
//! string), values that are not strings are counted from their text where they carry text:
//! - `content` as an array of parts: the `text` of each part, plus each `image_url` part's image
//!   tokens by its `detail` (low: 85; high/auto: 85 + 170 per 512-px tile, sized from the data
//!   URL's header when it has one; see `rules::chat::vision`). Audio and file parts add nothing
//!   (fine-tuning rejects them, C018);
//! - `tool_calls`: per call, the function's `name` + `arguments` text; a legacy `function_call`
//!   the same way;
//! - top-level `tools` / `functions` definitions: the tokens of their compact JSON text (the
//!   service's own rendering of definitions is not public; the JSON text is a close, stable
//!   stand-in).
//!
//! Numbers, booleans and nulls (`weight`, …) add nothing.
//!
//! Bedrock conversation records (`{"schemaVersion", "system": [{"text"}], "messages": [{"role",
//! "content": [blocks]}]}`) go through the same formula: each `text` block and each
//! `reasoningContent.reasoningText.text` is counted as text, and the top-level `system` list's
//! texts are added. The formula's per-message framing is OpenAI's; Bedrock's own tokenizer is
//! not public, so for these records the count is an estimate of the text's size.
//!
//! Prompt/completion (`{"prompt", "completion"}`, legacy base models): tokens of `prompt` +
//! tokens of `completion`, no per-message overhead.
//!
//! Preference (`{"input": {"messages", "tools"?}, "preferred_output": [...],
//! "non_preferred_output": [...]}`): the chat formula over the input messages followed by the
//! preferred output messages, plus the input's tool definitions. The non-preferred output is not
//! counted: it is one alternative completion of the same prompt, and counting the input plus one
//! output keeps an example's size comparable with the same conversation in chat format (and
//! with the context limit, which applies to one conversation).
//!
//! Gemini (`{"contents": [{"role", "parts"}], "systemInstruction", "tools"}`): the tokens of
//! every `text` part of the system instruction and the turns, of each `functionCall` part's
//! `name` and compact JSON `args`, of each `functionResponse` part's `name` and compact JSON
//! `response`, and of the `tools` as compact JSON. No framing tokens per turn (Gemini's own
//! rendering is not public) and nothing for `fileData` (media tokens depend on the model): a
//! text count in the model's encoding, for a tokenizer to refine.
//!
//! "Assistant tokens" (for `stats`) are the tokens of assistant messages' `content` (string, or
//! text parts) — what the model learns to write; for prompt/completion, the completion; for
//! Gemini, the text parts of `model` turns.
//!
//! With an open model's own tokenizer and chat template ([`Counter::Hf`], `--tokenizer`), a chat
//! example (`messages`, optional `tools`) is not counted by a formula: it is rendered by the
//! template and encoded, exactly as `transformers` does (see [`super::hf`]); assistant tokens
//! are those whose first byte falls in an assistant message's content. Other shapes, and an
//! example the template fails on, keep the formulas above with the model's tokenizer.
//!
//! Odd shapes never panic: whatever is missing or of the wrong type counts as nothing.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::targets::Counter;

/// Framing tokens per message (`<|start|>{role}\n … <|end|>\n`).
const TOKENS_PER_MESSAGE: u64 = 3;
/// Extra token when a message has a `name`.
const TOKENS_PER_NAME: u64 = 1;
/// Tokens that prime the reply (`<|start|>assistant<|message|>`).
const TOKENS_REPLY_PRIMER: u64 = 3;

/// Token counts of one example.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ExampleTokens {
    /// Tokens of the whole example (compared with the model's context).
    pub total: u64,
    /// Tokens of the assistant's content only.
    pub assistant: u64,
}

/// Counts one example in `encoding`; see the module doc for the formula of each format.
pub fn count_example(counter: impl Into<Counter>, example: &Value) -> ExampleTokens {
    let encoding: Counter = counter.into();
    let Some(obj) = example.as_object() else {
        return ExampleTokens::default();
    };
    let tok = |s: &str| encoding.count(s);

    // An open model's own chat template renders a chat example exactly; a template that fails
    // on it (T007) leaves the formula, with the model's tokenizer.
    if let (Counter::Hf(h), Some(Value::Array(messages))) = (encoding, obj.get("messages")) {
        if let Ok(r) = h.render(messages, obj.get("tools")) {
            return h.count_render(&r, true);
        }
    }
    if let Some(messages) = obj.get("messages") {
        let mut out = count_messages(encoding, [messages]);
        out.total += count_definitions(encoding, obj);
        // A Bedrock record's system prompt (a list of text blocks; OpenAI has none).
        if let Some(system @ Value::Array(_)) = obj.get("system") {
            out.total += text_tokens(system, &tok);
        }
        return out;
    }
    if ["contents", "systemInstruction", "system_instruction"]
        .iter()
        .any(|k| obj.contains_key(*k))
    {
        return count_gemini(example, &tok);
    }
    if let Some(input) = obj.get("input").and_then(Value::as_object) {
        let mut out = count_messages(
            encoding,
            [
                input.get("messages").unwrap_or(&Value::Null),
                obj.get("preferred_output").unwrap_or(&Value::Null),
            ],
        );
        out.total += count_definitions(encoding, input);
        return out;
    }
    if obj.contains_key("prompt") || obj.contains_key("completion") {
        let prompt = obj.get("prompt").map_or(0, |v| text_tokens(v, &tok));
        let completion = obj.get("completion").map_or(0, |v| text_tokens(v, &tok));
        return ExampleTokens {
            total: prompt + completion,
            assistant: completion,
        };
    }
    // TRL's language-modeling record, with the model's own tokenizer: as its trainer
    // tokenizes it (the EOS it appends, the tokenizer's BOS).
    if let (Counter::Hf(h), Some(Value::String(text))) = (encoding, obj.get("text")) {
        return ExampleTokens {
            total: h.count_lm_text(text),
            assistant: 0,
        };
    }
    // A shape without a formula of its own (another service's format, a `text` record): the
    // tokens of every string value, which is what the model reads.
    ExampleTokens {
        total: string_tokens(example, &tok),
        assistant: 0,
    }
}

/// Tokens of every string value under `v` (keys excluded).
fn string_tokens(v: &Value, tok: &impl Fn(&str) -> u64) -> u64 {
    match v {
        Value::String(s) => tok(s),
        Value::Array(a) => a.iter().map(|x| string_tokens(x, tok)).sum(),
        Value::Object(o) => o.values().map(|x| string_tokens(x, tok)).sum(),
        _ => 0,
    }
}

/// A Gemini record's text (see the module doc).
fn count_gemini(example: &Value, tok: &impl Fn(&str) -> u64) -> ExampleTokens {
    use crate::gemini::{system_parts, turns, FUNCTION_CALL, FUNCTION_RESPONSE, TOOLS};
    let part_tokens = |part: &Value| -> u64 {
        if let Some(text) = part.get("text").and_then(Value::as_str) {
            return tok(text);
        }
        let call = FUNCTION_CALL.get(part).map(|(_, c)| (c, "args"));
        let response = FUNCTION_RESPONSE.get(part).map(|(_, r)| (r, "response"));
        match call.or(response) {
            Some((f, payload)) => {
                f.get("name").and_then(Value::as_str).map_or(0, tok)
                    + f.get(payload).map_or(0, |v| tok(&v.to_string()))
            }
            None => 0,
        }
    };
    let mut out = ExampleTokens::default();
    if let Some((_, parts)) = system_parts(example) {
        out.total += parts.iter().map(part_tokens).sum::<u64>();
    }
    for turn in turns(example) {
        for part in turn.parts {
            let n = part_tokens(part);
            out.total += n;
            if turn.role == Some("model") && part.get("text").is_some() {
                out.assistant += n;
            }
        }
    }
    if let Some((_, tools)) = TOOLS.get(example).filter(|(_, v)| !v.is_null()) {
        out.total += tok(&tools.to_string());
    }
    out
}

/// The chat formula over one conversation split across several message arrays (preference
/// input + preferred output): the reply primer is added once.
fn count_messages<'a>(
    encoding: Counter,
    lists: impl IntoIterator<Item = &'a Value>,
) -> ExampleTokens {
    let tok = |s: &str| encoding.count(s);
    let mut out = ExampleTokens {
        total: TOKENS_REPLY_PRIMER,
        assistant: 0,
    };
    for message in lists.into_iter().filter_map(Value::as_array).flatten() {
        out.total += TOKENS_PER_MESSAGE;
        let Some(message) = message.as_object() else {
            continue;
        };
        let assistant = message.get("role").and_then(Value::as_str) == Some("assistant");
        for (key, value) in message {
            let n = match (key.as_str(), value) {
                (_, Value::String(s)) => tok(s) + if key == "name" { TOKENS_PER_NAME } else { 0 },
                ("content", parts @ Value::Array(list)) => {
                    text_tokens(parts, &tok)
                        + list
                            .iter()
                            .filter_map(crate::vision::part_tokens)
                            .sum::<u64>()
                }
                ("tool_calls", Value::Array(calls)) => calls
                    .iter()
                    .map(|call| function_tokens(call.get("function"), &tok))
                    .sum(),
                ("function_call", call) => function_tokens(Some(call), &tok),
                _ => 0,
            };
            out.total += n;
            // The assistant's content, counted once: the same count serves both totals.
            if assistant && key == "content" {
                out.assistant += n;
            }
        }
    }
    out
}

/// Tokens of a text value: a string, or the `text` of each part of an array of content parts.
fn text_tokens(value: &Value, tok: &impl Fn(&str) -> u64) -> u64 {
    match value {
        Value::String(s) => tok(s),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|part| match part {
                Value::String(s) => Some(s.as_str()),
                Value::Object(p) => p.get("text").and_then(Value::as_str).or_else(|| {
                    // A Bedrock reasoning block, trained on by Nova 2.
                    p.get("reasoningContent")?
                        .get("reasoningText")?
                        .get("text")?
                        .as_str()
                }),
                _ => None,
            })
            .map(tok)
            .sum(),
        _ => 0,
    }
}

/// Tokens of a function call: its `name` and `arguments` text.
fn function_tokens(function: Option<&Value>, tok: &impl Fn(&str) -> u64) -> u64 {
    let Some(function) = function.and_then(Value::as_object) else {
        return 0;
    };
    ["name", "arguments"]
        .iter()
        .filter_map(|k| function.get(*k).and_then(Value::as_str))
        .map(tok)
        .sum()
}

/// Tokens of `tools` / `functions` definitions, from their compact JSON text.
fn count_definitions(encoding: Counter, obj: &Map<String, Value>) -> u64 {
    ["tools", "functions"]
        .iter()
        .filter_map(|k| obj.get(*k))
        .filter(|v| !v.is_null())
        .map(|v| encoding.count(&v.to_string()))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::Encoding;
    use crate::tokens::count;
    use serde_json::json;

    const O200K: Encoding = Encoding::O200kBase;
    const CL100K: Encoding = Encoding::Cl100kBase;

    fn t(enc: Encoding, s: &str) -> u64 {
        count(enc, s) as u64
    }

    #[test]
    fn chat_formula_by_hand() {
        let ex = json!({"messages": [
            {"role": "system", "content": "hello"},
            {"role": "user", "content": "Hello, world!"},
            {"role": "assistant", "content": "hello"}
        ]});
        for enc in [O200K, CL100K] {
            let want = 3 * 3
                + t(enc, "system")
                + t(enc, "hello")
                + t(enc, "user")
                + t(enc, "Hello, world!")
                + t(enc, "assistant")
                + t(enc, "hello")
                + 3;
            assert_eq!(
                count_example(enc, &ex),
                ExampleTokens {
                    total: want,
                    assistant: t(enc, "hello")
                }
            );
        }
        // By hand, independent of the code above: the role words are one token each in both
        // encodings, and tiktoken counts "hello" as 1 and "Hello, world!" as 4 (see
        // fixtures/token-counts.jsonl): 3 messages × 3 + (1 + 1) + (1 + 4) + (1 + 1) + 3 = 21.
        assert_eq!(count_example(O200K, &ex).total, 21);
        assert_eq!(count_example(CL100K, &ex).total, 21);
    }

    /// Exact totals of a whole synthetic file, computed independently of the counter: every
    /// string of fixtures/token-counts.jsonl (tiktoken's counts) becomes a message content, three
    /// messages per example; the expected total is 3 per message + 1 per role word (`system`,
    /// `user`, `assistant` are single tokens in both encodings) + the fixture's count + 3.
    #[test]
    fn file_totals_match_tiktoken_counts() {
        let data = include_str!("../../fixtures/token-counts.jsonl");
        let rows: Vec<Value> = data
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        for enc in [O200K, CL100K] {
            let (mut got, mut want) = (0u64, 0u64);
            for chunk in rows.chunks(3) {
                let roles = ["system", "user", "assistant"];
                let messages: Vec<Value> = chunk
                    .iter()
                    .zip(roles)
                    .map(|(row, role)| json!({"role": role, "content": row["text"]}))
                    .collect();
                got += count_example(enc, &json!({ "messages": messages })).total;
                want += chunk
                    .iter()
                    .map(|row| 3 + 1 + row[enc.name()].as_u64().unwrap())
                    .sum::<u64>()
                    + 3;
            }
            assert_eq!(got, want, "{enc}");
        }
    }

    #[test]
    fn name_adds_one_and_parts_count_their_text() {
        let with_name = json!({"messages": [
            {"role": "user", "name": "alice", "content": [
                {"type": "text", "text": "Hello, world!"},
                {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
            ]},
            {"role": "assistant", "content": [{"type": "text", "text": "hello"}], "weight": 1}
        ]});
        let want = 2 * 3
            + t(O200K, "user")
            + t(O200K, "alice")
            + 1
            + t(O200K, "Hello, world!")
            + 765 // an image of unknown size at `auto` detail
            + t(O200K, "assistant")
            + t(O200K, "hello")
            + 3;
        let got = count_example(O200K, &with_name);
        assert_eq!(got.total, want);
        assert_eq!(got.assistant, t(O200K, "hello"));
    }

    #[test]
    fn tool_calls_and_definitions() {
        let tools = json!([{"type": "function", "function": {"name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]);
        let ex = json!({
            "messages": [
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "18C"},
                {"role": "assistant", "content": "18C in Paris."}
            ],
            "tools": tools,
            "parallel_tool_calls": false
        });
        let want = 4 * 3
            + t(O200K, "user")
            + t(O200K, "Weather in Paris?")
            + t(O200K, "assistant")
            + t(O200K, "get_weather")
            + t(O200K, "{\"city\": \"Paris\"}")
            + t(O200K, "tool")
            + t(O200K, "call_1")
            + t(O200K, "18C")
            + t(O200K, "assistant")
            + t(O200K, "18C in Paris.")
            + 3
            + t(O200K, &tools.to_string());
        let got = count_example(O200K, &ex);
        assert_eq!(got.total, want);
        assert_eq!(got.assistant, t(O200K, "18C in Paris."));

        let legacy = json!({"messages": [{"role": "assistant",
            "function_call": {"name": "f", "arguments": "{}"}}], "functions": [{"name": "f"}]});
        assert_eq!(
            count_example(O200K, &legacy).total,
            3 + t(O200K, "assistant")
                + t(O200K, "f")
                + t(O200K, "{}")
                + 3
                + t(O200K, "[{\"name\":\"f\"}]")
        );
    }

    #[test]
    fn prompt_completion() {
        let ex = json!({"prompt": "Hello, world!", "completion": " hello"});
        for enc in [O200K, CL100K] {
            assert_eq!(
                count_example(enc, &ex),
                ExampleTokens {
                    total: t(enc, "Hello, world!") + t(enc, " hello"),
                    assistant: t(enc, " hello"),
                }
            );
        }
    }

    #[test]
    fn preference_counts_input_and_preferred_output() {
        let ex = json!({
            "input": {"messages": [{"role": "user", "content": "Hello, world!"}]},
            "preferred_output": [{"role": "assistant", "content": "hello"}],
            "non_preferred_output": [{"role": "assistant", "content": "a much longer answer"}]
        });
        let want = 2 * 3
            + t(O200K, "user")
            + t(O200K, "Hello, world!")
            + t(O200K, "assistant")
            + t(O200K, "hello")
            + 3;
        assert_eq!(
            count_example(O200K, &ex),
            ExampleTokens {
                total: want,
                assistant: t(O200K, "hello")
            }
        );
    }

    /// A Bedrock record: the system list's texts, each message's role and `text` blocks and the
    /// reasoning text; image blocks (S3 references) add nothing.
    #[test]
    fn bedrock_record() {
        let ex = json!({"schemaVersion": "bedrock-conversation-2024",
        "system": [{"text": "You are terse."}, {"text": "Answer in French."}],
        "messages": [
            {"role": "user", "content": [{"text": "Capital of Peru?"},
                {"image": {"format": "png", "source": {"s3Location": {"uri": "s3://b/k.png"}}}}]},
            {"role": "assistant", "content": [
                {"reasoningContent": {"reasoningText": {"text": "Peru's capital is Lima."}}},
                {"text": "Lima."}]}
        ]});
        let answer = t(O200K, "Peru's capital is Lima.") + t(O200K, "Lima.");
        let want = 3
            + t(O200K, "You are terse.")
            + t(O200K, "Answer in French.")
            + (3 + t(O200K, "user") + t(O200K, "Capital of Peru?"))
            + (3 + t(O200K, "assistant") + answer);
        assert_eq!(
            count_example(O200K, &ex),
            ExampleTokens {
                total: want,
                assistant: answer
            }
        );
    }

    #[test]
    fn gemini_counts_text_function_parts_and_tools() {
        let tools = json!([{"functionDeclarations": [{"name": "get_weather"}]}]);
        let ex = json!({
            "systemInstruction": {"role": "system", "parts": [{"text": "Be brief."}]},
            "contents": [
                {"role": "user", "parts": [{"text": "Weather in Paris?"},
                    {"fileData": {"mimeType": "image/png", "fileUri": "gs://b/sky.png"}}]},
                {"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}]},
                {"role": "user", "parts": [{"function_response": {"name": "get_weather", "response": {"c": 18}}}]},
                {"role": "model", "parts": [{"text": "18C in Paris."}]}
            ],
            "tools": tools
        });
        for enc in [O200K, CL100K] {
            let want = t(enc, "Be brief.")
                + t(enc, "Weather in Paris?")
                + t(enc, "get_weather")
                + t(enc, r#"{"city":"Paris"}"#)
                + t(enc, "get_weather")
                + t(enc, r#"{"c":18}"#)
                + t(enc, "18C in Paris.")
                + t(enc, &tools.to_string());
            assert_eq!(
                count_example(enc, &ex),
                ExampleTokens {
                    total: want,
                    assistant: t(enc, "18C in Paris.")
                }
            );
        }
        // By hand: "Hello, world!" is 4 tokens and "hello" 1 in both encodings
        // (fixtures/token-counts.jsonl), and Gemini adds no framing.
        let plain = json!({"contents": [
            {"role": "user", "parts": [{"text": "Hello, world!"}]},
            {"role": "model", "parts": [{"text": "hello"}]}
        ]});
        assert_eq!(
            count_example(O200K, &plain),
            ExampleTokens {
                total: 5,
                assistant: 1
            }
        );
        // Odd shapes count what is countable.
        assert_eq!(
            count_example(O200K, &json!({"contents": 3, "systemInstruction": "x"})),
            ExampleTokens::default()
        );
        assert_eq!(
            count_example(
                O200K,
                &json!({"contents": [7, {"parts": [null, {"text": 1}, {"functionCall": 2}]}]})
            ),
            ExampleTokens::default()
        );
    }

    #[test]
    fn odd_shapes_count_what_is_countable() {
        let zero = ExampleTokens::default();
        for v in [
            json!(null),
            json!(42),
            json!("text"),
            json!([1, 2]),
            json!({}),
            json!({"input": 3}),
        ] {
            assert_eq!(count_example(O200K, &v), zero, "{v}");
        }
        // A shape with no formula counts its string values (another service's format).
        assert_eq!(
            count_example(
                O200K,
                &json!({"other": "x", "n": 1, "deep": [{"t": "hello"}]})
            )
            .total,
            t(O200K, "x") + t(O200K, "hello")
        );
        // Estimated counts: characters over the ratio, rounded up per string.
        let est = Counter::Estimate {
            chars_per_token: 4.0,
        };
        assert_eq!(
            count_example(est, &json!({"t": "abcdefghi", "u": "ab"})).total,
            3 + 1
        );
        // `messages` of the wrong type: only the reply primer.
        assert_eq!(count_example(O200K, &json!({"messages": "hi"})).total, 3);
        assert_eq!(count_example(O200K, &json!({"messages": null})).total, 3);
        // Non-object messages still cost their framing; wrong-typed fields add nothing.
        let ex = json!({"messages": [
            7,
            {"role": 1, "content": {"a": "b"}, "tool_calls": "x", "function_call": [1]},
            {"role": "assistant", "content": [null, 3, {"text": 5}, "plain"],
             "tool_calls": [null, {"function": "x"}, {"function": {"name": 3, "arguments": "{}"}}]}
        ], "tools": null});
        let got = count_example(O200K, &ex);
        // A string is a string field wherever it is, as in the cookbook: `"tool_calls": "x"`
        // counts as text.
        assert_eq!(
            got.total,
            3 * 3 + t(O200K, "x") + t(O200K, "assistant") + t(O200K, "plain") + t(O200K, "{}") + 3
        );
        assert_eq!(got.assistant, t(O200K, "plain"));
        assert_eq!(
            count_example(O200K, &json!({"prompt": ["a", 1], "completion": null})),
            ExampleTokens {
                total: t(O200K, "a"),
                assistant: 0
            }
        );
    }
}
