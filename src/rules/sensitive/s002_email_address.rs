//! ## What it checks
//! E-mail addresses in message text. Addresses on reserved documentation domains
//! (`example.com`, `.example`, `.test`, `.invalid`, `localhost`), obvious placeholders
//! (`user@…`, `noreply@…`), `git@` remotes and retina image names (`icon@2x.png`) stay silent.
//! ## Why it matters
//! An e-mail address identifies and reaches a person. A model trained on it can repeat it to
//! anyone, and privacy review treats it as personal data.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Who handles refunds?"}, {"role": "assistant", "content": "Write to maria.gonzalez@northwind-mail.com, she handles refunds."}]}
//! ```
//! ## Fix
//! Unsafe (`--fix --unsafe-fixes`): the address becomes `<EMAIL>` inside its JSON string.
//! ## Configuration
//! Allow-list addresses or domains with `allow` / `allow-regex` in the `sensitive` section of the
//! configuration.

use crate::diagnostic::Finding;
use crate::sensitive::Kind;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = super::redacting(RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::S002,
        name: "email-address",
        severity: Severity::Warning,
        summary: "An e-mail address in message text",
    })
});

/// `` e-mail address `maria@northwind-mail.com` ``
fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    super::report(ex, Kind::EmailAddress, out);
}

pub fn message(address: &str) -> String {
    format!("e-mail address `{address}`")
}

pub fn help() -> String {
    "remove it or replace it with a placeholder on a reserved domain, e.g. `user@example.com`"
        .into()
}
