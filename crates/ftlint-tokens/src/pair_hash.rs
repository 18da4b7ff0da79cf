//! The hash of the backtracking counter's pair table, shared by the build script (which lays the
//! table out) and the counter (which probes it): both must agree bit for bit.

/// Table slots are `1 << bits`; a pair's first slot is the top `bits` bits of its mixed key.
pub fn slot(left: u32, right: u32, bits: u32) -> usize {
    let k = ((left as u64) << 32 | right as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    ((k ^ (k >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9) >> (64 - bits)) as usize
}
