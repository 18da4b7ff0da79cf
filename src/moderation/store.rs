//! The score sources of one run, combined in the documented order: scores fetched in this run,
//! then the cache, then the `--scores` import. Also the fetch step of `--moderation api` and
//! `ftlint moderate`: score what no source has, writing each batch to the cache as it lands.
//!
//! The store answers only with scores of its provider (`--moderation-provider`): a cached or
//! imported score of the other provider is as good as none, so Azure severities never pass for
//! OpenAI probabilities or the reverse.

use super::cache::Cache;
use super::client::ClientError;
use super::import::ScoreRecord;
use super::import::{ImportedScores, Lookup};
use super::provider::Provider;
use super::scores::{text_hash, Score};
use super::transport::Scorer;
use super::units::{text_units, TextUnit, UnitMode};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

/// Where a score came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Fetched,
    Cache,
    Import,
}

/// What the sources know about one text.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Scored {
        score: Score,
        origin: Origin,
    },
    /// Only an imported record for another text exists at this position (M005).
    Stale {
        recorded: [u8; 32],
    },
    /// No score (M004).
    Unscored,
}

/// Counts of a fetch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchStats {
    /// Distinct texts asked about.
    pub distinct: usize,
    /// Of those, already known (cache, import or this run).
    pub known: usize,
    /// Scored by the API now.
    pub fetched: usize,
    /// Cache writes that failed (the scores are still used in this run).
    pub cache_write_errors: usize,
    /// The first failed write's reason.
    pub cache_write_error: Option<String>,
}

/// The combined sources. `Sync`: share one across the engine's threads.
#[derive(Debug)]
pub struct ScoreStore {
    model_key: String,
    /// Only scores of this provider answer.
    provider: Provider,
    cache: Option<Cache>,
    /// Skip cache lookups when the cache has nothing for this model (the common
    /// pre-commit case: one `is_dir` instead of a file open per text).
    cache_has_model: bool,
    imported: Option<ImportedScores>,
    fetched: RwLock<HashMap<[u8; 32], Score>>,
}

impl ScoreStore {
    /// `model_key` is the model scores are requested with (`--moderation-model`); cache
    /// records are keyed by it.
    pub fn new(model_key: &str, cache: Option<Cache>, imported: Option<ImportedScores>) -> Self {
        let cache_has_model = cache.as_ref().is_some_and(|c| c.has_model(model_key));
        if let (Some(c), true) = (&cache, cache_has_model) {
            // Pack temp files of killed writers are large: swept whenever the model's scores
            // are read (one folder listing). Record temp files are swept by fetches.
            c.sweep_model(model_key, super::cache::STALE_TEMP_AGE);
        }
        ScoreStore {
            model_key: model_key.to_string(),
            provider: Provider::OpenAi,
            cache,
            cache_has_model,
            imported,
            fetched: RwLock::new(HashMap::new()),
        }
    }

    pub fn model_key(&self) -> &str {
        &self.model_key
    }

    /// The store of a provider other than OpenAI (the default).
    pub fn with_provider(mut self, provider: Provider) -> Self {
        self.provider = provider;
        self
    }

    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The text unit of every imported record, and their number, when all are of one unit
    /// (see [`ImportedScores::records_unit`]).
    pub fn imported_unit(&self) -> Option<UnitMode> {
        self.imported_records().map(|(u, _)| u)
    }

    /// [`ScoreStore::imported_unit`] with the number of records.
    pub fn imported_records(&self) -> Option<(UnitMode, usize)> {
        self.imported.as_ref()?.records_unit()
    }

    /// The score cache's folder, if the run has one.
    pub fn cache_dir(&self) -> Option<&std::path::Path> {
        self.cache.as_ref().map(Cache::dir)
    }

    /// Whether this model's part of the cache can be written (a file is made and removed).
    pub fn probe_cache(&self) -> std::io::Result<()> {
        match &self.cache {
            Some(c) => c.probe_writable(&self.model_key),
            None => Ok(()),
        }
    }

    /// Whether any source could hold a score (false: a plain `check` says once that
    /// moderation was not checked).
    pub fn has_any_source(&self) -> bool {
        self.cache_has_model
            || self.imported.as_ref().is_some_and(|i| !i.is_empty())
            || self.fetched.read().is_ok_and(|f| !f.is_empty())
    }

    /// The score of the `unit_index`-th unit of line `line` (1-based).
    pub fn resolve(&self, line: u64, unit_index: usize, unit: &TextUnit) -> Resolved {
        let hash = text_hash(&unit.text);
        self.resolve_hashed(line, unit_index, unit, &hash)
    }

    /// [`ScoreStore::resolve`] with the text's hash already computed.
    pub fn resolve_hashed(
        &self,
        line: u64,
        unit_index: usize,
        unit: &TextUnit,
        hash: &[u8; 32],
    ) -> Resolved {
        if let Some(s) = self.fetched.read().ok().and_then(|f| f.get(hash).cloned()) {
            return Resolved::Scored {
                score: s,
                origin: Origin::Fetched,
            };
        }
        if self.cache_has_model {
            if let Some(s) = self
                .cache
                .as_ref()
                .and_then(|c| c.get(&self.model_key, hash))
                .filter(|s| s.provider == self.provider)
            {
                return Resolved::Scored {
                    score: s,
                    origin: Origin::Cache,
                };
            }
        }
        match self
            .imported
            .as_ref()
            .map_or(Lookup::Missing, |i| i.lookup(line, unit_index, unit, hash))
        {
            Lookup::Fresh(s) if s.provider == self.provider => Resolved::Scored {
                score: s.clone(),
                origin: Origin::Import,
            },
            Lookup::Fresh(_) => Resolved::Unscored,
            Lookup::Stale { recorded } => Resolved::Stale { recorded },
            Lookup::Missing => Resolved::Unscored,
        }
    }

    /// Scores with `client` every text of `texts` that no source knows (by hash; duplicates
    /// are sent once), writing each completed batch to the cache immediately and keeping the
    /// scores for [`ScoreStore::resolve`]. `progress(done, total)` counts texts sent.
    /// Callers pass the texts that resolved as unscored or stale.
    pub fn fetch(
        &self,
        client: &dyn Scorer,
        texts: &[String],
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<FetchStats, ClientError> {
        let mut stats = FetchStats::default();
        if let Some(c) = &self.cache {
            c.remove_stale_temp_files(super::cache::STALE_TEMP_AGE);
        }
        let mut seen = HashSet::new();
        let mut todo: Vec<(&str, [u8; 32])> = Vec::new();
        // Scores to add to the cache's pack: fetched now, or found only as record files.
        let mut to_pack: Vec<([u8; 32], Score)> = Vec::new();
        for t in texts {
            let h = text_hash(t);
            if !seen.insert(h) {
                continue;
            }
            stats.distinct += 1;
            if self.fetched.read().is_ok_and(|f| f.contains_key(&h)) {
                stats.known += 1;
                continue;
            }
            let mine = |s: &Score| s.provider == self.provider;
            match &self.cache {
                Some(c) if c.get_packed(&self.model_key, &h).is_some_and(|s| mine(&s)) => {
                    stats.known += 1
                }
                // Not in the pack: only its record file can have it.
                Some(c) => match c.get_record(&self.model_key, &h).filter(mine) {
                    Some(s) => {
                        stats.known += 1;
                        to_pack.push((h, s));
                    }
                    None => todo.push((t, h)),
                },
                None => todo.push((t, h)),
            }
        }
        let repack = |scores: Vec<([u8; 32], Score)>| {
            if let Some(c) = &self.cache {
                // Only speed is at stake: the scores are record files already.
                let _ = c.repack(&self.model_key, scores);
            }
        };
        if todo.is_empty() {
            repack(to_pack);
            return Ok(stats);
        }
        let refs: Vec<&str> = todo.iter().map(|(t, _)| *t).collect();
        let write_errors = std::sync::atomic::AtomicUsize::new(0);
        let first_error: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
        let on_batch = |b: super::transport::BatchDone<'_>| {
            for (k, s) in b.scores.iter().enumerate() {
                let h = &todo[b.first + k].1;
                if let Some(c) = &self.cache {
                    if let Err(e) = c.put(&self.model_key, h, s) {
                        write_errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if let Ok(mut first) = first_error.lock() {
                            first.get_or_insert_with(|| crate::input::io_reason(&e));
                        }
                    }
                }
                if let Ok(mut f) = self.fetched.write() {
                    f.insert(*h, s.clone());
                }
            }
            progress(b.done, b.total);
        };
        let result = client.score(&refs, &on_batch);
        // What was fetched before an error is packed too.
        if let Ok(f) = self.fetched.read() {
            to_pack.extend(
                todo.iter()
                    .filter_map(|(_, h)| Some((*h, f.get(h)?.clone()))),
            );
        }
        repack(to_pack);
        let scores = result?;
        stats.fetched = scores.len();
        stats.cache_write_errors = write_errors.into_inner();
        stats.cache_write_error = first_error.into_inner().ok().flatten();
        Ok(stats)
    }

    /// The texts of one line that no source scores (unscored or stale): collect them over the
    /// file, then [`ScoreStore::fetch`] them (`--moderation api`, `ftlint moderate`).
    pub fn unscored_texts(&self, line: u64, value: &Value, mode: UnitMode) -> Vec<String> {
        text_units(value, mode)
            .into_iter()
            .enumerate()
            .filter(|(i, u)| !matches!(self.resolve(line, *i, u), Resolved::Scored { .. }))
            .map(|(_, u)| u.text)
            .collect()
    }

    /// `ftlint moderate --export`: one record per scored text unit of the line.
    pub fn records_for_line(&self, line: u64, value: &Value, mode: UnitMode) -> Vec<ScoreRecord> {
        text_units(value, mode)
            .into_iter()
            .enumerate()
            .filter_map(|(i, u)| {
                let hash = text_hash(&u.text);
                match self.resolve_hashed(line, i, &u, &hash) {
                    Resolved::Scored { score, .. } => {
                        Some(ScoreRecord::new(line, &u.pointer, &hash, &score))
                    }
                    _ => None,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_is_shareable_across_threads() {
        fn sync_send<T: Sync + Send>() {}
        sync_send::<ScoreStore>();
        sync_send::<crate::moderation::ModerationCheck>();
    }
}
