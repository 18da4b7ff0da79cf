//! The conversation every conversion passes through: what OpenAI chat, Gemini and Bedrock
//! records can all say — a list of messages (system prompt, user and assistant turns, tool
//! results), their texts, images, tool calls and results, and the tool definitions — each
//! element with the JSON pointer of the input value it came from, so a loss found while writing
//! the output is reported where the user can see it.
//!
//! A reader (`*_in`) turns a record into this, reporting what the conversation cannot hold; a
//! writer (`*_out`) turns it into a record, reporting what the output format cannot hold.

use crate::json::Pointer;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A message's role in the conversation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
    /// A tool's result (OpenAI's `tool` message; a Gemini `functionResponse` part, a Bedrock
    /// `toolResult` block).
    Tool,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }
}

/// One example.
#[derive(Debug, Default)]
pub struct Example<'a> {
    pub messages: Vec<Message<'a>>,
    pub tools: Vec<ToolDef<'a>>,
}

#[derive(Debug)]
pub struct Message<'a> {
    pub role: Role,
    pub items: Vec<Item<'a>>,
    /// The input value the message came from (a message, a turn, the system instruction).
    pub at: Pointer,
}

#[derive(Debug)]
pub struct Item<'a> {
    pub kind: Kind<'a>,
    /// The input value the item came from (a string content, a part, a block).
    pub at: Pointer,
}

#[derive(Debug)]
pub enum Kind<'a> {
    Text(&'a str),
    Image(Image<'a>),
    /// A call of a tool by the assistant.
    Call {
        /// The call's id; readers give one to a call that has none (`rules/convert/chat.toml`).
        id: Cow<'a, str>,
        name: &'a str,
        args: Cow<'a, Map<String, Value>>,
    },
    /// A tool's result (the only item of a [`Role::Tool`] message).
    Result {
        /// The id of the call it answers, when the input says it.
        id: Option<Cow<'a, str>>,
        /// The tool's name, when the input says it.
        name: Option<&'a str>,
        content: ResultContent<'a>,
    },
}

/// What a tool result holds.
#[derive(Debug)]
pub enum ResultContent<'a> {
    Text(&'a str),
    /// Several texts (OpenAI text parts, several Bedrock text items).
    Parts(Vec<Cow<'a, str>>),
    /// A JSON value (a Gemini response object that is not wrapped text, a Bedrock `json` item).
    Json(&'a Value),
}

/// Where an image comes from.
#[derive(Debug)]
pub enum Image<'a> {
    /// An http(s) URL.
    Url(&'a str),
    /// Inline bytes: a data URL, Gemini `inlineData`.
    Data { mime: &'a str, base64: &'a str },
    /// A Cloud Storage object (Gemini `fileData` with a `gs://` URI).
    Gs { uri: &'a str, mime: &'a str },
    /// An S3 object (Bedrock).
    S3 {
        uri: &'a str,
        format: &'a str,
        owner: Option<&'a str>,
    },
}

impl Image<'_> {
    /// How the image is given, for messages: `a data URL`, `an S3 object`.
    pub fn describe(&self) -> &'static str {
        match self {
            Image::Url(_) => "an http(s) URL",
            Image::Data { .. } => "inline data",
            Image::Gs { .. } => "a Cloud Storage (`gs://`) object",
            Image::S3 { .. } => "an S3 object",
        }
    }
}

/// A tool the assistant may call.
#[derive(Debug)]
pub struct ToolDef<'a> {
    pub name: &'a str,
    pub description: Option<&'a str>,
    /// A JSON Schema of the arguments.
    pub parameters: Option<&'a Value>,
    pub at: Pointer,
}

impl<'a> Example<'a> {
    /// For formats whose system prompt is one list of texts before the conversation (Gemini's
    /// `systemInstruction`, Bedrock's `system`): the system texts, and the other messages.
    /// A second system message at the start is joined to the first (`X005`); one after the
    /// conversation started is moved to the system prompt (`X003`); what is not text has no
    /// place there (`X007`).
    pub fn split_system(&self, l: &mut super::Losses) -> (Vec<&'a str>, Vec<&Message<'a>>) {
        use super::LossKind;
        let mut system = Vec::new();
        let mut rest = Vec::new();
        let mut system_messages = 0;
        for m in &self.messages {
            if m.role != Role::System {
                rest.push(m);
                continue;
            }
            if !rest.is_empty() {
                l.at(LossKind::SystemMoved, &m.at);
            } else if system_messages > 0 {
                l.at(LossKind::Joined { role: Role::System }, &m.at);
            }
            system_messages += 1;
            for item in &m.items {
                match &item.kind {
                    Kind::Text(t) => system.push(*t),
                    _ => l.at(
                        LossKind::Content {
                            kind: "non-text part of a system prompt".into(),
                        },
                        &item.at,
                    ),
                }
            }
        }
        (system, rest)
    }
}
