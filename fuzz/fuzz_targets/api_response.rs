#![no_main]
// See ftlint::fuzzing::api_response: the entry point and the invariants it asserts.
libfuzzer_sys::fuzz_target!(|data: &[u8]| ftlint::fuzzing::api_response(data));
