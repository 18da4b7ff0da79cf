//! [`Setup`]: the engine options a run's settings make — the target and its models, the rule
//! selection by phase, the sensitive-data scanner, the moderation profile and score sources —
//! plus the findings of the run phase (an unknown model) that every file reports.

use super::Settings;
use crate::diagnostic::{Diagnostic, RuleSet};
use crate::engine::{DatasetLimits, Options};
use crate::moderation::import::ImportError;
use crate::moderation::profile::ProfileError;
use crate::moderation::provider::ProviderError;
use crate::moderation::{
    self, Cache, ImportedScores, ModerationCheck, ModerationRun, Profile, ScoreStore, SourceMode,
};
use crate::rules::select::UnknownSelector;
use crate::rules::tokens::t002_unknown_model as t002;
use crate::rules::{Plan, RunCtx};
use crate::sensitive::ScannerError;
use crate::targets::{Target, TargetError, UnknownModel};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The engine options for a run, resolved from the settings, plus findings about the run
/// itself (an unknown model) that every file reports.
pub struct Setup {
    pub opts: Options,
    pub model_name: String,
    pub file_level: Vec<Diagnostic>,
}

/// Settings that cannot make a run. Each message is the line the CLI prints.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("`--offline` forbids `--moderation api` (use `--moderation cache`)")]
    OfflineApi,
    /// `stats --model NAME` for a model the target does not know; `check` reports the same as
    /// T002, worded by that rule.
    #[error("{}", t002::message(.0))]
    UnknownModel(UnknownModel),
    /// `--select`/`--ignore` (or their config keys) naming no rule.
    #[error(transparent)]
    Selection(#[from] UnknownSelector),
    #[error(transparent)]
    Target(#[from] TargetError),
    /// A config `[targets.NAME]` table the target model rejects.
    #[error("invalid config `{}`: `targets`: {source}", config_name(.config))]
    Targets {
        config: Option<PathBuf>,
        #[source]
        source: TargetError,
    },
    /// `FTLINT_TODAY` that is not a date.
    #[error("`{}`: {source}", crate::targets::date::TODAY_ENV)]
    Today {
        #[from]
        source: crate::targets::date::DateError,
    },
    /// An unknown `--profile`.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// A config `[[models]]` entry the target rejects.
    #[error("invalid config `{}`: `models`: {source}", config_name(.config))]
    Models {
        config: Option<PathBuf>,
        #[source]
        source: TargetError,
    },
    #[error("invalid config `{}`: `sensitive`: {source}", config_name(.config))]
    Sensitive {
        config: Option<PathBuf>,
        #[source]
        source: ScannerError,
    },
    #[error("invalid config `{}`: `profiles`: {source}", config_name(.config))]
    Profiles {
        config: Option<PathBuf>,
        #[source]
        source: ProfileError,
    },
    /// `[thresholds]` that the profile rejects (the message names the key).
    #[error("invalid config `{}`: {source}", config_name(.config))]
    Thresholds {
        config: Option<PathBuf>,
        #[source]
        source: ProfileError,
    },
    /// A profile, `--moderation-model` or scores file that does not fit
    /// `--moderation-provider`.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// `--tokenizer` / `--chat-template` that cannot be used (not a tokenizer, no template, a
    /// template that does not parse).
    #[error(transparent)]
    Tokenizer(#[from] crate::tokens::hf::HfError),
    /// `--chat-template` without a tokenizer to count with.
    #[error("`--chat-template` needs `--tokenizer` (or a model whose tokenizer is in the local Hugging Face cache)")]
    TemplateWithoutTokenizer,
    /// `--scores FILE` that cannot be imported.
    #[error("cannot use scores `{}`: {source}", .path.display())]
    Scores {
        path: PathBuf,
        #[source]
        source: ImportError,
    },
}

impl Setup {
    /// `stats`: no rule runs, tokens are always counted and per-example records kept.
    pub fn new(s: &Settings, stats: bool) -> Result<Setup, SetupError> {
        let selection = if stats {
            RuleSet::EMPTY
        } else {
            crate::rules::select::resolve(&s.rules)?
        };
        let mut target = Target::resolve(&s.target, &s.targets).map_err(|e| match e {
            TargetError::UnknownTarget { .. } => SetupError::Target(e),
            source => SetupError::Targets {
                config: s.config_file.clone(),
                source,
            },
        })?;
        let today = match s.today {
            Some(d) => d,
            None => crate::targets::Date::today()?,
        };
        for m in &s.models {
            target
                .add_model(m.clone())
                .map_err(|source| SetupError::Models {
                    config: s.config_file.clone(),
                    source,
                })?;
        }
        let scanner = match &s.sensitive {
            Some(o) => Some(Arc::new(crate::sensitive::Scanner::new(o).map_err(
                |source| SetupError::Sensitive {
                    config: s.config_file.clone(),
                    source,
                },
            )?)),
            None => None,
        };
        let model = target.resolve_model(s.model.as_deref());
        if let (Err(unknown), true) = (&model, stats) {
            return Err(SetupError::UnknownModel(unknown.clone()));
        }
        // The run phase: rules about the settings themselves, reported on every file.
        let run = RunCtx {
            unknown_model: model.as_ref().err(),
            target: &target,
            model: model.as_ref().ok().copied(),
            today,
        };
        let file_level: Vec<Diagnostic> = crate::rules::run_checks(&selection, &run)
            .into_iter()
            .map(Diagnostic::from_file_finding)
            .collect();
        let resolved = model.ok().cloned();
        let plan = Plan::new(selection);
        let model_name = s
            .model
            .clone()
            .unwrap_or_else(|| target.default_model().name.clone());
        // Tokenize only when a token rule or `stats` needs it.
        let mut tokens = resolved
            .as_ref()
            .filter(|_| stats || plan.uses_tokens())
            .and_then(|m| crate::tokens::Pricing::new(&target, m));
        if let Some(p) = &mut tokens {
            if let Some(counter) = hf_counter(s, &p.model, today)? {
                p.counter = crate::targets::Counter::Hf(counter);
            }
            if let Some(n) = s.max_length {
                p.model.context = n;
                p.max_length = Some(n);
            }
        }
        let moderation = if stats {
            None
        } else {
            moderation_run(s, &plan, &target)?
        };
        Ok(Setup {
            opts: Options {
                plan,
                framing_only: false,
                format: s.format,
                limits: DatasetLimits::of(&target),
                model: resolved,
                today,
                target: Arc::new(target),
                tokens,
                collect_records: stats,
                epochs: s.epochs,
                moderation,
                scanner,
                dataset_info: s.dataset_info.clone(),
                mapping: None,
            },
            model_name,
            file_level,
        })
    }
}

/// The open model's tokenizer and chat template: `--tokenizer`, else the model's
/// `hf_tokenizer` when the local Hugging Face cache holds it (never the network); `None`: the
/// target's count (an estimate for open models).
fn hf_counter(
    s: &Settings,
    model: &crate::targets::Model,
    today: crate::targets::Date,
) -> Result<Option<&'static crate::tokens::hf::HfCounter>, SetupError> {
    use crate::tokens::hf::{find_in_hf_cache, HfCounter};
    let path = match (&s.tokenizer, &model.hf_tokenizer) {
        (Some(p), _) => p.clone(),
        (None, Some(repo)) => match find_in_hf_cache(repo) {
            Some(dir) => dir,
            None if s.chat_template.is_some() => return Err(SetupError::TemplateWithoutTokenizer),
            None => return Ok(None),
        },
        (None, None) if s.chat_template.is_some() => {
            return Err(SetupError::TemplateWithoutTokenizer)
        }
        (None, None) => return Ok(None),
    };
    Ok(Some(HfCounter::load_shared(
        &path,
        s.chat_template.as_deref(),
        today,
    )?))
}

/// The moderation check of a run: its profile and score sources, and the content gate of
/// `target` (the run's, already resolved). `None` when moderation is off or no selected rule
/// reads scores.
pub fn moderation_run(
    s: &Settings,
    plan: &Plan,
    target: &Target,
) -> Result<Option<Arc<ModerationRun>>, SetupError> {
    let mode = s.moderation.unwrap_or_default();
    if mode == SourceMode::Off || !plan.uses_moderation() {
        return Ok(None);
    }
    if mode == SourceMode::Api && s.offline {
        return Err(SetupError::OfflineApi);
    }
    let provider = s.moderation_provider;
    let profile_name = s.profile.as_deref().unwrap_or(provider.default_profile());
    let user: Vec<Profile> = s
        .profiles
        .iter()
        .map(|(name, def)| Profile::from_def(name, def.clone()))
        .collect::<Result<_, _>>()
        .map_err(|source| SetupError::Profiles {
            config: s.config_file.clone(),
            source,
        })?;
    let mut profile = Profile::find(profile_name, &user)?;
    if let Some(t) = &s.thresholds {
        profile = profile
            .with_overrides(t)
            .map_err(|source| SetupError::Thresholds {
                config: s.config_file.clone(),
                source,
            })?;
    }
    provider.check_profile(&profile)?;
    let imported = match &s.scores {
        Some(path) => {
            Some(
                ImportedScores::from_path(path).map_err(|source| SetupError::Scores {
                    path: path.clone(),
                    source,
                })?,
            )
        }
        None => None,
    };
    if let Some(i) = &imported {
        provider.check_imported(i)?;
    }
    let cache = moderation::resolve_cache_dir(s.cache_dir.as_deref()).map(Cache::new);
    let model = provider.model_key(s.moderation_model.as_deref())?;
    let store = ScoreStore::new(&model, cache, imported).with_provider(provider);
    let check = ModerationCheck {
        profile,
        unit_mode: s.moderation_unit,
        // Unscored texts are findings only when the user asked for moderation.
        report_unscored: s.moderation.is_some() || s.scores.is_some(),
        require_scores: s.require_scores,
    };
    // The content gate's verdict: for a target whose service has one, when M006 runs.
    let verdict = moderation::verdict::content_gate(target)
        .filter(|_| plan.set.contains(crate::diagnostic::Rule::M006))
        .map(|gate| moderation::verdict::VerdictSetup { gate });
    Ok(Some(Arc::new(ModerationRun {
        check,
        store,
        mode,
        verdict,
    })))
}

/// The config file as error messages name it (`?` for settings that came from no file).
fn config_name(config: &Option<PathBuf>) -> String {
    config
        .as_deref()
        .map(Path::display)
        .map(|p| p.to_string())
        .unwrap_or_else(|| "?".into())
}
