//! Token counts of training examples, training epochs and cost.
//!
//! - [`count`]: tokens of one string, re-exported from the `ftlint-tokens` crate
//!   (`crates/ftlint-tokens`: tiktoken's vocabularies laid out at build time, counted with no
//!   start-up work), identical to tiktoken's `encode_ordinary`.
//! - [`example`]: tokens of one training example (chat, prompt/completion, preference) by the
//!   OpenAI cookbook's formula.
//! - [`cost`](mod@cost): billed tokens, the service's default-epochs rule, the cost estimate and the
//!   per-file totals that go into the JSON report.
//! - [`distribution`]: min / p10 / median / p90 / max and a terminal histogram.
//! - [`hf`]: open models' exact counts — a Hugging Face `tokenizer.json` and the model's chat
//!   template, rendered as `transformers`' `apply_chat_template` does — and where `max_length`
//!   cuts an example.

pub mod cost;
pub mod distribution;
pub mod example;
pub mod hf;

pub use cost::{billed, cost, epochs, estimated_cost, format_usd, Cost, FileTokens, Pricing};
pub use distribution::{histogram, Distribution};
pub use example::{count_example, ExampleTokens};
pub use ftlint_tokens::count;

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    /// The tokenizer crate checks its counts against its own copy of the recorded tiktoken counts
    /// (it stands alone); the cookbook formula's tests read this one. Both must stay the same
    /// file.
    #[test]
    fn token_counts_fixture_matches_the_crates_copy() {
        assert_eq!(
            include_str!("../../fixtures/token-counts.jsonl"),
            include_str!("../../crates/ftlint-tokens/tests/data/token-counts.jsonl"),
        );
    }
}
