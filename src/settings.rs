//! The settings of one run, as the user gave them (flags over the config file over the
//! defaults, see `cli::config_cmd::resolve`), before they are resolved against the target,
//! the profiles and the environment.

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
    pub output_format: crate::render::OutputFormat,
    pub max_warnings: Option<usize>,
    /// Exclude globs, relative to the current directory.
    pub exclude: Vec<String>,
    pub force_exclude: bool,
    /// Config `per-file-ignores`: glob → rule codes or prefixes.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
    /// The folder of the config file (per-file-ignores globs are relative to it).
    pub config_dir: Option<PathBuf>,
    /// The config file, for error messages.
    pub config_file: Option<PathBuf>,
    /// A baseline file of accepted findings.
    pub baseline: Option<PathBuf>,
    /// Config `[thresholds]`: overrides of the active moderation profile.
    pub thresholds: Option<toml::Table>,
    /// Config `[[models]]`: added to the target.
    pub models: Vec<crate::targets::Model>,
    /// Config `[profiles.NAME]`: user moderation profiles.
    pub profiles: Vec<(String, toml::Table)>,
    /// Config `[sensitive]`: extra patterns and allow-lists.
    pub sensitive: Option<crate::sensitive::ScannerOptions>,
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
            output_format: crate::render::OutputFormat::Full,
            max_warnings: None,
            exclude: Vec::new(),
            force_exclude: false,
            per_file_ignores: Vec::new(),
            config_dir: None,
            config_file: None,
            baseline: None,
            thresholds: None,
            models: Vec::new(),
            profiles: Vec::new(),
            sensitive: None,
        }
    }
}
