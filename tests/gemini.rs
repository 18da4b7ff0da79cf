//! The Gemini format end to end: the built binary over the G fixtures and the Gemini sample,
//! with the exact codes and positions (each checked by hand against the fixture text), the
//! auto-detected format, and the rules of other families on Gemini lines — the sensitive-data
//! scan must see the text of `contents` and `systemInstruction` at its exact column, the chat
//! rules must stay silent, the dataset rules must compare Gemini examples.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};

/// `ftlint check PATH --output-format json` with `extra` flags: the exit code and the report.
fn run(path: &Path, extra: &[&str]) -> (i32, Value) {
    let out = common::command(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &common::empty_cache(),
    )
    .arg("check")
    .arg(path)
    .args(["--output-format", "json"])
    .args(extra)
    .output()
    .expect("ftlint runs");
    let code = out.status.code().expect("exit code");
    assert!(code <= 1, "{}: {}", path.display(), common::stderr(&out));
    (
        code,
        serde_json::from_slice(&out.stdout).expect("JSON output"),
    )
}

/// (code, line, column) of each diagnostic, in output order.
fn found(v: &Value) -> Vec<(String, u64, u64)> {
    v["diagnostics"]
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
        .collect()
}

fn owned(expected: &[(&str, u64, u64)]) -> Vec<(String, u64, u64)> {
    expected
        .iter()
        .map(|(c, l, col)| (c.to_string(), *l, *col))
        .collect()
}

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
}

/// A file of `lines` in a fresh temporary folder (kept alive by the returned guard).
fn temp_file(lines: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.jsonl");
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// Each G rule's invalid fixture with every rule of the G family selected: the findings, in
/// output order. (Other G rules fire on some lines too: an OpenAI-style role also breaks the
/// turn order, a misplaced function response the alternation.)
#[allow(clippy::type_complexity)]
const CASES: &[(&str, &[(&str, u64, u64)])] = &[
    (
        "G001",
        &[
            ("G001", 1, 1),
            ("G001", 2, 14),
            ("G001", 3, 14),
            ("G001", 4, 15),
            ("G001", 4, 35),
        ],
    ),
    (
        "G002",
        &[
            ("G002", 1, 2),
            ("G004", 2, 15),
            ("G002", 2, 32),
            ("G002", 3, 69),
            ("G002", 4, 145),
            ("G002", 5, 124),
            ("G006", 6, 24),
            ("G002", 6, 75),
        ],
    ),
    (
        "G003",
        &[
            ("G003", 1, 83),
            ("G003", 2, 24),
            ("G003", 3, 15),
            ("G003", 4, 24),
            ("G003", 5, 193),
            ("G003", 6, 83),
        ],
    ),
    (
        "G004",
        &[
            ("G004", 1, 43),
            ("G004", 2, 42),
            ("G004", 3, 42),
            ("G004", 4, 55),
            ("G004", 5, 93),
            ("G004", 6, 43),
            ("G004", 7, 111),
            ("G004", 8, 101),
            ("G004", 9, 74),
            ("G004", 10, 130),
            ("G006", 11, 193),
            ("G004", 11, 213),
            ("G006", 11, 316),
            ("G004", 12, 84),
        ],
    ),
    (
        "G005",
        &[
            ("G005", 1, 23),
            ("G005", 2, 23),
            ("G005", 3, 33),
            ("G005", 4, 34),
            ("G005", 4, 35),
            ("G005", 5, 25),
        ],
    ),
    (
        "G006",
        &[
            ("G006", 1, 24),
            ("G006", 2, 83),
            ("G006", 3, 132),
            ("G006", 4, 24),
            ("G006", 5, 193),
        ],
    ),
    (
        "G007",
        &[("G007", 1, 111), ("G007", 2, 43), ("G007", 3, 81)],
    ),
    (
        "G008",
        &[
            ("G008", 1, 391),
            ("G008", 2, 417),
            ("G008", 3, 418),
            ("G008", 4, 392),
        ],
    ),
];

#[test]
fn g_fixtures_give_exactly_the_expected_findings() {
    for (code, expected) in CASES {
        let (_, v) = run(
            &fixture(&format!("{code}/invalid.jsonl")),
            &["--select", "G"],
        );
        assert_eq!(found(&v), owned(expected), "{code}/invalid.jsonl");
        let (exit, v) = run(&fixture(&format!("{code}/valid.jsonl")), &["--select", "G"]);
        assert_eq!(found(&v), Vec::new(), "{code}/valid.jsonl");
        assert_eq!(exit, 0, "{code}/valid.jsonl");
    }
}

#[test]
fn g_fixtures_are_detected_as_gemini() {
    for (code, _) in CASES {
        for file in ["invalid.jsonl", "valid.jsonl"] {
            let (_, v) = run(&fixture(&format!("{code}/{file}")), &["--select", "G"]);
            assert_eq!(v["files"][0]["format"], "gemini", "{code}/{file}");
        }
    }
}

/// The rules of the other formats never fire on Gemini lines, valid or not, with every rule
/// selected (moderation aside: no scores here).
#[test]
fn other_format_rules_stay_silent_on_gemini_lines() {
    for (code, _) in CASES {
        for file in ["invalid.jsonl", "valid.jsonl"] {
            let (_, v) = run(
                &fixture(&format!("{code}/{file}")),
                &["--select", "C,P,R,L"],
            );
            assert_eq!(found(&v), Vec::new(), "{code}/{file}");
        }
    }
}

/// The sample: twelve realistic examples (system instructions in both spellings, multi-turn,
/// a function call, images and a PDF by URI, French and Japanese). On its target, with the
/// default rules, the only finding is D002 (fewer than the 100 examples Vertex recommends, an
/// info), so the exit code is 0. On the default target (OpenAI), the format itself is refused
/// once, for the file (D008).
#[test]
fn the_gemini_sample_is_clean_but_for_its_size() {
    let (_, v) = run(&fixture("samples/gemini.jsonl"), &[]);
    assert_eq!(found(&v), owned(&[("D002", 0, 0), ("D008", 0, 0)]));
    let (exit, v) = run(
        &fixture("samples/gemini.jsonl"),
        &["--target", "vertex-gemini"],
    );
    assert_eq!(found(&v), owned(&[("D002", 0, 0)]));
    assert_eq!(v["files"][0]["token_counts"], "estimated");
    assert_eq!(exit, 0);
    let file = &v["files"][0];
    assert_eq!(file["format"], "gemini");
    assert_eq!(file["examples"], 12);
    // Tokens are counted (the text of the parts, in the model's encoding).
    assert!(file["tokens"]["total"].as_u64().unwrap() > 0, "{file}");
}

/// S002 finds an e-mail address in a Gemini part and in a snake_case system instruction, at
/// its exact columns: after a non-ASCII character and a `\n` escape, which the column mapping
/// must count as one and two columns of raw text.
#[test]
fn sensitive_scan_reads_gemini_parts_at_exact_columns() {
    let line1 = r#"{"contents": [{"role": "user", "parts": [{"text": "Who handles refunds?"}]}, {"role": "model", "parts": [{"text": "Café team:\nwrite to maria.gonzalez@northwind-mail.com today."}]}]}"#;
    let line2 = r#"{"system_instruction": {"parts": [{"text": "Escalate to ops@northwind-mail.com."}]}, "contents": [{"role": "user", "parts": [{"text": "Hi"}]}, {"role": "model", "parts": [{"text": "Hello!"}]}]}"#;
    let (_dir, path) = temp_file(&[line1, line2]);
    let (_, v) = run(&path, &["--select", "S002"]);
    let diags: Vec<(u64, u64, u64, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["end_column"].as_u64().unwrap(),
                d["message"].as_str().unwrap(),
            )
        })
        .collect();
    // By hand: line 1's model text opens with its `"` at column 115; `"Café team:\nwrite to `
    // is 22 characters of raw text, so the address (33 characters) spans columns 137–169.
    // Line 2's text opens at column 44; `"Escalate to ` is 13 characters: columns 57–77.
    assert_eq!(
        diags,
        [
            (
                1,
                137,
                170,
                "e-mail address `maria.gonzalez@northwind-mail.com`"
            ),
            (2, 57, 79, "e-mail address `ops@northwind-mail.com`"),
        ]
    );
    // The same, counted from the raw lines (columns are Unicode scalar values).
    let col = |line: &str, what: &str| line[..line.find(what).unwrap()].chars().count() as u64 + 1;
    assert_eq!(col(line1, "maria"), 137);
    assert_eq!(col(line2, "ops@"), 57);
}

/// D003 and D004 compare Gemini examples: the same example twice, and the same conversation
/// with another final `model` turn; D005 says when a file mixes Gemini and chat lines.
#[test]
fn dataset_rules_compare_gemini_examples() {
    let a = r#"{"contents": [{"role": "user", "parts": [{"text": "Capital of Australia?"}]}, {"role": "model", "parts": [{"text": "Canberra."}]}]}"#;
    let a_again = r#"{"contents":[{"role":"user","parts":[{"text":"Capital of Australia?"}]},{"role":"model","parts":[{"text":"Canberra."}]}]}"#;
    let b = r#"{"contents": [{"role": "user", "parts": [{"text": "Capital of Australia?"}]}, {"role": "model", "parts": [{"text": "Sydney."}]}]}"#;
    // Same turns, another system instruction: a different conversation, no D004.
    let c = r#"{"systemInstruction": {"parts": [{"text": "Answer wrongly."}]}, "contents": [{"role": "user", "parts": [{"text": "Capital of Australia?"}]}, {"role": "model", "parts": [{"text": "Sydney."}]}]}"#;
    let chat = r#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}"#;
    let (_dir, path) = temp_file(&[a, a_again, b, c, chat]);
    let (_, v) = run(&path, &["--select", "D003,D004,D005"]);
    assert_eq!(
        found(&v),
        owned(&[("D003", 2, 1), ("D004", 3, 1), ("D005", 5, 1)])
    );
    let messages: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages[0], "same example as line 1");
    assert_eq!(
        messages[1],
        "same conversation as line 1 but a different final answer"
    );
    assert!(
        messages[2].contains("the file is mostly gemini"),
        "{}",
        messages[2]
    );
}

/// T001 sees a Gemini example's tokens: a long example against a 4,096-token context.
#[test]
fn a_long_gemini_example_is_too_long() {
    let long = "All work and no play makes Jack a dull boy. ".repeat(600);
    let line = format!(
        r#"{{"contents": [{{"role": "user", "parts": [{{"text": "Summarize: {long}"}}]}}, {{"role": "model", "parts": [{{"text": "Jack is tired."}}]}}]}}"#
    );
    let short = r#"{"contents": [{"role": "user", "parts": [{"text": "Hi"}]}, {"role": "model", "parts": [{"text": "Hello!"}]}]}"#;
    let (_dir, path) = temp_file(&[&line, short]);
    let (_, v) = run(
        &path,
        &["--select", "T001", "--model", "gpt-3.5-turbo-0613"],
    );
    assert_eq!(found(&v), owned(&[("T001", 1, 1)]));
}

/// `--format gemini` checks any line as Gemini: a chat line then hears what it is.
#[test]
fn forced_gemini_format_names_an_openai_line() {
    let chat = r#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}"#;
    let (_dir, path) = temp_file(&[chat]);
    let (_, v) = run(&path, &["--select", "G", "--format", "gemini"]);
    assert_eq!(v["files"][0]["format"], "gemini");
    assert_eq!(found(&v), owned(&[("G001", 1, 1), ("G002", 1, 2)]));
    let help = v["diagnostics"][1]["help"].as_str().unwrap();
    assert!(
        help.starts_with("`messages` is OpenAI's chat format"),
        "{help}"
    );
}

/// Hostile shapes never panic and still get one finding each, at a position.
#[test]
fn odd_gemini_shapes_do_not_panic() {
    let lines = [
        r#"{"contents": null}"#,
        r#"{"contents": [null, [], 3]}"#,
        r#"{"contents": [{"role": "user", "parts": [null, [], {"text": null}]}]}"#,
        r#"{"systemInstruction": [], "contents": "x", "tools": 7}"#,
        r#"{"contents": [{"role": "user", "parts": [{"fileData": null}, {"fileData": {"mimeType": 1, "fileUri": []}}]}]}"#,
    ];
    let (_dir, path) = temp_file(&lines);
    let (exit, v) = run(&path, &[]);
    assert_eq!(exit, 1);
    for d in v["diagnostics"].as_array().unwrap() {
        if d["line"].as_u64().unwrap() > 0 {
            assert!(d["column"].as_u64().unwrap() >= 1, "{d}");
        }
    }
    let lines_with_findings: std::collections::BTreeSet<u64> = found(&v)
        .iter()
        .filter(|(c, ..)| c.starts_with('G'))
        .map(|(_, l, _)| *l)
        .collect();
    assert_eq!(lines_with_findings, (1..=5).collect());
}

/// The ```jsonl block of a G rule's `//!` doc.
fn doc_example(code: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules/gemini");
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

/// Every line of each G rule's documented example triggers the rule, so the documentation
/// cannot drift from the checks.
#[test]
fn documented_examples_trigger_their_rule() {
    for (code, _) in CASES {
        let lines = doc_example(code);
        assert!(!lines.is_empty(), "{code}");
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (_dir, path) = temp_file(&refs);
        let (_, v) = run(&path, &["--select", code]);
        assert_eq!(v["files"][0]["format"], "gemini", "{code}");
        let hit: std::collections::BTreeSet<u64> = found(&v).iter().map(|(_, l, _)| *l).collect();
        assert_eq!(
            hit,
            (1..=lines.len() as u64).collect(),
            "{code}: the documented example's lines with a finding"
        );
    }
}
