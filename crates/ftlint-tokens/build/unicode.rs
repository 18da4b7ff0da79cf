//! The character classes of tiktoken's split patterns, as a two-level table indexed by code
//! point. They are taken from `regex-syntax` — the crate whose tables the `regex` engines behind
//! tiktoken and `bpe-openai` use — by parsing the very class expressions of the patterns, so the
//! hand-written splitter sees exactly the same letters, marks, numbers and spaces.
//!
//! Blob: index[0x1100] u16 LE (block of each 256 code points), then the distinct blocks, 256
//! class bytes each.

use std::path::Path;

use regex_syntax::hir::{Class, HirKind};

/// Class bits; must match `src/split.rs`.
const CLASSES: [(&str, u8); 5] = [
    (r"\p{L}", 1),
    (r"\p{N}", 2),
    (r"[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]", 4),
    (r"[\p{Ll}\p{Lm}\p{Lo}\p{M}]", 8),
    (r"\s", 16),
];

fn ranges(expr: &str) -> Vec<(u32, u32)> {
    let hir = regex_syntax::Parser::new()
        .parse(expr)
        .expect("valid class");
    match hir.kind() {
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .map(|r| (r.start() as u32, r.end() as u32))
            .collect(),
        other => panic!("{expr}: not a Unicode class: {other:?}"),
    }
}

pub fn generate(out: &Path) {
    let mut class = vec![0u8; 0x11_0000];
    for (expr, bit) in CLASSES {
        for (a, b) in ranges(expr) {
            for c in a..=b {
                class[c as usize] |= bit;
            }
        }
    }
    // The contractions (`(?i:'s|'t|…)`) fold case: the splitter assumes each letter's only other
    // forms are its ASCII upper case and, for `s`, `ſ` (U+017F). Fail the build if not.
    for letter in ['s', 't', 'r', 'e', 'v', 'm', 'l', 'd'] {
        let mut want = vec![
            (
                letter.to_ascii_uppercase() as u32,
                letter.to_ascii_uppercase() as u32,
            ),
            (letter as u32, letter as u32),
        ];
        if letter == 's' {
            want.push((0x17F, 0x17F));
        }
        assert_eq!(
            ranges(&format!("(?i:{letter})")),
            want,
            "case folds of {letter}"
        );
    }
    let mut index: Vec<u16> = Vec::with_capacity(0x1100);
    let mut blocks: Vec<&[u8]> = Vec::new();
    for block in class.chunks(256) {
        let i = match blocks.iter().position(|b| *b == block) {
            Some(i) => i,
            None => {
                blocks.push(block);
                blocks.len() - 1
            }
        };
        index.push(u16::try_from(i).expect("few distinct blocks"));
    }
    let mut blob: Vec<u8> = index.iter().flat_map(|i| i.to_le_bytes()).collect();
    for b in blocks {
        blob.extend_from_slice(b);
    }
    std::fs::write(out, blob).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
