#![no_main]
// See ftlint::fuzzing::score_import: the entry point and the invariants it asserts.
libfuzzer_sys::fuzz_target!(|data: &[u8]| ftlint::fuzzing::score_import(data));
