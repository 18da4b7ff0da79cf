//! H — Hugging Face TRL's dataset formats (`hf` target): `text`; `prompt`/`completion` as
//! strings (the L family's `completion` format) or as message lists; preference `chosen` and
//! `rejected` with an optional `prompt`; unpaired preference with a boolean `label`. The
//! structure is `rules/schemas/{text,conversational-completion,chosen-rejected,unpaired-preference}.schema.json`;
//! messages are the chat schema's, so the C rules word them. What relates several values — one
//! kind (strings or messages) per example, the prompt two answers share — is Rust, one file a
//! rule.

// The family's rule files (`hNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_trl.rs"));

use serde_json::Value;

/// The keys of TRL's prompt and answers in an example, in line order, with their values.
pub fn trl_parts(v: &Value) -> impl Iterator<Item = (&'static str, &Value)> {
    crate::rules::TRL_PROMPT_AND_ANSWERS
        .into_iter()
        .filter_map(move |k| v.get(k).map(|x| (k, x)))
}
