//! Entry points of the fuzz targets (`fuzz/`), one per untrusted input ftlint reads.
//!
//! They live in the library, not in `fuzz/`, so that `cargo test` replays every kept corpus
//! and crash input on stable (`tests/fuzz_corpus.rs`) through the very code the fuzzer ran.
//! Each takes arbitrary bytes, must never panic or hang, and asserts the invariants its
//! callers rely on (a panic here is what the fuzzer reports).

use crate::diagnostic::RuleSet;
use crate::engine::{check_reader, DatasetLimits, Options};
use crate::escapes::EscapeMap;
use crate::fix::Fixes;
use crate::format::FormatChoice;
use crate::json::{locate::locate, Pointer};
use crate::moderation::scores::ModerationResponse;
use crate::moderation::{ImportedScores, Score};
use std::path::Path;

/// A fuzz target's entry point: arbitrary bytes in, a panic when an invariant breaks.
pub type Entry = fn(&[u8]);

/// The targets, by the name of their corpus folder (`fuzz/corpus/NAME`).
pub const TARGETS: [(&str, Entry); 6] = [
    ("line_engine", line_engine),
    ("locate", locate_pointer),
    ("config", config),
    ("score_import", score_import),
    ("api_response", api_response),
    ("score_pack", score_pack),
];

/// The line engine, raw bytes in: every rule on a file of these bytes, then every fix (safe
/// and unsafe) on them. Positions stay inside the input, on the lines it has.
pub fn line_engine(data: &[u8]) {
    let opts = Options::rules_only(RuleSet::all(), FormatChoice::Auto, DatasetLimits::NONE);
    let report = check_reader("fuzz.jsonl".into(), data, &opts).expect("reading a slice");
    assert_eq!(report.bytes, data.len() as u64);
    for d in &report.diagnostics {
        if let Some(l) = d.location {
            assert!(l.line >= 1 && l.line <= report.lines.max(1), "{l:?}");
            assert!(l.column >= 1 && l.end_line >= l.line, "{l:?}");
            assert!(l.byte_offset + l.byte_length <= data.len() as u64, "{l:?}");
        }
        if let Some(s) = &d.snippet {
            assert!(s.span.start <= s.span.end && s.span.end <= s.text.len());
            assert!(s.text.is_char_boundary(s.span.start) && s.text.is_char_boundary(s.span.end));
        }
    }
    let fixes = Fixes::new(&RuleSet::all(), true, FormatChoice::Auto);
    let mut out = Vec::new();
    crate::fix::fix_lines(data, &fixes, |orig, fixed| {
        out.extend_from_slice(fixed.unwrap_or(orig));
        Ok(())
    })
    .expect("fixing a slice");
}

/// The position locator and the escape map: the first line is an RFC 6901 pointer, the rest
/// a JSON text. A located value lies inside the text on character boundaries; a string value's
/// escape map agrees with serde_json on its decoded length and maps decoded ranges inside it.
pub fn locate_pointer(data: &[u8]) {
    let Ok(all) = std::str::from_utf8(data) else {
        return;
    };
    let (ptr, text) = all.split_once('\n').unwrap_or(("", all));
    let Some(found) = locate(text, &Pointer::parse(ptr)) else {
        return;
    };
    for r in std::iter::once(&found.value).chain(found.key.as_ref()) {
        assert!(r.start <= r.end && r.end <= text.len(), "{r:?}");
        assert!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "{r:?}"
        );
    }
    let raw = &text.as_bytes()[found.value.clone()];
    if let Some(map) = EscapeMap::new(raw) {
        if let Ok(s) = serde_json::from_slice::<String>(raw) {
            assert_eq!(map.decoded_len(), s.len());
            // Every decoded character boundary maps inside the raw string.
            for (i, _) in s.char_indices() {
                if let Some(r) = map.range_to_raw(i..s.len()) {
                    assert!(r.start <= r.end && r.end <= raw.len(), "{r:?}");
                }
            }
        }
    }
}

/// Config parsing, as `ftlint.toml` and as `pyproject.toml`: an error names a place inside the
/// text; a config that parses resolves its paths without panicking.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for pyproject in [false, true] {
        let path = Path::new(if pyproject {
            "pyproject.toml"
        } else {
            "ftlint.toml"
        });
        if let Err(e) = crate::config::parse(text, path, pyproject) {
            let _ = e.to_string();
        }
    }
}

/// Score import (`--scores`): records and whole API responses. Whatever it accepts holds only
/// values inside their provider's range.
pub fn score_import(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match ImportedScores::parse(text) {
        Ok(scores) => {
            let _ = (scores.len(), scores.providers(), scores.records_unit());
            for s in scores.all_scores() {
                assert_valid(s);
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// A moderation API's raw answer, OpenAI's and Azure Content Safety's: accepted scores are in
/// range.
pub fn api_response(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(r) = ModerationResponse::parse(text) {
        for s in &r.results {
            assert_valid(s);
        }
    }
    if let Ok(scores) = crate::moderation::azure::parse_analysis(text) {
        for v in scores.values() {
            assert!(crate::moderation::Scale::Severity.is_valid(*v), "{v}");
        }
    }
}

/// The score pack reader, on a file of these bytes: a pack that opens answers only with valid
/// scores.
pub fn score_pack(data: &[u8]) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("pack");
    std::fs::write(&path, data).expect("writing the pack");
    for key in PACK_KEYS {
        if let Some(pack) = crate::moderation::pack::Pack::open(&path, key) {
            for (hash, s) in pack.entries() {
                assert_valid(&s);
                assert!(pack.get(&hash).is_some());
            }
        }
    }
}

/// The model keys the pack target opens a file as (the seed packs are written under them).
pub const PACK_KEYS: [&str; 2] = ["omni-moderation-latest", "azure-content-safety"];

fn assert_valid(s: &Score) {
    assert!(crate::moderation::pack::valid(s), "{s:?}");
}

/// Packs to start the pack target from (written by the real writer, under [`PACK_KEYS`]): the
/// fuzzer mutates valid files rather than guess the format's header.
pub fn seed_packs() -> Vec<Vec<u8>> {
    let body = r#"{"id": "modr-1", "model": "omni-moderation-2024-09-26", "results": [
        {"flagged": true, "categories": {"violence": true},
         "category_scores": {"violence": 0.91, "hate": 0.02, "sexual": 0.0}},
        {"flagged": false, "categories": {}, "category_scores": {"violence": 0.01}}]}"#;
    let scores = ModerationResponse::parse(body)
        .expect("the seed response parses")
        .results;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut out = Vec::new();
    for (n, key) in PACK_KEYS.iter().enumerate() {
        let path = dir.path().join(format!("pack{n}"));
        let entries = scores
            .iter()
            .enumerate()
            .map(|(i, s)| ([i as u8 + 1; 32], s.clone()))
            .collect();
        crate::moderation::pack::write(&path, key, entries).expect("writing a seed pack");
        out.push(std::fs::read(&path).expect("reading the seed pack"));
    }
    out
}
