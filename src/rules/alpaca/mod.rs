//! A — Alpaca instruction data as LLaMA-Factory reads it (`alpaca` target): `instruction`,
//! `input`, `output`, `system`, `history` (`[[question, answer], …]`). The structure is
//! `rules/schemas/alpaca.schema.json`; blank answers are Rust.

// The family's rule files (`aNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_alpaca.rs"));
