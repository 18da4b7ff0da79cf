//! The score cache's packed index: one file per model holding many records, sorted by text
//! hash, so that a check whose texts are all cached costs one small read per text instead of
//! opening one file per text (~11 µs each: seconds for a large file).
//!
//! `pack-v1.bin`: `FTLPACK1`, the record count (u64), then the first 8 bytes of the first hash of
//! every block of 4 records, then the records sorted by hash, 256 bytes each: the text's hash,
//! the length of the encoded score (u8), the score binary-encoded (exact `f64` bits; a score of
//! another provider than OpenAI ends with one more byte naming it), zero padding. A lookup is a binary search over the block prefixes in memory (2 bytes per text)
//! and one 1 KiB read. A score too large for a
//! record (an unusually long model name) is left out of the pack; its record file still has it.
//! Integers little-endian.
//!
//! The pack only speeds reading up: every score is also a record file of its own (see
//! `cache.rs`), written first. A pack is rewritten whole, temp file + rename, by whoever fetched
//! scores; when two writers race, the last rename wins and the other's scores stay reachable as
//! record files. A reader keeps the file it opened, so a rename never pulls data from under it.
//! A damaged pack (bad magic, sizes or encoding) reads as absent.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use super::provider::Provider;
use super::scores::{Category, Score};

const MAGIC: &[u8; 8] = b"FTLPACK1";
const BLOCK: usize = 4;
const RECORD: usize = 256;
/// Room for the encoded score: after the hash and its length byte.
const ROOM: usize = RECORD - 33;

/// An open pack.
#[derive(Debug)]
pub struct Pack {
    file: File,
    count: usize,
    /// The first 8 bytes of each block's first hash ([`BLOCK`] records a block).
    fences: Vec<[u8; 8]>,
    records_at: u64,
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
    /// Opens `path`; `None` if it does not exist or is not a valid pack.
    pub fn open(path: &Path) -> Option<Pack> {
        let file = File::open(path).ok()?;
        let size = file.metadata().ok()?.len();
        let mut head = [0u8; 16];
        read_at(&file, &mut head, 0).ok()?;
        if &head[..8] != MAGIC {
            return None;
        }
        let count = usize::try_from(u64::from_le_bytes(head[8..].try_into().ok()?)).ok()?;
        let blocks = count.div_ceil(BLOCK);
        let records_at = 16u64.checked_add(8u64.checked_mul(blocks as u64)?)?;
        if records_at.checked_add((RECORD as u64).checked_mul(count as u64)?)? > size {
            return None;
        }
        let mut raw = vec![0u8; 8 * blocks];
        read_at(&file, &mut raw, 16).ok()?;
        let fences = raw
            .chunks_exact(8)
            .map(|c| c.try_into().expect("8 bytes"))
            .collect();
        Some(Pack {
            file,
            count,
            fences,
            records_at,
        })
    }

    /// The score of the text with this hash, if the pack holds it.
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
                return record_score(r);
            }
        }
        None
    }

    /// Every record, in hash order (for rewriting the pack with more scores).
    pub fn entries(&self) -> Vec<([u8; 32], Score)> {
        let mut all = vec![0u8; self.count * RECORD];
        if read_at(&self.file, &mut all, self.records_at).is_err() {
            return Vec::new();
        }
        all.chunks_exact(RECORD)
            .filter_map(|r| Some((r[..32].try_into().ok()?, record_score(r)?)))
            .collect()
    }
}

/// The score of one record, if it decodes.
fn record_score(r: &[u8]) -> Option<Score> {
    let len = r[32] as usize;
    decode(r.get(33..33 + len)?)
}

/// Writes `entries` (any order; for a repeated hash the last one wins) as a pack to `path`,
/// atomically: a temp file in the same folder, then a rename.
pub fn write(path: &Path, mut entries: Vec<([u8; 32], Score)>) -> io::Result<()> {
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
        .map(|(h, s)| (*h, encode(s)))
        .filter(|(_, e)| e.len() <= ROOM)
        .collect();
    let count = records.len();
    let mut head = Vec::with_capacity(16 + 8 * count.div_ceil(BLOCK) + RECORD * count);
    head.extend_from_slice(MAGIC);
    head.extend_from_slice(&(count as u64).to_le_bytes());
    for block in records.chunks(BLOCK) {
        head.extend_from_slice(&block[0].0[..8]);
    }
    for (hash, encoded) in &records {
        head.extend_from_slice(hash);
        head.push(encoded.len() as u8);
        head.extend_from_slice(encoded);
        head.resize(head.len() + ROOM - encoded.len(), 0);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // Named like the record writers' temp files, so the stale-temp sweep knows it.
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-pack-")
        .tempfile_in(dir)?;
    tmp.write_all(&head)?;
    tmp.flush()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

fn category_index(c: Category) -> u8 {
    Category::ALL
        .iter()
        .position(|&x| x == c)
        .expect("every category is in ALL") as u8
}

/// The byte after the model name that names a provider other than OpenAI (no byte: OpenAI, as
/// every pack written before there were other providers).
fn provider_tag(p: Provider) -> Option<u8> {
    match p {
        Provider::OpenAi => None,
        Provider::AzureContentSafety => Some(1),
    }
}

/// `flagged`, flagged categories, scores (category, f64 bits), model name, provider tag.
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
    out.extend(provider_tag(s.provider));
    out
}

fn decode(b: &[u8]) -> Option<Score> {
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
    let provider = match b.get(at..)? {
        [] => Provider::OpenAi,
        [tag] => *Provider::ALL
            .iter()
            .find(|p| provider_tag(**p) == Some(*tag))?,
        _ => return None,
    };
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

    #[test]
    fn every_record_is_found_with_its_exact_score_and_others_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pack-v1.bin");
        for count in [0u32, 1, 63, 64, 65, 1000] {
            let entries: Vec<_> = (0..count).map(|i| (hash(i), score(i))).collect();
            write(&path, entries).unwrap();
            let pack = Pack::open(&path).unwrap();
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
        write(&path, entries.clone()).unwrap();
        let pack = Pack::open(&path).unwrap();
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
        write(&path, vec![(hash(1), score(1)), (hash(5), big)]).unwrap();
        let pack = Pack::open(&path).unwrap();
        assert_eq!(pack.get(&hash(1)), Some(score(1)));
        assert_eq!(pack.get(&hash(5)), None);
    }

    /// An Azure score keeps its provider through the pack; an OpenAI score's record is byte for
    /// byte what packs held before there were providers.
    #[test]
    fn providers_survive_the_pack() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        let azure = Score {
            model: "azure-content-safety-2024-09-01-EightSeverityLevels".into(),
            provider: Provider::AzureContentSafety,
            flagged: false,
            categories: vec![],
            category_scores: [(Category::Sexual, 4.0), (Category::Hate, 0.0)].into(),
        };
        write(&path, vec![(hash(1), score(1)), (hash(2), azure.clone())]).unwrap();
        let pack = Pack::open(&path).unwrap();
        assert_eq!(pack.get(&hash(2)), Some(azure.clone()));
        assert_eq!(pack.get(&hash(1)), Some(score(1)));
        let plain = encode(&score(1));
        assert_eq!(plain.last(), Some(&b'1'), "ends with the model name");
        assert_eq!(
            encode(&azure).len(),
            encode(&Score {
                provider: Provider::OpenAi,
                ..azure.clone()
            })
            .len()
                + 1
        );
        let mut bad = encode(&azure);
        *bad.last_mut().unwrap() = 9;
        assert_eq!(decode(&bad), None);
    }

    #[test]
    fn the_last_score_of_a_hash_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        write(&path, vec![(hash(1), score(1)), (hash(1), score(2))]).unwrap();
        assert_eq!(Pack::open(&path).unwrap().get(&hash(1)), Some(score(2)));
    }

    #[test]
    fn damaged_packs_read_as_absent_never_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        write(&path, (0..200).map(|i| (hash(i), score(i))).collect()).unwrap();
        let good = std::fs::read(&path).unwrap();
        assert!(Pack::open(&dir.path().join("missing")).is_none());
        for cut in [0, 7, 16, 100, good.len() / 2, good.len() - 1] {
            std::fs::write(&path, &good[..cut]).unwrap();
            if let Some(p) = Pack::open(&path) {
                for i in 0..200 {
                    let got = p.get(&hash(i));
                    assert!(got.is_none() || got == Some(score(i)));
                }
            }
        }
        let mut flipped = good.clone();
        flipped[0] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert!(Pack::open(&path).is_none());
        // Garbage in a score's bytes: that record reads as absent or as some valid score.
        let mut noisy = good;
        let n = noisy.len();
        for b in &mut noisy[n - 300..] {
            *b = b.wrapping_mul(31).wrapping_add(7);
        }
        std::fs::write(&path, &noisy).unwrap();
        let p = Pack::open(&path).unwrap();
        for i in 0..200 {
            let _ = p.get(&hash(i));
        }
    }
}
