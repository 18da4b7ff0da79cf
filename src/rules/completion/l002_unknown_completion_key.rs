//! ## What it checks
//! A legacy prompt/completion example with a key other than `prompt` and `completion`.
//!
//! ## Why it matters
//! The service rejects the file. Extra columns (ids, labels, sources) often survive a
//! conversion from CSV.
//!
//! ## Example
//! ```jsonl
//! {"prompt": "Translate to French: cheese ->", "completion": " fromage", "id": 17}
//! ```
//!
//! ## Configuration
//! Only for targets whose prompt/completion records are OpenAI's legacy ones: not on `hf`,
//! whose trainer reads the two columns and ignores the others (`legacy_completion = false` in a
//! target table).
use crate::diagnostic::Finding;
use crate::rules::schema::Issue;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::L002,
        name: "unknown-completion-key",
        severity: Severity::Error,
        summary: "A key other than `prompt` and `completion`",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|mut f| {
            f.message = f.message.replace(" in the line", " at the top level");
            f.help("a legacy example allows only `prompt` and `completion`; keep metadata in a separate file")
        })
        .collect()
}
