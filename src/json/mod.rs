//! JSON parsing for one JSONL line, and finding where a value sits in the raw text.
//!
//! A line is parsed exactly once, with serde_json's streaming parser, into a
//! `serde_json::Value`. A custom visitor records duplicate keys on the way (a plain `Value`
//! would silently keep the last one), so J007 costs no second parse. Byte positions of values
//! are *not* recorded while parsing: most lines have no finding, so [`locate`] re-scans the raw
//! text only for the few lines that need a position.

pub mod hash;
pub mod locate;
pub mod parse;
pub mod pointer;

pub use parse::{parse_line, ParseError, ParseErrorKind, Parsed};
pub use pointer::{Pointer, Seg};
