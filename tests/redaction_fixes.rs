//! Redaction fixes (issue 17, item 5): with `--fix --unsafe-fixes`, S001 replaces a secret with a
//! typed placeholder (`<OPENAI_API_KEY>`, `<GITHUB_TOKEN>`, …) and S002–S005 replace personal
//! data with `<EMAIL>`, `<PHONE>`, `<CARD_NUMBER>`, `<NATIONAL_ID>`: each edit exact inside its
//! JSON string — also when the value is written with `\u` escapes —, the file rewritten
//! through the fix machinery (atomically). And no output — any format, the dry-run diff, an
//! error about a broken line, the score cache — ever shows a whole secret.

mod common;

use common::{stderr, stdout};
use serde_json::Value;
use std::path::Path;
use std::process::Output;

/// The secrets of `DATA`, decoded: none may appear in any output.
const SECRETS: &[&str] = &[
    "sk-proj-pTyGJMuHbEL31IeL2HPcHyGcFRl1SPnXNYvMIHa-2o76umfX",
    "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",
    "AKIAR6EDT4SYWB5WKH7D",
    "Tq9vL2xR7mK4pW8nZ3cB6yH1jF5sD0gA+eU/oIiV",
    "sk-ant-api03-Dtjm9IZ_rYhS_ihHLZmPXhjJ6PN8UPp7vNO7qO3735RRDpf8xbWGinsch0McONXznUm-4KWoA7WU2otvvwHBR5QRjiLakAA",
    "xoxb-547280385280-8414852538885-oOnzyw2MzP0ZvzOMhfWuBByR",
];

/// Line 1: an OpenAI key and an e-mail address; line 2: a GitHub token written with `\u`
/// escapes (its `N`, `x`, `S` …) next to a quote escape; line 3: an AWS key pair, a phone
/// number, a card number and an SSN; line 4: an Anthropic key inside array content parts;
/// line 5: not JSON at all, with a Slack token in it; line 6: clean.
const DATA: &str = concat!(
    r#"{"messages": [{"role": "user", "content": "My key sk-proj-pTyGJMuHbEL31IeL2HPcHyGcFRl1SPnXNYvMIHa-2o76umfX fails; mail maria.gonzalez@northwind-mail.com"}, {"role": "assistant", "content": "Rotate it."}]}"#,
    "\n",
    r#"{"messages": [{"role": "user", "content": "token \"ghp_\u004ex\u0053IvPZZ63fFKcZjR4I0b3jRtaWr4Y04VKEn\" ok?"}, {"role": "assistant", "content": "No."}]}"#,
    "\n",
    r#"{"messages": [{"role": "user", "content": "aws_access_key_id = AKIAR6EDT4SYWB5WKH7D\naws_secret_access_key = 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"}, {"role": "assistant", "content": "Call +1 415 555 0132, card 4111 1111 1111 1111, SSN 536-22-1234."}]}"#,
    "\n",
    r#"{"messages": [{"role": "user", "content": [{"type": "text", "text": "ANTHROPIC_API_KEY=sk-ant-api03-Dtjm9IZ_rYhS_ihHLZmPXhjJ6PN8UPp7vNO7qO3735RRDpf8xbWGinsch0McONXznUm-4KWoA7WU2otvvwHBR5QRjiLakAA"}]}, {"role": "assistant", "content": "Revoke it."}]}"#,
    "\n",
    r#"{"messages": [{"role": "user", "content": "xoxb-547280385280-8414852538885-oOnzyw2MzP0ZvzOMhfWuBByR"#,
    "\n",
    r#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}"#,
    "\n",
);

const RULES: &str = "S001,S002,S003,S004,S005";

fn setup() -> (tempfile::TempDir, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.jsonl"), DATA).unwrap();
    (dir, tempfile::tempdir().unwrap())
}

fn run(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    common::command(dir, cache).args(args).output().unwrap()
}

/// No secret of `SECRETS` in `text`, neither decoded nor as `DATA` writes it.
fn assert_no_secret(what: &str, text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{what} shows {s}:\n{text}");
    }
    assert!(
        !text.contains(r"ghp_\u004ex\u0053IvPZZ63fFKcZjR4I0b3jRtaWr4Y04VKEn"),
        "{what} shows the escaped token:\n{text}"
    );
}

#[test]
fn redaction_replaces_each_value_with_its_placeholder() {
    let (dir, cache) = setup();
    let o = run(
        dir.path(),
        cache.path(),
        &[
            "check",
            "t.jsonl",
            "--select",
            RULES,
            "--fix",
            "--unsafe-fixes",
        ],
    );
    assert_no_secret("stdout", &stdout(&o));
    assert_no_secret("stderr", &stderr(&o));
    let fixed = std::fs::read_to_string(dir.path().join("t.jsonl")).unwrap();
    let lines: Vec<&str> = fixed.lines().collect();
    // Line 5 is not JSON: no S rule reads it, its token stays (J001 reports the line).
    for (i, l) in lines.iter().enumerate().filter(|(i, _)| *i != 4) {
        assert_no_secret(&format!("fixed line {}", i + 1), l);
    }
    assert_eq!(lines.len(), 6);
    let content = |i: usize| -> Value {
        let v: Value = serde_json::from_str(lines[i]).expect("each fixed line is valid JSON");
        v["messages"][0]["content"].clone()
    };
    assert_eq!(
        content(0),
        "My key <OPENAI_API_KEY> fails; mail <EMAIL>",
        "{}",
        lines[0]
    );
    // The escaped token is replaced whole, the quote escapes around it kept.
    assert_eq!(content(1), "token \"<GITHUB_TOKEN>\" ok?");
    assert!(
        lines[1].contains(r#"token \"<GITHUB_TOKEN>\" ok?"#),
        "{}",
        lines[1]
    );
    assert_eq!(
        content(2),
        "aws_access_key_id = <AWS_ACCESS_KEY_ID>\naws_secret_access_key = <AWS_SECRET_ACCESS_KEY>"
    );
    let v: Value = serde_json::from_str(lines[2]).unwrap();
    assert_eq!(
        v["messages"][1]["content"],
        "Call <PHONE>, card <CARD_NUMBER>, SSN <NATIONAL_ID>."
    );
    assert_eq!(
        content(3)[0]["text"],
        "ANTHROPIC_API_KEY=<ANTHROPIC_API_KEY>"
    );
    // Not JSON: no example, no S rule, nothing changed.
    assert_eq!(lines[4], DATA.lines().nth(4).unwrap());
    assert_eq!(lines[5], DATA.lines().nth(5).unwrap());
    assert!(
        stderr(&o).contains(
            "replaced 5 secrets with typed placeholders, replaced 1 e-mail address with \
             `<EMAIL>`, replaced 1 phone number with `<PHONE>`, replaced 1 card number with \
             `<CARD_NUMBER>`, replaced 1 national ID with `<NATIONAL_ID>`"
        ),
        "{}",
        stderr(&o)
    );
    // A second run finds nothing left to redact.
    let again = run(
        dir.path(),
        cache.path(),
        &[
            "check",
            "t.jsonl",
            "--select",
            RULES,
            "--fix",
            "--unsafe-fixes",
        ],
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.jsonl")).unwrap(),
        fixed
    );
    assert!(!stderr(&again).contains("replaced"), "{}", stderr(&again));
}

#[test]
fn without_unsafe_fixes_nothing_is_redacted() {
    let (dir, cache) = setup();
    let o = run(
        dir.path(),
        cache.path(),
        &["check", "t.jsonl", "--select", RULES, "--fix"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.jsonl")).unwrap(),
        DATA
    );
    assert!(
        stdout(&o).contains("hidden fixes can be enabled with the `--unsafe-fixes` option"),
        "{}",
        stdout(&o)
    );
}

/// The dry-run diff shows the lines before and after with every secret masked (the `-` line)
/// or replaced (the `+` line); the file is untouched.
#[test]
fn dry_run_diff_masks_secrets() {
    let (dir, cache) = setup();
    let o = run(
        dir.path(),
        cache.path(),
        &[
            "check",
            "t.jsonl",
            "--select",
            RULES,
            "--fix",
            "--dry-run",
            "--unsafe-fixes",
        ],
    );
    let out = stdout(&o);
    assert_no_secret("the dry-run diff", &out);
    assert_no_secret("the dry-run's stderr", &stderr(&o));
    assert!(out.contains("+{\"messages\": [{\"role\": \"user\", \"content\": \"My key <OPENAI_API_KEY> fails; mail <EMAIL>\""), "{out}");
    assert!(
        out.contains(
            "-{\"messages\": [{\"role\": \"user\", \"content\": \"My key sk-proj-pTyG…fX fails"
        ),
        "{out}"
    );
    // The escaped token's `-` line shows its redacted form, not the escapes.
    assert!(out.contains(r#"token \"ghp_\u00…En\" ok?"#), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.jsonl")).unwrap(),
        DATA
    );
}

/// Every output format, with every S rule and the JSON rules (line 5 is an error whose snippet
/// shows the broken line), shows no whole secret; nor does the score cache.
#[test]
fn no_output_format_shows_a_secret() {
    let (dir, cache) = setup();
    for format in ["full", "concise", "json", "json-lines", "github", "sarif"] {
        let o = run(
            dir.path(),
            cache.path(),
            &["check", "t.jsonl", "--output-format", format],
        );
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("S001"), "{format}: {out}");
        assert_no_secret(format, &out);
        assert_no_secret(format, &stderr(&o));
    }
    // JSON output carries the redaction fix: its replacement is the placeholder, never the key.
    let o = run(
        dir.path(),
        cache.path(),
        &[
            "check",
            "t.jsonl",
            "--output-format",
            "json",
            "--select",
            "S001",
        ],
    );
    assert!(stdout(&o).contains("<OPENAI_API_KEY>"), "{}", stdout(&o));
    for entry in walk(cache.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert_no_secret("the score cache", &String::from_utf8_lossy(&bytes));
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
