//! T — tokens: examples longer than the model's training context, unknown `--model` names.
//!
//! Counting itself lives in `crate::tokens` (the engine counts each example once, for the report
//! and these rules); these files hold each rule's documentation, metadata, wording and hook.

// The family's rule files (`tNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_tokens.rs"));
