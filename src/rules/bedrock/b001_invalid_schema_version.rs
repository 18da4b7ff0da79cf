//! ## What it checks
//! The `schemaVersion` of a Bedrock conversation record: missing, `null`, or a string other than
//! `bedrock-conversation-2024` (warning); a value that is not a string (error).
//!
//! ## Why it matters
//! Amazon's sources differ. The Nova guide says `schemaVersion` "can be any string value", and
//! AWS's validator (`nova_ft_dataset_validator.py`) takes a record without it, but rejects a
//! number or an object there. Bedrock's distillation guide requires the field, and every AWS
//! example writes `"schemaVersion": "bedrock-conversation-2024"`. A record that carries that
//! value is read the same way by every Bedrock job and every tool (ftlint included: it is how
//! a line is recognised for sure). Sources: docs.aws.amazon.com/nova/latest/userguide/fine-tune-prepare-data-understanding.html,
//! docs.aws.amazon.com/bedrock/latest/userguide/distillation-data-prep-option-1.html, read
//! 2026-12-01.
//!
//! ## Example
//! ```jsonl
//! {"system": [{"text": "You are a concise assistant."}], "messages": [{"role": "user", "content": [{"text": "Capital of Peru?"}]}, {"role": "assistant", "content": [{"text": "Lima."}]}]}
//! ```
//! The finding points at the line's `{` and carries an edit (in JSON output) that inserts
//! `"schemaVersion": "bedrock-conversation-2024"` there. It is marked `unsafe` (it adds a key to
//! the record), so `--fix` leaves it to you.
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Applicability, Edit, Finding, Fix, Target};
use crate::json::Pointer;
use crate::rules::bedrock::{is_bedrock, SCHEMA_VERSION};
use crate::rules::schema::{describe, Issue};
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use serde_json::Value;

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::B001,
        name: "invalid-schema-version",
        severity: Severity::Warning,
        summary: "`schemaVersion` missing or not `bedrock-conversation-2024` (error when not a string)",
    })
};

/// A `schemaVersion` that is not a string: AWS's validator rejects it.
pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    vec![Finding::new(
        &RULE.meta,
        Target::Value(issue.pointer.clone()),
        format!(
            "`schemaVersion` is {}; expected the string `\"{SCHEMA_VERSION}\"`",
            describe(issue.instance)
        ),
    )
    .severity(Severity::Error)
    .help(format!(
        "write `\"schemaVersion\": \"{SCHEMA_VERSION}\"`; AWS's validator rejects a value that is not a string"
    ))]
}

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if !is_bedrock(ex) {
        return;
    }
    let Some(obj) = ex.value.as_object() else {
        return;
    };
    let here = Pointer::root().key("schemaVersion");
    match obj.get("schemaVersion") {
        None => {
            let mut f = Finding::new(
                &RULE.meta,
                Target::ObjectStart(Pointer::root()),
                format!("the record has no `schemaVersion`; expected `\"schemaVersion\": \"{SCHEMA_VERSION}\"`"),
            )
            .help(format!(
                "add `\"schemaVersion\": \"{SCHEMA_VERSION}\"` as the first key: every AWS example has it and Bedrock's distillation jobs require it"
            ));
            if let Some(fix) = insert_fix(ex, obj.is_empty()) {
                f = f.with_fix(fix);
            }
            out.push(f);
        }
        Some(Value::Null) => out.push(
            Finding::new(
                &RULE.meta,
                Target::Value(here),
                format!("`schemaVersion` is `null`; expected `\"{SCHEMA_VERSION}\"`"),
            )
            .help(format!("write `\"schemaVersion\": \"{SCHEMA_VERSION}\"`")),
        ),
        Some(Value::String(s)) if s != SCHEMA_VERSION => out.push(
            Finding::new(
                &RULE.meta,
                Target::Value(here),
                format!(
                    "`schemaVersion` is {}; expected `\"{SCHEMA_VERSION}\"`",
                    describe(&Value::String(s.clone()))
                ),
            )
            .help(format!(
                "the Nova guide accepts any string here, but every AWS example uses `{SCHEMA_VERSION}` and Bedrock's distillation guide requires it; write that"
            )),
        ),
        // Right, or not a string (the schema hook's finding).
        Some(_) => {}
    }
}

/// Inserts the key right after the record's `{`, in bytes of the physical line.
fn insert_fix(ex: &ExampleCtx<'_>, empty: bool) -> Option<Fix> {
    let brace = ex.text.len() - ex.text.trim_start().len();
    if !ex.text[brace..].starts_with('{') {
        return None;
    }
    let member = format!("\"schemaVersion\": \"{SCHEMA_VERSION}\"");
    let content = if empty { member } else { format!("{member}, ") };
    Some(Fix {
        applicability: Applicability::Unsafe,
        message: "add `\"schemaVersion\": \"bedrock-conversation-2024\"`",
        edits: vec![Edit::insert(ex.text_start + brace + 1, content)],
    })
}
