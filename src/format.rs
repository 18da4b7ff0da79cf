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
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Chat => "chat",
            Format::Completion => "completion",
            Format::Preference => "preference",
            Format::Rft => "rft",
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
    } else if obj.contains_key("prompt") || obj.contains_key("completion") {
        Some(Format::Completion)
    } else if obj.contains_key("input") {
        Some(Format::Preference)
    } else {
        None
    }
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
}
