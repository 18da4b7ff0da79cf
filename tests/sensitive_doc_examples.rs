//! Each S rule's documented example (the ```jsonl block of its `//!` doc) triggers the rule, so
//! the documentation cannot drift from the patterns.

use ftlint::rules::sensitive::describe;
use ftlint::sensitive::{line_texts, message_texts, ProfileAccumulator, Scanner};

fn doc_example(code: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules/sensitive");
    let prefix = format!("{}_", code.to_ascii_lowercase());
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&prefix)
        })
        .unwrap_or_else(|| panic!("no file for {code}"));
    let src = std::fs::read_to_string(&file).unwrap();
    let doc: Vec<&str> = src
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.trim_start_matches("//!").trim_start())
        .collect();
    for section in [
        "## What it checks",
        "## Why it matters",
        "## Example",
        "## Configuration",
    ] {
        assert!(doc.contains(&section), "{code}: missing `{section}`");
    }
    let start = doc
        .iter()
        .position(|l| *l == "```jsonl")
        .expect("jsonl block")
        + 1;
    doc[start..]
        .iter()
        .take_while(|l| **l != "```")
        .map(|l| l.to_string())
        .collect()
}

#[test]
fn documented_examples_trigger_their_rule() {
    let scanner = Scanner::builtin();
    let family = ftlint::rules::all().filter(|r| r.code().starts_with('S'));
    for rule in family {
        let lines = doc_example(rule.code());
        assert!(!lines.is_empty(), "{}", rule.code());
        let mut profile = ProfileAccumulator::new(scanner.min_profile_kinds());
        let mut codes = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let v: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{} example line {}: {e}", rule.code(), i + 1));
            let texts = line_texts(&v);
            let scan = scanner.scan_example(&message_texts(&texts));
            let texts = message_texts(&texts);
            codes.extend(scan.matches.iter().map(|m| {
                describe(m, &texts[m.message_index].text[m.range.clone()])
                    .0
                    .code()
            }));
            profile.add(i as u64 + 1, &scan);
        }
        if rule.code() == "S006" {
            assert_eq!(profile.finish().len(), 1, "S006 example");
        } else {
            assert!(
                codes.contains(&rule.code()),
                "{} example yields {codes:?}",
                rule.code()
            );
        }
    }
}
