//! The settings a document is checked with: those `ftlint check FILE` would use (the nearest
//! `ftlint.toml`, `.ftlint.toml` or `pyproject.toml` `[tool.ftlint]` at or above the file),
//! under the client's `initializationOptions`, which are config keys too. The server never
//! reaches the network: it runs offline, with cached and imported moderation scores only.

use crate::baseline::{self, Baseline, Keyed};
use crate::config::Config;
use crate::engine::FileReport;
use crate::moderation::SourceMode;
use crate::settings::PerFileIgnores;
use crate::settings::{Lookup, Settings, Setup};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the client may set in `initializationOptions`: any config key, plus the server's own.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// Config keys over the config file's (`{"target": "together", "ignore": ["C005"]}`).
    pub config: Config,
    /// `unsafe-fixes`: "fix all" applies unsafe fixes too (quick fixes offer them anyway,
    /// marked as unsafe).
    pub unsafe_fixes: bool,
    /// `docs-url`: where a finding's code links to, `{code}` replaced (default: the rule's
    /// documentation written as a Markdown file in the cache folder).
    pub docs_url: Option<String>,
}

impl ClientOptions {
    /// Reads `initializationOptions`; an unknown key or a bad value is an error the client is
    /// shown (the options are then ignored).
    pub fn from_json(v: Option<Value>) -> Result<ClientOptions, String> {
        let mut map = match v {
            None | Some(Value::Null) => return Ok(ClientOptions::default()),
            Some(Value::Object(m)) => m,
            Some(other) => {
                return Err(format!(
                    "initializationOptions must be an object of ftlint config keys, not `{other}`"
                ))
            }
        };
        let unsafe_fixes = match map.remove("unsafe-fixes") {
            None => false,
            Some(Value::Bool(b)) => b,
            Some(other) => {
                return Err(format!(
                    "`unsafe-fixes` must be true or false, not `{other}`"
                ))
            }
        };
        let docs_url = match map.remove("docs-url") {
            None => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => return Err(format!("`docs-url` must be a string, not `{other}`")),
        };
        let config: Config = serde_json::from_value(Value::Object(map))
            .map_err(|e| format!("initializationOptions: {e}"))?;
        Ok(ClientOptions {
            config,
            unsafe_fixes,
            docs_url,
        })
    }
}

/// A document's engine setup, shared by every document under one config file.
pub struct FileSetup {
    pub settings: Settings,
    pub setup: Setup,
    ignores: PerFileIgnores,
    /// The config's `baseline` file and its entries: accepted findings are not shown, as in
    /// `ftlint check`.
    baseline: Option<(PathBuf, Baseline)>,
}

impl FileSetup {
    /// The run's own findings, the config's per-file ignores and its baseline, as `check`
    /// applies them. `file` is the document's path, `lines` its text (a finding's line is
    /// matched to the baseline by the hash of that line's content, as `check` matches it).
    pub fn finish(&self, report: &mut FileReport, file: Option<&Path>, lines: &[String]) {
        crate::settings::finish_reports(std::slice::from_mut(report), &self.setup, &self.ignores);
        if let Some((path, base)) = &self.baseline {
            let hashes = report
                .diagnostics
                .iter()
                .map(|d| match d.location {
                    Some(l) => lines
                        .get(l.line as usize - 1)
                        .map_or_else(String::new, |t| baseline::line_hash(t.as_bytes())),
                    None => baseline::FILE_LEVEL.to_string(),
                })
                .collect();
            let keyed = Keyed {
                path: baseline::key_for(file, &report.path, path),
                hashes,
            };
            // Stale entries are `ftlint check`'s to report; the server only hides.
            base.apply(std::slice::from_mut(report), &[keyed], |_| true);
        }
    }
}

/// Setups by config file, built on first use and dropped when a config file changes.
#[derive(Default)]
pub struct Setups {
    pub client: ClientOptions,
    by_config: HashMap<Option<PathBuf>, Arc<FileSetup>>,
}

impl Setups {
    pub fn new(client: ClientOptions) -> Setups {
        Setups {
            client,
            by_config: HashMap::new(),
        }
    }

    /// Whether a setup reads `path` as its baseline.
    pub fn uses_baseline(&self, path: &Path) -> bool {
        self.by_config
            .values()
            .any(|s| s.baseline.as_ref().is_some_and(|(b, _)| b == path))
    }

    /// Forgets every setup (a config file changed).
    pub fn clear(&mut self) {
        self.by_config.clear();
    }

    /// The setup of the file at `path` (`None`: a document with no file, checked with the
    /// config found from the working directory). The error is the CLI's message.
    pub fn for_file(&mut self, path: Option<&Path>) -> Result<Arc<FileSetup>, String> {
        let paths: Vec<PathBuf> = path.map(Path::to_path_buf).into_iter().collect();
        let loaded =
            crate::settings::find_config(&Lookup::Discover, &paths).map_err(|e| e.to_string())?;
        let key = loaded.as_ref().map(|l| l.path.clone());
        if let Some(s) = self.by_config.get(&key) {
            return Ok(s.clone());
        }
        let resolved =
            crate::settings::resolve(&Lookup::Discover, &paths, self.client.config.clone())
                .map_err(|e| e.to_string())?;
        let mut settings = resolved.settings;
        // Never the network: scores come from the cache and imported files only.
        settings.offline = true;
        if settings.moderation == Some(SourceMode::Api) {
            settings.moderation = Some(SourceMode::Cache);
        }
        let setup = Setup::new(&settings, false).map_err(|e| e.to_string())?;
        let ignores = PerFileIgnores::new(&settings).map_err(|e| e.to_string())?;
        let baseline = match &settings.baseline {
            Some(p) => Some((p.clone(), Baseline::load(p).map_err(|e| e.to_string())?)),
            None => None,
        };
        let s = Arc::new(FileSetup {
            settings,
            setup,
            ignores,
            baseline,
        });
        self.by_config.insert(key, s.clone());
        Ok(s)
    }
}

/// Whether a changed file is one the settings are read from.
pub fn is_config_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| crate::config::FILE_NAMES.contains(&n))
}
