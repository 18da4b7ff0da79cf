//! The score cache's packed index: one file per model holding many records, sorted by text
//! hash, so that a check whose texts are all cached costs one small read per text instead of
//! opening one file per text (~11 µs each: seconds for a large file).
//!
//! `pack-v2.bin` (integers little-endian):
//! - a header: `FTLPACK2`, the record count (u64), the provider (u8: 0 OpenAI, 1 Azure AI
//!   Content Safety), the model key's length (u16) and the model key — the name the scores were
//!   requested and cached under — then the xxh3-64 of all that;
//! - the first 8 bytes of the first hash of every block of 4 records, then their xxh3-64;
//! - the records sorted by hash, 256 bytes each: the text's hash, the length of the encoded
//!   score (u8), the score binary-encoded (exact `f64` bits), zero padding, and in the last 8
//!   bytes the xxh3-64 of the rest of the record seeded with the header's checksum.
//!
//! A lookup is a binary search over the block prefixes in memory (2 bytes per text) and one
//! 1 KiB read. A score too large for a record (an unusually long model name) is left out of the
//! pack; its record file still has it.
//!
//! Nothing in a pack is trusted: a pack whose header names another model key or provider than
//! the one looked up (a pack copied into another model's folder), whose header or block table
//! fails its checksum, or that is cut short, reads as absent; a record that fails its checksum
//! (a flipped bit), does not decode, or holds a value outside its family's range (NaN, ±inf,
//! a negative or a probability over 1, a severity that is not an integer 0–7) reads as absent
//! — the text counts as unscored, never as a changed score. The record's checksum is seeded
//! with the header's, so a record moved from another model's pack fails too. Packs of the
//! first format (`pack-v1.bin`, no model key, no checksums) are never read; the next fetch
//! writes a `pack-v2.bin` and removes the old one.
//!
//! The pack only speeds reading up: every score is also a record file of its own (see
//! `cache.rs`), written first. A pack is rewritten whole, temp file + rename, by whoever fetched
//! scores; when two writers race, the last rename wins and the other's scores stay reachable as
//! record files. A reader keeps the file it opened, so a rename never pulls data from under it.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use super::provider::Provider;
use super::scores::{Category, Score};
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

const MAGIC: &[u8; 8] = b"FTLPACK2";
const BLOCK: usize = 4;
const RECORD: usize = 256;
/// The record's checksum: its last bytes.
const SUM: usize = 8;
/// Room for the encoded score: after the hash and its length byte, before the checksum.
const ROOM: usize = RECORD - 33 - SUM;
/// The pack's file name in a model's folder.
pub const FILE_NAME: &str = "pack-v2.bin";
/// The first format's file name: never read, removed when a new pack is written.
pub const OLD_FILE_NAME: &str = "pack-v1.bin";

/// An open pack.
#[derive(Debug)]
pub struct Pack {
    file: File,
    count: usize,
    /// The first 8 bytes of each block's first hash ([`BLOCK`] records a block).
    fences: Vec<[u8; 8]>,
    records_at: u64,
    provider: Provider,
    /// The header's checksum: the seed of every record's.
    seed: u64,
}

fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            let n =
                std::os::windows::fs::FileExt::seek_read(file, &mut buf[done..], at + done as u64)?;
            if n == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            done += n;
        }
        Ok(())
    }
}

impl Pack {
    /// Opens `path` as the pack of `model_key`; `None` if it does not exist, is not a regular
    /// file, is not a valid pack, or is another model's.
    pub fn open(path: &Path, model_key: &str) -> Option<Pack> {
        let file = super::cache::open_regular(path).ok()?;
        let size = file.metadata().ok()?.len();
        let mut fixed = [0u8; 19];
        read_at(&file, &mut fixed, 0).ok()?;
        if &fixed[..8] != MAGIC {
            return None;
        }
        let count = usize::try_from(u64::from_le_bytes(fixed[8..16].try_into().ok()?)).ok()?;
        let provider = provider_of_tag(fixed[16])?;
        let key_len = u16::from_le_bytes(fixed[17..19].try_into().ok()?) as usize;
        if key_len != model_key.len() {
            return None;
        }
        let mut rest = vec![0u8; key_len + 8];
        read_at(&file, &mut rest, 19).ok()?;
        if &rest[..key_len] != model_key.as_bytes() {
            return None;
        }
        let mut header = fixed.to_vec();
        header.extend_from_slice(&rest[..key_len]);
        let seed = xxh3_64(&header);
        if rest[key_len..] != seed.to_le_bytes() {
            return None;
        }
        let fences_at = (19 + key_len + 8) as u64;
        let blocks = count.div_ceil(BLOCK);
        let records_at = fences_at.checked_add(8u64.checked_mul(blocks as u64)?.checked_add(8)?)?;
        if records_at.checked_add((RECORD as u64).checked_mul(count as u64)?)? != size {
            return None;
        }
        let mut raw = vec![0u8; 8 * blocks + 8];
        read_at(&file, &mut raw, fences_at).ok()?;
        let (table, sum) = raw.split_at(8 * blocks);
        if xxh3_64_with_seed(table, seed).to_le_bytes() != sum {
            return None;
        }
        let fences: Vec<[u8; 8]> = table
            .chunks_exact(8)
            .map(|c| c.try_into().expect("8 bytes"))
            .collect();
        // Sorted, or the binary search would miss records.
        if fences.windows(2).any(|w| w[0] > w[1]) {
            return None;
        }
        Some(Pack {
            file,
            count,
            fences,
            records_at,
            provider,
            seed,
        })
    }

    /// The provider whose scores the pack holds.
    #[cfg(test)]
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The score of the text with this hash, if the pack holds a sound record of it.
    pub fn get(&self, hash: &[u8; 32]) -> Option<Score> {
        let prefix: [u8; 8] = hash[..8].try_into().expect("8 bytes");
        // The last block starting below the prefix may end with it; blocks starting with it
        // follow (several only if 8-byte prefixes collide).
        let first = self
            .fences
            .partition_point(|f| f < &prefix)
            .saturating_sub(1);
        let mut block = [0u8; BLOCK * RECORD];
        for b in first..self.fences.len() {
            if b > first && self.fences[b] > prefix {
                break;
            }
            let n = BLOCK.min(self.count - b * BLOCK);
            let records = &mut block[..n * RECORD];
            read_at(
                &self.file,
                records,
                self.records_at + (b * BLOCK * RECORD) as u64,
            )
            .ok()?;
            if let Some(r) = records.chunks_exact(RECORD).find(|r| &r[..32] == hash) {
                return self.record_score(r);
            }
        }
        None
    }

    /// Every sound record, in hash order (for rewriting the pack with more scores).
    pub fn entries(&self) -> Vec<([u8; 32], Score)> {
        let mut all = vec![0u8; self.count * RECORD];
        if read_at(&self.file, &mut all, self.records_at).is_err() {
            return Vec::new();
        }
        all.chunks_exact(RECORD)
            .filter_map(|r| Some((r[..32].try_into().ok()?, self.record_score(r)?)))
            .collect()
    }

    /// The score of one record, if its checksum holds, it decodes and its values are of the
    /// provider's family.
    fn record_score(&self, r: &[u8]) -> Option<Score> {
        let (body, sum) = r.split_at(RECORD - SUM);
        if xxh3_64_with_seed(body, self.seed).to_le_bytes() != sum {
            return None;
        }
        let len = body[32] as usize;
        let score = decode(body.get(33..33 + len)?, self.provider)?;
        valid(&score).then_some(score)
    }
}

/// Whether every value of `s` is one of its family's (a probability in [0, 1], an integer
/// severity 0–7): NaN, infinities and out-of-range values are not scores.
pub fn valid(s: &Score) -> bool {
    let scale = s.scale();
    s.category_scores.values().all(|v| scale.is_valid(*v))
}

/// Writes `entries` (any order; for a repeated hash the last one wins) as the pack of
/// `model_key` to `path`, atomically: a temp file in the same folder, then a rename. The pack
/// holds scores of one provider, that of the last entry; scores of another provider, and scores
/// with values outside their family's range, stay out (their record files still hold them).
pub fn write(path: &Path, model_key: &str, mut entries: Vec<([u8; 32], Score)>) -> io::Result<()> {
    let provider = entries.last().map_or(Provider::OpenAi, |(_, s)| s.provider);
    // Stable sort keeps input order among equal hashes; keep the last of each run.
    entries.sort_by_key(|e| e.0);
    let mut deduped: Vec<([u8; 32], Score)> = Vec::with_capacity(entries.len());
    for e in entries {
        match deduped.last_mut() {
            Some(last) if last.0 == e.0 => *last = e,
            _ => deduped.push(e),
        }
    }
    // Scores too large for a record stay out (their record files still hold them).
    let records: Vec<([u8; 32], Vec<u8>)> = deduped
        .iter()
        .filter(|(_, s)| s.provider == provider && valid(s))
        .map(|(h, s)| (*h, encode(s)))
        .filter(|(_, e)| e.len() <= ROOM)
        .collect();
    let count = records.len();
    let key = &model_key.as_bytes()[..model_key.len().min(u16::MAX as usize)];
    let mut out = Vec::with_capacity(64 + key.len() + 8 * count.div_ceil(BLOCK) + RECORD * count);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(count as u64).to_le_bytes());
    out.push(provider_tag(provider));
    out.extend_from_slice(&(key.len() as u16).to_le_bytes());
    out.extend_from_slice(key);
    let seed = xxh3_64(&out);
    out.extend_from_slice(&seed.to_le_bytes());
    let fences_at = out.len();
    for block in records.chunks(BLOCK) {
        out.extend_from_slice(&block[0].0[..8]);
    }
    let fences_sum = xxh3_64_with_seed(&out[fences_at..], seed);
    out.extend_from_slice(&fences_sum.to_le_bytes());
    for (hash, encoded) in &records {
        let start = out.len();
        out.extend_from_slice(hash);
        out.push(encoded.len() as u8);
        out.extend_from_slice(encoded);
        out.resize(start + RECORD - SUM, 0);
        let sum = xxh3_64_with_seed(&out[start..], seed);
        out.extend_from_slice(&sum.to_le_bytes());
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // Named like the record writers' temp files, so the stale-temp sweep knows it.
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-pack-")
        .tempfile_in(dir)?;
    tmp.write_all(&out)?;
    tmp.flush()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The first format's pack, if any, is never read again.
    let _ = std::fs::remove_file(dir.join(OLD_FILE_NAME));
    Ok(())
}

fn category_index(c: Category) -> u8 {
    Category::ALL
        .iter()
        .position(|&x| x == c)
        .expect("every category is in ALL") as u8
}

/// The header's byte naming the provider.
fn provider_tag(p: Provider) -> u8 {
    match p {
        Provider::OpenAi => 0,
        Provider::AzureContentSafety => 1,
    }
}

fn provider_of_tag(tag: u8) -> Option<Provider> {
    Provider::ALL.into_iter().find(|p| provider_tag(*p) == tag)
}

/// `flagged`, flagged categories, scores (category, f64 bits), model name.
fn encode(s: &Score) -> Vec<u8> {
    let mut out = vec![u8::from(s.flagged), s.categories.len() as u8];
    out.extend(s.categories.iter().map(|&c| category_index(c)));
    out.push(s.category_scores.len() as u8);
    for (&c, v) in &s.category_scores {
        out.push(category_index(c));
        out.extend_from_slice(&v.to_bits().to_le_bytes());
    }
    let model = s.model.as_bytes();
    let model = &model[..model.len().min(u16::MAX as usize)];
    out.extend_from_slice(&(model.len() as u16).to_le_bytes());
    out.extend_from_slice(model);
    out
}

fn decode(b: &[u8], provider: Provider) -> Option<Score> {
    let mut at = 0usize;
    let mut take = |n: usize| -> Option<&[u8]> {
        let s = b.get(at..at.checked_add(n)?)?;
        at += n;
        Some(s)
    };
    let category = |i: u8| Category::ALL.get(i as usize).copied();
    let flagged = match take(1)?[0] {
        0 => false,
        1 => true,
        _ => return None,
    };
    let n = take(1)?[0] as usize;
    let categories = take(n)?
        .iter()
        .map(|&i| category(i))
        .collect::<Option<Vec<_>>>()?;
    let n = take(1)?[0] as usize;
    let mut category_scores = std::collections::BTreeMap::new();
    for _ in 0..n {
        let c = category(take(1)?[0])?;
        let v = f64::from_bits(u64::from_le_bytes(take(8)?.try_into().ok()?));
        category_scores.insert(c, v);
    }
    let len = u16::from_le_bytes(take(2)?.try_into().ok()?) as usize;
    let model = String::from_utf8(take(len)?.to_vec()).ok()?;
    if at != b.len() {
        return None;
    }
    Some(Score {
        model,
        provider,
        flagged,
        categories,
        category_scores,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "omni-moderation-latest";

    fn score(i: u32) -> Score {
        Score {
            model: format!("omni-moderation-{i}"),
            provider: Provider::OpenAi,
            flagged: i % 3 == 0,
            categories: if i % 3 == 0 {
                vec![Category::Hate]
            } else {
                vec![]
            },
            category_scores: Category::ALL
                .iter()
                .enumerate()
                .map(|(k, &c)| (c, (i as f64 + k as f64) / 1e7))
                .collect(),
        }
    }

    fn hash(i: u32) -> [u8; 32] {
        super::super::scores::text_hash(&i.to_string())
    }

    fn azure(sexual: f64) -> Score {
        Score {
            model: "azure-content-safety-2024-09-01-EightSeverityLevels".into(),
            provider: Provider::AzureContentSafety,
            flagged: false,
            categories: vec![],
            category_scores: [(Category::Sexual, sexual), (Category::Hate, 0.0)].into(),
        }
    }

    #[test]
    fn every_record_is_found_with_its_exact_score_and_others_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        for count in [0u32, 1, 63, 64, 65, 1000] {
            let entries: Vec<_> = (0..count).map(|i| (hash(i), score(i))).collect();
            write(&path, KEY, entries).unwrap();
            let pack = Pack::open(&path, KEY).unwrap();
            for i in 0..count {
                assert_eq!(pack.get(&hash(i)), Some(score(i)), "{count}: {i}");
            }
            for i in count..count + 50 {
                assert_eq!(pack.get(&hash(i)), None);
            }
            assert_eq!(pack.entries().len(), count as usize);
        }
    }

    /// Hashes sharing their first 8 bytes across block boundaries are all found.
    #[test]
    fn prefix_ties_across_blocks_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        let tied = |i: u8| {
            let mut h = [7u8; 32];
            h[31] = i;
            h
        };
        let entries: Vec<_> = (0..11u8)
            .map(|i| (tied(i), score(i as u32)))
            .chain((0..5).map(|i| (hash(i), score(100 + i))))
            .collect();
        write(&path, KEY, entries.clone()).unwrap();
        let pack = Pack::open(&path, KEY).unwrap();
        for (h, s) in &entries {
            assert_eq!(pack.get(h).as_ref(), Some(s));
        }
        assert_eq!(pack.get(&tied(200)), None);
    }

    #[test]
    fn a_score_too_large_for_a_record_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        let mut big = score(5);
        big.model = "m".repeat(300);
        write(&path, KEY, vec![(hash(1), score(1)), (hash(5), big)]).unwrap();
        let pack = Pack::open(&path, KEY).unwrap();
        assert_eq!(pack.get(&hash(1)), Some(score(1)));
        assert_eq!(pack.get(&hash(5)), None);
    }

    /// The header names the model key and the provider: a pack copied under another model's
    /// folder answers nothing there; an Azure pack keeps its provider.
    #[test]
    fn a_pack_answers_only_for_its_model_and_provider() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        write(&path, KEY, vec![(hash(1), score(1))]).unwrap();
        assert!(Pack::open(&path, KEY).is_some());
        assert!(Pack::open(&path, "text-moderation-latest").is_none());
        assert!(Pack::open(&path, "omni-moderation-latesT").is_none());
        assert!(Pack::open(&path, "").is_none());
        let key = "azure-content-safety-2024-09-01-EightSeverityLevels";
        write(&path, key, vec![(hash(1), score(1)), (hash(2), azure(4.0))]).unwrap();
        let pack = Pack::open(&path, key).unwrap();
        assert_eq!(pack.provider(), Provider::AzureContentSafety);
        assert_eq!(pack.get(&hash(2)), Some(azure(4.0)));
        // The OpenAI score was left out of the Azure pack.
        assert_eq!(pack.get(&hash(1)), None);
        // The header's provider byte, changed by hand: its checksum fails.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[16] = 0;
        std::fs::write(&path, &bytes).unwrap();
        assert!(Pack::open(&path, key).is_none());
    }

    /// Values outside the family's range are never written, and read as absent when a pack
    /// holds them anyway (written by hand, with valid checksums).
    #[test]
    fn out_of_range_values_read_as_absent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        let bad = [
            f64::NAN,
            -1.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            7.0,
            1.000_001,
        ];
        let with = |v: f64| {
            let mut s = score(1);
            s.category_scores.insert(Category::Sexual, v);
            s
        };
        let entries: Vec<_> = bad
            .iter()
            .enumerate()
            .map(|(i, v)| (hash(i as u32), with(*v)))
            .chain([(hash(100), with(1.0)), (hash(101), with(0.0))])
            .collect();
        write(&path, KEY, entries.clone()).unwrap();
        let pack = Pack::open(&path, KEY).unwrap();
        assert_eq!(pack.entries().len(), 2, "only the valid ones were written");
        // Forced into the pack past `write`'s filter: the reader still refuses them.
        let forged = forge(KEY, Provider::OpenAi, &entries);
        std::fs::write(&path, forged).unwrap();
        let pack = Pack::open(&path, KEY).unwrap();
        for i in 0..bad.len() as u32 {
            assert_eq!(pack.get(&hash(i)), None, "{}", bad[i as usize]);
        }
        assert_eq!(pack.get(&hash(100)), Some(with(1.0)));
        assert_eq!(pack.get(&hash(101)), Some(with(0.0)));
        // Severities: integers 0–7 only.
        let key = "azure-content-safety-2024-09-01-EightSeverityLevels";
        let sev: Vec<_> = [7.0, 8.0, 2.5, -0.0, f64::NAN]
            .iter()
            .enumerate()
            .map(|(i, v)| (hash(i as u32), azure(*v)))
            .collect();
        std::fs::write(&path, forge(key, Provider::AzureContentSafety, &sev)).unwrap();
        let pack = Pack::open(&path, key).unwrap();
        let found: Vec<bool> = (0..5).map(|i| pack.get(&hash(i)).is_some()).collect();
        assert_eq!(found, [true, false, false, true, false]);
    }

    /// A pack as `write` lays it out, without its filter (a hostile or broken writer).
    fn forge(key: &str, provider: Provider, entries: &[([u8; 32], Score)]) -> Vec<u8> {
        let mut sorted = entries.to_vec();
        sorted.sort_by_key(|e| e.0);
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&(sorted.len() as u64).to_le_bytes());
        out.push(provider_tag(provider));
        out.extend_from_slice(&(key.len() as u16).to_le_bytes());
        out.extend_from_slice(key.as_bytes());
        let seed = xxh3_64(&out);
        out.extend_from_slice(&seed.to_le_bytes());
        let at = out.len();
        for b in sorted.chunks(BLOCK) {
            out.extend_from_slice(&b[0].0[..8]);
        }
        let sum = xxh3_64_with_seed(&out[at..], seed);
        out.extend_from_slice(&sum.to_le_bytes());
        for (h, s) in &sorted {
            let start = out.len();
            let e = encode(s);
            out.extend_from_slice(h);
            out.push(e.len() as u8);
            out.extend_from_slice(&e);
            out.resize(start + RECORD - SUM, 0);
            let sum = xxh3_64_with_seed(&out[start..], seed);
            out.extend_from_slice(&sum.to_le_bytes());
        }
        out
    }

    #[test]
    fn the_last_score_of_a_hash_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        write(&path, KEY, vec![(hash(1), score(1)), (hash(1), score(2))]).unwrap();
        assert_eq!(
            Pack::open(&path, KEY).unwrap().get(&hash(1)),
            Some(score(2))
        );
    }

    /// A flipped bit makes the pack, or the record it hits, read as absent — never as another
    /// score: every bit of the header, the block table and the first record, and every bit of
    /// every fifth byte of the other records.
    #[test]
    fn a_flipped_bit_reads_as_absent_never_as_a_changed_score() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        let n = 5u32;
        write(&path, KEY, (0..n).map(|i| (hash(i), score(i))).collect()).unwrap();
        let good = std::fs::read(&path).unwrap();
        let first_records_end = good.len() - (n as usize - 1) * RECORD;
        let mut flips = 0;
        for byte in (0..good.len()).filter(|b| *b < first_records_end || b % 5 == 0) {
            for bit in 0..8 {
                let mut bad = good.clone();
                bad[byte] ^= 1 << bit;
                std::fs::write(&path, &bad).unwrap();
                flips += 1;
                let Some(p) = Pack::open(&path, KEY) else {
                    continue;
                };
                for i in 0..n {
                    let got = p.get(&hash(i));
                    assert!(
                        got.is_none() || got == Some(score(i)),
                        "bit {bit} of byte {byte} changed the score of {i}"
                    );
                }
                assert!(p
                    .entries()
                    .iter()
                    .all(|(h, s)| { (0..n).any(|i| hash(i) == *h && score(i) == *s) }));
            }
        }
        assert!(flips > 8 * first_records_end, "{flips}");
    }

    #[test]
    fn damaged_packs_read_as_absent_never_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        write(&path, KEY, (0..200).map(|i| (hash(i), score(i))).collect()).unwrap();
        let good = std::fs::read(&path).unwrap();
        assert!(Pack::open(&dir.path().join("missing"), KEY).is_none());
        for cut in [0, 7, 16, 100, good.len() / 2, good.len() - 1] {
            std::fs::write(&path, &good[..cut]).unwrap();
            assert!(Pack::open(&path, KEY).is_none(), "cut at {cut}");
        }
        let mut longer = good.clone();
        longer.push(0);
        std::fs::write(&path, &longer).unwrap();
        assert!(Pack::open(&path, KEY).is_none());
        // Garbage in the records: each damaged record reads as absent.
        let mut noisy = good;
        let n = noisy.len();
        for b in &mut noisy[n - 300..] {
            *b = b.wrapping_mul(31).wrapping_add(7);
        }
        std::fs::write(&path, &noisy).unwrap();
        let p = Pack::open(&path, KEY).unwrap();
        let found = (0..200).filter(|i| p.get(&hash(*i)).is_some()).count();
        assert!((198..200).contains(&found), "{found}");
    }

    /// A pack of the first format (`FTLPACK1`, no model key or checksums) reads as absent.
    #[test]
    fn first_format_packs_read_as_absent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(OLD_FILE_NAME);
        let mut v1 = b"FTLPACK1".to_vec();
        v1.extend_from_slice(&1u64.to_le_bytes());
        v1.extend_from_slice(&hash(1)[..8]);
        v1.extend_from_slice(&hash(1));
        v1.resize(16 + 8 + 256, 0);
        std::fs::write(&path, &v1).unwrap();
        assert!(Pack::open(&path, KEY).is_none());
        // Writing the new pack beside it removes it.
        write(&dir.path().join(FILE_NAME), KEY, vec![(hash(1), score(1))]).unwrap();
        assert!(!path.exists());
    }
}
