//! The fast byte-level BPE encoder (`src/tokens/hf/bpe.rs`) against the `tokenizers` crate, in
//! process, as the oracle: the same number of tokens, the same offsets, and so the same
//! `count_render` and `cut` results, on random texts (ASCII, multilingual, emoji, whitespace
//! runs, `\r\n`, digits, contractions, added tokens inside the text) for tokenizer.json files
//! of every shape the fast encoder takes: the benchmark's generated Llama-3-style one, the
//! ChatML fixture (GPT-2's ByteLevel split), and variants of it built here (Llama 3's and Qwen
//! 2's split patterns, a pattern only `fancy-regex` runs, `ignore_merges` on and off, NFC,
//! `trim_offsets`, merges as strings or pairs, added tokens matched after normalization).
//! Shapes it does not take (WordPiece, byte fallback) must fall back to `tokenizers`.

#[allow(dead_code)]
#[path = "../benches/throughput/data.rs"]
mod data;
#[allow(dead_code)]
#[path = "../benches/throughput/hf.rs"]
mod hf;

use ftlint::targets::Date;
use ftlint::tokens::hf::HfCounter;
use ftlint_tokens::pretokenize::Split;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const CL100K: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const QWEN2: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const GPT2: &str = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
const O200K: &str = concat!(
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"
);
/// Not a known pattern: `fancy-regex` runs it (with gaps between matches, which are pieces too).
const OTHER: &str = r"\p{L}+|\p{N}{1,2}| ?[^\s\p{L}\p{N}]|\s+(?!\S)";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn date() -> Date {
    "2026-12-01".parse().unwrap()
}

fn fixture_json() -> Value {
    let text =
        std::fs::read_to_string(root().join("fixtures/tokenizers/chatml-bpe/tokenizer.json"))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn split_then_byte_level(pattern: &str) -> Value {
    json!({"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": pattern}, "behavior": "Isolated", "invert": false},
        {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}
    ]})
}

fn byte_level_post(trim_offsets: bool, add_prefix_space: bool) -> Value {
    json!({"type": "ByteLevel", "add_prefix_space": add_prefix_space,
           "trim_offsets": trim_offsets, "use_regex": true})
}

/// A model folder holding `tokenizer` and the ChatML fixture's template.
fn folder(name: &str, tokenizer: &Value) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hf-fast-{}", std::process::id()))
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tokenizer.json"), tokenizer.to_string()).unwrap();
    std::fs::copy(
        root().join("fixtures/tokenizers/chatml-bpe/tokenizer_config.json"),
        dir.join("tokenizer_config.json"),
    )
    .unwrap();
    dir
}

/// Each tokenizer shape: its name, the fast counter and the `tokenizers`-only one.
struct Pair {
    name: &'static str,
    fast: HfCounter,
    slow: HfCounter,
}

fn load(name: &'static str, dir: &Path) -> Pair {
    let fast = HfCounter::load(dir, None, date()).unwrap();
    let slow = HfCounter::load(dir, None, date())
        .unwrap()
        .without_fast_encoder();
    Pair { name, fast, slow }
}

fn pairs() -> &'static [Pair] {
    static PAIRS: OnceLock<Vec<Pair>> = OnceLock::new();
    PAIRS.get_or_init(|| {
        let mut out = Vec::new();
        // The benchmark's tokenizer: Llama 3's layout, 100,000 tokens, `ignore_merges`.
        let bench = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("hf-fast-{}", std::process::id()))
            .join("bench-llama3");
        let words: Vec<&str> = data::EN.iter().chain(data::JA).copied().collect();
        hf::write(&bench, &words);
        // Its template is Llama 3.1's; the comparisons below render ChatML, so copy the
        // tokenizer beside the fixture's template.
        let bench_json: Value =
            serde_json::from_str(&std::fs::read_to_string(bench.join("tokenizer.json")).unwrap())
                .unwrap();
        let mut bench_json = bench_json;
        // The ChatML template's tokens, as added tokens of this vocabulary.
        let added = bench_json["added_tokens"].as_array_mut().unwrap();
        for (i, t) in ["<|im_start|>", "<|im_end|>"].iter().enumerate() {
            added.push(json!({"id": 100_100 + i, "content": t, "single_word": false,
                "lstrip": false, "rstrip": false, "normalized": false, "special": true}));
        }
        out.push(load("benchmark llama3", &folder("bench", &bench_json)));

        let base = fixture_json();
        out.push(load("chatml fixture (GPT-2 split)", &folder("chatml", &base)));

        let mut v = base.clone();
        v["pre_tokenizer"] = split_then_byte_level(CL100K);
        v["model"]["ignore_merges"] = json!(true);
        v["post_processor"] = byte_level_post(false, true);
        out.push(load("llama3 split, ignore_merges", &folder("llama3", &v)));

        let mut v = base.clone();
        v["pre_tokenizer"] = split_then_byte_level(CL100K);
        v["model"]["ignore_merges"] = json!(false);
        out.push(load("llama3 split, merges only", &folder("llama3-merges", &v)));

        let mut v = base.clone();
        v["pre_tokenizer"] = split_then_byte_level(QWEN2);
        v["normalizer"] = json!({"type": "NFC"});
        v["post_processor"] = byte_level_post(false, false);
        out.push(load("qwen2 split, NFC", &folder("qwen2", &v)));

        let mut v = base.clone();
        v["pre_tokenizer"] = split_then_byte_level(O200K);
        v["model"]["ignore_merges"] = json!(true);
        out.push(load("o200k split", &folder("o200k", &v)));

        // GPT-2 with offsets trimmed, merges written as "a b" strings.
        let mut v = base.clone();
        v["post_processor"] = byte_level_post(true, false);
        let merges: Vec<Value> = v["model"]["merges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| match m {
                Value::Array(p) => json!(format!(
                    "{} {}",
                    p[0].as_str().unwrap(),
                    p[1].as_str().unwrap()
                )),
                other => other.clone(),
            })
            .collect();
        v["model"]["merges"] = json!(merges);
        out.push(load("gpt2, trim_offsets, string merges", &folder("gpt2-trim", &v)));

        let mut v = base.clone();
        v["post_processor"] = json!({"type": "Sequence", "processors": [
            byte_level_post(true, true),
            {"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}}],
             "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
             "special_tokens": {}}
        ]});
        out.push(load("gpt2, trim_offsets with prefix space", &folder("gpt2-trim-prefix", &v)));

        // A pattern only fancy-regex runs, the GPT-2 pattern spelled out in a Split, and added
        // tokens matched on the normalized text (one overlapping a special one).
        let mut v = base.clone();
        v["pre_tokenizer"] = split_then_byte_level(OTHER);
        let n = v["model"]["vocab"].as_object().unwrap().len();
        let added = v["added_tokens"].as_array_mut().unwrap();
        for (i, t) in ["<tool>", "<|im", " ok"].iter().enumerate() {
            added.push(json!({"id": n + 10 + i, "content": t, "single_word": false,
                "lstrip": false, "rstrip": false, "normalized": true, "special": false}));
        }
        out.push(load("other regex, normalized added tokens", &folder("regex", &v)));

        let mut v = base.clone();
        v["pre_tokenizer"] = split_then_byte_level(GPT2);
        v["normalizer"] = json!({"type": "NFC"});
        out.push(load("gpt2 pattern in a Split, NFC", &folder("gpt2-split", &v)));

        let mut v = base;
        v["pre_tokenizer"] = json!({"type": "ByteLevel", "add_prefix_space": false,
                                    "trim_offsets": true, "use_regex": false});
        out.push(load("ByteLevel without a split", &folder("no-split", &v)));
        out
    })
}

/// Pieces of text the random texts are made of.
const FRAGMENTS: &[&str] = &[
    "a",
    "z",
    "A",
    "Z",
    "the",
    " the",
    "The",
    " hello",
    "hello",
    "world",
    " world",
    "ing",
    "tokenizer",
    " tokenizers",
    "xyzzy",
    "s",
    "'s",
    "'S",
    "'t",
    "'re",
    "'ve",
    "'m",
    "'ll",
    "'d",
    "'LL",
    "ſ",
    "'",
    "'x",
    "0",
    "7",
    "42",
    "1234",
    "99999",
    "١٢٣",
    "²",
    "Ⅻ",
    "½",
    " ",
    "  ",
    "   ",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\n\n",
    " \n",
    "\u{b}",
    "\u{c}",
    "\u{85}",
    "\u{a0}",
    "\u{2028}",
    "\u{3000}",
    "/",
    ".",
    ",",
    "!",
    "?",
    "-",
    "_",
    "\"",
    "(",
    ")",
    "{",
    "}",
    "@",
    "#",
    "$",
    "%",
    "&",
    "*",
    "+",
    "=",
    "<",
    ">",
    "|",
    "\\",
    "~",
    "`",
    "^",
    ";",
    ":",
    "é",
    "É",
    "e\u{301}",
    "ß",
    "ǅ",
    "ʰ",
    "ー",
    "々",
    "\u{301}",
    "\u{308}",
    "क",
    "ि",
    "ก",
    "ั",
    "东京",
    "の",
    "アイス",
    "한국어",
    "مرحبا",
    "ω",
    "Ω",
    "я",
    "Привет",
    "🙂",
    "👍🏽",
    "👨‍👩‍👧",
    "\u{200d}",
    "\u{fe0f}",
    "\u{0}",
    "\u{7f}",
    "\u{ad}",
    "™",
    "€",
    "…",
    "“",
    "”",
    "。",
    "、",
    "！",
    "（",
    "Ａ",
    "ｚ",
    "０",
    "𝔸",
    "<|im_start|>",
    "<|im_end|>",
    "<|endoftext|>",
    "<|im",
    "<tool>",
    " ok",
    "ok",
    "<|eot_id|>",
    "<|start_header_id|>",
    "{\"",
    "\": \"",
    "\"}",
    ": ",
    ", ",
    "Do",
    " you",
    " repair",
    "自転車",
    "を",
    "修理",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..48).prop_map(|v| v.concat())
}

/// Same count and same offsets through both encoders, or where they differ.
fn compare(p: &Pair, text: &str) -> Result<(), TestCaseError> {
    let (fast, slow) = (p.fast.token_offsets(text), p.slow.token_offsets(text));
    prop_assert_eq!(&fast, &slow, "{}: offsets of {:?}", p.name, text);
    prop_assert_eq!(
        p.fast.count_text(text),
        p.slow.count_text(text),
        "{}: count of {:?}",
        p.name,
        text
    );
    prop_assert_eq!(p.fast.count_text(text), slow.len() as u64);
    Ok(())
}

#[test]
fn every_shape_here_takes_the_fast_encoder() {
    for p in pairs() {
        assert!(
            p.fast.encoder().starts_with("fast byte-level BPE"),
            "{}: {}",
            p.name,
            p.fast.encoder()
        );
        assert!(p.slow.encoder().starts_with("tokenizers"), "{}", p.name);
    }
    let names: Vec<String> = pairs().iter().map(|p| p.fast.encoder()).collect();
    assert_eq!(
        names,
        [
            "fast byte-level BPE (cl100k (Llama 3) split)",
            "fast byte-level BPE (GPT-2 split)",
            "fast byte-level BPE (cl100k (Llama 3) split)",
            "fast byte-level BPE (cl100k (Llama 3) split)",
            "fast byte-level BPE (Qwen 2 split)",
            "fast byte-level BPE (o200k split)",
            "fast byte-level BPE (GPT-2 split)",
            "fast byte-level BPE (GPT-2 split)",
            "fast byte-level BPE (regex split)",
            "fast byte-level BPE (GPT-2 split)",
            "fast byte-level BPE (no split)",
        ]
    );
}

#[test]
fn fixed_texts_encode_identically() {
    let texts = [
        "",
        " ",
        "Hello, world! It's 2026; they'll pay $1,234.56.\r\n\r\n  Done  ",
        "<|im_start|>user\nこんにちは、世界！🙂👍🏽<|im_end|>\n<|im_start|>assistant\n  hi  <|im_end|>",
        "e\u{301} café   \t\n\n\n x",
        "<|im<|im_start|><tool> ok ok<|endoftext|>",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ];
    for p in pairs() {
        for t in texts {
            compare(p, t).unwrap();
        }
        // A long piece (no memo) and a long text of words (the memo's hits).
        compare(p, &"ab".repeat(5_000)).unwrap();
        compare(p, &"the tokenizer's world, ".repeat(300)).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_texts_encode_identically(text in text()) {
        for p in pairs() {
            compare(p, &text)?;
        }
    }

    /// Renders through the ChatML template: `count_render` (total and assistant tokens) and
    /// the cut at every length are the same through both encoders.
    #[test]
    fn renders_count_and_cut_identically(
        user in text(),
        assistant in text(),
        system in prop::option::of(text()),
    ) {
        let mut messages = Vec::new();
        if let Some(s) = system {
            messages.push(json!({"role": "system", "content": s}));
        }
        messages.push(json!({"role": "user", "content": user}));
        messages.push(json!({"role": "assistant", "content": assistant}));
        for p in pairs() {
            let Ok(r) = p.fast.render(&messages, None) else { continue };
            let a = p.fast.count_render(&r, true);
            prop_assert_eq!(a, p.slow.count_render(&r, true), "{}: {:?}", p.name, r.text);
            prop_assert_eq!(p.fast.count_render(&r, false), p.slow.count_render(&r, false));
            // Every length would take minutes in a debug build; a dozen spread over the
            // example, and the last one, reach every message.
            let step = (a.total / 12).max(1);
            for max in (0..a.total).step_by(step as usize).chain(a.total.checked_sub(1)) {
                prop_assert_eq!(
                    p.fast.cut(&r, max),
                    p.slow.cut(&r, max),
                    "{}: cut at {} of {:?}",
                    p.name,
                    max,
                    r.text
                );
            }
            prop_assert_eq!(p.fast.cut(&r, a.total), None);
        }
    }

    /// The hand-written splits cut where `fancy-regex` (what `tokenizers` runs) cuts.
    #[test]
    fn hand_written_splits_cut_as_the_regex(text in text()) {
        for (split, pattern) in [
            (Split::Cl100k, CL100K),
            (Split::Qwen2, QWEN2),
            (Split::Gpt2, GPT2),
            (Split::O200k, O200K),
        ] {
            let re = fancy_regex::Regex::new(pattern).unwrap();
            let want: Vec<(usize, usize)> = re
                .find_iter(&text)
                .map(|m| {
                    let m = m.unwrap();
                    (m.start(), m.end())
                })
                .collect();
            let s = text.as_bytes();
            let mut got = Vec::new();
            let mut i = 0;
            while i < s.len() {
                let end = split.piece_end(s, i);
                got.push((i, end));
                i = end;
            }
            prop_assert_eq!(got, want, "{:?} on {:?}", split, text);
        }
    }
}

/// Shapes the fast encoder does not reproduce count through `tokenizers`, exactly.
#[test]
fn unsupported_shapes_fall_back_to_tokenizers() {
    let wordpiece = json!({
        "version": "1.0", "truncation": null, "padding": null,
        "added_tokens": [{"id": 0, "content": "[UNK]", "single_word": false, "lstrip": false,
                          "rstrip": false, "normalized": false, "special": true}],
        "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null,
        "decoder": null,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100,
                  "vocab": {"[UNK]": 0, "hello": 1, "world": 2, "##s": 3, "!": 4}}
    });
    let c = HfCounter::load(&folder("wordpiece", &wordpiece), None, date()).unwrap();
    assert_eq!(c.encoder(), "tokenizers (model type \"WordPiece\")");
    // hello, world, ##s, !, [UNK]
    assert_eq!(c.count_text("hello worlds! zzz"), 5);

    let mut v = fixture_json();
    v["model"]["byte_fallback"] = json!(true);
    let dir = folder("byte-fallback", &v);
    let c = HfCounter::load(&dir, None, date()).unwrap();
    assert_eq!(c.encoder(), "tokenizers (BPE `byte_fallback`)");
    let plain = HfCounter::load(&root().join("fixtures/tokenizers/chatml-bpe"), None, date())
        .unwrap()
        .without_fast_encoder();
    for t in ["Hello, world! 🙂", "<|im_start|>user\nこんにちは<|im_end|>"] {
        assert_eq!(c.count_text(t), plain.count_text(t), "{t:?}");
        assert_eq!(c.token_offsets(t), plain.token_offsets(t), "{t:?}");
    }

    for (name, change, why) in [
        (
            "lstrip",
            json!({"id": 999, "content": "<x>", "single_word": false, "lstrip": true,
                   "rstrip": false, "normalized": false, "special": true}),
            "tokenizers (an added token with `lstrip`)",
        ),
        (
            "single-word",
            json!({"id": 999, "content": "<x>", "single_word": true, "lstrip": false,
                   "rstrip": false, "normalized": false, "special": true}),
            "tokenizers (an added token with `single_word`)",
        ),
    ] {
        let mut v = fixture_json();
        v["added_tokens"].as_array_mut().unwrap().push(change);
        let c = HfCounter::load(&folder(name, &v), None, date()).unwrap();
        assert_eq!(c.encoder(), why);
        let slow = HfCounter::load(&folder(name, &v), None, date())
            .unwrap()
            .without_fast_encoder();
        let t = "a <x> b<x>c";
        assert_eq!(c.count_text(t), slow.count_text(t));
    }

    let mut v = fixture_json();
    v["pre_tokenizer"]["add_prefix_space"] = json!(true);
    let c = HfCounter::load(&folder("prefix-space", &v), None, date()).unwrap();
    assert_eq!(c.encoder(), "tokenizers (ByteLevel `add_prefix_space`)");
}

/// A text NFC would change goes through `tokenizers` (the count stays exact), while the
/// counter keeps the fast encoder for the others.
#[test]
fn text_that_nfc_changes_falls_back_per_text() {
    let p = pairs()
        .iter()
        .find(|p| p.name == "qwen2 split, NFC")
        .unwrap();
    for t in [
        "e\u{301}",
        "Cafe\u{301} e\u{301}e\u{301}",
        "Å\u{30a}",
        "\u{212b}",
    ] {
        assert_eq!(p.fast.count_text(t), p.slow.count_text(t), "{t:?}");
        assert_eq!(p.fast.token_offsets(t), p.slow.token_offsets(t), "{t:?}");
    }
}
