//! Lays out a tiktoken vocabulary (`vocab/*.tiktoken.gz`) as one flat blob the counter
//! reads in place: nothing is deserialised or hashed at run time, so a check starts instantly.
//!
//! Blob (all integers u32 little-endian):
//!   ranks, bits                     header
//!   offsets[ranks + 1]              token `r` is bytes[offsets[r]..offsets[r + 1]]
//!   table[1 << bits]                open addressing by `vocab_hash::slot`: rank + 1, 0 = empty
//!   pairs[65536]                    rank of the 2-byte token `b0 b1`, u32::MAX if none
//!   bytes                           every token's bytes, by rank

use std::io::Read;
use std::path::Path;

use base64::Engine as _;
use sha2::Digest as _;

#[path = "../src/vocab_hash.rs"]
mod vocab_hash;

/// Reads `src`, checks it is the file tiktoken publishes (its SHA-256, as tiktoken itself checks
/// after download), writes the blob to `out`, and returns the tokens by rank.
pub fn generate(src: &Path, sha256: &str, out: &Path) -> Vec<Option<Vec<u8>>> {
    println!("cargo:rerun-if-changed={}", src.display());
    let gz = std::fs::read(src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut text)
        .unwrap_or_else(|e| panic!("{}: not gzip: {e}", src.display()));
    let digest: String = sha2::Sha256::digest(&text)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(digest, sha256, "{} is not tiktoken's file", src.display());

    let mut tokens: Vec<Option<Vec<u8>>> = Vec::new();
    for line in std::str::from_utf8(&text).expect("ASCII").lines() {
        let (b64, rank) = line.split_once(' ').expect("`base64 rank` lines");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("valid base64");
        let rank: usize = rank.parse().expect("integer rank");
        if tokens.len() <= rank {
            tokens.resize(rank + 1, None);
        }
        assert!(tokens[rank].is_none(), "rank {rank} twice");
        tokens[rank] = Some(bytes);
    }
    let ranks = tokens.len();
    // Load factor under 0.4: probes are short whether the key is present or not.
    let bits = (ranks as f64 * 2.5).log2().ceil() as u32;
    let mut table = vec![0u32; 1 << bits];
    let mut pairs = vec![u32::MAX; 1 << 16];
    let mut offsets = Vec::with_capacity(ranks + 1);
    let mut bytes = Vec::new();
    let mut single = [false; 256];
    for (rank, t) in tokens.iter().enumerate() {
        offsets.push(bytes.len() as u32);
        let Some(t) = t else { continue };
        bytes.extend_from_slice(t);
        let mask = (1usize << bits) - 1;
        let mut s = vocab_hash::slot(t, bits);
        while table[s] != 0 {
            s = (s + 1) & mask;
        }
        table[s] = rank as u32 + 1;
        if t.len() == 1 {
            single[t[0] as usize] = true;
        }
        if t.len() == 2 {
            pairs[(t[0] as usize) << 8 | t[1] as usize] = rank as u32;
        }
    }
    offsets.push(bytes.len() as u32);
    // Every byte is a token: a piece always splits into tokens.
    assert!(single.iter().all(|&b| b), "a byte has no token");

    let mut blob =
        Vec::with_capacity(8 + 4 * (offsets.len() + table.len() + pairs.len()) + bytes.len());
    blob.extend_from_slice(&(ranks as u32).to_le_bytes());
    blob.extend_from_slice(&bits.to_le_bytes());
    for v in offsets.iter().chain(&table).chain(&pairs) {
        blob.extend_from_slice(&v.to_le_bytes());
    }
    blob.extend_from_slice(&bytes);
    std::fs::write(out, blob).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    tokens
}
