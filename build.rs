//! Extracts each rule's documentation from the `//!` comment of its source file, so the doc a
//! user reads (`ftlint rule CODE`, the README table, SARIF) is the one beside the code.
//!
//! A rule file is `src/rules/<family>/<code>_<name>.rs`, e.g. `c005_unknown_role.rs`.
//!
//! Also lays out the tokenizer vocabularies, the backtracking counter's tables and the splitter's
//! character classes as flat tables (see `build/vocab.rs`, `build/bpe.rs`, `build/unicode.rs`).

use std::fmt::Write as _;
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
    let out = std::env::var("OUT_DIR").unwrap();
    for (name, sha256) in VOCABS {
        let src = format!("rules/tokenizers/{name}.tiktoken.gz");
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
    println!("cargo:rerun-if-changed=src/tokens/vocab_hash.rs");
    println!("cargo:rerun-if-changed=src/tokens/pair_hash.rs");
    unicode::generate(&Path::new(&out).join("unicode_classes.bin"));
    rule_docs();
}

fn rule_docs() {
    let root = Path::new("src/rules");
    println!("cargo:rerun-if-changed=src/rules");
    let mut docs: Vec<(String, String)> = Vec::new();
    let mut families: Vec<_> = std::fs::read_dir(root)
        .expect("src/rules exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .collect();
    families.sort_by_key(|e| e.file_name());
    for family in families {
        println!("cargo:rerun-if-changed={}", family.path().display());
        let mut files: Vec<_> = std::fs::read_dir(family.path())
            .expect("family dir readable")
            .filter_map(Result::ok)
            .collect();
        files.sort_by_key(|e| e.file_name());
        for file in files {
            let name = file.file_name().to_string_lossy().into_owned();
            let b = name.as_bytes();
            let is_rule = name.ends_with(".rs")
                && b.len() > 5
                && b[0].is_ascii_lowercase()
                && b[1..4].iter().all(u8::is_ascii_digit)
                && b[4] == b'_';
            if !is_rule {
                continue;
            }
            let source = std::fs::read_to_string(file.path()).expect("rule file readable");
            let doc: String = source
                .lines()
                .take_while(|l| l.starts_with("//!"))
                .map(|l| {
                    let l = &l[3..];
                    l.strip_prefix(' ').unwrap_or(l)
                })
                .collect::<Vec<_>>()
                .join("\n");
            docs.push((name[..4].to_ascii_uppercase(), doc.trim().to_string()));
        }
    }
    let mut out = String::from("pub static DOCS: &[(&str, &str)] = &[\n");
    for (code, doc) in &docs {
        writeln!(out, "    ({code:?}, {doc:?}),").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("rule_docs.rs");
    std::fs::write(dest, out).unwrap();
}
