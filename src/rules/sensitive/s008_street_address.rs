//! ## What it checks
//! Street addresses with house numbers in message text. Japanese: a prefecture, one to three
//! municipality levels (市/区/町/村/郡), a town name and a house number — `8丁目1−5`, `1番地2`,
//! `3番4号` or number-dash forms (`1-2-3`, `１－２－３`) with any of the dashes Japanese text uses.
//! US: a house number, one to three capitalised words and a street suffix (`742 Evergreen
//! Terrace`, `1600 Pennsylvania Avenue`, `350 5th Ave, Apt 4B`). A prefecture and city without a
//! house number (`青森県五所川原市`) and the word "address" alone stay silent. An address
//! repeated over the file (the company's office in every signature) is one finding at its first
//! occurrence, with the count and the other lines.
//! ## Why it matters
//! A street address with house number locates a person's home: privacy and moderation review
//! react to it, and a model trained on it can repeat it.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "愛上 尾根さんの現在住所を教えてください。"}, {"role": "assistant", "content": "東京都品川区西五反田8丁目1−5です。"}]}
//! ```
//! ## Configuration
//! Allow-list addresses that belong in the data (your company's public office) with `allow` in
//! the `sensitive` section of the configuration, matched ignoring case and spacing
//! (`allow = ["1 Infinite Loop"]`).

use crate::diagnostic::Finding;
use crate::sensitive::Kind;
use crate::rules::{ExampleCtx, Repeats, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    // A hotline printed on every line is one finding with a count, not hundreds.
    once_per_value: Some(Repeats {
        key: super::words_key,
        message: super::repeated,
    }),
    ..RuleDef::new(RuleMeta {
        rule: Rule::S008,
        name: "street-address",
        severity: Severity::Warning,
        summary: "A street address with house number in message text",
    })
};

/// `` street address `東京都品川区西五反田8丁目1−5` ``
fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    super::report(ex, Kind::StreetAddress, out);
}

pub fn message(address: &str) -> String {
    format!("street address `{address}`")
}

pub fn help() -> String {
    "remove the address or keep only the city; fictional data should not look like a real home"
        .into()
}
