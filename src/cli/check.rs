//! `ftlint check`: inputs → engine → renderer → exit code.

use super::{CheckArgs, Fatal, RunError};
use crate::diagnostic::Diagnostic;
use crate::engine::{self, DatasetLimits, FileReport, Options};
use crate::format::FormatChoice;
use crate::input::{self, Source};
use crate::render::{self, Counts, RunInfo};
use crate::rules::tokens::t002_unknown_model as t002;
use crate::rules::Selection;
use crate::targets::Target;
use std::io::Write;

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<u8, RunError> {
    let selection = Selection::new(&args.select, &args.ignore).map_err(Fatal)?;
    let setup = Setup::new(
        &args.target,
        args.model.as_deref(),
        selection,
        args.format.choice(),
        args.epochs,
        false,
    )?;
    let sources =
        input::discover(&args.paths, args.stdin_filename.as_deref()).map_err(|e| Fatal(e.0))?;
    let (mut reports, failed) = check_all(&sources, &setup);
    for r in &mut reports {
        r.diagnostics.splice(0..0, setup.file_level.iter().cloned());
    }
    let info = RunInfo {
        target: args.target.clone(),
        model: setup.model_name.clone(),
        color: super::use_color(args.color),
        width: terminal_width(),
    };
    render::render(args.output_format, &reports, &info, out)?;
    if failed {
        return Ok(2);
    }
    let counts = Counts::of(&reports);
    let too_many_warnings = args.max_warnings.is_some_and(|max| counts.warnings > max);
    Ok(
        if args.exit_zero || (counts.errors == 0 && !too_many_warnings) {
            0
        } else {
            1
        },
    )
}

/// The engine options for a run, resolved from target and model, plus findings about the run
/// itself (an unknown model) that every file reports.
pub struct Setup {
    pub opts: Options,
    pub model_name: String,
    pub file_level: Vec<Diagnostic>,
}

impl Setup {
    pub fn new(
        target: &str,
        model: Option<&str>,
        selection: Selection,
        format: FormatChoice,
        epochs: Option<u32>,
        stats: bool,
    ) -> Result<Setup, Fatal> {
        let target = Target::builtin(target).ok_or_else(|| {
            Fatal(format!(
                "unknown target `{target}` (known: {})",
                quoted(&Target::builtin_names())
            ))
        })?;
        let mut file_level = Vec::new();
        let resolved = match target.resolve_model(model) {
            Ok(m) => Some(m.clone()),
            Err(unknown) if stats => return Err(Fatal(t002::message(&unknown))),
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
        let model_name = model.map_or_else(|| target.default_model().name.clone(), str::to_owned);
        // Tokenize only when a token rule or `stats` needs it; start loading the tokenizer now,
        // so that it is ready by the time the first block is parsed.
        let tokens = resolved.filter(|_| stats || selection.any_with_prefix("T"));
        if let Some(m) = &tokens {
            drop(crate::tokens::spawn_preload(m.encoding));
        }
        Ok(Setup {
            opts: Options {
                selection,
                format,
                limits: DatasetLimits {
                    min_examples: target.min_examples,
                    recommended_examples: target.recommended_examples,
                    max_file_bytes: target.max_file_bytes,
                    max_image_examples: target.max_image_examples,
                },
                tokens,
                collect_records: stats,
                epochs,
                prices_date: target.prices_date.clone(),
            },
            model_name,
            file_level,
        })
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks every source, sorted by path; I/O failures are reported on stderr and make the run
/// exit 2, but the other inputs are still checked.
pub fn check_all(sources: &[Source], setup: &Setup) -> (Vec<FileReport>, bool) {
    let mut reports = Vec::with_capacity(sources.len());
    let mut failed = false;
    for source in sources {
        match check_source(source, &setup.opts) {
            Ok(r) => reports.push(r),
            Err(msg) => {
                eprintln!("ftlint: error: {msg}");
                failed = true;
            }
        }
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    (reports, failed)
}

fn check_source(source: &Source, opts: &Options) -> Result<FileReport, String> {
    let name = source.display_name();
    let result = match source {
        Source::File(path) => {
            let file = std::fs::File::open(path)
                .map_err(|e| format!("cannot read `{name}`: {}", input::io_reason(&e)))?;
            engine::check_reader(name.clone(), file, opts)
        }
        Source::Stdin(_) => engine::check_reader(name.clone(), std::io::stdin(), opts),
    };
    result.map_err(|e| format!("cannot read `{name}`: {}", input::io_reason(&e)))
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
