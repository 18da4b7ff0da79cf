//! ## What it checks
//! International bank account numbers (IBAN, ISO 13616) in message text: a country code, two
//! check digits and the country's account number, written compact (`DE89370400440532013000`)
//! or in groups of four (`GB29 NWBK 6016 1331 9268 19`). An IBAN reports only when its length is
//! the one the IBAN registry gives its country (89 countries, data in
//! `rules/sensitive/data/iban_registry.toml`) and its check digits pass ISO 7064 mod 97-10, so a
//! mistyped or made-up code stays silent. Its digits are never also reported as a payment card
//! (S004) or a phone number (S003). The message shows only the last four digits.
//! ## Why it matters
//! An IBAN identifies a person's bank account; with a name it enables fraud (direct debits,
//! social engineering), and a model trained on it can repeat it.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Where should I send the rent?"}, {"role": "assistant", "content": "To my account DE89 3704 0044 0532 0130 00, thanks."}]}
//! ```
//! ## Configuration
//! Allow-list an account (a charity's published donation account, say) with `allow` in the
//! `sensitive` section of the configuration.

use crate::diagnostic::Finding;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use crate::sensitive::Kind;

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::S010,
        name: "iban",
        severity: Severity::Warning,
        summary: "A bank account number (IBAN with valid check digits) in message text",
    })
};

/// `` IBAN `DE•• •••• •••• •••• ••30 00` (valid check digits) `` — `masked` must already be masked.
fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    super::report(ex, Kind::Iban, out);
}

pub fn message(masked: &str) -> String {
    format!("IBAN `{masked}` (valid check digits)")
}

pub fn help() -> String {
    "remove the account number or use a placeholder that fails the check digits \
     (`DE00 0000 0000 0000 0000 00`)"
        .into()
}
