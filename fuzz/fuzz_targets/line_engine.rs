#![no_main]
// See ftlint::fuzzing::line_engine: the entry point and the invariants it asserts.
libfuzzer_sys::fuzz_target!(|data: &[u8]| ftlint::fuzzing::line_engine(data));
