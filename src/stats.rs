//! `ftlint stats`: a file's shape in numbers — examples, messages and tokens per example
//! (min / p10 / median / p90 / max), a histogram of tokens per example, examples missing a
//! system or user message, billed tokens, epochs and cost.
//!
//! Pure: the engine turns each parsed line into an [`ExampleRecord`] (small and `Copy`, so
//! workers can collect them in any order), then [`build`] makes the [`StatsReport`], which
//! serializes for `--output-format json` and renders for the terminal with
//! [`StatsReport::render_text`].

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::targets::{Counter, Encoding};
use crate::tokens::distribution::{bins, render, Bin};
use crate::tokens::thousands;
use crate::tokens::Pricing;
use crate::tokens::{count_example, format_usd, Distribution, FileTokens};

/// What `stats` needs to know about one example.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ExampleRecord {
    /// Messages in the conversation (0 for prompt/completion examples).
    pub messages: u32,
    /// Tokens of the whole example.
    pub tokens: u64,
    /// Tokens of the assistant's content (the completion for prompt/completion).
    pub assistant_tokens: u64,
    /// A `system` (or `developer`) message is present.
    pub has_system: bool,
    /// A `user` message is present.
    pub has_user: bool,
}

impl ExampleRecord {
    /// Builds the record of one parsed line. Chat lines use `messages`; preference lines their
    /// input messages plus the preferred output (as counted by [`count_example`]). Never panics.
    pub fn from_value(counter: impl Into<Counter>, example: &Value) -> ExampleRecord {
        let tokens = count_example(counter, example);
        if example.get("messages").is_none() && example.get("contents").is_some() {
            // Gemini: turns are `contents`, the system prompt is `systemInstruction`.
            let turns = crate::gemini::turns(example);
            return ExampleRecord {
                messages: u32::try_from(turns.len()).unwrap_or(u32::MAX),
                tokens: tokens.total,
                assistant_tokens: tokens.assistant,
                has_system: crate::gemini::SYSTEM_INSTRUCTION.get(example).is_some(),
                has_user: turns.iter().any(|t| t.role == Some("user")),
            };
        }
        fn list(v: Option<&Value>) -> &[Value] {
            v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
        }
        let (first, second) = match example.get("input") {
            Some(input) if example.get("messages").is_none() => (
                list(input.get("messages")),
                list(example.get("preferred_output")),
            ),
            _ => (list(example.get("messages")), &[][..]),
        };
        let roles = first
            .iter()
            .chain(second)
            .filter_map(|m| m.get("role").and_then(Value::as_str));
        // A Bedrock record's system prompt is a top-level list, not a message.
        let mut has_system = example
            .get("system")
            .and_then(Value::as_array)
            .is_some_and(|s| !s.is_empty());
        let mut has_user = false;
        for role in roles {
            has_system |= role == "system" || role == "developer";
            has_user |= role == "user";
        }
        ExampleRecord {
            messages: u32::try_from(first.len() + second.len()).unwrap_or(u32::MAX),
            tokens: tokens.total,
            assistant_tokens: tokens.assistant,
            has_system,
            has_user,
        }
    }
}

/// The statistics of one file (one element of the JSON output's `files`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatsReport {
    pub path: String,
    pub model: String,
    /// The tiktoken encoding of exact counts; `null` when counts are estimated.
    pub encoding: Option<Encoding>,
    /// `exact`, or `estimated` (then `tokenizer` says how).
    pub token_counts: &'static str,
    /// How tokens were counted: the encoding, or the estimate's ratio.
    pub tokenizer: String,
    /// The model's training context, in tokens.
    pub context: u32,
    pub examples: u64,
    /// `null` when the file has no examples (also for the other distributions).
    pub messages_per_example: Option<Distribution>,
    pub tokens_per_example: Option<Distribution>,
    pub assistant_tokens_per_example: Option<Distribution>,
    /// Bins of tokens per example (the terminal histogram's data).
    pub tokens_histogram: Vec<Bin>,
    /// Conversations (examples with messages) that have no system message.
    pub missing_system: u64,
    /// Conversations that have no user message.
    pub missing_user: u64,
    /// Examples over the context (T001), truncated by the service.
    pub over_context: u64,
    pub tokens: FileTokens,
    pub epochs: u32,
    /// USD per 1M training tokens; `null` when unknown.
    pub price_per_mtok: Option<f64>,
    /// USD per training hour, for services that bill time (then no token cost).
    pub price_per_hour: Option<f64>,
    pub prices_date: String,
    /// `price × billed × epochs / 1e6`; `null` when the price is unknown.
    pub estimated_cost_usd: Option<f64>,
}

/// Builds the report of `path` from its examples' records (order does not matter).
/// `epochs_override` is `--epochs N`.
pub fn build(
    path: &str,
    records: &[ExampleRecord],
    pricing: &Pricing,
    epochs_override: Option<u32>,
) -> StatsReport {
    let model = &pricing.model;
    let column = |f: fn(&ExampleRecord) -> u64| -> Vec<u64> { records.iter().map(f).collect() };
    let tokens_per_example = column(|r| r.tokens);
    let mut totals = FileTokens::default();
    for &t in &tokens_per_example {
        totals.add(t, model.context);
    }
    let conversations = || records.iter().filter(|r| r.messages > 0);
    let n = records.len() as u64;
    let epochs = pricing.epochs(n, epochs_override);
    StatsReport {
        path: path.to_owned(),
        model: model.name.clone(),
        encoding: match pricing.counter {
            Counter::Exact(e) => Some(e),
            Counter::Estimate { .. } => None,
        },
        token_counts: if pricing.counter.is_exact() {
            "exact"
        } else {
            "estimated"
        },
        tokenizer: pricing.counter.describe(),
        context: model.context,
        examples: n,
        messages_per_example: Distribution::of(&column(|r| u64::from(r.messages))),
        tokens_per_example: Distribution::of(&tokens_per_example),
        assistant_tokens_per_example: Distribution::of(&column(|r| r.assistant_tokens)),
        tokens_histogram: bins(&tokens_per_example),
        missing_system: conversations().filter(|r| !r.has_system).count() as u64,
        missing_user: conversations().filter(|r| !r.has_user).count() as u64,
        over_context: tokens_per_example
            .iter()
            .filter(|&&t| t > u64::from(model.context))
            .count() as u64,
        tokens: totals,
        epochs,
        price_per_mtok: model.price_per_mtok,
        price_per_hour: model.price_per_hour,
        prices_date: pricing.prices_date.clone(),
        estimated_cost_usd: pricing.cost(totals.billed, epochs).usd(),
    }
}

impl StatsReport {
    /// The terminal rendering: plain text, fixed-width columns, deterministic. The histogram is
    /// drawn from the stored bins, so the text needs no per-example data.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} — {} example{} · {} ({}, context {})",
            self.path,
            thousands(self.examples),
            if self.examples == 1 { "" } else { "s" },
            self.model,
            self.tokenizer,
            thousands(u64::from(self.context)),
        );
        let rows = [
            ("messages / example", self.messages_per_example),
            ("tokens / example", self.tokens_per_example),
            (
                "assistant tokens / example",
                self.assistant_tokens_per_example,
            ),
        ];
        let _ = writeln!(
            out,
            "  {:<26} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "", "min", "p10", "median", "p90", "max"
        );
        for (label, dist) in rows {
            match dist {
                Some(d) => {
                    let _ = writeln!(
                        out,
                        "  {label:<26} {:>9} {:>9} {:>9} {:>9} {:>9}",
                        thousands(d.min),
                        thousands(d.p10),
                        thousands(d.median),
                        thousands(d.p90),
                        thousands(d.max),
                    );
                }
                None => {
                    let _ = writeln!(out, "  {label:<26} {:>9}", "-");
                }
            }
        }
        if !self.tokens_histogram.is_empty() {
            let _ = writeln!(out, "  tokens per example:");
            for line in render(&self.tokens_histogram).lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
        let _ = writeln!(
            out,
            "  missing a system message: {} · missing a user message: {} · over the context: {}",
            thousands(self.missing_system),
            thousands(self.missing_user),
            thousands(self.over_context),
        );
        let cost = match (
            self.estimated_cost_usd,
            self.price_per_mtok,
            self.price_per_hour,
        ) {
            (Some(usd), Some(price), _) => format!(
                "est. {} (${price:.2} per 1M training tokens, prices of {})",
                format_usd(usd),
                self.prices_date
            ),
            (_, _, Some(hour)) => format!(
                "billed per training hour (${hour:.2}/h, prices of {}): no token cost",
                self.prices_date
            ),
            _ if self.prices_date == "n/a" => {
                "cost unknown (self-hosted: the cost is your hardware's time)".to_owned()
            }
            _ => "cost unknown (no published price for this model)".to_owned(),
        };
        let approx = if self.encoding.is_some() { "" } else { "~" };
        let _ = writeln!(
            out,
            "  tokens: {approx}{} · billed: {approx}{} · {} epoch{} · {cost}",
            thousands(self.tokens.total),
            thousands(self.tokens.billed),
            self.epochs,
            if self.epochs == 1 { "" } else { "s" },
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::Target;
    use crate::tokens::histogram;
    use serde_json::json;

    fn record(messages: u32, tokens: u64, sys: bool, user: bool) -> ExampleRecord {
        ExampleRecord {
            messages,
            tokens,
            assistant_tokens: tokens / 2,
            has_system: sys,
            has_user: user,
        }
    }

    #[test]
    fn records_from_lines() {
        let enc = Encoding::O200kBase;
        let chat = json!({"messages": [
            {"role": "system", "content": "hello"},
            {"role": "user", "content": "Hello, world!"},
            {"role": "assistant", "content": "hello"}
        ]});
        assert_eq!(
            ExampleRecord::from_value(enc, &chat),
            ExampleRecord {
                messages: 3,
                tokens: 21,
                assistant_tokens: 1,
                has_system: true,
                has_user: true
            }
        );
        let pref = json!({"input": {"messages": [{"role": "user", "content": "hello"}]},
            "preferred_output": [{"role": "assistant", "content": "hello"}]});
        let r = ExampleRecord::from_value(enc, &pref);
        assert_eq!((r.messages, r.has_system, r.has_user), (2, false, true));
        let completion = json!({"prompt": "Hello, world!", "completion": " hello"});
        let r = ExampleRecord::from_value(enc, &completion);
        assert_eq!((r.messages, r.tokens, r.assistant_tokens), (0, 5, 1));
        assert_eq!(
            ExampleRecord::from_value(enc, &json!([1])),
            ExampleRecord::default()
        );
        let gemini = json!({"systemInstruction": {"parts": [{"text": "hello"}]}, "contents": [
            {"role": "user", "parts": [{"text": "Hello, world!"}]},
            {"role": "model", "parts": [{"text": "hello"}]}
        ]});
        assert_eq!(
            ExampleRecord::from_value(enc, &gemini),
            ExampleRecord {
                messages: 2,
                tokens: 6,
                assistant_tokens: 1,
                has_system: true,
                has_user: true
            }
        );
    }

    #[test]
    fn report_numbers() {
        let target = Target::builtin("openai").unwrap();
        let model = target.model("gpt-3.5-turbo-0613").unwrap();
        let mut records: Vec<ExampleRecord> =
            (1..=9).map(|i| record(3, i * 100, true, true)).collect();
        records.push(record(2, 5000, false, true));
        records.push(record(0, 50, false, false)); // prompt/completion: not "missing" anything
        let pricing = Pricing::new(target, model).unwrap();
        let report = build("train.jsonl", &records, &pricing, None);
        assert_eq!(report.examples, 11);
        assert_eq!(report.missing_system, 1);
        assert_eq!(report.missing_user, 0);
        assert_eq!(report.over_context, 1);
        assert_eq!(report.tokens.total, 4500 + 5000 + 50);
        assert_eq!(report.tokens.billed, 4500 + 4096 + 50);
        assert_eq!(report.tokens.max_example, 5000);
        // 11 × 3 = 33 < 100 → min(25, 100 // 11) = 9
        assert_eq!(report.epochs, 9);
        let cost = report.estimated_cost_usd.unwrap();
        assert!((cost - 8.0 * 8646.0 * 9.0 / 1e6).abs() < 1e-12);
        let d = report.tokens_per_example.unwrap();
        // sorted: 50,100..900,5000 (11 values): p10 rank 2, median rank 6, p90 rank 10.
        assert_eq!(
            (d.min, d.p10, d.median, d.p90, d.max),
            (50, 100, 500, 900, 5000)
        );
        assert_eq!(
            build("x", &records, &pricing, Some(2)).epochs,
            2,
            "--epochs overrides"
        );

        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json["tokens"],
            json!({"total": 9550, "billed": 8646, "max_example": 5000})
        );
        assert_eq!(json["encoding"], "cl100k_base");

        let text = report.render_text();
        assert_eq!(text, report.render_text());
        assert!(text.starts_with(
            "train.jsonl — 11 examples · gpt-3.5-turbo-0613 (cl100k_base, context 4,096)\n"
        ));
        assert!(
            text.contains(
                "  tokens / example                  50       100       500       900     5,000\n"
            ),
            "{text}"
        );
        assert!(text.contains("tokens per example:\n"));
        assert!(text.contains(
            "missing a system message: 1 · missing a user message: 0 · over the context: 1"
        ));
        assert!(text.contains("tokens: 9,550 · billed: 8,646 · 9 epochs · est. $0.62 ($8.00 per 1M training tokens, prices of "), "{text}");
    }

    #[test]
    fn empty_file_and_unpriced_model() {
        let model = crate::targets::Model::exact("unpriced", 16384, Encoding::Cl100kBase);
        let report = build(
            "empty.jsonl",
            &[],
            &Pricing::exact(model, Encoding::Cl100kBase, "d"),
            None,
        );
        assert_eq!(report.examples, 0);
        assert_eq!(report.tokens_per_example, None);
        assert!(report.tokens_histogram.is_empty());
        assert_eq!(report.estimated_cost_usd, None);
        assert_eq!(report.token_counts, "exact");
        let json = serde_json::to_value(&report).unwrap();
        assert!(json["estimated_cost_usd"].is_null());
        let text = report.render_text();
        assert!(text.contains("cost unknown"));
        assert!(!text.contains("tokens per example:"));
    }

    #[test]
    fn histogram_text_matches_raw_renderer() {
        let values: Vec<u64> = (1..=20).chain([100, 3000]).collect();
        assert_eq!(render(&bins(&values)), histogram(&values));
    }
}
