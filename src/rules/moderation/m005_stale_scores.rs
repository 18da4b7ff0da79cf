//! ## What it checks
//! A per-text record of the `--scores` file whose `line` and `pointer` name this text, but
//! whose `sha256` is not the hash of the text now there: the line changed after it was scored.
//! The stale score is not used.
//! ## Why it matters
//! A score of an older text says nothing about the new one; using it would hide a risk or
//! invent one.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris, since the 10th century."}]}
//! ```
//! (with a record for `/messages/1/content` of line 1 computed for `"Paris."`)
//! ## Configuration
//! None.

use crate::diagnostic::Finding;
use crate::moderation::check::Event;
use crate::rules::ExampleCtx;
use crate::moderation::scores::hash_hex;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    uses_moderation: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::M005,
        name: "stale-scores",
        severity: Severity::Warning,
        summary: "an imported score whose content hash no longer matches the line",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    super::report(ex, out, |e| matches!(e, Event::Stale { .. }));
}

pub fn message(recorded: &[u8; 32], current: &[u8; 32]) -> String {
    format!(
        "the imported score is stale: it was computed for text `sha256:{}…`, this text is `sha256:{}…`",
        &hash_hex(recorded)[..12],
        &hash_hex(current)[..12]
    )
}

pub fn help() -> String {
    "re-export scores for the current file: `ftlint moderate FILE --export SCORES`".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::scores::text_hash;

    #[test]
    fn names_both_hashes() {
        let m = message(&text_hash("abc"), &text_hash(""));
        assert_eq!(
            m,
            "the imported score is stale: it was computed for text `sha256:ba7816bf8f01…`, this text is `sha256:e3b0c44298fc…`"
        );
    }
}
