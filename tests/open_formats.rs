//! The open-model trainers' formats as a user meets them: an Alpaca file is one D008 on a
//! target that does not take it (never 60 broken preference lines, as it was before ftlint knew
//! the format), each new format's sample is clean on its own target, a file mixing them gets
//! D005, and the token summary says why a self-hosted run has no cost.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    common::command(dir, &common::empty_cache())
        .args(args)
        .output()
        .expect("ftlint runs")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", common::stdout(o), common::stderr(o)))
}

fn codes(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

/// A temporary folder holding `train.jsonl` with `lines`.
fn file(lines: &[String]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("train.jsonl"),
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    dir
}

fn alpaca(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            format!(
                r#"{{"instruction": "Translate sentence {i} to French.", "input": "The cat number {i} sleeps.", "output": "Le chat numéro {i} dort."}}"#
            )
        })
        .collect()
}

/// The report of issue 15: 60 Alpaca lines on the default target were 60 P001s and C002s.
#[test]
fn an_alpaca_file_on_openai_is_one_d008_naming_the_alpaca_target() {
    let dir = file(&alpaca(60));
    let o = run_in(
        dir.path(),
        &["check", "train.jsonl", "--output-format", "json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(codes(&v), ["D008"], "{v}");
    let d = &v["diagnostics"][0];
    assert_eq!(d["line"], 0);
    assert_eq!(
        d["message"],
        "the file is in `alpaca` format (first at line 1), which target `openai` does not accept; it accepts `chat`, `preference`, `rft`, `completion`"
    );
    assert_eq!(
        d["help"],
        "if the file is meant for another service, say so (`--target alpaca`); otherwise convert it to a format `openai` accepts"
    );
    assert_eq!(v["files"][0]["format"], "alpaca");
}

#[test]
fn an_alpaca_file_on_its_target_is_clean_and_its_cost_unknown() {
    let dir = file(&alpaca(60));
    let o = run_in(dir.path(), &["check", "train.jsonl", "--target", "alpaca"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stdout(&o));
    let out = common::stdout(&o);
    assert!(
        out.contains("D002 the file has 60 examples; 100 or more are recommended"),
        "{out}"
    );
    assert!(
        out.contains("tokens: ~1,250 (billed ~1,250, longest example ~21, estimated at 4 characters per token) · 3 epochs · cost unknown for meta-llama/Llama-3.1-8B-Instruct (self-hosted: the cost is your hardware's time)"),
        "{out}"
    );
}

/// Each sample is clean on its target but for the recommended-size note (and C021's note on a
/// conversation without a system prompt), and detected as its format.
#[test]
fn each_sample_is_clean_on_its_target() {
    let samples = [
        ("alpaca.jsonl", "alpaca", "alpaca"),
        ("sharegpt.jsonl", "sharegpt", "sharegpt"),
        ("hf-text.jsonl", "hf", "text"),
        (
            "hf-conversational-completion.jsonl",
            "hf",
            "conversational-completion",
        ),
        ("hf-chosen-rejected.jsonl", "hf", "chosen-rejected"),
        ("hf-unpaired-preference.jsonl", "hf", "unpaired-preference"),
    ];
    for (name, target, format) in samples {
        let path = format!("fixtures/samples/{name}");
        let o = run_in(
            &root(),
            &[
                "check",
                &path,
                "--target",
                target,
                "--output-format",
                "json",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{name}: {}", common::stdout(&o));
        let v = json(&o);
        assert_eq!(v["files"][0]["format"], format, "{name}");
        for c in codes(&v) {
            assert!(c == "D002" || c == "C021", "{name}: {c} in {v}");
        }
    }
}

/// A ShareGPT line in an Alpaca file is D005 at that line, naming both formats.
#[test]
fn mixed_open_formats_are_d005() {
    let mut lines = alpaca(3);
    lines.insert(
        1,
        r#"{"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello!"}]}"#
            .to_owned(),
    );
    let dir = file(&lines);
    let o = run_in(
        dir.path(),
        &[
            "check",
            "train.jsonl",
            "--target",
            "alpaca",
            "--output-format",
            "json",
        ],
    );
    let v = json(&o);
    let d005: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "D005")
        .collect();
    assert_eq!(d005.len(), 1, "{v}");
    assert_eq!(d005[0]["line"], 2);
    let message = d005[0]["message"].as_str().unwrap();
    assert!(
        message.contains("sharegpt") && message.contains("alpaca"),
        "{message}"
    );
}

/// `--format` takes every new format, and a file forced to one is checked by its family.
#[test]
fn format_flag_takes_the_new_formats() {
    let dir = file(&[r#"{"instruction": "Hi", "output": ""}"#.to_owned()]);
    for f in [
        "text",
        "conversational-completion",
        "chosen-rejected",
        "unpaired-preference",
        "sharegpt",
        "alpaca",
    ] {
        let o = run_in(
            dir.path(),
            &[
                "check",
                "train.jsonl",
                "--format",
                f,
                "--output-format",
                "json",
            ],
        );
        assert_ne!(o.status.code(), Some(2), "{f}: {}", common::stderr(&o));
        assert_eq!(json(&o)["files"][0]["format"], f);
    }
    let o = run_in(
        dir.path(),
        &[
            "check",
            "train.jsonl",
            "--target",
            "alpaca",
            "--format",
            "alpaca",
            "--output-format",
            "json",
        ],
    );
    let v = json(&o);
    assert!(codes(&v).contains(&"A003".to_owned()), "{v}");
}

/// TRL reads the `prompt` and `completion` columns and ignores the others: an `id` beside them
/// is OpenAI's L002 on `openai`, nothing on `hf` (nor L003's leading-space advice).
#[test]
fn prompt_completion_on_hf_is_not_openai_legacy_data() {
    let dir = file(&[r#"{"prompt": "2 + 2 =", "completion": "4", "id": 7}"#.to_owned()]);
    let run = |target: &str| {
        let o = run_in(
            dir.path(),
            &[
                "check",
                "train.jsonl",
                "--target",
                target,
                "--select",
                "L",
                "--output-format",
                "json",
            ],
        );
        codes(&json(&o))
    };
    assert_eq!(run("openai"), ["L003", "L002"]);
    assert_eq!(run("hf"), Vec::<String>::new());
}

/// Personal data and secrets are found in every open format's texts, at their exact column:
/// a ShareGPT turn's `value`, an Alpaca `output` and `history`, a TRL `chosen` message and a
/// `text` record.
#[test]
fn sensitive_data_is_found_in_the_open_formats_texts() {
    let cases: [(&str, &str, &str); 5] = [
        (
            "sharegpt",
            r#"{"conversations": [{"from": "human", "value": "Who?"}, {"from": "gpt", "value": "Mail maria.gonzalez@northwind-mail.com now."}]}"#,
            "/conversations/1/value",
        ),
        (
            "alpaca",
            r#"{"instruction": "Who?", "input": "", "output": "Mail maria.gonzalez@northwind-mail.com now."}"#,
            "/output",
        ),
        (
            "alpaca",
            r#"{"instruction": "Who?", "output": "Her.", "history": [["Hi", "Mail maria.gonzalez@northwind-mail.com now."]]}"#,
            "/history/0/1",
        ),
        (
            "hf",
            r#"{"prompt": [{"role": "user", "content": "Who?"}], "chosen": [{"role": "assistant", "content": "Mail maria.gonzalez@northwind-mail.com now."}], "rejected": [{"role": "assistant", "content": "No."}]}"#,
            "/chosen/0/content",
        ),
        (
            "hf",
            r#"{"text": "Mail maria.gonzalez@northwind-mail.com now."}"#,
            "/text",
        ),
    ];
    // The third member says which text holds the address (the JSON report names no pointer
    // for S findings; the column pins it).
    for (target, line, _text) in cases {
        let dir = file(&[line.to_string()]);
        let o = run_in(
            dir.path(),
            &[
                "check",
                "train.jsonl",
                "--target",
                target,
                "--select",
                "S002",
                "--output-format",
                "json",
            ],
        );
        let v = json(&o);
        let d = &v["diagnostics"][0];
        assert_eq!(codes(&v), ["S002"], "{target}: {v}");
        let col = line.find("maria.gonzalez").unwrap() as u64 + 1;
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(1), Some(col)),
            "{v}"
        );
    }
}
