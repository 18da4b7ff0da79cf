//! `ftlint convert`: round trips (fixtures per pair and a property test on random examples), the
//! converted records checked with their target's rules, the documented examples of the X rules,
//! and the command line (exit codes, what is written where, `--on-loss`, `--force`,
//! `--no-check`, atomic writes, order).

mod common;

use ftlint::convert::{json_out, Conversion, Loss, Output};
use ftlint::format::{self, Format, FormatChoice};
use ftlint::settings::{Settings, Setup};
use ftlint::targets::Target;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One record converted for `target` (the format detected from its keys): the output as it is
/// written (through the line writer, then parsed back), its format and the losses.
fn convert(target: &str, v: &Value) -> (Option<Value>, Option<Format>, Vec<Loss>) {
    let from = format::detect(v.as_object().unwrap()).unwrap();
    let t = Target::builtin(target).unwrap();
    let c = Conversion::new(t, None).unwrap().convert(v, from);
    let out = match c.output {
        Output::Same => Some(v.clone()),
        Output::Record(r) => {
            let mut line = Vec::new();
            json_out::write(&r, &mut line);
            Some(serde_json::from_slice(&line).unwrap())
        }
        Output::Nothing => None,
    };
    (out, c.format, c.losses)
}

/// `v` there and back: OpenAI chat → `target` → OpenAI chat, asserting no loss either way.
fn round_trip(target: &str, v: &Value) -> (Value, Value) {
    let (there, format, losses) = convert(target, v);
    assert!(losses.is_empty(), "{target}: {losses:?}\n{v}");
    let there = there.unwrap();
    let (back, back_format, losses) = convert("openai", &there);
    assert!(losses.is_empty(), "back from {target}: {losses:?}\n{there}");
    assert_eq!(back_format, Some(Format::Chat));
    let _ = format;
    (there, back.unwrap())
}

/// Tool-call arguments compared as the JSON objects they hold: Gemini and Bedrock hold an
/// object, so the text's spacing and key order do not survive (the README says so).
fn arguments_as_values(mut v: Value) -> Value {
    if let Some(messages) = v.get_mut("messages").and_then(Value::as_array_mut) {
        for m in messages {
            for call in m
                .get_mut("tool_calls")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                let args = &mut call["function"]["arguments"];
                *args = serde_json::from_str(args.as_str().unwrap()).unwrap();
            }
        }
    }
    v
}

fn lines(path: &str) -> Vec<Value> {
    std::fs::read_to_string(root().join(path))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Error-severity findings of the target's own rules on converted records (J and the format's
/// family: the structure; D, S, T and M are the input's business).
fn check_errors(target: &str, records: &[Value]) -> Vec<String> {
    let mut bytes = Vec::new();
    for r in records {
        json_out::write(r, &mut bytes);
        bytes.push(b'\n');
    }
    let settings = Settings {
        target: target.into(),
        rules: vec![ftlint::settings::Selection::only(&[
            "J", "C", "P", "G", "B", "H", "F", "A",
        ])],
        format: FormatChoice::Auto,
        today: Some("2026-06-01".parse().unwrap()),
        ..Settings::default()
    };
    let setup = Setup::new(&settings, false).unwrap();
    let report = ftlint::engine::check_reader("out".into(), &bytes[..], &setup.opts).unwrap();
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity == ftlint::rules::Severity::Error)
        .map(|d| {
            format!(
                "{} {}:{} {}",
                d.rule.code(),
                d.location.map_or(0, |l| l.line),
                d.location.map_or(0, |l| l.column),
                d.message
            )
        })
        .collect()
}

#[test]
fn openai_to_gemini_and_back_gives_the_same_examples() {
    let examples = lines("fixtures/convert/roundtrip-gemini.jsonl");
    let mut converted = Vec::new();
    for v in &examples {
        let (there, back) = round_trip("vertex-gemini", v);
        assert_eq!(arguments_as_values(back), arguments_as_values(v.clone()));
        assert!(there.get("contents").is_some());
        converted.push(there);
    }
    assert_eq!(
        check_errors("vertex-gemini", &converted),
        Vec::<String>::new()
    );
}

#[test]
fn openai_to_bedrock_and_back_gives_the_same_examples() {
    let examples = lines("fixtures/convert/roundtrip-bedrock.jsonl");
    let mut converted = Vec::new();
    for v in &examples {
        let (there, back) = round_trip("bedrock-nova", v);
        assert_eq!(arguments_as_values(back), arguments_as_values(v.clone()));
        assert_eq!(there["schemaVersion"], "bedrock-conversation-2024");
        converted.push(there);
    }
    assert_eq!(
        check_errors("bedrock-nova", &converted),
        Vec::<String>::new()
    );
}

/// Chat targets take OpenAI's records as they are (weights, data-URL images, image detail): a
/// line comes out byte for byte, and back.
#[test]
fn openai_to_other_chat_targets_is_the_identity() {
    for target in ["azure-openai", "together", "fireworks", "openai"] {
        for v in lines("fixtures/convert/roundtrip-chat.jsonl") {
            let t = Target::builtin(target).unwrap();
            let c = Conversion::new(t, None).unwrap().convert(&v, Format::Chat);
            assert_eq!(c.output, Output::Same, "{target}");
            assert!(c.losses.is_empty(), "{target}: {:?}", c.losses);
            assert_eq!(c.format, Some(Format::Chat));
        }
    }
}

/// The converted Gemini and Bedrock records of the fixtures, exactly: roles, the system prompt,
/// tool calls with their ids, results sharing the user's turn.
#[test]
fn converted_records_have_the_documented_shape() {
    let v = &lines("fixtures/convert/roundtrip-gemini.jsonl")[3];
    let (g, ..) = convert("vertex-gemini", v);
    assert_eq!(
        g.unwrap(),
        json!({"contents": [
            {"role": "user", "parts": [{"text": "Book a table for two at 8pm."}]},
            {"role": "model", "parts": [
                {"text": "Checking availability."},
                {"functionCall": {"id": "call_b", "name": "book", "args": {"party": 2, "time": "20:00", "notes": null, "outdoor": false}}}]},
            {"role": "user", "parts": [
                {"functionResponse": {"id": "call_b", "name": "book", "response": {"content": [{"type": "text", "text": "confirmed"}, {"type": "text", "text": "table 12"}]}}},
                {"text": "Great — and parking?"}]},
            {"role": "model", "parts": [{"text": "Parking is free after 6pm.\nSee you at 8!"}]}],
         "tools": [{"functionDeclarations": [
            {"name": "book", "parameters": {"type": "object", "properties": {"party": {"type": "integer"}, "time": {"type": "string"}}}},
            {"name": "cancel", "description": "Cancel a booking"}]}]})
    );
    let v = &lines("fixtures/convert/roundtrip-bedrock.jsonl")[0];
    let (b, ..) = convert("bedrock-nova", v);
    let b = b.unwrap();
    assert_eq!(
        b["system"],
        json!([{"text": "You are a concise travel assistant."}])
    );
    assert_eq!(
        b["messages"][1],
        json!({"role": "assistant", "content": [
            {"toolUse": {"toolUseId": "call_a1", "name": "weather", "input": {"city": "Oslo"}}},
            {"toolUse": {"toolUseId": "call_a2", "name": "weather", "input": {"city": "京都", "units": "metric"}}}]})
    );
    assert_eq!(
        b["messages"][2],
        json!({"role": "user", "content": [
            {"toolResult": {"toolUseId": "call_a1", "content": [{"text": "3 °C, snow"}]}},
            {"toolResult": {"toolUseId": "call_a2", "content": [{"text": "12 °C, 晴れ"}]}}]})
    );
    assert_eq!(
        b["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"]["required"],
        json!(["city"])
    );
    // The written line: keys in reading order.
    let mut line = Vec::new();
    json_out::write(&b, &mut line);
    let text = String::from_utf8(line).unwrap();
    assert!(
        text.starts_with(r#"{"schemaVersion":"bedrock-conversation-2024","system":[{"text":"#),
        "{text}"
    );
    assert!(text.contains(r#"{"toolUse":{"toolUseId":"call_a1","name":"weather","input":{"#));
}

/// What the formats cannot tell apart comes back in one spelling, with no loss reported:
/// `content` as a list of one text part comes back as text, `weight: 1` (what no weight means)
/// and `content: null` beside tool calls come back absent, arguments come back as compact
/// JSON text.
#[test]
fn spellings_the_formats_cannot_tell_apart() {
    let v = json!({"messages": [
        {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
        {"role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{ \"b\": 1,  \"a\": [1, 2] }"}}]},
        {"role": "tool", "tool_call_id": "c", "content": "ok"},
        {"role": "assistant", "content": "Done.", "weight": 1}]});
    for target in ["vertex-gemini", "bedrock-nova"] {
        let (_, back) = round_trip(target, &v);
        assert_eq!(
            back,
            json!({"messages": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{\"a\":[1,2],\"b\":1}"}}]},
                {"role": "tool", "tool_call_id": "c", "content": "ok"},
                {"role": "assistant", "content": "Done."}]}),
            "{target}"
        );
    }
}

/// Gemini and Bedrock records to OpenAI chat: ids given to calls that have none, results
/// matched to calls by name, `inlineData` images as data URLs, JSON results as JSON text,
/// snake_case keys read.
#[test]
fn gemini_and_bedrock_records_to_chat() {
    let g = json!({"system_instruction": {"role": "system", "parts": [{"text": "Sé breve."}]},
        "contents": [
            {"role": "user", "parts": [{"text": "¿Qué es?"}, {"inline_data": {"mime_type": "image/png", "data": "iVBORw0KGgo="}}]},
            {"role": "model", "parts": [{"function_call": {"name": "lookup", "args": {"q": "gato"}}}]},
            {"role": "user", "parts": [{"function_response": {"name": "lookup", "response": {"hits": 3}}}]},
            {"role": "model", "parts": [{"text": "Un gato."}]}]});
    let (chat, format, losses) = convert("openai", &g);
    assert!(losses.is_empty(), "{losses:?}");
    assert_eq!(format, Some(Format::Chat));
    assert_eq!(
        chat.unwrap(),
        json!({"messages": [
            {"role": "system", "content": "Sé breve."},
            {"role": "user", "content": [{"type": "text", "text": "¿Qué es?"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]},
            {"role": "assistant", "tool_calls": [{"id": "call_1_0", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\":\"gato\"}"}}]},
            {"role": "tool", "tool_call_id": "call_1_0", "content": "{\"hits\":3}"},
            {"role": "assistant", "content": "Un gato."}]})
    );
    let b = json!({"schemaVersion": "bedrock-conversation-2024",
        "messages": [
            {"role": "user", "content": [{"text": "Price?"}]},
            {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "quote", "input": {}}}]},
            {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"json": {"usd": 190.5}}]}}]},
            {"role": "assistant", "content": [{"text": "$190.50"}]}]});
    let (chat, ..) = convert("fireworks", &b);
    let chat = chat.unwrap();
    assert_eq!(
        chat["messages"][2],
        json!({"role": "tool", "tool_call_id": "t1", "content": "{\"usd\":190.5}"})
    );
    assert_eq!(
        chat["messages"][1]["tool_calls"][0]["function"]["arguments"],
        "{}"
    );
    // Gemini ↔ Bedrock goes through the same conversation.
    let (bedrock, ..) = convert("bedrock-nova", &g);
    let bedrock = bedrock.unwrap();
    assert_eq!(bedrock["system"], json!([{"text": "Sé breve."}]));
    assert_eq!(
        bedrock["messages"][2],
        json!({"role": "user", "content": [{"toolResult": {"toolUseId": "call_1_0", "content": [{"json": {"hits": 3}}]}}]})
    );
}

/// Legacy function calling for a target without the `function` role: the same conversation in
/// the `tool_calls` shape, for chat and preference records.
#[test]
fn legacy_function_calls_become_tool_calls_for_together() {
    let v = json!({"messages": [
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "content": null, "function_call": {"name": "w", "arguments": "{}"}},
        {"role": "function", "name": "w", "content": "21"},
        {"role": "assistant", "content": "21 °C"}],
        "functions": [{"name": "w", "parameters": {"type": "object", "properties": {}}}]});
    let (out, _, losses) = convert("together", &v);
    assert!(losses.is_empty());
    let out = out.unwrap();
    assert_eq!(
        out,
        json!({"messages": [
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1_0", "type": "function", "function": {"name": "w", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "call_1_0", "content": "21"},
            {"role": "assistant", "content": "21 °C"}],
            "tools": [{"type": "function", "function": {"name": "w", "parameters": {"type": "object", "properties": {}}}}]})
    );
    assert_eq!(check_errors("together", &[out]), Vec::<String>::new());
    // OpenAI takes the legacy shape: the line is kept as it is.
    let (_, _, losses) = convert("openai", &v);
    assert!(losses.is_empty());
    // Preference pairs: the same, in `input.messages`.
    let p = json!({"input": {"messages": [
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "function_call": {"name": "w", "arguments": "{}"}},
            {"role": "function", "name": "w", "content": "21"}]},
        "preferred_output": [{"role": "assistant", "content": "21 °C."}],
        "non_preferred_output": [{"role": "assistant", "content": "Cold."}]});
    let (out, format, losses) = convert("fireworks", &p);
    assert!(losses.is_empty());
    assert_eq!(format, Some(Format::Preference));
    assert_eq!(
        out.unwrap()["input"]["messages"][2],
        json!({"role": "tool", "tool_call_id": "call_1_0", "content": "21"})
    );
}

/// OpenAI DPO pairs are Together's (and Fireworks', Azure's) preference records as they are.
#[test]
fn preference_pairs_carry_over_to_other_chat_targets() {
    let p = json!({"input": {"messages": [{"role": "user", "content": "Capital of Peru?"}]},
        "preferred_output": [{"role": "assistant", "content": "Lima."}],
        "non_preferred_output": [{"role": "assistant", "content": "Cusco."}]});
    for target in ["together", "fireworks", "azure-openai", "openai"] {
        let (out, format, losses) = convert(target, &p);
        assert_eq!(
            (out, format, losses),
            (Some(p.clone()), Some(Format::Preference), vec![]),
            "{target}"
        );
    }
    let (out, _, losses) = convert("vertex-gemini", &p);
    assert_eq!(out, None);
    assert_eq!(losses.len(), 1);
    assert!(losses[0].is_fatal());
}

// ---- the open-model trainers' formats ----

/// One record converted for `target` in `format` (`--to TARGET:FORMAT`), written and parsed
/// back as `convert` writes it.
fn convert_to(target: &str, to: Format, v: &Value) -> (Option<Value>, Vec<Loss>) {
    let from = format::detect(v.as_object().unwrap()).unwrap();
    let t = Target::builtin(target).unwrap();
    let c = Conversion::new(t, Some(to)).unwrap().convert(v, from);
    let out = match c.output {
        Output::Same => Some(v.clone()),
        Output::Record(r) => {
            let mut line = Vec::new();
            json_out::write(&r, &mut line);
            Some(serde_json::from_slice(&line).unwrap())
        }
        Output::Nothing => None,
    };
    (out, c.losses)
}

/// OpenAI chat → `target:to` → OpenAI chat, with no loss either way but the kinds `allowed`.
fn open_round_trip(target: &str, to: Format, v: &Value, allowed: &[&str]) -> (Value, Value) {
    let kind = |l: &Loss| format!("{:?}", l.kind);
    let (there, losses) = convert_to(target, to, v);
    let unexpected: Vec<String> = losses
        .iter()
        .map(kind)
        .filter(|k| !allowed.iter().any(|a| k.starts_with(a)))
        .collect();
    assert!(unexpected.is_empty(), "{target}: {unexpected:?}\n{v}");
    let there = there.unwrap();
    let (back, losses) = convert_to("openai", Format::Chat, &there);
    assert!(losses.is_empty(), "back from {target}: {losses:?}\n{there}");
    (there, back.unwrap())
}

/// Call ids as a ShareGPT round trip gives them back (ShareGPT turns carry none: X006): ids
/// number the calls by their turn in `conversations`, where a leading system prompt is not a
/// turn but the `system` key.
fn ids_renumbered(mut v: Value) -> Value {
    let mut ids = std::collections::BTreeMap::new();
    if let Some(messages) = v.get_mut("messages").and_then(Value::as_array_mut) {
        let system = usize::from(messages.first().is_some_and(|m| m["role"] == "system"));
        for (i, m) in messages.iter_mut().enumerate() {
            let i = i - system.min(i);
            for (k, call) in m
                .get_mut("tool_calls")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let new = format!("call_{i}_{k}");
                ids.insert(call["id"].as_str().unwrap().to_owned(), new.clone());
                call["id"] = new.into();
            }
            if let Some(id) = m.get("tool_call_id").and_then(Value::as_str) {
                let new = ids.get(id).cloned().unwrap_or_default();
                m["tool_call_id"] = new.into();
            }
        }
    }
    v
}

#[test]
fn openai_to_hf_prompt_completion_and_back_gives_the_same_examples() {
    let examples = lines("fixtures/convert/roundtrip-hf.jsonl");
    let mut converted = Vec::new();
    for v in &examples {
        let (there, back) = open_round_trip("hf", Format::ConversationalCompletion, v, &[]);
        assert_eq!(back, *v);
        assert!(there["prompt"].is_array() && there["completion"].is_array());
        converted.push(there);
    }
    assert_eq!(check_errors("hf", &converted), Vec::<String>::new());
    // The prompt ends where the trained answer starts.
    let first = &converted[0];
    assert_eq!(first["prompt"].as_array().unwrap().len(), 4);
    assert_eq!(
        first["completion"],
        json!([{"role": "assistant", "content": "3 °C and snowing."}])
    );
    // Chat records stay chat on `hf` (TRL's conversational language modeling), byte for byte.
    for v in &examples {
        let (out, _, losses) = convert("hf", v);
        assert!(losses.is_empty());
        assert_eq!(out.as_ref(), Some(v));
    }
}

#[test]
fn openai_to_sharegpt_and_back_gives_the_same_examples_but_call_ids() {
    let examples = lines("fixtures/convert/roundtrip-sharegpt.jsonl");
    let mut converted = Vec::new();
    for v in &examples {
        let (there, back) = open_round_trip("sharegpt", Format::Sharegpt, v, &["Key"]);
        assert_eq!(back, ids_renumbered(v.clone()));
        converted.push(there);
    }
    assert_eq!(check_errors("sharegpt", &converted), Vec::<String>::new());
    assert_eq!(
        converted[0],
        json!({"system": "You are a concise travel assistant.", "conversations": [
            {"from": "human", "value": "Capital of Peru?"}, {"from": "gpt", "value": "Lima."},
            {"from": "human", "value": "And of Chile?"}, {"from": "gpt", "value": "Santiago."}]})
    );
    let call = &converted[3]["conversations"][1];
    assert_eq!(call["from"], "function_call");
    assert_eq!(
        call["value"],
        r#"{"name":"weather","arguments":{"city":"Oslo"}}"#
    );
    assert_eq!(converted[3]["conversations"][2]["from"], "observation");
    assert_eq!(
        converted[3]["tools"],
        r#"[{"name":"weather","description":"Current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}]"#
    );
    // The fixture's ids are the ones ShareGPT gives back, so its round trip is exact and lossless.
    let (_, losses) = convert_to("sharegpt", Format::Sharegpt, &examples[3]);
    assert_eq!(losses.len(), 1, "the input's call id: {losses:?}");
}

#[test]
fn openai_to_alpaca_and_back_gives_the_same_examples() {
    let examples = lines("fixtures/convert/roundtrip-alpaca.jsonl");
    let mut converted = Vec::new();
    for v in &examples {
        let (there, back) = open_round_trip("alpaca", Format::Alpaca, v, &[]);
        assert_eq!(back, *v);
        converted.push(there);
    }
    assert_eq!(check_errors("alpaca", &converted), Vec::<String>::new());
    assert_eq!(
        converted[0],
        json!({"system": "Answer with one word.", "instruction": "And of Chile?", "input": "",
            "output": "Santiago.", "history": [["Capital of Peru?", "Lima."]]})
    );
}

/// LLaMA-Factory's own reading of an Alpaca record: `instruction` and `input` joined by a
/// newline, each only when not empty.
#[test]
fn alpaca_instruction_and_input_become_one_user_turn() {
    let v = json!({"instruction": "Translate to French.", "input": "cheese", "output": "fromage"});
    let (chat, losses) = convert_to("openai", Format::Chat, &v);
    assert!(losses.is_empty());
    assert_eq!(
        chat.unwrap(),
        json!({"messages": [{"role": "user", "content": "Translate to French.\ncheese"},
            {"role": "assistant", "content": "fromage"}]})
    );
    let v = json!({"instruction": "", "input": "cheese", "output": "fromage", "source": "web"});
    let (chat, losses) = convert_to("openai", Format::Chat, &v);
    assert_eq!(chat.unwrap()["messages"][0]["content"], "cheese");
    assert_eq!(format!("{:?}", losses[0].kind), r#"Key { key: "source" }"#);
}

/// OpenAI DPO ↔ TRL preference ↔ Together preference, message for message.
#[test]
fn preference_pairs_between_openai_trl_and_together() {
    let dpo = json!({"input": {"messages": [{"role": "system", "content": "Be brief."},
        {"role": "user", "content": "2+2?"}], "tools": [{"type": "function", "function": {"name": "calc"}}]},
        "preferred_output": [{"role": "assistant", "content": "4"}],
        "non_preferred_output": [{"role": "assistant", "content": "5"}]});
    let (trl, losses) = convert_to("hf", Format::ChosenRejected, &dpo);
    assert!(losses.is_empty(), "{losses:?}");
    let trl = trl.unwrap();
    assert_eq!(
        trl,
        json!({"prompt": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2+2?"}],
            "chosen": [{"role": "assistant", "content": "4"}], "rejected": [{"role": "assistant", "content": "5"}],
            "tools": [{"type": "function", "function": {"name": "calc"}}]})
    );
    // Without `--to hf:FORMAT`: a pair becomes the target's pair format.
    let (to_hf, format, _) = convert("hf", &dpo);
    assert_eq!(
        (to_hf.as_ref(), format),
        (Some(&trl), Some(Format::ChosenRejected))
    );
    for target in ["openai", "together"] {
        let (back, format, losses) = convert(target, &trl);
        assert!(losses.is_empty());
        assert_eq!(format, Some(Format::Preference));
        assert_eq!(back.unwrap(), dpo);
    }
    // An implicit prompt is what both answers share from the start.
    let implicit = json!({"chosen": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}],
        "rejected": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "5"}]});
    let (back, _, _) = convert("openai", &implicit);
    assert_eq!(
        back.unwrap(),
        json!({"input": {"messages": [{"role": "user", "content": "2+2?"}]},
            "preferred_output": [{"role": "assistant", "content": "4"}],
            "non_preferred_output": [{"role": "assistant", "content": "5"}]})
    );
    // Standard (text) pairs carry no messages: X001.
    let (out, _, losses) = convert(
        "openai",
        &json!({"prompt": "2+2=", "chosen": "4", "rejected": "5"}),
    );
    assert!(out.is_none() && losses[0].is_fatal());
}

/// What the other engineers' chat-template renderer reads: OpenAI-style messages and tools
/// for every conversational format.
#[test]
fn as_chat_messages_for_each_conversational_format() {
    use ftlint::convert::as_chat_messages;
    let chat = lines("fixtures/convert/roundtrip-sharegpt.jsonl").remove(3);
    let expected = ids_renumbered(chat.clone());
    for (target, to) in [
        ("sharegpt", Format::Sharegpt),
        ("alpaca", Format::Alpaca),
        ("hf", Format::ConversationalCompletion),
        ("vertex-gemini", Format::Gemini),
    ] {
        let v = if to == Format::Alpaca {
            lines("fixtures/convert/roundtrip-alpaca.jsonl").remove(0)
        } else {
            chat.clone()
        };
        let (there, _) = convert_to(target, to, &v);
        let (messages, tools) = as_chat_messages(to, &there.unwrap()).unwrap();
        let want = if to == Format::Alpaca {
            v.clone()
        } else if to == Format::Sharegpt {
            expected.clone()
        } else {
            chat.clone()
        };
        assert_eq!(Value::Array(messages), want["messages"], "{to}");
        assert_eq!(tools.as_ref(), want.get("tools"), "{to}");
    }
    let (m, _) = as_chat_messages(Format::Chat, &chat).unwrap();
    assert_eq!(m.len(), 4);
    assert_eq!(as_chat_messages(Format::Text, &json!({"text": "x"})), None);
    assert_eq!(
        as_chat_messages(Format::Sharegpt, &json!({"conversations": 3})),
        None
    );
    let pair = json!({"prompt": [{"role": "user", "content": "2+2?"}], "chosen": [{"role": "assistant", "content": "4"}], "rejected": [{"role": "assistant", "content": "5"}]});
    let (m, _) = as_chat_messages(Format::ChosenRejected, &pair).unwrap();
    assert_eq!(m[1]["content"], "4");
}

// ---- the property: random OpenAI examples survive the trip ----

/// Text in many scripts, with the characters JSON escapes.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ,.?!]{1,30}",
        "[ぁ-んァ-ン一-龥。、]{1,15}",
        "[А-Яа-я ]{1,15}",
        "[\u{0600}-\u{06FF} ]{1,15}",
        Just("emoji 🦀🇯🇵 and \"quotes\", \\ and\nnew\tlines".to_owned()),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// What one round of a conversation holds.
#[derive(Debug, Clone)]
enum Round {
    /// The user's text (one string, or several text parts), an optional image URL, the answer.
    Talk {
        texts: Vec<String>,
        image: Option<String>,
        answer: Vec<String>,
    },
    /// The assistant calls tools (with an optional text), each answered; then the user may say
    /// more, and the assistant answers.
    Tools {
        ask: String,
        says: Option<String>,
        calls: Vec<(String, serde_json::Map<String, Value>, String)>,
        more: Option<String>,
        answer: String,
    },
}

fn round(images: bool) -> impl Strategy<Value = Round> {
    let image = if images {
        prop::option::of((
            "[a-z]{1,8}",
            prop::sample::select(vec!["jpg", "png", "webp", "JPEG"]),
        ))
        .prop_map(|o| o.map(|(n, e)| format!("https://img.example.com/{n}.{e}")))
        .boxed()
    } else {
        Just(None).boxed()
    };
    let talk = (
        prop::collection::vec(text(), 1..3),
        image,
        prop::collection::vec(text(), 1..3),
    )
        .prop_map(|(texts, image, answer)| Round::Talk {
            texts,
            image,
            answer,
        });
    let call = (
        "[a-z_]{1,10}",
        prop::collection::btree_map("[a-z]{1,6}", json_value(), 0..4),
        text(),
    )
        .prop_map(|(name, args, result)| (name, args.into_iter().collect(), result));
    let tools = (
        text(),
        prop::option::of(text()),
        prop::collection::vec(call, 1..4),
        prop::option::of(text()),
        text(),
    )
        .prop_map(|(ask, says, calls, more, answer)| Round::Tools {
            ask,
            says,
            calls,
            more,
            answer,
        });
    prop_oneof![talk, tools]
}

fn content(texts: &[String]) -> Value {
    if texts.len() == 1 {
        Value::from(texts[0].clone())
    } else {
        Value::Array(
            texts
                .iter()
                .map(|t| json!({"type": "text", "text": t}))
                .collect(),
        )
    }
}

/// A random OpenAI chat example, written the way the formats can all say it (see
/// `spellings_the_formats_cannot_tell_apart` for the rest).
fn example(images: bool) -> impl Strategy<Value = Value> {
    (
        prop::option::of(prop::collection::vec(text(), 1..3)),
        prop::collection::vec(round(images), 1..4),
        "[a-z]{1,8}",
    )
        .prop_map(|(system, rounds, desc)| {
            let mut messages = Vec::new();
            if let Some(s) = system {
                messages.push(json!({"role": "system", "content": content(&s)}));
            }
            let mut tools = std::collections::BTreeMap::new();
            for (r, round) in rounds.into_iter().enumerate() {
                match round {
                    Round::Talk { texts, image, answer } => {
                        let user = match image {
                            Some(url) => {
                                let mut parts: Vec<Value> = texts
                                    .iter()
                                    .map(|t| json!({"type": "text", "text": t}))
                                    .collect();
                                parts.push(json!({"type": "image_url", "image_url": {"url": url}}));
                                Value::Array(parts)
                            }
                            None => content(&texts),
                        };
                        messages.push(json!({"role": "user", "content": user}));
                        messages.push(json!({"role": "assistant", "content": content(&answer)}));
                    }
                    Round::Tools { ask, says, calls, more, answer } => {
                        messages.push(json!({"role": "user", "content": ask}));
                        let tool_calls: Vec<Value> = calls
                            .iter()
                            .enumerate()
                            .map(|(k, (name, args, _))| {
                                tools.insert(name.clone(), ());
                                json!({"id": format!("id_{r}_{k}"), "type": "function",
                                    "function": {"name": name, "arguments": serde_json::to_string(args).unwrap()}})
                            })
                            .collect();
                        let mut call = json!({"role": "assistant", "tool_calls": tool_calls});
                        if let Some(s) = says {
                            call["content"] = s.into();
                        }
                        messages.push(call);
                        for (k, (_, _, result)) in calls.iter().enumerate() {
                            messages.push(json!({"role": "tool", "tool_call_id": format!("id_{r}_{k}"), "content": result}));
                        }
                        if let Some(m) = more {
                            messages.push(json!({"role": "user", "content": m}));
                        }
                        messages.push(json!({"role": "assistant", "content": answer}));
                    }
                }
            }
            let mut v = json!({"messages": messages});
            if !tools.is_empty() {
                v["tools"] = tools
                    .keys()
                    .map(|name| json!({"type": "function", "function": {"name": name, "description": desc,
                        "parameters": {"type": "object", "properties": {}}}}))
                    .collect();
            }
            v
        })
}

/// A random OpenAI chat example with one text a message (no images, no text parts), rounds of
/// the user and the assistant, an optional system prompt; with `tools`, rounds where the
/// assistant calls one tool (no words beside the call) and answers after its result — what
/// ShareGPT and Alpaca turns can say.
fn text_example(tools: bool) -> impl Strategy<Value = Value> {
    let call = if tools {
        prop::option::of((
            "[a-z_]{1,10}",
            prop::collection::btree_map("[a-z]{1,6}", json_value(), 0..3),
            text(),
        ))
        .boxed()
    } else {
        Just(None).boxed()
    };
    (
        prop::option::of(text()),
        prop::collection::vec((text(), call, text()), 1..4),
    )
        .prop_map(|(system, rounds)| {
            let mut messages = Vec::new();
            if let Some(s) = system {
                messages.push(json!({"role": "system", "content": s}));
            }
            let mut tools = std::collections::BTreeMap::new();
            for (r, (ask, call, answer)) in rounds.into_iter().enumerate() {
                messages.push(json!({"role": "user", "content": ask}));
                if let Some((name, args, result)) = call {
                    let id = format!("id_{r}");
                    tools.insert(name.clone(), ());
                    messages.push(json!({"role": "assistant", "tool_calls": [{"id": id, "type": "function",
                        "function": {"name": name, "arguments": serde_json::to_string(&args).unwrap()}}]}));
                    messages.push(json!({"role": "tool", "tool_call_id": id, "content": result}));
                }
                messages.push(json!({"role": "assistant", "content": answer}));
            }
            let mut v = json!({"messages": messages});
            if !tools.is_empty() {
                v["tools"] = tools
                    .keys()
                    .map(|name| json!({"type": "function", "function": {"name": name,
                        "parameters": {"type": "object", "properties": {}}}}))
                    .collect();
            }
            v
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// OpenAI → Gemini → OpenAI gives the example back, and the Gemini record passes the G rules.
    #[test]
    fn gemini_round_trip(v in example(true)) {
        let (there, back) = round_trip("vertex-gemini", &v);
        prop_assert_eq!(back, v);
        prop_assert_eq!(check_errors("vertex-gemini", &[there]), Vec::<String>::new());
    }

    /// OpenAI → Bedrock → OpenAI gives the example back, and the record passes the B rules.
    #[test]
    fn bedrock_round_trip(v in example(false)) {
        let (there, back) = round_trip("bedrock-nova", &v);
        prop_assert_eq!(back, v);
        prop_assert_eq!(check_errors("bedrock-nova", &[there]), Vec::<String>::new());
    }

    /// Gemini → Bedrock → Gemini: the two conversation formats hold the same conversations.
    #[test]
    fn gemini_bedrock_round_trip(v in example(false)) {
        let (gemini, ..) = convert("vertex-gemini", &v);
        let gemini = gemini.unwrap();
        let (bedrock, _, losses) = convert("bedrock-nova", &gemini);
        prop_assert!(losses.is_empty(), "{:?}", losses);
        let (again, _, losses) = convert("vertex-gemini", &bedrock.unwrap());
        prop_assert!(losses.is_empty(), "{:?}", losses);
        prop_assert_eq!(again.unwrap(), gemini);
    }

    /// OpenAI → TRL prompt-completion (`hf`) → OpenAI gives the example back: TRL's messages
    /// are OpenAI's, split where the trained answer starts.
    #[test]
    fn hf_prompt_completion_round_trip(v in example(true)) {
        let (there, back) = open_round_trip("hf", Format::ConversationalCompletion, &v, &[]);
        prop_assert_eq!(back, v);
        prop_assert_eq!(check_errors("hf", &[there]), Vec::<String>::new());
    }

    /// OpenAI → ShareGPT → OpenAI gives a text conversation back exactly (one text a turn, the
    /// system prompt one text), and one with tool calls but for the calls' ids (X006).
    #[test]
    fn sharegpt_round_trip(v in text_example(true)) {
        let (there, back) = open_round_trip("sharegpt", Format::Sharegpt, &v, &["Key"]);
        prop_assert_eq!(back, ids_renumbered(v));
        prop_assert_eq!(check_errors("sharegpt", &[there]), Vec::<String>::new());
    }

    /// OpenAI → Alpaca → OpenAI gives a text conversation back exactly.
    #[test]
    fn alpaca_round_trip(v in text_example(false)) {
        let (there, back) = open_round_trip("alpaca", Format::Alpaca, &v, &[]);
        prop_assert_eq!(back, v);
        prop_assert_eq!(check_errors("alpaca", &[there]), Vec::<String>::new());
    }

    /// OpenAI DPO → TRL preference → OpenAI DPO gives the pair back.
    #[test]
    fn preference_round_trip(v in text_example(false), other in text()) {
        let mut messages = v["messages"].as_array().unwrap().clone();
        let preferred = messages.pop().unwrap();
        let dpo = json!({"input": {"messages": messages}, "preferred_output": [preferred],
            "non_preferred_output": [{"role": "assistant", "content": other}]});
        let (trl, losses) = convert_to("hf", Format::ChosenRejected, &dpo);
        prop_assert!(losses.is_empty());
        let (back, losses) = convert_to("openai", Format::Preference, &trl.unwrap());
        prop_assert!(losses.is_empty());
        prop_assert_eq!(back.unwrap(), dpo);
    }

    /// A chat target keeps an OpenAI example exactly, weights included.
    #[test]
    fn chat_targets_keep_examples(v in example(true), weight in 0u8..2) {
        let mut v = v;
        let last = v["messages"].as_array().unwrap().len() - 1;
        v["messages"][last]["weight"] = weight.into();
        for target in ["together", "fireworks", "azure-openai"] {
            let (out, _, losses) = convert(target, &v);
            prop_assert!(losses.is_empty());
            prop_assert_eq!(out.as_ref(), Some(&v));
        }
    }
}

/// Each X rule's documented example, converted for the target its doc names, has the rule's
/// finding on every line: the documentation cannot drift from the conversion.
#[test]
fn documented_examples_give_their_loss() {
    use ftlint::engine::convert::{convert_reader, ConvertOptions};
    for rule in ftlint::rules::all().filter(|r| r.code().starts_with('X')) {
        let doc = rule.rule.doc();
        let to = doc
            .split("`--to ")
            .nth(1)
            .and_then(|s| s.split('`').next())
            .unwrap_or_else(|| panic!("{}: the example names no `--to TARGET`", rule.code()));
        let block = doc
            .split("```jsonl\n")
            .nth(1)
            .unwrap()
            .split("\n```")
            .next()
            .unwrap();
        let opts = ConvertOptions {
            conversion: Conversion::new(Target::builtin(to).unwrap(), None).unwrap(),
            format: FormatChoice::Auto,
            plan: ftlint::rules::Plan::new(std::iter::once(rule.rule).collect()),
            on_loss: ftlint::convert::OnLoss::Error,
            mapping: None,
        };
        let r =
            convert_reader("doc".into(), block.as_bytes(), &opts, &mut std::io::sink()).unwrap();
        let hit: std::collections::BTreeSet<u64> = r
            .report
            .diagnostics
            .iter()
            .filter_map(|d| d.location.map(|l| l.line))
            .collect();
        assert_eq!(
            hit,
            (1..=block.lines().count() as u64).collect(),
            "{}: lines of the documented example with a finding",
            rule.code()
        );
    }
}

// ---- the command line ----

fn ftlint(dir: &Path) -> std::process::Command {
    common::command(dir, &common::empty_cache())
}

fn write(dir: &Path, name: &str, lines: &[&str]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(
        &p,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    p
}

const CLEAN: &str = r#"{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}"#;
const CLEAN_TOO: &str = r#"{"messages": [{"role": "user", "content": "Grüß dich"}, {"role": "assistant", "content": "Servus!"}]}"#;
const LOSSY: &str = r#"{"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "5", "weight": 0}, {"role": "user", "content": "Sure?"}, {"role": "assistant", "content": "4."}]}"#;

#[test]
fn a_clean_conversion_is_written_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "in.jsonl", &[CLEAN, CLEAN_TOO]);
    let o = ftlint(dir.path())
        .args([
            "convert",
            "in.jsonl",
            "--to",
            "vertex-gemini",
            "-o",
            "out.jsonl",
            "--output-format",
            "concise",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    // The target's check of the output: only D002 (fewer than the 100 examples Vertex advises).
    assert_eq!(
        common::stdout(&o),
        "out.jsonl:1:1: info: D002 the file has 2 examples; 100 or more are recommended\n"
    );
    assert_eq!(
        common::stderr(&o),
        "ftlint: wrote 2 examples to `out.jsonl`\n"
    );
    let out = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    assert_eq!(
        out,
        concat!(
            r#"{"systemInstruction":{"parts":[{"text":"Be brief."}]},"contents":[{"role":"user","parts":[{"text":"Hi"}]},{"role":"model","parts":[{"text":"Hello."}]}]}"#,
            "\n",
            r#"{"contents":[{"role":"user","parts":[{"text":"Grüß dich"}]},{"role":"model","parts":[{"text":"Servus!"}]}]}"#,
            "\n"
        )
    );
}

#[test]
fn a_loss_is_an_error_and_nothing_is_written_by_default() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "in.jsonl", &[CLEAN, LOSSY]);
    std::fs::write(dir.path().join("out.jsonl"), "old\n").unwrap();
    let o = ftlint(dir.path())
        .args([
            "convert",
            "in.jsonl",
            "--to",
            "bedrock-nova",
            "-o",
            "out.jsonl",
            "--output-format",
            "concise",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let stdout = common::stdout(&o);
    assert!(stdout.starts_with("in.jsonl:2:100: error: X002 weight 0 on an assistant message: `bedrock-nova` has no per-message weight; the message is kept and will be trained on\n"), "{stdout}");
    assert_eq!(
        common::stderr(&o),
        "ftlint: `out.jsonl` was not written (2 examples converted): 2 errors (above); `--force` writes it anyway; 1 example with a loss\n"
    );
    // The existing file is untouched and no temporary file is left.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap(),
        "old\n"
    );
    assert_eq!(common::files_below(dir.path()).len(), 2);
}

#[test]
fn on_loss_warn_writes_with_warnings_and_drop_example_leaves_the_example_out() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "in.jsonl", &[CLEAN, LOSSY, CLEAN]);
    let o = ftlint(dir.path())
        .args([
            "convert",
            "in.jsonl",
            "--to",
            "vertex-gemini",
            "-o",
            "w.jsonl",
            "--on-loss",
            "warn",
            "--output-format",
            "concise",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    assert!(common::stdout(&o).contains("in.jsonl:2:100: warning: X002 "));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("w.jsonl"))
            .unwrap()
            .lines()
            .count(),
        3
    );
    assert_eq!(
        common::stderr(&o),
        "ftlint: wrote 3 examples to `w.jsonl`; 1 example with a loss\n"
    );

    let o = ftlint(dir.path())
        .args([
            "convert",
            "in.jsonl",
            "--to",
            "vertex-gemini",
            "-o",
            "d.jsonl",
            "--on-loss",
            "drop-example",
            "--output-format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let v: Value = serde_json::from_str(&common::stdout(&o)).unwrap();
    let x002: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "X002")
        .collect();
    assert_eq!(x002.len(), 1);
    assert_eq!(x002[0]["severity"], "warning");
    assert_eq!(
        (x002[0]["line"].as_u64(), x002[0]["column"].as_u64()),
        (Some(2), Some(100))
    );
    assert!(x002[0]["message"]
        .as_str()
        .unwrap()
        .ends_with("the example is left out (`--on-loss drop-example`)"));
    assert_eq!(v["files"][0]["path"], "in.jsonl");
    assert_eq!(v["files"][1]["path"], "d.jsonl");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("d.jsonl"))
            .unwrap()
            .lines()
            .count(),
        2
    );
    assert_eq!(
        common::stderr(&o),
        "ftlint: wrote 2 examples to `d.jsonl`; 1 example left out\n"
    );
}

#[test]
fn force_writes_despite_errors_and_still_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "in.jsonl", &[LOSSY]);
    let o = ftlint(dir.path())
        .args([
            "convert",
            "in.jsonl",
            "--to",
            "bedrock-nova",
            "-o",
            "out.jsonl",
            "--force",
            "--output-format",
            "concise",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(dir.path().join("out.jsonl").exists());
    assert!(
        common::stderr(&o).ends_with("; written despite 2 errors (`--force`)\n"),
        "{}",
        common::stderr(&o)
    );
}

/// The converted records are checked with the target's rules before they are written: a
/// Bedrock record must start with the user's turn (B005), whatever the input allowed.
#[test]
fn the_targets_check_stops_an_invalid_output_unless_no_check() {
    let dir = tempfile::tempdir().unwrap();
    let starts_with_model = r#"{"contents": [{"role": "model", "parts": [{"text": "Welcome!"}]}, {"role": "user", "parts": [{"text": "Hi"}]}, {"role": "model", "parts": [{"text": "Hello."}]}]}"#;
    write(dir.path(), "g.jsonl", &[starts_with_model; 8]);
    let o = ftlint(dir.path())
        .args([
            "convert",
            "g.jsonl",
            "--to",
            "bedrock-nova",
            "-o",
            "b.jsonl",
            "--output-format",
            "concise",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let stdout = common::stdout(&o);
    assert!(
        stdout.lines().all(|l| l.starts_with("b.jsonl:")),
        "{stdout}"
    );
    assert!(
        stdout.contains("b.jsonl:1:") && stdout.contains(" B005 "),
        "{stdout}"
    );
    assert!(!dir.path().join("b.jsonl").exists());
    let o = ftlint(dir.path())
        .args([
            "convert",
            "g.jsonl",
            "--to",
            "bedrock-nova",
            "-o",
            "b.jsonl",
            "--no-check",
            "--output-format",
            "concise",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        common::stdout(&o),
        "",
        "concise output prints nothing when there is nothing"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.jsonl"))
            .unwrap()
            .lines()
            .count(),
        8
    );
}

/// stdin in, stdout out: the records on stdout, the findings on stderr.
#[test]
fn stdin_to_stdout() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut child = ftlint(dir.path())
        .args([
            "convert",
            "-",
            "--to",
            "vertex-gemini",
            "--stdin-filename",
            "piped.jsonl",
            "--on-loss",
            "warn",
            "--output-format",
            "concise",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{CLEAN}\n{LOSSY}\n").as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let records: Vec<Value> = common::stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[1]["contents"][1]["parts"][0]["text"], "5");
    let stderr = common::stderr(&o);
    assert!(
        stderr.starts_with("piped.jsonl:2:100: warning: X002 "),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("ftlint: wrote 2 examples to stdout; 1 example with a loss\n"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "in.jsonl", &[CLEAN]);
    for (to, message) in [
        ("nowhere", "ftlint: error: unknown target `nowhere` (known: `openai`, `azure-openai`, `together`, `fireworks`, `vertex-gemini`, `bedrock-nova`, `bedrock-llama`, `hf`, `sharegpt`, `alpaca`)\n"),
        ("openai:gemini", "ftlint: error: `--to openai:gemini`: target `openai` does not take `gemini` (it takes `chat`, `preference`, `rft`, `completion`)\n"),
        ("openai:sharegpt", "ftlint: error: `--to openai:sharegpt`: target `openai` does not take `sharegpt` (it takes `chat`, `preference`, `rft`, `completion`)\n"),
        ("openai:vicuna", "ftlint: error: `--to openai:vicuna`: unknown format `vicuna` (formats: `chat`, `completion`, `preference`, `rft`, `gemini`, `bedrock-conversation`, `text`, `conversational-completion`, `chosen-rejected`, `unpaired-preference`, `sharegpt`, `alpaca`)\n"),
        ("hf:text", "ftlint: error: `--to hf:text`: `convert` cannot write `text` records (it writes `chat`, `gemini`, `bedrock-conversation`, `sharegpt`, `alpaca`, `conversational-completion`, `preference`, `chosen-rejected`, `rft`, `completion`)\n"),
    ] {
        let o = ftlint(dir.path()).args(["convert", "in.jsonl", "--to", to]).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{to}");
        assert_eq!(common::stderr(&o), message);
        assert_eq!(common::stdout(&o), "");
    }
    let o = ftlint(dir.path())
        .args(["convert", "missing.jsonl", "--to", "openai"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::stderr(&o).starts_with("ftlint: error: cannot read `missing.jsonl`"),
        "{}",
        common::stderr(&o)
    );
}

/// Lines come out in file order, whatever the threads do with the blocks (several blocks here).
#[test]
fn a_large_file_keeps_its_order() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..6000)
        .map(|i| format!(r#"{{"messages": [{{"role": "user", "content": "question {i}"}}, {{"role": "assistant", "content": "answer {i} {}"}}]}}"#, "x".repeat(i % 200)))
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    write(dir.path(), "in.jsonl", &refs);
    let o = ftlint(dir.path())
        .args([
            "convert",
            "in.jsonl",
            "--to",
            "bedrock-nova",
            "-o",
            "out.jsonl",
            "--output-format",
            "concise",
        ])
        .env("RAYON_NUM_THREADS", "3")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", common::stdout(&o));
    let out = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    assert_eq!(out.lines().count(), 6000);
    for (i, line) in out.lines().enumerate() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(
            v["messages"][0]["content"][0]["text"],
            format!("question {i}")
        );
    }
}

/// Odd shapes: every format's keys and values in random places. Whatever the record, converting
/// it to any target from any format returns (no panic), and a record that is written is one
/// JSON object.
fn odd_value() -> impl Strategy<Value = Value> {
    let words = prop::sample::select(vec![
        "user",
        "assistant",
        "model",
        "system",
        "tool",
        "function",
        "developer",
        "text",
        "image_url",
        "input_audio",
        "data:image/png;base64,AA==",
        "https://x.test/a.png",
        "gs://b/a.jpg",
        "image/png",
        "{\"a\":1}",
        "{",
        "call_1",
        "",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-2i64..3).prop_map(Value::from),
        words.prop_map(Value::from),
    ];
    let keys = prop::sample::select(vec![
        "messages",
        "role",
        "content",
        "name",
        "weight",
        "tool_calls",
        "tool_call_id",
        "id",
        "type",
        "function",
        "arguments",
        "function_call",
        "functions",
        "tools",
        "text",
        "image_url",
        "url",
        "detail",
        "contents",
        "parts",
        "systemInstruction",
        "system_instruction",
        "fileData",
        "inlineData",
        "mimeType",
        "fileUri",
        "data",
        "functionCall",
        "functionResponse",
        "args",
        "response",
        "functionDeclarations",
        "schemaVersion",
        "system",
        "toolConfig",
        "toolSpec",
        "inputSchema",
        "json",
        "toolUse",
        "toolUseId",
        "input",
        "toolResult",
        "status",
        "image",
        "source",
        "s3Location",
        "uri",
        "format",
        "video",
        "reasoningContent",
        "preferred_output",
        "non_preferred_output",
        "parameters",
        "description",
    ]);
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(keys.clone(), inner, 0..5).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn odd_records_never_panic(v in odd_value()) {
        let v = match v {
            Value::Object(_) => v,
            other => json!({"messages": other}),
        };
        for target in Target::builtins() {
            for from in Format::ALL {
                let c = Conversion::new(target, None).unwrap().convert(&v, from);
                if let Output::Record(r) = &c.output {
                    let mut line = Vec::new();
                    json_out::write(r, &mut line);
                    prop_assert!(serde_json::from_slice::<Value>(&line).unwrap().is_object());
                }
                prop_assert_eq!(c.output == Output::Nothing, c.losses.iter().any(Loss::is_fatal));
            }
        }
    }
}

/// `--to TARGET:FORMAT` names the format to write: a record that cannot become it is left out
/// with X001, and a record already in it is kept.
#[test]
fn an_asked_format_a_record_cannot_become() {
    let t = Target::builtin("together").unwrap();
    let c = Conversion::new(t, Some(Format::Preference)).unwrap();
    let chat: Value = serde_json::from_str(CLEAN).unwrap();
    let out = c.convert(&chat, Format::Chat);
    assert_eq!(out.output, Output::Nothing);
    assert_eq!(
        out.losses[0].kind,
        ftlint::convert::LossKind::Unconvertible(ftlint::convert::Unconvertible::NoFormat {
            from: Format::Chat,
            to: Some(Format::Preference)
        })
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "in.jsonl", &[CLEAN]);
    let o = ftlint(dir.path())
        .args([
            "convert",
            "in.jsonl",
            "--to",
            "together:preference",
            "-o",
            "out.jsonl",
            "--output-format",
            "concise",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        common::stdout(&o),
        "in.jsonl:1:1: error: X001 a `chat` example cannot be written as `preference`\n"
    );
    assert_eq!(
        common::stderr(&o),
        "ftlint: `out.jsonl` was not written (0 examples converted): 1 error (above); `--force` writes it anyway; 1 example left out\n"
    );
}

/// Gemini's and Bedrock's turns are read by one reader (`convert/turn_head.rs`): each says what
/// is wrong in its own format's words, and where.
#[test]
fn malformed_turns_are_named_in_each_formats_words() {
    let malformed = |v: &Value| -> Vec<String> {
        let (out, _, losses) = convert("openai", v);
        assert_eq!(out, None, "a malformed turn converts to nothing");
        losses
            .iter()
            .filter(|l| l.is_fatal())
            .map(|l| format!("{:?} {:?}", l.kind, l.at))
            .collect()
    };
    let gemini = json!({"contents": [
        {"role": "user", "parts": [{"text": "hi"}]},
        {"role": "system", "parts": [{"text": "be brief"}]}
    ]});
    let g = malformed(&gemini);
    assert_eq!(g.len(), 1, "{g:?}");
    assert!(
        g[0].contains("`contents[1].role` is not `user` or `model`"),
        "{g:?}"
    );
    assert!(
        g[0].contains(r#"Value(Pointer([Key("contents"), Index(1), Key("role")]))"#),
        "{g:?}"
    );
    let bedrock = json!({"schemaVersion": "bedrock-conversation-2024", "messages": [
        {"role": "user", "content": [{"text": "hi"}]},
        {"role": "assistant"}
    ]});
    let b = malformed(&bedrock);
    assert_eq!(b.len(), 1, "{b:?}");
    assert!(
        b[0].contains("`messages[1]` has no list of `content` blocks"),
        "{b:?}"
    );
    assert!(
        b[0].contains(r#"ObjectStart(Pointer([Key("messages"), Index(1)]))"#),
        "{b:?}"
    );
}

/// Where each chat message of a converted record sits in it: what a cut is named by.
#[test]
fn chat_view_names_each_messages_own_strings() {
    use ftlint::convert::chat_view;
    use ftlint::json::Pointer;
    let p = |s: &str| Pointer::parse(s);
    let sg = json!({"conversations": [
        {"from": "human", "value": "hi"},
        {"from": "function_call", "value": "{\"name\": \"f\", \"arguments\": {}}"},
        {"from": "observation", "value": "42"},
        {"from": "gpt", "value": "It is 42."}
    ], "tools": "[{\"name\": \"f\", \"parameters\": {}}]"});
    let v = chat_view(Format::Sharegpt, &sg).unwrap();
    let got: Vec<_> = v
        .sources
        .iter()
        .map(|s| (s.role.as_str(), s.at.clone(), s.parts.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "human",
                p("/conversations/0"),
                vec![(0, p("/conversations/0/value"))]
            ),
            // A call is parsed JSON text, not a string of the record.
            ("function_call", p("/conversations/1"), vec![]),
            (
                "observation",
                p("/conversations/2"),
                vec![(0, p("/conversations/2/value"))]
            ),
            (
                "gpt",
                p("/conversations/3"),
                vec![(0, p("/conversations/3/value"))]
            ),
        ]
    );
    assert_eq!(v.sources.len(), v.messages.len());

    // Alpaca's user turn: `instruction`, the join, then `input`.
    let al =
        json!({"instruction": "Sum up", "input": "a b c", "output": "abc", "system": "Be brief."});
    let v = chat_view(Format::Alpaca, &al).unwrap();
    let user = v.sources.iter().find(|s| s.role == "user").unwrap();
    let content = v.messages[v.sources.iter().position(|s| s.role == "user").unwrap()]["content"]
        .as_str()
        .unwrap();
    let at_input = content.find("a b c").unwrap();
    assert_eq!(
        user.parts,
        [(0, p("/instruction")), (at_input, p("/input"))]
    );
    assert_eq!(
        p("/conversations/3/value").resolve(&sg),
        Some(&json!("It is 42."))
    );
    assert_eq!(p("/conversations/9/value").resolve(&sg), None);
}
