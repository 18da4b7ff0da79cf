//! The hash of the vocabulary table, shared by the build script (which lays the table out) and
//! the counter (which probes it): both must agree bit for bit.

/// Table slots are `1 << bits`; a key's first slot is the hash's top `bits` bits (the
/// multiply-rotate mix puts its best bits at the top).
pub fn slot(bytes: &[u8], bits: u32) -> usize {
    (hash(bytes) >> (64 - bits)) as usize
}

fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(buf)).wrapping_mul(K);
    }
    // A final avalanche so that short keys (most probes are 2–6 bytes) spread over the top bits.
    h ^= h >> 29;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^ (h >> 32)
}
