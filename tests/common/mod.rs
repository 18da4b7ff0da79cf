//! What the command-line test files share: `ftlint` in an environment of its own — a private
//! score cache (never the user's, whose scores would change results), and none of the variables
//! that change output (`FTLINT_OUTPUT_FORMAT`, `GITHUB_ACTIONS`, `RAYON_NUM_THREADS`, colours)
//! or could reach the network (`OPENAI_API_KEY`, `CONTENT_SAFETY_KEY`).

// Each test file uses its own subset.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// "Today" for command-line tests: before any lifecycle warning of the built-in targets.
pub const TODAY: &str = "2026-06-01";

/// An empty score cache for tests that do not fetch: nothing ever writes to it.
pub fn empty_cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("ftlint-empty-score-cache")
}

/// `ftlint` run in `dir` with score cache `cache`; stdin is empty unless the caller sets it.
pub fn command(dir: &Path, cache: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ftlint"));
    c.current_dir(dir)
        .env("FTLINT_CACHE_DIR", cache)
        .env("NO_COLOR", "1")
        // Lifecycle findings (T004, T005) depend on the day: pin it, so outputs do not change
        // with the calendar. Tests of those rules set their own day.
        .env("FTLINT_TODAY", TODAY)
        .env_remove("FTLINT_OUTPUT_FORMAT")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("RAYON_NUM_THREADS")
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("CONTENT_SAFETY_KEY")
        .env_remove("CONTENT_SAFETY_ENDPOINT")
        // A model's Hugging Face tokenizer is looked up in the local cache: never the user's.
        .env("HF_HUB_CACHE", cache.join("no-hugging-face-cache"))
        .stdin(Stdio::null());
    c
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file below `dir`, in any order (none if it does not exist).
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_below(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
