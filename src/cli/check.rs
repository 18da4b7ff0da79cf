//! `ftlint check`: settings → engine options → inputs → engine → renderer → exit code.

use super::{CheckArgs, CliError, Report};
use crate::engine::{self, FileReport};
use crate::input::{InputError, Source};
use crate::moderation::SourceMode;
use crate::render::{self, RunInfo};
use crate::settings::{PerFileIgnores, Settings, Setup};
use std::io::{Read, Write};

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<u8, Report> {
    let settings = args.resolve()?.settings;
    // `--output-file`: the report goes to a temporary file beside FILE as it is rendered (it
    // may be larger than memory) and replaces FILE when the run is done; a run that fails
    // leaves FILE as it was.
    if let Some(path) = settings.output_file.clone() {
        // Its folder is made if missing, as ruff does (`--output-file reports/ftlint.json`).
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        let mut outcome = None;
        let written = dir.map_or(Ok(()), std::fs::create_dir_all).and_then(|()| {
            crate::input::atomic::write(&path, |f| {
                let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
                let result = run_with(args, settings, &mut w);
                let flushed = w.flush();
                let failed = result.is_err();
                outcome = Some(result);
                if failed {
                    return Err(std::io::Error::other("the run failed"));
                }
                flushed
            })
        });
        return match (outcome, written) {
            (Some(Err(report)), _) => Err(report),
            (Some(Ok(code)), Ok(())) => Ok(code),
            (_, Err(source)) => Err(CliError::OutputFile { path, source }.into()),
            (None, Ok(())) => Err(CliError::OutputFile {
                path,
                source: std::io::Error::other("nothing was written"),
            }
            .into()),
        };
    }
    run_with(args, settings, out)
}

fn run_with(args: &CheckArgs, settings: Settings, out: &mut dyn Write) -> Result<u8, Report> {
    let setup = Setup::new(&settings, false)?;
    super::fix::check_usage(args)?;
    let per_file_ignores = PerFileIgnores::new(&settings)?;
    let sources = args.inputs.sources(&settings)?;
    let mut fix_failed = false;
    if args.fix {
        let fixes =
            crate::fix::Fixes::new(&setup.opts.plan.set, args.unsafe_fixes, setup.opts.format)
                .for_target(setup.opts.target.clone());
        if args.dry_run {
            return super::fix::preview(&sources, &fixes, &setup.opts, out);
        }
        fix_failed = super::fix::apply(&sources, &fixes, &setup.opts);
    }
    // After `--fix`, so that `--diff` sees the lines the check sees.
    let narrowing = super::narrow::Narrowing::new(args, &settings, &sources)?;
    let mut inputs = Inputs::new(sources);
    if narrowing.needs_stdin_twice() {
        inputs.buffer_stdin()?;
    }
    let mut moderation_failed = false;
    if setup
        .opts
        .moderation
        .as_ref()
        .is_some_and(|m| m.mode == SourceMode::Api)
    {
        // A setup error (no key, a key no request can carry) stops here; the service failing
        // never hides the other findings: they are all reported, the texts left without a
        // score are M004, and the run exits 2.
        let fetched = super::moderate::fetch_missing(&mut inputs, &setup, &settings)?;
        match fetched {
            Ok(f) => {
                if let Some(e) = f.cache_error {
                    eprintln!(
                        "ftlint: warning: {} of {} fetched scores could not be written to the score cache `{}` ({}); they are used in this run only",
                        e.failed,
                        f.fetched,
                        e.dir.display(),
                        e.reason
                    );
                }
            }
            Err(e) => {
                eprintln!("ftlint: error: moderation not checked in full: {e}");
                moderation_failed = true;
            }
        }
    }
    // Each file's findings beyond the memory budget wait in a temporary file; they are read
    // once, in output order, by the baseline writer or the renderer.
    let spill = engine::findings::Spill::from_env();
    let (checked, failed) = check_all_spilling(&inputs, &setup, &spill, args.verbose);
    let failed = failed || fix_failed || moderation_failed;
    let (reports, findings): (Vec<FileReport>, Vec<_>) = checked.into_iter().unzip();
    let selection = &setup.opts.plan.set;
    let mut stream = narrowing.stream(&inputs, &setup, &per_file_ignores, &reports, findings);
    if let Some(code) = narrowing.write_baseline(&mut stream, selection)? {
        return Ok(if failed { 2 } else { code });
    }
    let info = RunInfo {
        target: settings.target.clone(),
        model: setup.model_name.clone(),
        color: settings.output_file.is_none() && super::use_color(args.color),
        width: terminal_width(),
        quiet: args.quiet,
        verbose: args.verbose,
        token_total: token_total(&setup, &reports),
        unsafe_fixes: args.unsafe_fixes,
    };
    let counts = if args.statistics {
        render::statistics::render_stream(settings.output_format, &reports, &mut stream, &info, out)
    } else {
        render::render_stream(settings.output_format, &reports, &mut stream, &info, out)
    }
    .map_err(super::narrow::layer_error)?;
    narrowing.finish(&mut stream, selection);
    if failed {
        return Ok(2);
    }
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

/// The token and cost line of several files together (`None` for one file, or when no token
/// rule ran).
fn token_total(setup: &Setup, reports: &[FileReport]) -> Option<String> {
    let pricing = setup.opts.tokens.as_ref()?;
    let files: Vec<_> = reports
        .iter()
        .filter_map(|r| Some((r.tokens?, r.epochs?)))
        .collect();
    (files.len() > 1).then(|| pricing.total_line(&files))
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
/// exit 2, but the other inputs are still checked. Every finding is kept in memory (`accept`).
pub fn check_all(inputs: &Inputs, setup: &Setup) -> (Vec<FileReport>, bool) {
    let (reports, failed) = check_each(inputs, |name, r| {
        let opts = file_options(setup, &name, false)?;
        engine::check_reader(name, r, &opts)
    });
    (reports, failed)
}

/// [`check_all`] with each file's findings apart, within `spill`'s memory budget.
pub fn check_all_spilling(
    inputs: &Inputs,
    setup: &Setup,
    spill: &std::sync::Arc<engine::findings::Spill>,
    verbose: bool,
) -> (Vec<(FileReport, engine::findings::Findings)>, bool) {
    check_each(inputs, |name, r| {
        let opts = file_options(setup, &name, verbose)?;
        engine::check_reader_spilling(name, r, &opts, spill)
    })
}

/// The run's options for one input: with its LLaMA-Factory `dataset_info.json` entry, if it
/// has one. A `dataset_info.json` that cannot be used fails that input (exit 2) with its own
/// line. `verbose`: say on stderr which entry a file is read with.
fn file_options<'s>(
    setup: &'s Setup,
    name: &str,
    verbose: bool,
) -> std::io::Result<std::borrow::Cow<'s, engine::Options>> {
    let opts = setup
        .opts
        .for_file(std::path::Path::new(name))
        .map_err(std::io::Error::other)?;
    if let (true, Some(m)) = (verbose, &opts.mapping) {
        eprintln!("ftlint: `{name}` is read with {}", m.describe());
    }
    Ok(opts)
}

/// What [`check_each`] makes of a source: sorted by the report's path.
pub trait Checked {
    fn path(&self) -> &str;
}

impl Checked for FileReport {
    fn path(&self) -> &str {
        &self.path
    }
}

impl<F> Checked for (FileReport, F) {
    fn path(&self) -> &str {
        &self.0.path
    }
}

fn check_each<T: Checked>(
    inputs: &Inputs,
    check: impl Fn(String, Box<dyn Read + Send + '_>) -> std::io::Result<T>,
) -> (Vec<T>, bool) {
    let mut reports = Vec::with_capacity(inputs.sources.len());
    let mut failed = false;
    // A bar on a terminal's stderr once the run takes a while: the inputs' total size is
    // known for files (stdin counts without one).
    let total = inputs
        .sources
        .iter()
        .map(|s| match s {
            Source::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Source::Stdin(_) => inputs.stdin.as_ref().map(|b| b.len() as u64),
        })
        .sum::<Option<u64>>();
    let progress = super::progress::ReadProgress::new(total);
    for source in &inputs.sources {
        let name = source.display_name();
        let result = inputs
            .open(source)
            .map_err(|e| e.to_string())
            .and_then(|r| {
                check(name.clone(), progress.reader(r)).map_err(|e| {
                    // The temporary file's failure is its own line, not the input's.
                    match e
                        .get_ref()
                        .and_then(|i| i.downcast_ref::<engine::findings::SpillError>())
                    {
                        Some(spill) => spill.to_string(),
                        None if e
                            .get_ref()
                            .is_some_and(|i| i.is::<crate::llamafactory::InfoError>()) =>
                        {
                            e.to_string()
                        }
                        None => InputError::read(name.clone(), e).to_string(),
                    }
                })
            });
        match result {
            Ok(r) => reports.push(r),
            Err(e) => {
                progress.finish();
                eprintln!("ftlint: error: {e}");
                failed = true;
            }
        }
    }
    progress.finish();
    reports.sort_by(|a, b| a.path().cmp(b.path()));
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
