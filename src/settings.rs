//! The settings of one run, as the user gave them (flags; later also config files), before
//! they are resolved against the target, the profiles and the environment.

use crate::format::FormatChoice;
use crate::moderation::{SourceMode, UnitMode};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Settings {
    pub target: String,
    pub model: Option<String>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub format: FormatChoice,
    pub epochs: Option<u32>,
    /// `None`: the default (`cache`), and the user did not ask for moderation.
    pub moderation: Option<SourceMode>,
    pub scores: Option<PathBuf>,
    pub profile: Option<String>,
    pub offline: bool,
    pub cache_dir: Option<PathBuf>,
    pub moderation_unit: UnitMode,
    pub moderation_model: Option<String>,
    pub require_scores: bool,
    pub concurrency: usize,
    /// A baseline whose findings are hidden (`--baseline`).
    pub baseline: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            target: "openai".into(),
            model: None,
            select: Vec::new(),
            ignore: Vec::new(),
            format: FormatChoice::Auto,
            epochs: None,
            moderation: None,
            scores: None,
            profile: None,
            offline: false,
            cache_dir: None,
            moderation_unit: UnitMode::Message,
            moderation_model: None,
            require_scores: false,
            concurrency: 4,
            baseline: None,
        }
    }
}
