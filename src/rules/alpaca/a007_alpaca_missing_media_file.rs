//! ## What it checks
//! In a file that LLaMA-Factory's `dataset_info.json` describes with media columns, a local
//! media path (not an `http(s)://`, `data:`, `s3://`, `gs://` or `file://` URL) that is not a
//! file under the folder holding `dataset_info.json` — LLaMA-Factory's default `media_dir`.
//!
//! ## Why it matters
//! LLaMA-Factory's converter joins each path to `media_dir` (`_find_medias`, read 2026-12-01);
//! when that is no file it logs "Media … does not exist in `media_dir`. Use original path."
//! once and opens the path as written, relative to wherever training runs. On another
//! machine, or from another folder, the image is then missing and the run fails while
//! loading it. A warning: the path may be right for the training machine.
//!
//! ## Example
//! With `"columns": {"images": "images"}` in the entry and no `photos/cat.png` beside it:
//! ```jsonl
//! {"instruction": "<image>What is this?", "output": "A cat.", "images": ["photos/cat.png"]}
//! ```
//!
//! ## Configuration
//! The column names come from the file's `dataset_info.json` entry; ftlint does not read a
//! training config, so a `media_dir` set there is not known (paths are checked against the
//! dataset folder).
use crate::format::Format;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::A007,
        name: "alpaca-missing-media-file",
        severity: Severity::Warning,
        summary: "An Alpaca local media path that is not a file in LLaMA-Factory's `media_dir` (the dataset folder)",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<crate::diagnostic::Finding>) {
    if ex.format == Format::Alpaca {
        crate::rules::sharegpt::columns::media_files(&RULE.meta, ex, out);
    }
}
