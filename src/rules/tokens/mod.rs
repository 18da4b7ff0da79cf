//! T — tokens: examples longer than the model's training context, unknown `--model` names.
//!
//! Counting itself lives in `crate::tokens`; these files hold each rule's documentation,
//! metadata and wording.

pub mod t001_example_too_long;
pub mod t002_unknown_model;

use super::Rule;

/// Every rule of the T family.
pub const RULES: &[&Rule] = &[&t001_example_too_long::RULE, &t002_unknown_model::RULE];
