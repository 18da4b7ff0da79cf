//! D — dataset rules: what only the whole file can tell.

// The family's rule files (`dNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_dataset.rs"));

// Bounded memory for the family's per-example state (and S006's).
pub mod spill;
