//! The shape of a Vertex AI Gemini tuning record (`{"contents": [{"role", "parts"}],
//! "systemInstruction": {"parts"}, "tools"}`) for the modules that read its values: its field
//! names in both spellings, its turns and its texts. Typed results, no rule codes; the rules
//! are `rules::gemini`, the structure `rules/schemas/gemini.schema.json`.
//!
//! The service parses a record as proto3 JSON, whose parsers take a field by its lowerCamelCase
//! name or by the proto's own snake_case name (`fileData` or `file_data`); Google's own
//! function-calling tuning example writes `system_instruction`. Every lookup here tries both.

use crate::json::Pointer;
use serde_json::Value;

/// A field's two accepted spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name {
    pub camel: &'static str,
    pub snake: &'static str,
}

impl Name {
    const fn new(camel: &'static str, snake: &'static str) -> Name {
        Name { camel, snake }
    }

    /// The member of `obj` under either spelling (the camelCase one first), with the key as
    /// written.
    pub fn get<'a>(&self, obj: &'a Value) -> Option<(&'a str, &'a Value)> {
        let obj = obj.as_object()?;
        obj.get_key_value(self.camel)
            .or_else(|| obj.get_key_value(self.snake))
            .map(|(k, v)| (k.as_str(), v))
    }
}

pub const SYSTEM_INSTRUCTION: Name = Name::new("systemInstruction", "system_instruction");
pub const TOOLS: Name = Name::new("tools", "tools");
pub const TEXT: Name = Name::new("text", "text");
pub const FILE_DATA: Name = Name::new("fileData", "file_data");
pub const INLINE_DATA: Name = Name::new("inlineData", "inline_data");
pub const FUNCTION_CALL: Name = Name::new("functionCall", "function_call");
pub const FUNCTION_RESPONSE: Name = Name::new("functionResponse", "function_response");

/// The fields of a part's `data` union: a part holds exactly one. The schema's
/// `$defs/part/oneOf` lists the same names (a test holds them together).
pub const DATA_FIELDS: [Name; 5] = [
    TEXT,
    FILE_DATA,
    INLINE_DATA,
    FUNCTION_CALL,
    FUNCTION_RESPONSE,
];

/// The data fields a part holds, as written, in [`DATA_FIELDS`] order (both spellings of one
/// field count twice: the service refuses that too).
pub fn data_keys(part: &Value) -> Vec<&str> {
    let Some(obj) = part.as_object() else {
        return Vec::new();
    };
    DATA_FIELDS
        .iter()
        .flat_map(|n| {
            let snake = (n.snake != n.camel).then_some(n.snake);
            std::iter::once(n.camel).chain(snake)
        })
        .filter_map(|k| obj.get_key_value(k).map(|(k, _)| k.as_str()))
        .collect()
}

/// One entry of `contents`.
#[derive(Debug)]
pub struct Turn<'a> {
    pub index: usize,
    /// `/contents/{index}`.
    pub pointer: Pointer,
    pub value: &'a Value,
    /// `role`, when it is a string.
    pub role: Option<&'a str>,
    /// `parts`, when it is an array (else empty).
    pub parts: &'a [Value],
}

/// The turns of a record's `contents`, in order; none when `contents` is not an array.
pub fn turns(line: &Value) -> Vec<Turn<'_>> {
    let Some(list) = line.get("contents").and_then(Value::as_array) else {
        return Vec::new();
    };
    let base = Pointer::root().key("contents");
    list.iter()
        .enumerate()
        .map(|(index, value)| Turn {
            index,
            pointer: base.index(index),
            value,
            role: value.get("role").and_then(Value::as_str),
            parts: parts_of(value),
        })
        .collect()
}

/// The system instruction's key as written and its parts (empty when not an array).
pub fn system_parts(line: &Value) -> Option<(&str, &[Value])> {
    let (key, si) = SYSTEM_INSTRUCTION.get(line)?;
    Some((key, parts_of(si)))
}

fn parts_of(holder: &Value) -> &[Value] {
    holder
        .get("parts")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The `text` of a part, when it is a string.
pub fn part_text(part: &Value) -> Option<&str> {
    part.get("text").and_then(Value::as_str)
}

/// The role of a turn as the rules shared with chat data name it (`model` is the assistant's
/// turn), so that the sensitive-data scan's question-and-answer logic reads Gemini turns too.
pub fn chat_role(role: Option<&str>) -> &str {
    match role {
        Some("model") => "assistant",
        Some(other) => other,
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_spellings_and_camel_case_first() {
        let v = json!({"system_instruction": {"parts": [{"text": "a"}]}});
        assert_eq!(SYSTEM_INSTRUCTION.get(&v).unwrap().0, "system_instruction");
        let both = json!({"systemInstruction": 1, "system_instruction": 2});
        assert_eq!(
            SYSTEM_INSTRUCTION.get(&both),
            Some(("systemInstruction", &json!(1)))
        );
        assert_eq!(SYSTEM_INSTRUCTION.get(&json!([1])), None);
        let (key, parts) = system_parts(&v).unwrap();
        assert_eq!((key, parts.len()), ("system_instruction", 1));
    }

    #[test]
    fn data_keys_of_a_part() {
        assert_eq!(data_keys(&json!({"text": "a"})), ["text"]);
        assert_eq!(
            data_keys(&json!({"file_data": {}, "text": "a", "videoMetadata": {}})),
            ["text", "file_data"]
        );
        assert_eq!(
            data_keys(&json!({"fileData": {}, "file_data": {}})),
            ["fileData", "file_data"]
        );
        assert!(data_keys(&json!({"type": "text"})).is_empty());
        assert!(data_keys(&json!("text")).is_empty());
    }

    #[test]
    fn turns_tolerate_odd_shapes() {
        let v = json!({"contents": [{"role": "user", "parts": [{"text": "q"}]}, 7, {"role": 1, "parts": "x"}]});
        let t = turns(&v);
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].role, Some("user"));
        assert_eq!(t[0].parts.len(), 1);
        assert_eq!(t[1].role, None);
        assert!(t[1].parts.is_empty());
        assert_eq!(t[2].role, None);
        assert!(t[2].parts.is_empty());
        assert_eq!(t[2].pointer.to_string(), "/contents/2");
        assert!(turns(&json!({"contents": {}})).is_empty());
        assert!(turns(&json!(null)).is_empty());
    }
}
