//! Throughput of the sensitive-data scanner on typical message text (run in release):
//! `cargo run --release --example sensitive_bench [EXAMPLES]`.
//!
//! Generates benign English/Japanese chat (`tests/support/benign_chat.rs`), then times
//! 1. the baseline: parsing every line with `serde_json` and collecting its message texts (a
//!    lower bound of what a check does per line without S rules);
//! 2. the same plus `Scanner::scan_example` on every example (all S rules on).
//!
//! Prints MB/s of message text for the scan alone and the ratio (2)/(1). The real check does
//! more per line than (1) (schema, tokens), so the ratio in the engine is lower still.

#[path = "../tests/support/benign_chat.rs"]
mod benign_chat;

use std::time::Instant;

use ftlint::sensitive::{MessageText, Scanner};

fn texts(v: &serde_json::Value) -> Vec<MessageText<'_>> {
    v["messages"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| MessageText {
                    role: m["role"].as_str().unwrap_or(""),
                    text: m["content"].as_str().unwrap_or(""),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let data = benign_chat::jsonl(7, n);
    // Compile outside the timings (LazyLock): this is the one-time start-up cost.
    let t = Instant::now();
    let scanner = Scanner::builtin();
    let compile = t.elapsed();

    let mut text_bytes = 0usize;
    let mut best_base = f64::MAX;
    let mut best_full = f64::MAX;
    let mut best_scan = f64::MAX;
    let mut findings = 0usize;
    for _ in 0..3 {
        let t = Instant::now();
        let mut sink = 0usize;
        for line in data.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            sink += texts(&v).iter().map(|m| m.text.len()).sum::<usize>();
        }
        best_base = best_base.min(t.elapsed().as_secs_f64());
        text_bytes = sink;

        let t = Instant::now();
        let mut scan_time = 0.0;
        findings = 0;
        for line in data.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let msgs = texts(&v);
            let s = Instant::now();
            findings += scanner.scan_example(&msgs).matches.len();
            scan_time += s.elapsed().as_secs_f64();
        }
        best_full = best_full.min(t.elapsed().as_secs_f64());
        best_scan = best_scan.min(scan_time);
    }
    let mb = text_bytes as f64 / 1e6;
    println!(
        "examples: {n}, JSONL {:.1} MB, message text {mb:.1} MB, findings {findings}",
        data.len() as f64 / 1e6
    );
    println!(
        "scanner compile (first use): {:.1} ms",
        compile.as_secs_f64() * 1e3
    );
    println!(
        "baseline parse: {:.3} s ({:.0} MB/s of JSONL)",
        best_base,
        data.len() as f64 / 1e6 / best_base
    );
    println!(
        "parse + scan:   {:.3} s  → ratio {:.2}×",
        best_full,
        best_full / best_base
    );
    println!(
        "scan alone:     {:.3} s ({:.0} MB/s of message text)",
        best_scan,
        mb / best_scan
    );
}
