//! ## What it checks
//! National identifiers in message text: US Social Security numbers in the `123-45-6789` form
//! (never-issued ranges excluded: area 000, 666, 900–999, group 00, serial 0000, and famous
//! sample numbers), and in their other written forms — spaces (`536 22 1234`), dots
//! (`536.22.1234`), no separator (`536221234`) — when an SSN word (`SSN`, `social security
//! number`, `SS#`) is at most 30 characters before the number or right after it; and Japanese My Number (個人番号): twelve digits with a valid check digit,
//! when the same text calls it a My Number (`マイナンバー`, `個人番号`). The message shows only
//! the last four digits.
//! ## Why it matters
//! National IDs enable identity theft and are specially protected personal data in most
//! jurisdictions (in Japan, My Number handling is restricted by law).
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Fill in the form for me. SSN 536-22-1234."}, {"role": "assistant", "content": "I filled in the form."}]}
//! ```
//! ## Fix
//! Unsafe (`--fix --unsafe-fixes`): the ID becomes `<NATIONAL_ID>` inside its JSON string.
//! ## Configuration
//! None.

use crate::diagnostic::Finding;
use crate::sensitive::Kind;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = super::redacting(RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::S005,
        name: "national-id",
        severity: Severity::Warning,
        summary: "A national identifier (US SSN, Japanese My Number) in message text",
    })
});

/// `` US Social Security number `•••-••-1234` `` — `masked` must already be masked.
fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    super::report(ex, Kind::NationalId, out);
}

pub fn message(label: &str, masked: &str) -> String {
    format!("{label} `{masked}`")
}

pub fn help() -> String {
    "remove the identifier; national IDs must not be in training data".into()
}
