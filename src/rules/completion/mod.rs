//! L — the legacy prompt/completion format (babbage-002, davinci-002): `{"prompt": "…",
//! "completion": "…"}`. The structure is `rules/schemas/completion.schema.json`; L003 is Rust.

// The family's rule files (`lNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_completion.rs"));
