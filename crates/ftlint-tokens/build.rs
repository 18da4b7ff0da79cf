//! Lays out tiktoken's vocabularies (`vocab/`), the backtracking counter's tables and the
//! splitter's character classes as flat tables in `OUT_DIR`, which the counter includes and reads
//! in place (see `build/vocab.rs`, `build/bpe.rs`, `build/unicode.rs`): counting needs no
//! start-up work.

use std::path::Path;

#[path = "build/bpe.rs"]
mod bpe;
#[path = "build/unicode.rs"]
mod unicode;
#[path = "build/vocab.rs"]
mod vocab;

/// tiktoken's vocabularies and the SHA-256 tiktoken expects of each.
const VOCABS: [(&str, &str); 2] = [
    (
        "o200k_base",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    (
        "cl100k_base",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    for (name, sha256) in VOCABS {
        let src = format!("vocab/{name}.tiktoken.gz");
        let tokens = vocab::generate(
            Path::new(&src),
            sha256,
            &Path::new(&out).join(format!("{name}.vocab")),
        );
        let bpe = Path::new(&out).join(format!("{name}.bpe"));
        std::fs::write(&bpe, bpe::generate(&tokens))
            .unwrap_or_else(|e| panic!("{}: {e}", bpe.display()));
    }
    println!("cargo:rerun-if-changed=build");
    // The table hashes are shared with the counter: a change to either must rebuild the tables.
    println!("cargo:rerun-if-changed=src/vocab_hash.rs");
    println!("cargo:rerun-if-changed=src/pair_hash.rs");
    unicode::generate(&Path::new(&out).join("unicode_classes.bin"));
}
