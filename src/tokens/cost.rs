//! Billed tokens, the default-epochs rule and the cost estimate of a training file.
//!
//! The service bills each example for at most the model's context (the rest is truncated), for
//! every epoch: `cost = price per 1M × billed × epochs / 1e6`.

use serde::Serialize;

use super::thousands;
use crate::targets::{Counter, Model};

/// Epochs when the file's size needs no adjustment.
const DEFAULT_EPOCHS: u64 = 3;
/// Aim for at least this many example-passes (examples × epochs)…
const MIN_TARGET_EXAMPLES: u64 = 100;
/// …and at most this many.
const MAX_TARGET_EXAMPLES: u64 = 25_000;
/// Bounds of the adjusted epoch count.
const MIN_DEFAULT_EPOCHS: u64 = 1;
const MAX_DEFAULT_EPOCHS: u64 = 25;

/// Epochs the service trains for, exactly as its default rule (or `override_epochs` when the
/// user passes `--epochs N`):
///
/// - 3 by default;
/// - if `n × 3 < 100`: `min(25, 100 // n)`;
/// - if `n × 3 > 25000`: `max(1, 25000 // n)`.
///
/// With `n = 0` the first branch's `100 // n` is unbounded, so the result is its cap, 25.
pub fn epochs(n_examples: u64, override_epochs: Option<u32>) -> u32 {
    if let Some(e) = override_epochs {
        return e;
    }
    let n = n_examples;
    let passes = n.saturating_mul(DEFAULT_EPOCHS);
    let e = if passes < MIN_TARGET_EXAMPLES {
        match MIN_TARGET_EXAMPLES.checked_div(n) {
            Some(q) => q.min(MAX_DEFAULT_EPOCHS),
            None => MAX_DEFAULT_EPOCHS,
        }
    } else if passes > MAX_TARGET_EXAMPLES {
        (MAX_TARGET_EXAMPLES / n).max(MIN_DEFAULT_EPOCHS)
    } else {
        DEFAULT_EPOCHS
    };
    // e ≤ 25 by construction.
    e as u32
}

/// Billed tokens of one example: its tokens, capped at the model's context.
pub fn billed(tokens: u64, context: u32) -> u64 {
    tokens.min(u64::from(context))
}

/// Cost in USD: `price_per_mtok × billed × epochs / 1e6`.
pub fn cost(price_per_mtok: f64, billed: u64, epochs: u32) -> f64 {
    price_per_mtok * billed as f64 * f64::from(epochs) / 1e6
}

/// Cost for `model`, or `None` when its price is unknown.
pub fn estimated_cost(model: &Model, billed: u64, epochs: u32) -> Option<f64> {
    model.price_per_mtok.map(|p| cost(p, billed, epochs))
}

/// A file's token totals: the JSON report's `files[].tokens`. Accumulate with [`Self::add`]
/// per example (in any order; [`Self::merge`] combines partial totals from worker threads).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FileTokens {
    /// Σ tokens of every example.
    pub total: u64,
    /// Σ min(context, tokens): what one epoch is billed.
    pub billed: u64,
    /// Tokens of the longest example.
    pub max_example: u64,
    /// Examples counted (not serialized: the report has its own `examples`).
    #[serde(skip)]
    pub examples: u64,
}

impl FileTokens {
    /// Adds one example of `tokens` tokens for a model with `context`.
    pub fn add(&mut self, tokens: u64, context: u32) {
        self.total = self.total.saturating_add(tokens);
        self.billed = self.billed.saturating_add(billed(tokens, context));
        self.max_example = self.max_example.max(tokens);
        self.examples += 1;
    }

    /// Combines two partial totals.
    pub fn merge(&mut self, other: &FileTokens) {
        self.total = self.total.saturating_add(other.total);
        self.billed = self.billed.saturating_add(other.billed);
        self.max_example = self.max_example.max(other.max_example);
        self.examples += other.examples;
    }
}

/// `$4.59`; amounts under a cent print as `<$0.01` rather than a misleading `$0.00`.
pub fn format_usd(usd: f64) -> String {
    if usd > 0.0 && usd < 0.005 {
        "<$0.01".to_owned()
    } else {
        format!("${usd:.2}")
    }
}

/// What a run knows to count and price a file's tokens: the model, how its tokens are counted,
/// and the target's pricing facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Pricing {
    pub model: Model,
    pub counter: Counter,
    /// When the target's prices were taken.
    pub prices_date: String,
    /// The target's default epochs; `None`: the OpenAI rule by file size ([`epochs`]).
    pub default_epochs: Option<u32>,
    /// Where an estimate's ratio comes from, for estimated counts.
    pub estimate_source: Option<String>,
}

/// What a file's training would cost, as far as it can be said.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cost {
    /// USD for billed tokens × epochs.
    Usd(f64),
    /// The service bills training time (USD per hour), which tokens cannot predict.
    PerHour(f64),
    /// No published price for this model.
    Unknown,
}

impl Cost {
    /// The cost in USD, when it is one (the JSON report's `estimated_cost_usd`).
    pub fn usd(self) -> Option<f64> {
        match self {
            Cost::Usd(usd) => Some(usd),
            Cost::PerHour(_) | Cost::Unknown => None,
        }
    }
}

impl Pricing {
    /// Pricing for `model` as `target` counts and bills it; `None` when the target cannot
    /// count the model's tokens (a validated target always can).
    pub fn new(target: &crate::targets::Target, model: &Model) -> Option<Pricing> {
        Some(Pricing {
            counter: target.counter(model)?,
            model: model.clone(),
            prices_date: target.prices_date.clone(),
            default_epochs: target.default_epochs,
            estimate_source: target.estimate.as_ref().map(|e| e.source.clone()),
        })
    }

    /// An exact-count pricing of `model` with OpenAI's epoch rule (tests, tools).
    pub fn exact(model: Model, encoding: crate::targets::Encoding, prices_date: &str) -> Pricing {
        Pricing {
            model,
            counter: Counter::Exact(encoding),
            prices_date: prices_date.to_owned(),
            default_epochs: None,
            estimate_source: None,
        }
    }

    /// Epochs of a job on `n` examples: `--epochs`, else the target's default, else the rule.
    pub fn epochs(&self, n: u64, override_epochs: Option<u32>) -> u32 {
        match override_epochs.or(self.default_epochs) {
            Some(e) => e,
            None => epochs(n, None),
        }
    }

    /// The cost of `billed` tokens for `epochs`.
    pub fn cost(&self, billed: u64, epochs: u32) -> Cost {
        if let Some(usd) = estimated_cost(&self.model, billed, epochs) {
            Cost::Usd(usd)
        } else if let Some(h) = self.model.price_per_hour {
            Cost::PerHour(h)
        } else {
            Cost::Unknown
        }
    }

    /// The human summary's one line, e.g. `tokens: 512,345 (billed 510,000, longest example
    /// 9,001) · 3 epochs · est. $4.59 for gpt-4o-mini-2024-07-18 (prices of 2025-06)`.
    /// Estimated counts carry a `~` and say how they were estimated.
    pub fn summary_line(&self, tokens: &FileTokens, epochs: u32) -> String {
        self.line(
            tokens,
            "",
            &format!("{epochs} epoch{}", if epochs == 1 { "" } else { "s" }),
            self.cost(tokens.billed, epochs),
        )
    }

    /// The summary line of several files (each its own job, with its own epochs): `tokens:
    /// 2,867 in 3 files (billed 2,867, longest example 55) · 3–6 epochs · est. $0.03 for …`.
    pub fn total_line(&self, files: &[(FileTokens, u32)]) -> String {
        let mut all = FileTokens::default();
        let mut usd = Some(0.0);
        for (t, epochs) in files {
            all.merge(t);
            usd = match self.cost(t.billed, *epochs) {
                Cost::Usd(c) => usd.map(|u| u + c),
                _ => None,
            };
        }
        let lo = files.iter().map(|f| f.1).min().unwrap_or(0);
        let hi = files.iter().map(|f| f.1).max().unwrap_or(0);
        let epochs = match (lo == hi, hi) {
            (true, 1) => "1 epoch".to_string(),
            (true, _) => format!("{hi} epochs"),
            (false, _) => format!("{lo}–{hi} epochs"),
        };
        let cost = match usd {
            Some(u) => Cost::Usd(u),
            None => self.cost(0, 1),
        };
        let n = files.len();
        let files = format!(
            " in {} file{}",
            thousands(n as u64),
            if n == 1 { "" } else { "s" }
        );
        self.line(&all, &files, &epochs, cost)
    }

    fn line(&self, tokens: &FileTokens, files: &str, epochs: &str, cost: Cost) -> String {
        let name = &self.model.name;
        let cost = match cost {
            Cost::Usd(usd) => format!(
                "est. {} for {name} (prices of {})",
                format_usd(usd),
                self.prices_date
            ),
            Cost::PerHour(h) => format!(
                "{name} is billed per training hour (${h:.2}/h, prices of {}): no token cost",
                self.prices_date
            ),
            // A self-hosted trainer's table has no prices at all (`prices_date = "n/a"`).
            Cost::Unknown if self.prices_date == "n/a" => {
                format!("cost unknown for {name} (self-hosted: the cost is your hardware's time)")
            }
            Cost::Unknown => format!("cost unknown for {name} (no published price)"),
        };
        let (approx, how) = match self.counter {
            Counter::Exact(_) => ("", String::new()),
            Counter::Estimate { chars_per_token } => (
                "~",
                format!(", estimated at {chars_per_token} characters per token"),
            ),
        };
        format!(
            "tokens: {approx}{}{files} (billed {approx}{}, longest example {approx}{}{how}) · {epochs} · {cost}",
            thousands(tokens.total),
            thousands(tokens.billed),
            thousands(tokens.max_example),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::Encoding;

    #[test]
    fn epochs_rule_at_its_edges() {
        let cases = [
            (0, 25),
            (1, 25),
            (3, 25),   // 9 < 100 → min(25, 33)
            (4, 25),   // 12 < 100 → min(25, 25)
            (5, 20),   // 15 < 100 → 100 // 5
            (33, 3),   // 99 < 100 → 100 // 33
            (34, 3),   // 102 ≥ 100 → default
            (100, 3),  // default
            (8333, 3), // 24999 ≤ 25000 → default
            (8334, 2), // 25002 > 25000 → 25000 // 8334
            (12_500, 2),
            (12_501, 1),
            (25_001, 1), // 25000 // n = 0 → max(1, 0)
            (u64::MAX, 1),
        ];
        for (n, want) in cases {
            assert_eq!(epochs(n, None), want, "n = {n}");
        }
        assert_eq!(epochs(3, Some(7)), 7);
        assert_eq!(epochs(8334, Some(3)), 3);
    }

    #[test]
    fn cost_arithmetic() {
        // 1M billed tokens × 3 epochs × $3.00 per 1M = $9.00
        assert_eq!(cost(3.0, 1_000_000, 3), 9.0);
        // $25 × 510,000 × 3 / 1e6 = $38.25
        assert!((cost(25.0, 510_000, 3) - 38.25).abs() < 1e-9);
        // $1.50 × 12,345 × 25 / 1e6 = $0.4629375
        assert!((cost(1.5, 12_345, 25) - 0.462_937_5).abs() < 1e-12);
        assert_eq!(cost(8.0, 0, 3), 0.0);
        let model = Model::exact("m", 10, Encoding::O200kBase);
        assert_eq!(estimated_cost(&model, 100, 3), None);
        let priced = Model {
            price_per_mtok: Some(5.0),
            ..model
        };
        assert_eq!(estimated_cost(&priced, 2_000_000, 2), Some(20.0));
    }

    #[test]
    fn billed_caps_at_context_and_totals_merge() {
        assert_eq!(billed(5000, 4096), 4096);
        assert_eq!(billed(4096, 4096), 4096);
        assert_eq!(billed(12, 4096), 12);
        let mut a = FileTokens::default();
        a.add(5000, 4096);
        a.add(100, 4096);
        let mut b = FileTokens::default();
        b.add(4097, 4096);
        a.merge(&b);
        assert_eq!(
            a,
            FileTokens {
                total: 9197,
                billed: 8292,
                max_example: 5000,
                examples: 3
            }
        );
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            r#"{"total":9197,"billed":8292,"max_example":5000}"#
        );
    }

    #[test]
    fn human_line() {
        let model = Model {
            price_per_mtok: Some(3.0),
            ..Model::exact("gpt-4o-mini-2024-07-18", 65536, Encoding::O200kBase)
        };
        let mut t = FileTokens::default();
        t.add(512_345, 1_000_000);
        t.billed = 510_000;
        t.max_example = 9001;
        let p = Pricing::exact(model.clone(), Encoding::O200kBase, "2025-06");
        assert_eq!(
            p.summary_line(&t, 3),
            "tokens: 512,345 (billed 510,000, longest example 9,001) · 3 epochs · \
             est. $4.59 for gpt-4o-mini-2024-07-18 (prices of 2025-06)"
        );
        let unpriced = Pricing {
            model: Model {
                price_per_mtok: None,
                ..model.clone()
            },
            ..p.clone()
        };
        assert_eq!(
            unpriced.summary_line(&t, 1),
            "tokens: 512,345 (billed 510,000, longest example 9,001) · 1 epoch · \
             cost unknown for gpt-4o-mini-2024-07-18 (no published price)"
        );
        let hourly = Pricing {
            model: Model {
                price_per_mtok: None,
                price_per_hour: Some(100.0),
                ..Model::exact("o4-mini-2025-04-16", 65536, Encoding::O200kBase)
            },
            ..p.clone()
        };
        assert_eq!(hourly.cost(1000, 3), Cost::PerHour(100.0));
        assert!(hourly.summary_line(&t, 3).ends_with(
            "o4-mini-2025-04-16 is billed per training hour ($100.00/h, prices of 2025-06): no token cost"
        ));
        let estimated = Pricing {
            counter: Counter::Estimate {
                chars_per_token: 4.0,
            },
            default_epochs: Some(1),
            ..p
        };
        assert_eq!(estimated.epochs(500, None), 1);
        assert_eq!(estimated.epochs(500, Some(4)), 4);
        assert_eq!(
            estimated.summary_line(&t, 1),
            "tokens: ~512,345 (billed ~510,000, longest example ~9,001, estimated at 4 \
             characters per token) · 1 epoch · est. $1.53 for gpt-4o-mini-2024-07-18 (prices of 2025-06)"
        );
        assert_eq!(format_usd(0.001), "<$0.01");
        assert_eq!(format_usd(0.0), "$0.00");
    }
}
