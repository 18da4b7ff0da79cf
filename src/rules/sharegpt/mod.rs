//! F — ShareGPT conversations as LLaMA-Factory reads them (`sharegpt` target):
//! `{"conversations": [{"from": …, "value": …}], "system": …, "tools": …}`, and Axolotl's
//! `{role, content}` turns. The structure is `rules/schemas/sharegpt.schema.json`; the turns'
//! tags and their order (the loader's odd/even rule, `rules/sharegpt/tags.toml`) are Rust, one
//! file a rule. `F` for the `from` tag every turn carries.

// The family's rule files (`fNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_sharegpt.rs"));

use crate::json::Pointer;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Where a tag may stand in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    /// The first turn only: the system prompt.
    System,
    /// Odd positions after the system turn (the user, tool results).
    Prompt,
    /// Even positions (the assistant, tool calls): what is trained on.
    Answer,
}

/// The two ways a turn names its speaker and text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// LLaMA-Factory's default `from` / `value`.
    FromValue,
    /// Axolotl's (and LLaMA-Factory's OpenAI-style) `role` / `content`.
    RoleContent,
}

impl Style {
    pub fn tag_key(self) -> &'static str {
        match self {
            Style::FromValue => "from",
            Style::RoleContent => "role",
        }
    }

    pub fn text_key(self) -> &'static str {
        match self {
            Style::FromValue => "value",
            Style::RoleContent => "content",
        }
    }

    /// The tags this style takes, with where each may stand.
    pub fn tags(self) -> &'static BTreeMap<String, Place> {
        match self {
            Style::FromValue => &TAGS.from,
            Style::RoleContent => &TAGS.role,
        }
    }

    /// Where `tag` may stand; `None` for a tag this style does not take.
    pub fn place(self, tag: &str) -> Option<Place> {
        self.tags().get(tag).copied()
    }
}

#[derive(serde::Deserialize)]
struct Tags {
    from: BTreeMap<String, Place>,
    role: BTreeMap<String, Place>,
}

static TAGS: LazyLock<Tags> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../rules/sharegpt/tags.toml"))
        .expect("embedded rules/sharegpt/tags.toml is valid (a test parses it)")
});

/// One entry of `conversations`, as far as it can be read.
pub struct Turn<'a> {
    pub pointer: Pointer,
    /// The style its keys say (`from`/`value` wins when both are present: F002 reports it).
    pub style: Option<Style>,
    /// Both styles' keys on one turn.
    pub mixed: bool,
    /// The tag, when a string.
    pub tag: Option<&'a str>,
    /// The text, when a string.
    pub text: Option<&'a str>,
}

/// The turns of a ShareGPT line (objects only; anything else is F001's).
pub fn turns(v: &Value) -> Vec<Turn<'_>> {
    let Some(list) = v.get("conversations").and_then(Value::as_array) else {
        return Vec::new();
    };
    let base = Pointer::root().key("conversations");
    list.iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let obj = t.as_object()?;
            let has = |k: &str| obj.contains_key(k);
            let from_value = has("from") || has("value");
            let role_content = has("role") || has("content");
            let style = if from_value {
                Some(Style::FromValue)
            } else if role_content {
                Some(Style::RoleContent)
            } else {
                None
            };
            Some(Turn {
                pointer: base.index(i),
                style,
                mixed: from_value && role_content,
                tag: style.and_then(|s| obj.get(s.tag_key())?.as_str()),
                text: style.and_then(|s| obj.get(s.text_key())?.as_str()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_and_cover_llama_factory_defaults() {
        for tag in ["human", "gpt", "observation", "function_call", "system"] {
            assert!(Style::FromValue.place(tag).is_some(), "{tag}");
            assert!(Style::RoleContent.place(tag).is_some(), "{tag}");
        }
        assert_eq!(Style::FromValue.place("user"), None);
        assert_eq!(Style::RoleContent.place("user"), Some(Place::Prompt));
        assert_eq!(Style::RoleContent.place("assistant"), Some(Place::Answer));
    }
}
