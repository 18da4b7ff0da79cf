//! The JSON Schema of the config file, generated from [`FIELDS`] — one row per key of
//! [`super::Config`]. A test checks that the rows and the struct's keys are the same set (from
//! serde's own list of expected fields), and another that the committed copy in
//! `rules/schemas/ftlint-config.schema.json` is current.

use serde_json::{json, Map, Value};

/// A key's type.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Str,
    /// One of these words.
    Choice(fn() -> Vec<String>),
    Bool,
    /// An integer in `min..=max` (`max` 0: unbounded).
    Int {
        min: u64,
        max: u64,
    },
    StrList,
    /// A glob → list of rule codes.
    PerFileIgnores,
    Thresholds,
    Models,
    Profiles,
    Sensitive,
}

/// One config key.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub kind: Kind,
    pub doc: &'static str,
}

fn names<T: clap::ValueEnum>() -> Vec<String> {
    T::value_variants()
        .iter()
        .filter_map(|v| v.to_possible_value())
        .map(|p| p.get_name().to_string())
        .collect()
}

fn output_formats() -> Vec<String> {
    names::<crate::render::OutputFormat>()
}
fn formats() -> Vec<String> {
    names::<crate::cli::FormatArg>()
}
fn sources() -> Vec<String> {
    names::<crate::cli::ModerationArg>()
}
fn units() -> Vec<String> {
    names::<crate::cli::UnitArg>()
}

/// Every key of the config file, in the order `ftlint config` prints them.
pub const FIELDS: &[Field] = &[
    Field {
        key: "target",
        kind: Kind::Str,
        doc: "The provider whose rules and limits apply",
    },
    Field {
        key: "model",
        kind: Kind::Str,
        doc: "The model to fine-tune (limits, tokenizer, price)",
    },
    Field {
        key: "format",
        kind: Kind::Choice(formats),
        doc: "The data format; `auto` detects it per line",
    },
    Field {
        key: "output-format",
        kind: Kind::Choice(output_formats),
        doc: "How to print findings",
    },
    Field {
        key: "select",
        kind: Kind::StrList,
        doc: "Only these rules (codes or prefixes)",
    },
    Field {
        key: "ignore",
        kind: Kind::StrList,
        doc: "Not these rules (codes or prefixes)",
    },
    Field {
        key: "epochs",
        kind: Kind::Int { min: 1, max: 50 },
        doc: "Epochs for the cost estimate",
    },
    Field {
        key: "max-warnings",
        kind: Kind::Int { min: 0, max: 0 },
        doc: "Exit 1 when there are more warnings than this",
    },
    Field {
        key: "exclude",
        kind: Kind::StrList,
        doc: "Globs of files and folders to leave out when walking directories",
    },
    Field {
        key: "force-exclude",
        kind: Kind::Bool,
        doc: "Apply excludes to files named on the command line too",
    },
    Field {
        key: "per-file-ignores",
        kind: Kind::PerFileIgnores,
        doc: "Glob → rule codes (or prefixes) not reported for matching files",
    },
    Field {
        key: "baseline",
        kind: Kind::Str,
        doc: "Baseline file of accepted findings (relative to the config file)",
    },
    Field {
        key: "moderation",
        kind: Kind::Choice(sources),
        doc: "Where moderation scores come from",
    },
    Field {
        key: "scores",
        kind: Kind::Str,
        doc: "Imported scores file (relative to the config file)",
    },
    Field {
        key: "profile",
        kind: Kind::Str,
        doc: "Moderation threshold profile: built-in or from [profiles]",
    },
    Field {
        key: "offline",
        kind: Kind::Bool,
        doc: "Guarantee that no network connection is made",
    },
    Field {
        key: "cache-dir",
        kind: Kind::Str,
        doc: "Score cache directory (relative to the config file)",
    },
    Field {
        key: "moderation-unit",
        kind: Kind::Choice(units),
        doc: "Score each message's text or each whole example",
    },
    Field {
        key: "moderation-model",
        kind: Kind::Str,
        doc: "The moderation model to ask and to look up in the cache",
    },
    Field {
        key: "require-scores",
        kind: Kind::Bool,
        doc: "Unscored texts are errors, not warnings",
    },
    Field {
        key: "concurrency",
        kind: Kind::Int { min: 1, max: 64 },
        doc: "Moderation requests in flight at once",
    },
    Field {
        key: "thresholds",
        kind: Kind::Thresholds,
        doc: "Overrides of the active moderation profile's thresholds",
    },
    Field {
        key: "models",
        kind: Kind::Models,
        doc: "Extra models of the target (a built-in name is replaced)",
    },
    Field {
        key: "profiles",
        kind: Kind::Profiles,
        doc: "User moderation profiles by name",
    },
    Field {
        key: "sensitive",
        kind: Kind::Sensitive,
        doc: "Extra sensitive-data patterns and allow-lists",
    },
];

fn str_list() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

fn kind_schema(kind: Kind) -> Value {
    let threshold = json!({"type": "number", "minimum": 0, "maximum": 1});
    match kind {
        Kind::Str => json!({"type": "string"}),
        Kind::Choice(values) => json!({"type": "string", "enum": values()}),
        Kind::Bool => json!({"type": "boolean"}),
        Kind::Int { min, max } => {
            let mut m = json!({"type": "integer", "minimum": min});
            if max > 0 {
                m["maximum"] = json!(max);
            }
            m
        }
        Kind::StrList => str_list(),
        Kind::PerFileIgnores => json!({"type": "object", "additionalProperties": str_list()}),
        Kind::Thresholds => json!({
            "type": "object",
            "properties": {
                "max_flagged_examples": {"type": "integer", "minimum": 0},
                "max_flagged_fraction": threshold,
            },
            "additionalProperties": {
                "type": "object",
                "properties": {"warn": threshold, "error": threshold},
                "additionalProperties": false,
            },
        }),
        Kind::Models => json!({
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "context", "encoding"],
                "properties": {
                    "name": {"type": "string"},
                    "context": {"type": "integer", "minimum": 1},
                    "encoding": {"type": "string", "enum": ["o200k_base", "cl100k_base"]},
                    "price_per_mtok": {"type": "number", "minimum": 0},
                },
                "additionalProperties": false,
            },
        }),
        Kind::Profiles => json!({
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "description": {"type": "string"},
                    "use_flagged": {"type": "boolean"},
                    "gate": {
                        "type": "object",
                        "properties": {
                            "max_flagged_examples": {"type": "integer", "minimum": 0},
                            "max_flagged_fraction": threshold,
                        },
                        "additionalProperties": false,
                    },
                    "categories": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "properties": {"warn": threshold, "error": threshold},
                            "additionalProperties": false,
                        },
                    },
                },
                "additionalProperties": false,
            },
        }),
        Kind::Sensitive => json!({
            "type": "object",
            "properties": {
                "patterns": {
                    "type": "array",
                    "items": {"type": "object", "description": "Same fields as `rules/sensitive/*.toml` [[pattern]]"},
                },
                "allow": str_list(),
                "allow-regex": str_list(),
                "min-profile-kinds": {"type": "integer", "minimum": 1},
            },
            "additionalProperties": false,
        }),
    }
}

/// The JSON Schema (draft 2020-12) of `ftlint.toml` / `[tool.ftlint]`.
pub fn json_schema() -> Value {
    let mut props = Map::new();
    for f in FIELDS {
        let mut s = kind_schema(f.kind);
        s["description"] = json!(f.doc);
        props.insert(f.key.to_string(), s);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ftlint configuration",
        "description": "ftlint.toml, .ftlint.toml, or the [tool.ftlint] table of pyproject.toml",
        "type": "object",
        "properties": props,
        "additionalProperties": false,
    })
}

/// The schema as committed: pretty JSON with a final newline.
pub fn json_schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde lists a struct's fields in its unknown-field error: the rows must be those keys.
    #[test]
    fn fields_match_config_struct() {
        let e = toml::from_str::<super::super::Config>("zzz-not-a-key = 1")
            .unwrap_err()
            .message()
            .to_string();
        let expected = e.split("expected one of").nth(1).unwrap_or_default();
        let mut from_serde: Vec<&str> = expected
            .split(',')
            .map(|s| s.trim().trim_matches('`'))
            .filter(|s| !s.is_empty())
            .collect();
        let mut rows: Vec<&str> = FIELDS.iter().map(|f| f.key).collect();
        from_serde.sort();
        rows.sort();
        assert_eq!(from_serde, rows, "{e}");
    }
}
