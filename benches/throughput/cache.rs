//! A moderation score cache holding a score for every text of an input, as after
//! `ftlint moderate` — the state of a team that checks on every commit with scores cached.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use ftlint::moderation::{
    client::DEFAULT_MODEL, text_hash, text_units, Cache, Category, Score, UnitMode,
};

/// Fills `dir` (once: a marker file says it is complete) with a benign score for every text unit
/// of `input`, as record files and the pack `ftlint moderate` leaves. Returns the number of
/// texts.
pub fn fill(dir: &Path, input: &Path) -> u64 {
    // Named after the pack format: a cache filled for an older format is filled again.
    let marker = dir.join("complete-with-pack-v2");
    if let Ok(n) = std::fs::read_to_string(&marker) {
        if let Ok(n) = n.trim().parse() {
            return n;
        }
    }
    let cache = Cache::new(dir);
    let score = Score {
        model: "omni-moderation-latest".into(),
        provider: Default::default(),
        flagged: false,
        categories: Vec::new(),
        category_scores: Category::ALL
            .iter()
            .map(|&c| (c, 0.0001))
            .collect::<BTreeMap<_, _>>(),
    };
    let file = std::io::BufReader::new(std::fs::File::open(input).expect("input"));
    let mut n = 0u64;
    let mut packed = Vec::new();
    for line in file.lines() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&line.expect("read")) else {
            continue;
        };
        for unit in text_units(&value, UnitMode::Message) {
            let hash = text_hash(&unit.text);
            cache
                .put(DEFAULT_MODEL, &hash, &score)
                .expect("cache write");
            packed.push((hash, score.clone()));
            n += 1;
        }
    }
    cache.repack(DEFAULT_MODEL, packed).expect("pack write");
    std::fs::write(&marker, n.to_string()).expect("marker");
    n
}
