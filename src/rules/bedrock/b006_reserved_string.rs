//! ## What it checks
//! A reserved string inside the text of a Bedrock record — a `system` prompt, a message's
//! `text` block or a `reasoningText` — at its exact characters: `User:`, `Bot:`, `Assistant:`,
//! `System:`, `Thought:`, `[EOS]`, `<image>`, `<video>`, `<unk>`, matched without regard to
//! case (as AWS's validator matches), anywhere in the text.
//!
//! ## Why it matters
//! Amazon's Nova guide: "The terms `User:`, `Bot:`, `Assistant:`, `System:`, `<image>`,
//! `<video>`, and `[EOS]` are reserved keywords. If a user prompt or system prompt starts with
//! any of these keywords, or has these keywords anywhere in the prompt, your training job will
//! fail due to data issues." AWS's validator adds `Thought:` and `<unk>` and compares
//! case-insensitively, so `user:` fails too. Transcripts pasted into one turn
//! (`User: … Assistant: …`) are the usual cause. The list, its sources and the choice of
//! case-insensitive matching are in `rules/bedrock/reserved.toml`. Sources, read 2026-12-01:
//! docs.aws.amazon.com/nova/latest/userguide/fine-tune-prepare-data-understanding.html,
//! aws-samples/amazon-nova-samples `nova_ft_dataset_validator.py` (`INVALID_TOKENS_TEXT`,
//! `validate_invalid_tokens`).
//!
//! ## Example
//! ```jsonl
//! {"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"text": "Summarise: User: my order is late. Assistant: sorry!"}]}, {"role": "assistant", "content": [{"text": "A late order and an apology."}]}]}
//! ```
//!
//! ## Configuration
//! None at run time: the strings and `case_sensitive` are data built into the binary
//! (`rules/bedrock/reserved.toml`). `--ignore B006` turns the rule off.
use crate::diagnostic::Finding;
use crate::rules::bedrock::{in_string, is_bedrock, texts, RESERVED};
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::LazyLock;

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::B006,
        name: "reserved-string",
        severity: Severity::Error,
        summary: "A string Nova fine-tuning reserves (`User:`, `Assistant:`, `[EOS]`, `<image>`, …) in a text",
    })
};

/// The reserved strings as one automaton: a text is read once whatever the list's length.
static MATCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(!RESERVED.case_sensitive)
        .match_kind(MatchKind::LeftmostLongest)
        .build(RESERVED.reserved.iter().map(|r| r.text.as_str()))
        .expect("the reserved strings build an automaton")
});

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if !is_bedrock(ex) {
        return;
    }
    for (at, text) in texts(ex.value) {
        for m in MATCHER.find_iter(text) {
            let pointer = at.pointer();
            let reserved = &RESERVED.reserved[m.pattern().as_usize()].text;
            let found = &text[m.range()];
            let message = if found == reserved {
                format!("`{}` contains the reserved string `{reserved}`", pointer.dotted())
            } else {
                format!(
                    "`{}` contains `{found}`, the reserved string `{reserved}` (matched without regard to case)",
                    pointer.dotted()
                )
            };
            out.push(
                Finding::new(&RULE.meta, in_string(ex.text, &pointer, m.range()), message)
                    .help(help(reserved)),
            );
        }
    }
}

fn help(reserved: &str) -> &'static str {
    match reserved {
        "<image>" | "<video>" => {
            "media goes in its own `image` or `video` block, not as a placeholder in text; remove it"
        }
        "[EOS]" | "<unk>" => "remove the tokenizer marker; Nova adds its own",
        _ => "Nova fine-tuning fails on this label anywhere in a prompt: split a pasted transcript into turns, or reword the label (e.g. without the colon)",
    }
}
