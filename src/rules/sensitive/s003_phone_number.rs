//! ## What it checks
//! Phone numbers in message text: international (`+81 90-1234-5678`, E.164 `+14155552671`), US
//! national (`(415) 555-2671`, `415-555-2671`) and Japanese forms — mobile `090-1234-5678`
//! (also 080/070/050, with or without dashes) and landlines with ten digits (`03-1234-5678`,
//! `0120-123-456`), in ASCII or full-width digits and dashes. Numbers that continue a longer
//! number (versions, ISBNs, timestamps) and the US fiction range `555-0100`–`555-0199` stay silent.
//! ## Why it matters
//! A phone number reaches a person directly; a model trained on it can repeat it to anyone.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "担当者の連絡先は？"}, {"role": "assistant", "content": "山本さんの携帯は090-3812-4471です。"}]}
//! ```
//! ## Fix
//! Unsafe (`--fix --unsafe-fixes`): the number becomes `<PHONE>` inside its JSON string.
//! ## Configuration
//! Allow-list numbers (e.g. a company's public switchboard) with `allow` in the `sensitive`
//! section of the configuration.

use crate::diagnostic::Finding;
use crate::sensitive::Kind;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = super::redacting(RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::S003,
        name: "phone-number",
        severity: Severity::Warning,
        summary: "A phone number in message text",
    })
});

/// `` phone number `090-3812-4471` ``
fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    super::report(ex, Kind::PhoneNumber, out);
}

pub fn message(number: &str) -> String {
    format!("phone number `{number}`")
}

pub fn help() -> String {
    "remove it or replace it with a fictional number (US `555-0100`–`555-0199`)".into()
}
