//! The moderation pre-check: scores, where they come from, and how a profile judges them.
//!
//! - [`scores`]: the OpenAI score model (both key sets), `text_hash`.
//! - [`units`]: which texts of a line are scored, and their pointers.
//! - [`profile`]: per-category thresholds and the file gate, from `rules/moderation/*.toml`.
//! - [`cache`]: content-addressed score files, safe for concurrent writers and kills.
//! - [`import`]: `--scores FILE` (per-text records or raw API responses) and `--export`.
//! - [`client`]: the live `/moderations` client (batches, concurrency, SDK-style retries).
//! - [`azure`]: the live Azure AI Content Safety `text:analyze` client (severities 0–7).
//! - [`transport`]: what both clients share: retries, capped bodies, the worker pool, the key.
//! - [`provider`], [`scale`]: which service scores (`--moderation-provider`) and its score
//!   family (probabilities or severities), kept apart in the cache, imports and profiles.
//! - [`store`]: the sources combined (cache → import → fetched) and the fetch step.
//! - [`check`]: per-line findings (M001, M002, M004, M005) and the file verdict (M003, the
//!   riskiest examples).
//! - [`ranking`]: whether the scores can rank the examples (M007) and which models they came
//!   from; [`models`]: which models are one, and which are shut down (M008).
//! - [`verdict`]: the content gate's verdict on the whole file (M006), from the scores and the
//!   signals they cannot see; [`summary`]: the file's moderation as the JSON report gives it.
//!
//! # Wiring into a per-line engine
//!
//! ```no_run
//! use ftlint::moderation::*;
//! # fn lines() -> Vec<serde_json::Value> { vec![] }
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Once per run, from flags and config.
//! let profile = Profile::find("finetune", &[])?; // then .with_overrides(&config_thresholds)?
//! let cache = resolve_cache_dir(None).map(Cache::new); // --cache-dir, FTLINT_CACHE_DIR, user dir
//! let imported = None; // Some(ImportedScores::from_path(path)?) for --scores FILE
//! let store = ScoreStore::new(client::DEFAULT_MODEL, cache, imported);
//! let check = ModerationCheck {
//!     profile,
//!     unit_mode: UnitMode::Message,  // --moderation-unit example → UnitMode::Example
//!     report_unscored: false,        // true when --moderation/--scores/config asked for it
//!     require_scores: false,         // --require-scores
//! };
//!
//! // --moderation api (or `ftlint moderate`): a pre-pass collects what no source scores.
//! let mut todo = Vec::new();
//! for (i, v) in lines().iter().enumerate() {
//!     todo.extend(store.unscored_texts(i as u64 + 1, v, check.unit_mode));
//! }
//! let mut config = ClientConfig::from_env()?; // NoApiKey → exit 2
//! config.offline = false;                     // --offline → true: fails before any socket
//! let client = ModerationClient::new(config)?;
//! store.fetch(&client, &todo, &|done, total| eprint!("\r{done}/{total}"))?;
//!
//! // The per-line pass (any thread): findings carry a pointer to span ("" = whole line).
//! let mut summaries = Vec::new();
//! for (i, v) in lines().iter().enumerate() {
//!     let (findings, summary) = check.check_line(&store, i as u64 + 1, v);
//!     summaries.push(summary); // one per example line, in any order
//!     # let _ = findings;
//! }
//! // After the pass: M003 at line 0, the riskiest examples and the "not checked" note.
//! let report = check.check_file(&summaries);
//! for line in check::format_riskiest(&report.riskiest) {
//!     eprintln!("  {line}");
//! }
//! # Ok(()) }
//! ```

pub mod azure;
pub mod cache;
pub mod check;
pub mod client;
pub mod import;
pub mod models;
pub(crate) mod pack;
pub mod profile;
mod profile_def;
pub mod provider;
pub mod ranking;
pub mod run;
pub mod scale;
pub mod scores;
pub mod store;
pub mod summary;
pub mod transport;
pub mod units;
pub mod verdict;

pub use azure::{AzureClient, AzureConfig};
pub use cache::{resolve_cache_dir, Cache};
pub use check::{Event, FileReport, LineSummary, ModerationCheck, RiskyExample, UnitEvent};
pub use client::{ApiKey, ClientConfig, ClientError, ModerationClient};
pub use import::{ImportedScores, ScoreRecord};
pub use profile::{Gate, Hit, Level, Profile, ProfileDef, ThresholdOverrides, Thresholds};
pub use provider::Provider;
pub use run::ModerationRun;
pub use scale::Scale;
pub use scores::{text_hash, Category, Score};
pub use store::{Origin, Resolved, ScoreStore};
pub use units::{text_units, TextUnit, UnitMode};

/// `--moderation off|cache|api`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SourceMode {
    /// No M rules run.
    Off,
    /// Cached and imported scores only; never the network (the default).
    #[default]
    Cache,
    /// Also fetch missing scores from the API (and cache them).
    Api,
}

/// A score as messages print it: four decimals, or two significant digits when tiny.
pub fn fmt_score(s: f64) -> String {
    if s >= 0.0001 || s == 0.0 {
        format!("{s:.4}")
    } else {
        format!("{s:.1e}")
    }
}

#[cfg(test)]
mod fmt_tests {
    use super::fmt_score;

    #[test]
    fn scores_print_compactly() {
        assert_eq!(fmt_score(0.0686868802), "0.0687");
        assert_eq!(fmt_score(0.0161863714), "0.0162");
        assert_eq!(fmt_score(2.0551e-06), "2.1e-6");
        assert_eq!(fmt_score(0.0), "0.0000");
    }
}
