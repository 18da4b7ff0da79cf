//! Targets as a user meets them: `ftlint targets`, `ftlint target NAME` (snapshots), format
//! auto-detection over every fixture, and what a target changes in `check` — formats, roles,
//! BOM, lifecycle on a pinned day, estimated token counts, per-hour prices, config targets.

mod common;

use ftlint::diagnostic::RuleSet;
use ftlint::engine::{check_reader, DatasetLimits, Options};
use ftlint::format::FormatChoice;
use ftlint::rules::Rule;
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

fn run(args: &[&str]) -> Output {
    run_in(&root(), args)
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

#[test]
fn targets_list_and_each_target_in_full() {
    let o = run(&["targets"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("targets-list", common::stdout(&o));
    for name in ftlint::targets::Target::builtin_names() {
        let o = run(&["target", name]);
        assert_eq!(o.status.code(), Some(0), "{name}");
        insta::assert_snapshot!(format!("target-{name}"), common::stdout(&o));
        let j = run(&["target", name, "--output-format", "json"]);
        assert_eq!(json(&j)["name"], *name);
    }
    let o = run(&["target", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        common::stderr(&o),
        "ftlint: error: unknown target `nope` (see `ftlint targets`)\n"
    );
}

/// The format every fixture line is detected as, file by file: the auto-detection table.
#[test]
fn detection_table_over_every_fixture() {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in std::fs::read_dir(root().join("fixtures")).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "jsonl") {
                files.push(f);
            }
        }
    }
    files.sort();
    let opts = Options::rules_only(
        [Rule::D005].into_iter().collect::<RuleSet>(),
        FormatChoice::Auto,
        DatasetLimits::NONE,
    );
    let mut table = String::new();
    for f in &files {
        let rel = f
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let report = check_reader(rel.clone(), std::fs::File::open(f).unwrap(), &opts).unwrap();
        let format = report.format.map_or("-", |f| f.as_str());
        table.push_str(&format!("{rel}: {format}\n"));
    }
    insta::assert_snapshot!("detection-table", table);
}

const CHAT: &str = r#"{"messages": [{"role": "user", "content": "What is 2 + 2?"}, {"role": "assistant", "content": "4"}]}"#;
const COMPLETION: &str = r#"{"prompt": "2 + 2 =", "completion": " 4"}"#;

/// A temporary folder holding `name` with `lines` (each followed by a newline).
fn file(name: &str, lines: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(
        &path,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    (dir, path)
}

#[test]
fn a_format_the_target_does_not_take_is_one_file_level_error() {
    let owned: Vec<String> = (0..60)
        .map(|i| COMPLETION.replace("2 + 2", &format!("{i} + 2")))
        .collect();
    let lines: Vec<&str> = owned.iter().map(String::as_str).collect();
    let (dir, _) = file("train.jsonl", &lines);
    let o = run_in(
        dir.path(),
        &[
            "check",
            "train.jsonl",
            "--target",
            "azure-openai",
            "--output-format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let d008: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "D008")
        .collect();
    assert_eq!(d008.len(), 1, "{v}");
    assert_eq!(d008[0]["line"], 0);
    assert_eq!(
        d008[0]["message"],
        "the file is in `completion` format (first at line 1), which target `azure-openai` does not accept; it accepts `chat`, `preference`, `rft`"
    );
    // The model can't train on the format: one error, naming the models that can.
    let o = run_in(
        dir.path(),
        &["check", "train.jsonl", "--output-format", "json"],
    );
    let v = json(&o);
    assert_eq!(codes(&v), ["T003"], "{v}");
    assert!(v["diagnostics"][0]["help"]
        .as_str()
        .unwrap()
        .contains("`babbage-002`, `davinci-002`"));
    let o = run_in(
        dir.path(),
        &[
            "check",
            "train.jsonl",
            "--model",
            "davinci-002",
            "--output-format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", common::stdout(&o));
}

#[test]
fn lifecycle_on_a_pinned_day() {
    let lines = vec![CHAT; 12];
    let (dir, _) = file("train.jsonl", &lines);
    let check = |today: &str, args: &[&str]| {
        let mut c = common::command(dir.path(), &common::empty_cache());
        c.env("FTLINT_TODAY", today)
            .args([
                "check",
                "train.jsonl",
                "--output-format",
                "concise",
                "--select",
                "T",
            ])
            .args(args);
        c.output().unwrap()
    };
    // Before the 60-day window: nothing.
    let o = check("2026-11-06", &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(common::stdout(&o), "");
    // In it: a warning with the days left.
    let o = check("2026-12-01", &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        common::stdout(&o),
        "train.jsonl:1:1: warning: T005 `gpt-4o-mini-2024-07-18` takes new fine-tuning jobs on `openai` until 2027-01-06 (36 days left); the model shuts down on 2027-01-14\n"
    );
    // After the last day: an error.
    let o = check("2027-01-07", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(common::stdout(&o).starts_with(
        "train.jsonl:1:1: error: T004 `gpt-4o-mini-2024-07-18` can no longer be fine-tuned on `openai`: the last day for new jobs was 2027-01-06; the model shuts down on 2027-01-14"
    ));
    // Azure's dates are its own.
    let o = check("2027-01-07", &["--target", "azure-openai"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stdout(&o));
    // A day that is not a date is a usage error, not the clock.
    let o = check("2027-13-01", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        common::stderr(&o),
        "ftlint: error: `FTLINT_TODAY`: `2027-13-01` is not a date of the form YYYY-MM-DD\n"
    );
}

#[test]
fn azure_wants_a_bom_and_fix_adds_it() {
    let lines = vec![CHAT; 12];
    let (dir, path) = file("train.jsonl", &lines);
    let o = run_in(
        dir.path(),
        &[
            "check",
            "train.jsonl",
            "--target",
            "azure-openai",
            "--select",
            "J",
            "--output-format",
            "concise",
        ],
    );
    assert_eq!(
        common::stdout(&o),
        "train.jsonl:1:1: warning: J011 [*] the file has no UTF-8 byte order mark, which this target asks for\n"
    );
    let o = run_in(
        dir.path(),
        &[
            "check",
            "train.jsonl",
            "--target",
            "azure-openai",
            "--select",
            "J",
            "--fix",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF{\"messages\""));
    assert_eq!(
        bytes.len(),
        3 + lines.iter().map(|l| l.len() + 1).sum::<usize>()
    );
    // Now clean for Azure, and J005 for everyone else — whose `--fix` takes it off again.
    let o = run_in(
        dir.path(),
        &[
            "check",
            "train.jsonl",
            "--target",
            "azure-openai",
            "--select",
            "J",
            "--output-format",
            "concise",
        ],
    );
    assert_eq!(common::stdout(&o), "");
    let o = run_in(
        dir.path(),
        &[
            "check",
            "train.jsonl",
            "--select",
            "J",
            "--output-format",
            "concise",
        ],
    );
    assert!(common::stdout(&o).contains("J005"));
}

#[test]
fn together_roles_order_and_estimated_tokens() {
    let lines = [
        r#"{"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Yes."}]}"#,
        r#"{"messages": [{"role": "user", "content": "Hi"}, {"role": "function", "name": "f", "content": "{}"}, {"role": "assistant", "content": "Yes."}]}"#,
    ];
    let (dir, _) = file("train.jsonl", &lines);
    let o = run_in(
        dir.path(),
        &[
            "check",
            "train.jsonl",
            "--target",
            "together",
            "--output-format",
            "json",
        ],
    );
    let v = json(&o);
    let found: Vec<(String, u64, u64)> = v["diagnostics"]
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
    assert!(found.contains(&("C022".into(), 1, 59)), "{found:?}");
    assert!(found.contains(&("C005".into(), 2, 59)), "{found:?}");
    // OpenAI takes both lines' roles and order.
    let o = run_in(
        dir.path(),
        &["check", "train.jsonl", "--output-format", "json"],
    );
    assert!(!codes(&json(&o)).iter().any(|c| c == "C022" || c == "C005"));
    // Counts are estimates for Together's open models, and every output says so.
    let file = &v["files"][0];
    assert_eq!(file["token_counts"], "estimated");
    assert_eq!(file["target"], "together");
    let o = run_in(
        dir.path(),
        &["check", "train.jsonl", "--target", "together"],
    );
    let text = common::stdout(&o);
    assert!(text.contains("tokens: ~"), "{text}");
    assert!(
        text.contains("estimated at 4 characters per token"),
        "{text}"
    );
    let o = run_in(
        dir.path(),
        &[
            "stats",
            "train.jsonl",
            "--target",
            "together",
            "--output-format",
            "json",
        ],
    );
    let s = json(&o);
    assert_eq!(s["files"][0]["token_counts"], "estimated");
    assert!(s["files"][0]["encoding"].is_null());
    // OpenAI's are exact.
    let o = run_in(
        dir.path(),
        &["check", "train.jsonl", "--output-format", "json"],
    );
    assert_eq!(json(&o)["files"][0]["token_counts"], "exact");
}

#[test]
fn reinforcement_is_billed_per_hour_not_per_token() {
    let line = r#"{"messages": [{"role": "developer", "content": "Answer with a number."}, {"role": "user", "content": "2 + 2?"}], "answer": "4"}"#;
    let lines = vec![line; 12];
    let (dir, _) = file("rft.jsonl", &lines);
    let o = run_in(
        dir.path(),
        &[
            "check",
            "rft.jsonl",
            "--format",
            "rft",
            "--target",
            "azure-openai",
            "--model",
            "o4-mini-2025-04-16",
        ],
    );
    let text = common::stdout(&o);
    assert!(
        text.contains("o4-mini-2025-04-16 is billed per training hour ($100.00/h, prices of 2026-02): no token cost"),
        "{text}"
    );
    let o = run_in(
        dir.path(),
        &[
            "check",
            "rft.jsonl",
            "--format",
            "rft",
            "--target",
            "azure-openai",
            "--model",
            "o4-mini-2025-04-16",
            "--output-format",
            "json",
        ],
    );
    let v = json(&o);
    assert!(v["files"][0]["estimated_cost_usd"].is_null());
    // RFT data on a model that is not a reasoning model: T003.
    let o = run_in(
        dir.path(),
        &[
            "check",
            "rft.jsonl",
            "--format",
            "rft",
            "--target",
            "azure-openai",
            "--output-format",
            "json",
        ],
    );
    assert!(codes(&json(&o)).contains(&"T003".to_owned()));
}

#[test]
fn config_defines_its_own_target() {
    let lines = vec![CHAT; 3];
    let (dir, _) = file("train.jsonl", &lines);
    std::fs::write(
        dir.path().join("ftlint.toml"),
        r#"target = "lab"

[targets.lab]
extends = "together"
title = "Our cluster"
min_examples = 5
default_model = "our-llama"

[[targets.lab.models]]
name = "our-llama"
context = 8192
chars_per_token = 3.5
"#,
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &["check", "train.jsonl", "--output-format", "json"],
    );
    let v = json(&o);
    assert_eq!(v["files"][0]["target"], "lab");
    assert_eq!(v["files"][0]["model"], "our-llama");
    assert!(codes(&v).contains(&"D001".to_owned()), "{v}");
    let o = run_in(dir.path(), &["targets"]);
    assert!(
        common::stdout(&o).contains("lab "),
        "{}",
        common::stdout(&o)
    );
    let o = run_in(dir.path(), &["target", "lab"]);
    assert!(common::stdout(&o).starts_with("# lab — Our cluster\n"));
    // A mistake in it names the config and the key.
    std::fs::write(
        dir.path().join("ftlint.toml"),
        "target = \"lab\"\n[targets.lab]\nextends = \"together\"\nmin_exmaples = 5\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["check", "train.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    let err = common::stderr(&o);
    assert!(
        err.contains("`targets`: target `lab`: unknown field `min_exmaples`"),
        "{err}"
    );
}
