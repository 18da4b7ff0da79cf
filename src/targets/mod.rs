//! Targets: the services and trainers ftlint checks data for, as data.
//!
//! A [`Target`] holds a service's accepted formats, its rules for chat roles, its limits
//! (minimum and maximum examples, file size, …), whether it wants a byte-order mark, its
//! content gate, and the [`Model`]s it can fine-tune, each with its training context, how its
//! tokens are counted ([`Counter`]), its price and its fine-tuning lifecycle. Built-in targets
//! live in `rules/targets/*.toml`, are embedded in the binary and parsed once; users add
//! models to a target, or define whole targets (optionally `extends` a built-in), in their
//! config.

pub mod chat;
pub mod date;
pub mod model;

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

pub use chat::ChatPolicy;
pub use date::Date;
pub use model::{Counter, Lifecycle, Model, CLOSING_WINDOW_DAYS};

use crate::format::Format;

/// The tokenizer's vocabulary choice; it belongs to the tokenizer crate and is re-exported here so
/// that `crate::targets::Encoding` keeps naming it.
pub use ftlint_tokens::Encoding;

/// What a target asks of a file's first bytes.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum BomPolicy {
    /// A UTF-8 byte-order mark is noise some readers choke on: J005 warns, `--fix` removes it.
    #[default]
    Warn,
    /// The target asks for one (Azure OpenAI): J011 warns when it is missing, `--fix` adds it,
    /// and J005 is silent.
    Required,
}

/// A content gate the service runs on training data before a job starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ContentGate {
    /// OpenAI: the Moderation API plus a model-based review; thresholds unpublished.
    Openai,
    /// Azure OpenAI: an RAI check by harm category (hate/fairness, sexual, violence,
    /// self-harm) with fixed, unpublished thresholds.
    Azure,
}

/// How token counts are estimated for models without an exact tokenizer, and the source of
/// the ratio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Estimate {
    pub chars_per_token: f64,
    /// Where the ratio comes from (URL and the date it was read).
    pub source: String,
}

/// A fine-tuning service or trainer: what it accepts, its limits and models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// `openai`, `together`, …
    pub name: String,
    /// One line: the service and the kind of fine-tuning.
    #[serde(default)]
    pub title: String,
    /// Where the target's rules come from (URLs and the dates they were read).
    #[serde(default)]
    pub source: String,
    /// A built-in target this one starts from (user targets in config only): its values apply
    /// where this one says nothing, and its models are kept unless redefined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// The model used when `--model` is not given.
    pub default_model: String,
    /// The formats the service accepts, the most common first.
    pub formats: Vec<Format>,
    /// What the target asks of a byte-order mark.
    #[serde(default)]
    pub bom: BomPolicy,
    /// The content gate training data passes before a job starts, when the service has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_gate: Option<ContentGate>,
    /// Rules for chat `messages` beyond the format's.
    #[serde(default)]
    pub chat: ChatPolicy,
    /// Whether the target's prompt/completion records are OpenAI's legacy ones: only `prompt`
    /// and `completion` (L002), the completion starting with whitespace (L003, OpenAI's advice
    /// for its base models' tokenizers). Open-model trainers read the two columns, ignore the
    /// others and join prompt and completion as written.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub legacy_completion: bool,
    /// Fewer examples than this and the service rejects the file (D001).
    pub min_examples: u64,
    /// Fewer than this and results are usually weak (D002).
    pub recommended_examples: u64,
    /// More examples than this and the service rejects the file (D009).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_examples: Option<u64>,
    /// Upload size limit of one training file, in bytes (D006).
    pub max_file_bytes: u64,
    /// At most this many examples may contain images (D007).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_image_examples: Option<u64>,
    /// Epochs a job trains for when the user does not say; absent: OpenAI's rule by file size
    /// (see `tokens::epochs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_epochs: Option<u32>,
    /// When the prices were taken (printed next to every cost estimate).
    pub prices_date: String,
    /// Where the prices come from.
    #[serde(default)]
    pub prices_source: String,
    /// How counts are estimated for models without an exact tokenizer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<Estimate>,
    /// Known models, in table order.
    pub models: Vec<Model>,
}

/// A target that does not exist, or a target table or model that failed to load or validate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TargetError {
    /// `--target` (or config `target`) names no built-in or configured target.
    #[error(
        "unknown target `{name}` (known: {}){}",
        quoted(.known),
        target_hint(.name, .known)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default()
    )]
    UnknownTarget { name: String, known: Vec<String> },
    /// The table is not TOML, or has an unknown key or a wrong type.
    #[error("{source}")]
    Toml {
        // Boxed: toml's error is large, and every `Result` of this type would carry its size.
        #[source]
        source: Box<toml::de::Error>,
    },
    /// A config target's table has an unknown key or a wrong type.
    #[error("target `{target}`: {message}")]
    Invalid { target: String, message: String },
    #[error("target `{target}`: model `{model}` is listed twice")]
    DuplicateModel { target: String, model: String },
    #[error("target `{target}`: default model `{model}` is not in its models")]
    UnknownDefaultModel { target: String, model: String },
    #[error("target `{target}`: `formats` is empty")]
    NoFormats { target: String },
    #[error(
        "target `{target}`: model `{model}` trains on `{format}`, which the target does not accept"
    )]
    ModelFormat {
        target: String,
        model: String,
        format: Format,
    },
    #[error(
        "target `{target}`: model `{model}` has no `encoding`, and neither it (`chars_per_token`) nor the target (`estimate`) says how to estimate its tokens"
    )]
    NoCounter { target: String, model: String },
    #[error("a model has an empty `name`")]
    EmptyModelName,
    #[error("model `{model}`: `context` must be positive")]
    ZeroContext { model: String },
    #[error("model `{model}`: `{field}` must be a positive number, got {value}")]
    InvalidNumber {
        model: String,
        field: &'static str,
        value: f64,
    },
    #[error("model `{model}`: `price_per_mtok` must be a non-negative number, got {price}")]
    InvalidPrice { model: String, price: f64 },
    #[error("target `{target}` extends `{base}`, which is not a built-in target")]
    UnknownBase { target: String, base: String },
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// The target a mistyped or shortened name most likely means: the nearest by spelling, else
/// the first that starts with it (`azure` → `azure-openai`, `bedrock` → `bedrock-nova`).
fn target_hint<'a>(name: &str, known: &'a [String]) -> Option<&'a str> {
    let name = name.trim();
    crate::suggest::nearest(name, known.iter().map(String::as_str)).or_else(|| {
        known
            .iter()
            .map(String::as_str)
            .find(|k| !name.is_empty() && k.starts_with(name))
    })
}

/// `a`, `b`: names as an error message lists them.
fn quoted<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `--model NAME` named no model of the target (reported as T002).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownModel {
    /// The name that was asked for.
    pub requested: String,
    /// The target's name.
    pub target: String,
    /// Every model name the target knows, in table order.
    pub known: Vec<String>,
}

/// Embedded built-in targets: (name, TOML text), in the order `ftlint targets` lists them.
const BUILTIN: &[(&str, &str)] = &[
    ("openai", include_str!("../../rules/targets/openai.toml")),
    (
        "azure-openai",
        include_str!("../../rules/targets/azure-openai.toml"),
    ),
    (
        "together",
        include_str!("../../rules/targets/together.toml"),
    ),
    (
        "fireworks",
        include_str!("../../rules/targets/fireworks.toml"),
    ),
    (
        "vertex-gemini",
        include_str!("../../rules/targets/vertex-gemini.toml"),
    ),
    (
        "bedrock-nova",
        include_str!("../../rules/targets/bedrock-nova.toml"),
    ),
    (
        "bedrock-llama",
        include_str!("../../rules/targets/bedrock-llama.toml"),
    ),
    ("hf", include_str!("../../rules/targets/hf.toml")),
    (
        "sharegpt",
        include_str!("../../rules/targets/sharegpt.toml"),
    ),
    ("alpaca", include_str!("../../rules/targets/alpaca.toml")),
];

/// Parsed once; a broken embedded table is a build defect, caught by the tests below.
static PARSED: LazyLock<Vec<Target>> = LazyLock::new(|| {
    BUILTIN
        .iter()
        .map(|(name, text)| {
            Target::from_toml(text)
                .unwrap_or_else(|e| panic!("embedded target `{name}` is invalid: {e}"))
        })
        .collect()
});

/// A user target from the config: the keys of a target table, by target name.
pub type TargetDef = serde_json::Map<String, serde_json::Value>;

impl Target {
    /// A built-in target by name (`openai`). Clone it to add user models.
    pub fn builtin(name: &str) -> Option<&'static Target> {
        PARSED.iter().find(|t| t.name == name)
    }

    /// Every built-in target, in listing order.
    pub fn builtins() -> &'static [Target] {
        &PARSED
    }

    /// A built-in target by name, or an error listing the names that exist.
    pub fn find(name: &str) -> Result<&'static Target, TargetError> {
        Target::builtin(name).ok_or_else(|| TargetError::UnknownTarget {
            name: name.to_string(),
            known: Target::builtin_names()
                .iter()
                .map(|s| s.to_string())
                .collect(),
        })
    }

    /// The target `name`: a config target of that name (which may extend a built-in), else
    /// the built-in one.
    pub fn resolve(
        name: &str,
        user: &std::collections::BTreeMap<String, TargetDef>,
    ) -> Result<Target, TargetError> {
        let Some(def) = user.get(name) else {
            return Target::builtin(name)
                .cloned()
                .ok_or_else(|| TargetError::UnknownTarget {
                    name: name.to_string(),
                    known: Target::builtin_names()
                        .iter()
                        .map(|s| s.to_string())
                        .chain(user.keys().cloned())
                        .collect(),
                });
        };
        Target::from_def(name, def)
    }

    /// A config target: its keys over those of the built-in it `extends` (models are merged
    /// by name, the others replaced), then validated like a built-in table.
    pub fn from_def(name: &str, def: &TargetDef) -> Result<Target, TargetError> {
        use serde_json::Value;
        let invalid = |message: String| TargetError::Invalid {
            target: name.to_owned(),
            message,
        };
        let mut table = match def.get("extends") {
            Some(Value::String(base)) => {
                let base_target =
                    Target::builtin(base).ok_or_else(|| TargetError::UnknownBase {
                        target: name.to_owned(),
                        base: base.clone(),
                    })?;
                match serde_json::to_value(base_target) {
                    Ok(Value::Object(m)) => m,
                    _ => serde_json::Map::new(),
                }
            }
            Some(other) => return Err(invalid(format!("`extends` must be a string, got {other}"))),
            None => serde_json::Map::new(),
        };
        for (k, v) in def {
            match (k.as_str(), table.get_mut(k), v) {
                ("models", Some(Value::Array(base)), Value::Array(extra)) => {
                    for m in extra {
                        let same = base.iter().position(|b| {
                            b.get("name").is_some() && b.get("name") == m.get("name")
                        });
                        match same {
                            Some(i) => base[i] = m.clone(),
                            None => base.push(m.clone()),
                        }
                    }
                }
                _ => {
                    table.insert(k.clone(), v.clone());
                }
            }
        }
        table.insert("name".into(), Value::String(name.to_owned()));
        let target: Target =
            serde_json::from_value(Value::Object(table)).map_err(|e| invalid(e.to_string()))?;
        target.validate()?;
        Ok(target)
    }

    /// Names of the built-in targets.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(name, _)| *name).collect()
    }

    /// Parses and validates a target table (unknown keys are errors).
    pub fn from_toml(text: &str) -> Result<Target, TargetError> {
        let target: Target = toml::from_str(text).map_err(|source| TargetError::Toml {
            source: Box::new(source),
        })?;
        target.validate()?;
        Ok(target)
    }

    /// Checks what serde cannot: a usable default model, unique names, sane numbers, formats
    /// the target accepts, a way to count every model's tokens.
    fn validate(&self) -> Result<(), TargetError> {
        if self.formats.is_empty() {
            return Err(TargetError::NoFormats {
                target: self.name.clone(),
            });
        }
        for (i, model) in self.models.iter().enumerate() {
            validate_model(model)?;
            if self.models[..i].iter().any(|m| m.name == model.name) {
                return Err(TargetError::DuplicateModel {
                    target: self.name.clone(),
                    model: model.name.clone(),
                });
            }
            self.validate_in_target(model)?;
        }
        if self.model(&self.default_model).is_none() {
            return Err(TargetError::UnknownDefaultModel {
                target: self.name.clone(),
                model: self.default_model.clone(),
            });
        }
        Ok(())
    }

    /// What a model must agree on with its target.
    fn validate_in_target(&self, model: &Model) -> Result<(), TargetError> {
        if let Some(f) = model
            .formats
            .iter()
            .flatten()
            .find(|f| !self.formats.contains(f))
        {
            return Err(TargetError::ModelFormat {
                target: self.name.clone(),
                model: model.name.clone(),
                format: *f,
            });
        }
        if self.counter(model).is_none() {
            return Err(TargetError::NoCounter {
                target: self.name.clone(),
                model: model.name.clone(),
            });
        }
        Ok(())
    }

    /// How `model`'s tokens are counted: exactly with its tiktoken encoding, else estimated by
    /// its own or the target's characters per token.
    pub fn counter(&self, model: &Model) -> Option<Counter> {
        if let Some(e) = model.encoding {
            return Some(Counter::Exact(e));
        }
        let chars_per_token = model
            .chars_per_token
            .or(self.estimate.as_ref().map(|e| e.chars_per_token))?;
        Some(Counter::Estimate { chars_per_token })
    }

    /// Whether the target accepts `format`.
    pub fn accepts(&self, format: Format) -> bool {
        self.formats.contains(&format)
    }

    /// The model called `name`, if the target knows it.
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }

    /// The model used when none is asked for.
    pub fn default_model(&self) -> &Model {
        // Validation guarantees presence; fall back to the first model rather than panic on a
        // hand-built `Target`.
        self.model(&self.default_model)
            .or_else(|| self.models.first())
            .unwrap_or(&FALLBACK_MODEL)
    }

    /// Every model name, in table order (for T002's list).
    pub fn model_names(&self) -> Vec<&str> {
        self.models.iter().map(|m| m.name.as_str()).collect()
    }

    /// The model for `--model` (or the default when `None`); an unknown name is T002.
    pub fn resolve_model(&self, requested: Option<&str>) -> Result<&Model, UnknownModel> {
        match requested {
            None => Ok(self.default_model()),
            Some(name) => self.model(name).ok_or_else(|| UnknownModel {
                requested: name.to_owned(),
                target: self.name.clone(),
                known: self.models.iter().map(|m| m.name.clone()).collect(),
            }),
        }
    }

    /// Adds a user model from the config; a model of the same name is replaced (so users can
    /// correct a price or context without waiting for a release).
    pub fn add_model(&mut self, model: Model) -> Result<(), TargetError> {
        validate_model(&model)?;
        self.validate_in_target(&model)?;
        match self.models.iter_mut().find(|m| m.name == model.name) {
            Some(existing) => *existing = model,
            None => self.models.push(model),
        }
        Ok(())
    }
}

/// Used only if someone builds a `Target` with no models by hand.
static FALLBACK_MODEL: LazyLock<Model> =
    LazyLock::new(|| Model::exact("", u32::MAX, Encoding::O200kBase));

fn validate_model(model: &Model) -> Result<(), TargetError> {
    if model.name.trim().is_empty() {
        return Err(TargetError::EmptyModelName);
    }
    if model.context == 0 {
        return Err(TargetError::ZeroContext {
            model: model.name.clone(),
        });
    }
    if let Some(price) = model.price_per_mtok {
        if !price.is_finite() || price < 0.0 {
            return Err(TargetError::InvalidPrice {
                model: model.name.clone(),
                price,
            });
        }
    }
    for (field, value) in [
        ("price_per_hour", model.price_per_hour),
        ("chars_per_token", model.chars_per_token),
    ] {
        if let Some(v) = value {
            if !v.is_finite() || v <= 0.0 {
                return Err(TargetError::InvalidNumber {
                    model: model.name.clone(),
                    field,
                    value: v,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn openai() -> &'static Target {
        Target::builtin("openai").expect("built-in openai target")
    }

    #[test]
    fn builtin_openai_table() {
        let t = openai();
        assert_eq!(t.default_model().name, "gpt-4o-mini-2024-07-18");
        assert_eq!(t.min_examples, 10);
        assert_eq!(t.recommended_examples, 50);
        assert_eq!(t.max_file_bytes, 512 * 1024 * 1024);
        assert_eq!(t.max_image_examples, Some(50_000));
        assert_eq!(t.content_gate, Some(ContentGate::Openai));
        assert_eq!(t.bom, BomPolicy::Warn);
        assert!(!t.prices_date.is_empty());
        use Encoding::{Cl100kBase as C, O200kBase as O};
        /// Name, context, encoding, price per 1M, last training day.
        type Row<'a> = (&'a str, u32, Encoding, Option<f64>, Option<&'a str>);
        let expect: &[Row] = &[
            (
                "gpt-4o-mini-2024-07-18",
                65536,
                O,
                Some(3.0),
                Some("2027-01-06"),
            ),
            (
                "gpt-4o-2024-08-06",
                65536,
                O,
                Some(25.0),
                Some("2027-01-06"),
            ),
            (
                "gpt-4.1-2025-04-14",
                65536,
                O,
                Some(25.0),
                Some("2027-01-06"),
            ),
            (
                "gpt-4.1-mini-2025-04-14",
                65536,
                O,
                Some(5.0),
                Some("2027-01-06"),
            ),
            ("o4-mini-2025-04-16", 65536, O, None, Some("2026-10-22")),
            (
                "gpt-4.1-nano-2025-04-14",
                32768,
                O,
                Some(1.5),
                Some("2026-10-22"),
            ),
            (
                "gpt-3.5-turbo-0125",
                16385,
                C,
                Some(8.0),
                Some("2026-10-22"),
            ),
            (
                "gpt-3.5-turbo-1106",
                16385,
                C,
                Some(8.0),
                Some("2026-10-22"),
            ),
            ("gpt-3.5-turbo-0613", 4096, C, Some(8.0), Some("2024-06-12")),
            ("babbage-002", 16384, C, Some(0.4), Some("2027-01-06")),
            ("davinci-002", 16384, C, Some(6.0), Some("2027-01-06")),
        ];
        assert_eq!(t.models.len(), expect.len());
        for (m, (name, context, encoding, price, last)) in t.models.iter().zip(expect) {
            assert_eq!(
                (&*m.name, m.context, m.encoding, m.price_per_mtok),
                (*name, *context, Some(*encoding), *price)
            );
            assert_eq!(
                m.last_training_day,
                last.map(|d| d.parse().unwrap()),
                "{name}"
            );
        }
        let rft = t.model("o4-mini-2025-04-16").unwrap();
        assert_eq!(rft.price_per_hour, Some(100.0));
        assert!(rft.trains_on(Format::Rft) && !rft.trains_on(Format::Chat));
        assert!(!t.default_model().trains_on(Format::Completion));
        assert!(t
            .model("davinci-002")
            .unwrap()
            .trains_on(Format::Completion));
        assert!(Target::builtin("nope").is_none());
    }

    /// Every built-in table loads, and what the issue asks of each holds.
    #[test]
    fn every_builtin_target_loads() {
        let names: Vec<&str> = Target::builtins().iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, Target::builtin_names());
        for t in Target::builtins() {
            assert!(!t.title.is_empty() && !t.source.is_empty(), "{}", t.name);
            assert!(!t.prices_date.is_empty(), "{}", t.name);
            for m in &t.models {
                assert!(t.counter(m).is_some(), "{}: {}", t.name, m.name);
                if m.last_training_day.is_some() {
                    assert!(
                        m.lifecycle_source.is_some(),
                        "{}: {} has dates without a source",
                        t.name,
                        m.name
                    );
                }
            }
        }
        let azure = Target::builtin("azure-openai").unwrap();
        assert_eq!(azure.bom, BomPolicy::Required);
        assert_eq!(azure.content_gate, Some(ContentGate::Azure));
        assert!(!azure.accepts(Format::Completion));
        let together = Target::builtin("together").unwrap();
        assert!(together.chat.alternate);
        assert!(!together.chat.accepts_role("function"));
        assert!(matches!(
            together.counter(together.default_model()),
            Some(Counter::Estimate { .. })
        ));
        assert_eq!(
            Target::builtin("fireworks").unwrap().max_examples,
            Some(3_000_000)
        );
        assert_eq!(
            Target::builtin("bedrock-llama").unwrap().formats,
            [Format::Completion, Format::BedrockConversation]
        );
        let nova = Target::builtin("bedrock-nova").unwrap();
        assert_eq!(nova.formats, [Format::BedrockConversation]);
        assert_eq!((nova.min_examples, nova.max_examples), (8, Some(20_000)));
        assert_eq!(nova.default_epochs, Some(2));
        assert_eq!(
            nova.counter(nova.default_model()),
            Some(Counter::Estimate {
                chars_per_token: 6.0
            })
        );
    }

    #[test]
    fn lifecycle_by_day() {
        let m = openai().default_model();
        let day = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(m.lifecycle(day("2026-06-01")), Lifecycle::Open);
        // 60 days before the last day: the window opens.
        assert_eq!(
            m.lifecycle(day("2026-11-07")),
            Lifecycle::Closing {
                days_left: 60,
                last_day: day("2027-01-06")
            }
        );
        assert_eq!(m.lifecycle(day("2026-11-06")), Lifecycle::Open);
        assert_eq!(
            m.lifecycle(day("2027-01-06")),
            Lifecycle::Closing {
                days_left: 0,
                last_day: day("2027-01-06")
            }
        );
        assert_eq!(
            m.lifecycle(day("2027-01-07")),
            Lifecycle::Closed {
                last_day: day("2027-01-06")
            }
        );
    }

    #[test]
    fn resolve_model_and_unknown_lists_names() {
        let t = openai();
        assert_eq!(t.resolve_model(None).unwrap().name, t.default_model);
        assert_eq!(t.resolve_model(Some("davinci-002")).unwrap().context, 16384);
        let err = t.resolve_model(Some("gpt-5")).unwrap_err();
        assert_eq!(err.requested, "gpt-5");
        assert_eq!(err.target, "openai");
        assert_eq!(err.known, t.model_names());
    }

    #[test]
    fn user_models_add_and_replace() {
        let mut t = openai().clone();
        let model: Model = toml::from_str(
            "name = \"my-ft\"\ncontext = 8192\nencoding = \"cl100k_base\"\nprice_per_mtok = 2.5",
        )
        .unwrap();
        t.add_model(model).unwrap();
        assert_eq!(t.model("my-ft").unwrap().price_per_mtok, Some(2.5));
        let cheaper = Model {
            price_per_mtok: Some(1.0),
            ..t.model("gpt-4o-mini-2024-07-18").unwrap().clone()
        };
        let n = t.models.len();
        t.add_model(cheaper).unwrap();
        assert_eq!(t.models.len(), n);
        assert_eq!(
            t.model("gpt-4o-mini-2024-07-18").unwrap().price_per_mtok,
            Some(1.0)
        );
        let bad = Model {
            context: 0,
            ..t.model("my-ft").unwrap().clone()
        };
        assert!(t.add_model(bad).is_err());
        // No tiktoken encoding and nothing to estimate with: refused.
        let uncountable = Model {
            encoding: None,
            ..t.model("my-ft").unwrap().clone()
        };
        assert!(matches!(
            t.add_model(uncountable),
            Err(TargetError::NoCounter { .. })
        ));
    }

    #[test]
    fn config_targets_extend_builtins() {
        let def: TargetDef = serde_json::from_value(serde_json::json!({
            "extends": "openai",
            "title": "our proxy",
            "min_examples": 20,
            "models": [
                {"name": "gpt-4o-mini-2024-07-18", "context": 1000, "encoding": "o200k_base"},
                {"name": "ours", "context": 2000, "chars_per_token": 3.5}
            ]
        }))
        .unwrap();
        let mut user = std::collections::BTreeMap::new();
        user.insert("proxy".to_owned(), def);
        let t = Target::resolve("proxy", &user).unwrap();
        assert_eq!(
            (t.name.as_str(), t.min_examples, t.title.as_str()),
            ("proxy", 20, "our proxy")
        );
        assert_eq!(t.model("gpt-4o-mini-2024-07-18").unwrap().context, 1000);
        assert_eq!(t.models.len(), openai().models.len() + 1);
        assert_eq!(
            t.counter(t.model("ours").unwrap()),
            Some(Counter::Estimate {
                chars_per_token: 3.5
            })
        );
        // Built-ins resolve as themselves; unknown names list both kinds.
        assert_eq!(Target::resolve("openai", &user).unwrap(), *openai());
        let err = Target::resolve("nope", &user).unwrap_err().to_string();
        assert!(
            err.contains("`proxy`") && err.contains("`together`"),
            "{err}"
        );
        // A whole target without `extends`, and its mistakes.
        let mut whole = std::collections::BTreeMap::new();
        whole.insert(
            "lab".to_owned(),
            serde_json::from_value::<TargetDef>(serde_json::json!({
                "default_model": "m", "formats": ["chat"], "min_examples": 1,
                "recommended_examples": 1, "max_file_bytes": 1000, "prices_date": "2026-12",
                "models": [{"name": "m", "context": 10, "encoding": "o200k_base", "formats": ["completion"]}]
            }))
            .unwrap(),
        );
        assert!(matches!(
            Target::resolve("lab", &whole),
            Err(TargetError::ModelFormat { .. })
        ));
        whole.insert(
            "bad".to_owned(),
            serde_json::from_value::<TargetDef>(serde_json::json!({"extends": "nope"})).unwrap(),
        );
        assert!(matches!(
            Target::resolve("bad", &whole),
            Err(TargetError::UnknownBase { .. })
        ));
        whole.insert(
            "typo".to_owned(),
            serde_json::from_value::<TargetDef>(
                serde_json::json!({"extends": "openai", "colour": 1}),
            )
            .unwrap(),
        );
        assert!(Target::resolve("typo", &whole)
            .unwrap_err()
            .to_string()
            .contains("colour"));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        assert!(toml::from_str::<Model>(
            "name = \"x\"\ncontext = 1\nencoding = \"o200k_base\"\ncolour = 1"
        )
        .is_err());
        assert!(
            toml::from_str::<Model>("name = \"x\"\ncontext = 1\nencoding = \"p50k_base\"").is_err()
        );
        let base = include_str!("../../rules/targets/openai.toml");
        assert!(matches!(
            Target::from_toml(&format!("extra = 1\n{base}")),
            Err(TargetError::Toml { .. })
        ));
        let wrong_default = base.replace(
            "default_model = \"gpt-4o-mini-2024-07-18\"",
            "default_model = \"nope\"",
        );
        assert_eq!(
            Target::from_toml(&wrong_default).unwrap_err().to_string(),
            "target `openai`: default model `nope` is not in its models"
        );
        let negative = base.replace("price_per_mtok = 3.00", "price_per_mtok = -3.00");
        assert!(matches!(
            Target::from_toml(&negative),
            Err(TargetError::InvalidPrice { price, .. }) if price == -3.0
        ));
        let bad_date = base.replace("\"2027-01-14\"", "\"2027-02-30\"");
        assert!(Target::from_toml(&bad_date)
            .unwrap_err()
            .to_string()
            .contains("2027-02-30"));
    }

    #[test]
    fn unknown_target_lists_the_known_ones() {
        assert_eq!(Target::find("openai").unwrap().name, "openai");
        let hint = |name: &str| Target::find(name).unwrap_err().to_string();
        assert!(
            hint("azure").ends_with("; did you mean `azure-openai`?"),
            "{}",
            hint("azure")
        );
        assert!(hint("togehter").ends_with("; did you mean `together`?"));
        assert!(hint("bedrock").ends_with("; did you mean `bedrock-nova`?"));
        let err = Target::find("nope").unwrap_err().to_string();
        assert!(
            err.starts_with("unknown target `nope` (known: `openai`, `azure-openai`"),
            "{err}"
        );
    }

    #[test]
    fn encoding_names_round_trip() {
        for e in Encoding::ALL {
            assert_eq!(Encoding::from_name(e.name()), Some(e));
            assert_eq!(e.to_string(), e.name());
        }
        assert_eq!(Encoding::from_name("r50k_base"), None);
    }
}
