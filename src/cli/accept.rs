//! `ftlint accept`: JSONL has no comments, so there is no `# noqa`; a finding is accepted by
//! adding it to the baseline file (see [`crate::baseline`]).
//!
//! - `ftlint accept PATH:LINE [CODE…]`: the findings on that line (of those rules), as `check`
//!   reports them with the same settings; `PATH:LINE:COLUMN` (copied from `concise` output)
//!   works too.
//! - `ftlint accept PATH --code CODE`: every finding of that rule in the file, file-level ones
//!   included; `ftlint accept PATH` accepts all of the file's findings.
//! - `ftlint accept --prune [PATH]`: removes the entries that match nothing any more.
//!
//! The baseline is `--baseline FILE`, else the config's `baseline`. Findings already accepted
//! are not added twice; a write merges into the file (atomically) and keeps `--reason`.

use super::check::Inputs;
use super::{CliError, ConfigFlags, ModerationFlags, Report, TargetFlags};
use crate::baseline::{Baseline, Entry, Keyed};
use crate::config::Config;
use crate::diagnostic::{Rule, RuleSet};
use crate::engine::FileReport;
use crate::input::Source;
use crate::settings::{finish_reports, PerFileIgnores};
use crate::settings::{Settings, Setup};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct AcceptArgs {
    /// `PATH:LINE` (or `PATH:LINE:COLUMN`) for the findings on one line, `PATH` for the whole
    /// file; with `--prune`, the file to prune (default: every file the baseline names)
    #[arg(value_name = "PATH[:LINE]", required_unless_present = "prune")]
    pub location: Option<String>,
    /// Only the findings of these rules (codes or prefixes)
    #[arg(value_name = "CODE")]
    pub codes: Vec<String>,
    /// Only the findings of these rules (codes or prefixes, comma-separated; same as CODE)
    #[arg(long = "code", value_name = "CODES", value_delimiter = ',')]
    pub code_flags: Vec<String>,
    /// Why the findings are accepted, recorded with their entries
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// The baseline file (default: the config's `baseline`)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Remove the entries that no longer match a finding (their line changed or the problem
    /// is gone)
    #[arg(long, conflicts_with_all = ["codes", "code_flags", "reason"])]
    pub prune: bool,
    #[command(flatten)]
    pub targeting: TargetFlags,
    #[command(flatten)]
    pub moderation: ModerationFlags,
    #[command(flatten)]
    pub config: ConfigFlags,
}

/// What `accept` was asked to accept.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Location {
    path: PathBuf,
    line: Option<u64>,
}

/// `PATH`, `PATH:LINE` or `PATH:LINE:COLUMN` (a trailing `:` as in `concise` output is fine).
/// A path that itself ends in `:digits` and exists is taken whole.
fn parse_location(text: &str) -> Location {
    let whole = Location {
        path: PathBuf::from(text),
        line: None,
    };
    if Path::new(text).exists() {
        return whole;
    }
    let t = text.strip_suffix(':').unwrap_or(text);
    let numbers = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (rest, last) = match t.rsplit_once(':') {
        Some((rest, last)) if numbers(last) && !rest.is_empty() => (rest, last),
        _ => return whole,
    };
    // `PATH:LINE:COLUMN`: the column is not needed.
    let (path, line) = match rest.rsplit_once(':') {
        Some((path, line)) if numbers(line) && !path.is_empty() => (path, line),
        _ => (rest, last),
    };
    Location {
        path: PathBuf::from(path),
        line: line.parse().ok(),
    }
}

pub fn run(args: &AcceptArgs, _out: &mut dyn Write) -> Result<u8, Report> {
    if args.prune {
        return prune(args);
    }
    let location = parse_location(args.location.as_deref().unwrap_or_default());
    let settings = settings(args, std::slice::from_ref(&location.path))?;
    let baseline_path = baseline_path(args, &settings)?;
    let codes = selected_codes(args)?;
    if location.line == Some(0) {
        return Err(CliError::AcceptLineZero.into());
    }
    let shown = location.path.to_string_lossy().replace('\\', "/");
    if !location.path.is_file() {
        return Err(CliError::AcceptNotAFile { path: shown }.into());
    }
    let setup = Setup::new(&settings, false)?;
    let inputs = Inputs::new(vec![Source::File(location.path.clone())]);
    let (reports, keyed) = check(&inputs, &setup, &settings, &baseline_path)?;
    let mut base = Baseline::load_for_merge(&baseline_path)?;
    let (hidden, _) = base.matches(&reports, &keyed, |_| true);

    let wanted = |d: &crate::diagnostic::Diagnostic| {
        codes.as_ref().is_none_or(|c| c.contains(d.rule.rule))
            && location
                .line
                .is_none_or(|line| d.location.is_some_and(|l| l.line == line))
    };
    let (report, k, hidden) = (&reports[0], &keyed[0], &hidden[0]);
    let mut new: BTreeMap<(&str, &str), Entry> = BTreeMap::new();
    let mut lines: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    let mut already = 0u64;
    for ((d, h), hidden) in report.diagnostics.iter().zip(&k.hashes).zip(hidden) {
        if !wanted(d) {
            continue;
        }
        if *hidden {
            already += 1;
            continue;
        }
        new.entry((d.rule.code(), h))
            .or_insert_with(|| Entry {
                path: k.path.clone(),
                code: d.rule.code().to_string(),
                line_hash: h.clone(),
                message: Some(d.message.clone()),
                reason: args.reason.clone(),
                count: 0,
            })
            .count += 1;
        lines
            .entry(d.rule.code())
            .or_default()
            .push(d.location.map_or(0, |l| l.line));
    }
    if new.is_empty() {
        if already > 0 {
            eprintln!(
                "ftlint: nothing to add: {} already accepted in `{}`",
                findings(already),
                baseline_path.display()
            );
            return Ok(0);
        }
        return Err(nothing_there(&shown, &location, &codes, report).into());
    }
    let accepted: u64 = new.values().map(|e| e.count).sum();
    base.add(new.into_values().collect());
    base.write(&baseline_path)?;
    let what: Vec<String> = lines
        .iter()
        .map(|(code, lines)| {
            let mut ls: Vec<String> = lines
                .iter()
                .map(|l| {
                    if *l == 0 {
                        "file".into()
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            ls.dedup();
            let label = if ls.len() == 1 && ls[0] != "file" {
                "line"
            } else if ls.len() == 1 {
                ""
            } else {
                "lines"
            };
            if label.is_empty() {
                format!("{code} (the file)")
            } else {
                format!("{code} ({label} {})", ls.join(", "))
            }
        })
        .collect();
    eprintln!(
        "ftlint: accepted {} of `{shown}` in `{}`: {}{}",
        findings(accepted),
        baseline_path.display(),
        what.join(", "),
        if already > 0 {
            format!(" ({already} already accepted)")
        } else {
            String::new()
        }
    );
    Ok(0)
}

fn findings(n: u64) -> String {
    format!("{n} finding{}", if n == 1 { "" } else { "s" })
}

/// Nothing to accept: say what is there instead.
fn nothing_there(
    shown: &str,
    location: &Location,
    codes: &Option<RuleSet>,
    report: &FileReport,
) -> CliError {
    let place = match location.line {
        Some(l) => format!("line {l} of `{shown}`"),
        None => format!("`{shown}`"),
    };
    let mut there: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| {
            location
                .line
                .is_none_or(|line| d.location.is_some_and(|l| l.line == line))
        })
        .map(|d| d.rule.code())
        .collect();
    there.sort_unstable();
    there.dedup();
    let which = match codes {
        Some(set) => {
            let list: Vec<&str> = set.iter().map(Rule::code).collect();
            if list.len() <= 4 {
                format!("no {} finding", list.join(" or "))
            } else {
                "no finding of those rules".to_string()
            }
        }
        None => "no finding".to_string(),
    };
    CliError::NothingToAccept {
        message: format!(
            "{which} on {place}{}",
            if there.is_empty() {
                String::new()
            } else {
                format!(" (it has {})", there.join(", "))
            }
        ),
    }
}

fn settings(args: &AcceptArgs, paths: &[PathBuf]) -> Result<Settings, Report> {
    let mut o = Config::default();
    args.targeting.layer(&mut o);
    args.moderation.layer(&mut o);
    o.baseline.clone_from(&args.baseline);
    let mut settings = crate::settings::resolve(&args.config.lookup(), paths, o)?.settings;
    // Scores come from the cache and imports only: accepting never fetches.
    if settings.moderation == Some(crate::moderation::SourceMode::Api) {
        settings.moderation = Some(crate::moderation::SourceMode::Cache);
    }
    Ok(settings)
}

fn baseline_path(args: &AcceptArgs, settings: &Settings) -> Result<PathBuf, CliError> {
    args.baseline
        .clone()
        .or_else(|| settings.baseline.clone())
        .ok_or(CliError::NoBaseline)
}

/// The rules named by CODE arguments and `--code`; `None`: every rule.
fn selected_codes(args: &AcceptArgs) -> Result<Option<RuleSet>, Report> {
    let all: Vec<&String> = args.codes.iter().chain(&args.code_flags).collect();
    if all.is_empty() {
        return Ok(None);
    }
    let mut set = RuleSet::EMPTY;
    for c in all {
        set = set.union(&crate::rules::select::matching(c)?);
    }
    Ok(Some(set))
}

/// The inputs checked as `check` would, with each report's baseline key and line hashes.
fn check(
    inputs: &Inputs,
    setup: &Setup,
    settings: &Settings,
    baseline_path: &Path,
) -> Result<(Vec<FileReport>, Vec<Keyed>), Report> {
    let ignores = PerFileIgnores::new(settings)?;
    let (mut reports, failed) = super::check::check_all(inputs, setup);
    if failed {
        return Err(CliError::AcceptReadFailed.into());
    }
    finish_reports(&mut reports, setup, &ignores);
    let keyed = super::narrow::keyed(inputs, &reports, baseline_path)?;
    Ok((reports, keyed))
}

/// `ftlint accept --prune [PATH]`.
fn prune(args: &AcceptArgs) -> Result<u8, Report> {
    let given = args.location.as_deref().map(parse_location);
    // The baseline comes from the flag or the config, found from the file given or the
    // current folder.
    let probe: Vec<PathBuf> = given
        .as_ref()
        .map(|l| vec![l.path.clone()])
        .unwrap_or_else(|| vec![PathBuf::from(".")]);
    let first = settings(args, &probe)?;
    let baseline_path = baseline_path(args, &first)?;
    let mut base = Baseline::load(&baseline_path)?;
    let dir = match baseline_path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // The files to check: the one given, or each file an entry names (relative to the
    // baseline's folder, else as written); entries of files that are gone are stale too.
    let mut files: Vec<PathBuf> = Vec::new();
    let mut gone: Vec<String> = Vec::new();
    match &given {
        Some(l) => files.push(l.path.clone()),
        None => {
            let mut keys: Vec<&str> = base.entries.iter().map(|e| e.path.as_str()).collect();
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                let below = dir.join(key);
                if below.is_file() {
                    files.push(below);
                } else if Path::new(key).is_file() {
                    files.push(PathBuf::from(key));
                } else {
                    gone.push(key.to_string());
                }
            }
        }
    }
    let before: u64 = base.entries.iter().map(|e| e.count).sum();
    if !files.is_empty() {
        let settings = settings(args, &files)?;
        let setup = Setup::new(&settings, false)?;
        let inputs = Inputs::new(files.into_iter().map(Source::File).collect());
        let (reports, keyed) = check(&inputs, &setup, &settings, &baseline_path)?;
        let selection = setup.opts.plan.set;
        let judged = |code: &str| Rule::from_code(code).is_none_or(|r| selection.contains(r));
        let (_, stale) = base.matches(&reports, &keyed, judged);
        base.prune(&stale);
    }
    base.entries.retain(|e| !gone.contains(&e.path));
    let after: u64 = base.entries.iter().map(|e| e.count).sum();
    let removed = before - after;
    if removed == 0 {
        eprintln!("ftlint: no stale entries in `{}`", baseline_path.display());
        return Ok(0);
    }
    base.write(&baseline_path)?;
    eprintln!(
        "ftlint: pruned {} from `{}` ({} left){}",
        stale_words(removed),
        baseline_path.display(),
        findings(after),
        if gone.is_empty() {
            String::new()
        } else {
            format!(
                "; files gone: {}",
                gone.iter()
                    .map(|g| format!("`{g}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    Ok(0)
}

fn stale_words(n: u64) -> String {
    format!(
        "{n} stale accepted finding{}",
        if n == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        let l = |s: &str| parse_location(s);
        assert_eq!(
            l("data/t.jsonl:3"),
            Location {
                path: "data/t.jsonl".into(),
                line: Some(3)
            }
        );
        assert_eq!(l("data/t.jsonl:3:17:").line, Some(3));
        assert_eq!(l("data/t.jsonl:3:17").path, PathBuf::from("data/t.jsonl"));
        assert_eq!(l("data/t.jsonl").line, None);
        assert_eq!(l("t.jsonl:x").line, None);
        assert_eq!(l(":3").line, None);
        assert_eq!(
            l("C:\\data\\t.jsonl:4").path,
            PathBuf::from("C:\\data\\t.jsonl")
        );
    }
}
