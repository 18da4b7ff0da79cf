//! ## What it checks
//! In a file that LLaMA-Factory's `dataset_info.json` describes with a `kto_tag` column, an
//! example whose tag is missing or is not a JSON boolean (`"true"`, `1`, `null`).
//!
//! ## Why it matters
//! LLaMA-Factory's Alpaca converter (`src/llamafactory/data/converter.py`, read 2026-12-01)
//! treats an example as KTO data only when `isinstance(example[kto_tag], bool)`; any other
//! value makes it an ordinary supervised example — no error, no log line. A file of `"true"`
//! strings then trains nothing of what KTO was meant to learn, and its undesirable answers
//! are learned as good ones.
//!
//! ## Example
//! With `"columns": {"kto_tag": "label"}` in the entry:
//! ```jsonl
//! {"instruction": "Say hi.", "output": "Go away.", "label": "false"}
//! ```
//!
//! ## Configuration
//! The column name comes from the file's `dataset_info.json` entry (`--dataset-info`, or the
//! one beside the file).
use crate::format::Format;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::A005,
        name: "invalid-alpaca-kto-tag",
        severity: Severity::Error,
        summary: "An Alpaca KTO tag (the entry's `kto_tag` column) that is missing or not a boolean",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<crate::diagnostic::Finding>) {
    if ex.format == Format::Alpaca {
        crate::rules::sharegpt::columns::kto(&RULE.meta, ex, out);
    }
}
