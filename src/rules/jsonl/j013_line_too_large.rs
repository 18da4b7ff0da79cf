//! ## What it checks
//! A line longer than any fine-tuning service takes as one example: over 150 MiB
//! (157,286,400 bytes, without its newline). ftlint does not hold such a line in memory: it
//! reads it as a stream and checks what can be checked that way, each at its exact line and
//! column — invalid UTF-8 (J001), the first JSON syntax error (J002), a value that is not an
//! object (J003), nesting too deep (J009), lone surrogate escapes (J008, the first 100), BOM,
//! blank line and line endings (J004, J005, J006, J010). The lines around it are checked as
//! usual. What needs the parsed example (duplicate keys, the format's rules, tokens, sensitive
//! data, duplicates across lines) is not checked on it, and it counts as no example.
//!
//! ## Why it matters
//! The limit is the largest example a service ftlint knows accepts, from their published
//! limits (`rules/line.toml`, with sources): 10 images of at most 10 MB each, inline as base64
//! data URLs (OpenAI, Azure OpenAI, Together; 139.8 MB), plus the text of the largest training
//! context (300,000 tokens, Amazon Nova; at most 10.8 MB of JSON). A longer line is rejected or
//! truncated wherever it goes; it is usually a file joined into one line, a dump that lost its
//! newlines, or media that belongs in a URL.
//!
//! ## Example
//! A 200 MB line:
//! ```jsonl
//! {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo… 200 MB …"}}]}]}
//! ```
//!
//! ## Configuration
//! None. The limit is data, in `rules/line.toml`.
use crate::diagnostic::{Finding, Target};
use crate::rules::LongLine;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    oversize: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::J013,
        name: "line-too-large",
        severity: Severity::Error,
        summary: "A line larger than any service takes as one example (150 MiB); streamed, not held",
    })
};

fn check(line: &LongLine<'_>, out: &mut Vec<Finding>) {
    let at = line.scan.bom as usize;
    out.push(
        Finding::new(
            &RULE.meta,
            Target::Raw(at..at),
            format!(
                "the line is {} bytes; no fine-tuning service takes an example over {} bytes, so it was checked as a stream, not as an example",
                thousands(line.scan.len),
                thousands(line.limit)
            ),
        )
        .help("split it into examples, or move inline media to URLs; a line this large is often several lines joined or a file that lost its newlines"),
    );
}

/// `157286400` → `157,286,400`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
