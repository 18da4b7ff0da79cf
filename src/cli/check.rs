//! `ftlint check`: settings → engine options → inputs → engine → renderer → exit code.

use super::{CheckArgs, CliError, Report};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::RuleSet;
use crate::engine::{self, DatasetLimits, FileReport, Options};
use crate::input::{InputError, Source};
use crate::moderation::{
    self, Cache, ImportedScores, ModerationCheck, ModerationRun, Profile, ScoreStore, SourceMode,
};
use crate::render::{self, Counts, RunInfo};
use crate::rules::{Plan, RunCtx};
use crate::settings::Settings;
use crate::targets::Target;
use std::io::{Read, Write};
use std::sync::Arc;

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<u8, Report> {
    let settings = super::config_cmd::resolve(args)?.settings;
    let setup = Setup::new(&settings, false)?;
    super::fix::check_usage(args)?;
    let per_file_ignores = PerFileIgnores::new(&settings)?;
    let sources = args.inputs.sources(&settings)?;
    let mut fix_failed = false;
    if args.fix {
        let fixes = crate::fix::Fixes::from_selection(&setup.opts.plan.set);
        if args.dry_run {
            return super::fix::preview(&sources, &fixes, out);
        }
        fix_failed = super::fix::apply(&sources, &fixes);
    }
    // After `--fix`, so that `--diff` sees the lines the check sees.
    let narrowing = super::narrow::Narrowing::new(args, &settings, &sources)?;
    let mut inputs = Inputs::new(sources);
    if narrowing.needs_stdin_twice() {
        inputs.buffer_stdin()?;
    }
    if setup
        .opts
        .moderation
        .as_ref()
        .is_some_and(|m| m.mode == SourceMode::Api)
    {
        super::moderate::fetch_missing(&mut inputs, &setup, &settings)?;
    }
    let (mut reports, failed) = check_all(&inputs, &setup);
    let failed = failed || fix_failed;
    for r in &mut reports {
        r.diagnostics.splice(0..0, setup.file_level.iter().cloned());
        per_file_ignores.apply(r);
    }
    if let Some(code) = narrowing.apply(&inputs, &setup.opts.plan.set, &mut reports)? {
        return Ok(if failed { 2 } else { code });
    }
    let info = RunInfo {
        target: settings.target.clone(),
        model: setup.model_name.clone(),
        color: super::use_color(args.color),
        width: terminal_width(),
    };
    render::render(settings.output_format, &reports, &info, out)?;
    if failed {
        return Ok(2);
    }
    let counts = Counts::of(&reports);
    let too_many_warnings = settings
        .max_warnings
        .is_some_and(|max| counts.warnings > max);
    Ok(
        if args.exit_zero || (counts.errors == 0 && !too_many_warnings) {
            0
        } else {
            1
        },
    )
}

/// The engine options for a run, resolved from the settings, plus findings about the run
/// itself (an unknown model) that every file reports.
pub struct Setup {
    pub opts: Options,
    pub model_name: String,
    pub file_level: Vec<Diagnostic>,
}

impl Setup {
    /// `stats`: no rule runs, tokens are always counted and per-example records kept.
    pub fn new(s: &Settings, stats: bool) -> Result<Setup, CliError> {
        let selection = if stats {
            RuleSet::EMPTY
        } else {
            crate::rules::select(&s.select, &s.ignore)?
        };
        let mut target = Target::find(&s.target)?.clone();
        for m in &s.models {
            target
                .add_model(m.clone())
                .map_err(|source| CliError::Models {
                    config: s.config_file.clone(),
                    source,
                })?;
        }
        let scanner = match &s.sensitive {
            Some(o) => Some(Arc::new(crate::sensitive::Scanner::new(o).map_err(
                |source| CliError::Sensitive {
                    config: s.config_file.clone(),
                    source,
                },
            )?)),
            None => None,
        };
        let model = target.resolve_model(s.model.as_deref());
        if let (Err(unknown), true) = (&model, stats) {
            return Err(CliError::UnknownModel(unknown.clone()));
        }
        // The run phase: rules about the settings themselves, reported on every file.
        let run = RunCtx {
            unknown_model: model.as_ref().err(),
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
        let tokens = resolved.filter(|_| stats || plan.uses_tokens());
        let moderation = if stats {
            None
        } else {
            moderation_run(s, &plan)?
        };
        Ok(Setup {
            opts: Options {
                plan,
                framing_only: false,
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
/// off or no selected rule reads scores.
pub fn moderation_run(s: &Settings, plan: &Plan) -> Result<Option<Arc<ModerationRun>>, CliError> {
    let mode = s.moderation.unwrap_or_default();
    if mode == SourceMode::Off || !plan.uses_moderation() {
        return Ok(None);
    }
    if mode == SourceMode::Api && s.offline {
        return Err(CliError::OfflineApi);
    }
    let profile_name = s.profile.as_deref().unwrap_or("finetune");
    let user: Vec<Profile> = s
        .profiles
        .iter()
        .map(|(name, table)| Profile::from_table(name, table))
        .collect::<Result<_, _>>()
        .map_err(|source| CliError::Profiles {
            config: s.config_file.clone(),
            source,
        })?;
    let mut profile = Profile::find(profile_name, &user)?;
    if let Some(t) = &s.thresholds {
        profile = profile
            .with_overrides(t)
            .map_err(|source| CliError::Thresholds {
                config: s.config_file.clone(),
                source,
            })?;
    }
    let imported = match &s.scores {
        Some(path) => Some(
            ImportedScores::from_path(path).map_err(|source| CliError::Scores {
                path: path.clone(),
                source,
            })?,
        ),
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

/// Config `per-file-ignores`: rule codes (or prefixes) dropped from matching files' reports.
/// A glob matches the path as shown, or the path relative to the config file's folder.
pub struct PerFileIgnores {
    entries: Vec<(globset::GlobMatcher, RuleSet)>,
    base: Option<std::path::PathBuf>,
}

impl PerFileIgnores {
    pub fn new(s: &Settings) -> Result<Self, CliError> {
        let mut entries = Vec::new();
        for (glob, codes) in &s.per_file_ignores {
            let g = glob.strip_prefix("./").unwrap_or(glob);
            let m = globset::Glob::new(g)
                .map_err(|source| CliError::PerFileIgnores {
                    glob: glob.clone(),
                    source,
                })?
                .compile_matcher();
            // A code or prefix that names no rule ignores nothing.
            let rules = codes
                .iter()
                .filter_map(|c| crate::rules::select::matching(c).ok())
                .fold(RuleSet::EMPTY, |all, r| all.union(&r));
            entries.push((m, rules));
        }
        Ok(PerFileIgnores {
            entries,
            base: s.config_dir.clone(),
        })
    }

    fn matches(&self, m: &globset::GlobMatcher, path: &str) -> bool {
        let p = std::path::Path::new(path);
        let p = p.strip_prefix("./").unwrap_or(p);
        if m.is_match(p) || p.file_name().is_some_and(|n| m.is_match(n)) {
            return true;
        }
        let Some(base) = &self.base else {
            return false;
        };
        crate::config::absolute(p)
            .strip_prefix(base)
            .is_ok_and(|rel| m.is_match(rel))
    }

    /// Drops the ignored codes' findings from `report`.
    pub fn apply(&self, report: &mut FileReport) {
        let ignored = self
            .entries
            .iter()
            .filter(|(m, _)| self.matches(m, &report.path))
            .fold(RuleSet::EMPTY, |all, (_, r)| all.union(r));
        if ignored.is_empty() {
            return;
        }
        report
            .diagnostics
            .retain(|d| !ignored.contains(d.rule.rule));
    }
}

/// The run's inputs. Standard input is read into memory only when it must be read twice
/// (`--moderation api` and `moderate` first collect the texts to score).
pub struct Inputs {
    pub sources: Vec<Source>,
    pub stdin: Option<Vec<u8>>,
}

impl Inputs {
    pub fn new(sources: Vec<Source>) -> Self {
        Inputs {
            sources,
            stdin: None,
        }
    }

    /// Makes stdin readable more than once.
    pub fn buffer_stdin(&mut self) -> Result<(), InputError> {
        if self.stdin.is_none() && self.sources.iter().any(|s| matches!(s, Source::Stdin(_))) {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|source| InputError::Stdin { source })?;
            self.stdin = Some(buf);
        }
        Ok(())
    }

    /// A reader over one source.
    pub fn open(&self, source: &Source) -> Result<Box<dyn Read + Send + '_>, InputError> {
        match source {
            Source::File(path) => std::fs::File::open(path)
                .map(|f| Box::new(f) as Box<dyn Read + Send>)
                .map_err(|e| InputError::read(source.display_name(), e)),
            Source::Stdin(_) => Ok(match &self.stdin {
                Some(buf) => Box::new(&buf[..]),
                None => Box::new(std::io::stdin()),
            }),
        }
    }
}

/// Checks every source, sorted by path; I/O failures are reported on stderr and make the run
/// exit 2, but the other inputs are still checked.
pub fn check_all(inputs: &Inputs, setup: &Setup) -> (Vec<FileReport>, bool) {
    let mut reports = Vec::with_capacity(inputs.sources.len());
    let mut failed = false;
    for source in &inputs.sources {
        let name = source.display_name();
        let result = inputs.open(source).and_then(|r| {
            engine::check_reader(name.clone(), r, &setup.opts)
                .map_err(|e| InputError::read(name.clone(), e))
        });
        match result {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!("ftlint: error: {e}");
                failed = true;
            }
        }
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    (reports, failed)
}

pub fn terminal_width() -> usize {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        if let Some(w) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
            return w;
        }
        return 120;
    }
    100
}
