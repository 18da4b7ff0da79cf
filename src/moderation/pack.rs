//! The score cache's packed index: one file per model holding many records, sorted by text
//! hash, so that a check whose texts are all cached costs two small reads per text instead of
//! opening one file per text (~11 µs each: seconds for a large file).
//!
//! `pack-v1.bin`: `FTLPACK1`, the record count (u64), then the first hash of every block of 64
//! records (so a lookup reads one block), then per record its hash, data offset (u64) and data
//! length (u32), sorted by hash; then each record's score, binary-encoded (exact `f64` bits).
//! All integers little-endian.
//!
//! The pack only speeds reading up: every score is also a record file of its own (see
//! `cache.rs`), written first. A pack is rewritten whole, temp file + rename, by whoever fetched
//! scores; when two writers race, the last rename wins and the other's scores stay reachable as
//! record files. A reader keeps the file it opened, so a rename never pulls data from under it.
//! A damaged pack (bad magic, sizes or encoding) reads as absent.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use super::scores::{Category, Score};

const MAGIC: &[u8; 8] = b"FTLPACK1";
const BLOCK: usize = 64;
const ENTRY: usize = 32 + 8 + 4;

/// An open pack.
#[derive(Debug)]
pub struct Pack {
    file: File,
    count: usize,
    /// First hash of each block of [`BLOCK`] records.
    fences: Vec<[u8; 32]>,
    index_at: u64,
    size: u64,
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
        let index_at = 16u64.checked_add(32u64.checked_mul(blocks as u64)?)?;
        if index_at.checked_add((ENTRY as u64).checked_mul(count as u64)?)? > size {
            return None;
        }
        let mut raw = vec![0u8; 32 * blocks];
        read_at(&file, &mut raw, 16).ok()?;
        let fences = raw
            .chunks_exact(32)
            .map(|c| c.try_into().expect("32 bytes"))
            .collect();
        Some(Pack {
            file,
            count,
            fences,
            index_at,
            size,
        })
    }

    /// The score of the text with this hash, if the pack holds it.
    pub fn get(&self, hash: &[u8; 32]) -> Option<Score> {
        // The block whose first hash is the last one not above `hash`.
        let b = self.fences.partition_point(|f| f <= hash).checked_sub(1)?;
        let first = b * BLOCK;
        let n = BLOCK.min(self.count - first);
        let mut block = [0u8; BLOCK * ENTRY];
        let entries = &mut block[..n * ENTRY];
        read_at(&self.file, entries, self.index_at + (first * ENTRY) as u64).ok()?;
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match entries[mid * ENTRY..mid * ENTRY + 32].cmp(&hash[..]) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    lo = mid;
                    break;
                }
            }
        }
        let e = entries.get(lo * ENTRY..(lo + 1) * ENTRY)?;
        if &e[..32] != hash {
            return None;
        }
        let offset = u64::from_le_bytes(e[32..40].try_into().ok()?);
        let len = u32::from_le_bytes(e[40..44].try_into().ok()?) as usize;
        if offset.checked_add(len as u64)? > self.size {
            return None;
        }
        let mut data = vec![0u8; len];
        read_at(&self.file, &mut data, offset).ok()?;
        decode(&data)
    }

    /// Every record, in hash order (for rewriting the pack with more scores).
    pub fn entries(&self) -> Vec<([u8; 32], Score)> {
        let mut index = vec![0u8; self.count * ENTRY];
        if read_at(&self.file, &mut index, self.index_at).is_err() {
            return Vec::new();
        }
        index
            .chunks_exact(ENTRY)
            .filter_map(|e| {
                let hash: [u8; 32] = e[..32].try_into().ok()?;
                let offset = u64::from_le_bytes(e[32..40].try_into().ok()?);
                let len = u32::from_le_bytes(e[40..44].try_into().ok()?) as usize;
                let mut data = vec![0u8; len];
                read_at(&self.file, &mut data, offset).ok()?;
                Some((hash, decode(&data)?))
            })
            .collect()
    }
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
    let count = deduped.len();
    let blocks = count.div_ceil(BLOCK);
    let data_at = 16 + 32 * blocks + ENTRY * count;
    let mut head = Vec::with_capacity(data_at);
    head.extend_from_slice(MAGIC);
    head.extend_from_slice(&(count as u64).to_le_bytes());
    for block in deduped.chunks(BLOCK) {
        head.extend_from_slice(&block[0].0);
    }
    let mut data = Vec::new();
    for (hash, score) in &deduped {
        let encoded = encode(score);
        head.extend_from_slice(hash);
        head.extend_from_slice(&((data_at + data.len()) as u64).to_le_bytes());
        head.extend_from_slice(&(encoded.len() as u32).to_le_bytes());
        data.extend_from_slice(&encoded);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // Named like the record writers' temp files, so the stale-temp sweep knows it.
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-pack-")
        .tempfile_in(dir)?;
    tmp.write_all(&head)?;
    tmp.write_all(&data)?;
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
    if at != b.len() {
        return None;
    }
    Some(Score {
        model,
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
