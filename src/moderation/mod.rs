//! The moderation pre-check: scores, where they come from, and how a profile judges them.
//!
//! - [`scores`]: the OpenAI score model (both key sets), `text_hash`.
//! - [`units`]: which texts of a line are scored, and their pointers.
//! - [`profile`]: per-category thresholds and the file gate, from `rules/moderation/*.toml`.
//! - [`cache`]: content-addressed score files, safe for concurrent writers and kills.
//! - [`import`]: `--scores FILE` (per-text records or raw API responses) and `--export`.
//! - [`client`]: the live `/moderations` client (batches, concurrency, SDK-style retries).
//! - [`store`]: the sources combined (cache → import → fetched) and the fetch step.
//! - [`check`]: per-line findings (M001, M002, M004, M005) and the file verdict (M003, the
//!   riskiest examples).

pub mod cache;
pub mod check;
pub mod client;
pub mod import;
pub mod profile;
pub mod scores;
pub mod store;
pub mod units;

pub use cache::{resolve_cache_dir, Cache};
pub use check::{FileReport, Finding, LineSummary, ModerationCheck, RiskyExample};
pub use client::{ApiKey, ClientConfig, ClientError, ModerationClient};
pub use import::{ImportedScores, ScoreRecord};
pub use profile::{Hit, Level, Profile};
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
