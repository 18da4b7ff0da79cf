//! The settings of one run: the flags over the config file over the defaults ([`resolve`]),
//! and the engine options they make ([`Setup`]). This layer sits below the CLI: it knows the
//! config file and the engine, never a flag, so tests and other front ends (the language
//! server) resolve settings the way `ftlint check` does without going through clap.

mod ignores;
mod resolve;
mod setup;

pub use ignores::{finish_reports, BadGlob, PerFileIgnores};

pub use resolve::{find_config, resolve, Lookup, Origin, Resolved};
pub use setup::{moderation_run, Setup, SetupError};

use crate::config::{Config, Loaded, OutputFormat};
use crate::format::FormatChoice;
use crate::moderation::{ProfileDef, Provider, SourceMode, ThresholdOverrides, UnitMode};
pub use crate::rules::select::Selection;
use std::path::PathBuf;

/// Why the settings cannot be used; the message names the setting (and the config file).
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// `--config pyproject.toml` without a `[tool.ftlint]` table.
    #[error("config `{}` has no [tool.ftlint] table", .path.display())]
    NoToolTable { path: PathBuf },
}

/// The settings of a run with the defaults filled in, before they are resolved against the
/// target, the profiles and the environment ([`Setup`]).
#[derive(Debug, Clone)]
pub struct Settings {
    pub target: String,
    pub model: Option<String>,
    /// The rule selection, one layer per source, lowest first (the config file's, then the
    /// flags'): see [`crate::rules::select`] for how they combine.
    pub rules: Vec<Selection>,
    pub format: FormatChoice,
    pub epochs: Option<u32>,
    /// `--tokenizer`: a Hugging Face `tokenizer.json` or model folder (exact open-model counts).
    pub tokenizer: Option<PathBuf>,
    /// `--dataset-info`: LLaMA-Factory's `dataset_info.json` (else discovered per file).
    pub dataset_info: Option<PathBuf>,
    /// `--chat-template`: a Jinja file used instead of the tokenizer's template.
    pub chat_template: Option<PathBuf>,
    /// `--max-length`: the trainer's limit, over the model's context for T001.
    pub max_length: Option<u32>,
    /// `None`: the default (`cache`), and the user did not ask for moderation.
    pub moderation: Option<SourceMode>,
    pub moderation_provider: Provider,
    pub scores: Option<PathBuf>,
    pub profile: Option<String>,
    pub offline: bool,
    pub cache_dir: Option<PathBuf>,
    pub moderation_unit: UnitMode,
    pub moderation_model: Option<String>,
    pub require_scores: bool,
    pub concurrency: usize,
    pub output_format: OutputFormat,
    /// Write the report here instead of stdout.
    pub output_file: Option<PathBuf>,
    pub max_warnings: Option<usize>,
    /// Exclude globs, relative to the current directory.
    pub exclude: Vec<String>,
    pub force_exclude: bool,
    /// Directory walks skip what ignore files ignore (`--no-ignore` turns it off).
    pub respect_gitignore: bool,
    /// Config `per-file-ignores`: glob → rule codes or prefixes.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
    /// The folder of the config file (per-file-ignores globs are relative to it).
    pub config_dir: Option<PathBuf>,
    /// The config file, for error messages.
    pub config_file: Option<PathBuf>,
    /// A baseline file of accepted findings.
    pub baseline: Option<PathBuf>,
    /// Config `[thresholds]`: overrides of the active moderation profile.
    pub thresholds: Option<ThresholdOverrides>,
    /// Config `[[models]]`: added to the target.
    pub models: Vec<crate::targets::Model>,
    /// Config `[targets.NAME]`: user targets (which may extend a built-in one).
    pub targets: std::collections::BTreeMap<String, crate::targets::TargetDef>,
    /// The day lifecycle rules judge by; `None`: `FTLINT_TODAY` or the clock, read when the
    /// run is set up.
    pub today: Option<crate::targets::Date>,
    /// Config `[profiles.NAME]`: user moderation profiles.
    pub profiles: Vec<(String, ProfileDef)>,
    /// Config `[sensitive]`: extra patterns and allow-lists.
    pub sensitive: Option<crate::sensitive::ScannerOptions>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::new(Config::default(), None)
    }
}

impl Settings {
    /// The settings of `options` (every layer already merged), the defaults filling what no
    /// layer gives; `file` is the config file the options were read from, if any.
    pub fn new(options: Config, file: Option<&Loaded>) -> Settings {
        let o = options;
        let rules = Some(Selection::of(&o))
            .filter(|l| !l.is_empty())
            .into_iter()
            .collect();
        Settings {
            target: o.target.unwrap_or_else(|| "openai".into()),
            model: o.model,
            rules,
            format: o.format.map_or(FormatChoice::Auto, |f| f.choice()),
            epochs: o.epochs.map(|e| e.get()),
            tokenizer: o.tokenizer,
            chat_template: o.chat_template,
            dataset_info: o.dataset_info,
            max_length: o.max_length.map(|m| m.get()),
            moderation: o.moderation.map(SourceMode::from),
            moderation_provider: o
                .moderation_provider
                .map_or(Provider::OpenAi, Provider::from),
            scores: o.scores,
            profile: o.profile,
            offline: o.offline.unwrap_or(false),
            cache_dir: o.cache_dir,
            moderation_unit: o.moderation_unit.map_or(UnitMode::Message, UnitMode::from),
            moderation_model: o.moderation_model,
            require_scores: o.require_scores.unwrap_or(false),
            concurrency: o.concurrency.map_or(4, |c| c.get() as usize),
            output_format: o.output_format.unwrap_or(OutputFormat::Full),
            output_file: o.output_file,
            max_warnings: o.max_warnings,
            exclude: o.exclude.unwrap_or_default(),
            force_exclude: o.force_exclude.unwrap_or(false),
            respect_gitignore: o.respect_gitignore.unwrap_or(true),
            per_file_ignores: o.per_file_ignores.unwrap_or_default().into_iter().collect(),
            config_dir: file.map(|l| crate::config::absolute(&l.dir)),
            config_file: file.map(|l| l.path.clone()),
            baseline: o.baseline,
            thresholds: o.thresholds,
            models: o.models.unwrap_or_default(),
            targets: o.targets.unwrap_or_default(),
            today: None,
            profiles: o.profiles.unwrap_or_default().into_iter().collect(),
            sensitive: o.sensitive,
        }
    }
}

impl Selection {
    /// The selection keys of one layer of options.
    pub fn of(o: &Config) -> Selection {
        Selection {
            select: o.select.clone(),
            extend_select: o.extend_select.clone().unwrap_or_default(),
            ignore: o.ignore.clone().unwrap_or_default(),
            extend_ignore: o.extend_ignore.clone().unwrap_or_default(),
        }
    }
}
