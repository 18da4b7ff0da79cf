//! `ftlint check`: inputs → engine → renderer → exit code.

use super::{CheckArgs, Fatal, RunError};
use crate::engine::{self, DatasetLimits, FileReport, Options};
use crate::input::{self, Source};
use crate::render::{self, Counts, RunInfo};
use crate::rules::Selection;
use std::io::Write;

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<u8, RunError> {
    let selection = Selection::new(&args.select, &args.ignore).map_err(Fatal)?;
    let (limits, default_model) = target_limits(&args.target)?;
    let opts = Options {
        selection,
        format: args.format.choice(),
        limits,
    };
    super::fix::check_usage(args)?;
    let excludes = input::Excludes::new(&args.exclude, args.force_exclude).map_err(Fatal)?;
    let sources = input::discover(&args.paths, args.stdin_filename.as_deref(), &excludes)
        .map_err(|e| Fatal(e.0))?;
    let mut failed = false;
    if args.fix {
        let fixes = crate::fix::Fixes::from_selection(&opts.selection);
        if args.dry_run {
            return super::fix::preview(&sources, fixes, out);
        }
        failed = super::fix::apply(&sources, fixes);
    }
    let mut reports = Vec::with_capacity(sources.len());
    for source in &sources {
        match check_source(source, &opts) {
            Ok(r) => reports.push(r),
            Err(msg) => {
                // Keep checking the other inputs; the run still exits 2.
                eprintln!("ftlint: error: {msg}");
                failed = true;
            }
        }
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    let info = RunInfo {
        target: args.target.clone(),
        model: args.model.clone().unwrap_or(default_model),
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

/// The target's dataset limits and default model.
// TODO(issue 3): read from rules/targets/<name>.toml.
fn target_limits(target: &str) -> Result<(DatasetLimits, String), Fatal> {
    match target {
        "openai" => Ok((
            DatasetLimits {
                min_examples: 10,
                recommended_examples: 50,
                max_file_bytes: 512 * 1024 * 1024,
                max_image_examples: 50_000,
            },
            "gpt-4o-mini-2024-07-18".to_string(),
        )),
        other => Err(Fatal(format!("unknown target `{other}` (known: `openai`)"))),
    }
}

fn terminal_width() -> usize {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        if let Some(w) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
            return w;
        }
        return 120;
    }
    100
}
