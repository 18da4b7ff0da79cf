//! `ftlint check --fix [--dry-run]`: rewrite files before they are checked, or preview.

use super::{CheckArgs, CliError, Report};
use crate::engine::Options;
use crate::fix::{self, Fixes};
use crate::input::{self, InputError, Source};
use std::borrow::Cow;
use std::io::Write;

/// The fixes for one file: read through its LLaMA-Factory `dataset_info.json` entry when it has
/// one (as `check` reads it), so that a mapped column is never "fixed" as an unknown key. A
/// `dataset_info.json` that cannot be used is one error line and the file is left alone.
fn file_fixes<'f>(
    fixes: &'f Fixes,
    opts: &Options,
    path: &std::path::Path,
    name: &str,
) -> Option<Cow<'f, Fixes>> {
    match opts.for_file(path) {
        Ok(file_opts) => Some(fixes.for_file_options(&file_opts)),
        Err(e) => {
            eprintln!("ftlint: error: cannot fix `{name}`: {e}");
            None
        }
    }
}

/// Usage errors, before anything is read: `--dry-run` alone, and stdin, which has no file to
/// write back to.
pub fn check_usage(args: &CheckArgs) -> Result<(), CliError> {
    if args.dry_run && !args.fix {
        return Err(CliError::DryRunWithoutFix);
    }
    if args.fix && args.inputs.paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(CliError::FixStdin);
    }
    Ok(())
}

/// Fixes every file, saying on stderr what changed. Returns `true` when a file could not be
/// fixed (the run then exits 2, after checking everything).
pub fn apply(sources: &[Source], fixes: &Fixes, opts: &Options) -> bool {
    let mut failed = false;
    for source in sources {
        let Source::File(path) = source else { continue };
        let name = source.display_name();
        let Some(fixes) = file_fixes(fixes, opts, path, &name) else {
            failed = true;
            continue;
        };
        let fixes = &*fixes;
        let waited = || {
            eprintln!("ftlint: another `ftlint --fix` is fixing `{name}`; waiting for it to finish")
        };
        match fix::fix_file_with(path, fixes, waited) {
            Ok(counts) if counts.total() > 0 => {
                eprintln!("ftlint: fixed `{name}`: {}", counts.describe());
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!(
                    "ftlint: error: cannot fix `{name}`: {}",
                    input::io_reason(&e)
                );
                failed = true;
            }
        }
    }
    failed
}

/// `--fix --dry-run`: prints what `--fix` would change and changes nothing. Exit code 1 when
/// some file would change, 0 when none would, 2 when one could not be read.
pub fn preview(
    sources: &[Source],
    fixes: &Fixes,
    opts: &Options,
    out: &mut dyn Write,
) -> Result<u8, Report> {
    let mut changed = false;
    let mut failed = false;
    for source in sources {
        let Source::File(path) = source else { continue };
        let name = source.display_name();
        let Some(fixes) = file_fixes(fixes, opts, path, &name) else {
            failed = true;
            continue;
        };
        let fixes = &*fixes;
        let counts = std::fs::File::open(path).and_then(|f| {
            let reader = std::io::BufReader::with_capacity(1 << 20, f);
            fix::preview(&name, reader, fixes, out)
        });
        match counts {
            Ok(c) => changed |= c.total() > 0,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Err(e.into()),
            Err(e) => {
                eprintln!("ftlint: error: {}", InputError::read(name, e));
                failed = true;
            }
        }
    }
    Ok(if failed { 2 } else { u8::from(changed) })
}
