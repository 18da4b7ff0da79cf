//! ftlint: a linter and moderation pre-checker for LLM fine-tuning data (JSONL).
//!
//! The binary is a thin wrapper over [`cli::main`]. The engine ([`engine`]) streams each input
//! once, checks lines in parallel, and hands sorted [`diagnostic::Diagnostic`]s to a renderer
//! ([`render`]).

pub mod baseline;
pub mod bounded;
pub mod cli;
pub mod config;
pub mod convert;
pub mod diagnostic;
pub mod diff;
pub mod engine;
pub mod escapes;
pub mod fix;
pub mod format;
#[doc(hidden)]
pub mod fuzzing;
pub mod gemini;
pub mod input;
pub mod json;
pub mod llamafactory;
pub mod moderation;
pub mod render;
pub mod rules;
pub mod sensitive;
pub mod server;
pub mod settings;
pub mod stats;
pub mod suggest;
pub mod targets;
pub mod tokens;
pub mod vision;
