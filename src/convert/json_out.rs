//! Writes a converted record as one compact JSON line with its keys in the order a person
//! expects to read them (`role` before `content`, `messages` before `tools`), not the
//! alphabetical order `serde_json` keeps: JSON objects are unordered, so any order is the same
//! record, and this one reads like the providers' own examples.

use serde_json::Value;

/// Keys in reading order; keys not listed follow, alphabetically.
const ORDER: &[&str] = &[
    // records
    "schemaVersion",
    "systemInstruction",
    "system",
    "messages",
    "contents",
    "conversations",
    // TRL records
    "prompt",
    "completion",
    "chosen",
    "rejected",
    // Alpaca records (then `input`, below)
    "instruction",
    // messages, turns, calls
    "role",
    "from",
    "value",
    "type",
    "id",
    "toolUseId",
    "tool_call_id",
    "name",
    "description",
    // preference records; a Bedrock `toolUse`'s arguments
    "input",
    "preferred_output",
    "non_preferred_output",
    // Alpaca's answer and earlier rounds
    "output",
    "history",
    "content",
    "parts",
    "text",
    "image_url",
    "url",
    "fileData",
    "mimeType",
    "fileUri",
    "format",
    "source",
    "weight",
    "tool_calls",
    "function",
    "arguments",
    "args",
    "input_schema",
    "parameters",
    "inputSchema",
    "response",
    // record tails
    "tools",
    "toolConfig",
];

fn rank(key: &str) -> usize {
    ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len())
}

/// Appends `v` as compact JSON to `out`.
pub fn write(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<(&String, &Value)> = map.iter().collect();
            // Stable: keys of equal rank keep the map's (alphabetical) order.
            keys.sort_by_key(|(k, _)| rank(k));
            out.push(b'{');
            for (i, (k, v)) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                string(k, out);
                out.push(b':');
                write(v, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(v, out);
            }
            out.push(b']');
        }
        Value::String(s) => string(s, out),
        other => {
            // Numbers, booleans, null: serde_json's own text for them.
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

fn string(s: &str, out: &mut Vec<u8>) {
    let _ = serde_json::to_writer(&mut *out, s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_in_reading_order_and_the_value_unchanged() {
        let v = json!({"tools": [], "messages": [{"content": "h\u{e9}\n\"", "role": "user", "zeta": 1, "alpha": [1.5, null, true]}]});
        let mut out = Vec::new();
        write(&v, &mut out);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            r#"{"messages":[{"role":"user","content":"hé\n\"","alpha":[1.5,null,true],"zeta":1}],"tools":[]}"#
        );
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
    }
}
