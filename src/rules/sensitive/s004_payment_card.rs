//! ## What it checks
//! Payment card numbers in message text: 12 to 19 digits in the issuer range of a card network,
//! with a length that network issues (Visa, Mastercard incl. the 2-series, Amex, Discover, JCB,
//! Diners, Maestro, UnionPay, Dankort, UATP, Mir, RuPay, Troy, Verve, …: the table is
//! `rules/sensitive/data/card_iin.toml`), passing the Luhn check. Numbers grouped by spaces or
//! dashes (`4539 1488 0343 6467`, Amex `3714 718818 17419`) report on their own, and two
//! numbers side by side (`4111 1111 1111 1111 5500 0000 0000 0004`) report both; the digits of
//! an IBAN (`DE89 3704 …`, S010) are never read as a card. An ungrouped run of
//! digits reports only when the same text speaks of a card (`card`, `カード`, `Visa`, `CVV`, …),
//! since one random order or tracking number in ten with a card prefix passes the Luhn check.
//! Timestamps and other long numbers fail the prefix or the check and stay silent. The message
//! shows only the last four digits.
//! ## Why it matters
//! Card numbers are regulated data (PCI DSS); a model must never learn to produce them. Even
//! published test numbers teach it to emit card-shaped strings.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Pay with my card 4539 1488 0343 6467, exp 04/27."}, {"role": "assistant", "content": "Done, the order is paid."}]}
//! ```
//! ## Fix
//! Unsafe (`--fix --unsafe-fixes`): the card number becomes `<CARD_NUMBER>` inside its JSON string.
//! ## Configuration
//! None.

use crate::diagnostic::Finding;
use crate::sensitive::Kind;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = super::redacting(RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::S004,
        name: "payment-card",
        severity: Severity::Warning,
        summary: "A payment card number (passes the Luhn check) in message text",
    })
});

/// `` payment card number `•••• •••• •••• 6467` `` — `masked` must already be masked.
fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    super::report(ex, Kind::PaymentCard, out);
}

pub fn message(masked: &str) -> String {
    format!("payment card number `{masked}` (passes the Luhn check)")
}

pub fn help() -> String {
    "remove the card number; use a placeholder such as `XXXX-XXXX-XXXX-1234` if the format matters"
        .into()
}
