//! ## What it checks
//! Tool use in a Bedrock record that has a `toolConfig`:
//! - `toolConfig` is `{"tools": [{"toolSpec": {"name", "description", "inputSchema": {"json":
//!   {"type": …}}}}, …]}` with a non-empty list, non-empty names and descriptions, and no name
//!   twice;
//! - each `toolUse` block names a tool of `toolConfig` and has a `toolUseId` no earlier call has;
//! - each `toolResult` answers the `toolUseId` of an earlier `toolUse`, once.
//!
//! ## Why it matters
//! AWS's validator rejects each of these ("tool '…' not found in toolConfig", "toolUseId '…' not
//! found in previous toolUse", duplicate ids and names). Like the validator, the pairing is
//! checked only when the record has a `toolConfig`. Note that Amazon's Nova 2.0 guide says tool
//! use, though part of the input format, "is not currently supported by Amazon Nova 2.0 SFT.
//! Adding tool sections might cause your job to fail" (a model question, the target's). Sources,
//! read 2026-12-01: aws-samples/amazon-nova-samples `nova_ft_dataset_validator.py`
//! (`ToolConfig`, `validate_tool_use_in_conversation`),
//! docs.aws.amazon.com/bedrock/latest/userguide/nova-2-sft-data-prep.html.
//!
//! ## Example
//! ```jsonl
//! {"schemaVersion": "bedrock-conversation-2024", "toolConfig": {"tools": [{"toolSpec": {"name": "get_weather", "description": "Weather for a city", "inputSchema": {"json": {"type": "object"}}}}]}, "messages": [{"role": "user", "content": [{"text": "Weather in Oslo?"}]}, {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "get_forecast", "input": {"city": "Oslo"}}}]}, {"role": "user", "content": [{"toolResult": {"toolUseId": "t2", "content": [{"text": "4°C"}]}}]}, {"role": "assistant", "content": [{"text": "4°C in Oslo."}]}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::json::Pointer;
use crate::rules::bedrock::{blocks, is_bedrock};
use crate::rules::schema::Issue;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use serde_json::Value;
use std::collections::HashSet;

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::B009,
        name: "invalid-bedrock-tool-use",
        severity: Severity::Error,
        summary: "A malformed `toolConfig`, a `toolUse` of an undefined tool, a `toolResult` answering no earlier call, a repeated id",
    })
};

const TOOL_FORM: &str = "a tool is `{\"toolSpec\": {\"name\": \"…\", \"description\": \"…\", \"inputSchema\": {\"json\": {\"type\": \"object\", …}}}}`";

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help(TOOL_FORM))
        .collect()
}

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if !is_bedrock(ex) {
        return;
    }
    let Some(tools) = ex
        .value
        .get("toolConfig")
        .and_then(|c| c.get("tools"))
        .and_then(Value::as_array)
    else {
        return;
    };
    let tools_at = Pointer::root().key("toolConfig").key("tools");
    let mut names = HashSet::new();
    for (i, t) in tools.iter().enumerate() {
        let Some(name) = t.pointer("/toolSpec/name").and_then(Value::as_str) else {
            continue;
        };
        if !names.insert(name) {
            out.push(
                Finding::new(
                    &RULE.meta,
                    Target::Value(tools_at.index(i).key("toolSpec").key("name")),
                    format!("tool `{name}` is defined twice in `toolConfig.tools`"),
                )
                .help("give each tool one definition"),
            );
        }
    }
    let mut calls: HashSet<&str> = HashSet::new();
    let mut answered: HashSet<&str> = HashSet::new();
    for b in blocks(ex.value) {
        if let Some(call) = b.block.get("toolUse") {
            let at = b.pointer().key("toolUse");
            if let Some(name) = call.get("name").and_then(Value::as_str) {
                if !names.contains(name) {
                    out.push(
                        Finding::new(
                            &RULE.meta,
                            Target::Value(at.key("name")),
                            format!("`toolUse` calls `{name}`, which `toolConfig` does not define"),
                        )
                        .help(defined(&names)),
                    );
                }
            }
            if let Some(id) = call.get("toolUseId").and_then(Value::as_str) {
                if !calls.insert(id) {
                    out.push(
                        Finding::new(
                            &RULE.meta,
                            Target::Value(at.key("toolUseId")),
                            format!("`toolUseId` `{id}` is used by an earlier `toolUse`"),
                        )
                        .help("give each tool call its own `toolUseId`"),
                    );
                }
            }
        }
        if let Some(result) = b.block.get("toolResult") {
            let Some(id) = result.get("toolUseId").and_then(Value::as_str) else {
                continue;
            };
            let at = Target::Value(b.pointer().key("toolResult").key("toolUseId"));
            if !calls.contains(id) {
                out.push(
                    Finding::new(
                        &RULE.meta,
                        at,
                        format!("`toolResult` answers `{id}`, which no earlier `toolUse` has"),
                    )
                    .help("a tool result follows the assistant's `toolUse` with the same `toolUseId`"),
                );
            } else if !answered.insert(id) {
                out.push(
                    Finding::new(
                        &RULE.meta,
                        at,
                        format!("`toolResult` answers `{id}` a second time"),
                    )
                    .help("give each tool call one result"),
                );
            }
        }
    }
}

fn defined(names: &HashSet<&str>) -> String {
    let mut list: Vec<&&str> = names.iter().collect();
    list.sort();
    if list.is_empty() {
        return "define the tool in `toolConfig.tools`".into();
    }
    let list: Vec<String> = list.iter().map(|n| format!("`{n}`")).collect();
    format!("defined tools: {}; define it or call one of them", list.join(", "))
}
