//! ## What it checks
//! In a file that LLaMA-Factory's `dataset_info.json` describes with `images`, `videos` or
//! `audios` columns, an example whose number of items in such a column differs from the
//! number of `<image>` (`<video>`, `<audio>`) placeholders in its turns. A missing or empty
//! column holds no item; a lone string holds one.
//!
//! ## Why it matters
//! LLaMA-Factory's multimodal plugins (`src/llamafactory/data/mm_plugin.py`,
//! `_validate_messages`, read 2026-12-01) count the placeholders in the example's messages
//! and raise "The number of images does not match the number of <image> tokens in …":
//! training stops at the first such example, possibly hours into preprocessing. The system
//! prompt is not one of the messages counted.
//!
//! ## Example
//! With `"columns": {"images": "images"}` in the entry:
//! ```jsonl
//! {"instruction": "<image><image>What differs?", "output": "The colour.", "images": ["a.png"]}
//! ```
//!
//! ## Configuration
//! The column names come from the file's `dataset_info.json` entry. The placeholders are
//! LLaMA-Factory's defaults (`rules/llamafactory/dataset_info.toml`); it lets the
//! `IMAGE_PLACEHOLDER` (…) environment variables change them, which ftlint does not read.
use crate::format::Format;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::A006,
        name: "alpaca-media-placeholder-mismatch",
        severity: Severity::Error,
        summary: "Alpaca media items and `<image>`/`<video>`/`<audio>` placeholders that differ in number",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<crate::diagnostic::Finding>) {
    if ex.format == Format::Alpaca {
        crate::rules::sharegpt::columns::media_count(&RULE.meta, ex, out);
    }
}
