//! [`Setup`]: the engine options a run's settings make — the target and its models, the rule
//! selection, the sensitive-data scanner, the moderation profile and score sources — plus the
//! findings about the run itself (an unknown model) that every file reports.

use super::{Settings, SettingsError};
use crate::diagnostic::Diagnostic;
use crate::engine::{DatasetLimits, Options};
use crate::moderation::{
    self, Cache, ImportedScores, ModerationCheck, ModerationRun, Profile, ScoreStore, SourceMode,
};
use crate::rules::tokens::t002_unknown_model as t002;
use crate::rules::Selection;
use crate::targets::Target;
use std::sync::Arc;

/// The engine options for a run, resolved from the settings, plus findings about the run
/// itself (an unknown model) that every file reports.
pub struct Setup {
    pub opts: Options,
    pub model_name: String,
    pub file_level: Vec<Diagnostic>,
}

impl Setup {
    /// `stats`: no rule runs, tokens are always counted and per-example records kept.
    pub fn new(s: &Settings, stats: bool) -> Result<Setup, SettingsError> {
        let selection = if stats {
            Selection::none()
        } else {
            Selection::new(&s.select, &s.ignore).map_err(SettingsError)?
        };
        let mut target = Target::builtin(&s.target)
            .ok_or_else(|| {
                SettingsError(format!(
                    "unknown target `{}` (known: {})",
                    s.target,
                    quoted(&Target::builtin_names())
                ))
            })?
            .clone();
        for m in &s.models {
            target.add_model(m.clone()).map_err(|e| {
                SettingsError(format!(
                    "invalid config `{}`: `models`: {e}",
                    config_name(s)
                ))
            })?;
        }
        let scanner = match &s.sensitive {
            Some(o) => Some(Arc::new(crate::sensitive::Scanner::new(o).map_err(
                |e| {
                    SettingsError(format!(
                        "invalid config `{}`: `sensitive`: {e}",
                        config_name(s)
                    ))
                },
            )?)),
            None => None,
        };
        let mut file_level = Vec::new();
        let resolved = match target.resolve_model(s.model.as_deref()) {
            Ok(m) => Some(m.clone()),
            Err(unknown) if stats => return Err(SettingsError(t002::message(&unknown))),
            Err(unknown) => {
                if selection.is_enabled(&t002::RULE) {
                    file_level.push(
                        Diagnostic::file_level(&t002::RULE, t002::message(&unknown))
                            .with_help(t002::help()),
                    );
                }
                None
            }
        };
        let model_name = s
            .model
            .clone()
            .unwrap_or_else(|| target.default_model().name.clone());
        // Tokenize only when a token rule or `stats` needs it.
        let tokens = resolved.filter(|_| stats || selection.any_with_prefix("T"));
        let moderation = if stats {
            None
        } else {
            moderation_run(s, &selection)?
        };
        Ok(Setup {
            opts: Options {
                selection,
                format: s.format,
                limits: DatasetLimits {
                    min_examples: target.min_examples,
                    recommended_examples: target.recommended_examples,
                    max_file_bytes: target.max_file_bytes,
                    max_image_examples: target.max_image_examples,
                },
                tokens,
                collect_records: stats,
                epochs: s.epochs,
                prices_date: target.prices_date.clone(),
                moderation,
                scanner,
            },
            model_name,
            file_level,
        })
    }
}

/// The moderation check of a run: its profile and score sources. `None` when moderation is
/// off or no M rule is selected.
pub fn moderation_run(
    s: &Settings,
    selection: &Selection,
) -> Result<Option<Arc<ModerationRun>>, SettingsError> {
    let mode = s.moderation.unwrap_or_default();
    if mode == SourceMode::Off || !selection.any_with_prefix("M") {
        return Ok(None);
    }
    if mode == SourceMode::Api && s.offline {
        return Err(SettingsError(
            "`--offline` forbids `--moderation api` (use `--moderation cache`)".into(),
        ));
    }
    let profile_name = s.profile.as_deref().unwrap_or("finetune");
    let user: Vec<Profile> = s
        .profiles
        .iter()
        .map(|(name, def)| Profile::from_def(name, def.clone()))
        .collect::<Result<_, _>>()
        .map_err(|e| {
            SettingsError(format!(
                "invalid config `{}`: `profiles`: {e}",
                config_name(s)
            ))
        })?;
    let mut profile =
        Profile::find(profile_name, &user).map_err(|e| SettingsError(e.to_string()))?;
    if let Some(t) = &s.thresholds {
        profile = profile
            .with_overrides(t)
            .map_err(|e| SettingsError(format!("invalid config `{}`: {e}", config_name(s))))?;
    }
    let imported =
        match &s.scores {
            Some(path) => Some(ImportedScores::from_path(path).map_err(|e| {
                SettingsError(format!("cannot use scores `{}`: {e}", path.display()))
            })?),
            None => None,
        };
    let cache = moderation::resolve_cache_dir(s.cache_dir.as_deref()).map(Cache::new);
    let model = s
        .moderation_model
        .as_deref()
        .unwrap_or(moderation::client::DEFAULT_MODEL);
    let store = ScoreStore::new(model, cache, imported);
    let check = ModerationCheck {
        profile,
        unit_mode: s.moderation_unit,
        // Unscored texts are findings only when the user asked for moderation.
        report_unscored: s.moderation.is_some() || s.scores.is_some(),
        require_scores: s.require_scores,
    };
    Ok(Some(Arc::new(ModerationRun { check, store, mode })))
}

/// The config file's path, for error messages.
fn config_name(s: &Settings) -> String {
    s.config_file
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "?".into())
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
