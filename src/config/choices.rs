//! The words a setting can take (`--format chat`, `output-format = "json"`), shared by the
//! flags and the config file. Each enum is a clap value; the config reads it through clap's
//! own table of names (`word`), so a flag and a key accept the same words; the JSON Schema
//! lists them (a test holds the schema's names and clap's together). Each maps onto the type
//! the layer below uses.

use crate::format::{Format, FormatChoice};
use crate::moderation::{Provider, SourceMode, UnitMode};
use clap::ValueEnum;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

/// `--output-format` / `output-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OutputFormat {
    /// Code, message, a snippet with a caret, help (default).
    Full,
    /// `path:line:col: severity: CODE message`, one per line (editors, grep).
    Concise,
    /// One JSON document (versioned, stable).
    Json,
    /// One JSON object per diagnostic per line.
    JsonLines,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// SARIF 2.1.0 (code scanning).
    Sarif,
}

/// `--format` / `format`: auto-detection or one format for every line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FormatOption {
    Auto,
    Chat,
    Completion,
    Preference,
    Rft,
    Gemini,
    BedrockConversation,
    Text,
    ConversationalCompletion,
    ChosenRejected,
    UnpairedPreference,
    Sharegpt,
    Alpaca,
}

impl FormatOption {
    pub fn choice(self) -> FormatChoice {
        match self {
            FormatOption::Auto => FormatChoice::Auto,
            FormatOption::Chat => FormatChoice::Fixed(Format::Chat),
            FormatOption::Completion => FormatChoice::Fixed(Format::Completion),
            FormatOption::Preference => FormatChoice::Fixed(Format::Preference),
            FormatOption::Rft => FormatChoice::Fixed(Format::Rft),
            FormatOption::Gemini => FormatChoice::Fixed(Format::Gemini),
            FormatOption::BedrockConversation => FormatChoice::Fixed(Format::BedrockConversation),
            FormatOption::Text => FormatChoice::Fixed(Format::Text),
            FormatOption::ConversationalCompletion => {
                FormatChoice::Fixed(Format::ConversationalCompletion)
            }
            FormatOption::ChosenRejected => FormatChoice::Fixed(Format::ChosenRejected),
            FormatOption::UnpairedPreference => FormatChoice::Fixed(Format::UnpairedPreference),
            FormatOption::Sharegpt => FormatChoice::Fixed(Format::Sharegpt),
            FormatOption::Alpaca => FormatChoice::Fixed(Format::Alpaca),
        }
    }
}

/// `--moderation` / `moderation`: where scores come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ModerationSource {
    Off,
    Cache,
    Api,
}

impl From<ModerationSource> for SourceMode {
    fn from(s: ModerationSource) -> Self {
        match s {
            ModerationSource::Off => SourceMode::Off,
            ModerationSource::Cache => SourceMode::Cache,
            ModerationSource::Api => SourceMode::Api,
        }
    }
}

/// `--moderation-unit` / `moderation-unit`: what one score judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ModerationUnit {
    Message,
    Example,
}

impl From<ModerationUnit> for UnitMode {
    fn from(u: ModerationUnit) -> Self {
        match u {
            ModerationUnit::Message => UnitMode::Message,
            ModerationUnit::Example => UnitMode::Example,
        }
    }
}

/// `--moderation-provider` / `moderation-provider`: the service that scores texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ModerationProvider {
    /// OpenAI's moderation endpoint (or a compatible server): probabilities.
    Openai,
    /// Azure AI Content Safety `text:analyze`: severities 0–7.
    AzureContentSafety,
}

impl From<ModerationProvider> for Provider {
    fn from(p: ModerationProvider) -> Self {
        match p {
            ModerationProvider::Openai => Provider::OpenAi,
            ModerationProvider::AzureContentSafety => Provider::AzureContentSafety,
        }
    }
}

/// A word of `T` from a TOML string, by clap's names. Anything but a string is serde's
/// `invalid type` error; an unknown word lists the words there are.
fn word<'de, D: Deserializer<'de>, T: ValueEnum>(d: D) -> Result<T, D::Error> {
    let s = String::deserialize(d)?;
    T::from_str(&s, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|p| format!("`{}`", p.get_name()))
            .collect();
        // serde's own wording for an unknown variant.
        let expected = match names.as_slice() {
            [a, b] => format!("{a} or {b}"),
            _ => format!("one of {}", names.join(", ")),
        };
        serde::de::Error::custom(format!("unknown variant `{s}`, expected {expected}"))
    })
}

macro_rules! words {
    ($($t:ty),*) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                word(d)
            }
        }
    )*};
}

words!(
    OutputFormat,
    FormatOption,
    ModerationSource,
    ModerationUnit,
    ModerationProvider
);

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    /// The schema offers exactly clap's names, and each reads back as its variant.
    fn same_names<T>()
    where
        T: ValueEnum + JsonSchema + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
    {
        let schema = schemars::SchemaGenerator::default().into_root_schema_for::<T>();
        let mut from_schema: Vec<String> = match schema.get("enum") {
            Some(words) => serde_json::from_value(words.clone()).unwrap(),
            // Documented variants: one `const` per variant.
            None => schema
                .get("oneOf")
                .unwrap()
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["const"].as_str().unwrap().to_string())
                .collect(),
        };
        let mut from_clap = Vec::new();
        for v in T::value_variants() {
            let name = v.to_possible_value().unwrap().get_name().to_string();
            let from_toml: T = toml::Value::String(name.clone()).try_into().unwrap();
            assert_eq!(&from_toml, v, "{name}");
            from_clap.push(name);
        }
        from_schema.sort();
        from_clap.sort();
        assert_eq!(from_schema, from_clap);
    }

    #[test]
    fn clap_and_schema_agree() {
        same_names::<OutputFormat>();
        same_names::<FormatOption>();
        same_names::<ModerationSource>();
        same_names::<ModerationUnit>();
        same_names::<ModerationProvider>();
    }

    #[test]
    fn a_bad_word_or_type_says_what_is_expected() {
        let e = toml::Value::String("xml".into())
            .try_into::<FormatOption>()
            .unwrap_err();
        assert_eq!(
            e.message(),
            "unknown variant `xml`, expected one of `auto`, `chat`, `completion`, `preference`, `rft`, `gemini`, `bedrock-conversation`, `text`, `conversational-completion`, `chosen-rejected`, `unpaired-preference`, `sharegpt`, `alpaca`"
        );
        let e = toml::Value::String("line".into())
            .try_into::<ModerationUnit>()
            .unwrap_err();
        assert_eq!(
            e.message(),
            "unknown variant `line`, expected `message` or `example`"
        );
        let e = toml::Value::Integer(3)
            .try_into::<OutputFormat>()
            .unwrap_err();
        assert_eq!(e.message(), "invalid type: integer `3`, expected a string");
    }
}
