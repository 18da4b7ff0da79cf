//! The moderation verdict: ftlint's estimate of whether a target's content gate would block a
//! file as a whole (rule M006 words it; the JSON report carries it).
//!
//! It adds up points, each weight and threshold read from `rules/moderation/verdict.toml` where
//! its reasoning is written:
//! - from the scores, judged against the active profile's thresholds (how far past a category's
//!   warn or error level, never a raw number, so any score family a profile is written for
//!   works): examples at an error level, and categories past their warn level on a share of the
//!   examples;
//! - from what the scores cannot see but the usage policies name: a detailed profile of an
//!   identifiable person (S006's facts with a birth date or a street address), body details
//!   beside signs of a minor, tokenizer control strings.
//!
//! Per example, [`ExampleSignals::of`] keeps what the verdict needs of the sensitive-data scan
//! and of the moderation results (any thread); [`SignalTally`] folds them in file order; at the
//! end, [`judge`] gives the [`Verdict`]: a risk level, its reasons and the edits that address
//! them. The reasons and edits are worded once, in [`judge`], so that the finding and the JSON
//! report say the same thing.
//!
//! - `data`: `rules/moderation/verdict.toml`, its regexes compiled;
//! - `signals`: what is kept of each example, and its fold over the file;
//! - `judge`: the points, the level, the reasons and the edits.

mod data;
mod judge;
mod signals;

pub use data::{DataError, VerdictData};
pub use judge::{judge, lines_phrase};
pub use signals::{ExampleSignals, Lines, SignalTally};

use super::profile::Profile;
use crate::diagnostic::Severity;

/// A fine-tuning service's check of training data for content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentGate {
    /// OpenAI's fine-tuning moderation (Moderation API plus a model-based review; unpublished).
    OpenAi,
    /// Azure OpenAI's training-data safety check (harm types, fixed unpublished thresholds).
    AzureOpenAi,
}

impl ContentGate {
    /// The target name the gate belongs to.
    pub fn target(self) -> &'static str {
        match self {
            ContentGate::OpenAi => "openai",
            ContentGate::AzureOpenAi => "azure-openai",
        }
    }
}

/// The content gate of a target, if its service has one: the target's `content_gate` (data in
/// `rules/targets/*.toml`; a config target that `extends` a built-in one inherits it).
pub fn content_gate(target: &crate::targets::Target) -> Option<ContentGate> {
    target.content_gate.map(|g| match g {
        crate::targets::ContentGate::Openai => ContentGate::OpenAi,
        crate::targets::ContentGate::Azure => ContentGate::AzureOpenAi,
    })
}

/// The verdict's settings for a run: the target's gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerdictSetup {
    pub gate: ContentGate,
}

/// The estimated risk that the gate blocks the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Risk {
    Low,
    Elevated,
    High,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Elevated => "elevated",
            Risk::High => "high",
        }
    }
}

/// Which kind of evidence a reason is; its name is the JSON report's `signal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Signal {
    PersonalProfile,
    ScoresError,
    ScoresWarn,
    MinorBody,
    SpecialTokens,
}

impl Signal {
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::PersonalProfile => "personal-profile",
            Signal::ScoresError => "scores-error",
            Signal::ScoresWarn => "scores-warn",
            Signal::MinorBody => "minor-body",
            Signal::SpecialTokens => "special-tokens",
        }
    }
}

/// One reason for the verdict: its evidence, its points, its wording and the lines it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub signal: Signal,
    pub points: u32,
    pub text: String,
    /// The lines the reason names, ascending (the first few).
    pub lines: Vec<u64>,
}

/// The verdict on a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub risk: Risk,
    pub points: u32,
    /// The points at which the verdict is elevated and high.
    pub elevated_at: u32,
    pub high_at: u32,
    pub gate: ContentGate,
    /// What the data file says about the gate (it is not published).
    pub gate_says: String,
    pub profile: String,
    /// The finding M006 gives (`None`: none).
    pub severity: Option<Severity>,
    /// Some text had a moderation score.
    pub scores_checked: bool,
    /// In the order a person should act on them: the personal profile first (dropping its
    /// identifiers removes what the policies name, and lowers the scores it drives), then the
    /// scores, then the signals that explain them.
    pub reasons: Vec<Reason>,
    /// Concrete edits, in the order of the reasons they address.
    pub edits: Vec<String>,
}

/// Everything [`judge`] needs besides the tally.
pub struct JudgeCtx<'a> {
    pub data: &'a VerdictData,
    pub setup: VerdictSetup,
    pub profile: &'a Profile,
    /// S006's minimum number of kinds of facts for a profile.
    pub min_profile_kinds: usize,
}
