#![no_main]
// See ftlint::fuzzing::locate: the entry point and the invariants it asserts.
libfuzzer_sys::fuzz_target!(|data: &[u8]| ftlint::fuzzing::locate_pointer(data));
