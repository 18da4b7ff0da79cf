//! ## What it checks
//! A top-level key the Alpaca format does not define: anything but `instruction`, `input`,
//! `output`, `system`, `history`, and the media and tool columns `images`, `videos`, `audios`,
//! `tools`.
//!
//! ## Why it matters
//! LLaMA-Factory reads only the columns `dataset_info.json` maps to the format's roles
//! (data/README.md, read 2026-12-01); any other key is silently ignored. That is harmless for
//! metadata (`id`, `source`), and the way an answer gets lost when it sits under another name
//! (`response`, `answer`): the example then has no `output` (A001). It is a warning.
//! Under a `dataset_info.json` entry the entry's column names are the format's, and a default
//! name the entry does not map (`input`, `history`, `system` when its `columns` leave them out)
//! is such an ignored key: LLaMA-Factory reads only the columns an entry lists. Without an
//! entry, preference (`chosen`, `rejected`) and KTO (`kto_tag`) columns get this warning too
//! (LLaMA-Factory reads them only when an entry maps them).
//!
//! ## Example
//! ```jsonl
//! {"instruction": "Translate to French.", "input": "cheese", "output": "fromage", "source": "web"}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::rules::schema::Issue;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};
use jsonschema::error::ValidationErrorKind;

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::A004,
        name: "unknown-alpaca-key",
        severity: Severity::Warning,
        summary: "A key the Alpaca format does not define (ignored by the loader)",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let ValidationErrorKind::AdditionalProperties { unexpected } = issue.kind else {
        return issue.generic(&RULE.meta);
    };
    unexpected
        .iter()
        .map(|k| {
            let help = match k.as_str() {
                "response" | "answer" | "completion" => {
                    "the answer goes in `output`; LLaMA-Factory does not read this key unless `dataset_info.json` maps it"
                }
                "prompt" | "question" => {
                    "the question goes in `instruction`; LLaMA-Factory does not read this key unless `dataset_info.json` maps it"
                }
                _ => "LLaMA-Factory ignores this key unless `dataset_info.json` maps it; remove it if it is not meant to be read",
            };
            Finding::new(
                &RULE.meta,
                Target::Key(issue.pointer.key(k)),
                format!("unknown key `{k}` in an Alpaca example"),
            )
            .help(help)
        })
        .collect()
}
