//! J — JSONL framing: what every line must be before any format applies.

pub mod j001_invalid_utf8;
pub mod j002_invalid_json;
pub mod j003_not_an_object;
pub mod j004_blank_line;
pub mod j005_byte_order_mark;
pub mod j006_crlf_line_ending;
pub mod j007_duplicate_key;
pub mod j008_lone_surrogate;
pub mod j009_nesting_too_deep;
pub mod j010_missing_final_newline;

use super::Rule;

pub const RULES: &[&Rule] = &[
    &j001_invalid_utf8::RULE,
    &j002_invalid_json::RULE,
    &j003_not_an_object::RULE,
    &j004_blank_line::RULE,
    &j005_byte_order_mark::RULE,
    &j006_crlf_line_ending::RULE,
    &j007_duplicate_key::RULE,
    &j008_lone_surrogate::RULE,
    &j009_nesting_too_deep::RULE,
    &j010_missing_final_newline::RULE,
];
