//! R — the reinforcement fine-tuning format (`--format rft`; never auto-detected, its lines
//! look like chat). `messages` with the roles developer, user, assistant and tool, ending with
//! the user; `tools`; any other top-level key is passed to the grader and allowed. The
//! structure is `rules/schemas/rft.schema.json` (reusing the chat schema's definitions); the
//! chat rules that make sense for a prompt apply to its messages.

// The family's rule files (`rNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_rft.rs"));
