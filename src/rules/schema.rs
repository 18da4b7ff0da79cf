//! Each format's structure as a JSON Schema (`rules/schemas/*.schema.json`), and the
//! dispatch of the validator's errors to the rules that word them.
//!
//! Schema nodes carry an `x-code` annotation naming the rule their keywords map to (a string
//! for every keyword of the node, or an object keyed by keyword with `*` as fallback). The
//! annotations are read into typed [`Rule`]s once, when a schema is compiled; a failing keyword
//! takes the nearest rule on its schema path, following `$ref`s. The user never sees a raw
//! validator message: each rule words its own findings (its `schema` hook).

use crate::diagnostic::{Finding, RuleMeta, RuleSet, Target};
use crate::json::Pointer;
use crate::rules::Rule;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::Validator;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::LazyLock;

pub const CHAT_SCHEMA: &str = include_str!("../../rules/schemas/chat.schema.json");

pub const PREFERENCE_SCHEMA: &str = include_str!("../../rules/schemas/preference.schema.json");
pub const RFT_SCHEMA: &str = include_str!("../../rules/schemas/rft.schema.json");
pub const COMPLETION_SCHEMA: &str = include_str!("../../rules/schemas/completion.schema.json");
pub const GEMINI_SCHEMA: &str = include_str!("../../rules/schemas/gemini.schema.json");
pub const BEDROCK_CONVERSATION_SCHEMA: &str =
    include_str!("../../rules/schemas/bedrock-conversation.schema.json");

static CHAT: LazyLock<Compiled> = LazyLock::new(|| compile(CHAT_SCHEMA));
static PREFERENCE: LazyLock<Compiled> =
    LazyLock::new(|| compile(&with_chat_defs(PREFERENCE_SCHEMA)));
static RFT: LazyLock<Compiled> = LazyLock::new(|| compile(&with_chat_defs(RFT_SCHEMA)));
static COMPLETION: LazyLock<Compiled> = LazyLock::new(|| compile(COMPLETION_SCHEMA));
static GEMINI: LazyLock<Compiled> = LazyLock::new(|| compile(GEMINI_SCHEMA));
static BEDROCK_CONVERSATION: LazyLock<Compiled> =
    LazyLock::new(|| compile(BEDROCK_CONVERSATION_SCHEMA));
pub const TEXT_SCHEMA: &str = include_str!("../../rules/schemas/text.schema.json");
pub const CONVERSATIONAL_COMPLETION_SCHEMA: &str =
    include_str!("../../rules/schemas/conversational-completion.schema.json");
pub const CHOSEN_REJECTED_SCHEMA: &str =
    include_str!("../../rules/schemas/chosen-rejected.schema.json");
pub const UNPAIRED_PREFERENCE_SCHEMA: &str =
    include_str!("../../rules/schemas/unpaired-preference.schema.json");
pub const SHAREGPT_SCHEMA: &str = include_str!("../../rules/schemas/sharegpt.schema.json");
pub const ALPACA_SCHEMA: &str = include_str!("../../rules/schemas/alpaca.schema.json");
static TEXT: LazyLock<Compiled> = LazyLock::new(|| compile(TEXT_SCHEMA));
static CONVERSATIONAL_COMPLETION: LazyLock<Compiled> =
    LazyLock::new(|| compile(&with_chat_defs(CONVERSATIONAL_COMPLETION_SCHEMA)));
static CHOSEN_REJECTED: LazyLock<Compiled> =
    LazyLock::new(|| compile(&with_chat_defs(CHOSEN_REJECTED_SCHEMA)));
static UNPAIRED_PREFERENCE: LazyLock<Compiled> =
    LazyLock::new(|| compile(&with_chat_defs(UNPAIRED_PREFERENCE_SCHEMA)));
static SHAREGPT: LazyLock<Compiled> = LazyLock::new(|| compile(SHAREGPT_SCHEMA));
static ALPACA: LazyLock<Compiled> = LazyLock::new(|| compile(ALPACA_SCHEMA));
/// TRL's prompt/completion strings: the legacy schema without its closed set of keys (the
/// trainer reads the two columns and ignores others).
static OPEN_COMPLETION: LazyLock<Compiled> = LazyLock::new(|| {
    let mut schema: Value =
        serde_json::from_str(COMPLETION_SCHEMA).expect("embedded schema is JSON");
    if let Some(obj) = schema.as_object_mut() {
        obj.remove("additionalProperties");
    }
    compile(&schema.to_string())
});

/// A schema ready to validate with, and its `x-code` annotations as rules, by the JSON pointer
/// of the node that carries them.
pub struct Compiled {
    pub schema: Value,
    pub validator: Validator,
    codes: HashMap<String, XCode>,
}

/// One node's `x-code`.
enum XCode {
    /// Every keyword of the node.
    All(Rule),
    /// By keyword, with a fallback (`*`).
    ByKeyword {
        keywords: Vec<(String, Rule)>,
        fallback: Option<Rule>,
    },
}

/// The formats that have a schema of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    Chat,
    Preference,
    Rft,
    Completion,
    Gemini,
    BedrockConversation,
    Text,
    ConversationalCompletion,
    ChosenRejected,
    UnpairedPreference,
    Sharegpt,
    Alpaca,
    /// Prompt/completion strings on a target that does not take OpenAI's legacy records.
    OpenCompletion,
}

impl Schema {
    /// The schema an example of `format` is validated against.
    pub fn of(format: crate::format::Format) -> Schema {
        use crate::format::Format;
        match format {
            Format::Chat => Schema::Chat,
            Format::Preference => Schema::Preference,
            Format::Rft => Schema::Rft,
            Format::Completion => Schema::Completion,
            Format::Gemini => Schema::Gemini,
            Format::BedrockConversation => Schema::BedrockConversation,
            Format::Text => Schema::Text,
            Format::ConversationalCompletion => Schema::ConversationalCompletion,
            Format::ChosenRejected => Schema::ChosenRejected,
            Format::UnpairedPreference => Schema::UnpairedPreference,
            Format::Sharegpt => Schema::Sharegpt,
            Format::Alpaca => Schema::Alpaca,
        }
    }

    /// The schema an example of `format` is validated against for `target`: prompt/completion
    /// strings are OpenAI's legacy records (only the two keys) unless the target says not.
    pub fn for_target(format: crate::format::Format, target: &crate::targets::Target) -> Schema {
        match Schema::of(format) {
            Schema::Completion if !target.legacy_completion => Schema::OpenCompletion,
            s => s,
        }
    }
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
/// so a failure here (an invalid schema, an `x-code` that names no rule) is a build defect,
/// not a user error.
pub fn compile(text: &str) -> Compiled {
    let schema: Value = serde_json::from_str(text).expect("embedded schema is JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("embedded schema compiles");
    let mut codes = HashMap::new();
    collect_codes(&schema, &mut String::new(), &mut codes);
    Compiled {
        schema,
        validator,
        codes,
    }
}

/// Reads every `x-code` below `node` (at pointer `at`) into `out`.
fn collect_codes(node: &Value, at: &mut String, out: &mut HashMap<String, XCode>) {
    let rule = |v: &Value| -> Rule {
        let code = v.as_str().expect("an x-code is a string");
        Rule::from_code(code).unwrap_or_else(|| panic!("x-code `{code}` names no rule"))
    };
    let len = at.len();
    match node {
        Value::Object(o) => {
            match o.get("x-code") {
                Some(Value::Object(map)) => {
                    let keywords = map
                        .iter()
                        .filter(|(k, _)| *k != "*")
                        .map(|(k, v)| (k.clone(), rule(v)))
                        .collect();
                    let fallback = map.get("*").map(rule);
                    out.insert(at.clone(), XCode::ByKeyword { keywords, fallback });
                }
                Some(v) => {
                    out.insert(at.clone(), XCode::All(rule(v)));
                }
                None => {}
            }
            for (k, child) in o {
                if k == "x-code" {
                    continue;
                }
                at.push('/');
                at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                collect_codes(child, at, out);
                at.truncate(len);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                at.push('/');
                at.push_str(&i.to_string());
                collect_codes(child, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// One failing keyword, ready for a rule to word.
pub struct Issue<'a> {
    /// The schema that failed: a rule may word the same keyword differently per format.
    pub schema: Schema,
    pub pointer: Pointer,
    pub keyword: &'a str,
    pub kind: &'a ValidationErrorKind,
    /// The value at `pointer`.
    pub instance: &'a Value,
    /// The whole line's value (for context such as the message's role).
    pub root: &'a Value,
}

/// Validates an example against a format's schema and has each failure worded by the rule the
/// schema maps it to, when that rule is in `selected`. A value of the wrong type fails its
/// other keywords too (`7` is neither a string nor one of the roles): only the type is said.
pub fn findings(which: Schema, value: &Value, selected: &RuleSet) -> Vec<Finding> {
    let mut found: Vec<(bool, Pointer, Vec<Finding>)> = Vec::new();
    issues(which, value, |rule, issue| {
        let is_type = matches!(issue.kind, ValidationErrorKind::Type { .. });
        let words = match crate::rules::def(rule).schema {
            Some(word) if selected.contains(rule) => word(issue),
            _ => Vec::new(),
        };
        found.push((is_type, issue.pointer.clone(), words));
    });
    let typed: Vec<Pointer> = found.iter().filter(|f| f.0).map(|f| f.1.clone()).collect();
    found
        .into_iter()
        .filter(|(is_type, pointer, _)| *is_type || !typed.contains(pointer))
        .flat_map(|(_, _, f)| f)
        .collect()
}

/// Validates an example against a format's schema and calls `sink` with each failing keyword
/// and the rule it maps to.
pub fn issues(which: Schema, value: &Value, mut sink: impl FnMut(Rule, &Issue<'_>)) {
    let compiled = match which {
        Schema::Chat => &*CHAT,
        Schema::Preference => &*PREFERENCE,
        Schema::Rft => &*RFT,
        Schema::Completion => &*COMPLETION,
        Schema::Gemini => &*GEMINI,
        Schema::BedrockConversation => &*BEDROCK_CONVERSATION,
        Schema::Text => &*TEXT,
        Schema::ConversationalCompletion => &*CONVERSATIONAL_COMPLETION,
        Schema::ChosenRejected => &*CHOSEN_REJECTED,
        Schema::UnpairedPreference => &*UNPAIRED_PREFERENCE,
        Schema::Sharegpt => &*SHAREGPT,
        Schema::Alpaca => &*ALPACA,
        Schema::OpenCompletion => &*OPEN_COMPLETION,
    };
    if compiled.validator.is_valid(value) {
        return;
    }
    for err in compiled.validator.iter_errors(value) {
        let pointer = Pointer::parse(err.instance_path().as_str());
        let path = err.schema_path().as_str().to_owned();
        let keyword = path.rsplit('/').next().unwrap_or("");
        let Some(rule) = rule_for(compiled, &path) else {
            continue;
        };
        let instance = value.pointer(&pointer.to_string()).unwrap_or(&Value::Null);
        sink(
            rule,
            &Issue {
                schema: which,
                pointer,
                keyword,
                kind: err.kind(),
                instance,
                root: value,
            },
        );
    }
}

/// The rule governing the keyword at the end of `schema_path`: the nearest `x-code` on the
/// path, walking through `$ref`s.
fn rule_for(c: &Compiled, schema_path: &str) -> Option<Rule> {
    let segs: Vec<&str> = schema_path.split('/').skip(1).collect();
    let (keyword, walk) = segs.split_last()?;
    let mut at = String::new();
    let mut nodes = vec![String::new()];
    for seg in walk {
        if *seg == "$ref" {
            let node = c.schema.pointer(&at)?;
            at = node.get("$ref")?.as_str()?.strip_prefix('#')?.to_owned();
        } else {
            at.push('/');
            at.push_str(seg);
        }
        nodes.push(at.clone());
    }
    let keyword = keyword.replace("~1", "/").replace("~0", "~");
    for (i, n) in nodes.iter().rev().enumerate() {
        match c.codes.get(n) {
            Some(XCode::All(r)) => return Some(*r),
            Some(XCode::ByKeyword { keywords, fallback }) => {
                let own = if i == 0 {
                    keywords
                        .iter()
                        .find(|(k, _)| *k == keyword)
                        .map(|(_, r)| *r)
                } else {
                    None
                };
                if let Some(r) = own.or(*fallback) {
                    return Some(r);
                }
            }
            None => {}
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
                if matches!(k.as_str(), "messages" | "preferred_output" | "non_preferred_output"
                    | "prompt" | "completion" | "chosen" | "rejected"))
        })?;
        let message = Pointer(segs[..at + 2].to_vec());
        self.root
            .pointer(&message.to_string())?
            .get("role")?
            .as_str()
    }

    /// The generic wording of a keyword failure, for rules that need nothing more specific.
    pub fn generic(&self, rule: &'static RuleMeta) -> Vec<Finding> {
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

    /// Compiling reads every `x-code` into a rule (an unknown code panics), and each schema
    /// maps some keyword to a rule.
    #[test]
    fn schema_compiles_and_every_x_code_is_a_rule() {
        for text in [
            CHAT_SCHEMA.to_owned(),
            with_chat_defs(PREFERENCE_SCHEMA),
            with_chat_defs(RFT_SCHEMA),
            COMPLETION_SCHEMA.to_owned(),
            GEMINI_SCHEMA.to_owned(),
            BEDROCK_CONVERSATION_SCHEMA.to_owned(),
        ] {
            let c = compile(&text);
            assert_eq!(c.codes.len(), text.matches("\"x-code\"").count());
            assert!(!c.codes.is_empty());
        }
    }

    #[test]
    fn a_role_outside_the_enum_maps_to_c005() {
        let v: Value =
            serde_json::from_str(r#"{"messages": [{"role": "bot", "content": "x"}]}"#).unwrap();
        let mut rules = Vec::new();
        issues(Schema::Chat, &v, |r, _| rules.push(r));
        assert!(rules.contains(&Rule::C005), "{rules:?}");
    }
}
