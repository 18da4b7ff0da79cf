//! The score cache: content-addressed by (model, SHA-256 of the text), one small JSON file per
//! text under `<dir>/v1/<model>/<first two hex digits>/<hash>.json`.
//!
//! Why one file per record: each record is written to a temporary file in the same directory
//! and renamed over its final name, which is atomic on every supported file system. So several
//! ftlint processes may write at once (the same text gives the same record, last rename wins)
//! and a `kill -9` at any instant leaves either the old state or the complete record — never a
//! half record under a real name; at worst a `.tmp-*` file, which readers never look at and
//! [`Cache::remove_stale_temp_files`] sweeps. A record that is nevertheless damaged (power loss
//! before the data reached the disk, a hand edit) fails validation on read: it is skipped (the
//! text counts as unscored) and repaired by the next `put` of that text.
//!
//! Reading one file per text costs ~11 µs, seconds for a large file whose texts are all
//! cached; so whoever fetches scores (`ftlint moderate`, `--moderation api`) also rewrites the
//! model's pack (`pack.rs`): every known score in one file sorted by hash, read with one small
//! read per lookup (~1.5 µs). Lookups try the pack first, then the record file.
//!
//! Nothing read from the cache is trusted: only regular files are opened (a FIFO or a link to
//! `/dev/zero` placed in the folder must not hang or flood a check: files are opened without
//! blocking and checked by their handle before a byte is read), a record is read up to a small
//! limit, and a score whose values are outside its family's range reads as absent. Temporary
//! files of killed writers (`.tmp-*`, `.tmp-pack-*`) older than [`STALE_TEMP_AGE`] and owned by
//! the user running ftlint are removed: a model's pack temp files whenever its scores are read,
//! every temp file whenever scores are fetched.

use super::pack::{self, Pack};
use super::scores::{hash_hex, text_hash, Score};
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

/// Environment variable naming the cache directory.
pub const CACHE_DIR_ENV: &str = "FTLINT_CACHE_DIR";

/// The cache directory: `flag` (`--cache-dir`), else `FTLINT_CACHE_DIR`, else the user cache
/// directory's `ftlint` folder (`$XDG_CACHE_HOME/ftlint`, `~/.cache/ftlint`, …). `None` only
/// when none of these can be found.
pub fn resolve_cache_dir(flag: Option<&Path>) -> Option<PathBuf> {
    resolve_cache_dir_from(flag, std::env::var_os(CACHE_DIR_ENV), dirs::cache_dir())
}

/// [`resolve_cache_dir`] with the environment value and user cache directory given (tests).
pub fn resolve_cache_dir_from(
    flag: Option<&Path>,
    env: Option<std::ffi::OsString>,
    user_cache: Option<PathBuf>,
) -> Option<PathBuf> {
    if let Some(p) = flag {
        return Some(p.to_path_buf());
    }
    match env {
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => user_cache.map(|d| d.join("ftlint")),
    }
}

/// One cache file's content.
#[derive(Serialize, Deserialize)]
struct Record {
    /// The model name the score was requested with (the cache key, e.g.
    /// `omni-moderation-latest`); the score itself carries the model that answered.
    model_key: String,
    sha256: String,
    score: Score,
}

/// A cache rooted at a directory. Opening does no I/O; directories are made on first write.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
    /// Each model's pack, opened on first lookup (`None`: there is none).
    packs: Arc<RwLock<Vec<OpenPack>>>,
}

/// A model key and its pack, if it has one.
type OpenPack = (String, Option<Arc<Pack>>);

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Temporary files older than this belong to no live writer (a record takes milliseconds to
/// write, a pack of a million scores about a second): they are swept.
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(10 * 60);

/// The largest record file read: a record is a few hundred bytes.
const MAX_RECORD_BYTES: u64 = 64 * 1024;

/// Opens `path` for reading if it is a regular file; an error otherwise. The open does not
/// block (a FIFO would wait for a writer), and the type is checked on the open handle, so a
/// FIFO, a device such as `/dev/zero` or a folder swapped in after a check is never read.
pub(super) fn open_regular(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // No effect on a regular file's reads.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{}` is not a regular file", path.display()),
        ));
    }
    Ok(file)
}

/// Whether this process's user owns the file (always true where there are no owners).
fn owned_by_us(m: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid has no preconditions and cannot fail.
        m.uid() == unsafe { libc::geteuid() }
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        true
    }
}

impl Cache {
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache {
            root: dir.into(),
            packs: Arc::default(),
        }
    }

    fn pack_path(&self, model_key: &str) -> PathBuf {
        self.model_dir(model_key).join(pack::FILE_NAME)
    }

    /// The model's pack, opened once per `Cache`.
    fn pack(&self, model_key: &str) -> Option<Arc<Pack>> {
        if let Ok(packs) = self.packs.read() {
            if let Some((_, p)) = packs.iter().find(|(m, _)| m == model_key) {
                return p.clone();
            }
        }
        let opened = Pack::open(&self.pack_path(model_key), model_key).map(Arc::new);
        if let Ok(mut packs) = self.packs.write() {
            packs.retain(|(m, _)| m != model_key);
            packs.push((model_key.to_string(), opened.clone()));
        }
        opened
    }

    /// Rewrites the model's pack with its current records plus `scores` (by text hash), so
    /// that later lookups of these texts read the pack instead of a file each. Scores are
    /// already record files: a failure here loses nothing but speed.
    pub fn repack(&self, model_key: &str, scores: Vec<([u8; 32], Score)>) -> io::Result<()> {
        if scores.is_empty() {
            return Ok(());
        }
        let path = self.pack_path(model_key);
        let mut all = Pack::open(&path, model_key)
            .map(|p| p.entries())
            .unwrap_or_default();
        all.extend(scores);
        pack::write(&path, model_key, all)?;
        if let Ok(mut packs) = self.packs.write() {
            packs.retain(|(m, _)| m != model_key);
        }
        Ok(())
    }

    /// Whether the model's pack holds this text's score (no record-file lookup).
    pub fn is_packed(&self, model_key: &str, hash: &[u8; 32]) -> bool {
        self.get_packed(model_key, hash).is_some()
    }

    /// The text's score in the model's pack (no record-file lookup).
    pub fn get_packed(&self, model_key: &str, hash: &[u8; 32]) -> Option<Score> {
        self.pack(model_key).and_then(|p| p.get(hash))
    }

    /// The directory given to [`Cache::new`].
    pub fn dir(&self) -> &Path {
        &self.root
    }

    fn model_dir(&self, model_key: &str) -> PathBuf {
        // Model names are simple (`omni-moderation-latest`); anything else is made safe for a
        // file name and disambiguated by a hash so two odd names never share a folder.
        let safe: String = model_key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let name = if safe == model_key && !safe.starts_with('.') && !safe.is_empty() {
            safe
        } else {
            format!("{safe}-{}", &hash_hex(&text_hash(model_key))[..12])
        };
        self.root.join("v1").join(name)
    }

    fn record_path(&self, model_key: &str, hash: &[u8; 32]) -> PathBuf {
        let hex = hash_hex(hash);
        self.model_dir(model_key)
            .join(&hex[..2])
            .join(format!("{hex}.json"))
    }

    /// Whether any score for `model_key` was ever stored (lets `check` skip per-text lookups
    /// when the cache is empty).
    pub fn has_model(&self, model_key: &str) -> bool {
        self.model_dir(model_key).is_dir()
    }

    /// The cached score of the text with this hash, if a valid record exists (in the pack, else
    /// as a record file). A damaged record reads as `None`.
    pub fn get(&self, model_key: &str, hash: &[u8; 32]) -> Option<Score> {
        if let Some(s) = self.pack(model_key).and_then(|p| p.get(hash)) {
            return Some(s);
        }
        self.get_record(model_key, hash)
    }

    /// The score from the text's own record file (not the pack). Anything but a regular file
    /// of a valid record for this model and text, with values in its family's range, reads as
    /// `None`.
    pub fn get_record(&self, model_key: &str, hash: &[u8; 32]) -> Option<Score> {
        let file = open_regular(&self.record_path(model_key, hash)).ok()?;
        let mut bytes = Vec::new();
        file.take(MAX_RECORD_BYTES + 1)
            .read_to_end(&mut bytes)
            .ok()?;
        if bytes.len() as u64 > MAX_RECORD_BYTES {
            return None;
        }
        let rec: Record = serde_json::from_slice(&bytes).ok()?;
        (rec.model_key == model_key && rec.sha256 == hash_hex(hash) && pack::valid(&rec.score))
            .then_some(rec.score)
    }

    /// Whether scores of `model_key` can be stored: makes its folder and a file there, and
    /// removes the file again.
    pub fn probe_writable(&self, model_key: &str) -> io::Result<()> {
        let dir = self.model_dir(model_key);
        fs::create_dir_all(&dir)?;
        let probe = tempfile::Builder::new()
            .prefix(".tmp-probe-")
            .tempfile_in(&dir)?;
        probe.close()
    }

    /// Stores a score atomically (temp file + rename), replacing any previous or damaged record.
    pub fn put(&self, model_key: &str, hash: &[u8; 32], score: &Score) -> io::Result<()> {
        let path = self.record_path(model_key, hash);
        let dir = path.parent().unwrap_or(&self.root);
        fs::create_dir_all(dir)?;
        let rec = Record {
            model_key: model_key.to_string(),
            sha256: hash_hex(hash),
            score: score.clone(),
        };
        let mut body = serde_json::to_vec(&rec).map_err(io::Error::other)?;
        body.push(b'\n');
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let tmp = dir.join(format!(
            ".tmp-{}-{}-{nanos}",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(&body)?;
            // Flushed to the OS before the rename: a kill after this point cannot lose it.
            f.flush()?;
            drop(f);
            fs::rename(&tmp, &path)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    /// Removes temporary files left by killed writers that are older than `age` and owned by
    /// this process's user, in every model's folder and its shards. Returns how many were
    /// removed. Young ones may belong to a live writer and are left alone.
    pub fn remove_stale_temp_files(&self, age: Duration) -> usize {
        let Ok(models) = fs::read_dir(self.root.join("v1")) else {
            return 0;
        };
        let mut removed = 0;
        for model in models.flatten() {
            // Not followed: a link in the cache is nobody's model folder.
            if !model.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            removed += sweep_folder(&model.path(), age);
            let Ok(shards) = fs::read_dir(model.path()) else {
                continue;
            };
            for shard in shards.flatten() {
                if shard.file_type().is_ok_and(|t| t.is_dir()) {
                    removed += sweep_folder(&shard.path(), age);
                }
            }
        }
        removed
    }

    /// [`Cache::remove_stale_temp_files`] for one model's folder alone, where pack temp files
    /// live (one folder listing).
    pub fn sweep_model(&self, model_key: &str, age: Duration) -> usize {
        sweep_folder(&self.model_dir(model_key), age)
    }
}

/// Removes the regular files named `.tmp-*` in `folder` that are older than `age` and ours.
fn sweep_folder(folder: &Path, age: Duration) -> usize {
    let Ok(files) = fs::read_dir(folder) else {
        return 0;
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for f in files.flatten() {
        if !f.file_name().to_string_lossy().starts_with(".tmp-") {
            continue;
        }
        // `DirEntry::metadata` does not follow links: only a regular file of ours goes.
        let Ok(m) = f.metadata() else { continue };
        let old = m
            .modified()
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|d| d >= age);
        if m.is_file() && old && owned_by_us(&m) && fs::remove_file(f.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::scores::Category;
    use std::collections::BTreeMap;

    fn score(v: f64) -> Score {
        Score {
            model: "omni-moderation-2024-09-26".into(),
            provider: crate::moderation::Provider::OpenAi,
            flagged: false,
            categories: vec![],
            category_scores: BTreeMap::from([(Category::Sexual, v)]),
        }
    }

    #[test]
    fn round_trip_and_keying() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::new(dir.path());
        let h = text_hash("hello");
        assert!(!c.has_model("m"));
        assert_eq!(c.get("m", &h), None);
        c.put("m", &h, &score(0.5)).unwrap();
        assert!(c.has_model("m"));
        assert_eq!(c.get("m", &h), Some(score(0.5)));
        assert_eq!(c.get("other", &h), None);
        assert_eq!(c.get("m", &text_hash("hello!")), None);
        c.put("m", &h, &score(0.25)).unwrap();
        assert_eq!(c.get("m", &h), Some(score(0.25)));
        // Odd model names stay inside the cache and do not collide.
        c.put("../x/y", &h, &score(0.1)).unwrap();
        c.put("__x_y", &h, &score(0.2)).unwrap();
        assert_eq!(c.get("../x/y", &h), Some(score(0.1)));
        assert_eq!(c.get("__x_y", &h), Some(score(0.2)));
        assert!(fs::read_dir(dir.path().join("v1"))
            .unwrap()
            .all(|e| e.unwrap().path().starts_with(dir.path())));
    }

    /// Packed scores are found without their record files; a repack keeps the earlier pack's
    /// scores; a later score for the same text wins; other models are not mixed in.
    #[test]
    fn packs_merge_and_answer_without_record_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let (a, b) = (text_hash("a"), text_hash("b"));
        cache.put("m", &a, &score(0.1)).unwrap();
        cache.repack("m", vec![(a, score(0.1))]).unwrap();
        cache.repack("m", vec![(b, score(0.2))]).unwrap();
        std::fs::remove_dir_all(dir.path().join("v1/m").join(&hash_hex(&a)[..2])).unwrap();
        let fresh = Cache::new(dir.path());
        assert_eq!(fresh.get("m", &a), Some(score(0.1)));
        assert_eq!(fresh.get("m", &b), Some(score(0.2)));
        assert!(fresh.is_packed("m", &b));
        assert_eq!(fresh.get("other", &a), None);
        cache.repack("m", vec![(b, score(0.3))]).unwrap();
        // The writer sees its own new pack; a reader that opened the old one keeps it.
        assert_eq!(cache.get("m", &b), Some(score(0.3)));
        assert_eq!(fresh.get("m", &b), Some(score(0.2)));
        assert_eq!(Cache::new(dir.path()).get("m", &b), Some(score(0.3)));
    }

    #[test]
    fn torn_record_is_skipped_then_repaired() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::new(dir.path());
        let h = text_hash("torn");
        c.put("m", &h, &score(0.5)).unwrap();
        let path = c.record_path("m", &h);
        let full = fs::read(&path).unwrap();
        for cut in [0, 1, full.len() / 2, full.len() - 2] {
            fs::write(&path, &full[..cut]).unwrap();
            assert_eq!(c.get("m", &h), None, "cut at {cut}");
        }
        // A record for another text copied under this name is rejected too.
        let other = text_hash("other");
        c.put("m", &other, &score(0.9)).unwrap();
        fs::copy(c.record_path("m", &other), &path).unwrap();
        assert_eq!(c.get("m", &h), None);
        c.put("m", &h, &score(0.5)).unwrap();
        assert_eq!(c.get("m", &h), Some(score(0.5)));
    }

    #[test]
    fn leftover_temp_files_are_ignored_and_swept() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::new(dir.path());
        let h = text_hash("t");
        c.put("m", &h, &score(0.5)).unwrap();
        let shard = c.record_path("m", &h).parent().unwrap().to_path_buf();
        fs::write(shard.join(".tmp-1-2-3"), b"{\"model_key\":").unwrap();
        assert_eq!(c.get("m", &h), Some(score(0.5)));
        assert_eq!(c.remove_stale_temp_files(Duration::from_secs(3600)), 0);
        assert_eq!(c.remove_stale_temp_files(Duration::ZERO), 1);
        assert_eq!(c.get("m", &h), Some(score(0.5)));
    }

    #[test]
    fn dir_resolution_order() {
        let flag = Path::new("/flag");
        let env = Some(std::ffi::OsString::from("/env"));
        let user = Some(PathBuf::from("/home/u/.cache"));
        assert_eq!(
            resolve_cache_dir_from(Some(flag), env.clone(), user.clone()),
            Some(PathBuf::from("/flag"))
        );
        assert_eq!(
            resolve_cache_dir_from(None, env, user.clone()),
            Some(PathBuf::from("/env"))
        );
        assert_eq!(
            resolve_cache_dir_from(None, Some("".into()), user.clone()),
            Some(PathBuf::from("/home/u/.cache/ftlint"))
        );
        assert_eq!(resolve_cache_dir_from(None, None, None), None);
        assert_eq!(resolve_cache_dir(Some(flag)), Some(flag.to_path_buf()));
    }
}
