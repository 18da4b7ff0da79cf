//! The preference, reinforcement and legacy formats and the vision checks, end to end: the
//! built binary over each fixture folder, with the exact codes and positions (hand-checked
//! against the fixture text) and the auto-detected format of every fixture file.

mod common;

use serde_json::Value;
use std::path::Path;

/// (code, line, column) of each diagnostic, in output order, and the file's detected format.
fn check(path: &Path, extra: &[&str]) -> (Vec<(String, u64, u64)>, Option<String>, Value) {
    let out = common::command(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &common::empty_cache(),
    )
    .arg("check")
    .arg(path)
    .args([
        "--output-format",
        "json",
        "--ignore",
        "D001",
        "--ignore",
        "D002",
        // Which model trains on which format is T003's own test; these are about the formats.
        "--ignore",
        "T003",
    ])
    .args(extra)
    .output()
    .expect("ftlint runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let diags = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let format = v["files"][0]["format"].as_str().map(str::to_owned);
    (diags, format, v)
}

fn fixture(code: &str, file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(code)
        .join(file)
}

fn owned(expected: &[(&str, u64, u64)]) -> Vec<(String, u64, u64)> {
    expected
        .iter()
        .map(|(c, l, col)| (c.to_string(), *l, *col))
        .collect()
}

/// Each folder: the format auto-detection gives, the flags to check it with, and the
/// findings of `invalid.jsonl`. `valid.jsonl` must have none.
#[allow(clippy::type_complexity)]
const CASES: &[(&str, &str, &[&str], &[(&str, u64, u64)])] = &[
    (
        "C018",
        "chat",
        &[],
        &[("C018", 1, 162), ("C018", 2, 116), ("C018", 3, 173)],
    ),
    (
        "C019",
        "chat",
        &[],
        &[
            ("C019", 1, 202),
            ("C019", 2, 202),
            ("C019", 3, 202),
            ("C019", 4, 236),
            ("C019", 5, 202),
            ("C019", 6, 202),
            ("C019", 7, 202),
            ("C019", 8, 202),
            ("C019", 9, 202),
            ("C019", 10, 1999),
        ],
    ),
    (
        "P001",
        "preference",
        &[],
        &[
            ("P001", 1, 1),
            ("P001", 2, 1),
            ("P001", 3, 11),
            ("P001", 4, 235),
            ("P001", 5, 167),
        ],
    ),
    (
        "P002",
        "preference",
        &[],
        &[
            ("P002", 1, 237),
            ("P002", 2, 167),
            ("P002", 2, 221),
            ("P002", 3, 177),
            ("P002", 4, 247),
        ],
    ),
    (
        "P003",
        "preference",
        &[],
        &[("P003", 1, 154), ("P003", 2, 85)],
    ),
    (
        "P004",
        "preference",
        &[],
        &[("P004", 1, 237), ("P004", 2, 236), ("P004", 3, 234)],
    ),
    (
        "L001",
        "completion",
        &[],
        &[
            ("L001", 1, 60),
            ("L001", 2, 1),
            ("L001", 3, 1),
            ("L001", 4, 12),
        ],
    ),
    (
        "L002",
        "completion",
        &[],
        &[("L002", 1, 72), ("L002", 2, 68), ("L002", 2, 86)],
    ),
    (
        "L003",
        "completion",
        &[],
        &[("L003", 1, 54), ("L003", 2, 37)],
    ),
    // Reinforcement data looks like chat and is never auto-detected.
    (
        "R001",
        "chat",
        &["--format", "rft"],
        &[("R001", 1, 24), ("R001", 2, 90), ("R001", 3, 90)],
    ),
    (
        "R002",
        "chat",
        &["--format", "rft"],
        &[("R002", 1, 135), ("R002", 2, 135), ("R002", 3, 292)],
    ),
];

#[test]
fn fixtures_give_exactly_the_expected_findings() {
    for (code, _, flags, expected) in CASES {
        let (got, _, _) = check(&fixture(code, "invalid.jsonl"), flags);
        assert_eq!(got, owned(expected), "{code}/invalid.jsonl");
        let (got, _, _) = check(&fixture(code, "valid.jsonl"), flags);
        assert_eq!(got, Vec::new(), "{code}/valid.jsonl");
    }
}

#[test]
fn auto_detection_names_each_fixture_format() {
    for (code, format, flags, _) in CASES {
        for file in ["invalid.jsonl", "valid.jsonl"] {
            let (_, got, _) = check(&fixture(code, file), &[]);
            assert_eq!(got.as_deref(), Some(*format), "{code}/{file}");
            if !flags.is_empty() {
                let (_, forced, _) = check(&fixture(code, file), flags);
                assert_eq!(forced.as_deref(), Some("rft"), "{code}/{file} forced");
            }
        }
    }
}

#[test]
fn preference_input_gets_the_chat_rules_under_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.jsonl");
    std::fs::write(
        &path,
        concat!(
            r#"{"input": {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "cat.png"}}]}], "tools": 1}, "#,
            r#""preferred_output": [{"role": "assistant", "content": "  "}], "non_preferred_output": [{"role": "assistant", "content": "No."}]}"#,
            "\n"
        ),
    )
    .unwrap();
    let (got, format, v) = check(&path, &[]);
    assert_eq!(format.as_deref(), Some("preference"));
    let pointers: Vec<(&str, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["pointer"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        pointers,
        [
            ("C021", "/input/messages"),
            ("C019", "/input/messages/0/content/0/image_url/url"),
            ("C014", "/input/tools"),
            ("C016", "/preferred_output/0/content"),
        ],
        "{got:?}"
    );
}

#[test]
fn rft_allows_grader_keys_and_needs_no_assistant() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.jsonl");
    std::fs::write(
        &path,
        concat!(
            r#"{"messages": [{"role": "developer", "content": "Number only."}, {"role": "user", "content": "2+2?"}], "reference_answer": "4", "meta": {"level": 1}}"#,
            "\n",
            r#"{"messages": [{"role": "user", "content": "2+2?"}], "tools": "none"}"#,
            "\n",
        ),
    )
    .unwrap();
    let (got, format, _) = check(&path, &["--format", "rft"]);
    assert_eq!(format.as_deref(), Some("rft"));
    assert_eq!(got, owned(&[("C014", 2, 62)]));
}

#[test]
fn an_oversized_data_url_is_reported_without_decoding() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jsonl");
    // 11 MiB decoded; not valid PNG beyond the size, which must not matter.
    let payload = "A".repeat(11 * 1024 * 1024 / 3 * 4);
    let line = format!(
        r#"{{"messages": [{{"role": "system", "content": "Describe."}}, {{"role": "user", "content": [{{"type": "image_url", "image_url": {{"url": "data:image/png;base64,{payload}"}}}}]}}, {{"role": "assistant", "content": "Black."}}]}}"#
    );
    std::fs::write(&path, format!("{line}\n")).unwrap();
    let start = std::time::Instant::now();
    let (got, _, v) = check(&path, &[]);
    eprintln!("11 MiB data URL checked in {:?}", start.elapsed());
    assert_eq!(got, owned(&[("C019", 1, 131)]));
    let message = v["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("11.0 MB; the limit is 10 MB"), "{message}");
}

#[test]
fn each_rule_doc_example_triggers_its_rule() {
    let dir = tempfile::tempdir().unwrap();
    for code in [
        "C018", "C019", "P001", "P002", "P003", "P004", "R001", "R002", "L001", "L002", "L003",
    ] {
        let doc = ftlint::rules::by_code(code).unwrap().doc();
        let example = doc
            .split("```jsonl\n")
            .nth(1)
            .and_then(|s| s.split("\n```").next())
            .unwrap_or_else(|| panic!("{code}: no example"));
        let path = dir.path().join(format!("{code}.jsonl"));
        std::fs::write(&path, format!("{example}\n")).unwrap();
        let flags: &[&str] = if code.starts_with('R') {
            &["--format", "rft"]
        } else {
            &[]
        };
        let (got, _, _) = check(&path, flags);
        assert!(got.iter().any(|(c, _, _)| c == code), "{code}: {got:?}");
    }
}

#[test]
fn messages_in_preference_data_are_named_with_their_role() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.jsonl");
    std::fs::write(
        &path,
        concat!(
            r#"{"input": {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "foo": 1}]}, "#,
            r#""preferred_output": [{"role": "assistant"}], "non_preferred_output": [{"role": "assistant", "content": "No."}]}"#,
            "\n"
        ),
    )
    .unwrap();
    let (got, _, v) = check(&path, &[]);
    assert_eq!(
        got,
        owned(&[("C006", 1, 69), ("C008", 1, 86), ("C006", 1, 120)])
    );
    let messages: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "`input.messages[1]` (`user`) has no `content`",
            "`input.messages[1]` (`user`) has key `foo`, which its role does not allow",
            "`preferred_output[0]` (`assistant`) has no `content`",
        ]
    );
}

/// D007 counts examples with images in every format that can hold them, preference included.
#[test]
fn image_examples_are_counted_in_chat_rft_and_preference_inputs() {
    use ftlint::engine::{check_reader, DatasetLimits};
    use ftlint::format::{Format, FormatChoice};
    let image = r#"[{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]"#;
    let chat = format!(
        r#"{{"messages": [{{"role": "user", "content": {image}}}, {{"role": "assistant", "content": "A cat."}}]}}"#
    );
    let pref = format!(
        r#"{{"input": {{"messages": [{{"role": "user", "content": {image}}}]}}, "preferred_output": [{{"role": "assistant", "content": "A cat."}}], "non_preferred_output": [{{"role": "assistant", "content": "A dog."}}]}}"#
    );
    for (line, format) in [
        (&chat, FormatChoice::Auto),
        (&chat, FormatChoice::Fixed(Format::Rft)),
        (&pref, FormatChoice::Auto),
    ] {
        let settings = ftlint::settings::Settings {
            format,
            moderation: Some(ftlint::moderation::SourceMode::Off),
            ..Default::default()
        };
        let mut setup = ftlint::settings::Setup::new(&settings, false).unwrap();
        setup.opts.limits = DatasetLimits {
            min_examples: 1,
            recommended_examples: 1,
            max_file_bytes: u64::MAX,
            max_image_examples: 1,
            max_examples: u64::MAX,
            max_line_bytes: u64::MAX,
        };
        let opts = &setup.opts;
        let input = format!("{line}\n{line}\n");
        let report = check_reader("x.jsonl".into(), input.as_bytes(), opts).unwrap();
        let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.code()).collect();
        assert!(codes.contains(&"D007"), "{format:?}: {codes:?}");
    }
}

#[test]
fn preference_outputs_are_checked_against_the_input_tools() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.jsonl");
    std::fs::write(
        &path,
        concat!(
            r#"{"input": {"messages": [{"role": "system", "content": "Use tools."}, {"role": "user", "content": "Weather in Paris?"}], "tools": [{"type": "function", "function": {"name": "get_weather"}}]}, "#,
            r#""preferred_output": [{"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]}], "#,
            r#""non_preferred_output": [{"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "get_wether", "arguments": "[]"}}]}]}"#,
            "\n"
        ),
    )
    .unwrap();
    let (got, _, _) = check(&path, &[]);
    assert_eq!(got, owned(&[("C015", 1, 459), ("C011", 1, 486)]));
}

#[test]
fn rft_data_checked_as_chat_is_pointed_to_format_rft() {
    let (_, format, v) = check(&fixture("R002", "valid.jsonl"), &[]);
    assert_eq!(format.as_deref(), Some("chat"));
    let c010: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "C010")
        .collect();
    assert_eq!(c010.len(), 2);
    for d in c010 {
        assert!(
            d["help"].as_str().unwrap().contains("`--format rft`"),
            "{d}"
        );
    }
}
