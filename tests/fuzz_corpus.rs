//! Replays every fuzz corpus and kept crash input (`fuzz/corpus/TARGET/`,
//! `fuzz/regressions/TARGET/`) through the fuzz targets' entry points (`ftlint::fuzzing`), so
//! that what the fuzzer found stays fixed on stable, in every `cargo test`.

use std::path::Path;

fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file());
    files.sort();
    files
}

#[test]
fn every_kept_fuzz_input_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for (name, target) in ftlint::fuzzing::TARGETS {
        let corpus = inputs(&root.join("corpus").join(name));
        // A target without its corpus would pass by replaying nothing.
        assert!(!corpus.is_empty(), "fuzz/corpus/{name} is empty");
        let crashes = inputs(&root.join("regressions").join(name));
        for path in corpus.iter().chain(&crashes) {
            let data = std::fs::read(path).unwrap();
            let run = std::panic::catch_unwind(|| target(&data));
            assert!(run.is_ok(), "{} fails its fuzz target", path.display());
        }
    }
}

/// The pack target's seeds are the real writer's output: regenerate them with
/// `cargo test --test fuzz_corpus -- --ignored` after a change to the pack format.
#[test]
#[ignore = "writes fuzz/corpus/score_pack/seed-*; run by hand after a pack format change"]
fn write_score_pack_seeds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/score_pack");
    std::fs::create_dir_all(&dir).unwrap();
    for (i, bytes) in ftlint::fuzzing::seed_packs().into_iter().enumerate() {
        std::fs::write(dir.join(format!("seed-{i}")), bytes).unwrap();
    }
}

#[test]
fn seed_packs_open_under_their_keys() {
    for bytes in ftlint::fuzzing::seed_packs() {
        ftlint::fuzzing::score_pack(&bytes);
    }
}
