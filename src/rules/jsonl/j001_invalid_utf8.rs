//! ## What it checks
//! A line that is not valid UTF-8. The finding points at the first bad byte and shows its value.
//!
//! ## Why it matters
//! JSON text must be UTF-8 (RFC 8259). Upload services reject such a line, and it usually means
//! the file was exported in another encoding (Shift_JIS, Latin-1, UTF-16) or was cut in the
//! middle of a multi-byte character.
//!
//! ## Example
//! A line holding the Latin-1 byte `0xE9` (`é`) instead of UTF-8's `0xC3 0xA9`:
//! ```text
//! {"messages": [{"role": "user", "content": "caf\xE9"}]}
//! ```
//!
//! ## Configuration
//! None. Re-encode the file (`iconv -f latin1 -t utf-8`).
use crate::rules::{LongLine, RawLine};
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    raw: Some(check),
    oversize: Some(check_long),
    ..RuleDef::new(RuleMeta {
        rule: Rule::J001,
        name: "invalid-utf8",
        severity: Severity::Error,
        summary: "A line is not valid UTF-8",
    })
};

fn check(line: &RawLine<'_>, out: &mut Vec<Finding>) {
    if line.text.is_some() {
        return;
    }
    let content = &line.bytes[line.content.clone()];
    let Err(e) = std::str::from_utf8(content) else {
        return;
    };
    let start = e.valid_up_to();
    let len = e.error_len().unwrap_or(content.len() - start);
    let at = line.content.start + start;
    out.push(finding(&content[start..start + len], at..at + len));
}

/// A line too long to hold: its first invalid sequence, found as it streamed.
fn check_long(line: &LongLine<'_>, out: &mut Vec<Finding>) {
    if let Some(u) = &line.scan.utf8 {
        let at = u.at as usize;
        out.push(finding(&u.bad, at..at + u.bad.len()));
    }
}

/// `bad` are the invalid bytes, at `span` in the raw line.
pub fn finding(bad: &[u8], span: std::ops::Range<usize>) -> Finding {
    let hex: Vec<String> = bad.iter().map(|b| format!("0x{b:02X}")).collect();
    Finding::new(
        &RULE.meta,
        Target::Raw(span),
        format!("invalid UTF-8: byte `{}` cannot start or continue a character here", hex.join(" ")),
    )
    .help("re-encode the file as UTF-8; it may have been saved as Latin-1, Shift_JIS or UTF-16, or cut mid-character")
}
