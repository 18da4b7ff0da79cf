//! The open-model workload's tokenizer: a byte-level BPE of 100,000 tokens laid out as Llama 3's
//! `tokenizer.json` is (its split regex, ByteLevel without a regex of its own, `ignore_merges`,
//! the header special tokens), and a `tokenizer_config.json` with the Llama 3.1 chat template
//! (`tests/hf/templates/llama-3.1-instruct.jinja`). Generated, not trained: the benchmark's
//! words (English and Japanese, with and without a leading space) become whole tokens, then
//! made-up syllable strings fill the vocabulary up to 100,000, each merged left to right, so
//! the merge table and vocabulary are the size of a real one. Deterministic.

use super::data::Rng;
use serde_json::{json, Map, Value};
use std::path::Path;

pub const VOCAB: usize = 100_000;

/// Llama 3's pre-tokenizer split pattern.
const LLAMA3_SPLIT: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

const SPECIAL: &[&str] = &[
    "<|begin_of_text|>",
    "<|end_of_text|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|eot_id|>",
    "<|eom_id|>",
    "<|python_tag|>",
];

/// GPT-2's byte → printable character table (`bytes_to_unicode`).
fn byte_chars() -> Vec<char> {
    let printable =
        |b: u32| (33..=126).contains(&b) || (161..=172).contains(&b) || (174..=255).contains(&b);
    let mut next = 256;
    (0..256u32)
        .map(|b| {
            if printable(b) {
                char::from_u32(b).unwrap()
            } else {
                let c = char::from_u32(next).unwrap();
                next += 1;
                c
            }
        })
        .collect()
}

struct Builder {
    vocab: Map<String, Value>,
    merges: Vec<Value>,
    chars: Vec<char>,
}

impl Builder {
    fn has(&self, s: &str) -> bool {
        self.vocab.contains_key(s)
    }

    fn add(&mut self, s: String) {
        let id = self.vocab.len();
        self.vocab.insert(s, json!(id));
    }

    /// Adds `text` (UTF-8) as a token, with every prefix before it, merging left to right.
    fn word(&mut self, text: &str) {
        let pieces: Vec<String> = text
            .bytes()
            .map(|b| self.chars[b as usize].to_string())
            .collect();
        let mut left = pieces[0].clone();
        for p in &pieces[1..] {
            let joined = format!("{left}{p}");
            if self.vocab.len() >= VOCAB {
                return;
            }
            if !self.has(&joined) {
                self.merges.push(json!([left.clone(), p.clone()]));
                self.add(joined.clone());
            }
            left = joined;
        }
    }
}

/// Writes `tokenizer.json` and `tokenizer_config.json` into `dir` (once).
pub fn write(dir: &Path, words: &[&str]) {
    if dir.join("tokenizer_config.json").exists() {
        return;
    }
    std::fs::create_dir_all(dir).expect("tokenizer dir");
    let chars = byte_chars();
    let mut b = Builder {
        vocab: Map::new(),
        merges: Vec::new(),
        chars: chars.clone(),
    };
    for c in &chars {
        b.add(c.to_string());
    }
    for w in words {
        b.word(w);
        b.word(&format!(" {w}"));
    }
    for w in ["\n\n", "<|", "|>", ": ", ", ", "\": \"", "{\"", "\"}"] {
        b.word(w);
    }
    let syllables = [
        "ka", "ne", "ri", "to", "mu", "sa", "le", "po", "in", "er", "an", "st", "th", "qu", "ou",
        "ch", "sh", "ing", "ion", "ent", "al", "re", "de", "co", "pro", "ex", "un", "ly", "ment",
        "ous",
    ];
    let mut rng = Rng::new(7);
    while b.vocab.len() < VOCAB {
        let n = 1 + rng.below(4);
        let mut w = String::new();
        if rng.below(2) == 0 {
            w.push(' ');
        }
        if rng.below(5) == 0 {
            w.push((b'A' + rng.below(26) as u8) as char);
        }
        for _ in 0..n {
            w.push_str(syllables[rng.below(syllables.len() as u64) as usize]);
        }
        b.word(&w);
    }
    let added: Vec<Value> = SPECIAL
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({"id": VOCAB + i, "content": s, "single_word": false, "lstrip": false,
                   "rstrip": false, "normalized": false, "special": true})
        })
        .collect();
    let tokenizer = json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added,
        "normalizer": null,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": LLAMA3_SPLIT}, "behavior": "Isolated", "invert": false},
            {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}
        ]},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
        "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
        "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
                  "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false,
                  "ignore_merges": true, "vocab": b.vocab, "merges": b.merges}
    });
    std::fs::write(
        dir.join("tokenizer.json"),
        serde_json::to_string(&tokenizer).expect("tokenizer json"),
    )
    .expect("write tokenizer.json");
    let config = json!({
        "bos_token": "<|begin_of_text|>",
        "eos_token": "<|eot_id|>",
        "chat_template": include_str!("../../tests/hf/templates/llama-3.1-instruct.jinja"),
    });
    std::fs::write(
        dir.join("tokenizer_config.json"),
        serde_json::to_string_pretty(&config).expect("config json"),
    )
    .expect("write tokenizer_config.json");
}
