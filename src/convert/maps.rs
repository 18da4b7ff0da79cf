//! The conversion's mappings as data: `rules/convert/<format>.toml`, embedded in the binary and
//! parsed once (each file says where its facts come from and which decisions it takes).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::ir::Role;

const CHAT: &str = include_str!("../../rules/convert/chat.toml");
const GEMINI: &str = include_str!("../../rules/convert/gemini.toml");
const BEDROCK: &str = include_str!("../../rules/convert/bedrock-conversation.toml");
const SHAREGPT: &str = include_str!("../../rules/convert/sharegpt.toml");
const ALPACA: &str = include_str!("../../rules/convert/alpaca.toml");

/// `rules/convert/sharegpt.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharegptMap {
    /// Between texts joined into one value.
    pub join: String,
    pub tags: SharegptTags,
    pub call: SharegptCall,
    /// A tag read → the kind of turn (`system`, `user`, `assistant`, `tool`, `call`).
    pub read: BTreeMap<String, String>,
}

/// The `from` tag written for each kind of turn.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharegptTags {
    pub system: String,
    pub user: String,
    pub assistant: String,
    pub tool: String,
    pub call: String,
}

/// The keys of a call in a `function_call` value.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharegptCall {
    pub name: String,
    pub arguments: String,
}

/// `rules/convert/alpaca.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlpacaMap {
    /// Between texts joined into one value (and between `instruction` and `input`).
    pub join: String,
    /// The `input` written.
    pub input: String,
}

/// `rules/convert/chat.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatMap {
    /// Chat role → the conversation's role.
    pub roles: BTreeMap<String, Role>,
    pub ids: Ids,
    pub tools: ChatTools,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ids {
    /// `call_{message}_{index}`.
    pub call: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatTools {
    /// The keys of `tools[i].function` that carry over.
    pub kept: Vec<String>,
}

/// `rules/convert/gemini.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeminiMap {
    /// The conversation's role → Gemini's turn role.
    pub roles: BTreeMap<Role, String>,
    pub function_response: FunctionResponse,
    /// Image URL file extension → MIME type.
    pub image_types: BTreeMap<String, String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionResponse {
    /// The key of `response` that holds a tool result's text.
    pub wrap: String,
}

/// `rules/convert/bedrock-conversation.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BedrockMap {
    pub schema_version: String,
    /// The conversation's role → Bedrock's message role.
    pub roles: BTreeMap<Role, String>,
    pub tools: BedrockTools,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BedrockTools {
    /// The `inputSchema.json` of a definition that has no parameters (JSON text).
    pub empty_input_schema: String,
}

/// A broken embedded table is a build defect, caught by the tests below.
fn parse<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> T {
    toml::from_str(text).unwrap_or_else(|e| panic!("rules/convert/{name} is invalid: {e}"))
}

pub static CHAT_MAP: LazyLock<ChatMap> = LazyLock::new(|| parse("chat.toml", CHAT));
pub static GEMINI_MAP: LazyLock<GeminiMap> = LazyLock::new(|| parse("gemini.toml", GEMINI));
pub static BEDROCK_MAP: LazyLock<BedrockMap> =
    LazyLock::new(|| parse("bedrock-conversation.toml", BEDROCK));
pub static SHAREGPT_MAP: LazyLock<SharegptMap> = LazyLock::new(|| parse("sharegpt.toml", SHAREGPT));
pub static ALPACA_MAP: LazyLock<AlpacaMap> = LazyLock::new(|| parse("alpaca.toml", ALPACA));
/// The parsed `empty_input_schema`.
pub static EMPTY_INPUT_SCHEMA: LazyLock<serde_json::Value> = LazyLock::new(|| {
    serde_json::from_str(&BEDROCK_MAP.tools.empty_input_schema)
        .expect("rules/convert/bedrock-conversation.toml: empty_input_schema is JSON")
});

impl ChatMap {
    /// The id of the `index`-th call of message `message`, for a call that has none.
    pub fn call_id(&self, message: usize, index: usize) -> String {
        self.ids
            .call
            .replace("{message}", &message.to_string())
            .replace("{index}", &index.to_string())
    }
}

impl GeminiMap {
    /// The conversation role of a Gemini turn role.
    pub fn role_of(&self, gemini: &str) -> Option<Role> {
        self.roles
            .iter()
            .find(|(_, g)| g.as_str() == gemini)
            .map(|(r, _)| *r)
    }

    pub fn role(&self, role: Role) -> &str {
        self.roles.get(&role).map_or("user", String::as_str)
    }

    /// The MIME type an http(s) image URL's file extension says, if it says one.
    pub fn image_type(&self, url: &str) -> Option<&str> {
        let path = url.split(['?', '#']).next().unwrap_or(url);
        let file = path.rsplit('/').next()?;
        let (_, ext) = file.rsplit_once('.')?;
        self.image_types
            .get(&ext.to_ascii_lowercase())
            .map(String::as_str)
    }
}

impl BedrockMap {
    pub fn role_of(&self, bedrock: &str) -> Option<Role> {
        self.roles
            .iter()
            .find(|(_, b)| b.as_str() == bedrock)
            .map(|(r, _)| *r)
    }

    pub fn role(&self, role: Role) -> &str {
        self.roles.get(&role).map_or("user", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_parse_and_say_what_the_code_expects() {
        assert_eq!(CHAT_MAP.roles["function"], Role::Tool);
        // The chat writer names each role as the chat format does: the table reads it back.
        for r in [Role::System, Role::User, Role::Assistant, Role::Tool] {
            assert_eq!(CHAT_MAP.roles[r.as_str()], r);
        }
        assert_eq!(CHAT_MAP.call_id(3, 1), "call_3_1");
        assert_eq!(GEMINI_MAP.role(Role::Assistant), "model");
        assert_eq!(GEMINI_MAP.role_of("model"), Some(Role::Assistant));
        assert_eq!(GEMINI_MAP.role_of("assistant"), None);
        assert_eq!(BEDROCK_MAP.role(Role::User), "user");
        assert_eq!(BEDROCK_MAP.schema_version, "bedrock-conversation-2024");
        // The tags written are tags the ShareGPT rules accept, at the places they are written.
        use crate::rules::sharegpt::{Place, Style};
        let t = &SHAREGPT_MAP.tags;
        for (tag, place) in [
            (&t.system, Place::System),
            (&t.user, Place::Prompt),
            (&t.tool, Place::Prompt),
            (&t.assistant, Place::Answer),
            (&t.call, Place::Answer),
        ] {
            assert_eq!(Style::FromValue.place(tag), Some(place), "{tag}");
        }
        assert_eq!(ALPACA_MAP.join, "\n");
        assert!(EMPTY_INPUT_SCHEMA.get("type").is_some());
        // Both conversation formats have a role for the user's and the assistant's turns.
        for r in [Role::User, Role::Assistant] {
            assert!(GEMINI_MAP.roles.contains_key(&r) && BEDROCK_MAP.roles.contains_key(&r));
        }
    }

    #[test]
    fn image_types_come_from_the_file_extension() {
        let m = &*GEMINI_MAP;
        assert_eq!(
            m.image_type("https://x.test/a/cat.JPG?v=2#top"),
            Some("image/jpeg")
        );
        assert_eq!(m.image_type("https://x.test/cat.png"), Some("image/png"));
        assert_eq!(m.image_type("https://x.test/cat"), None);
        assert_eq!(m.image_type("https://x.test/cat.tiff"), None);
        assert_eq!(m.image_type("https://x.test/v1.2/cat"), None);
    }
}
