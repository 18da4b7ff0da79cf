//! S family: sensitive data in message text (secrets, personal data, special tokens). The
//! detection itself lives in [`crate::sensitive`], which returns typed matches ([`Kind`]); these
//! files hold each rule's documentation, metadata, wording and the hook that picks its kind.

// The family's rule files (`sNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_sensitive.rs"));

use crate::diagnostic::{Edit, Finding, Fix, RuleMeta, Target};
use crate::escapes::EscapeMap;
use crate::json::{locate, Pointer};
use crate::rules::{ExampleCtx, Rule, RuleDef};
use crate::sensitive::{mask_digits, redact_secret, Kind, SensitiveMatch};

/// The rule that reports a kind of match.
pub fn rule_of(kind: Kind) -> &'static RuleMeta {
    match kind {
        Kind::Secret => &s001_secret::RULE.meta,
        Kind::ExampleSecret => &s011_example_secret::RULE.meta,
        Kind::EmailAddress => &s002_email_address::RULE.meta,
        Kind::PhoneNumber => &s003_phone_number::RULE.meta,
        Kind::PaymentCard => &s004_payment_card::RULE.meta,
        Kind::NationalId => &s005_national_id::RULE.meta,
        Kind::SpecialToken => &s007_special_token::RULE.meta,
        Kind::StreetAddress => &s008_street_address::RULE.meta,
        Kind::BirthDate => &s009_birth_date::RULE.meta,
        Kind::Iban => &s010_iban::RULE.meta,
    }
}

/// The rule that reports a match, with its message and help; `value` is the matched text.
/// Secrets and numbers are redacted in the message.
pub fn describe(m: &SensitiveMatch, value: &str) -> (&'static RuleMeta, String, String) {
    let (message, help) = match m.kind {
        Kind::Secret => (
            s001_secret::message(&m.label, &redact_secret(value)),
            s001_secret::help(),
        ),
        Kind::ExampleSecret => (
            s011_example_secret::message(&m.label, value),
            s011_example_secret::help(),
        ),
        Kind::EmailAddress => (
            s002_email_address::message(value),
            s002_email_address::help(),
        ),
        Kind::PhoneNumber => (s003_phone_number::message(value), s003_phone_number::help()),
        Kind::PaymentCard => (
            s004_payment_card::message(&mask_digits(value)),
            s004_payment_card::help(),
        ),
        Kind::NationalId => (
            s005_national_id::message(&m.label, &mask_digits(value)),
            s005_national_id::help(),
        ),
        Kind::SpecialToken => (
            s007_special_token::message(value),
            s007_special_token::help(),
        ),
        Kind::StreetAddress => (
            s008_street_address::message(value),
            s008_street_address::help(),
        ),
        Kind::BirthDate => {
            let (cue, answers) = m.cue.clone().unwrap_or_default();
            (
                s009_birth_date::message(value, &cue, answers),
                s009_birth_date::help(),
            )
        }
        Kind::Iban => (s010_iban::message(&mask_digits(value)), s010_iban::help()),
    };
    (rule_of(m.kind), message, help)
}

/// The message of a value said once for its `count` occurrences in a file (S003, S008): the
/// first occurrence's message, how many times, and the other lines (twelve at most).
pub fn repeated(first: &str, count: u64, others: &crate::rules::OtherLines) -> String {
    let mut shown: Vec<String> = others.first.iter().take(12).map(u64::to_string).collect();
    if others.distinct > 12 {
        shown.push(format!("… {} more", others.distinct - 12));
    }
    format!(
        "{first}, {count} times in this file (also on line{} {})",
        if others.distinct == 1 { "" } else { "s" },
        shown.join(", ")
    )
}

/// A phone number's identity: its last ten digits, so that the country code or trunk prefix
/// does not matter (`(800) 273-8255` is `1-800-273-8255`, `020 7946 0958` is
/// `+44 20 7946 0958`).
pub fn phone_key(value: &str) -> String {
    let d: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
    d[d.len().saturating_sub(10)..].iter().collect()
}

/// An address's identity: its words, lower case.
pub fn words_key(value: &str) -> String {
    value
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a string's literal starts in the line, and how its escapes map decoded offsets to raw.
type Located = (usize, EscapeMap);

/// The example's matches of `kind` as findings, each spanning exactly the matched characters
/// in the raw line: the range in the decoded string is mapped back through the string's
/// escapes (the whole string when the locator cannot follow).
pub fn report(ex: &ExampleCtx<'_>, kind: Kind, out: &mut Vec<Finding>) {
    let Some(line) = ex.sensitive() else {
        return;
    };
    // The string a match is in is located, and its escapes mapped, once per string: a text
    // with thousands of matches is not re-read for each.
    let mut string: Option<(usize, Pointer, Option<Located>)> = None;
    for m in line.scan.matches.iter().filter(|m| m.kind == kind) {
        let t = &line.texts[m.message_index];
        let (rule, message, help) = describe(m, &t.text[m.range.clone()]);
        if string.as_ref().is_none_or(|(i, ..)| *i != m.message_index) {
            let pointer = Pointer::parse(&t.pointer);
            let mapped = locate::locate(ex.text, &pointer).and_then(|l| {
                let literal = &ex.text.as_bytes()[l.value.clone()];
                Some((l.value.start, EscapeMap::new(literal)?))
            });
            string = Some((m.message_index, pointer, mapped));
        }
        let (_, pointer, mapped) = string.as_ref().expect("set above");
        let target = mapped
            .as_ref()
            .and_then(|(start, map)| {
                let raw = map.range_to_raw(m.range.clone())?;
                Some(Target::Bytes(start + raw.start..start + raw.end))
            })
            .unwrap_or_else(|| Target::Value(pointer.clone()));
        let mut f = Finding::new(rule, target, message).help(help);
        if let (Target::Bytes(r), true) = (&f.target, crate::rules::def(rule.rule).unsafe_fix) {
            let edit = Edit {
                range: (ex.text_start + r.start) as u64..(ex.text_start + r.end) as u64,
                content: placeholder(kind, &m.label),
            };
            f = f.with_fix(Fix::unsafe_edits(REDACT_MESSAGE, vec![edit]));
        }
        // A secret is never shown whole, not even in a snippet.
        out.push(if kind == Kind::Secret {
            f.redacted()
        } else {
            f
        });
    }
}

/// What a redaction fix says it does.
const REDACT_MESSAGE: &str = "replace the value with a typed placeholder";

/// The rule `def` with the redaction fix: `--fix --unsafe-fixes` replaces each match with a
/// typed placeholder ([`placeholder`]) inside its JSON string. A rule opts in by wrapping its
/// definition: `pub static RULE: RuleDef = super::redacting(RuleDef { … });`.
pub const fn redacting(def: RuleDef) -> RuleDef {
    let fixed: fn(u64) -> String = match def.meta.rule {
        Rule::S001 => |n| replaced(n, "secret", "secrets", "typed placeholders"),
        Rule::S002 => |n| replaced(n, "e-mail address", "e-mail addresses", "`<EMAIL>`"),
        Rule::S003 => |n| replaced(n, "phone number", "phone numbers", "`<PHONE>`"),
        Rule::S004 => |n| replaced(n, "card number", "card numbers", "`<CARD_NUMBER>`"),
        Rule::S005 => |n| replaced(n, "national ID", "national IDs", "`<NATIONAL_ID>`"),
        _ => |n| replaced(n, "value", "values", "placeholders"),
    };
    RuleDef {
        fixed: Some(fixed),
        unsafe_fix: true,
        ..def
    }
}

/// `replaced 2 secrets with typed placeholders`.
fn replaced(n: u64, one: &str, many: &str, with: &str) -> String {
    format!(
        "replaced {n} {} with {with}",
        if n == 1 { one } else { many }
    )
}

/// The placeholder a match is replaced with: for a secret, its label in upper snake case
/// (`OpenAI API key` → `<OPENAI_API_KEY>`, `GitHub token` → `<GITHUB_TOKEN>`), so the reader
/// still knows what was there; for personal data, its kind. Only ASCII letters, digits, `_`,
/// `<` and `>`: nothing that needs escaping in a JSON string.
pub fn placeholder(kind: Kind, label: &str) -> String {
    let fixed = match kind {
        Kind::EmailAddress => "EMAIL",
        Kind::PhoneNumber => "PHONE",
        Kind::PaymentCard => "CARD_NUMBER",
        Kind::NationalId => "NATIONAL_ID",
        Kind::StreetAddress => "ADDRESS",
        Kind::BirthDate => "DATE_OF_BIRTH",
        Kind::SpecialToken => "SPECIAL_TOKEN",
        Kind::Iban => "IBAN",
        Kind::Secret | Kind::ExampleSecret => "",
    };
    if !fixed.is_empty() {
        return format!("<{fixed}>");
    }
    let mut name = String::with_capacity(label.len());
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_uppercase());
        } else if !name.is_empty() && !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_end_matches('_');
    if name.is_empty() {
        "<SECRET>".to_string()
    } else {
        format!("<{name}>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_typed() {
        assert_eq!(
            placeholder(Kind::Secret, "OpenAI API key"),
            "<OPENAI_API_KEY>"
        );
        assert_eq!(placeholder(Kind::Secret, "GitHub token"), "<GITHUB_TOKEN>");
        assert_eq!(
            placeholder(Kind::Secret, "Slack webhook URL"),
            "<SLACK_WEBHOOK_URL>"
        );
        assert_eq!(placeholder(Kind::Secret, "—"), "<SECRET>");
        assert_eq!(placeholder(Kind::EmailAddress, "e-mail"), "<EMAIL>");
        assert_eq!(placeholder(Kind::PaymentCard, "card"), "<CARD_NUMBER>");
    }
}
