//! A count-only encoder for the byte-level BPE `tokenizer.json` files most open models ship
//! (Llama 3.x, Qwen 2.5/3, GPT-2 and the tokenizers trained like them), giving the same tokens
//! as the `tokenizers` crate without building them: the number of tokens, and each token's
//! byte range in the text as `Encoding::get_offsets` gives it (what the assistant-token
//! ownership and the truncation cut read).
//!
//! It is used only for a `tokenizer.json` whose every step it reproduces exactly
//! ([`FastBpe::from_json`] says why not otherwise, and the `tokenizers` crate counts):
//!
//! 1. **Added tokens** are cut out first, as `tokenizers`' `AddedVocabulary` does: those with
//!    `normalized: false` on the raw text, then those with `normalized: true` on what is left,
//!    each set leftmost-longest. Tokens with `lstrip`, `rstrip` or `single_word` are not
//!    supported.
//! 2. **Normalizer**: none, or NFC applied to text that is already NFC (the usual case: then it
//!    changes nothing); a text with something NFC would change goes to the `tokenizers` crate.
//! 3. **Pre-tokenizer**: `ByteLevel` (without `add_prefix_space`), with or without its GPT-2
//!    split, or `Sequence[Split(pattern, Isolated), ByteLevel(use_regex: false)]`. The known
//!    split patterns (cl100k's, which Llama 3 uses; Qwen 2's; GPT-2's) are cut by hand
//!    (`ftlint_tokens::pretokenize`), any other by `fancy-regex`, the engine `tokenizers` runs
//!    them with.
//! 4. **Model**: BPE over the bytes of each piece (the byte-level alphabet is a bijection with
//!    bytes), merges by rank (their order in `merges`, `"a b"` or `["a", "b"]`), lowest rank
//!    first and leftmost among equals, as `tokenizers`' `Word::merge_all`; with `ignore_merges`
//!    a piece that is a whole vocabulary entry is one token. No dropout, no byte fallback, no
//!    subword prefix or suffix; every byte must be in the vocabulary.
//! 5. **Offsets**: a token's range is from the start of the character holding its first byte to
//!    the end of the character holding its last (a character split across tokens belongs to
//!    each); a `ByteLevel` post-processor with `trim_offsets` trims leading and trailing spaces
//!    as `tokenizers`' `process_offsets` does.
//!
//! Pieces are memoised per thread (bounded), so a repeated word costs one hash lookup.

use ftlint_tokens::heap_merge;
use ftlint_tokens::pretokenize::Split;
use serde_json::Value as Json;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The split patterns cut by hand, as they are written in `tokenizer.json` files.
const CL100K: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const QWEN2: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const O200K: &str = concat!(
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"
);
/// GPT-2's, which `ByteLevel` runs when `use_regex` is on (and which some files spell out).
const GPT2: &str = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

/// Pieces up to this many bytes are memoised.
const CACHE_PIECE_MAX: usize = 256;
/// The memo is emptied when it reaches this many bytes, counting each entry's piece, its token
/// lengths and [`CACHE_ENTRY_OVERHEAD`]: a thread's memo stays near 8 MiB whatever the text.
const CACHE_BYTES_MAX: usize = 8 << 20;
/// An entry's table slot (two boxed slices) and its two allocations, roughly.
const CACHE_ENTRY_OVERHEAD: usize = 96;

/// How a text segment is cut into pieces.
enum Splitter {
    /// `ByteLevel` without a regex: the whole segment is one piece.
    Whole,
    Known(Split),
    Regex(Box<fancy_regex::Regex>),
}

/// A `tokenizer.json` the fast encoder reproduces; see the module doc.
pub struct FastBpe {
    /// Vocabulary id of each single byte.
    byte_ids: [u32; 256],
    /// `(left, right)` ids → (rank, merged id).
    merges: HashMap<u64, (u32, u32), BuildHasherDefault<Fx>>,
    /// The same for two single bytes (`a << 8 | b`), `(NONE, NONE)` when they do not merge:
    /// every piece starts from its bytes, so the first pairs skip the hash table.
    byte_pairs: Box<[(u32, u32)]>,
    /// Byte strings of the vocabulary (only with `ignore_merges`).
    vocab: HashMap<Box<[u8]>, u32, BuildHasherDefault<Fx>>,
    ignore_merges: bool,
    splitter: Splitter,
    /// Added tokens matched on the raw text (`normalized: false`), then on what is left.
    raw_added: Option<aho_corasick::AhoCorasick>,
    normalized_added: Option<aho_corasick::AhoCorasick>,
    nfc: bool,
    /// `Some(add_prefix_space)` when a `ByteLevel` post-processor trims offsets.
    trim: Option<bool>,
    /// Identifies this encoder's entries in the per-thread memo.
    id: usize,
    /// What it is, for `describe`: the split it uses.
    pub split_name: &'static str,
}

impl std::fmt::Debug for FastBpe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastBpe")
            .field("split", &self.split_name)
            .field("merges", &self.merges.len())
            .finish()
    }
}

/// One token's bytes in the text (before offsets are trimmed), or an added token's.
#[derive(Clone, Copy)]
enum Tok {
    Model(usize, usize),
    Added(usize, usize),
}

static NEXT_ID: AtomicUsize = AtomicUsize::new(1);

fn is_null(v: Option<&Json>) -> bool {
    v.is_none_or(Json::is_null)
}

fn flag(v: &Json, key: &str) -> Option<bool> {
    match v.get(key) {
        None | Some(Json::Null) => Some(false),
        Some(Json::Bool(b)) => Some(*b),
        Some(_) => None,
    }
}

/// GPT-2's byte → character table (`bytes_to_unicode`): printable Latin-1 bytes stand for
/// themselves, the others for U+0100 onwards in byte order.
fn byte_chars() -> [char; 256] {
    let printable = |b: u32| (33..=126).contains(&b) || (161..=172).contains(&b) || b >= 174;
    let mut out = ['\0'; 256];
    let mut next = 256;
    for b in 0..256u32 {
        out[b as usize] = if printable(b) {
            char::from_u32(b).unwrap_or('\0')
        } else {
            next += 1;
            char::from_u32(next - 1).unwrap_or('\0')
        };
    }
    out
}

/// The bytes a byte-level string stands for; `None` when a character is not in the alphabet
/// (such a vocabulary entry can never be a piece's).
fn decode(s: &str, table: &[Option<u8>]) -> Option<Vec<u8>> {
    s.chars()
        .map(|c| table.get(c as usize).copied().flatten())
        .collect()
}

impl FastBpe {
    /// The fast encoder for this `tokenizer.json`, or why it cannot reproduce it exactly.
    pub fn from_json(json: &Json) -> Result<FastBpe, String> {
        let model = json.get("model").ok_or("no model")?;
        if model.get("type").and_then(Json::as_str) != Some("BPE") {
            return Err(format!(
                "model type {}",
                model.get("type").map_or("?".into(), Json::to_string)
            ));
        }
        for key in ["dropout", "continuing_subword_prefix", "end_of_word_suffix"] {
            if !is_null(model.get(key)) {
                return Err(format!("BPE `{key}`"));
            }
        }
        if flag(model, "byte_fallback") != Some(false) {
            return Err("BPE `byte_fallback`".into());
        }
        let ignore_merges = flag(model, "ignore_merges").ok_or("BPE `ignore_merges`")?;
        if !is_null(json.get("truncation")) {
            return Err("truncation".into());
        }
        let nfc = match json.get("normalizer") {
            None | Some(Json::Null) => false,
            Some(n) if n.get("type").and_then(Json::as_str) == Some("NFC") => true,
            Some(n) => return Err(format!("normalizer {}", type_name(n))),
        };
        let (splitter, split_name) = pre_tokenizer(json.get("pre_tokenizer"))?;
        let trim = post_processor(json.get("post_processor"))?;

        let chars = byte_chars();
        // Character → byte; the alphabet ends below U+0200.
        let mut table = vec![None; 0x200];
        for (b, &c) in chars.iter().enumerate() {
            table[c as usize] = Some(b as u8);
        }
        let vocab_json = model
            .get("vocab")
            .and_then(Json::as_object)
            .ok_or("BPE without a vocab")?;
        // The JSON object is a sorted map; a hash map makes the lookups below cheap.
        let ids: HashMap<&str, u32, BuildHasherDefault<Fx>> = vocab_json
            .iter()
            .filter_map(|(k, v)| Some((k.as_str(), u32::try_from(v.as_u64()?).ok()?)))
            .collect();
        let id_of = |s: &str| ids.get(s).copied();
        let mut byte_ids = [0u32; 256];
        for (b, c) in chars.iter().enumerate() {
            byte_ids[b] = id_of(&c.to_string()).ok_or("a byte missing from the vocabulary")?;
        }
        let mut vocab = HashMap::default();
        if ignore_merges {
            for (k, v) in vocab_json {
                if let (Some(bytes), Some(id)) = (decode(k, &table), v.as_u64()) {
                    vocab.insert(bytes.into_boxed_slice(), id as u32);
                }
            }
        }
        let merges_json = model
            .get("merges")
            .and_then(Json::as_array)
            .ok_or("BPE without merges")?;
        let mut merges: HashMap<u64, (u32, u32), BuildHasherDefault<Fx>> =
            HashMap::with_capacity_and_hasher(merges_json.len(), Default::default());
        let mut joined = String::new();
        for (rank, m) in merges_json.iter().enumerate() {
            let (a, b) = match m {
                Json::String(s) => s.split_once(' ').ok_or("a merge that is not `a b`")?,
                Json::Array(p) => match &p[..] {
                    [Json::String(a), Json::String(b)] => (a.as_str(), b.as_str()),
                    _ => return Err("a merge that is not [a, b]".into()),
                },
                _ => return Err("a merge that is not `a b`".into()),
            };
            joined.clear();
            joined.push_str(a);
            joined.push_str(b);
            let (Some(l), Some(r), Some(new)) = (id_of(a), id_of(b), id_of(&joined)) else {
                return Err("a merge of tokens outside the vocabulary".into());
            };
            // A pair listed twice keeps its last rank, as `tokenizers` collects them.
            merges.insert(pair(l, r), (rank as u32, new));
        }

        let none = (heap_merge::NONE, heap_merge::NONE);
        let byte_pairs = (0..1usize << 16)
            .map(|ab| {
                let (a, b) = (byte_ids[ab >> 8], byte_ids[ab & 0xff]);
                merges.get(&pair(a, b)).copied().unwrap_or(none)
            })
            .collect();
        let (raw_added, normalized_added) = added_tokens(json.get("added_tokens"), nfc)?;
        Ok(FastBpe {
            byte_ids,
            merges,
            byte_pairs,
            vocab,
            ignore_merges,
            splitter,
            raw_added,
            normalized_added,
            nfc,
            trim,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            split_name,
        })
    }

    /// Number of tokens of `text`; `None` when this text needs the `tokenizers` crate (NFC
    /// would change it, or a split regex gave up).
    pub fn count(&self, text: &str) -> Option<u64> {
        let mut n = 0u64;
        self.walk(text, false, |_| n += 1)?;
        Some(n)
    }

    /// Each token's `(start, end)` byte offsets in `text`, as `tokenizers`' `get_offsets`,
    /// into `out` (cleared first); `None` as for [`FastBpe::count`].
    pub fn offsets(&self, text: &str, out: &mut Vec<(usize, usize)>) -> Option<()> {
        out.clear();
        let s = text.as_bytes();
        let trim = self.trim;
        self.walk(text, true, |t| {
            let (start, end, lead, trail) = match t {
                Tok::Model(a, b) => {
                    let mut start = a;
                    while start > 0 && !text.is_char_boundary(start) {
                        start -= 1;
                    }
                    let mut end = b;
                    while end < s.len() && !text.is_char_boundary(end) {
                        end += 1;
                    }
                    let (lead, trail) = if trim.is_some() {
                        let bytes = &s[a..b];
                        let lead = bytes.iter().take_while(|&&c| c == b' ').count();
                        let trail = bytes.iter().rev().take_while(|&&c| c == b' ').count();
                        (lead, trail)
                    } else {
                        (0, 0)
                    };
                    (start, end, lead, trail)
                }
                Tok::Added(a, b) => {
                    let content = &text[a..b];
                    let space = |c: &char| *c == 'Ġ' || c.is_whitespace();
                    let (lead, trail) = if trim.is_some() {
                        (
                            content.chars().take_while(space).count(),
                            content.chars().rev().take_while(space).count(),
                        )
                    } else {
                        (0, 0)
                    };
                    (a, b, lead, trail)
                }
            };
            let (mut start, mut end) = (start, end);
            if let Some(add_prefix_space) = trim {
                // `tokenizers`' `process_offsets`: a first token keeps the one space a prefix
                // space would have added.
                let mut lead = lead;
                if lead > 0 {
                    let first = out.is_empty() || start == 0;
                    if first && add_prefix_space && lead == 1 {
                        lead = 0;
                    }
                    start = (start + lead).min(end);
                }
                if trail > 0 && end >= trail {
                    end = (end - trail).max(start);
                }
            }
            out.push((start, end));
        })
    }

    /// Calls `f` with every token of `text` in order (`bytes`: the model tokens' byte ranges
    /// are needed, not only their number).
    fn walk(&self, text: &str, bytes: bool, mut f: impl FnMut(Tok)) -> Option<()> {
        LOCAL.with(|local| {
            let local = &mut *local.borrow_mut();
            if local.owner != self.id {
                local.cache.clear();
                local.cache_bytes = 0;
                local.owner = self.id;
            }
            let mut handle = |a: usize, b: usize, added: bool| -> Option<()> {
                if added {
                    f(Tok::Added(a, b));
                    return Some(());
                }
                let seg = &text[a..b];
                if self.nfc && !unicode_normalization_alignments::is_nfc(seg) {
                    return None;
                }
                self.pieces(seg, |x, y| {
                    self.piece(text, a + x, a + y, bytes, local, &mut f)
                })
            };
            split_added(
                text,
                0,
                text.len(),
                self.raw_added.as_ref(),
                |a, b, added| {
                    if added {
                        handle(a, b, true)
                    } else {
                        split_added(text, a, b, self.normalized_added.as_ref(), &mut handle)
                    }
                },
            )
        })
    }

    /// Cuts a segment (no added token in it) into pieces: calls `f(start, end)` for each.
    fn pieces(&self, seg: &str, mut f: impl FnMut(usize, usize) -> Option<()>) -> Option<()> {
        let s = seg.as_bytes();
        match &self.splitter {
            Splitter::Whole => {
                if !s.is_empty() {
                    f(0, s.len())?;
                }
            }
            Splitter::Known(split) => {
                let mut i = 0;
                while i < s.len() {
                    let end = split.piece_end(s, i);
                    f(i, end)?;
                    i = end;
                }
            }
            Splitter::Regex(re) => {
                // `Split` with `Isolated`: every match is a piece, and so is every gap.
                let mut prev = 0;
                for m in re.find_iter(seg) {
                    let m = m.ok()?;
                    if m.start() > prev {
                        f(prev, m.start())?;
                    }
                    if m.end() > m.start() {
                        f(m.start(), m.end())?;
                    }
                    prev = m.end();
                }
                if prev < s.len() {
                    f(prev, s.len())?;
                }
            }
        }
        Some(())
    }

    /// The tokens of the piece `text[start..end]`.
    fn piece(
        &self,
        text: &str,
        start: usize,
        end: usize,
        bytes: bool,
        local: &mut Local,
        f: &mut impl FnMut(Tok),
    ) -> Option<()> {
        let piece = &text.as_bytes()[start..end];
        if piece.len() == 1 {
            f(Tok::Model(start, end));
            return Some(());
        }
        let emit = |lens: &[u32], f: &mut dyn FnMut(Tok)| {
            let mut at = start;
            for &len in lens {
                let next = at + len as usize;
                f(Tok::Model(at, next));
                at = next;
            }
        };
        if piece.len() <= CACHE_PIECE_MAX {
            if let Some(lens) = local.cache.get(piece) {
                if bytes {
                    emit(lens, f);
                } else {
                    for _ in 0..lens.len() {
                        f(Tok::Model(start, start));
                    }
                }
                return Some(());
            }
        }
        let Local { scratch, lens, .. } = local;
        self.merge(piece, scratch, lens);
        emit(lens, f);
        if piece.len() <= CACHE_PIECE_MAX {
            if local.cache_bytes >= CACHE_BYTES_MAX {
                local.cache.clear();
                local.cache_bytes = 0;
            }
            local.cache_bytes += piece.len() + 4 * local.lens.len() + CACHE_ENTRY_OVERHEAD;
            local
                .cache
                .insert(piece.into(), local.lens.as_slice().into());
        }
        Some(())
    }

    /// BPE of one piece: the byte length of each token, in order, into `lens`. The heap loop
    /// is `ftlint_tokens`' (shared with tiktoken's merge): a pair's priority is its rank.
    fn merge(&self, piece: &[u8], scratch: &mut heap_merge::Scratch, lens: &mut Vec<u32>) {
        lens.clear();
        if self.ignore_merges && self.vocab.contains_key(piece) {
            lens.push(piece.len() as u32);
            return;
        }
        let found = |m: Option<&(u32, u32)>| m.copied();
        heap_merge::merge(
            piece.len(),
            scratch,
            |i| self.byte_ids[piece[i] as usize],
            |i| {
                let (rank, new) = self.byte_pairs[(piece[i] as usize) << 8 | piece[i + 1] as usize];
                (rank != heap_merge::NONE).then_some((rank, new))
            },
            |left, right, _, _| found(self.merges.get(&pair(left, right))),
        );
        lens.extend(scratch.spans().map(|(a, b)| (b - a) as u32));
    }
}

/// Per-thread scratch space and the piece memo.
#[derive(Default)]
struct Local {
    owner: usize,
    cache: HashMap<Box<[u8]>, Box<[u32]>, BuildHasherDefault<Fx>>,
    /// Bytes of the memo's keys and values.
    cache_bytes: usize,
    scratch: heap_merge::Scratch,
    lens: Vec<u32>,
}

thread_local! {
    static LOCAL: RefCell<Local> = RefCell::default();
}

fn pair(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

fn type_name(v: &Json) -> String {
    v.get("type")
        .and_then(Json::as_str)
        .map_or_else(|| v.to_string(), |t| format!("`{t}`"))
}

/// The pre-tokenizer as a [`Splitter`], with the name `describe` shows.
fn pre_tokenizer(v: Option<&Json>) -> Result<(Splitter, &'static str), String> {
    let v = v.filter(|v| !v.is_null()).ok_or("no pre-tokenizer")?;
    let byte_level = |b: &Json| -> Result<bool, String> {
        if b.get("type").and_then(Json::as_str) != Some("ByteLevel") {
            return Err(format!("pre-tokenizer {}", type_name(b)));
        }
        if flag(b, "add_prefix_space") != Some(false) {
            return Err("ByteLevel `add_prefix_space`".into());
        }
        // `use_regex` defaults to true in `tokenizers`.
        match b.get("use_regex") {
            None => Ok(true),
            Some(Json::Bool(u)) => Ok(*u),
            Some(_) => Err("ByteLevel `use_regex`".into()),
        }
    };
    match v.get("type").and_then(Json::as_str) {
        Some("ByteLevel") => Ok(if byte_level(v)? {
            (Splitter::Known(Split::Gpt2), "GPT-2 split")
        } else {
            (Splitter::Whole, "no split")
        }),
        Some("Sequence") => {
            let list = v
                .get("pretokenizers")
                .and_then(Json::as_array)
                .ok_or("pre-tokenizer Sequence")?;
            let [split, bl] = &list[..] else {
                return Err("a pre-tokenizer Sequence other than [Split, ByteLevel]".into());
            };
            if split.get("type").and_then(Json::as_str) != Some("Split")
                || split.get("behavior").and_then(Json::as_str) != Some("Isolated")
                || flag(split, "invert") != Some(false)
            {
                return Err(
                    "a pre-tokenizer Sequence other than [Split(Isolated), ByteLevel]".into(),
                );
            }
            if byte_level(bl)? {
                return Err("ByteLevel with `use_regex` after a Split".into());
            }
            let pattern = split
                .get("pattern")
                .and_then(|p| p.get("Regex"))
                .and_then(Json::as_str)
                .ok_or("a Split whose pattern is not a regex")?;
            Ok(match pattern {
                CL100K => (Splitter::Known(Split::Cl100k), "cl100k (Llama 3) split"),
                QWEN2 => (Splitter::Known(Split::Qwen2), "Qwen 2 split"),
                O200K => (Splitter::Known(Split::O200k), "o200k split"),
                GPT2 => (Splitter::Known(Split::Gpt2), "GPT-2 split"),
                other => (
                    Splitter::Regex(Box::new(
                        fancy_regex::Regex::new(other).map_err(|e| e.to_string())?,
                    )),
                    "regex split",
                ),
            })
        }
        _ => Err(format!("pre-tokenizer {}", type_name(v))),
    }
}

/// `Some(add_prefix_space)` when the post-processor trims offsets; an error for one that
/// changes tokens without special tokens or is unknown.
fn post_processor(v: Option<&Json>) -> Result<Option<bool>, String> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    match v.get("type").and_then(Json::as_str) {
        Some("ByteLevel") => Ok((flag(v, "trim_offsets") == Some(true))
            .then(|| flag(v, "add_prefix_space") == Some(true))),
        // Adds special tokens only when asked to (the count never asks).
        Some("TemplateProcessing") => Ok(None),
        Some("Sequence") => {
            let mut trim = None;
            for p in v
                .get("processors")
                .and_then(Json::as_array)
                .ok_or("post-processor Sequence")?
            {
                if let Some(t) = post_processor(Some(p))? {
                    if trim.is_some() {
                        return Err("two ByteLevel post-processors".into());
                    }
                    trim = Some(t);
                }
            }
            Ok(trim)
        }
        _ => Err(format!("post-processor {}", type_name(v))),
    }
}

type Matcher = Option<aho_corasick::AhoCorasick>;

/// The added tokens as two leftmost-longest matchers: those matched on the raw text and those
/// matched on the normalized text.
fn added_tokens(v: Option<&Json>, nfc: bool) -> Result<(Matcher, Matcher), String> {
    let mut raw = Vec::new();
    let mut normalized = Vec::new();
    for t in v.and_then(Json::as_array).map_or(&[][..], Vec::as_slice) {
        let content = t
            .get("content")
            .and_then(Json::as_str)
            .filter(|c| !c.is_empty())
            .ok_or("an added token without content")?;
        for key in ["lstrip", "rstrip", "single_word"] {
            if flag(t, key) != Some(false) {
                return Err(format!("an added token with `{key}`"));
            }
        }
        let special = flag(t, "special").ok_or("added token `special`")?;
        let is_normalized = match t.get("normalized") {
            None | Some(Json::Null) => !special,
            Some(Json::Bool(b)) => *b,
            Some(_) => return Err("added token `normalized`".into()),
        };
        if is_normalized {
            // Matched on normalized text: its own normalized form must be itself.
            if nfc && !unicode_normalization_alignments::is_nfc(content) {
                return Err("an added token that NFC changes".into());
            }
            normalized.push(content.to_owned());
        } else {
            raw.push(content.to_owned());
        }
    }
    let build = |p: Vec<String>| -> Result<Matcher, String> {
        if p.is_empty() {
            return Ok(None);
        }
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(p)
            .map(Some)
            .map_err(|e| e.to_string())
    };
    Ok((build(raw)?, build(normalized)?))
}

/// Cuts `text[start..end]` at the matches of `matcher`: calls `f(a, b, is_added)` for each
/// gap and match in order (an empty range never).
fn split_added(
    text: &str,
    start: usize,
    end: usize,
    matcher: Option<&aho_corasick::AhoCorasick>,
    mut f: impl FnMut(usize, usize, bool) -> Option<()>,
) -> Option<()> {
    let mut prev = start;
    if let Some(m) = matcher {
        for found in m.find_iter(&text[start..end]) {
            let (a, b) = (start + found.start(), start + found.end());
            if a > prev {
                f(prev, a, false)?;
            }
            f(a, b, true)?;
            prev = b;
        }
    }
    if end > prev {
        f(prev, end, false)?;
    }
    Some(())
}

/// A small multiplicative hasher (FxHash's scheme) for the merge table and the memo: their keys
/// are not attacker-chosen collisions worth SipHash's cost.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Fx {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    /// The product's low bits depend only on the input's low bits, and the table picks its
    /// bucket from them: fold the high bits in (else pairs sharing a right id collide).
    #[inline]
    fn finish(&self) -> u64 {
        let h = self.0 ^ (self.0 >> 29);
        h.wrapping_mul(SEED) ^ (h >> 32)
    }
}
