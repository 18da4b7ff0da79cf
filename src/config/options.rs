//! [`Config`]: the one options type. It *is* the config file (`ftlint.toml`, `[tool.ftlint]`),
//! the flags of a run become a value of it too ([`Config::over`] puts them on top), and the
//! config's JSON Schema is generated from it ([`json_schema`]), so a setting is written once:
//! its key, its type (which checks its range) and its doc, in the table below.
//!
//! Every key is optional: `None` is "not given here", which is what lets a layer (flags, file)
//! sit over another and lets `ftlint config` say where each value came from.

use super::choices::{
    FormatOption, ModerationProvider, ModerationSource, ModerationUnit, OutputFormat,
};
use crate::bounded::Bounded;
use crate::moderation::{ProfileDef, ThresholdOverrides};
use crate::sensitive::ScannerOptions;
use crate::targets::Model;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Epochs for the cost estimate: the service accepts 1 to 50.
pub type Epochs = Bounded<1, 50>;

/// Tokens an open-model trainer keeps of one example (`max_length`).
pub type MaxLength = Bounded<1, { u32::MAX }>;

/// Moderation requests in flight at once.
pub type Concurrency = Bounded<1, 64>;

/// Declares [`Config`] from one row per key (doc, key, field, type) and derives from the same
/// rows what must list every key: the key order `ftlint config` prints, which keys a layer
/// gives, and how one layer sits over another.
macro_rules! options {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$doc:meta])* $key:literal => $field:ident: $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$doc])* #[serde(rename = $key)] pub $field: Option<$ty>, )*
        }

        impl $name {
            /// Every key, in the order `ftlint config` prints them.
            pub const KEYS: &'static [&'static str] = &[$($key),*];

            /// The keys this layer gives a value to.
            pub fn given(&self) -> Vec<&'static str> {
                let mut keys = Vec::new();
                $( if self.$field.is_some() { keys.push($key); } )*
                keys
            }

            /// This layer over `under`: each key given here wins, the others come from `under`.
            pub fn over(self, under: Self) -> Self {
                Self { $( $field: self.$field.or(under.$field), )* }
            }
        }
    };
}

options! {
    /// The contents of a config file, or the flags of a run.
    #[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    #[schemars(
        title = "ftlint configuration",
        description = "ftlint.toml, .ftlint.toml, or the [tool.ftlint] table of pyproject.toml"
    )]
    pub struct Config {
        /// The provider whose rules and limits apply
        "target" => target: String,
        /// The model to fine-tune (limits, tokenizer, price)
        "model" => model: String,
        /// The data format; `auto` detects it per line
        "format" => format: FormatOption,
        /// How to print findings
        "output-format" => output_format: OutputFormat,
        /// Write the report to this file (atomically) instead of stdout (relative to the config
        /// file)
        "output-file" => output_file: PathBuf,
        /// Only these rules (codes, prefixes or names; `ALL`): replaces the default set
        "select" => select: Vec<String>,
        /// Rules added to `select` (codes, prefixes or names)
        "extend-select" => extend_select: Vec<String>,
        /// Not these rules (codes, prefixes or names)
        "ignore" => ignore: Vec<String>,
        /// Rules removed as well (the same as `ignore`, for ruff users)
        "extend-ignore" => extend_ignore: Vec<String>,
        /// Epochs for the cost estimate
        "epochs" => epochs: Epochs,
        /// A Hugging Face `tokenizer.json`, or a model folder holding it with
        /// `tokenizer_config.json`: exact counts through the model's tokenizer and chat template
        /// (relative to the config file)
        "tokenizer" => tokenizer: PathBuf,
        /// A Jinja chat template file, instead of the tokenizer's (relative to the config file)
        "chat-template" => chat_template: PathBuf,
        /// LLaMA-Factory's `dataset_info.json` whose entry describes the checked files (their
        /// format, column names and tags); without it, one beside a `sharegpt`/`alpaca` file is
        /// used (relative to the config file)
        "dataset-info" => dataset_info: PathBuf,
        /// The trainer's `max_length`: tokens kept of one example; overrides the model's context
        /// for T001
        "max-length" => max_length: MaxLength,
        /// Exit 1 when there are more warnings than this
        "max-warnings" => max_warnings: usize,
        /// Globs of files and folders to leave out when walking directories
        "exclude" => exclude: Vec<String>,
        /// Apply excludes to files named on the command line too
        "force-exclude" => force_exclude: bool,
        /// Leave out what `.gitignore`, `.ignore`, `.git/info/exclude` and the global gitignore
        /// ignore when walking directories
        "respect-gitignore" => respect_gitignore: bool,
        /// Glob → rules (codes, prefixes or names) not reported for matching files
        "per-file-ignores" => per_file_ignores: BTreeMap<String, Vec<String>>,
        /// Baseline file of accepted findings (relative to the config file)
        "baseline" => baseline: PathBuf,
        /// Where moderation scores come from
        "moderation" => moderation: ModerationSource,
        /// The service that scores texts: `openai` (probabilities) or `azure-content-safety`
        /// (severities 0–7)
        "moderation-provider" => moderation_provider: ModerationProvider,
        /// Imported scores file (relative to the config file)
        "scores" => scores: PathBuf,
        /// Moderation threshold profile: built-in or from `[profiles]`
        "profile" => profile: String,
        /// Guarantee that no network connection is made
        "offline" => offline: bool,
        /// Score cache directory (relative to the config file)
        "cache-dir" => cache_dir: PathBuf,
        /// Score each message's text or each whole example
        "moderation-unit" => moderation_unit: ModerationUnit,
        /// The moderation model to ask and to look up in the cache
        "moderation-model" => moderation_model: String,
        /// Unscored texts are errors, not warnings
        "require-scores" => require_scores: bool,
        /// Moderation requests in flight at once
        "concurrency" => concurrency: Concurrency,
        /// Overrides of the active moderation profile's thresholds
        "thresholds" => thresholds: ThresholdOverrides,
        /// Extra models of the target (a built-in name is replaced)
        "models" => models: Vec<Model>,
        /// User targets by name: the keys of a target table (see `ftlint target openai`), over
        /// those of the built-in target named by `extends`
        "targets" => targets: BTreeMap<String, crate::targets::TargetDef>,
        /// User moderation profiles by name
        "profiles" => profiles: BTreeMap<String, ProfileDef>,
        /// Extra sensitive-data patterns and allow-lists
        "sensitive" => sensitive: ScannerOptions,
    }
}

/// The JSON Schema (draft 2020-12) of `ftlint.toml` / `[tool.ftlint]`, generated from
/// [`Config`]; tables used more than once (thresholds, models, profiles) are `$defs`.
pub fn json_schema() -> Value {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.root_schema_for::<Config>().to_value();
    drop_null(&mut schema);
    schema
}

/// The schema as committed in `rules/schemas/ftlint-config.schema.json`: pretty JSON with a
/// final newline.
pub fn json_schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    s.push('\n');
    s
}

/// Removes `null` from the schema (from `type`, `enum`, `anyOf` and `default`): schemars allows it for
/// every `Option`, but TOML has no null, so an editor should not offer it.
fn drop_null(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if map.get("default").is_some_and(Value::is_null) {
                map.remove("default");
            }
            if let Some(Value::Array(words)) = map.get_mut("enum") {
                words.retain(|w| !w.is_null());
            }
            if let Some(Value::Array(any)) = map.get_mut("anyOf") {
                any.retain(|s| s.get("type").is_none_or(|t| t != "null"));
                if any.len() == 1 {
                    if let Some(Value::Object(only)) = any.pop() {
                        map.remove("anyOf");
                        for (k, v) in only {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
            }
            map.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde lists the struct's fields in its unknown-field error: they are the declared keys.
    #[test]
    fn keys_are_the_struct_fields() {
        let e = toml::from_str::<Config>("zzz-not-a-key = 1")
            .unwrap_err()
            .message()
            .to_string();
        let expected = e.split("expected one of").nth(1).unwrap_or_default();
        let from_serde: Vec<&str> = expected
            .split(',')
            .map(|s| s.trim().trim_matches('`'))
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(from_serde, Config::KEYS, "{e}");
    }

    #[test]
    fn upper_layer_wins_key_by_key() {
        let file: Config = toml::from_str("target = \"hf\"\nmodel = \"m\"\n").unwrap();
        let flags = Config {
            model: Some("flag".into()),
            offline: Some(true),
            ..Config::default()
        };
        assert_eq!(flags.given(), ["model", "offline"]);
        let c = flags.over(file);
        assert_eq!(c.target.as_deref(), Some("hf"));
        assert_eq!(c.model.as_deref(), Some("flag"));
        assert_eq!(c.offline, Some(true));
    }

    #[test]
    fn schema_states_ranges_and_has_no_null() {
        let s = json_schema();
        let props = &s["properties"];
        assert_eq!(props["epochs"]["minimum"], 1);
        assert_eq!(props["epochs"]["maximum"], 50);
        assert_eq!(props["concurrency"]["maximum"], 64);
        assert_eq!(
            props["epochs"]["description"],
            "Epochs for the cost estimate"
        );
        let defs = &s["$defs"];
        assert_eq!(props["thresholds"]["$ref"], "#/$defs/ThresholdOverrides");
        assert_eq!(
            defs["ThresholdOverrides"]["properties"]["sexual/minors"]["$ref"],
            "#/$defs/Thresholds"
        );
        // A probability or a severity; the profile's scale says which.
        assert_eq!(
            defs["Thresholds"]["properties"]["warn"]["anyOf"][1]["maximum"],
            7
        );
        assert_eq!(
            defs["Gate"]["properties"]["max_flagged_fraction"]["maximum"],
            1
        );
        assert_eq!(s["additionalProperties"], false);
        assert!(!json_schema_text().contains("null"));
    }
}
