//! ## What it checks
//! Phone numbers in message text: international (`+81 90-1234-5678`, E.164 `+14155552671`),
//! US/Canada (`(415) 555-2671`, `415-555-2671`, `415 555 2671`), Japanese (mobile
//! `090-1234-5678` with or without dashes, landlines of ten digits `03-1234-5678`,
//! `0120-123-456`, ASCII or full-width), and the national formats of the UK (`020 7946 0958`,
//! `07700 900123`), Germany (`030 12345678`, `089/1234567`), France (`01 23 45 67 89`), Korea
//! (`010-1234-5678`), Israel (`09-7625400`), Australia (`(02) 9876 5432`, `0412 345 678`), India
//! (`98765 43210`), China (`138 0013 8000`, `010-12345678`) and Brazil (`(11) 91234-5678`): a
//! trunk prefix `0` and an area code, 9–12 digits in all, not a date, an SSN shape or an id
//! written in groups of four (`0673-2397-8196`). The same numbers without separators
//! (`07700900123`, `13800138000`) report only when the text speaks of a phone. Numbers that
//! continue a longer number (versions, ISBNs, timestamps) and the US fiction range
//! `555-0100`–`555-0199` stay silent. A number repeated over the file (a hotline) is one finding
//! at its first occurrence, with the count and the other lines; its written forms are one number
//! (`(800) 273-8255` is `1-800-273-8255`). Up to 65,536 distinct values (these numbers and
//! S008's addresses together) are followed at once: past that, numbers seen only once so far
//! are forgotten, and one of them seen again is a new finding, counted from there (a file of
//! millions of distinct numbers costs no memory per number).
//! ## Why it matters
//! A phone number reaches a person directly; a model trained on it can repeat it to anyone.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "担当者の連絡先は？"}, {"role": "assistant", "content": "山本さんの携帯は090-3812-4471です。"}]}
//! ```
//! ## Fix
//! Unsafe (`--fix --unsafe-fixes`): the number becomes `<PHONE>` inside its JSON string.
//! ## Configuration
//! Allow-list numbers that belong in the data (a public hotline, the company's switchboard)
//! with `allow` in the `sensitive` section of the configuration; a listed number is matched by
//! its digits, however it is written (`allow = ["1-800-273-8255"]` also allows `(800) 273-8255`
//! and `+1 800 273 8255`).

use crate::diagnostic::Finding;
use crate::sensitive::Kind;
use crate::rules::{ExampleCtx, Repeats, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = super::redacting(RuleDef {
    example: Some(check),
    // A hotline printed on every line is one finding with a count, not hundreds.
    once_per_value: Some(Repeats {
        key: super::phone_key,
        message: super::repeated,
    }),
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
