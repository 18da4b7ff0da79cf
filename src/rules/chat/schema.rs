//! The chat format's structure as a JSON Schema (`rules/schemas/chat.schema.json`), and the
//! translation of the validator's errors into catalog codes and terse messages.
//!
//! Schema nodes carry an `x-code` annotation naming the rule their keywords map to (a string
//! for every keyword of the node, or an object keyed by keyword with `*` as fallback). A
//! failing keyword takes the nearest code on its schema path, following `$ref`s. The user
//! never sees a raw validator message: each rule words its own findings.

use crate::diagnostic::{Finding, Target};
use crate::json::Pointer;
use crate::rules::Rule;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::Validator;
use serde_json::Value;
use std::sync::LazyLock;

pub const CHAT_SCHEMA: &str = include_str!("../../../rules/schemas/chat.schema.json");

pub const PREFERENCE_SCHEMA: &str = include_str!("../../../rules/schemas/preference.schema.json");
pub const RFT_SCHEMA: &str = include_str!("../../../rules/schemas/rft.schema.json");
pub const COMPLETION_SCHEMA: &str = include_str!("../../../rules/schemas/completion.schema.json");

static CHAT: LazyLock<(Value, Validator)> = LazyLock::new(|| compile(CHAT_SCHEMA));
static PREFERENCE: LazyLock<(Value, Validator)> =
    LazyLock::new(|| compile(&with_chat_defs(PREFERENCE_SCHEMA)));
static RFT: LazyLock<(Value, Validator)> = LazyLock::new(|| compile(&with_chat_defs(RFT_SCHEMA)));
static COMPLETION: LazyLock<(Value, Validator)> = LazyLock::new(|| compile(COMPLETION_SCHEMA));

/// The formats that have a schema of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    Chat,
    Preference,
    Rft,
    Completion,
}

/// Load-time composition: the preference and reinforcement schemas reuse the chat schema's
/// definitions by cross-file reference (`chat.schema.json#/$defs/message`), which is how the
/// files read on their own. Here those definitions are copied into the schema's `$defs` and the
/// references made local, so that the embedded schema is one self-contained document: the
/// validator needs no resource registry, and the `x-code` lookup, which follows `$ref`s
/// through the schema it validated with, works unchanged. A definition of the schema's own
/// wins over a chat one of the same name (a test checks there is none).
pub fn with_chat_defs(text: &str) -> String {
    let mut schema: Value = serde_json::from_str(text).expect("embedded schema is JSON");
    let chat: Value = serde_json::from_str(CHAT_SCHEMA).expect("embedded schema is JSON");
    localize_refs(&mut schema);
    if let (Some(obj), Some(Value::Object(theirs))) = (schema.as_object_mut(), chat.get("$defs")) {
        let defs = obj
            .entry("$defs")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Value::Object(defs) = defs {
            for (k, v) in theirs {
                defs.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    schema.to_string()
}

fn localize_refs(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, child) in o.iter_mut() {
                match child {
                    Value::String(r) if k == "$ref" => {
                        if let Some(local) = r.strip_prefix("chat.schema.json") {
                            *r = local.to_owned();
                        }
                    }
                    _ => localize_refs(child),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(localize_refs),
        _ => {}
    }
}

/// Compiles an embedded schema. The schemas ship inside the binary and a test compiles each,
/// so a failure here is a build defect, not a user error.
pub fn compile(text: &str) -> (Value, Validator) {
    let schema: Value = serde_json::from_str(text).expect("embedded schema is JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("embedded schema compiles");
    (schema, validator)
}

/// One failing keyword, ready for a rule to word.
pub struct Issue<'a> {
    pub pointer: Pointer,
    pub keyword: &'a str,
    pub kind: &'a ValidationErrorKind,
    /// The value at `pointer`.
    pub instance: &'a Value,
    /// The whole line's value (for context such as the message's role).
    pub root: &'a Value,
}

/// Validates a chat example and returns (code, issue) pairs; the caller dispatches on code.
pub fn chat_issues(value: &Value, sink: impl FnMut(&str, &Issue<'_>)) {
    issues(Schema::Chat, value, sink);
}

/// Validates an example against a format's schema and words each failure with `translate`
/// (code → the owning rule's findings). A value of the wrong type fails its other keywords
/// too (`7` is neither a string nor one of the roles): only the type is said.
pub fn findings(
    which: Schema,
    value: &Value,
    translate: impl Fn(&str, &Issue<'_>) -> Vec<Finding>,
) -> Vec<Finding> {
    let mut found: Vec<(bool, Pointer, Vec<Finding>)> = Vec::new();
    issues(which, value, |code, issue| {
        let is_type = matches!(issue.kind, ValidationErrorKind::Type { .. });
        found.push((is_type, issue.pointer.clone(), translate(code, issue)));
    });
    let typed: Vec<Pointer> = found.iter().filter(|f| f.0).map(|f| f.1.clone()).collect();
    found
        .into_iter()
        .filter(|(is_type, pointer, _)| *is_type || !typed.contains(pointer))
        .flat_map(|(_, _, f)| f)
        .collect()
}

/// Validates an example against a format's schema and returns (code, issue) pairs.
pub fn issues(which: Schema, value: &Value, mut sink: impl FnMut(&str, &Issue<'_>)) {
    let (schema, validator) = match which {
        Schema::Chat => &*CHAT,
        Schema::Preference => &*PREFERENCE,
        Schema::Rft => &*RFT,
        Schema::Completion => &*COMPLETION,
    };
    validate(schema, validator, value, &mut sink);
}

pub fn validate(
    schema: &Value,
    validator: &Validator,
    value: &Value,
    sink: &mut dyn FnMut(&str, &Issue<'_>),
) {
    if validator.is_valid(value) {
        return;
    }
    for err in validator.iter_errors(value) {
        let pointer = Pointer::parse(err.instance_path().as_str());
        let path = err.schema_path().as_str().to_owned();
        let keyword = path.rsplit('/').next().unwrap_or("");
        let Some(code) = code_for(schema, &path) else {
            continue;
        };
        let instance = value.pointer(&pointer.to_string()).unwrap_or(&Value::Null);
        sink(
            &code,
            &Issue {
                pointer,
                keyword,
                kind: err.kind(),
                instance,
                root: value,
            },
        );
    }
}

/// The `x-code` governing the keyword at the end of `schema_path`.
fn code_for(schema: &Value, schema_path: &str) -> Option<String> {
    let segs: Vec<String> = schema_path
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let (keyword, walk) = segs.split_last()?;
    let mut nodes = vec![schema];
    let mut node = schema;
    for seg in walk {
        node = if seg == "$ref" {
            let target = node.get("$ref")?.as_str()?;
            schema.pointer(target.strip_prefix('#')?)?
        } else {
            match node {
                Value::Object(o) => o.get(seg)?,
                Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            }
        };
        nodes.push(node);
    }
    for (i, n) in nodes.iter().rev().enumerate() {
        match n.get("x-code") {
            Some(Value::String(c)) => return Some(c.clone()),
            Some(Value::Object(map)) => {
                let own = if i == 0 {
                    map.get(keyword.as_str())
                } else {
                    None
                };
                if let Some(c) = own.or_else(|| map.get("*")).and_then(Value::as_str) {
                    return Some(c.to_owned());
                }
            }
            _ => {}
        }
    }
    None
}

impl Issue<'_> {
    /// `messages[2].role`, or `the line` for the top level.
    pub fn path(&self) -> String {
        if self.pointer.0.is_empty() {
            "the line".to_string()
        } else {
            format!("`{}`", self.pointer.dotted())
        }
    }

    /// The role of the message this issue is in: the message is the first array element on
    /// the path whose array is `messages` or a preference output.
    pub fn role(&self) -> Option<&str> {
        use crate::json::Seg;
        let segs = self.pointer.0.as_slice();
        let at = segs.windows(2).position(|w| {
            matches!(w, [Seg::Key(k), Seg::Index(_)]
                if matches!(k.as_str(), "messages" | "preferred_output" | "non_preferred_output"))
        })?;
        let message = Pointer(segs[..at + 2].to_vec());
        self.root
            .pointer(&message.to_string())?
            .get("role")?
            .as_str()
    }

    /// The generic wording of a keyword failure, for rules that need nothing more specific.
    pub fn generic(&self, rule: &'static Rule) -> Vec<Finding> {
        let path = self.path();
        let value = Target::Value(self.pointer.clone());
        match self.kind {
            ValidationErrorKind::Type { kind } => {
                let expected = match kind {
                    TypeKind::Single(t) => article(&t.to_string()),
                    TypeKind::Multiple(ts) => {
                        let names: Vec<String> =
                            (*ts).into_iter().map(|t| article(&t.to_string())).collect();
                        names.join(" or ")
                    }
                };
                vec![Finding::new(
                    rule,
                    value,
                    format!("{path} is {}; expected {expected}", describe(self.instance)),
                )]
            }
            ValidationErrorKind::Required { property } => {
                let prop = property.as_str().unwrap_or("?");
                vec![Finding::new(
                    rule,
                    Target::ObjectStart(self.pointer.clone()),
                    format!("{path} has no `{prop}`"),
                )]
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
                .iter()
                .map(|k| {
                    Finding::new(
                        rule,
                        Target::Key(self.pointer.key(k)),
                        format!("unknown key `{k}` in {path}"),
                    )
                })
                .collect(),
            ValidationErrorKind::Enum { options } => vec![Finding::new(
                rule,
                value,
                format!(
                    "{path} is {}; expected {}",
                    describe(self.instance),
                    one_of(options)
                ),
            )],
            ValidationErrorKind::Constant { expected_value } => vec![Finding::new(
                rule,
                value,
                format!(
                    "{path} is {}; expected `{}`",
                    describe(self.instance),
                    expected_value
                ),
            )],
            ValidationErrorKind::MinItems { .. } => {
                vec![Finding::new(
                    rule,
                    value,
                    format!("{path} is an empty array"),
                )]
            }
            ValidationErrorKind::MinLength { .. } => {
                vec![Finding::new(
                    rule,
                    value,
                    format!("{path} is an empty string"),
                )]
            }
            ValidationErrorKind::Pattern { pattern } => vec![Finding::new(
                rule,
                value,
                format!(
                    "{path} is {}, which does not match `{pattern}`",
                    describe(self.instance)
                ),
            )],
            _ => vec![Finding::new(
                rule,
                value,
                format!("{path} is not valid here"),
            )],
        }
    }
}

fn article(t: &str) -> String {
    match t {
        "null" => "`null`".into(),
        "object" | "array" | "integer" => format!("an {t}"),
        _ => format!("a {t}"),
    }
}

/// A value as shown in messages: short JSON in backticks, or its kind when long.
pub fn describe(v: &Value) -> String {
    match v {
        Value::Object(_) => "an object".into(),
        Value::Array(a) if a.is_empty() => "an empty array".into(),
        Value::Array(_) => "an array".into(),
        other => {
            let s = other.to_string();
            if s.chars().count() > 40 {
                let cut: String = s.chars().take(37).collect();
                format!("`{cut}…`")
            } else {
                format!("`{s}`")
            }
        }
    }
}

/// "`a`, `b` or `c`" from an enum's options.
pub fn one_of(options: &Value) -> String {
    let names: Vec<String> = options
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| {
                    format!(
                        "`{}`",
                        o.as_str().map_or_else(|| o.to_string(), str::to_owned)
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => "another value".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composition_adds_chat_defs_without_clashes() {
        let chat: Value = serde_json::from_str(CHAT_SCHEMA).unwrap();
        for own in [PREFERENCE_SCHEMA, RFT_SCHEMA] {
            let own: Value = serde_json::from_str(own).unwrap();
            for k in own["$defs"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
            {
                assert!(
                    chat["$defs"].get(k).is_none(),
                    "{k} shadows a chat definition"
                );
            }
        }
        let composed: Value = serde_json::from_str(&with_chat_defs(PREFERENCE_SCHEMA)).unwrap();
        assert!(composed["$defs"].get("message").is_some());
        assert!(!composed.to_string().contains(r#""$ref":"chat.schema.json"#));
    }

    #[test]
    fn schema_compiles_and_every_x_code_is_a_rule() {
        for text in [
            CHAT_SCHEMA.to_owned(),
            with_chat_defs(PREFERENCE_SCHEMA),
            with_chat_defs(RFT_SCHEMA),
            COMPLETION_SCHEMA.to_owned(),
        ] {
            every_x_code_is_a_rule(&text);
        }
    }

    fn every_x_code_is_a_rule(text: &str) {
        let (schema, _) = compile(text);
        let text = schema.to_string();
        for part in text.split("\"x-code\":").skip(1) {
            for code in part.chars().take(200).collect::<String>().split('"') {
                if code.len() == 4 && code.as_bytes()[1..].iter().all(u8::is_ascii_digit) {
                    assert!(crate::rules::by_code(code).is_some(), "{code}");
                }
            }
        }
    }
}
