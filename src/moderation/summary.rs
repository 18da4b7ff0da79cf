//! A file's moderation as the JSON report gives it (`files[].moderation`): whether it was
//! checked, with which unit and scoring model, the content gate's verdict with its reasons and
//! edits, the riskiest examples and a note. Keys come out in this order.

use super::check::FileReport;
use super::ranking::CannotRank;
use super::run::ModerationRun;
use super::scores::Category;
use super::units::UnitMode;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModerationSummary {
    /// Some text had a score.
    pub checked: bool,
    /// `message` or `example` (`--moderation-unit`).
    pub unit: &'static str,
    /// The model most texts were scored by (`null`: nothing was scored).
    pub scoring_model: Option<String>,
    /// The active moderation profile.
    pub profile: String,
    /// `high`, `elevated` or `low`; `null` when the target has no content gate or M006 does not
    /// run.
    pub verdict: Option<&'static str>,
    /// The verdict's points (`null` with no verdict).
    pub points: Option<u32>,
    pub reasons: Vec<Reason>,
    pub edits: Vec<String>,
    /// Riskiest first; empty when the scores cannot rank the examples.
    pub riskiest: Vec<Risky>,
    /// Why moderation was not checked, or why the scores cannot rank the examples.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub signal: &'static str,
    pub points: u32,
    pub text: String,
    pub lines: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risky {
    pub line: u64,
    pub category: Category,
    pub score: f64,
    /// The scored text's pointer (`""`: the whole example).
    pub pointer: String,
    pub flagged: bool,
}

/// `message` or `example`.
pub fn unit_name(u: UnitMode) -> &'static str {
    match u {
        UnitMode::Message => "message",
        UnitMode::Example => "example",
    }
}

impl ModerationSummary {
    pub fn of(run: &ModerationRun, report: &FileReport) -> ModerationSummary {
        let v = report.verdict.as_ref();
        let note = match &report.ranking.cannot_rank {
            Some(CannotRank::Identical { examples, .. }) => Some(format!(
                "the riskiest examples are not listed: all {examples} scored examples have the same score (one score of the whole text)"
            )),
            Some(CannotRank::UnitMismatch { records, asked, .. }) => Some(format!(
                "not checked: the imported scores are per {}, this run scores per {}",
                unit_name(*records),
                unit_name(*asked)
            )),
            None => report.not_checked_note.clone(),
        };
        ModerationSummary {
            checked: report.ranking.scored_examples > 0,
            unit: unit_name(run.check.unit_mode),
            scoring_model: report.ranking.main_model().map(str::to_owned),
            profile: run.check.profile.name.clone(),
            verdict: v.map(|v| v.risk.as_str()),
            points: v.map(|v| v.points),
            reasons: v
                .map(|v| {
                    v.reasons
                        .iter()
                        .map(|r| Reason {
                            signal: r.signal.as_str(),
                            points: r.points,
                            text: r.text.clone(),
                            lines: r.lines.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            edits: v.map(|v| v.edits.clone()).unwrap_or_default(),
            riskiest: report
                .riskiest
                .iter()
                .map(|r| Risky {
                    line: r.line,
                    category: r.category,
                    score: r.score,
                    pointer: r.pointer.clone(),
                    flagged: r.flagged,
                })
                .collect(),
            note,
        }
    }
}
