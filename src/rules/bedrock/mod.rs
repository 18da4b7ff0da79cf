//! B — Amazon Bedrock's conversation records (`schemaVersion` `bedrock-conversation-2024`), the
//! format Amazon Nova is fine-tuned on: the structure via the JSON Schema
//! (`rules/schemas/bedrock-conversation.schema.json`), the rest via one Rust function per rule.
//! This module holds what several of them share: the records' walk (messages, content blocks,
//! texts), the data in `rules/bedrock/` (reserved strings, media limits) and the mapping of a
//! match inside a string to its characters in the raw line.

// The family's rule files (`bNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_bedrock.rs"));

use crate::diagnostic::Target;
use crate::escapes::EscapeMap;
use crate::format::{Format, BEDROCK_BLOCK_KEYS};
use crate::json::{locate, Pointer};
use crate::rules::ExampleCtx;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::ops::Range;
use std::sync::LazyLock;

/// The value of `schemaVersion` in every AWS example and the one the Bedrock guides require.
pub const SCHEMA_VERSION: &str = "bedrock-conversation-2024";

/// The example is a Bedrock record: B rules look at nothing else.
pub fn is_bedrock(ex: &ExampleCtx<'_>) -> bool {
    ex.format == Format::BedrockConversation
}

/// One content block of a message.
pub struct Block<'a> {
    /// Index of the message in `messages`.
    pub message: usize,
    /// Index of the block in the message's `content`.
    pub index: usize,
    /// The message's role, when it is a string.
    pub role: Option<&'a str>,
    pub block: &'a Map<String, Value>,
}

impl<'a> Block<'a> {
    /// Where the block is: `/messages/{i}/content/{j}`. Written out only for a finding: most
    /// blocks have none, and a pointer per block was most of the B rules' time.
    pub fn pointer(&self) -> Pointer {
        block_pointer(self.message, self.index)
    }

    /// The block kinds (`text`, `image`, …) it holds, in the order of [`BEDROCK_BLOCK_KEYS`].
    pub fn kinds(&self) -> Vec<&'static str> {
        BEDROCK_BLOCK_KEYS
            .iter()
            .copied()
            .filter(|k| self.block.contains_key(*k))
            .collect()
    }

    /// The block's one kind, when it holds exactly one.
    pub fn kind(&self) -> Option<&'static str> {
        match self.kinds().as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

/// The messages of a record that are objects, with their index.
pub fn messages(value: &Value) -> impl Iterator<Item = (usize, &Map<String, Value>)> {
    value
        .get("messages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, m)| Some((i, m.as_object()?)))
}

/// Every content block that is an object, in line order.
pub fn blocks(value: &Value) -> impl Iterator<Item = Block<'_>> {
    messages(value).flat_map(|(i, m)| {
        let role = m.get("role").and_then(Value::as_str);
        m.get("content")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(move |(j, b)| {
                Some(Block {
                    message: i,
                    index: j,
                    role,
                    block: b.as_object()?,
                })
            })
    })
}

fn block_pointer(message: usize, index: usize) -> Pointer {
    Pointer::root()
        .key("messages")
        .index(message)
        .key("content")
        .index(index)
}

/// Where a text of [`texts`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextAt {
    /// `/system/{j}/text`
    System(usize),
    /// `/messages/{i}/content/{j}/text`
    Block(usize, usize),
    /// `/messages/{i}/content/{j}/reasoningContent/reasoningText/text`
    Reasoning(usize, usize),
}

impl TextAt {
    pub fn pointer(self) -> Pointer {
        match self {
            TextAt::System(j) => Pointer::root().key("system").index(j).key("text"),
            TextAt::Block(i, j) => block_pointer(i, j).key("text"),
            TextAt::Reasoning(i, j) => block_pointer(i, j)
                .key("reasoningContent")
                .key("reasoningText")
                .key("text"),
        }
    }
}

/// The texts AWS's validator reads for reserved strings, with their pointers, in line order:
/// `system[j].text`, each message's `text` blocks and `reasoningContent.reasoningText.text`.
pub fn texts(value: &Value) -> Vec<(TextAt, &str)> {
    let mut out = Vec::new();
    if let Some(system) = value.get("system").and_then(Value::as_array) {
        for (j, b) in system.iter().enumerate() {
            if let Some(t) = b.get("text").and_then(Value::as_str) {
                out.push((TextAt::System(j), t));
            }
        }
    }
    for b in blocks(value) {
        if let Some(t) = b.block.get("text").and_then(Value::as_str) {
            out.push((TextAt::Block(b.message, b.index), t));
        }
        let reasoning = b
            .block
            .get("reasoningContent")
            .and_then(|r| r.get("reasoningText"))
            .and_then(|r| r.get("text"))
            .and_then(Value::as_str);
        if let Some(t) = reasoning {
            out.push((TextAt::Reasoning(b.message, b.index), t));
        }
    }
    out
}

/// The characters of `range` (bytes of the decoded string at `pointer`) in the raw line,
/// through the string's escapes; the whole string when the locator cannot follow.
pub fn in_string(text: &str, pointer: &Pointer, range: Range<usize>) -> Target {
    locate::locate(text, pointer)
        .and_then(|l| {
            let map = EscapeMap::new(&text.as_bytes()[l.value.clone()])?;
            let raw = map.range_to_raw(range)?;
            Some(Target::Bytes(
                l.value.start + raw.start..l.value.start + raw.end,
            ))
        })
        .unwrap_or_else(|| Target::Value(pointer.clone()))
}

/// `rules/bedrock/reserved.toml`: the strings B006 rejects in text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reserved {
    pub case_sensitive: bool,
    pub reserved: Vec<ReservedString>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReservedString {
    pub text: String,
    /// Where the string comes from (`guide`, `validator`): the file's header names them.
    pub source: String,
}

/// `rules/bedrock/media.toml`: the media B008 counts per sample.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaLimits {
    pub max_images: usize,
    pub max_videos: usize,
    pub max_documents: usize,
}

/// Built into the binary and parsed on first use; a unit test parses both, so a failure here
/// is a build defect.
pub static RESERVED: LazyLock<Reserved> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../rules/bedrock/reserved.toml"))
        .expect("rules/bedrock/reserved.toml parses")
});

pub static MEDIA: LazyLock<MediaLimits> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../rules/bedrock/media.toml"))
        .expect("rules/bedrock/media.toml parses")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_parse() {
        assert!(RESERVED.reserved.iter().any(|r| r.text == "[EOS]"));
        assert!(!RESERVED.case_sensitive);
        assert_eq!(
            (MEDIA.max_images, MEDIA.max_videos, MEDIA.max_documents),
            (10, 1, 1)
        );
    }

    #[test]
    fn texts_in_line_order_with_pointers() {
        let v: Value = serde_json::from_str(
            r#"{"system": [{"text": "s"}, {"x": 1}], "messages": [
                {"role": "user", "content": [{"text": "u"}, {"image": {}}]},
                {"role": "assistant", "content": [{"reasoningContent": {"reasoningText": {"text": "r"}}}, {"text": "a"}]},
                "not a message"]}"#,
        )
        .unwrap();
        let got: Vec<(String, &str)> = texts(&v)
            .into_iter()
            .map(|(at, t)| (at.pointer().to_string(), t))
            .collect();
        assert_eq!(
            got,
            [
                ("/system/0/text".to_string(), "s"),
                ("/messages/0/content/0/text".to_string(), "u"),
                (
                    "/messages/1/content/0/reasoningContent/reasoningText/text".to_string(),
                    "r"
                ),
                ("/messages/1/content/1/text".to_string(), "a"),
            ]
        );
        let kinds: Vec<Option<&str>> = blocks(&v).map(|b| b.kind()).collect();
        assert_eq!(
            kinds,
            [
                Some("text"),
                Some("image"),
                Some("reasoningContent"),
                Some("text")
            ]
        );
    }

    #[test]
    fn in_string_maps_through_escapes() {
        // `"a\u00e9 User:"` decodes to `aé User:`; `User:` starts at decoded byte 4.
        let text = r#"{"system": [{"text": "a\u00e9 User:"}]}"#;
        let p = Pointer::parse("/system/0/text");
        let Target::Bytes(r) = in_string(text, &p, 4..9) else {
            panic!("not mapped");
        };
        assert_eq!(&text[r], "User:");
    }
}
