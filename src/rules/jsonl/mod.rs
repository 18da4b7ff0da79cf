//! J — JSONL framing: what every line must be before any format applies.

// The family's rule files (`jNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_jsonl.rs"));
