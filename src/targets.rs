//! Targets: the services ftlint checks data for, as data.
//!
//! A [`Target`] holds a service's limits (minimum examples, file size, …) and the [`Model`]s it
//! can fine-tune, each with its training context, tokenizer ([`Encoding`]) and training price.
//! Built-in targets live in `rules/targets/*.toml`, are embedded in the binary and parsed once;
//! users add or override models from their config (a [`Model`] deserializes from the same TOML
//! shape: `name`, `context`, `encoding`, optional `price_per_mtok`).

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// The tokenizer's vocabulary choice; it belongs to the tokenizer crate and is re-exported here so
/// that `crate::targets::Encoding` keeps naming it.
pub use ftlint_tokens::Encoding;

/// A model that can be fine-tuned on a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// The exact name passed to the service, e.g. `gpt-4o-mini-2024-07-18`.
    pub name: String,
    /// Training context in tokens: longer examples are truncated from the end (T001).
    pub context: u32,
    /// Tokenizer used to count tokens.
    pub encoding: Encoding,
    /// USD per 1M training tokens; absent when unknown (then no cost is estimated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_per_mtok: Option<f64>,
}

/// A fine-tuning service: its limits and models.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// `openai`, …
    pub name: String,
    /// The model used when `--model` is not given.
    pub default_model: String,
    /// When the prices were taken (printed next to every cost estimate).
    pub prices_date: String,
    /// Fewer examples than this and the service rejects the file.
    pub min_examples: u64,
    /// Fewer than this and results are usually weak.
    pub recommended_examples: u64,
    /// Upload size limit of one training file, in bytes.
    pub max_file_bytes: u64,
    /// At most this many examples may contain images.
    pub max_image_examples: u64,
    /// Known models, in table order.
    pub models: Vec<Model>,
}

/// A target that does not exist, or a target table or model that failed to load or validate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TargetError {
    /// `--target` (or config `target`) names no built-in target.
    #[error("unknown target `{name}` (known: {})", quoted(.known))]
    UnknownTarget {
        name: String,
        known: Vec<&'static str>,
    },
    /// The table is not TOML, or has an unknown key or a wrong type.
    #[error("{source}")]
    Toml {
        // Boxed: toml's error is large, and every `Result` of this type would carry its size.
        #[source]
        source: Box<toml::de::Error>,
    },
    #[error("target `{target}`: model `{model}` is listed twice")]
    DuplicateModel { target: String, model: String },
    #[error("target `{target}`: default model `{model}` is not in its models")]
    UnknownDefaultModel { target: String, model: String },
    #[error("a model has an empty `name`")]
    EmptyModelName,
    #[error("model `{model}`: `context` must be positive")]
    ZeroContext { model: String },
    #[error("model `{model}`: `price_per_mtok` must be a non-negative number, got {price}")]
    InvalidPrice { model: String, price: f64 },
}

/// `a`, `b`: names as an error message lists them.
fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
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

/// Embedded built-in targets: (name, TOML text).
const BUILTIN: &[(&str, &str)] = &[("openai", include_str!("../rules/targets/openai.toml"))];

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

impl Target {
    /// A built-in target by name (`openai`). Clone it to add user models.
    pub fn builtin(name: &str) -> Option<&'static Target> {
        PARSED.iter().find(|t| t.name == name)
    }

    /// A built-in target by name, or an error listing the names that exist.
    pub fn find(name: &str) -> Result<&'static Target, TargetError> {
        Target::builtin(name).ok_or_else(|| TargetError::UnknownTarget {
            name: name.to_string(),
            known: Target::builtin_names(),
        })
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

    /// Checks what serde cannot: a usable default model, unique names, sane numbers.
    fn validate(&self) -> Result<(), TargetError> {
        for (i, model) in self.models.iter().enumerate() {
            validate_model(model)?;
            if self.models[..i].iter().any(|m| m.name == model.name) {
                return Err(TargetError::DuplicateModel {
                    target: self.name.clone(),
                    model: model.name.clone(),
                });
            }
        }
        if self.model(&self.default_model).is_none() {
            return Err(TargetError::UnknownDefaultModel {
                target: self.name.clone(),
                model: self.default_model.clone(),
            });
        }
        Ok(())
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
        match self.models.iter_mut().find(|m| m.name == model.name) {
            Some(existing) => *existing = model,
            None => self.models.push(model),
        }
        Ok(())
    }
}

/// Used only if someone builds a `Target` with no models by hand.
static FALLBACK_MODEL: Model = Model {
    name: String::new(),
    context: u32::MAX,
    encoding: Encoding::O200kBase,
    price_per_mtok: None,
};

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
        assert_eq!(Target::builtin_names(), ["openai"]);
        assert_eq!(t.default_model().name, "gpt-4o-mini-2024-07-18");
        assert_eq!(t.min_examples, 10);
        assert_eq!(t.recommended_examples, 50);
        assert_eq!(t.max_file_bytes, 512 * 1024 * 1024);
        assert_eq!(t.max_image_examples, 50_000);
        assert!(!t.prices_date.is_empty());
        let expect: &[(&str, u32, Encoding, Option<f64>)] = &[
            (
                "gpt-4o-mini-2024-07-18",
                65536,
                Encoding::O200kBase,
                Some(3.0),
            ),
            ("gpt-4o-2024-08-06", 65536, Encoding::O200kBase, Some(25.0)),
            ("gpt-4.1-2025-04-14", 65536, Encoding::O200kBase, Some(25.0)),
            (
                "gpt-4.1-mini-2025-04-14",
                65536,
                Encoding::O200kBase,
                Some(5.0),
            ),
            (
                "gpt-4.1-nano-2025-04-14",
                32768,
                Encoding::O200kBase,
                Some(1.5),
            ),
            ("gpt-3.5-turbo-0125", 16385, Encoding::Cl100kBase, Some(8.0)),
            ("gpt-3.5-turbo-1106", 16385, Encoding::Cl100kBase, Some(8.0)),
            ("gpt-3.5-turbo-0613", 4096, Encoding::Cl100kBase, Some(8.0)),
            ("babbage-002", 16384, Encoding::Cl100kBase, None),
            ("davinci-002", 16384, Encoding::Cl100kBase, None),
        ];
        assert_eq!(t.models.len(), expect.len());
        for (m, (name, context, encoding, price)) in t.models.iter().zip(expect) {
            assert_eq!(
                (&*m.name, m.context, m.encoding, m.price_per_mtok),
                (*name, *context, *encoding, *price)
            );
        }
        assert!(Target::builtin("nope").is_none());
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
        let base = include_str!("../rules/targets/openai.toml");
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
    }

    #[test]
    fn unknown_target_lists_the_known_ones() {
        assert_eq!(Target::find("openai").unwrap().name, "openai");
        assert_eq!(
            Target::find("nope").unwrap_err().to_string(),
            "unknown target `nope` (known: `openai`)"
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
