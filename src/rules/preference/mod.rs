//! P — the preference (DPO) format: `input` (a chat prompt), `preferred_output` and
//! `non_preferred_output` (each one assistant message). The structure is
//! `rules/schemas/preference.schema.json`, which reuses the chat schema's definitions, so the
//! input's messages get the C rules with pointers under `/input/messages/…`.

// The family's rule files (`pNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_preference.rs"));
