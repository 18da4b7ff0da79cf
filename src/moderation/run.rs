//! One run's moderation: the check settings and the score sources, shared by every worker.

use super::{ModerationCheck, ScoreStore, SourceMode};
use std::fmt;

pub struct ModerationRun {
    pub check: ModerationCheck,
    pub store: ScoreStore,
    pub mode: SourceMode,
}

impl fmt::Debug for ModerationRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModerationRun")
            .field("check", &self.check)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}
