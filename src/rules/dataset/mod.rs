//! D — dataset rules: what only the whole file can tell.

pub mod d001_too_few_examples;
pub mod d002_few_examples;
pub mod d003_duplicate_example;
pub mod d004_conflicting_answers;
pub mod d005_mixed_formats;
pub mod d006_file_too_large;
pub mod d007_too_many_image_examples;

use super::Rule;

pub const RULES: &[&Rule] = &[
    &d001_too_few_examples::RULE,
    &d002_few_examples::RULE,
    &d003_duplicate_example::RULE,
    &d004_conflicting_answers::RULE,
    &d005_mixed_formats::RULE,
    &d006_file_too_large::RULE,
    &d007_too_many_image_examples::RULE,
];
