//! A model a target can fine-tune: its training context, how its tokens are counted, what a
//! job costs, which formats it trains on and its fine-tuning lifecycle.

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::Encoding;
use crate::format::Format;

/// A model that can be fine-tuned on a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// The exact name passed to the service, e.g. `gpt-4o-mini-2024-07-18`.
    pub name: String,
    /// Training context in tokens: longer examples are truncated from the end (T001).
    pub context: u32,
    /// The tiktoken encoding that counts its tokens exactly. Without it, counts are estimates
    /// (see `chars_per_token`) and every output marks them so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
    /// The Hugging Face repository of the model's tokenizer (`tokenizer.json`), for open
    /// models. Exact counts through it are the open-model trainers' work; until then such a
    /// model's counts are estimates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hf_tokenizer: Option<String>,
    /// The chat template the trainer renders conversations with (a Hugging Face repository or
    /// template name), recorded with the tokenizer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_template: Option<String>,
    /// Characters per token for estimated counts; overrides the target's `estimate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chars_per_token: Option<f64>,
    /// USD per 1M training tokens (billed tokens × epochs); absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_per_mtok: Option<f64>,
    /// USD per training hour, for services that bill time rather than tokens (reinforcement
    /// fine-tuning): no token cost is estimated then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_per_hour: Option<f64>,
    /// The formats this model trains on; absent: every format of the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formats: Option<Vec<Format>>,
    /// The last day the service accepts new fine-tuning jobs for this model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_training_day: Option<Date>,
    /// The day the model (and its fine-tuned versions) stop serving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shutdown: Option<Date>,
    /// What the service recommends instead, once this model cannot be fine-tuned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// Where the lifecycle dates come from (URL and the date it was read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_source: Option<String>,
}

/// How a model's tokens are counted.
#[derive(Debug, Clone, Copy)]
pub enum Counter {
    /// tiktoken's count, exactly what the service counts.
    Exact(Encoding),
    /// Characters of the example's text divided by this ratio, rounded up: an estimate.
    Estimate { chars_per_token: f64 },
    /// The model's own Hugging Face tokenizer and chat template (`--tokenizer`): chat examples
    /// are rendered and counted as `transformers` does (loaded once per process, hence
    /// `'static`).
    Hf(&'static crate::tokens::hf::HfCounter),
}

impl PartialEq for Counter {
    fn eq(&self, other: &Counter) -> bool {
        match (self, other) {
            (Counter::Exact(a), Counter::Exact(b)) => a == b,
            (
                Counter::Estimate { chars_per_token: a },
                Counter::Estimate { chars_per_token: b },
            ) => a == b,
            // One loaded tokenizer per process and files: the same counter is the same load.
            (Counter::Hf(a), Counter::Hf(b)) => std::ptr::eq(*a, *b),
            _ => false,
        }
    }
}

impl From<Encoding> for Counter {
    fn from(e: Encoding) -> Counter {
        Counter::Exact(e)
    }
}

impl Counter {
    /// Tokens of one string: tiktoken's count, or its characters divided by the ratio,
    /// rounded up (a non-empty string is at least one token either way).
    pub fn count(self, text: &str) -> u64 {
        match self {
            Counter::Exact(e) => ftlint_tokens::count(e, text) as u64,
            Counter::Estimate { chars_per_token } => {
                (text.chars().count() as f64 / chars_per_token).ceil() as u64
            }
            Counter::Hf(h) => h.count_text(text),
        }
    }

    pub fn is_exact(self) -> bool {
        matches!(self, Counter::Exact(_) | Counter::Hf(_))
    }

    /// `o200k_base`, or `estimate (4 characters per token)`.
    pub fn describe(self) -> String {
        match self {
            Counter::Exact(e) => e.name().to_owned(),
            Counter::Estimate { chars_per_token } => {
                format!("estimate ({chars_per_token} characters per token)")
            }
            Counter::Hf(h) => format!("tokenizer {} + chat template", h.source),
        }
    }
}

/// Where a model stands in its fine-tuning lifecycle on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// No end date known, or the last training day is far off.
    Open,
    /// New jobs are accepted for this many more days (0: today is the last day).
    Closing { days_left: i64, last_day: Date },
    /// The last training day has passed.
    Closed { last_day: Date },
}

/// A model whose last training day is at most this many days away gets a warning (T005):
/// two months leave time to move a dataset to another target.
pub const CLOSING_WINDOW_DAYS: i64 = 60;

impl Model {
    /// A model with a name, a context and an exact tokenizer; nothing else known.
    pub fn exact(name: &str, context: u32, encoding: Encoding) -> Model {
        Model {
            name: name.to_owned(),
            context,
            encoding: Some(encoding),
            hf_tokenizer: None,
            chat_template: None,
            chars_per_token: None,
            price_per_mtok: None,
            price_per_hour: None,
            formats: None,
            last_training_day: None,
            shutdown: None,
            replacement: None,
            lifecycle_source: None,
        }
    }

    /// Whether the model trains on `format` (`target_formats` when the model does not say).
    pub fn trains_on(&self, format: Format) -> bool {
        self.formats.as_ref().is_none_or(|f| f.contains(&format))
    }

    /// Where the model stands on `today`.
    pub fn lifecycle(&self, today: Date) -> Lifecycle {
        match self.last_training_day {
            None => Lifecycle::Open,
            Some(last_day) => {
                let days_left = today.days_until(last_day);
                if days_left < 0 {
                    Lifecycle::Closed { last_day }
                } else if days_left <= CLOSING_WINDOW_DAYS {
                    Lifecycle::Closing {
                        days_left,
                        last_day,
                    }
                } else {
                    Lifecycle::Open
                }
            }
        }
    }
}
