//! Prints the S findings of a JSONL chat file: `cargo run --example sensitive_scan -- FILE`.
//! A debugging aid for the pattern data; the real CLI is `ftlint check`.

use ftlint::sensitive::{ProfileAccumulator, Scanner};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: sensitive_scan FILE.jsonl");
    let data = std::fs::read_to_string(&path).expect("readable file");
    let scanner = Scanner::builtin();
    let mut profile = ProfileAccumulator::new(scanner.min_profile_kinds());
    for (n, line) in data.lines().enumerate() {
        let line_no = n as u64 + 1;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let line_texts = ftlint::sensitive::line_texts(&v);
        let texts = ftlint::sensitive::message_texts(&line_texts);
        let scan = scanner.scan_example(&texts);
        for m in &scan.matches {
            let text = &texts[m.message_index].text[m.range.clone()];
            // The engine would find the raw literal at this pointer and map `m.range` with
            // `ftlint::escapes::EscapeMap` to get the column.
            let at = &line_texts[m.message_index].pointer;
            let (rule, message, _) = ftlint::rules::sensitive::describe(m, text);
            println!(
                "{line_no}: {} [{}] {at} {:?} {text:?}: {message}",
                rule.code(),
                m.pattern_id,
                m.range
            );
        }
        for f in &scan.facts {
            println!(
                "{line_no}:   fact {:?} {:?} msg {}",
                f.kind, f.person, f.message_index
            );
        }
        profile.add(line_no, &scan);
    }
    for f in profile.finish() {
        let message =
            ftlint::rules::sensitive::s006_personal_profile::message(&f.person, &f.kinds, &f.lines);
        println!("S006 {} {:?}: {message}", f.person, f.lines);
    }
}
