//! One run's moderation: the check settings and the score sources, shared by every worker, and
//! the file-level pass that ends each file.

use super::check::{FileReport, Tally};
use super::models::ScoringModels;
use super::ranking::{CannotRank, ModelIssue};
use super::verdict::{self, SignalTally, VerdictData, VerdictSetup};
use super::{ModerationCheck, ScoreStore, SourceMode};
use std::fmt;

pub struct ModerationRun {
    pub check: ModerationCheck,
    pub store: ScoreStore,
    pub mode: SourceMode,
    /// The content gate's verdict (M006), when the target has a gate and the rule runs.
    pub verdict: Option<VerdictSetup>,
}

impl ModerationRun {
    /// The verdict's data, when the verdict runs: the engine then keeps each example's
    /// [`verdict::ExampleSignals`].
    pub fn verdict_data(&self) -> Option<&'static VerdictData> {
        self.verdict.and(VerdictData::builtin())
    }

    /// The file's moderation report: the gate, the riskiest examples, whether the scores can
    /// rank them, and the content gate's verdict. `min_profile_kinds` is S006's.
    pub fn finish(
        &self,
        tally: Tally,
        signals: SignalTally,
        min_profile_kinds: usize,
    ) -> FileReport {
        let mut report = self.check.finish(tally);
        if let Some((records, record_count)) = self.store.imported_records() {
            if records != self.check.unit_mode && report.unscored_texts > 0 {
                report.ranking.cannot_rank = Some(CannotRank::UnitMismatch {
                    records,
                    record_count,
                    asked: self.check.unit_mode,
                    unscored_texts: report.unscored_texts,
                    required: self.check.require_scores,
                });
            }
        }
        let table = ScoringModels::builtin();
        report.ranking.model_issues = report
            .ranking
            .models
            .iter()
            .filter_map(|m| {
                Some(ModelIssue {
                    problem: table.judge(&m.model, self.store.model_key())?,
                    texts: m.texts,
                    categories: m.categories,
                    profile: self.check.profile.name.clone(),
                })
            })
            .collect();
        if let (Some(setup), Some(data)) = (self.verdict, self.verdict_data()) {
            let ctx = verdict::JudgeCtx {
                data,
                setup,
                profile: &self.check.profile,
                min_profile_kinds,
            };
            report.verdict = Some(verdict::judge(&ctx, &report, signals));
        }
        report
    }
}

impl fmt::Debug for ModerationRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModerationRun")
            .field("check", &self.check)
            .field("mode", &self.mode)
            .field("verdict", &self.verdict)
            .finish_non_exhaustive()
    }
}
