//! Fine-tuning data formats and their auto-detection from a line's top-level keys.

use serde_json::{Map, Value};
use std::fmt;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Supervised chat: `{"messages": [...]}`.
    Chat,
    /// Legacy prompt/completion (babbage-002, davinci-002).
    Completion,
    /// Direct preference optimisation: `input`, `preferred_output`, `non_preferred_output`.
    Preference,
    /// Reinforcement fine-tuning: chat-like lines plus grader fields. Never auto-detected.
    Rft,
    /// Vertex AI Gemini supervised tuning: `{"contents": [...], "systemInstruction": {...}}`.
    Gemini,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Chat => "chat",
            Format::Completion => "completion",
            Format::Preference => "preference",
            Format::Rft => "rft",
            Format::Gemini => "gemini",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `--format`: auto-detect per line, or force one format for every line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FormatChoice {
    #[default]
    Auto,
    Fixed(Format),
}

/// Which format a line looks like, from its keys alone (values are the rules' business).
/// `None` when no format's signature key is present; such a line is checked as chat, the
/// default, so the user hears which key is missing.
pub fn detect(obj: &Map<String, Value>) -> Option<Format> {
    // The outputs are preference's alone; `input` is too, unless `messages` says chat (a chat
    // line with a stray `input` key is a C002, not a different format).
    if obj.contains_key("preferred_output") || obj.contains_key("non_preferred_output") {
        Some(Format::Preference)
    } else if obj.contains_key("messages") {
        Some(Format::Chat)
    } else if is_gemini(obj) {
        // After the keys as specific as its own (`messages`, the preference outputs), before
        // the generic words (`prompt`, `completion`, `input`) that a Gemini line carrying stray
        // metadata may hold: that line is a G002, not prompt/completion data.
        Some(Format::Gemini)
    } else if obj.contains_key("prompt") || obj.contains_key("completion") {
        Some(Format::Completion)
    } else if obj.contains_key("input") {
        Some(Format::Preference)
    } else {
        None
    }
}

/// Gemini's signature keys: `contents`, or a system instruction in either of the spellings
/// the service's JSON parser accepts (proto3 JSON takes the lowerCamelCase and the original
/// snake_case field name).
fn is_gemini(obj: &Map<String, Value>) -> bool {
    ["contents", "systemInstruction", "system_instruction"]
        .iter()
        .any(|k| obj.contains_key(*k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<Format> {
        detect(
            serde_json::from_str::<Value>(s)
                .unwrap()
                .as_object()
                .unwrap(),
        )
    }

    #[test]
    fn detects_by_signature_keys() {
        assert_eq!(d(r#"{"messages": []}"#), Some(Format::Chat));
        assert_eq!(
            d(r#"{"prompt": "a", "completion": "b"}"#),
            Some(Format::Completion)
        );
        assert_eq!(d(r#"{"completion": "b"}"#), Some(Format::Completion));
        assert_eq!(
            d(r#"{"input": {"messages": []}, "preferred_output": [], "non_preferred_output": []}"#),
            Some(Format::Preference)
        );
        assert_eq!(
            d(r#"{"preferred_output": [], "non_preferred_output": []}"#),
            Some(Format::Preference)
        );
        assert_eq!(
            d(r#"{"input": {"messages": []}}"#),
            Some(Format::Preference)
        );
        assert_eq!(d(r#"{"messages": [], "input": "x"}"#), Some(Format::Chat));
        assert_eq!(d(r#"{"text": "x"}"#), None);
    }

    #[test]
    fn detects_gemini() {
        let gemini = Some(Format::Gemini);
        assert_eq!(
            d(r#"{"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}"#),
            gemini
        );
        // A system instruction alone says Gemini, in either spelling (the user hears that
        // `contents` is missing, G001).
        assert_eq!(d(r#"{"systemInstruction": {"parts": []}}"#), gemini);
        assert_eq!(d(r#"{"system_instruction": {"parts": []}}"#), gemini);
        // Over the generic keys of other formats: a stray `completion` or `input` on a Gemini
        // line is an unknown key, not another format.
        assert_eq!(d(r#"{"contents": [], "completion": "x"}"#), gemini);
        assert_eq!(d(r#"{"contents": [], "prompt": "x"}"#), gemini);
        assert_eq!(d(r#"{"contents": [], "input": {}}"#), gemini);
        // Not over the keys as specific as its own.
        assert_eq!(d(r#"{"messages": [], "contents": []}"#), Some(Format::Chat));
        assert_eq!(
            d(r#"{"systemInstruction": {}, "messages": []}"#),
            Some(Format::Chat)
        );
        assert_eq!(
            d(r#"{"contents": [], "preferred_output": []}"#),
            Some(Format::Preference)
        );
        // Near misses are not Gemini.
        assert_eq!(d(r#"{"content": []}"#), None);
        assert_eq!(d(r#"{"system": "x"}"#), None);
        assert_eq!(Format::Gemini.as_str(), "gemini");
        assert_eq!(
            serde_json::to_string(&Format::Gemini).unwrap(),
            r#""gemini""#
        );
    }
}
