//! C — the chat format (OpenAI-style `messages`): the structure via the JSON Schema, the
//! relations between fields via one Rust function per rule.

// The family's rule files (`cNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_chat.rs"));
