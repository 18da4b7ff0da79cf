//! What every report of a check gets after the engine, whichever front end ran it (`check`,
//! `accept`, the language server): the run's own findings (T002, …) and the config's
//! `per-file-ignores`.

use super::{Settings, Setup};
use crate::diagnostic::RuleSet;
use crate::engine::FileReport;

/// A `per-file-ignores` glob that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("invalid per-file-ignores glob `{glob}`: {source}")]
pub struct BadGlob {
    pub glob: String,
    #[source]
    pub source: globset::Error,
}

/// What every report of a check gets after the engine: the run's findings (T002, …) and the
/// config's per-file ignores.
pub fn finish_reports(reports: &mut [FileReport], setup: &Setup, ignores: &PerFileIgnores) {
    for r in reports {
        r.diagnostics.splice(0..0, setup.file_level.iter().cloned());
        ignores.apply(r);
    }
}

/// Config `per-file-ignores`: rule codes (or prefixes) dropped from matching files' reports.
/// A glob matches the path as shown, or the path relative to the config file's folder.
pub struct PerFileIgnores {
    entries: Vec<(globset::GlobMatcher, RuleSet)>,
    base: Option<std::path::PathBuf>,
}

impl PerFileIgnores {
    pub fn new(s: &Settings) -> Result<Self, BadGlob> {
        let mut entries = Vec::new();
        for (glob, codes) in &s.per_file_ignores {
            let g = glob.strip_prefix("./").unwrap_or(glob);
            let m = globset::Glob::new(g)
                .map_err(|source| BadGlob {
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

    /// The codes ignored in the file shown as `path`.
    pub fn ignored(&self, path: &str) -> RuleSet {
        self.entries
            .iter()
            .filter(|(m, _)| self.matches(m, path))
            .fold(RuleSet::EMPTY, |all, (_, r)| all.union(r))
    }

    /// Drops the ignored codes' findings from `report`.
    pub fn apply(&self, report: &mut FileReport) {
        let ignored = self.ignored(&report.path);
        if ignored.is_empty() {
            return;
        }
        report
            .diagnostics
            .retain(|d| !ignored.contains(d.rule.rule));
    }
}
