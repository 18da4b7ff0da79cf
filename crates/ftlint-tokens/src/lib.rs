//! Exact token counts for tiktoken's `o200k_base` and `cl100k_base` encodings, with no start-up
//! work.
//!
//! ```
//! use ftlint_tokens::{count, Encoding};
//! assert_eq!(count(Encoding::O200kBase, "Hello, world!"), 4);
//! ```
//!
//! The whole API: [`Encoding`] (which vocabulary) and [`count`] (how many tokens a text is,
//! identical to tiktoken's `encode_ordinary`: special-token text such as `<|endoftext|>` counts
//! as ordinary text), without building a token vector. With the `serde` feature, an
//! [`Encoding`] (de)serializes by its tiktoken name; with `schemars`, it has a JSON Schema.
//! For callers that merge with a vocabulary of their own (Hugging Face byte-level BPE), the
//! hand-written split patterns ([`pretokenize`]) and the heap merge loop ([`heap_merge`]).
//!
//! Counting is tiktoken's algorithm over tiktoken's own vocabulary files (`vocab/`, checked
//! against tiktoken's SHA-256 by the build script), laid out at build time as tables read in
//! place (`vocab`), with the split regex hand-written (`split`) and each piece counted by a
//! backtracking search over compile-time tables (`backtrack`), which gives the count of
//! tiktoken's merge rule (`merge`, its fallback and test oracle). Nothing is built at start-up.
//! Short pieces and repeated texts are memoised per thread (`piece_cache`, `text_cache`). The
//! `bpe-openai` crate is the independent reference it is tested against.

mod backtrack;
mod encoding;
pub mod heap_merge;
mod merge;
mod piece_cache;
mod split;
mod text_cache;
mod vocab;

#[cfg(test)]
mod reference_tests;

pub use encoding::Encoding;

/// The split patterns of byte-level BPE tokenizers, hand-written: where each piece of a text
/// ends, exactly as the pattern's regex would cut it. For callers that merge pieces with a
/// vocabulary of their own (Hugging Face `tokenizer.json` files whose split pattern is one of
/// these).
pub mod pretokenize {
    /// A known split pattern.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Split {
        /// tiktoken's `cl100k_base` pattern, which Llama 3's `tokenizer.json` uses too.
        Cl100k,
        /// tiktoken's `o200k_base` pattern.
        O200k,
        /// Qwen 2's: `cl100k_base`'s with single digits (`\p{N}` for `\p{N}{1,3}`).
        Qwen2,
        /// GPT-2's, the one Hugging Face's `ByteLevel` pre-tokenizer runs with `use_regex`.
        Gpt2,
    }

    impl Split {
        /// End of the piece of `s` (valid UTF-8) that starts at byte `i` (< `s.len()`); always
        /// greater than `i`, on a character boundary.
        pub fn piece_end(self, s: &[u8], i: usize) -> usize {
            match self {
                Split::Cl100k => crate::split::cl100k_piece(s, i),
                Split::O200k => crate::split::o200k_piece(s, i),
                Split::Qwen2 => crate::split::qwen2_piece(s, i),
                Split::Gpt2 => crate::split::gpt2_piece(s, i),
            }
        }
    }
}

thread_local! {
    static PIECES: std::cell::RefCell<piece_cache::PieceCache> = Default::default();
    static TEXTS: std::cell::RefCell<text_cache::TextCache> = Default::default();
}

/// Number of tokens of `text` in `encoding`, exactly as tiktoken's `encode_ordinary` would
/// produce. Count-only: no token vector is allocated.
pub fn count(encoding: Encoding, text: &str) -> usize {
    if (text_cache::MIN..=text_cache::MAX).contains(&text.len()) {
        return TEXTS.with(|cache| {
            cache
                .borrow_mut()
                .get_or(encoding as u8, text, || count_pieces(encoding, text))
        });
    }
    count_pieces(encoding, text)
}

/// [`count`] without the whole-text memo.
fn count_pieces(encoding: Encoding, text: &str) -> usize {
    let (vocab, tables, piece_end): (_, _, fn(&[u8], usize) -> usize) = match encoding {
        Encoding::O200kBase => (
            vocab::Vocab::o200k_base(),
            backtrack::Tables::o200k_base(),
            split::o200k_piece,
        ),
        Encoding::Cl100kBase => (
            vocab::Vocab::cl100k_base(),
            backtrack::Tables::cl100k_base(),
            split::cl100k_piece,
        ),
    };
    let s = text.as_bytes();
    PIECES.with(|cache| {
        let cache = &mut *cache.borrow_mut();
        split::bounds(s, piece_end)
            .map(|(start, end)| {
                let count = || backtrack::count_piece(tables, vocab, &s[start..end]);
                if end - start <= piece_cache::MAX_LEN {
                    cache.get_or(vocab.id, s, start, end, count)
                } else {
                    count()
                }
            })
            .sum()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line of `tests/data/token-counts.jsonl` (counts computed with tiktoken) must match,
    /// for both encodings.
    #[test]
    fn matches_tiktoken_on_every_fixture_string() {
        let data = include_str!("../tests/data/token-counts.jsonl");
        let mut checked = 0;
        let mut mismatches = Vec::new();
        for (i, line) in data.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(line).expect("fixture line is JSON");
            let text = v["text"].as_str().expect("`text` is a string");
            for enc in Encoding::ALL {
                let want = v[enc.name()].as_u64().expect("count is an integer") as usize;
                let got = count(enc, text);
                if got != want {
                    mismatches.push(format!(
                        "line {}: {enc}: got {got}, want {want}: {text:?}",
                        i + 1
                    ));
                }
                checked += 1;
            }
        }
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
        assert_eq!(checked, 2 * 145, "fixture has 145 strings");
    }

    proptest::proptest! {
        /// Never panics, and a token covers at least one byte.
        #[test]
        fn any_text_counts_at_most_its_bytes(text in "\\PC*|[ \t\r\n\u{3000}\u{85}a-z0-9'.]*") {
            for enc in Encoding::ALL {
                let n = count(enc, &text);
                proptest::prop_assert!(n <= text.len());
                proptest::prop_assert_eq!(n == 0, text.is_empty());
            }
        }
    }

    #[test]
    fn empty_and_special_token_text() {
        for enc in Encoding::ALL {
            assert_eq!(count(enc, ""), 0);
            // Ordinary text, not the single special token.
            assert!(count(enc, "<|endoftext|>") > 1);
        }
    }
}
