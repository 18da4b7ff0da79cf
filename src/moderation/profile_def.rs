//! The written shapes of moderation profiles: a profile file or `[profiles.NAME]`
//! ([`ProfileDef`]), the `[thresholds]` overrides of the config ([`ThresholdOverrides`]) and one
//! category's thresholds as written. They are typed so that a bad key or value is reported where
//! the file is read, at its line and column, and so that the config's JSON Schema, generated
//! from them, lists the category names and states every range.

use super::profile::{Gate, Thresholds};
use super::scale::{Scale, Threshold};
use super::scores::Category;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// The written shape of a profile: a built-in file (`rules/moderation/*.toml`) or a user's
/// `[profiles.NAME]`.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileDef {
    /// The profile's name (default: the table's name)
    pub name: Option<String>,
    /// One line on what the profile is for
    #[serde(default)]
    pub description: String,
    /// What the thresholds are: `probability` (0–1, OpenAI's scores; the default) or `severity`
    /// (integers 0–7, Azure AI Content Safety's)
    #[serde(default)]
    pub scale: Scale,
    /// Whether the source's own `flagged` verdict is an error (M001)
    #[serde(default = "yes")]
    pub use_flagged: bool,
    /// The file-level gate (M003)
    #[serde(default)]
    pub gate: Gate,
    /// Per-category thresholds (M002), by category name (slash or underscore form)
    #[serde(default, deserialize_with = "category_map")]
    pub categories: BTreeMap<Category, Thresholds>,
}

fn yes() -> bool {
    true
}

/// `[thresholds]` of the config: overrides of the active profile. Keys are category names
/// (slash or underscore form) holding `{ warn = …, error = … }` (a missing key keeps the
/// profile's value), plus the gate's `max_flagged_examples` and `max_flagged_fraction`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ThresholdOverrides {
    pub gate: Gate,
    pub categories: BTreeMap<Category, Thresholds>,
}

/// [`Thresholds`] as written, before `warn <= error` is checked.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "a table of `warn` and `error`")]
pub(super) struct ThresholdsDef {
    /// At or over this score: M002 as a warning (a probability, or a severity in a `severity`
    /// profile)
    pub(super) warn: Option<Threshold>,
    /// At or over this score: M002 as an error, and the example counts toward the gate
    pub(super) error: Option<Threshold>,
}

impl TryFrom<ThresholdsDef> for Thresholds {
    type Error = String;

    fn try_from(d: ThresholdsDef) -> Result<Self, String> {
        if let (Some(w), Some(e)) = (d.warn, d.error) {
            if w > e {
                return Err(format!("warn {w} is above error {e}"));
            }
        }
        Ok(Thresholds {
            warn: d.warn,
            error: d.error,
        })
    }
}

/// The names a category key may have: the slash form and its underscore alias.
fn category_names() -> Vec<String> {
    let mut names = Vec::new();
    for c in Category::ALL {
        names.push(c.as_str().to_string());
        let alias = c.as_str().replace(['/', '-'], "_");
        if alias != c.as_str() && Category::parse(&alias).is_some() {
            names.push(alias);
        }
    }
    names
}

/// A key of a table of categories. Read as the key itself (not after it), so that an unknown
/// name is reported at the key's line and column.
enum Key {
    Category(Category),
    /// Any other name; the table decides whether it means something.
    Other(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = String::deserialize(d)?;
        Ok(match Category::parse(&key) {
            Some((c, _)) => Key::Category(c),
            None => Key::Other(key),
        })
    }
}

/// A category key that must be a category.
struct CategoryKey(Category);

impl<'de> Deserialize<'de> for CategoryKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Key::deserialize(d)? {
            Key::Category(c) => Ok(CategoryKey(c)),
            Key::Other(key) => Err(serde::de::Error::custom(unknown_category(&key))),
        }
    }
}

/// A `[thresholds]` key: a category or one of the gate's limits.
enum OverrideKey {
    Category(Category),
    MaxFlaggedExamples,
    MaxFlaggedFraction,
}

impl<'de> Deserialize<'de> for OverrideKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Key::deserialize(d)? {
            Key::Category(c) => Ok(OverrideKey::Category(c)),
            Key::Other(k) if k == "max_flagged_examples" => Ok(OverrideKey::MaxFlaggedExamples),
            Key::Other(k) if k == "max_flagged_fraction" => Ok(OverrideKey::MaxFlaggedFraction),
            Key::Other(key) => Err(serde::de::Error::custom(unknown_category(&key))),
        }
    }
}

fn unknown_category(key: &str) -> String {
    let known: Vec<_> = Category::ALL.iter().map(|c| c.as_str()).collect();
    format!(
        "unknown category `{key}`; expected one of {}",
        known.join(", ")
    )
}

/// A table of category name → thresholds; an unknown name is an error at its key.
fn category_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<Category, Thresholds>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = BTreeMap<Category, Thresholds>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a table of category thresholds")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(CategoryKey(cat)) = map.next_key()? {
                out.insert(cat, map.next_value()?);
            }
            Ok(out)
        }
    }
    d.deserialize_map(V)
}

/// A category key of the config schema: its names, so editors can complete them.
impl JsonSchema for Category {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Category".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "enum": category_names()})
    }
}

impl<'de> Deserialize<'de> for ThresholdOverrides {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ThresholdOverrides;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of threshold overrides")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut o = ThresholdOverrides::default();
                while let Some(key) = map.next_key()? {
                    match key {
                        OverrideKey::MaxFlaggedExamples => {
                            o.gate.max_flagged_examples = Some(map.next_value()?)
                        }
                        OverrideKey::MaxFlaggedFraction => {
                            o.gate.max_flagged_fraction = Some(map.next_value()?)
                        }
                        OverrideKey::Category(cat) => {
                            o.categories.insert(cat, map.next_value()?);
                        }
                    }
                }
                Ok(o)
            }
        }
        d.deserialize_map(V)
    }
}

/// The gate's two keys beside one key per category name; nothing else.
impl JsonSchema for ThresholdOverrides {
    fn schema_name() -> Cow<'static, str> {
        "ThresholdOverrides".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let gate = Gate::json_schema(generator);
        let mut properties = gate
            .get("properties")
            .and_then(|p| p.as_object())
            .cloned()
            .unwrap_or_default();
        let thresholds = generator.subschema_for::<Thresholds>().to_value();
        for name in category_names() {
            properties.insert(name, thresholds.clone());
        }
        json_schema!({
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        })
    }
}
