//! The words a setting can take (`--format chat`, `output-format = "json"`), shared by the
//! flags and the config file: each enum parses as a clap value, deserializes from TOML and
//! describes itself in the JSON Schema, with the same kebab-case names everywhere (a test
//! holds clap's names and serde's together). Each maps onto the type the layer below uses.

use crate::format::{Format, FormatChoice};
use crate::moderation::{SourceMode, UnitMode};
use schemars::JsonSchema;
use serde::Deserialize;

/// `--output-format` / `output-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OutputFormat {
    /// Code, message, a snippet with a caret, help (default).
    Full,
    /// `path:line:col: CODE message`, one per line (editors, grep).
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FormatOption {
    Auto,
    Chat,
    Completion,
    Preference,
    Rft,
}

impl FormatOption {
    pub fn choice(self) -> FormatChoice {
        match self {
            FormatOption::Auto => FormatChoice::Auto,
            FormatOption::Chat => FormatChoice::Fixed(Format::Chat),
            FormatOption::Completion => FormatChoice::Fixed(Format::Completion),
            FormatOption::Preference => FormatChoice::Fixed(Format::Preference),
            FormatOption::Rft => FormatChoice::Fixed(Format::Rft),
        }
    }
}

/// `--moderation` / `moderation`: where scores come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize, JsonSchema)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    /// Every clap name deserializes to the same variant, so a word means one thing in a flag
    /// and in the config file.
    fn same_names<T: ValueEnum + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug>() {
        for v in T::value_variants() {
            let name = v.to_possible_value().unwrap().get_name().to_string();
            let from_toml: T = toml::Value::String(name.clone()).try_into().unwrap();
            assert_eq!(&from_toml, v, "{name}");
        }
    }

    #[test]
    fn clap_and_serde_agree() {
        same_names::<OutputFormat>();
        same_names::<FormatOption>();
        same_names::<ModerationSource>();
        same_names::<ModerationUnit>();
    }
}
